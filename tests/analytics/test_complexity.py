"""Economic complexity: hand-computed cases and the Growth Lab's ``ecomplexity`` as reference."""

from __future__ import annotations

import math
import warnings

import ecomplexity as ecomplexity_mod
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaodi.analytics.complexity import (
    complexity,
    complexity_table,
    density,
    presence,
    proximity,
    rca,
    to_matrix,
)
from gaodi.core.errors import DataError


# --------------------------------------------------------------------------- reference runner
def run_ecomplexity(x: np.ndarray, regions: list[str], industries: list[str]) -> dict:
    """Run ``ecomplexity`` 0.5 on a dense matrix and return dense arrays (sorted labels)."""
    c, p = x.shape
    df = pd.DataFrame(
        {
            "year": 2020,
            "region": np.repeat(regions, p),
            "industry": np.tile(industries, c),
            "value": x.ravel(),
        }
    )
    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity_mod.ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)
        prox = ecomplexity_mod.proximity(df, cols)
    out = out.dropna(subset=["rca"]).sort_values(["region", "industry"])
    regs = sorted(out["region"].unique())
    inds = sorted(out["industry"].unique())
    cc, pp = len(regs), len(inds)
    by_r = out.groupby("region").first().loc[regs]
    by_p = out.groupby("industry").first().loc[inds]
    prox = prox[prox.industry_1.isin(inds) & prox.industry_2.isin(inds)]
    prox = prox.sort_values(["industry_1", "industry_2"])
    return {
        "regions": regs,
        "industries": inds,
        "rca": out["rca"].to_numpy().reshape(cc, pp),
        "mcp": out["mcp"].to_numpy().reshape(cc, pp),
        "density": out["density"].to_numpy().reshape(cc, pp),
        "cog": out["cog"].to_numpy().reshape(cc, pp),
        "diversity": by_r["diversity"].to_numpy(),
        "eci": by_r["eci"].to_numpy(),
        "coi": by_r["coi"].to_numpy(),
        "ubiquity": by_p["ubiquity"].to_numpy(),
        "pci": by_p["pci"].to_numpy(),
        "proximity": prox["proximity"].to_numpy().reshape(pp, pp),
    }


def assert_matches(res, ref: dict, tol: float = 1e-8) -> None:
    assert res.regions == ref["regions"]
    assert res.industries == ref["industries"]
    for key in (
        "rca",
        "mcp",
        "diversity",
        "ubiquity",
        "eci",
        "pci",
        "proximity",
        "density",
        "coi",
        "cog",
    ):
        np.testing.assert_allclose(getattr(res, key), ref[key], rtol=0, atol=tol, err_msg=key)


def generated(c: int, p: int, seed: int) -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(0.0, 2.0, size=(c, p)) * (rng.random((c, p)) < 0.7), 3)
    return x, [f"r{i:03d}" for i in range(c)], [f"p{i:04d}" for i in range(p)]


# --------------------------------------------------------------------------- hand-computed
def test_rca_hand_computed() -> None:
    # X = [[1, 1], [3, 1]]: region totals 2, 4; industry totals 4, 2; world 6.
    # RCA_00 = (1/2)/(4/6) = 0.75; RCA_01 = (1/2)/(2/6) = 1.5
    # RCA_10 = (3/4)/(4/6) = 1.125; RCA_11 = (1/4)/(2/6) = 0.75
    np.testing.assert_allclose(rca([[1, 1], [3, 1]]), [[0.75, 1.5], [1.125, 0.75]])


def test_presence_threshold_is_inclusive() -> None:
    # M = 1 exactly at RCA = 1 (ecomplexity: np.where(x >= threshold, 1, 0)).
    assert presence([[1.0, 0.999999]]).tolist() == [[1.0, 0.0]]
    assert presence([[1.5, 1.49]], threshold=1.5).tolist() == [[1.0, 0.0]]


