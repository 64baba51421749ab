"""The vectorised exact growth and R&D ratios give the decimal code's floats, bit for bit
(gaodi.analytics.ruleset_exact, records.exact_frame against records.exact_figures), and leave to
the decimal code only the rows they cannot prove."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
import pytest

from gaodi.analytics.ruleset_exact import growth, short_decimals
from gaodi.enterprises import records

INPUTS = records._EXACT_INPUTS


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in INPUTS]
    return pl.DataFrame(
        {c: pl.Series(c, v, dtype=pl.Float64) for c, v in zip(INPUTS, cols, strict=True)}
    )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _check(rows: list[tuple[Any, ...]]) -> None:
    got = records.exact_frame(_frame(rows))
    for i, row in enumerate(rows):
        want = records.exact_figures(*row)
        mine = tuple(s[i] for s in got)
        assert all(_same(a, b) for a, b in zip(mine, want, strict=True)), (row, mine, want)


def test_hand_made_rows_on_and_near_the_thresholds() -> None:
    rows = [
        # growth exactly 15 % and 10 % (the rule files' bands), R&D exactly 3 % / 5 %
        (23000.0, 20000.0, 121.0, 110.0, 100.0, 690.0, 1000.0),
        (1150.0, 1000.0, 115.0, 100.0, 100.0, 34.5, 50.0),
        # a hair above and below the band (one cent)
        (23000.01, 20000.0, 110.01, 100.0, 90.91, 689.99, 600.0),
        (22999.99, 20000.0, 109.99, 100.0, 90.9, 690.01, 600.0),
        # no growth (a zero result: left to the decimal code), a fall to nothing
        (500.0, 500.0, 0.0, 80.0, 60.0, 0.0, 1.0),
        # missing, zero and negative denominators, NaN and infinity are missing
        (None, 20000.0, 121.0, None, 100.0, 5.0, None),
        (100.0, 0.0, 121.0, 0.0, 0.0, 5.0, 1.0),
        (100.0, -5.0, 121.0, -1.0, -2.0, 5.0, 1.0),
        (float("nan"), 20000.0, float("inf"), 110.0, 100.0, 5.0, 1.0),
        # negative figures, figures with more than six decimals or beyond 10⁹ (decimal code)
        (-100.0, 80.0, 5.0, -10.0, 4.0, -1.0, 2.0),
        (0.1234567, 0.3, 1e12, 3e11, 2e11, 1e-9, 0.2),
        (-0.0, 3.0, -0.0, 7.0, 7.0, -0.0, 1.0),
        # ratios that are not short in binary (1/3, 2/7)
        (4.0, 3.0, 9.0, 7.0, 7.0, 1.0, 3.0),
    ]
    _check(rows)


def test_a_negative_main_revenue_has_no_two_year_growth() -> None:
    """A negative figure (the import refuses one; a database edited by hand may hold it) has no
    yearly growth over two years: unknown, in both paths, not an error that failed the whole
    city's tier page."""
    row = (100.0, 80.0, -5.0, 10.0, 4.0, 1.0, 2.0)
    got = records.exact_figures(*row)
    assert got[2] is None  # sqrt(-5 / 4) has no value
    assert got[1] == -1.5  # -5 / 10 - 1: the one-year growth stands
    _check([row])


@pytest.mark.parametrize("seed", [0, 1])
def test_random_figures_agree_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 4000
    rows = []
    for _ in range(n):
        row = []
        for _ in INPUTS:
            r = rng.random()
            if r < 0.05:
                row.append(None)
            elif r < 0.08:
                row.append(0.0)
            else:
                v = round(float(10 ** rng.uniform(-2, 8)), int(rng.integers(0, 8)))
                row.append(v)
        # same firm, close years: growth near the bands
        if rng.random() < 0.3 and row[1] is not None:
            row[0] = round(row[1] * float(rng.choice([1.15, 1.1, 1.0, 1.2, 0.9])), 2)
        rows.append(tuple(row))
    _check(rows)


def test_short_figures_need_no_decimal_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures of two decimals (as the statistics give them) are all proven: the decimal code
    runs for none of 2,000 rows (before: one call per row)."""
    rng = np.random.default_rng(7)
    rows = [
        tuple(round(float(v), 2) for v in rng.uniform(1.0, 1e6, len(INPUTS))) for _ in range(2000)
    ]
    want = [records.exact_figures(*r) for r in rows]
    calls = 0
    real = records.exact_figures

    def counted(*args: Any) -> tuple[float | None, ...]:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(records, "exact_figures", counted)
    got = records.exact_frame(_frame(rows))
    assert calls == 0
    assert [tuple(s[i] for s in got) for i in range(len(rows))] == want


def test_short_decimals_reads_a_float_as_its_shortest_text() -> None:
    n, ok = short_decimals(np.array([0.15, 1496.03, 0.1 + 0.2, 123456789.123456]))
    assert ok.tolist() == [True, True, False, True]  # 0.30000000000000004 has 17 decimals
    assert n[:2].tolist() == [150000.0, 1496030000.0]


def test_growth_on_a_band_is_the_bands_float() -> None:
    # 23000 / 20000 − 1 is 0.15 exactly in decimals; the float expression gives 0.1499…
    got = growth(np.array([23000e6]), np.array([20000e6]))
    assert bool(got.proven[0]) and float(got.value[0]) == 0.15
    assert 23000 / 20000 - 1 != 0.15
