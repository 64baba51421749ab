"""Judging one target from its numbers: the expected path, the light and the reason for it.

Pure functions shared by the scalar engine (:func:`gaodi.analytics.progress.evaluate_target`)
and the vectorised board (:func:`gaodi.analytics.progress_board.evaluate_board`), so both give
the same light for the same reason. A judgement carries a reason *code* and the numbers behind
it; wording them in Chinese and English is the presentation layer's job
(``gaodi.plans.reasons``). Formulas, sources and the edge rules: ``docs/methods/progress.md``.

Three ways to judge a target that is not a growth rate:

schedule (linear path)
    完成率 against 序时进度: ``r = c / E`` (``E = τ``; whole items for counts).
compound (growth path)
    A level target with a positive baseline grows along ``B·(T/B)^τ``; the ratio is Open SDG's
    observed over required compound annual growth, ``r = d·CAGR_o / |CAGR_r|``.
milestone
    A target met at once (a count whose step is at most one item): green only when achieved;
    before its deadline not yet due (未到期) or at risk (有风险); after it, red.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

from gaodi.analytics.progress import (
    Basis,
    Direction,
    Kind,
    Light,
    PathName,
    StatusThresholds,
    exact,
    growth_status,
    planned_step,
    traffic_light,
)
from gaodi.core import words
from gaodi.core.errors import DataError

Params = dict[str, float | int | str | None]
RATIO_PLACES = Decimal("1e-12")  # compound ratios are rounded here before the comparison


@dataclass(frozen=True)
class Judgement:
    """The light of one target, how it was judged, and the reason code with its numbers."""

    basis: Basis
    completion: float | None
    expected_completion: float
    expected_value: float
    ratio: float | None
    status: Light
    reason: str
    params: Params = field(default_factory=dict)


def is_milestone(
    kind: Kind,
    value: float,
    baseline: float | None,
    direction: Direction,
    thresholds: StatusThresholds,
    flag: bool | None = None,
) -> bool:
    """Whether a target can only be met at once (a milestone), when not stated (``flag``).

    Notes
    -----
    Rule (``progress_status.yaml``, ``milestone.max_step``): a ``count`` target whose planned
    change ``d·(T − B)`` (``B`` = 0 without a baseline) is positive and at most ``max_step``
    (one item: 一个 3000 亿级园区). Part of one park is meaningless, so there is no schedule
    to be behind or ahead of.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> is_milestone("count", 1, 0, "higher", t), is_milestone("count", 5, 2, "higher", t)
    (True, False)
    """
    if flag is not None:
        return flag
    if kind != "count":
        return False
    sign = 1 if direction == "higher" else -1
    step = sign * (exact(value) - exact(baseline if baseline is not None else 0.0))
    return 0 < step <= exact(thresholds.milestone_max_step)


def path_for(
    kind: Kind, baseline: float | None, value: float, thresholds: StatusThresholds, path: str | None
) -> PathName:
    """The expected path: ``path`` when stated, else compound for a level target with a
    positive baseline and target (the rule file's ``path.level_with_baseline``), else linear.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> path_for("level", 1000, 2000, t, None), path_for("count", 9000, 30000, t, None)
    ('compound', 'linear')
    """
    if path in ("linear", "compound"):
        return path  # type: ignore[return-value]
    if kind == "level" and baseline is not None and baseline > 0 and value > 0:
        return thresholds.level_path
    return "linear"


def compound_expected(baseline: float, target: float, share: Fraction | float) -> float:
    """Expected value on the growth path: ``B·(T/B)^(t/T_w)`` (``share`` = t/T_w = τ).

    Examples
    --------
    >>> compound_expected(1000, 2000, 0.5)   # doubling in 4 years: 2 years in, 1000·√2
    1414.213562373095
    """
    return float(baseline * (target / baseline) ** float(share))


def compound_ratio(
    actual: float, baseline: float, target: float, elapsed: int, total: int, direction: Direction
) -> tuple[Fraction, float, float]:
    """Open SDG's ratio of observed to required compound annual growth, ``(R, CAGR_o, CAGR_r)``.

    Notes
    -----
    ``CAGR_o = (a/B)^(12/n) − 1`` over the ``n`` months elapsed since the baseline and
    ``CAGR_r = (T/B)^(12/N) − 1`` over the window's ``N`` months; ``R = d·CAGR_o / |CAGR_r|``
    with ``d`` = +1 (higher) or −1 (lower). This is :func:`gaodi.analytics.forecast.sdg_progress`'s
    ratio with times counted in months. Roots are taken in 40-digit decimal arithmetic and ``R``
    is rounded to 12 decimal places before it is compared: an actual exactly on the growth path
    as stored (a float, 17 significant digits) gives ``R = 1``.

    References
    ----------
    Open SDG, "Progress Measurement Methodology for the Sustainable Development Goals",
    https://open-sdg.readthedocs.io/en/latest/progress-methodology/ (Statistics Canada's
    method); reference code ``sdg/ProgressMeasure.py`` in https://github.com/open-sdg/sdg-build.

    Examples
    --------
    >>> r, o, q = compound_ratio(1414.213562373095, 1000, 2000, 24, 48, "higher")
    >>> r, round(o, 6), round(q, 6)
    (Fraction(1, 1), 0.189207, 0.189207)
    """
    with localcontext() as ctx:
        ctx.prec = 40
        a, b, t = (Decimal(repr(float(v))) for v in (actual, baseline, target))
        observed = ((a / b).ln() * 12 / elapsed).exp() - 1
        required = ((t / b).ln() * 12 / total).exp() - 1
        d = 1 if direction == "higher" else -1
        ratio = d * observed / abs(required)
        if abs(ratio) < 10**6:  # far from any line a huge ratio needs no rounding (nor fits it)
            ratio = ratio.quantize(RATIO_PLACES)
    return Fraction(ratio), _float(observed), _float(required)


def _float(value: Decimal | Fraction) -> float:
    """A float for display, clamped to the largest finite float (a baseline near zero makes
    growth rates beyond any float; the exact value still decides the light)."""
    top = Decimal(sys.float_info.max)
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return float(max(-top, min(top, value)))


def expected_at(
    *,
    kind: Kind,
    direction: Direction,
    value: float,
    baseline: float | None,
    elapsed: int,
    total: int,
    thresholds: StatusThresholds,
    path: str | None = None,
    milestone: bool | None = None,
) -> float:
    """The expected value after ``elapsed`` of ``total`` months (the line a trend chart draws).

    The same path :func:`judge` compares with: the target itself for growth rates and for
    targets judged directly; a step at the deadline for milestones; ``B·(T/B)^τ`` on the
    compound path; ``B + E·(T − B)`` (whole items for counts) or ``τ·T`` on the linear one.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> expected_at(kind="level", direction="higher", value=2000, baseline=1000, elapsed=24,
    ...             total=48, thresholds=t, path="linear")
    1500.0
    """
    tau = Fraction(max(0, min(elapsed, total)), total)
    if kind == "growth":
        return value
    if is_milestone(kind, value, baseline, direction, thresholds, milestone):
        return value if tau >= 1 else float(baseline or 0.0)
    if kind in ("level", "count") and baseline is not None:
        if baseline == value:
            return value
        if path_for(kind, baseline, value, thresholds, path) == "compound":
            return compound_expected(baseline, value, tau)
        b, step = exact(baseline), exact(value) - exact(baseline)
        expected = Fraction(math.floor(tau * abs(step))) / abs(step) if kind == "count" else tau
        return float(b + expected * step)
    if kind == "cumulative":
        return float(tau * exact(value))
    return value


def _lines(thresholds: StatusThresholds) -> Params:
    return {"green_line": thresholds.green_min_ratio, "yellow_line": thresholds.yellow_min_ratio}


def _check_step(value: Fraction, baseline: Fraction, sign: int) -> Fraction:
    return planned_step(value, baseline, sign)


def judge(
    *,
    kind: Kind,
    direction: Direction,
    value: float,
    baseline: float | None,
    actual: float,
    elapsed: int,
    total: int,
    thresholds: StatusThresholds,
    path: str | None = None,
    milestone: bool | None = None,
) -> Judgement:
    """Judge a target: ``actual`` after ``elapsed`` of the window's ``total`` months.

    Parameters
    ----------
    elapsed, total : int
        Months of the window gone (``0 ≤ elapsed ≤ total``) and in all: ``τ = elapsed/total``.
    path : {"linear", "compound"} or None
        The expected path of a level target with a baseline (None: :func:`path_for`).
    milestone : bool or None
        Whether the target is met at once (None: :func:`is_milestone`).

    Notes
    -----
    Every comparison with a line is exact (:func:`gaodi.analytics.progress.exact`): the
    stored floats are read as their shortest decimal repr and τ as a fraction of months.
    Lines are inclusive: a ratio equal to ``green_min_ratio`` is green, equal to
    ``yellow_min_ratio`` yellow. See the module docstring for the three ways of judging.

    Raises
    ------
    DataError
        A target that cannot be judged (``reason``: target_equals_baseline,
        target_wrong_side, nonpositive_target, nonpositive_values).

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> j = judge(kind="cumulative", direction="higher", value=100, baseline=None, actual=75,
    ...           elapsed=10, total=12, thresholds=t)
    >>> j.ratio, j.status, j.reason
    (0.9, 'yellow', 'schedule')
    """
    sign = 1 if direction == "higher" else -1
    tau = Fraction(max(0, min(elapsed, total)), total)
    a, tv = exact(actual), exact(value)
    b = exact(baseline) if baseline is not None else None
    base: Params = {
        "kind": kind,
        "direction": direction,
        "actual": actual,
        "target": value,
        "baseline": baseline,
        "time_progress": float(tau),
        "elapsed_months": int(tau * total),
        "total_months": total,
    }
    if kind == "growth":
        rate, light = growth_status(actual, value, direction, thresholds)
        params = base | _lines(thresholds)
        if rate is None:
            params |= {
                "shortfall_pp": float(sign * (tv - a)),
                "tolerance_pp": thresholds.growth_yellow_max_shortfall_pp,
            }
        return Judgement(
            "direct",
            rate,
            1.0,
            value,
            rate,
            light,
            "growth" if rate is not None else "growth_cap",
            params | {"ratio": rate},
        )

    if is_milestone(kind, value, baseline, direction, thresholds, milestone):
        start = b if b is not None else Fraction(0)
        achieved = sign * (a - tv) >= 0
        params = base | {"months_left": total - int(tau * total)}
        done = float((a - start) / (tv - start)) if tv != start else None
        state: Light
        if achieved:
            state, reason = "green", "milestone_achieved"
        elif tau >= 1:
            state, reason = "red", "milestone_missed"
        elif tau >= exact(thresholds.milestone_at_risk_min_time_progress):
            state, reason = "at_risk", "milestone_at_risk_time"
            params["at_risk_line"] = thresholds.milestone_at_risk_min_time_progress
        else:
            state, reason = "not_due", "milestone_not_due"
            params["at_risk_line"] = thresholds.milestone_at_risk_min_time_progress
        due = 1.0 if tau >= 1 else 0.0
        expected_value = value if tau >= 1 else float(start)
        return Judgement("milestone", done, due, expected_value, None, state, reason, params)

    if kind in ("level", "count") and baseline is not None and b is not None:
        step = _check_step(tv, b, sign)
        share = (a - b) / step
        if path_for(kind, baseline, value, thresholds, path) == "compound":
            return _compound(actual, baseline, value, elapsed, total, direction, thresholds, base)
        # counts expect whole items: a park cannot be half-promoted
        whole = Fraction(math.floor(tau * abs(step))) / abs(step)
        expected = whole if kind == "count" else tau
        expected_value = float(b + expected * step)
        return _schedule(share, expected, expected_value, "schedule", thresholds, base)

    if kind == "cumulative":
        if tv <= 0:
            raise words.error(
                "progress.nonpositive_target", DataError, context={"reason": "nonpositive_target"}
            )
        used = a / tv
        expected_value = float(tau * tv)
        if direction == "lower":  # a cap: the share used, judged r = E / c
            params = base | _lines(thresholds) | {"completion": float(used)}
            params |= {"expected_completion": float(tau)}
            if used <= 0:
                return Judgement(
                    "schedule", 0.0, float(tau), expected_value, None, "green", "cap_unused", params
                )
            ratio = tau / used
            params["ratio"] = float(ratio)
            return Judgement(
                "schedule",
                float(used),
                float(tau),
                expected_value,
                float(ratio),
                traffic_light(ratio, thresholds),
                "cap",
                params,
            )
        return _schedule(used, tau, expected_value, "schedule", thresholds, base)

    # a level or count without a baseline: judged directly against the target
    if direction == "higher":
        if tv <= 0:
            raise words.error(
                "progress.nonpositive_target", DataError, context={"reason": "nonpositive_target"}
            )
        direct = a / tv
    else:
        if a <= 0 or tv <= 0:
            raise words.error(
                "progress.nonpositive_values", DataError, context={"reason": "nonpositive_values"}
            )
        direct = tv / a
    params = base | _lines(thresholds) | {"completion": float(direct), "ratio": float(direct)}
    return Judgement(
        "direct",
        float(direct),
        1.0,
        value,
        float(direct),
        traffic_light(direct, thresholds),
        "direct",
        params,
    )


def _schedule(
    completion: Fraction,
    expected: Fraction,
    expected_value: float,
    reason: str,
    thresholds: StatusThresholds,
    base: Params,
) -> Judgement:
    params = base | _lines(thresholds)
    params |= {"completion": float(completion), "expected_completion": float(expected)}
    if expected <= 0:
        status: Light = "green" if completion >= 0 else "red"
        return Judgement(
            "schedule",
            float(completion),
            0.0,
            expected_value,
            None,
            status,
            "nothing_expected",
            params,
        )
    ratio = completion / expected
    params["ratio"] = float(ratio)
    return Judgement(
        "schedule",
        float(completion),
        float(expected),
        expected_value,
        float(ratio),
        traffic_light(ratio, thresholds),
        reason,
        params,
    )


def _compound(
    actual: float,
    baseline: float,
    value: float,
    elapsed: int,
    total: int,
    direction: Direction,
    thresholds: StatusThresholds,
    base: Params,
) -> Judgement:
    tau = Fraction(max(0, min(elapsed, total)), total)
    expected_value = compound_expected(baseline, value, tau)
    completion = float((exact(actual) - exact(baseline)) / (exact(value) - exact(baseline)))
    expected = (expected_value - baseline) / (value - baseline)
    params = (
        base | _lines(thresholds) | {"completion": completion, "expected_value": expected_value}
    )
    sign = 1 if direction == "higher" else -1
    n = int(tau * total)
    if n == 0:
        status: Light = "green" if sign * (actual - baseline) >= 0 else "red"
        return Judgement(
            "compound", completion, 0.0, expected_value, None, status, "nothing_expected", params
        )
    if actual <= 0:
        return Judgement(
            "compound",
            completion,
            expected,
            expected_value,
            None,
            "red",
            "compound_nonpositive",
            params,
        )
    ratio, observed, required = compound_ratio(actual, baseline, value, n, total, direction)
    params |= {"observed_cagr": observed, "required_cagr": required, "ratio": _float(ratio)}
    return Judgement(
        "compound",
        completion,
        expected,
        expected_value,
        _float(ratio),
        traffic_light(ratio, thresholds),
        "compound",
        params,
    )


def milestone_outlook(
    judgement: Judgement,
    forecast: float | None,
    probability: float | None,
    value: float,
    direction: Direction,
    thresholds: StatusThresholds,
) -> Judgement:
    """A not-yet-due milestone becomes at risk when its forecast says it will not be met.

    Notes
    -----
    At risk when the point forecast at the deadline falls short of the target
    (``d·(f − T) < 0``) or the probability of meeting it is below the rule file's
    ``milestone.at_risk_max_probability``. Any other judgement is returned unchanged.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> j = judge(kind="count", direction="higher", value=1, baseline=0, actual=0,
    ...           elapsed=12, total=36, thresholds=t)
    >>> j.status, milestone_outlook(j, 0.0, 0.0, 1, "higher", t).status
    ('not_due', 'at_risk')
    """
    if judgement.status != "not_due" or forecast is None:
        return judgement
    sign = 1 if direction == "higher" else -1
    short = sign * (exact(forecast) - exact(value)) < 0
    unlikely = probability is not None and exact(probability) < exact(
        thresholds.milestone_at_risk_max_probability
    )
    if not (short or unlikely):
        return judgement
    params = judgement.params | {"forecast": forecast, "probability": probability}
    params["at_risk_probability"] = thresholds.milestone_at_risk_max_probability
    return Judgement(
        judgement.basis,
        judgement.completion,
        judgement.expected_completion,
        judgement.expected_value,
        None,
        "at_risk",
        "milestone_at_risk_forecast",
        params,
    )