def test_proximity_and_density_hand_computed() -> None:
    # M = [[1,1,0],[1,0,1],[1,1,1]]; ubiquity k_p0 = (3, 2, 2).
    # C = M^T M = [[3,2,2],[2,2,1],[2,1,2]]; phi = C / max(k_p0, k_p'0):
    # phi_01 = 2/max(3,2) = 2/3, phi_02 = 2/3, phi_12 = 1/max(2,2) = 1/2, diagonal 1.
    m = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    phi = proximity(m)
    np.testing.assert_allclose(phi, [[1, 2 / 3, 2 / 3], [2 / 3, 1, 0.5], [2 / 3, 0.5, 1]])
    # Row sums of phi: 1 + 4/3 = 7/3; 2/3 + 3/2 = 13/6; 13/6.
    # Region 0 has industries 0 and 1 (the sum includes p itself):
    # w_00 = (1 + 2/3)/(7/3) = 5/7; w_01 = (2/3 + 1)/(13/6) = 10/13; w_02 = (2/3 + 1/2)/(13/6) = 7/13
    np.testing.assert_allclose(density(m, phi)[0], [5 / 7, 10 / 13, 7 / 13])
    np.testing.assert_allclose(density(m, phi)[2], [1, 1, 1])


def test_eci_pci_closed_form_on_a_path() -> None:
    # M links a-{r,s}, b-{q,r}, c-{p,q}, d-{p}: the bipartite graph is the path
    # d - p - c - q - b - r - a - s (positions j = 0..7). A random walk on a path of 8 nodes has
    # eigenvalues mu_k = cos(pi k / 7) with eigenvectors f_k(j) = cos(pi k j / 7); the two-step
    # walk M_cc has lambda_k = mu_k^2, so lambda_2 = cos(pi/7)^2 = (1 + cos(2 pi/7))/2.
    x = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
    res = complexity(x, ["a", "b", "c", "d"], ["p", "q", "r", "s"])
    assert res.mcp.astype(int).tolist() == [[0, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    mu = math.cos(math.pi / 7)
    assert res.eigenvalues[0] == pytest.approx(1.0)
    assert res.eigenvalues[1] == pytest.approx(mu**2)
    # Regions sit at j = 6, 4, 2, 0 (a, b, c, d); the sign is flipped so that ECI rises with
    # diversity (d, with diversity 1, has the largest raw value cos 0 = 1).
    f_reg = -np.array([math.cos(math.pi * j / 7) for j in (6, 4, 2, 0)])
    # ecomplexity pairs K_p = f on the industries with K_c = D^-1 M K_p = mu * f on regions.
    kc = mu * f_reg
    eci = (kc - kc.mean()) / kc.std()
    np.testing.assert_allclose(res.eci, eci, atol=1e-12)
    f_ind = -np.array([math.cos(math.pi * j / 7) for j in (1, 3, 5, 7)])  # p, q, r, s
    np.testing.assert_allclose(res.pci, (f_ind - kc.mean()) / kc.std(), atol=1e-12)
    # Numbers: ECI_a = (0.90097 + 0.125 * ... ) -> 1.3874 by the same arithmetic.
    assert res.eci[0] == pytest.approx(1.38736, abs=1e-5)


def test_coi_cog_against_explicit_sums() -> None:
    # An independent, loop-by-loop transcription of the formulas: K_p from numpy's general
    # eigensolver on M_pp = U^-1 M^T D^-1 M, then COI and COG as written in the docstring.
    x, regs, inds = generated(7, 9, seed=3)
    res = complexity(x, regs, inds)
    m, phi = res.mcp, res.proximity
    c, p = m.shape
    k_c0, k_p0 = m.sum(axis=1), m.sum(axis=0)
    mpp = np.array(
        [
            [sum(m[i, a] * m[i, b] / (k_c0[i] * k_p0[a]) for i in range(c)) for b in range(p)]
            for a in range(p)
        ]
    )
    vals, vecs = np.linalg.eig(mpp)
    kp = np.real(vecs[:, np.argsort(np.real(vals))[-2]])
    kc = np.array([sum(m[i, a] * kp[a] for a in range(p)) / k_c0[i] for i in range(c)])
    if np.corrcoef(k_c0, kc)[0, 1] < 0:
        kp, kc = -kp, -kc
    rowsum = [sum(phi[a, b] for b in range(p)) for a in range(p)]
    coi = np.array(
        [sum(res.density[i, a] * (1 - m[i, a]) * kp[a] for a in range(p)) for i in range(c)]
    )
    cog = (
        np.array(
            [
                [
                    (1 - m[i, a])
                    * sum((1 - m[i, b]) * phi[a, b] * kp[b] / rowsum[b] for b in range(p))
                    for a in range(p)
                ]
                for i in range(c)
            ]
        )
        / kc.std()
    )
    np.testing.assert_allclose(res.eci, (kc - kc.mean()) / kc.std(), atol=1e-10)
    np.testing.assert_allclose(res.pci, (kp - kc.mean()) / kc.std(), atol=1e-10)
    np.testing.assert_allclose(res.coi, (coi - coi.mean()) / coi.std(), atol=1e-10)
    np.testing.assert_allclose(res.cog, cog, atol=1e-10)


# --------------------------------------------------------------------------- ecomplexity
@pytest.mark.parametrize(("c", "p", "seed"), [(60, 200, 0), (40, 15, 1), (25, 25, 2)])
def test_matches_ecomplexity_on_generated_data(c: int, p: int, seed: int) -> None:
    x, regs, inds = generated(c, p, seed)
    assert_matches(complexity(x, regs, inds), run_ecomplexity(x, regs, inds))


def test_matches_ecomplexity_when_dropping_empty_rows_and_columns() -> None:
    x, regs, inds = generated(20, 30, seed=6)
    x[3, :] = 0.0  # a region with zero total
    x[:, 7] = 0.0  # an industry with zero total
    with pytest.raises(DataError, match="zero total"):
        complexity(x, regs, inds)
    res = complexity(x, regs, inds, drop_empty_rows=True)
    assert res.dropped_regions == ["r003"] and res.dropped_industries == ["p0007"]
    assert_matches(res, run_ecomplexity(x, regs, inds))


def test_ties_at_rca_one_follow_ecomplexity() -> None:
    # Region r0 is exactly the world mix scaled: x_0p / X_0 = X_p / X, so RCA = 1 in exact
    # arithmetic everywhere in row 0. Decimal values (0.1, 0.3...) make the float result land
    # on either side of 1; M must follow ecomplexity's float operations bit for bit.
    base = np.array(
        [[0.1, 0.2, 0.3, 0.7], [0.7, 0.1, 0.1, 0.2], [0.2, 0.9, 0.1, 0.1], [0.3, 0.3, 0.6, 0.1]]
    )
    colsum = base.sum(axis=0)
    x = np.vstack([colsum * 0.3, base])
    regs, inds = ["r0", "r1", "r2", "r3", "r4"], ["a", "b", "c", "d"]
    ref = run_ecomplexity(x, regs, inds)
    np.testing.assert_array_equal(complexity(x, regs, inds).mcp, ref["mcp"])
    assert_matches(complexity(x, regs, inds), ref)


def test_disconnected_block_is_a_data_error() -> None:
    # Two blocks that share no industry: the second eigenvalue of M_pp is 1 as well, so the
    # ECI eigenvector is any mix of the two block indicators (ecomplexity returns one of them).
    x = np.zeros((4, 4))
    x[0, :2] = [3, 1]
    x[1, :2] = [1, 3]
    x[2, 2:] = [3, 1]
    x[3, 2:] = [1, 3]
    with pytest.raises(DataError, match="disconnected") as info:
        complexity(x, ["a", "b", "c", "d"], ["p", "q", "r", "s"])
    assert "不相连" in info.value.zh


def test_region_without_any_presence_is_a_data_error() -> None:
    # Region c is the world mix: totals 5, 5, 10; industry totals 10, 10; world 20.
    # RCA_c = (5/10)/(10/20) = 1 for both industries, below the threshold 1.2: diversity 0.
    x = [[4, 1], [1, 4], [5, 5]]
    with pytest.raises(DataError, match="diversity 0"):
        complexity(x, threshold=1.2)


def test_equal_diversity_everywhere_makes_the_sign_undefined() -> None:
    # A 3-cycle: every region has two industries; corr(diversity, K_c) is undefined.
    x = [[2, 2, 0.01], [0.01, 2, 2], [2, 0.01, 2]]
    with pytest.raises(DataError):
        complexity(x)


def test_mirror_symmetric_regions_make_the_sign_undefined() -> None:
    # M = a-{1,2}, b-{0,3}, c-{1,3,4}: swapping a and b (with 1<->3, 2<->0... ) maps the
    # network onto itself with K_c(a) = -K_c(b) and K_c(c) = 0, so with diversity (2, 2, 3)
    # the correlation is exactly 0 and ecomplexity's sign is rounding noise.
    x = [[3, 1, 3, 3, 0], [3, 0, 0, 2, 0], [1, 1, 1, 3, 1]]
    with pytest.raises(DataError, match="sign is undefined"):
        complexity(x)


@pytest.mark.parametrize("bad", [[[1, -1], [2, 2]], [[1, np.nan], [2, 2]], [[1, 2]]])
def test_bad_matrices(bad) -> None:
    with pytest.raises(DataError):
        complexity(bad)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**31), st.integers(3, 7), st.integers(3, 8))
