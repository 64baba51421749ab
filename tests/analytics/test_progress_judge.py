"""Judging a target: exact lines, the compound growth path, milestones, reasons with numbers.

Every expected number is worked out by hand in the comment next to it (formulas:
docs/methods/progress.md). The compound ratio is checked against Open SDG's measure as
implemented in :func:`gaodi.analytics.forecast.sdg_progress`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from gaodi.analytics.forecast import sdg_progress
from gaodi.analytics.progress import (
    StatusThresholds,
    Target,
    evaluate_target,
    exact,
    growth_status,
    thresholds_from_mapping,
    traffic_light,
)
from gaodi.analytics.progress_judge import (
    compound_ratio,
    expected_at,
    is_milestone,
    judge,
    milestone_outlook,
    path_for,
)
from gaodi.core.errors import DataError, ValidationError

T = StatusThresholds("test", "2021-01-01")  # green >= 1.0, yellow >= 0.9, both inclusive


def cumulative(actual: float, elapsed: int, value: float = 100, total: int = 12):  # type: ignore[no-untyped-def]
    return judge(
        kind="cumulative",
        direction="higher",
        value=value,
        baseline=None,
        actual=actual,
        elapsed=elapsed,
        total=total,
        thresholds=T,
    )


# ----------------------------------------------------------------------------- exact lines
def test_75_of_100_in_october_is_exactly_on_the_yellow_line() -> None:
    # c = 75/100 = 3/4, τ = 10/12 = 5/6, r = (3/4)/(5/6) = 9/10: on the 0.9 line -> yellow.
    # In floats the same quotient is 0.8999999999999999 (which was red).
    assert 0.75 / (10 / 12) < 0.9
    j = cumulative(75, 10)
    assert (j.status, j.ratio, j.reason) == ("yellow", 0.9, "schedule")
    assert j.params["completion"] == 0.75 and j.params["time_progress"] == pytest.approx(5 / 6)
    assert (j.params["green_line"], j.params["yellow_line"]) == (1.0, 0.9)
    # a hair below the line is red: 74.99/100 / (5/6) = 0.89988
    assert cumulative(74.99, 10).status == "red"


def test_green_line_is_inclusive() -> None:
    # 50 of 100 in June: r = 0.5 / 0.5 = 1 -> green; 1 item short of it is yellow (0.98)
    assert cumulative(50, 6).status == "green"
    assert cumulative(49, 6).status == "yellow"
    # the float 1/3·3 case: 1 of 3 after 4 of 12 months, r = (1/3)/(1/3) = 1 exactly
    assert cumulative(1, 4, value=3).status == "green"


def test_exact_reads_the_shortest_repr() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact(0.8333333333333334) == Fraction(8333333333333334, 10**16)
    assert traffic_light(Fraction(9, 10), T) == "yellow"
    assert traffic_light(0.9, T) == "yellow" and traffic_light(0.8999999999999999, T) == "red"


def test_growth_cap_shortfall_on_the_line_is_yellow() -> None:
    # cap 1.2%, actual 2.2%: exactly 1 pp over = the tolerance -> yellow (inclusive);
    # the float difference 2.2 − 1.2 is 1.0000000000000002
    assert 2.2 - 1.2 > 1.0
    assert growth_status(2.2, 1.2, "lower", T) == (None, "yellow")
    j = judge(
        kind="growth",
        direction="lower",
        value=1.2,
        baseline=None,
        actual=2.2,
        elapsed=6,
        total=12,
        thresholds=T,
    )
    assert (j.status, j.reason) == ("yellow", "growth_cap")
    assert j.params["shortfall_pp"] == 1.0 and j.params["tolerance_pp"] == 1.0


# ----------------------------------------------------------------------------- compound path
def doubling(actual: float, elapsed: int, path: str | None = None):  # type: ignore[no-untyped-def]
    """Output 1000 (2020) -> 2000 by 2024: a 48-month window."""
    return judge(
        kind="level",
        direction="higher",
        value=2000,
        baseline=1000,
        actual=actual,
        elapsed=elapsed,
        total=48,
        thresholds=T,
        path=path,
    )


def test_doubling_in_four_years_on_its_growth_path_is_green() -> None:
    # two years in, the growth path is 1000·2^(24/48) = 1414.2136 (CAGR 2^(1/4) − 1 = 18.92%
    # a year, observed and required): r = 1 -> green. The straight line expected 1500 there:
    # c = 414.21/1000 = 0.41421, E = 0.5, r = 0.828 -> red for two years on the exact path.
    on_path = 1000 * math.sqrt(2)
    j = doubling(on_path, 24)
    assert (j.basis, j.status, j.ratio, j.reason) == ("compound", "green", 1.0, "compound")
    assert j.expected_value == pytest.approx(on_path)
    assert j.params["observed_cagr"] == pytest.approx(2**0.25 - 1)
    assert j.params["required_cagr"] == pytest.approx(0.189207, abs=1e-6)
    linear = doubling(on_path, 24, path="linear")
    assert linear.status == "red" and linear.ratio == pytest.approx(0.41421356 / 0.5)
    # every month of the four years, on the path: green (the line r = 1 holds to the last bit)
    for month in range(1, 49):
        assert doubling(1000 * 2 ** (month / 48), month).status == "green", month


def test_compound_ratio_is_open_sdg_ratio() -> None:
    # 1390 at end-2022: CAGR_o = √1.39 − 1 = 0.178983, CAGR_r = 0.189207, r = 0.94596 -> yellow
    j = doubling(1390, 24)
    assert j.status == "yellow"
    assert j.ratio == pytest.approx(0.94596, abs=1e-5)
    anchor = sdg_progress(1000, "2020", 1390, "2022", 2000, "2024", "higher", T)
    assert j.ratio == pytest.approx(anchor.ratio, rel=1e-12)
    # 1350: √1.35 − 1 = 0.161895, r = 0.85565 -> red
    assert doubling(1350, 24).status == "red"
    assert doubling(1350, 24).ratio == pytest.approx(0.85565, abs=1e-5)


def test_compound_lower_is_better() -> None:
    # energy intensity 0.60 (2020) -> 0.50 by 2023, 0.55 at end-2022 (24 of 36 months):
    # CAGR_o = (0.55/0.60)^(1/2) − 1 = −0.042573, CAGR_r = (0.5/0.6)^(1/3) − 1 = −0.058964,
    # r = −1 · −0.042573 / 0.058964 = 0.72202 -> red
    t = Target(0.50, "2021", "2023", kind="level", direction="lower", baseline=0.60)
    p = evaluate_target(t, [("2022", 0.55)], "2022-12", T)
    assert (p.basis, p.status) == ("compound", "red")
    assert p.ratio == pytest.approx(0.72202, abs=1e-5)
    anchor = sdg_progress(0.60, "2020", 0.55, "2022", 0.50, "2023", "lower", T)
    assert p.ratio == pytest.approx(anchor.ratio, rel=1e-12)
    # expected on the path: 0.6·(5/6)^(2/3) = 0.53148; gap = −(0.53148 − 0.55) = 0.01852 behind
    assert p.expected_value == pytest.approx(0.6 * (5 / 6) ** (2 / 3))
    assert p.gap == pytest.approx(0.55 - 0.6 * (5 / 6) ** (2 / 3))


def test_path_rule_and_its_overrides() -> None:
    assert path_for("level", 1000, 2000, T, None) == "compound"
    assert path_for("level", 0, 2000, T, None) == "linear"  # no positive baseline: no ratio
    assert path_for("count", 9000, 30000, T, None) == "linear"  # counts add whole items
    assert path_for("cumulative", None, 100, T, None) == "linear"
    assert path_for("level", 1000, 2000, T, "linear") == "linear"
    rules = thresholds_from_mapping(
        {"version": "x", "effective": "2024-01-01", "path": {"level_with_baseline": "linear"}}
    )
    assert path_for("level", 1000, 2000, rules, None) == "linear"
    with pytest.raises(ValidationError):
        Target(2000, "2021", "2024", kind="level", baseline=1000, path="curved")  # type: ignore[arg-type]


def test_expected_at_draws_the_line_the_judgement_uses() -> None:
    kw = {"direction": "higher", "value": 2000.0, "baseline": 1000.0, "total": 48, "thresholds": T}
    assert expected_at(kind="level", elapsed=24, **kw) == pytest.approx(1000 * math.sqrt(2))  # type: ignore[arg-type]
    assert expected_at(kind="level", elapsed=24, path="linear", **kw) == 1500.0  # type: ignore[arg-type]
    # count 2 -> 5 over 36 months: after 18 months floor(1.5) = 1 new item expected -> 3
    counts = {"direction": "higher", "value": 5.0, "baseline": 2.0, "total": 36, "thresholds": T}
    assert expected_at(kind="count", elapsed=18, **counts) == 3.0  # type: ignore[arg-type]
    assert expected_at(kind="count", elapsed=24, **counts) == 4.0  # type: ignore[arg-type]
    for month in (6, 13, 30, 48):
        j = doubling(1200, month)
        assert j.expected_value == expected_at(kind="level", elapsed=month, **kw)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- milestones
def park(actual: float, elapsed: int, total: int = 36, baseline: float | None = 0):  # type: ignore[no-untyped-def]
    """一个 3000 亿级园区: 0 (2020) -> 1 by 2023."""
    return judge(
        kind="count",
        direction="higher",
        value=1,
        baseline=baseline,
        actual=actual,
        elapsed=elapsed,
        total=total,
        thresholds=T,
    )


def test_which_targets_are_milestones() -> None:
    assert is_milestone("count", 1, 0, "higher", T)
    assert is_milestone("count", 1, None, "higher", T)  # no baseline: counted from zero
    assert is_milestone("count", 3, 2, "higher", T)  # one more item
    assert not is_milestone("count", 5, 2, "higher", T)  # three items: a schedule
    assert not is_milestone("level", 1, 0, "higher", T)  # a level: partial values mean something
    assert is_milestone("level", 1, 0, "higher", T, flag=True)
    assert not is_milestone("count", 0, 1, "higher", T)  # wrong side: judged (and refused) as usual


def test_milestone_is_never_green_before_it_is_met() -> None:
    # 0 of 1 after 12 of 36 months (τ = 1/3 < 0.75): not yet due, no ratio
    j = park(0, 12)
    assert (j.status, j.reason, j.ratio, j.basis) == (
        "not_due",
        "milestone_not_due",
        None,
        "milestone",
    )
    assert j.params["months_left"] == 24
    # after 30 of 36 months (τ = 5/6 ≥ 0.75) and still 0: at risk by time alone
    k = park(0, 30)
    assert (k.status, k.reason, k.params["months_left"]) == ("at_risk", "milestone_at_risk_time", 6)
    # 27 of 36 is exactly 0.75: on the at-risk line, which is inclusive
    assert park(0, 27).status == "at_risk" and park(0, 26).status == "not_due"
    # met: green at once, whatever the time
    assert (park(1, 3).status, park(1, 3).reason) == ("green", "milestone_achieved")
    # the deadline passed and not met: red
    assert (park(0, 36).status, park(0, 36).reason) == ("red", "milestone_missed")
    assert park(0, 36).expected_value == 1 and park(0, 12).expected_value == 0


def test_milestone_forecast_turns_not_due_into_at_risk() -> None:
    early = park(0, 12)
    # forecast 0 parks at the deadline, probability 0: at risk
    risky = milestone_outlook(early, 0.0, 0.0, 1, "higher", T)
    assert (risky.status, risky.reason) == ("at_risk", "milestone_at_risk_forecast")
    assert risky.params["forecast"] == 0.0
    # forecast 1.2 with probability 0.7: still not due; probability 0.4 < 0.5: at risk
    assert milestone_outlook(early, 1.2, 0.7, 1, "higher", T).status == "not_due"
    assert milestone_outlook(early, 1.2, 0.4, 1, "higher", T).status == "at_risk"
    # no forecast, or a judgement that is not pending: unchanged
    assert milestone_outlook(early, None, None, 1, "higher", T) is early
    met = park(1, 12)
    assert milestone_outlook(met, 0.0, 0.0, 1, "higher", T) is met


def test_milestone_through_evaluate_target() -> None:
    # the demo's 3000亿级园区 as of 2023-06: 0 parks, 30 of 36 months gone -> at risk, not green
    t = Target(1, "2021", "2023", kind="count", baseline=0)
    p = evaluate_target(t, [("2021", 0.0), ("2022", 0.0)], "2023-06", T)
    assert (p.status, p.reason) == ("at_risk", "milestone_at_risk_time")
    assert p.time_progress == pytest.approx(30 / 36)


# ----------------------------------------------------------------------------- reasons
def test_every_judgement_has_a_reason_with_its_numbers() -> None:
    j = doubling(1390, 24)
    assert {"actual", "target", "baseline", "time_progress", "ratio", "observed_cagr"} <= set(
        j.params
    )
    d = judge(
        kind="level",
        direction="higher",
        value=100,
        baseline=None,
        actual=92,
        elapsed=6,
        total=12,
        thresholds=T,
    )
    # no baseline: judged directly, c = 92/100 = 0.92 -> yellow
    assert (d.reason, d.status, d.params["completion"]) == ("direct", "yellow", 0.92)
    cap = judge(
        kind="cumulative",
        direction="lower",
        value=1000,
        baseline=None,
        actual=0,
        elapsed=6,
        total=12,
        thresholds=T,
    )
    assert (cap.reason, cap.status) == ("cap_unused", "green")
    nothing = doubling(1000, 0)
    assert (nothing.reason, nothing.status) == ("nothing_expected", "green")
    with pytest.raises(DataError) as err:
        judge(
            kind="level",
            direction="higher",
            value=1000,
            baseline=1000,
            actual=5,
            elapsed=6,
            total=12,
            thresholds=T,
        )
    assert err.value.context["reason"] == "target_equals_baseline"


def test_compound_ratio_rounding_is_twelve_places() -> None:
    r, observed, required = compound_ratio(1000 * math.sqrt(2), 1000, 2000, 24, 48, "higher")
    assert r == 1 and observed == pytest.approx(required)
    r2, _, _ = compound_ratio(1414.2, 1000, 2000, 24, 48, "higher")
    assert r2 < 1 and traffic_light(r2, T) == "yellow"
