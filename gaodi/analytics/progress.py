"""The progress engine: 序时进度, actual, completion, gap and traffic lights for plan targets.

Pure functions. The only I/O is :func:`load_status_thresholds`, a thin reader of the versioned
rule file ``gaodi/analytics/rules/progress_status.yaml``; every other function takes the
thresholds as an argument. Formulas and their sources: ``docs/methods/progress.md``.

Vocabulary
----------
time progress (序时进度) ``τ``
    Share of the target window elapsed at the evaluation month, in [0, 1].
completion ``c``
    How much of the target is done, oriented so that higher is better.
expected completion ``E``
    What ``c`` should be by now: ``τ`` on a schedule basis, 1 on a direct basis.
ratio ``r``
    ``c / E``; the traffic light compares it with the rule file's thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml

from gaodi.core import words
from gaodi.core.errors import DataError
from gaodi.core.periods import format_month, month_of, parse_period

Direction = Literal["higher", "lower"]
Kind = Literal["cumulative", "level", "count", "growth"]
Aggregation = Literal["cumulative", "point"]
Status = Literal["green", "yellow", "red"]
# A target that can only be met at once (a milestone) is never judged against a schedule:
# before its deadline it is not yet due (未到期) or at risk (有风险); see progress_judge.
Light = Literal["green", "yellow", "red", "not_due", "at_risk"]
Basis = Literal["schedule", "direct", "compound", "milestone"]
PathName = Literal["linear", "compound"]
PATHS: tuple[str, ...] = ("linear", "compound")

KINDS: tuple[str, ...] = ("cumulative", "level", "count", "growth")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
SDG_CATEGORIES: tuple[str, ...] = (
    "target_achieved",
    "on_track",
    "moderate_progress",
    "limited_progress",
    "deterioration",
)
DEFAULT_SDG_COLORS: tuple[tuple[str, str], ...] = (
    ("target_achieved", "green"),
    ("on_track", "green"),
    ("moderate_progress", "yellow"),
    ("limited_progress", "red"),
    ("deterioration", "red"),
)

#: A number that subtracts and compares: a float, or an exact Fraction.
N = TypeVar("N", float, Fraction)


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class StatusThresholds:
    """Traffic-light thresholds, as read from the rule file (see ``progress_status.yaml``)."""

    version: str
    effective: str
    green_min_ratio: float = 1.0
    yellow_min_ratio: float = 0.9
    growth_yellow_max_shortfall_pp: float = 1.0
    sdg_on_track_min_ratio: float = 0.95
    sdg_moderate_min_ratio: float = 0.6
    sdg_limited_min_ratio: float = 0.0
    sdg_colors: tuple[tuple[str, str], ...] = DEFAULT_SDG_COLORS
    level_path: PathName = "compound"
    milestone_max_step: float = 1.0
    milestone_at_risk_min_time_progress: float = 0.75
    milestone_at_risk_max_probability: float = 0.5

    def sdg_color(self, category: str) -> Status:
        """The light shown for an Open SDG category."""
        return dict(self.sdg_colors)[category]  # type: ignore[return-value]

    def __post_init__(self) -> None:
        if not 0 < self.yellow_min_ratio <= self.green_min_ratio:
            raise words.error("progress.bad_yellow_threshold")
        if self.growth_yellow_max_shortfall_pp < 0:
            raise words.error("progress.negative_growth_tolerance")
        sdg = (self.sdg_limited_min_ratio, self.sdg_moderate_min_ratio, self.sdg_on_track_min_ratio)
        if not sdg[0] <= sdg[1] <= sdg[2]:
            raise words.error("progress.bad_sdg_thresholds")
        colors = dict(self.sdg_colors)
        if set(colors) != set(SDG_CATEGORIES) or not set(colors.values()) <= {
            "green",
            "yellow",
            "red",
        }:
            raise words.error("progress.bad_sdg_colors")
        if self.level_path not in PATHS:
            raise words.error(
                "progress.unknown_path", path=self.level_path, path_repr=repr(self.level_path)
            )
        if self.milestone_max_step < 0 or not (
            0 <= self.milestone_at_risk_min_time_progress <= 1
            and 0 <= self.milestone_at_risk_max_probability <= 1
        ):
            raise words.error("progress.bad_milestone_parameters")


def thresholds_from_mapping(data: Mapping[str, Any]) -> StatusThresholds:
    """Build :class:`StatusThresholds` from the parsed rule file (pure; validates).

    Examples
    --------
    >>> t = thresholds_from_mapping({"version": "x", "effective": "2021-01-01",
    ...     "schedule": {"green_min_ratio": {"value": 1.0}, "yellow_min_ratio": {"value": 0.8}}})
    >>> t.yellow_min_ratio, t.sdg_on_track_min_ratio
    (0.8, 0.95)
    """

    def pick(section: str, key: str, default: float) -> float:
        entry = (data.get(section) or {}).get(key)
        if entry is None:
            return default
        return float(entry["value"] if isinstance(entry, Mapping) else entry)

    def pick_text(section: str, key: str, default: str) -> str:
        entry = (data.get(section) or {}).get(key)
        if entry is None:
            return default
        return str(entry["value"] if isinstance(entry, Mapping) else entry)

    try:
        return StatusThresholds(
            version=str(data["version"]),
            effective=str(data["effective"]),
            green_min_ratio=pick("schedule", "green_min_ratio", 1.0),
            yellow_min_ratio=pick("schedule", "yellow_min_ratio", 0.9),
            growth_yellow_max_shortfall_pp=pick("growth", "yellow_max_shortfall_pp", 1.0),
            sdg_on_track_min_ratio=pick("sdg", "on_track_min_ratio", 0.95),
            sdg_moderate_min_ratio=pick("sdg", "moderate_min_ratio", 0.6),
            sdg_limited_min_ratio=pick("sdg", "limited_min_ratio", 0.0),
            level_path=pick_text("path", "level_with_baseline", "compound"),  # type: ignore[arg-type]
            milestone_max_step=pick("milestone", "max_step", 1.0),
            milestone_at_risk_min_time_progress=pick(
                "milestone", "at_risk_min_time_progress", 0.75
            ),
            milestone_at_risk_max_probability=pick("milestone", "at_risk_max_probability", 0.5),
            sdg_colors=tuple(
                (str(k), str(v))
                for k, v in (
                    (data.get("sdg") or {}).get("colors") or dict(DEFAULT_SDG_COLORS)
                ).items()
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise words.error("progress.rule_file_malformed", problem=exc) from exc


def load_status_thresholds(path: str | Path | None = None) -> StatusThresholds:
    """Read the rule file (the packaged default when ``path`` is None).

    Examples
    --------
    >>> t = load_status_thresholds()
    >>> (t.green_min_ratio, t.yellow_min_ratio)
    (1.0, 0.9)
    """
    if path is None:
        text = resources.files("gaodi.analytics.rules").joinpath("progress_status.yaml")
        raw = text.read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return thresholds_from_mapping(yaml.safe_load(raw))


# --------------------------------------------------------------------------- observations
@dataclass(frozen=True)
class Observation:
    """One reported value. Corrections are new rows with a higher ``revision``."""

    period: str
    value: float
    revision: int = 0


ObsLike = Observation | tuple[str, float] | tuple[str, float, int]


def latest_revisions(observations: Iterable[ObsLike]) -> dict[int, float]:
    """Latest revision of each period, keyed by month index (a year or quarter at its last month).

    Raises
    ------
    DataError
        Two different values for a period at its latest revision (conflicts in superseded
        revisions do not matter), or a non-finite value.

    Examples
    --------
    >>> s = latest_revisions([("2023-06", 48.0, 0), ("2023-06", 50.0, 1), ("2023-05", 40.0)])
    >>> {format_month(m): v for m, v in s.items()}
    {'2023-05': 40.0, '2023-06': 50.0}
    """
    best: dict[int, tuple[int, float, str | None]] = {}  # revision, value, conflicting period
    for row in observations:
        obs = row if isinstance(row, Observation) else Observation(*row)
        value = float(obs.value)
        if not math.isfinite(value):
            raise words.error(
                "progress.value_not_finite",
                DataError,
                context={"period": obs.period},
                period=obs.period,
            )
        month = parse_period(obs.period).last_month
        seen = best.get(month)
        if seen is None or obs.revision > seen[0]:
            best[month] = (obs.revision, value, None)
        elif obs.revision == seen[0] and value != seen[1]:
            best[month] = (seen[0], seen[1], obs.period)
    for revision, _, period in best.values():
        if period is not None:
            raise words.error(
                "progress.two_values_at_revision",
                DataError,
                context={"period": period},
                period=period,
                revision=revision,
            )
    return {m: best[m][1] for m in sorted(best)}


@dataclass(frozen=True)
class Actual:
    """The actual value used for an evaluation and where it came from."""

    value: float
    period: str  # YYYY-MM of the (latest) observation used
    stale: bool  # the observation is older than the evaluation month
    months_behind: int


def actual_as_of(
    series: Mapping[int, float],
    as_of: str,
    aggregation: Aggregation | Literal["window_sum", "year_latest"] = "point",
    window_start: str | None = None,
) -> Actual:
    """The actual value as of a month from a series of latest revisions (see
    :func:`latest_revisions`).

    ``point``
        Point-in-time values: the last observation on or before ``as_of`` is carried forward.
    ``cumulative``
        Within-year running totals: the latest month available in ``as_of``'s year.
    ``year_latest``
        Same as ``cumulative`` but never before ``window_start`` (growth-rate series).
    ``window_sum``
        Multi-year cumulative targets: the sum over the years of ``[window_start, as_of]`` of
        each year's latest running total.

    ``stale`` is True when the observation used is older than ``as_of``.

    Raises
    ------
    DataError
        No observation qualifies.

    Examples
    --------
    >>> s = latest_revisions([("2023-04", 30.0), ("2023-05", 40.0)])
    >>> actual_as_of(s, "2023-06", "cumulative")
    Actual(value=40.0, period='2023-05', stale=True, months_behind=1)
    """
    end = parse_period(as_of).last_month
    start = parse_period(window_start).first_month if window_start else None
    year = month_of(end)[0]
    months = [m for m in series if m <= end]
    if aggregation in ("cumulative", "year_latest"):
        months = [m for m in months if month_of(m)[0] == year]
    if aggregation in ("year_latest", "window_sum") and start is not None:
        months = [m for m in months if m >= start]
    if not months:
        raise words.error(
            "progress.no_data_as_of",
            DataError,
            context={"reason": "no_data"},
            month=format_month(end),
        )
    last = max(months)
    if aggregation == "window_sum":
        by_year: dict[int, int] = {}
        for m in months:
            y = month_of(m)[0]
            by_year[y] = max(by_year.get(y, m), m)
        value = math.fsum(series[m] for m in by_year.values())
    else:
        value = series[last]
    return Actual(value, format_month(last), last < end, end - last)


# --------------------------------------------------------------------------- 序时进度
def time_progress(as_of: str, start: str, end: str | None = None) -> float:
    """序时进度: share of the target window ``[start, end]`` elapsed at the end of ``as_of``.

    Parameters
    ----------
    as_of : str
        ``YYYY-MM`` (or ``YYYY-Qn`` / ``YYYY``: their last month).
    start, end : str
        First and last period of the target window; ``end`` defaults to ``start``
        (a single-year target: ``start="2023"``).

    Notes
    -----
    ``τ = clip((m_as_of − m_start + 1) / (m_end − m_start + 1), 0, 1)`` on month indices, so a
    single-year target gives ``τ = m / 12`` in month ``m`` (June: 6/12 = 0.5) and a 2021–2023
    target (baseline 2020) gives elapsed months / 36. Statistics published for 1–2月 combined
    are first reported in February, whose 序时进度 is 2/12.

    References
    ----------
    Common Chinese statistical practice ("时间过半、任务过半"); no official definition was found
    (Gaodi reference notes, 序时进度 convention).

    Examples
    --------
    >>> time_progress("2023-06", "2023")
    0.5
    >>> round(time_progress("2022-06", "2021", "2023"), 4)   # 18 / 36
    0.5
    """
    window = parse_period(start).first_month, parse_period(end or start).last_month
    total = window[1] - window[0] + 1
    if total <= 0:
        raise words.error("progress.window_ends_before_start", start=start, end=end)
    elapsed = parse_period(as_of).last_month - window[0] + 1
    return min(1.0, max(0.0, elapsed / total))


def time_progress_days(as_of: date, start: str, end: str | None = None) -> float:
    """Day-based 序时进度: days elapsed (``as_of`` included) ÷ days in the window.

    Examples
    --------
    >>> round(time_progress_days(date(2023, 6, 30), "2023"), 4)   # 181 / 365
    0.4959
    """
    first = parse_period(start).start_date
    last = parse_period(end or start).end_date
    total = (last - first).days + 1
    return min(1.0, max(0.0, ((as_of - first).days + 1) / total))


# --------------------------------------------------------------------------- completion
def completion_ratio(
    actual: float,
    target: float,
    *,
    kind: Kind = "cumulative",
    direction: Direction = "higher",
    baseline: float | None = None,
) -> float:
    """Completion ``c`` of a target, oriented so that a higher value is better.

    Notes
    -----
    - ``cumulative`` (within-year or plan-period totals, 完成率 = 累计完成值 ÷ 目标):
      ``c = a / T`` (the baseline of a running total is zero). For a lower-is-better cap the
      share used is ``a / T``; it is judged against 序时进度 by :func:`schedule_ratio`.
    - ``level`` / ``count`` with a baseline ``B``: ``c = (a − B) / (T − B)``, the share of the
      planned change achieved; this formula serves both directions (for a reduction both
      numerator and denominator are negative).
    - ``level`` / ``count`` without a baseline: ``c = a / T`` (higher) or ``c = T / a`` (lower).
    - ``growth`` (累计增速 vs 目标增速, in the same units): ``c = g / g_T`` when the target asks
      for movement in the good direction; a cap or floor has no ratio (see
      :func:`growth_status`).

    Raises
    ------
    DataError
        Target equal to the baseline, a target that asks for no improvement on its baseline,
        or a ratio of non-positive values.

    References
    ----------
    完成率 = 累计完成值 ÷ 目标 (Gaodi reference notes, 序时进度 convention); the baseline form is
    the "progress made relative to progress needed" of UNESCAP's Current Status Index,
    https://data.unescap.org/dataviz/methodology/technical-notes.html ; growth targets are
    compared directly (累计增速 vs 目标增速), as in local practice.

    Examples
    --------
    >>> completion_ratio(48, 100)                      # June cumulative 48 of 100
    0.48
    >>> completion_ratio(3.5, 5, kind="count", baseline=2)   # (3.5 - 2) / (5 - 2)
    0.5
    >>> completion_ratio(0.55, 0.5, kind="level", direction="lower")   # 0.5 / 0.55
    0.9090909090909091
    """
    sign = 1.0 if direction == "higher" else -1.0
    if kind == "growth":
        if sign * target <= 0:
            raise words.error("progress.growth_cap", DataError, context={"reason": "growth_cap"})
        return actual / target
    if kind in ("level", "count") and baseline is not None:
        return (actual - baseline) / planned_step(target, baseline, sign)
    if kind == "cumulative" or direction == "higher":
        if target <= 0:
            raise words.error(
                "progress.nonpositive_target", DataError, context={"reason": "nonpositive_target"}
            )
        return actual / target
    if actual <= 0 or target <= 0:
        raise words.error(
            "progress.nonpositive_values", DataError, context={"reason": "nonpositive_values"}
        )
    return target / actual


def expected_completion(
    tau: float, kind: Kind = "cumulative", baseline: float | None = None, target: float = 0.0
) -> float:
    """What the completion should be by now (``E``).

    Notes
    -----
    ``E = τ`` (schedule basis) for cumulative targets and for level targets with a baseline;
    for counts with a baseline the expected number of new items is whole:
    ``E = ⌊τ·|T − B|⌋ / |T − B|`` (a park cannot be half-promoted). ``E = 1`` (direct basis)
    for growth targets (compared directly, not by time) and levels without a baseline.

    References
    ----------
    Gaodi convention (docs/methods/progress.md, "Completion, expected completion, ratio").

    Examples
    --------
    >>> expected_completion(0.5, "count", baseline=2, target=5)   # floor(1.5) / 3
    0.3333333333333333
    """
    if kind == "growth" or (kind in ("level", "count") and baseline is None):
        return 1.0
    if kind == "count" and baseline is not None:
        # exact: τ is a ratio of months (or days), so the float 0.6666666666666666 is 2/3 and
        # 2/3 · 3 is two whole items, not 1.9999999999999998
        step = abs(exact(target) - exact(baseline))
        share = Fraction(tau).limit_denominator(10**6)
        return float(math.floor(share * step) / step) if step else tau
    return tau


def schedule_ratio(
    completion: float, expected: float, kind: Kind = "cumulative", direction: Direction = "higher"
) -> float | None:
    """Performance ratio ``r``; None when nothing is expected yet (``E = 0``) or nothing used.

    Notes
    -----
    ``r = c / E``; for a lower-is-better cumulative cap (``c`` = share used) ``r = E / c``.

    Examples
    --------
    >>> schedule_ratio(0.48, 0.5)
    0.96
    >>> schedule_ratio(0.4, 0.5, "cumulative", "lower")   # used 40% of the cap by mid-year
    1.25
    """
    if kind == "cumulative" and direction == "lower":
        return expected / completion if completion > 0 else None
    return completion / expected if expected > 0 else None


def exact(value: float | Fraction) -> Fraction:
    """The number a stored float was meant to be: the exact fraction of its shortest repr.

    ``0.1`` is stored as 0.1000000000000000055…; its shortest repr is ``'0.1'``, which is what
    the user typed and sees, so the comparison is made with exactly 1/10.

    Examples
    --------
    >>> exact(0.1), exact(0.75) / exact(100.0)
    (Fraction(1, 10), Fraction(3, 400))
    """
    if isinstance(value, Fraction):
        return value
    return Fraction(Decimal(repr(float(value))))


def traffic_light(ratio: float | Fraction, thresholds: StatusThresholds) -> Status:
    """Status from the performance ratio: green ≥ ``green_min_ratio``, yellow ≥
    ``yellow_min_ratio``, red below — both lines inclusive (a ratio on a line takes the
    better light).

    Notes
    -----
    The comparison is exact: the ratio and the thresholds are compared as fractions (a float
    by its shortest repr, :func:`exact`), so 75 of 100 with 10/12 of the year gone,
    ``(3/4) / (5/6) = 9/10``, is on the 0.9 line and yellow, while the float quotient
    0.75 / 0.8333333333333334 = 0.8999999999999999 would have been red.

    References
    ----------
    Rule file ``progress_status.yaml`` (each threshold cites its source): green when
    完成率 ≥ 序时进度, yellow within 10% of it (issue 4; local practice, facts.md §6).

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> traffic_light(0.96, t), traffic_light(1.0, t), traffic_light(0.89, t)
    ('yellow', 'green', 'red')
    """
    r = exact(ratio)
    if r >= exact(thresholds.green_min_ratio):
        return "green"
    if r >= exact(thresholds.yellow_min_ratio):
        return "yellow"
    return "red"


def growth_status(
    actual_rate: float, target_rate: float, direction: Direction, thresholds: StatusThresholds
) -> tuple[float | None, Status]:
    """Growth-rate targets, compared directly (累计增速 vs 目标增速): ``(completion, status)``.

    Notes
    -----
    When ``d·g_T > 0`` (增长 8%; 下降 3% written as −3 with ``direction="lower"``) the ratio
    ``g / g_T`` is judged like any other. For a cap or a floor (``d·g_T ≤ 0``: 增速控制在 5% 以内,
    不低于 −2%) the shortfall ``d·(g_T − g)`` in percentage points decides: ≤ 0 green, ≤ the
    rule file's tolerance yellow, red beyond. ``d`` is +1 (higher) or −1 (lower).

    References
    ----------
    Local practice: growth targets are judged as 累计增速 vs 目标增速, not by 序时进度
    (Gaodi reference notes, 序时进度 convention); tolerance from ``progress_status.yaml``.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> growth_status(7.4, 8.0, "higher", t)   # 7.4 / 8 = 0.925
    (0.925, 'yellow')
    >>> growth_status(5.6, 5.0, "lower", t)    # cap 5%: 0.6 pp over
    (None, 'yellow')
    """
    sign = 1.0 if direction == "higher" else -1.0
    if sign * target_rate > 0:
        ratio = exact(actual_rate) / exact(target_rate)
        return float(ratio), traffic_light(ratio, thresholds)
    # exact, like traffic_light: 5.0 − 6.0 is a shortfall of exactly 1 pp, on the yellow line
    shortfall = exact(sign) * (exact(target_rate) - exact(actual_rate))
    if shortfall <= 0:
        return None, "green"
    if shortfall <= exact(thresholds.growth_yellow_max_shortfall_pp):
        return None, "yellow"
    return None, "red"


# --------------------------------------------------------------------------- one target
@dataclass(frozen=True)
class Target:
    """A plan target: ``value`` by the end of the window ``[start, end]``.

    A single-year target has ``start == end`` (``"2023"``); a 2021–2023 plan target whose
    baseline year is 2020 has ``start="2021"``, ``end="2023"`` and ``baseline`` = the 2020
    value. Growth targets hold rates in the series' own units (8 for 8%).
    """

    value: float
    start: str
    end: str
    kind: Kind = "cumulative"
    direction: Direction = "higher"
    baseline: float | None = None
    path: PathName | None = None  # None: by the rule file (progress_judge.path_for)
    milestone: bool | None = None  # None: by the rule file (progress_judge.is_milestone)

    def __post_init__(self) -> None:
        if self.path is not None and self.path not in PATHS:
            raise words.error("progress.unknown_path", path=self.path, path_repr=repr(self.path))
        if self.kind not in KINDS or self.direction not in DIRECTIONS:
            raise words.error(
                "progress.unknown_kind_or_direction",
                kind=self.kind,
                direction=self.direction,
                kind_repr=repr(self.kind),
                direction_repr=repr(self.direction),
            )
        if not math.isfinite(self.value) or (
            self.baseline is not None and not math.isfinite(self.baseline)
        ):
            raise words.error("progress.target_not_finite", DataError)
        if parse_period(self.end).last_month < parse_period(self.start).first_month:
            raise words.error("progress.window_ends_before_start", start=self.start, end=self.end)


@dataclass(frozen=True)
class TargetProgress:
    """Everything the board shows for one target, with its provenance."""

    as_of: str
    actual: float
    actual_period: str
    stale: bool
    time_progress: float
    basis: Basis
    baseline: float | None
    baseline_inferred: bool
    completion: float | None
    expected_completion: float
    expected_value: float
    gap: float
    ratio: float | None
    status: Light
    rules_version: str
    reason: str = ""
    reason_params: dict[str, float | int | str | None] = field(default_factory=dict)


def evaluate_target(
    target: Target,
    observations: Iterable[ObsLike],
    as_of: str,
    thresholds: StatusThresholds,
) -> TargetProgress:
    """Evaluate one target as of a month.

    Notes
    -----
    1. Latest revision of each period wins (:func:`latest_revisions`).
    2. The evaluation month is ``min(as_of, end of window)``.
    3. Actual: cumulative targets sum each window year's latest running total (a single-year
       target: the latest month of the year); growth targets take the latest 累计增速 of the
       evaluation year; levels and counts carry the last value forward.
    4. 序时进度 ``τ`` is taken at the month of the data for cumulative targets while the window
       is open (June data is compared with 6/12 even when the board is as of July; ``stale``
       says so) and at the evaluation month otherwise. Once the as-of month is past the
       window's end, ``τ = 1`` for every kind: the final value was owed, and a judgement on an
       older one says so (``reason_params["final_missing"]``).
       A target whose window starts after the as-of month is not judged: ``DataError`` with
       reason ``not_started`` (the board's 未到期).
    5. A level or count target without a baseline takes as baseline the last observation
       before the window and not after the evaluation month (``baseline_inferred``) if the
       target improves on it; otherwise it is judged directly (``E = 1``).
    6. The judgement (light, ``c``, ``E``, ``r``, expected value, reason code and its numbers)
       from :func:`gaodi.analytics.progress_judge.judge`: a linear schedule (the formulas of
       :func:`completion_ratio`, :func:`expected_completion`, :func:`schedule_ratio`), the
       compound growth path for a level target with a positive baseline, or the milestone
       rule; lines compared exactly (:func:`traffic_light`). ``gap = d·(expected − actual)``,
       positive when behind, in the target's units (percentage points for growth targets).

    Raises
    ------
    DataError
        No data for the evaluation, or a degenerate target (see :func:`completion_ratio`).

    References
    ----------
    docs/methods/progress.md; see the functions named above for each formula's source.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> p = evaluate_target(Target(100, "2023", "2023"), [("2023-06", 48.0)], "2023-06", t)
    >>> p.completion, p.time_progress, round(p.ratio, 2), p.status, p.gap
    (0.48, 0.5, 0.96, 'yellow', 2.0)
    """
    # judging lives in progress_judge, which builds on this module's types (hence imported here)
    from gaodi.analytics.progress_judge import judge

    series = latest_revisions(observations)
    sign = 1.0 if target.direction == "higher" else -1.0
    first = parse_period(target.start).first_month
    last = parse_period(target.end).last_month
    as_of_last = parse_period(as_of).last_month
    if as_of_last < first:
        # a window that has not begun owes nothing yet: not due, not "no data"
        raise words.error(
            "progress.not_started",
            DataError,
            context={"reason": "not_started"},
            month=format_month(as_of_last),
            start=format_month(first),
        )
    eval_last = min(as_of_last, last)
    eval_month = format_month(eval_last)
    mode: Any = {"cumulative": "window_sum", "growth": "year_latest"}.get(target.kind, "point")
    actual = actual_as_of(series, eval_month, mode, window_start=target.start)
    # A late running total is judged against the time of its data while the window is open;
    # once the window has ended before the as-of month the final total was owed, so the whole
    # window counts (a November total is not 11/12 of a year that closed long ago).
    ended = as_of_last > last
    tau_last = (
        parse_period(actual.period).last_month
        if target.kind == "cumulative" and not ended
        else eval_last
    )
    total = last - first + 1
    elapsed = min(total, max(0, tau_last - first + 1))

    baseline, inferred = target.baseline, False
    if target.kind in ("level", "count") and baseline is None:
        before = [m for m in series if m < first and m <= eval_last]
        # an inferred baseline that already meets the target is no baseline: judge directly
        if before and sign * (target.value - series[max(before)]) > 0:
            baseline, inferred = series[max(before)], True

    j = judge(
        kind=target.kind,
        direction=target.direction,
        value=target.value,
        baseline=baseline,
        actual=actual.value,
        elapsed=elapsed,
        total=total,
        thresholds=thresholds,
        path=target.path,
        milestone=target.milestone,
    )
    return TargetProgress(
        as_of=as_of,
        actual=actual.value,
        actual_period=actual.period,
        stale=actual.stale,
        time_progress=elapsed / total,
        basis=j.basis,
        baseline=baseline,
        baseline_inferred=inferred,
        completion=j.completion,
        expected_completion=j.expected_completion,
        expected_value=j.expected_value,
        gap=sign * (j.expected_value - actual.value),
        ratio=j.ratio,
        status=j.status,
        rules_version=thresholds.version,
        reason=j.reason,
        reason_params=final_missing(j.params, ended, actual.stale, actual.period, eval_month),
    )


def final_missing(
    params: dict[str, float | int | str | None],
    ended: bool,
    stale: bool,
    actual_period: str,
    end_month: str,
) -> dict[str, float | int | str | None]:
    """The judgement's numbers, plus the missing final period when the window has ended and
    the value judged is older than its last month (the reason then says so).

    Examples
    --------
    >>> final_missing({"ratio": 0.97}, True, True, "2022-11", "2022-12")
    {'ratio': 0.97, 'final_missing': '2022-12', 'data_period': '2022-11'}
    >>> final_missing({"ratio": 0.97}, False, True, "2022-11", "2022-12")
    {'ratio': 0.97}
    """
    if not (ended and stale):
        return params
    return {**params, "final_missing": end_month, "data_period": actual_period}


def planned_step(target: N, baseline: N, sign: float) -> N:
    """``target - baseline``, refused when it is zero or against the indicator's direction.

    Works on floats and on exact :class:`~fractions.Fraction` values alike (the board judges
    exactly, :mod:`gaodi.analytics.progress_judge`).

    Examples
    --------
    >>> planned_step(150.0, 100.0, 1)
    50.0
    """
    step = target - baseline
    if step == 0:
        raise words.error(
            "progress.target_equals_baseline",
            DataError,
            context={"reason": "target_equals_baseline"},
        )
    if sign * step < 0:
        raise words.error(
            "progress.target_wrong_side", DataError, context={"reason": "target_wrong_side"}
        )
    return step
