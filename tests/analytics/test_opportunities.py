"""Opportunities, strategic approach and peer comparison: hand-computed small cases."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from gaodi.analytics.complexity import complexity
from gaodi.analytics.opportunities import (
    eci_relative_to_expected,
    load_strategies,
    opportunities,
    peer_comparison,
    peer_industry_growth,
    strategic_approach,
    strategic_approach_table,
    strategy_weights,
)
from gaodi.core.errors import DataError, NotFoundError, ValidationError

# Chain-shaped table: M links a-{r,s}, b-{q,r}, c-{p,q}, d-{p}.
X = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
RES = complexity(X, ["a", "b", "c", "d"], ["p", "q", "r", "s"])


def test_presets_match_the_atlas_weights_and_sum_to_one() -> None:
    version, strategies, approaches = load_strategies()
    assert version
    assert strategy_weights("low_hanging_fruit") == {
        "feasibility": 0.60,
        "pci": 0.15,
        "cog": 0.25,
        "peer_growth": 0.0,
    }
    assert strategy_weights("long_jumps") == {
        "feasibility": 0.45,
        "pci": 0.20,
        "cog": 0.35,
        "peer_growth": 0.0,
    }
    assert strategy_weights("balanced", "parsimonious_industrial_policy")["feasibility"] == 0.55
    for s in strategies.values():
        assert sum(s.weights.values()) == pytest.approx(1.0)
        for w in s.by_approach.values():
            assert sum(w.values()) == pytest.approx(1.0)
    assert set(approaches) == {
        "light_touch",
        "parsimonious_industrial_policy",
        "strategic_bets",
        "technological_frontier",
    }
    with pytest.raises(NotFoundError):
        strategy_weights("moonshot")


def test_candidates_and_feasibility_by_hand() -> None:
    # Region d has only p. Proximities: C = M^T M gives p-q 1 (c), q-r 1 (b), r-s 1 (a);
    # ubiquity p 2, q 2, r 2, s 1; phi_pq = 1/2, phi_qr = 1/2, phi_rs = 1/max(2,1) = 1/2.
    # Row sums: p 1.5, q 2, r 2, s 1.5. Density of d: q = phi_qp / 2 = 0.25, r = 0, s = 0.
    out = opportunities(RES, "d", weights={"feasibility": 1.0})
    assert out["industry"].to_list() == ["q", "r", "s"]  # r and s tie at 0: by name
    assert out["density"].to_list() == pytest.approx([0.25, 0.0, 0.0])
    assert out["distance"].to_list() == pytest.approx([0.75, 1.0, 1.0])
    assert out["feasibility_score"].to_list() == pytest.approx([1.0, 0.0, 0.0])
    assert out["rank"].to_list() == [1, 2, 3]


def test_score_is_the_weighted_sum_of_minmax_criteria() -> None:
    # PCI of the candidates q, r, s: min-max over the three; with weight 1 on pci the order is
    # by PCI (s highest, then r, then q: PCI = -0.1649, 1.1048, 1.6699).
    out = opportunities(RES, "d", weights={"pci": 1.0})
    assert out["industry"].to_list() == ["s", "r", "q"]
    pci = np.array([-0.1649, 1.1048, 1.6699])
    expected = (pci - pci.min()) / (pci.max() - pci.min())  # q 0, r 0.6920, s 1
    got = out.sort("industry")["pci_score"].to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-4)
    lhf = opportunities(RES, "d", strategy="low_hanging_fruit")
    recomputed = 0.60 * lhf["feasibility_score"] + 0.15 * lhf["pci_score"] + 0.25 * lhf["cog_score"]
    np.testing.assert_allclose(lhf["score"].to_numpy(), recomputed.to_numpy())


def test_peer_growth_criterion_and_errors() -> None:
    with pytest.raises(ValidationError):
        opportunities(RES, "d", weights={"peer_growth": 1.0})
    out = opportunities(RES, "d", weights={"peer_growth": 1.0}, peer_growth={"q": 0.05, "r": 0.20})
    # s has no peer growth: it scores the lowest growth (0.05), i.e. 0.
    assert out["industry"].to_list()[0] == "r"
    assert out.filter(pl.col("industry") == "s")["peer_growth"].to_list() == [None]
    with pytest.raises(ValidationError):
        opportunities(RES, "d", weights={"luck": 1.0})
    with pytest.raises(NotFoundError):
        opportunities(RES, "z")


def test_peer_industry_growth_by_hand() -> None:
    # Peers p1 + p2: x 100 -> 121 over 2 years = 10 %; y 50 -> 50 = 0 %; the city is ignored.
    df = pl.DataFrame(
        {
            "region": ["p1", "p2", "p1", "p2", "p1", "p1", "city", "city"],
            "industry": ["x", "x", "x", "x", "y", "y", "x", "x"],
            "year": [2020, 2020, 2022, 2022, 2020, 2022, 2020, 2022],
            "value": [40.0, 60, 50, 71, 50, 50, 1, 100],
        }
    )
    g = peer_industry_growth(df, ["p1", "p2"], start=2020, end=2022)
    assert g["x"] == pytest.approx(0.1) and g["y"] == pytest.approx(0.0)


def test_strategic_approach_quadrants() -> None:
    assert strategic_approach(0.0, 0.0) == "light_touch"  # both thresholds inclusive
    assert strategic_approach(-0.1, 0.5) == "parsimonious_industrial_policy"
    assert strategic_approach(-0.1, -0.5) == "strategic_bets"
    assert strategic_approach(0.4, -0.5) == "technological_frontier"
    with pytest.raises(DataError):
        strategic_approach(float("nan"), 0.0)


def test_eci_relative_to_expected_by_hand() -> None:
    # ln income: [ln 100, ln 100, ln 10, ln 10]; group means of ECI: 0.5 (rich), -0.25 (poor).
    # OLS through two groups passes through the group means: residuals 0.5, -0.5, -0.75, 0.75.
    res = eci_relative_to_expected([1.0, 0.0, -1.0, 0.5], [100, 100, 10, 10])
    np.testing.assert_allclose(res, [0.5, -0.5, -0.75, 0.75])
    with pytest.raises(DataError):
        eci_relative_to_expected([1.0, 0.0, -1.0], [5, 5, 5])


def test_strategic_approach_table() -> None:
    t = strategic_approach_table(RES)
    assert t["eci_relative"].to_list() == pytest.approx(RES.eci.tolist())
    expected = [strategic_approach(e, c) for e, c in zip(RES.eci, RES.coi, strict=True)]
    assert t["approach"].to_list() == expected
    with pytest.raises(DataError, match="missing"):
        strategic_approach_table(RES, {"a": 1.0})


def test_peer_comparison_side_by_side() -> None:
    t = pl.DataFrame(
        {
            "region": ["长沙", "北京", "上海", "深圳", "杭州"],
            "eci": [0.5, 1.5, 1.2, 1.4, 0.4],
            "hhi": [0.2, 0.1, 0.12, 0.3, 0.25],
            "name": ["a", "b", "c", "d", "e"],
        }
    )
    out = peer_comparison(t, "长沙", ["北京", "上海", "深圳", "杭州"])
    assert out.columns == [
        "measure",
        "长沙",
        "北京",
        "上海",
        "深圳",
        "杭州",
        "peer_median",
        "city_rank",
        "n_ranked",
    ]
    eci = out.row(0, named=True)
    # Peers 1.5, 1.2, 1.4, 0.4: median (1.2 + 1.4)/2 = 1.3; 长沙 0.5 beats only 0.4: rank 4.
    assert eci["peer_median"] == pytest.approx(1.3) and eci["city_rank"] == 4
    assert out["measure"].to_list() == ["eci", "hhi"]  # the text column is skipped
    with pytest.raises(NotFoundError):
        peer_comparison(t, "长沙", ["广州"])
