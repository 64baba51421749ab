"""Exact answers where the arithmetic is exact (issues found by the third audit, 2026-12-06):
a series that fits its trend exactly meets a target it hits exactly, and the Open SDG measure
agrees with the board's compound ratio on its category lines."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gaodi.analytics.forecast import forecast_series, forecast_total, sdg_progress
from gaodi.analytics.progress import StatusThresholds
from gaodi.analytics.progress_judge import compound_ratio

T = StatusThresholds("test", "2021-01-01")


# ----------------------------------------------------------------- exact fits with dof left
def test_a_flat_series_on_its_cap_meets_it() -> None:
    # 能耗 held at its ceiling: 10 every month, "≤ 10 by December" is certain
    flat = {"2023-01": 10.0, "2023-02": 10.0, "2023-03": 10.0, "2023-04": 10.0}
    f = forecast_series(flat, "2023-12", target=10, direction="lower")
    assert (f.point, f.lower, f.upper, f.probability) == (10.0, 10.0, 10.0, 1.0)
    # and it does not reach a higher floor
    assert forecast_series(flat, "2023-12", target=10.5).probability == 0.0
    # a decimal cap that floats cannot hold exactly: 0.36 held at 0.36
    cap = {"2023-01": 0.36, "2023-02": 0.36, "2023-03": 0.36}
    g = forecast_series(cap, "2023-12", target=0.36, direction="lower")
    assert (g.point, g.probability) == (0.36, 1.0)


def test_a_line_hits_its_target_exactly_both_ways() -> None:
    # 10, 12, 14, 16: December is 10 + 2·11 = 32, so "≥ 32" and "≤ 32" are both certain
    line = {"2023-01": 10.0, "2023-02": 12.0, "2023-03": 14.0, "2023-04": 16.0}
    up = forecast_series(line, "2023-12", target=32)
    down = forecast_series(line, "2023-12", target=32, direction="lower")
    assert up.probability == 1.0 and down.probability == 1.0
    assert up.lower <= 32 <= up.upper  # the true value is inside the interval
    assert forecast_series(line, "2023-12", target=32.5).probability == 0.0
    assert forecast_series(line, "2023-12", target=31.5, direction="lower").probability == 0.0


def test_an_exact_compound_path_and_running_total() -> None:
    # +10 % a month from 100: December is 100·1.1^11 = 285.311670611
    growth = {"2023-01": 100.0, "2023-02": 110.0, "2023-03": 121.0, "2023-04": 133.1}
    f = forecast_series(growth, "2023-12", method="compound", target=285.311670611)
    assert f.probability == 1.0 and f.point == pytest.approx(285.311670611, rel=1e-12)
    # 1–2月 20, then +10 a month to June: the year ends at 120 exactly
    totals = {f"2023-{m:02d}": 10.0 * m for m in range(2, 7)}
    assert forecast_total(totals, "2023", "2023", target=120).probability == 1.0
    assert forecast_total(totals, "2023", "2023", target=120, direction="lower").probability == 1.0


def test_a_noisy_series_still_gets_a_bootstrap_probability() -> None:
    noisy = {"2023-01": 10.0, "2023-02": 12.5, "2023-03": 13.5, "2023-04": 16.0}
    f = forecast_series(noisy, "2023-12", target=32)
    assert f.lower < f.point < f.upper
    assert f.probability is not None and 0.0 < f.probability < 1.0


# ----------------------------------------------------------------- Open SDG on its lines
def test_sdg_progress_on_the_on_track_line_is_on_track() -> None:
    # observed 9.5 %/yr, required (121/100)^(1/2) − 1 = 10 %/yr: R = 0.95, the inclusive line
    p = sdg_progress(100, "2020", 109.5, "2021", 121, "2022", "higher", T)
    assert (p.category, p.status) == ("on_track", "green")
    assert p.ratio == 0.95
    # the board's ratio for the same numbers, in months (12 of 24)
    r, _, _ = compound_ratio(109.5, 100, 121, 12, 24, "higher")
    assert r == Fraction(19, 20) and p.ratio == float(r)


def test_sdg_progress_on_the_moderate_line_is_moderate() -> None:
    # observed 6 %/yr, required 10 %/yr: R = 0.6, the moderate line (inclusive)
    p = sdg_progress(100, "2020", 106, "2021", 121, "2022", "higher", T)
    assert p.category == "moderate_progress"
    # lower is better: required (81/100)^(1/2) − 1 = −10 %/yr, observed −4.75 %/yr: R = 0.475
    q = sdg_progress(100, "2020", 95.25, "2021", 81, "2022", "lower", T)
    assert q.ratio == 0.475 and q.category == "limited_progress"
