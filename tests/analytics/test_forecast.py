"""Series transforms, the Open SDG measure and forecasts: hand-computed cases and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.forecast import (
    cagr,
    current_from_cumulative,
    forecast_series,
    forecast_total,
    sdg_progress,
    yoy_from_cumulative,
)
from gaodi.analytics.progress import StatusThresholds, load_status_thresholds
from gaodi.core.errors import DataError, ValidationError
from gaodi.core.periods import format_month

T = StatusThresholds("test", "2021-01-01")


def months_from(year: int, month: int, values: list[float]) -> dict[str, float]:
    start = 12 * year + month - 1
    return {format_month(start + i): v for i, v in enumerate(values)}


# ----------------------------------------------------------------------------- transforms
def test_yoy_from_cumulative_hand_computed() -> None:
    series = {"2022-02": 20.0, "2022-06": 50.0, "2023-02": 23.0, "2023-05": 40.0, "2023-06": 54.0}
    got = yoy_from_cumulative(series)
    # 1–2月: 100·(23/20 − 1) = 15.0; June: 100·(54/50 − 1) = 8.0; May 2022 missing -> left out
    assert got == {"2023-02": pytest.approx(15.0), "2023-06": pytest.approx(8.0)}
    with pytest.raises(DataError):
        yoy_from_cumulative({"2022-06": 0.0, "2023-06": 5.0})
    with pytest.raises(ValidationError):
        yoy_from_cumulative({"2023": 5.0})


def test_current_from_cumulative_hand_computed() -> None:
    series = {"2022-11": 110.0, "2022-12": 120.0, "2023-02": 15.0, "2023-03": 24.0}
    got = [(c.period, c.value, c.months) for c in current_from_cumulative(series)]
    assert got == [
        ("2022-11", 110.0, 11),  # first report of 2022 covers Jan–Nov
        ("2022-12", 10.0, 1),  # 120 − 110
        ("2023-02", 15.0, 2),  # new year: 1–2月 combined = the running total itself
        ("2023-03", 9.0, 1),  # 24 − 15
    ]


# ----------------------------------------------------------------------------- Open SDG
def test_cagr_hand_computed() -> None:
    assert cagr(100, 121, 2) == pytest.approx(0.1)  # √1.21 − 1
    with pytest.raises(DataError):
        cagr(0, 5, 1)
    with pytest.raises(DataError):
        cagr(-1, 5, 1)
    with pytest.raises(DataError):
        cagr(1, 5, 0)


def test_sdg_progress_higher_is_better() -> None:
    # CAGR_o = (110.25/100)^(1/2) − 1 = 0.05; CAGR_r = (133.1/100)^(1/3) − 1 = 0.10;
    # R = 0.05 / 0.10 = 0.5 -> limited progress (0 <= R < 0.6) -> red
    p = sdg_progress(100, "2020", 110.25, "2022", 133.1, "2023", "higher", T)
    assert (p.observed_cagr, p.required_cagr, p.ratio) == (
        pytest.approx(0.05),
        pytest.approx(0.10),
        pytest.approx(0.5),
    )
    assert (p.category, p.status) == ("limited_progress", "red")
    # 121 in 2022: CAGR_o = 0.10 -> R = 1.0 >= 0.95 -> on track
    assert sdg_progress(100, "2020", 121, "2022", 133.1, "2023", "higher", T).category == "on_track"
    # 115.5625 = 1.075²: R = 0.075/0.10 = 0.75 -> moderate progress (yellow)
    q = sdg_progress(100, "2020", 115.5625, "2022", 133.1, "2023", "higher", T)
    assert (q.category, q.status) == ("moderate_progress", "yellow")
    assert q.ratio == pytest.approx(0.75)
    # reached: target achieved whatever the ratio
    assert sdg_progress(100, "2020", 140, "2022", 133.1, "2023", "higher", T).status == "green"


def test_sdg_lights_come_from_the_rule_file() -> None:
    colors = dict(load_status_thresholds().sdg_colors)
    assert colors["moderate_progress"] == "yellow" and colors["limited_progress"] == "red"
    strict = StatusThresholds(
        "strict",
        "2024-01-01",
        sdg_colors=(
            ("target_achieved", "green"),
            ("on_track", "green"),
            ("moderate_progress", "red"),
            ("limited_progress", "red"),
            ("deterioration", "red"),
        ),
    )
    # R = 0.75 -> moderate progress: yellow by default, red under the strict mapping
    assert (
        sdg_progress(100, "2020", 115.5625, "2022", 133.1, "2023", "higher", strict).status == "red"
    )
    with pytest.raises(ValidationError):
        StatusThresholds("bad", "2024-01-01", sdg_colors=(("on_track", "blue"),))


def test_sdg_progress_lower_is_better_and_monthly_time() -> None:
    # energy intensity 0.60 (2020) -> 0.50 (2023); 0.55 in 2022:
    # CAGR_o = (0.55/0.60)^(1/2) − 1 = 0.957427 − 1 = −0.042573
    # CAGR_r = (0.50/0.60)^(1/3) − 1 = exp(ln(5/6)/3) − 1 = exp(−0.060774) − 1 = −0.058964
    # R = −1 · (−0.042573) / 0.058964 = 0.7220 -> moderate progress
    p = sdg_progress(0.60, "2020", 0.55, "2022", 0.50, "2023", "lower", T)
    assert p.observed_cagr == pytest.approx(-0.042573, abs=1e-6)
    assert p.required_cagr == pytest.approx(-0.058964, abs=1e-6)
    assert p.ratio == pytest.approx(0.7220, abs=1e-4)
    assert p.category == "moderate_progress"
    # rising intensity is deterioration; below target is achieved
    assert sdg_progress(0.60, "2020", 0.62, "2022", 0.50, "2023", "lower", T).category == (
        "deterioration"
    )
    assert sdg_progress(0.60, "2020", 0.49, "2022", 0.50, "2023", "lower", T).category == (
        "target_achieved"
    )
    # June 2022 is 18 months = 1.5 years after December 2020: (1.1^1.5)^(1/1.5) − 1 = 0.1
    m = sdg_progress(100, "2020", 100 * 1.1**1.5, "2022-06", 133.1, "2023", "higher", T)
    assert m.observed_cagr == pytest.approx(0.1)


def test_sdg_progress_negative_values_flip_sign() -> None:
    # all negative, higher is better: −10 -> −5 by 2023; −8 in 2022
    # CAGR_o = 0.8^(1/2) − 1 = −0.105573; CAGR_r = 0.5^(1/3) − 1 = −0.206299
    # R = s·d·CAGR_o/|CAGR_r| = (−1)(1)(−0.105573)/0.206299 = 0.51175 -> limited progress
    p = sdg_progress(-10, "2020", -8, "2022", -5, "2023", "higher", T)
    assert p.ratio == pytest.approx(0.105573 / 0.206299, abs=1e-5)
    assert p.category == "limited_progress"


def test_sdg_progress_edge_cases() -> None:
    with pytest.raises(DataError) as err:
        sdg_progress(100, "2020", 110, "2022", 100, "2023", "higher", T)
    assert err.value.context["reason"] == "target_equals_baseline"
    with pytest.raises(DataError):
        sdg_progress(0, "2020", 110, "2022", 130, "2023", "higher", T)  # zero base: logs
    with pytest.raises(DataError):
        sdg_progress(-5, "2020", 5, "2022", 10, "2023", "higher", T)  # sign change
    with pytest.raises(DataError):
        sdg_progress(100, "2020", 110, "2020", 130, "2023", "higher", T)  # one point in time


# ----------------------------------------------------------------------------- forecasts
def test_linear_forecast_hand_computed() -> None:
    # 10, 12, 14, 16 in Jan–Apr: +2 a month; December (11 months after January): 10 + 2·11 = 32
    series = months_from(2023, 1, [10.0, 12.0, 14.0, 16.0])
    f = forecast_series(series, "2023-12", target=30)
    assert (f.point, f.lower, f.upper) == (
        pytest.approx(32.0),
        pytest.approx(32.0),
        pytest.approx(32.0),
    )
    assert (f.probability, f.method, f.n_obs, f.horizon) == (1.0, "linear", 4, "2023-12")
    assert forecast_series(series, "2023-12", target=33).probability == 0.0
    assert forecast_series(series, "2023", target=33, direction="lower").probability == 1.0


def test_compound_forecast_hand_computed() -> None:
    # +10 % a month from 100: December = 100·1.1^11 = 285.3117
    series = months_from(2023, 1, [100.0, 110.0, 121.0, 133.1])
    f = forecast_series(series, "2023-12", method="compound", target=280)
    assert f.point == pytest.approx(100 * 1.1**11)
    assert f.method == "compound" and f.probability == 1.0
    with pytest.raises(DataError) as err:
        forecast_series(months_from(2023, 1, [1.0, -1.0, 2.0]), "2023-12", method="compound")
    assert err.value.context["reason"] == "nonpositive_values"


def test_seasonal_forecast_recovers_month_effects() -> None:
    # y = 100 + 2·t + s[month], t = months since Jan 2021, s sums to zero; 36 months
    s = [5.0, -3.0, 0.0, 1.0, 2.0, -1.0, 4.0, -6.0, 3.0, -2.0, 0.0, -3.0]
    values = [100 + 2 * t + s[t % 12] for t in range(36)]
    series = months_from(2021, 1, values)
    f = forecast_series(series, "2024-12", target=0)
    # December 2024: t = 47 -> 100 + 94 + s[11] = 191
    assert f.method == "linear+seasonal"
    assert f.point == pytest.approx(191.0)
    plain = forecast_series(series, "2024-12", seasonal=False)
    assert plain.method == "linear" and abs(plain.point - 191.0) > 1.0
    # 23 months: no month effects unless asked
    assert forecast_series(months_from(2021, 1, values[:23]), "2024-12").method == "linear"


def test_single_and_two_observations_fall_back_and_say_so() -> None:
    f = forecast_series({"2023-03": 7.0}, "2023-12", target=5)
    assert (f.point, f.lower, f.upper, f.probability, f.method) == (
        7.0,
        7.0,
        7.0,
        None,
        "last_value",
    )
    assert "one observation" in f.note
    g = forecast_series({"2023-01": 1.0, "2023-02": 2.0}, "2023-12", target=5)
    assert g.point == pytest.approx(12.0) and g.probability is None and "exact" in g.note


def test_forecast_edge_cases() -> None:
    with pytest.raises(DataError):
        forecast_series({}, "2023-12")
    with pytest.raises(ValidationError):
        forecast_series({"2023-01": 1.0, "2023-12": 2.0}, "2023-12")
    with pytest.raises(ValidationError):
        forecast_series({"2023-01": 1.0, "2023-02": 2.0}, "2023-12", level=1.5)
    with pytest.raises(ValidationError):  # month effects demanded on 5 observations
        forecast_series(months_from(2023, 1, [1.0, 2, 3, 4, 5]), "2023-12", seasonal=True)


def test_forecast_total_hand_computed() -> None:
    # 1–2月 20, then +10 a month to June (60): 6 more months of 10 -> 120 at year end
    totals = {f"2023-{m:02d}": 10.0 * m for m in range(2, 7)}
    f = forecast_total(totals, "2023", "2023", target=100)
    assert f.point == pytest.approx(120.0) and f.probability == 1.0
    assert forecast_total(totals, "2023", "2023", target=121).probability == 0.0
    # two-year window 2022–2023: 2022 total 120 + 2023 to March 30 + 9 months × 10 = 240
    totals2 = {f"2022-{m:02d}": 10.0 * m for m in range(2, 13)}
    totals2.update({"2023-02": 20.0, "2023-03": 30.0})
    g = forecast_total(totals2, "2022", "2023", target=250)
    assert g.point == pytest.approx(240.0) and g.probability == 0.0
    with pytest.raises(ValidationError):
        forecast_total(totals, "2023-Q1", "2023")
    with pytest.raises(ValidationError):
        forecast_total({"2023-12": 120.0}, "2023", "2023")


def test_noisy_forecast_interval_and_seed() -> None:
    rng = np.random.default_rng(7)
    values = list(50 + 1.5 * np.arange(30) + rng.normal(0, 3, 30))
    series = months_from(2021, 1, values)
    a = forecast_series(series, "2023-12", target=100, seed=1)
    b = forecast_series(series, "2023-12", target=100, seed=1)
    assert a == b
    assert a.lower < a.point < a.upper
    assert a.probability is not None and 0.0 < a.probability < 1.0


def test_bootstrap_interval_coverage_is_near_nominal() -> None:
    # 300 series y = 10 + 0.5 t + N(0, 1), 24 months, forecast 6 months ahead with a 90%
    # interval: the true next value should fall inside about 90% of the time.
    rng = np.random.default_rng(2024)
    hits = 0
    reps = 300
    for i in range(reps):
        t = np.arange(30)
        y = 10 + 0.5 * t + rng.normal(0, 1, 30)
        f = forecast_series(
            months_from(2021, 1, list(y[:24])), "2023-06", seasonal=False, n_boot=400, seed=i
        )
        hits += f.lower <= y[29] <= f.upper
    assert 0.83 <= hits / reps <= 0.96


# ----------------------------------------------------------------------------- invariants
@settings(max_examples=60, deadline=None)
@given(
    st.floats(-100, 100),
    st.floats(-5, 5),
    st.integers(3, 30),
    st.integers(1, 24),
    st.sampled_from(["higher", "lower"]),
)
def test_exact_line_is_recovered(a: float, b: float, n: int, ahead: int, direction: str) -> None:
    series = months_from(2020, 1, [a + b * t for t in range(n)])
    deadline = format_month(12 * 2020 + n - 1 + ahead)
    truth = a + b * (n - 1 + ahead)
    f = forecast_series(series, deadline, n_boot=200)
    assert f.point == pytest.approx(truth, abs=1e-6 * (1 + abs(truth)))
    assert f.upper - f.lower <= 1e-6 * (1 + abs(truth))
    below = forecast_series(series, deadline, target=truth - 1000, direction=direction, n_boot=200)
    above = forecast_series(series, deadline, target=truth + 1000, direction=direction, n_boot=200)
    assert (below.probability, above.probability) == (
        (1.0, 0.0) if direction == "higher" else (0.0, 1.0)
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(1, 1000), min_size=3, max_size=40),
    st.floats(1, 1000),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["linear", "compound"]),
)
def test_probability_bounded_and_deterministic(
    values: list[float], target: float, seed: int, method: str
) -> None:
    series = months_from(2020, 1, values)
    deadline = format_month(12 * 2020 + len(values) + 5)
    f = forecast_series(series, deadline, target=target, seed=seed, method=method, n_boot=200)  # type: ignore[arg-type]
    g = forecast_series(series, deadline, target=target, seed=seed, method=method, n_boot=200)  # type: ignore[arg-type]
    assert f == g
    assert f.probability is not None and 0.0 <= f.probability <= 1.0
    assert f.lower <= f.point <= f.upper
    assert all(math.isfinite(x) for x in (f.point, f.lower, f.upper))
