"""Regional specialisation (``regional`` and ``regional_tables``): hand-computed small cases."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gaodi.analytics.regional import (
    balassa_rca,
    cagr,
    dynamic_shift_share,
    hhi,
    hoover_localisation,
    krugman_index,
    location_quotient,
    shift_share,
)
from gaodi.analytics.regional_tables import (
    cagr_table,
    concentration_table,
    localisation_table,
    panel,
    shift_share_table,
    specialisation_table,
)
from gaodi.core.errors import DataError

# Two regions, three industries:      x      y      z    | total
#                            city    20     30     50   |  100
#                            rest    80     70     50   |  200
#                            total  100    100    100   |  300
X = np.array([[20.0, 30.0, 50.0], [80.0, 70.0, 50.0]])


def test_location_quotient_hand_computed() -> None:
    # LQ_city,x = (20/100)/(100/300) = 0.6; y: 0.3/(1/3) = 0.9; z: 0.5/(1/3) = 1.5
    # LQ_rest,x = (80/200)/(1/3) = 1.2; y: 0.35*3 = 1.05; z: 0.25*3 = 0.75
    np.testing.assert_allclose(location_quotient(X), [[0.6, 0.9, 1.5], [1.2, 1.05, 0.75]])


def test_location_quotient_against_a_national_reference() -> None:
    # Nation: x 500, y 300, z 200 (total 1000): city x = 0.2 / 0.5 = 0.4; y 0.3/0.3 = 1;
    # z 0.5/0.2 = 2.5
    np.testing.assert_allclose(
        location_quotient(X[:1], reference=[500, 300, 200]), [[0.4, 1.0, 2.5]]
    )


def test_balassa_rca_is_the_lq_formula_on_exports() -> None:
    # Exports: country A 10 of x, 0 of y; B 5 and 5. World x 15, y 5, total 20.
    # RCA_A,x = (10/10)/(15/20) = 4/3; RCA_B,y = (5/10)/(5/20) = 2
    r = balassa_rca([[10, 0], [5, 5]])
    assert r[0, 0] == pytest.approx(4 / 3) and r[1, 1] == pytest.approx(2.0)


def test_hhi_hand_computed() -> None:
    # city shares 0.2, 0.3, 0.5: HHI = 0.04 + 0.09 + 0.25 = 0.38
    # rest shares 0.4, 0.35, 0.25: 0.16 + 0.1225 + 0.0625 = 0.345
    np.testing.assert_allclose(hhi(X), [0.38, 0.345])
    # normalised: (0.38 - 1/3) / (1 - 1/3) = 0.046667 / 0.666667 = 0.07
    assert hhi(X, normalised=True)[0] == pytest.approx(0.07)


def test_krugman_index_hand_computed() -> None:
    # Against the rest: |0.2-0.4| + |0.3-0.35| + |0.5-0.25| = 0.2 + 0.05 + 0.25 = 0.5 (both)
    np.testing.assert_allclose(krugman_index(X), [0.5, 0.5])
    # Against all (1/3 each): city |0.2-1/3| + |0.3-1/3| + |0.5-1/3| = 2/15 + 1/30 + 1/6 = 1/3
    assert krugman_index(X, reference="all")[0] == pytest.approx(1 / 3)


def test_hoover_hand_computed() -> None:
    # Region shares of all activity: city 1/3, rest 2/3.
    # x: city 20/100 = 0.2, rest 0.8: 0.5 (|0.2-1/3| + |0.8-2/3|) = 0.5 * 4/15 = 2/15
    # y: 0.3, 0.7: 0.5 * (1/30 + 1/30) = 1/30; z: 0.5, 0.5: 0.5 * (1/6 + 1/6) = 1/6
    np.testing.assert_allclose(hoover_localisation(X), [2 / 15, 1 / 30, 1 / 6])


def test_cagr_hand_computed() -> None:
    # 100 -> 133.1 in 3 years: 1.331^(1/3) = 1.1
    assert float(cagr(100, 133.1, 3)) == pytest.approx(0.1)
    with pytest.raises(DataError):
        cagr(0, 10, 2)
    with pytest.raises(DataError):
        cagr(10, 10, 0)


def test_shift_share_hand_computed() -> None:
    # Base X; end: city x 24, y 45, z 50; rest x 96, y 70, z 65.
    # Totals: start 300, end 350 -> G = 1/6. Industries: x 100 -> 120 (G_x = 0.2),
    # y 100 -> 115 (0.15), z 100 -> 115 (0.15).
    x1 = np.array([[24.0, 45.0, 50.0], [96.0, 70.0, 65.0]])
    s = shift_share(X, x1)
    # city x: NS = 20/6 = 3.3333; IM = 20 (0.2 - 1/6) = 0.6667; CE = 24 - 20*1.2 = 0
    # city y: NS = 5; IM = 30 (0.15 - 1/6) = -0.5; CE = 45 - 30*1.15 = 10.5
    np.testing.assert_allclose(s.national_growth[0], [20 / 6, 5.0, 50 / 6])
    np.testing.assert_allclose(s.industry_mix[0, :2], [20 / 30, -0.5])
    np.testing.assert_allclose(s.competitive[0, :2], [0.0, 10.5])
    np.testing.assert_allclose(
        s.national_growth + s.industry_mix + s.competitive, x1 - X, atol=1e-12
    )


def test_shift_share_with_a_new_industry_in_a_region() -> None:
    # e_ri^0 = 0 -> NS = IM = 0 and the whole change is competitive (no division by 0).
    s = shift_share([[0.0, 10.0], [10.0, 10.0]], [[5.0, 10.0], [10.0, 10.0]])
    assert s.competitive[0, 0] == 5.0 and s.national_growth[0, 0] == 0.0


def test_dynamic_shift_share_sums_to_the_change() -> None:
    xs = [X, X * 1.1, X * np.array([1.2, 1.0, 1.3])]
    steps = dynamic_shift_share(xs)
    total = sum(s.national_growth + s.industry_mix + s.competitive for s in steps)
    np.testing.assert_allclose(total, xs[-1] - xs[0], atol=1e-12)
    # Step 1 is uniform 10 % growth: everything is national growth.
    np.testing.assert_allclose(steps[0].national_growth, X * 0.1)
    np.testing.assert_allclose(steps[0].competitive, 0.0, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (3, 4), elements=st.floats(0.5, 1e4)),
    arrays(np.float64, (3, 4), elements=st.floats(0.0, 1e4)),
)
def test_invariants(x0: np.ndarray, x1: np.ndarray) -> None:
    s = shift_share(x0, x1)
    np.testing.assert_allclose(
        s.national_growth + s.industry_mix + s.competitive, x1 - x0, atol=1e-6
    )
    lq = location_quotient(x0)
    # The activity-weighted mean LQ of every industry is 1: sum_r (e_r/E) LQ_ri = 1.
    np.testing.assert_allclose((x0.sum(axis=1) / x0.sum()) @ lq, 1.0)
    assert ((hoover_localisation(x0) >= 0) & (hoover_localisation(x0) < 1)).all()
    assert ((krugman_index(x0) >= 0) & (krugman_index(x0) <= 2 + 1e-12)).all()


def test_zero_totals_are_data_errors() -> None:
    with pytest.raises(DataError):
        location_quotient([[0.0, 0.0], [1.0, 2.0]])
    with pytest.raises(DataError):
        hoover_localisation([[0.0, 1.0], [0.0, 2.0]])
    with pytest.raises(DataError):
        location_quotient([[-1.0, 1.0]])


# --------------------------------------------------------------------------- tables
def long(x: np.ndarray, year: int) -> pl.DataFrame:
    regs, inds = ["city", "rest"], ["x", "y", "z"]
    return pl.DataFrame(
        {
            "region": np.repeat(regs, 3),
            "industry": np.tile(inds, 2),
            "year": [year] * 6,
            "value": x.ravel(),
        }
    )


X1 = np.array([[24.0, 45.0, 50.0], [96.0, 70.0, 65.0]])
TABLE = pl.concat([long(X, 2020), long(X * 1.1, 2021), long(X1, 2022)])


def test_panel_rejects_bad_input() -> None:
    with pytest.raises(DataError, match="Missing column"):
        panel(TABLE.drop("year"))
    with pytest.raises(DataError, match="more than once"):
        panel(pl.concat([TABLE, TABLE.head(1)]))
    with pytest.raises(DataError, match="negative"):
        panel(TABLE.with_columns(pl.lit(-1.0).alias("value")))


def test_specialisation_table_matches_dense_values() -> None:
    t = specialisation_table(TABLE).filter(pl.col("year") == 2020)
    assert t.filter(pl.col("region") == "city")["lq"].to_list() == pytest.approx([0.6, 0.9, 1.5])
    assert t.filter(pl.col("region") == "city")["share"].to_list() == pytest.approx([0.2, 0.3, 0.5])
    ref = pl.DataFrame(
        {
            "industry": ["x", "y", "z"] * 3,
            "year": np.repeat([2020, 2021, 2022], 3),
            "value": [500.0, 300, 200] * 3,
        }
    )
    t2 = specialisation_table(TABLE, reference=ref).filter(
        (pl.col("year") == 2020) & (pl.col("region") == "city")
    )
    assert t2["lq"].to_list() == pytest.approx([0.4, 1.0, 2.5])
    assert t2["rca"].to_list() == pytest.approx([0.6, 0.9, 1.5])


def test_concentration_and_localisation_tables() -> None:
    c = concentration_table(TABLE).filter(pl.col("year") == 2020)
    assert c["hhi"].to_list() == pytest.approx([0.38, 0.345])
    assert c["krugman"].to_list() == pytest.approx([0.5, 0.5])
    h = localisation_table(TABLE).filter(pl.col("year") == 2020)
    assert h["hoover"].to_list() == pytest.approx([2 / 15, 1 / 30, 1 / 6])


def test_cagr_table_null_for_zero_start() -> None:
    # city x: 20 -> 24 over 2 years: sqrt(1.2) - 1 = 0.095445
    t = cagr_table(TABLE)
    assert t["cagr"][0] == pytest.approx(1.2**0.5 - 1)
    zero = TABLE.with_columns(
        pl.when((pl.col("year") == 2020) & (pl.col("industry") == "x"))
        .then(0.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    t0 = cagr_table(zero)
    assert t0["cagr"].null_count() == 2 and not t0["cagr"].is_nan().any()


def test_shift_share_table_classic_and_dynamic() -> None:
    classic = shift_share_table(TABLE)
    assert classic.height == 6
    city_y = classic.filter((pl.col("region") == "city") & (pl.col("industry") == "y"))
    assert city_y["competitive"][0] == pytest.approx(10.5)
    dyn = shift_share_table(TABLE, dynamic=True)
    assert dyn.height == 12
    sums = dyn.group_by("region", "industry").agg(pl.col("change").sum()).sort("region", "industry")
    assert sums["change"].to_list() == pytest.approx((X1 - X).ravel().tolist())
