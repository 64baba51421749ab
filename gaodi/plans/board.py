"""The board (all targets of a plan as of a month) and the target detail page's data.

Loads rows (through ``restrict``), hands compact frames to the pure progress engine
(:func:`gaodi.analytics.progress_board.evaluate_board`, :mod:`gaodi.analytics.forecast`) and
returns typed results with their provenance. How a database target becomes an engine target
(kind, window) is stated in :func:`engine_target` and docs/plans.md.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, cast

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from gaodi.analytics import forecast as fc
from gaodi.analytics import progress as pg
from gaodi.analytics import progress_judge as pj
from gaodi.analytics.progress_board import evaluate_board
from gaodi.core import clock, words
from gaodi.core.errors import GaodiError, NotFoundError, ValidationError
from gaodi.core.periods import format_month, month_index, parse_period
from gaodi.core.permissions import Principal, restrict
from gaodi.plans.inference import natural_kind, progress_kind, rule_file
from gaodi.plans.models import (
    Action,
    Indicator,
    Observation,
    Plan,
    Submission,
    SubmissionEvent,
    Target,
)
from gaodi.plans.outputs import current_plan_id, obs_out, target_out
from gaodi.plans.paths import engine_flags, path_words
from gaodi.plans.reasons import explain
from gaodi.plans.schemas import (
    BOARD_STATUSES,
    Board,
    BoardAction,
    BoardFilter,
    BoardRow,
    FanPoint,
    Provenance,
    SeriesPoint,
    SetAsideValue,
    TargetDetail,
)
from gaodi.plans.submission import overdue_from

USED_STATUSES = ("submitted", "approved")  # returned values do not count
FORECAST = {"level": 0.9, "n_boot": 2000, "seed": 0, "method": "linear"}


@dataclass(frozen=True)
class EngineTarget:
    target: Target
    indicator: Indicator | None
    series_id: str | None
    kind: str
    start: str
    end: str


@lru_cache(maxsize=1)
def _thresholds() -> pg.StatusThresholds:
    """The packaged traffic-light rules (read once per process)."""
    return pg.load_status_thresholds()


@lru_cache(maxsize=8192)
def _last_month(period: str) -> int:
    return parse_period(period).last_month


def series_key(indicator_id: int, scope: str, scope_id: int) -> str:
    return f"{indicator_id}|{scope}|{scope_id}"


def engine_target(t: Target, ind: Indicator | None, plan: Plan) -> EngineTarget:
    """How a target is judged.

    - kind: ``growth`` and ``count`` indicators as such; a ``level`` indicator aggregated
      within the year is ``cumulative``, otherwise ``level``.
    - window: a cumulative or growth target covers its year alone, unless its quote or note
      says 累计 over several years (then plan start .. year, the years' totals summed); a level
      or count target runs from the year after its baseline year (else the plan's first year)
      to its year.
    """
    if ind is None:
        return EngineTarget(t, None, None, "invalid", str(t.year), str(t.year))
    kind = progress_kind(ind.aggregation, ind.kind)
    end = str(t.year)
    if kind == "growth":
        start = end
    elif kind == "cumulative":
        text = f"{t.quote or ''}{t.note or ''}"
        multi = "累计" in text and plan.period_start < t.year
        start = str(plan.period_start) if multi else end
    elif t.baseline_year is not None and t.baseline_year < t.year:
        start = str(t.baseline_year + 1)
    else:
        start = str(min(plan.period_start, t.year))
    return EngineTarget(t, ind, series_key(ind.id, t.scope, t.scope_id), kind, start, end)


def default_as_of(plan: Plan | None) -> str:
    """The last complete month (per the clock), not after the plan's end."""
    today = clock.today()
    last = month_index(today.year, today.month) - 1
    if plan is not None:
        last = min(last, month_index(plan.period_end, 12))
    return format_month(last)


#: The columns of an observation the board and its overdue flags read (plain columns, no ORM
#: objects), and their types in the frame they are read into.
OBS_SCHEMA: dict[str, Any] = {
    "indicator_id": pl.Int64,
    "scope": pl.String,
    "scope_id": pl.Int64,
    "period": pl.String,
    "value": pl.Float64,
    "kind": pl.String,
    "revision": pl.Int64,
    "status": pl.String,
    "submitted_at": pl.Datetime("us"),
    "id": pl.Int64,
}


@dataclass
class _Loaded:
    plan: Plan
    actions: dict[int, Action]
    targets: list[EngineTarget]
    #: the values the board judges (frame of OBS_SCHEMA): used statuses (or those usable at the
    #: end of ``known_on``), the indicator's natural kind
    observations: pl.DataFrame
    #: every revision of the same indicators the principal may see, any status or kind: the
    #: submission states behind the overdue flags are read from it, not read again
    everything: pl.DataFrame
    ind_ids: set[int]
    #: values left out of ``observations`` because they are not finite numbers
    set_aside: list[SetAsideValue] = field(default_factory=list)


def read_observations(session: Session, principal: Principal, ind_ids: set[int]) -> pl.DataFrame:
    """Every revision of the indicators' values the principal may see, in one query, as a frame
    (OBS_SCHEMA): the board filters it for its values and for its overdue flags."""
    columns = [getattr(Observation, name) for name in OBS_SCHEMA]
    query = restrict(select(*columns), principal).where(Observation.indicator_id.in_(ind_ids))
    rows = session.execute(query).all()
    return pl.DataFrame(rows, schema=OBS_SCHEMA, orient="row")


def _load(
    session: Session,
    principal: Principal,
    plan: Plan,
    target_ids: list[int] | None,
    known_on: date | None = None,
) -> _Loaded:
    query = restrict(select(Target), principal).where(Target.plan_id == plan.id)
    if target_ids is not None:
        query = query.where(Target.id.in_(target_ids))
    targets = session.scalars(query.order_by(Target.id)).all()
    actions = {
        a.id: a
        for a in session.scalars(
            restrict(select(Action), principal).where(Action.plan_id == plan.id)
        )
    }
    ind_ids = {t.indicator_id for t in targets if t.indicator_id}
    indicators = {
        i.id: i
        for i in session.scalars(
            restrict(select(Indicator), principal).where(Indicator.id.in_(ind_ids))
        )
    }
    engine = [
        engine_target(t, indicators.get(t.indicator_id) if t.indicator_id else None, plan)
        for t in targets
    ]
    everything = read_observations(session, principal, ind_ids)
    natural = pl.DataFrame(
        {
            "indicator_id": list(indicators),
            "natural": [natural_kind(i.aggregation, i.kind) for i in indicators.values()],
        },
        schema={"indicator_id": pl.Int64, "natural": pl.String},
    )
    obs = everything.join(natural, on="indicator_id", how="left", maintain_order="left")
    obs = obs.filter(pl.col("kind") == pl.col("natural")).drop("natural")
    if known_on is None:
        obs = obs.filter(pl.col("status").is_in(USED_STATUSES))
    else:
        obs = obs.filter(pl.col("submitted_at") <= clock.end_of_day(known_on))
        obs = _known_on(session, principal, ind_ids, obs, known_on)
    obs, set_aside = _set_aside(obs, indicators)
    return _Loaded(plan, actions, engine, obs, everything, ind_ids, set_aside)


def _set_aside(
    obs: pl.DataFrame, indicators: dict[int, Indicator]
) -> tuple[pl.DataFrame, list[SetAsideValue]]:
    """``obs`` without the values that are not finite numbers, and those values named.

    One such row (written before intake refused them) made the board, and the overview built
    on it, refuse to show anything; the board now shows the rest and says which value to fix.
    A value already corrected by a later revision is left out without a word.
    """
    bad = obs["value"].is_null() | ~obs["value"].is_finite().fill_null(False)
    if not bad.any():
        return obs, []
    key = ("indicator_id", "scope", "scope_id", "period", "kind")
    latest = pl.col("revision") == pl.col("revision").max().over(key)
    named = []
    for oid, ind, scope, scope_id, period, revision, value in (
        obs.with_columns(bad=bad)
        .filter(pl.col("bad") & latest)
        .select("id", "indicator_id", "scope", "scope_id", "period", "revision", "value")
        .iter_rows()
    ):
        name = indicators[ind].name if ind in indicators else str(ind)
        shown = "空值" if value is None else str(value)
        shown_en = "empty" if value is None else str(value)
        named.append(
            SetAsideValue(
                observation_id=oid,
                indicator_id=ind,
                indicator_name=name,
                scope=scope,
                scope_id=scope_id,
                period=period,
                revision=revision,
                reason_zh=f"「{name}」{period} 的报送值（第 {revision} 版，编号 {oid}）为 {shown}，"
                "不是有限的数值，看板未计入；请在报送页更正该值。",
                reason_en=f"The value of {name} for {period} (revision {revision}, id {oid}) is "
                f"{shown_en}, not a finite number; the board leaves it out. Correct it on the "
                "submissions page.",
            )
        )
    return obs.filter(~bad), sorted(named, key=lambda v: (v.indicator_id, v.period, v.revision))


def _known_on(
    session: Session, principal: Principal, ind_ids: set[int], obs: pl.DataFrame, day: date
) -> pl.DataFrame:
    """The values the board could use at the end of ``day``: sent by then, with the status each
    had then (rebuilt from the submissions' history: a value returned later still counted, one
    approved later was only submitted). Values that arrived without a workflow (bulk import,
    the demo builder) keep the status they came with."""
    subs = {
        s.id: (s.indicator_id, s.scope, s.scope_id, s.period)
        for s in session.scalars(
            restrict(select(Submission), principal).where(Submission.indicator_id.in_(ind_ids))
        )
    }
    events: dict[tuple[int, str, int, str], list[SubmissionEvent]] = defaultdict(list)
    ids = list(subs)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for e in session.scalars(
            select(SubmissionEvent)
            .where(SubmissionEvent.submission_id.in_(chunk))
            .order_by(SubmissionEvent.at, SubmissionEvent.id)
        ):
            events[subs[e.submission_id]].append(e)
    end = clock.end_of_day(day)
    statuses: list[str] = []
    keys = obs.select("indicator_id", "scope", "scope_id", "period", "revision", "status")
    for ind, scope, scope_id, period, revision, came_with in keys.iter_rows():
        mine = [e for e in events.get((ind, scope, scope_id, period), []) if e.revision == revision]
        then = [e for e in mine if e.at <= end]
        if then:
            statuses.append(then[-1].to_status)  # its last transition by then
        elif mine:
            statuses.append("submitted")  # sent by then, reviewed only later
        else:
            statuses.append(came_with)  # never through the workflow: as it came
    obs = obs.with_columns(pl.Series("status", statuses, dtype=pl.String))
    return obs.filter(pl.col("status").is_in(USED_STATUSES))


def _overdue(
    session: Session, principal: Principal, loaded: _Loaded, day: date | None
) -> dict[str, list[str]]:
    """The overdue flags of the loaded series, judged on ``day``
    (default: today) from the observations already read: each period's latest revision (by
    revision, then id) among those reported by the end of ``day``."""
    obs = loaded.everything
    if day is not None:
        obs = obs.filter(pl.col("submitted_at") <= clock.end_of_day(day))
    latest = obs.group_by("indicator_id", "scope", "scope_id", "period").agg(
        pl.col("status").sort_by("revision", "id").last()
    )
    reported = {(i, s, sid, p): st for i, s, sid, p, st in latest.iter_rows()}
    return overdue_from(session, principal, loaded.ind_ids, reported, as_of=day)


def _series_ids() -> pl.Expr:
    """``series_key`` as a column expression."""
    return pl.concat_str(
        [pl.col("indicator_id"), pl.col("scope"), pl.col("scope_id")], separator="|"
    ).alias("series_id")


def _up_to(obs: pl.DataFrame, month: int) -> pl.DataFrame:
    """The observations of periods ending by ``month``."""
    periods = [p for p in obs["period"].unique().to_list() if _last_month(p) <= month]
    return obs.filter(pl.col("period").is_in(periods))


def _frames(loaded: _Loaded) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = [e for e in loaded.targets if e.series_id is not None]
    targets = pl.DataFrame(
        {
            "target_id": [e.target.id for e in rows],
            "series_id": [e.series_id for e in rows],
            "kind": [e.kind for e in rows],
            "direction": [e.indicator.direction if e.indicator else "higher" for e in rows],
            "value": [float(e.target.value) for e in rows],
            "baseline": [e.target.baseline for e in rows],
            "start": [e.start for e in rows],
            "end": [e.end for e in rows],
            "path": [engine_flags(e.target.path)[0] for e in rows],
            "milestone": [engine_flags(e.target.path)[1] for e in rows],
        },
        schema={
            "target_id": pl.Int64,
            "series_id": pl.String,
            "kind": pl.String,
            "direction": pl.String,
            "value": pl.Float64,
            "baseline": pl.Float64,
            "start": pl.String,
            "end": pl.String,
            "path": pl.String,
            "milestone": pl.Boolean,
        },
    )
    obs = loaded.observations.select(_series_ids(), "period", "value", "revision")
    return targets, obs


def _latest(observations: pl.DataFrame, as_of_month: int) -> dict[str, dict[str, float]]:
    """series -> period -> value (latest revision, up to the as-of month)."""
    best: dict[tuple[str, str], tuple[int, float]] = {}
    rows = _up_to(observations, as_of_month).select(_series_ids(), "period", "revision", "value")
    for series, period, revision, value in rows.iter_rows():
        key = (series, period)
        if key not in best or revision > best[key][0]:
            best[key] = (revision, float(value))
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (series, period), (_, value) in best.items():
        out[series][period] = value
    return out


def forecast_for(e: EngineTarget, series: dict[str, float], as_of: str) -> fc.Forecast | None:
    """The forecast at the target's deadline, or None (growth targets, nothing left to
    forecast, or data the models refuse)."""
    if e.indicator is None or e.kind == "growth" or not series:
        return None
    end_month = parse_period(e.end).last_month
    if parse_period(as_of).last_month >= end_month:
        return None
    params: dict[str, Any] = {
        "target": e.target.value,
        "direction": e.indicator.direction,
        "level": FORECAST["level"],
        "n_boot": FORECAST["n_boot"],
        "seed": FORECAST["seed"],
    }
    try:
        if e.kind == "cumulative":
            monthly = {p: v for p, v in series.items() if parse_period(p).freq == "M"}
            return fc.forecast_total(monthly, e.start, e.end, **params)
        return fc.forecast_series(series, e.end, **params)
    except GaodiError:
        return None


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _rows(
    loaded: _Loaded, as_of: str, forecasts: bool, overdue: dict[str, list[str]]
) -> list[BoardRow]:
    thresholds = _thresholds()
    targets, obs = _frames(loaded)
    result = evaluate_board(targets, obs, as_of, thresholds) if len(targets) else None
    by_id: dict[int, dict[str, Any]] = {}
    if result is not None:
        by_id = {r["target_id"]: r for r in result.iter_rows(named=True)}
    latest = _latest(loaded.observations, parse_period(as_of).last_month) if forecasts else {}
    # Each forecast multiplies matrices of a few dozen rows by 2,000 bootstrap columns: a
    # multi-threaded BLAS spends more on its threads than on the work (≈ 7× slower on a busy
    # 2-core server), so the board's forecasts run with one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas") if forecasts else nullcontext():
        return [_row(loaded, e, by_id, as_of, forecasts, overdue, latest, thresholds)
                for e in loaded.targets]  # fmt: skip


def _row(
    loaded: _Loaded,
    e: EngineTarget,
    by_id: dict[int, dict[str, Any]],
    as_of: str,
    forecasts: bool,
    overdue: dict[str, list[str]],
    latest: dict[str, dict[str, float]],
    thresholds: pg.StatusThresholds,
) -> BoardRow:
    t, ind = e.target, e.indicator
    r = by_id.get(t.id, {})
    status = r.get("status") or "invalid"
    reason = r.get("reason") if r else "no_indicator"
    params = json.loads(r["reason_params"]) if r.get("reason_params") else {}
    row = BoardRow(
        target_id=t.id,
        action_number=loaded.actions[t.action_id].number if t.action_id in loaded.actions else None,
        indicator_id=ind.id if ind else None,
        indicator_code=ind.code if ind else None,
        indicator_name=t.indicator_name,
        owner=ind.owner if ind else None,
        unit=t.unit,
        year=t.year,
        window=e.start if e.start == e.end else f"{e.start}–{e.end}",
        comparator=t.comparator,
        target=t.value,
        baseline=_finite(r.get("baseline")) if r else t.baseline,
        actual=_finite(r.get("actual")),
        actual_period=r.get("actual_period") if r.get("actual") is not None else None,
        stale=r.get("stale"),
        completion=_finite(r.get("completion")),
        time_progress=_finite(r.get("time_progress")),
        expected_completion=_finite(r.get("expected_completion")),
        expected_value=_finite(r.get("expected_value")),
        gap=_finite(r.get("gap")),
        ratio=_finite(r.get("ratio")),
        status=status,
        reason=reason,
        reason_params=params,
        basis=r.get("basis"),
        overdue_periods=overdue.get(e.series_id or "", []),
        path=t.path,
    )
    judged = ("green", "yellow", "red", "not_due", "at_risk")
    # a window not yet begun is not due and has nothing to forecast from the as-of month
    if forecasts and status in judged and reason != "not_started" and e.series_id:
        f = forecast_for(e, latest.get(e.series_id, {}), as_of)
        if f is not None:
            row.forecast, row.forecast_lower, row.forecast_upper = f.point, f.lower, f.upper
            row.probability, row.forecast_method = f.probability, f.method
            _forecast_note(row, f)
            if status == "not_due" and ind is not None:
                _outlook(row, f, ind.direction, thresholds)
    row.reason_zh, row.reason_en = explain(
        row.status, row.reason, row.reason_params, as_of=as_of, figures=row.figure_values()
    )
    how_zh, how_en = path_words(t.path, row.basis, e.kind, t.quote)
    if how_zh:
        row.reason_zh = f"{row.reason_zh}；{how_zh}"
        row.reason_en = f"{row.reason_en}; {how_en}"
    return row


#: The forecast notes that mean no interval could be estimated (the model's lower and upper are
#: then the point itself: shown as an interval they would claim certainty from two values).
NO_INTERVAL_NOTES = ("forecast.note_one_observation", "forecast.note_exact_fit")
FORECAST_NOTES = (*NO_INTERVAL_NOTES, "forecast.note_month_effects_dropped")


def _forecast_note(row: BoardRow, f: fc.Forecast) -> None:
    """Word the forecast's note in both languages (the model writes it in English, from the
    same word templates) and drop an interval that was never estimated."""
    found = [code for code in FORECAST_NOTES if words.say(code, "en") in f.note]
    row.forecast_note_zh = "".join(words.say(code, "zh") for code in found)
    row.forecast_note_en = " ".join(words.say(code, "en") for code in found)
    if any(code in NO_INTERVAL_NOTES for code in found):
        row.forecast_lower = row.forecast_upper = None


def _outlook(
    row: BoardRow, f: fc.Forecast, direction: str, thresholds: pg.StatusThresholds
) -> None:
    """A milestone not yet due becomes at risk when its forecast says it will be missed."""
    pending = pj.Judgement(
        "milestone",
        row.completion,
        row.expected_completion or 0.0,
        row.expected_value or 0.0,
        None,
        "not_due",
        row.reason or "milestone_not_due",
        dict(row.reason_params),
    )
    j = pj.milestone_outlook(pending, f.point, f.probability, row.target, direction, thresholds)  # type: ignore[arg-type]
    row.status, row.reason, row.reason_params = j.status, j.reason, dict(j.params)


def check_known_on(known_on: date | None) -> None:
    if known_on is not None and known_on > clock.today():
        raise ValidationError(
            f"“数据已知日”{known_on.isoformat()} 晚于今天（{clock.today().isoformat()}）："
            "未来尚不知道任何数据。",
            f"The known-on day {known_on.isoformat()} is after today "
            f"({clock.today().isoformat()}): nothing is known about the future yet.",
            field="known_on",
        )


def check_as_of(as_of: str) -> None:
    """Refuse a board month after the city's current month, as ``known_on`` after today and the
    monthly report's period are refused: nothing is known about it yet, and the page and its
    export would say that month while judging on the data of today. A month after the plan's
    end but not after today is kept: every window has ended then and is judged in full, with
    its final value (or its missing one), as the plan's last month is not (docs/plans.md)."""
    today = clock.today()
    if parse_period(as_of).last_month > month_index(today.year, today.month):
        raise ValidationError(
            f"截至月份 {as_of} 晚于今天（{today.year}年{today.month}月{today.day}日）所在的月份："
            "还没有这个月的数据。",
            f"The month {as_of} is after the current month (today is {today.isoformat()}): "
            "nothing is known about it yet.",
            field="as_of",
        )


def _local_stamp(stamp: datetime | None) -> str | None:
    """A stored submission time (naive UTC) in the city's zone, ISO with its offset."""
    if stamp is None:
        return None
    return stamp.replace(tzinfo=UTC).astimezone(clock.timezone()).isoformat(timespec="minutes")


def _provenance(
    loaded: _Loaded, as_of: str, used: pl.DataFrame, known_on: date | None = None
) -> Provenance:
    stamp = cast(datetime | None, used["submitted_at"].max())
    return Provenance(
        known_on=(known_on or clock.today()).isoformat(),
        data_as_of=stamp.isoformat(timespec="minutes") if stamp is not None else None,  # type: ignore[union-attr,call-arg]
        data_as_of_local=_local_stamp(stamp),
        as_of=as_of,
        rules_version=_thresholds().version,
        plausibility_version=str(rule_file("plausibility.yaml")["version"]),
        parameters={
            "forecast_level": FORECAST["level"],
            "forecast_n_boot": FORECAST["n_boot"],
            "forecast_seed": FORECAST["seed"],
            "forecast_method": FORECAST["method"],
            "statuses_used": "/".join(USED_STATUSES),
        },
        n_observations=used.height,
        n_unapproved=used.filter(pl.col("status") != "approved").height,
        set_aside=loaded.set_aside,
    )


def _plan_for(session: Session, principal: Principal, plan_id: int | None) -> Plan | None:
    plan_id = plan_id if plan_id is not None else current_plan_id(session, principal)
    if plan_id is None:
        return None
    plan = session.scalars(
        restrict(select(Plan).where(Plan.id == plan_id), principal)
    ).one_or_none()
    if plan is None:
        raise NotFoundError(f"没有编号为 {plan_id} 的计划。", f"No plan with id {plan_id}.")
    return plan


def default_month(session: Session, principal: Principal, plan_id: int | None = None) -> str:
    """The month a board shows when none is asked for (:func:`default_as_of` of the plan)."""
    return default_as_of(_plan_for(session, principal, plan_id))


def board(
    session: Session,
    principal: Principal,
    as_of: str | None = None,
    filters: BoardFilter | None = None,
    *,
    plan_id: int | None = None,
    forecasts: bool = True,
    overdue_as_of: date | None = None,
    known_on: date | None = None,
) -> Board:
    """Every target of a plan (default: the latest adopted one) as of a month (default: the last
    complete month, not after the plan's end), grouped by action, filtered.

    Overdue flags are judged on ``overdue_as_of``; by default on the city's today for the
    current reporting month (today's to-do list) and, for an earlier month, on that month's
    last day, rebuilt from the submissions' history (a value sent later was still owed then).

    Values are every revision known today unless ``known_on`` asks for what was known at the
    end of that day (:func:`_known_on`): the board a report signed that day showed.
    """
    check_known_on(known_on)
    filters = filters or BoardFilter()
    plan = _plan_for(session, principal, plan_id)
    if as_of is not None:
        as_of = format_month(parse_period(as_of).last_month)
        check_as_of(as_of)
    if plan is None:
        as_of = as_of or default_as_of(None)
        empty = Provenance(
            data_as_of=None,
            as_of=as_of,
            rules_version=_thresholds().version,
            plausibility_version=str(rule_file("plausibility.yaml")["version"]),
            parameters={},
            n_observations=0,
            known_on=(known_on or clock.today()).isoformat(),
        )
        return Board(
            plan_id=None,
            plan_title=None,
            plan_status=None,
            as_of=as_of,
            filters=filters,
            actions=[],
            counts={},
            owners=[],
            overdue_total=0,
            provenance=empty,
        )
    as_of = as_of or default_as_of(plan)
    loaded = _load(session, principal, plan, None, known_on)
    current = parse_period(default_as_of(plan)).last_month
    if overdue_as_of is None and known_on is not None:
        overdue_as_of = known_on
    if overdue_as_of is None and parse_period(as_of).last_month < current:
        overdue_as_of = parse_period(as_of).end_date
    overdue = (
        _overdue(session, principal, loaded, overdue_as_of) if plan.status == "adopted" else {}
    )
    rows = _rows(loaded, as_of, forecasts, overdue)
    owners = sorted({r.owner for r in rows if r.owner})
    counts: Counter[str] = Counter(r.status for r in rows)
    shown = [
        r
        for r in rows
        if (filters.status is None or r.status == filters.status)
        and (filters.owner is None or r.owner == filters.owner)
        and (filters.action is None or r.action_number == filters.action)
        and (not filters.overdue_only or r.overdue_periods)
    ]
    ordered = sorted(loaded.actions.values(), key=lambda a: (a.sort_order, a.id))
    groups: list[BoardAction] = []
    for action in ordered:
        in_action = [r for r in shown if r.action_number == action.number]
        if in_action:
            groups.append(BoardAction(number=action.number, title=action.title, rows=in_action))
    loose = [r for r in shown if r.action_number is None]
    if loose:
        groups.append(BoardAction(number=None, title="未归入行动 (no action)", rows=loose))
    month = parse_period(as_of).last_month
    used = _up_to(loaded.observations, month)
    return Board(
        plan_id=plan.id,
        plan_title=plan.title,
        plan_status=plan.status,
        as_of=as_of,
        filters=filters,
        actions=groups,
        counts={k: counts.get(k, 0) for k in BOARD_STATUSES},
        owners=owners,
        overdue_total=sum(len(r.overdue_periods) for r in rows),
        provenance=_provenance(loaded, as_of, used, known_on),
        known_on=known_on.isoformat() if known_on else None,
    )


def _expected_path(e: EngineTarget, month: int, baseline: float | None) -> float | None:
    """The board's expected value of a target at a month: the line its light is judged on
    (linear 序时进度, the compound growth path or a milestone's step)."""
    t = e.target
    first, last = parse_period(e.start).first_month, parse_period(e.end).last_month
    path, milestone = engine_flags(t.path)
    try:
        return pj.expected_at(
            kind=e.kind,  # type: ignore[arg-type]
            direction=e.indicator.direction if e.indicator else "higher",  # type: ignore[arg-type]
            value=t.value,
            baseline=baseline,
            elapsed=month - first + 1,
            total=last - first + 1,
            thresholds=_thresholds(),
            path=path,
            milestone=milestone,
        )
    except GaodiError:
        return None


def target_detail(
    session: Session,
    principal: Principal,
    target_id: int,
    as_of: str | None = None,
    known_on: date | None = None,
) -> TargetDetail:
    """One target: its board row, actual vs 序时进度 by month, the forecast fan, every revision
    of its series known by ``known_on`` (default: today) and the provenance."""
    check_known_on(known_on)
    target = session.scalars(
        restrict(select(Target).where(Target.id == target_id), principal)
    ).one_or_none()
    if target is None:
        raise NotFoundError(f"没有编号为 {target_id} 的目标。", f"No target with id {target_id}.")
    plan = session.get(Plan, target.plan_id)
    assert plan is not None
    as_of = format_month(parse_period(as_of).last_month) if as_of else default_as_of(plan)
    check_as_of(as_of)
    loaded = _load(session, principal, plan, [target_id], known_on)
    e = loaded.targets[0]
    overdue = _overdue(session, principal, loaded, known_on) if plan.status == "adopted" else {}
    row = _rows(loaded, as_of, True, overdue)[0]
    thresholds = _thresholds()
    mine = (
        loaded.observations.with_columns(_series_ids())
        .filter(pl.col("series_id") == e.series_id)
        .drop("series_id")
    )
    series: list[SeriesPoint] = []
    if e.indicator is not None:
        start = parse_period(e.start).first_month
        end = parse_period(e.end).last_month
        as_of_m = parse_period(as_of).last_month
        eng = pg.Target(
            value=target.value,
            start=e.start,
            end=e.end,
            kind=e.kind,  # type: ignore[arg-type]
            direction=e.indicator.direction,  # type: ignore[arg-type]
            baseline=target.baseline,
            path=engine_flags(target.path)[0],  # type: ignore[arg-type]
            milestone=engine_flags(target.path)[1],
        )
        triples = list(mine.select("period", "value", "revision").iter_rows())
        for m in range(start, end + 1):
            actual = None
            if m <= as_of_m and triples:
                try:
                    actual = pg.evaluate_target(eng, triples, format_month(m), thresholds).actual
                except GaodiError:
                    actual = None
            series.append(
                SeriesPoint(
                    period=format_month(m),
                    actual=actual,
                    expected=_expected_path(e, m, row.baseline),
                )
            )
    fan: list[FanPoint] = []
    if row.forecast is not None and row.actual is not None and row.actual_period:
        fan = [
            FanPoint(
                period=row.actual_period, point=row.actual, lower=row.actual, upper=row.actual
            ),
            FanPoint(
                period=format_month(parse_period(e.end).last_month),
                point=row.forecast,
                lower=row.forecast_lower,  # None: no interval to draw (the note says why)
                upper=row.forecast_upper,
            ),
        ]
    all_obs: Sequence[Observation] = []
    if e.indicator is not None:
        revisions = restrict(select(Observation), principal).where(
            Observation.indicator_id == e.indicator.id,
            Observation.scope == target.scope,
            Observation.scope_id == target.scope_id,
        )
        if known_on is not None:
            revisions = revisions.where(Observation.submitted_at <= clock.end_of_day(known_on))
        all_obs = session.scalars(
            revisions.order_by(
                Observation.period.desc(), Observation.kind, Observation.revision.desc()
            )
        ).all()
    code = e.indicator.code if e.indicator else ""
    action = loaded.actions.get(target.action_id) if target.action_id else None
    month = parse_period(as_of).last_month
    return TargetDetail(
        row=row,
        target=target_out(target, e.indicator, action),
        series=series,
        fan=fan,
        revisions=[obs_out(o, code) for o in all_obs],
        provenance=_provenance(loaded, as_of, _up_to(mine, month), known_on),
    )