def test_small_integer_tables_match_ecomplexity_or_raise(seed: int, c: int, p: int) -> None:
    # Small integer tables are full of ties and degenerate structures. Either gaodi raises a
    # DataError, or it agrees with ecomplexity to 1e-8.
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(c, p)).astype(float)
    regs = [f"r{i}" for i in range(c)]
    inds = [f"p{i}" for i in range(p)]
    try:
        res = complexity(x, regs, inds, drop_empty_rows=True)
    except DataError:
        return
    assert_matches(res, run_ecomplexity(x, regs, inds))


# --------------------------------------------------------------------------- tables
def test_to_matrix_pivots_and_rejects_duplicates() -> None:
    df = pl.DataFrame(
        {"region": ["b", "a", "b"], "industry": ["y", "x", "x"], "value": [3.0, 2.0, 1.0]}
    )
    m, r, i = to_matrix(df)
    assert (m.tolist(), r, i) == ([[2.0, 0.0], [1.0, 3.0]], ["a", "b"], ["x", "y"])
    dup = pl.concat([df, df.head(1)])
    with pytest.raises(DataError, match="appears 2 times"):
        to_matrix(dup)
    with pytest.raises(DataError, match="negative"):
        to_matrix(df.with_columns(pl.lit(-1.0).alias("value")))
    with pytest.raises(DataError, match="Missing column"):
        to_matrix(df.drop("industry"))


def test_complexity_table_with_years_matches_each_year() -> None:
    x1, regs, inds = generated(8, 10, seed=11)
    x2, _, _ = generated(8, 10, seed=12)
    rows = []
    for year, x in ((2021, x1), (2022, x2)):
        for i, r in enumerate(regs):
            for j, p in enumerate(inds):
                rows.append((year, r, p, float(x[i, j])))
    df = pl.DataFrame(rows, schema=["year", "region", "industry", "value"], orient="row")
    tables = complexity_table(df, year="year")
    got = tables.regions.filter(pl.col("year") == 2022).sort("region")["eci"].to_numpy()
    np.testing.assert_allclose(got, run_ecomplexity(x2, regs, inds)["eci"], atol=1e-8)
    assert tables.cells.height == 2 * 8 * 10
    assert tables.proximity.height == 2 * 10 * 10
