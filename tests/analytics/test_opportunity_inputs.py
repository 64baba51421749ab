"""``opportunities`` refuses NaN or infinite weights (every score came out NaN), and
``peer_industry_growth`` refuses negative, NaN or infinite peer values (a growth rate came out
of a negative economy, or NaN), with a message that names the problem."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gaodi.analytics.complexity import complexity
from gaodi.analytics.opportunities import opportunities, peer_industry_growth
from gaodi.core.errors import DataError, GaodiError

RES = complexity(
    [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]], list("abcd"), list("pqrs")
)


@pytest.mark.parametrize(
    "weights",
    [
        {"feasibility": math.nan, "pci": 1},
        {"feasibility": math.inf, "pci": 1},
        {"feasibility": -math.inf, "pci": 1},
        {"feasibility": 1e308, "pci": 1e308},  # the sum overflows to inf
        {"feasibility": "x", "pci": 1},
    ],
)
def test_non_finite_weights_are_refused(weights) -> None:
    with pytest.raises(GaodiError) as err:
        opportunities(RES, "d", weights=weights)
    assert "finite" in err.value.en and "有限" in err.value.zh


def test_finite_weights_still_score() -> None:
    out = opportunities(RES, "d", weights={"feasibility": 2, "pci": 2})
    assert out.height == 3 and all(math.isfinite(v) for v in out["score"].to_list())


def _peers(values: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "region": ["p1", "p2", "p1", "p2"],
            "industry": ["x"] * 4,
            "year": [2020, 2020, 2022, 2022],
            "value": values,
        }
    )


@pytest.mark.parametrize(
    ("values", "where"),
    [
        ([40.0, 60, -50, 71], "p1 / x / 2022"),
        ([40.0, math.nan, 50, 71], "p2 / x / 2020"),
        ([40.0, 60, 50, math.inf], "p2 / x / 2022"),
        # missing: p1 would count in 2020 only, and 60 -> 121 read as 42 % a year
        ([None, 60, 50, 71], "p1 / x / 2020: —"),
    ],
)
def test_bad_peer_values_are_refused_with_the_row(values, where) -> None:
    with pytest.raises(DataError) as err:
        peer_industry_growth(_peers(values), ["p1", "p2"], start=2020, end=2022)
    assert where in err.value.en and where in err.value.zh
    assert "non-negative, finite" in err.value.en


def test_valid_peer_values_still_give_the_cagr() -> None:
    # (50 + 71) / (40 + 60) = 1.21 over 2 years: 10 % a year
    out = peer_industry_growth(_peers([40.0, 60, 50, 71]), ["p1", "p2"], start=2020, end=2022)
    assert out == {"x": pytest.approx(0.1)}
