"""Major projects (重大项目): create, advance stages, report investment, delays, roll-ups.

Delay rules (``rules/project_delay.yaml``):

* **stage**: a stage whose planned date is more than ``grace_days`` before the as-of date and
  that has no actual date is late by ``as_of - planned`` days;
* **investment**: with ``m`` the last complete month before the as-of date, the investment
  expected by the end of month ``m`` of year ``Y`` is ``plan(Y) × m / 12`` (序时进度); the
  project is behind when ``completed(Y, months 1..m) < expected × min_ratio``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.audit import service as audit
from gaodi.chains import loaders as chain_loaders
from gaodi.core import asof, clock, text_safety
from gaodi.core.batching import fetch_in
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require, restrict
from gaodi.core.workflow import History
from gaodi.parks import loaders as park_loaders
from gaodi.projects import common, hooks, replans, states
from gaodi.projects.models import (
    Project,
    ProjectEvent,
    ProjectProgress,
    ProjectStage,
    ProjectYearPlan,
)
from gaodi.projects.rules import ProjectRules, project_rules
from gaodi.projects.schemas import (
    Delay,
    LinkStatusOut,
    ProgressRow,
    ProjectDetail,
    ProjectFilter,
    ProjectIn,
    ProjectRow,
    RollupRow,
    StageRow,
    check_month,
)

MACHINE = states.PROJECT
HISTORY = History(MACHINE, ProjectEvent, "project_id", audit.record)
STAGE_LABELS = MACHINE.labels.as_dict()


CHAIN_NOT_FOUND = ("找不到该产业链（或无权查看）。", "No such chain (or not yours to see).")
PARK_NOT_FOUND = ("找不到该园区（或无权查看）。", "No such park (or not yours to see).")


def check_scope(session: Session, principal: Principal, chain_id: int, park_id: int | None) -> None:
    """May ``principal`` register (or move) a project to this chain and park?

    Both must be rows it reads and may act on (a chain office: its chains; a park office: its
    parks); a missing one and one outside the scope answer the same 404. A park office's
    project needs a park (without one it would be outside its scope).
    """
    require(principal, "edit", "project")
    chain_loaders.chain_in_scope(session, principal, chain_id, "edit", not_found=CHAIN_NOT_FOUND)
    if park_id is not None or park_loaders.park_scoped(principal, "edit"):
        park_loaders.park_in_scope(session, principal, park_id, "edit", not_found=PARK_NOT_FOUND)


@dataclass(frozen=True)
class DateProblem:
    """Why a stage's planned or actual date is not acceptable."""

    stage: str
    kind: str  # "planned" or "actual"
    zh: str
    en: str


def date_problems(
    planned: dict[str, date | None], actual: dict[str, date | None], today: date | None = None
) -> list[DateProblem]:
    """What is wrong with a project's stage dates (empty when they are consistent).

    The rules every way of setting dates shares (the forms, the API, the CLI, Excel imports):
    an actual date is not later than ``today`` (default: the clock's); stages are reached in
    order 签约 → 开工 → 投产 → 达效, so a stage's actual date needs the earlier stages' and is
    not before them; planned dates do not go back either, starting from the signing date.
    """
    today = today or clock.today()
    out: list[DateProblem] = []
    reached: tuple[str, date] | None = None  # the latest earlier stage with an actual date
    missing: str | None = None  # the first stage without an actual date
    for stage in states.STAGES:
        zh, en = STAGE_LABELS[stage]
        day = actual.get(stage)
        if day is None:
            missing = missing or stage
            continue
        what = (
            ("签约日期", "The signing date")
            if stage == "signed"
            else (f"{zh}日期", f"The {en} date")
        )
        problem = common.future_problem(day, *what, today=today)
        if problem is not None:
            out.append(DateProblem(stage, "actual", *problem))
        elif missing is not None:
            mzh, men = STAGE_LABELS[missing]
            out.append(
                DateProblem(
                    stage,
                    "actual",
                    f"已填{zh}日期（{day}），但缺少{mzh}日期：阶段须依次为签约、开工、投产、达效。",
                    f"The {en} date ({day}) is given but the {men} date is missing: stages are "
                    "reached in order (signed, started, producing, at full output).",
                )
            )
        elif reached is not None and day < reached[1]:
            pzh, pen = STAGE_LABELS[reached[0]]
            out.append(
                DateProblem(
                    stage,
                    "actual",
                    f"{zh}日期（{day}）早于{pzh}日期（{reached[1]}）。",
                    f"The {en} date ({day}) is before the {pen} date ({reached[1]}).",
                )
            )
        reached = (stage, day)
    previous = planned.get("signed") or actual.get("signed")
    for stage in states.STAGES[1:]:
        day = planned.get(stage)
        if day is None:
            continue
        if previous is not None and day < previous:
            zh, en = STAGE_LABELS[stage]
            out.append(
                DateProblem(
                    stage,
                    "planned",
                    f"计划{zh}日期（{day}）早于前一阶段（{previous}）。",
                    f"The planned {en} date ({day}) is before the previous stage ({previous}).",
                )
            )
        previous = day
    return out


def reached_stage(actual: dict[str, date | None]) -> str:
    """The latest stage with an actual date (签约 when none has one)."""
    out = states.STAGES[0]
    for stage in states.STAGES:
        if actual.get(stage) is not None:
            out = stage
    return out


def create_project(
    session: Session, principal: Principal, data: ProjectIn, *, is_demo: bool = False
) -> Project:
    """Register a signed project with its planned stage dates and annual plans.

    ``is_demo`` marks a synthetic demo project (set by imports of demo files, not by forms).
    """
    from gaodi.projects import batch  # the one write path (it reads this module's rules)

    require(principal, "edit", "project")  # a refusal of the plans only for who may register
    for year in sorted(data.year_plans):  # the rule of set_year_plan, for the plans it brings
        problem = plan_year_problem(year, data.signed_on, data.planned_full_output_on)
        if problem is not None:
            raise ValidationError(*problem, field="year_plans")
    rows = [batch.ProjectWrite(data=data, is_demo=is_demo)]
    return batch.write_projects(
        session, principal, batch.prepare_projects(session, principal, rows)
    )[0]


def advance(
    session: Session,
    principal: Principal,
    project_id: int,
    stage: str,
    on: date,
    comment: str | None = None,
) -> Project:
    """Move a project to ``stage`` (the next one only) reached on ``on``."""
    from gaodi.projects import batch  # the one write path (it reads this module's rules)

    if stage not in states.ENTER_STAGE:
        common.load(session, Project, project_id, principal, "project")  # a missing one: 404
        raise ValidationError(
            f"无法推进到阶段“{stage}”；可选：开工 started、投产 producing、达效 full_output。",
            f"Cannot advance to stage '{stage}'; choose started, producing or full_output.",
        )
    rows = [batch.ProjectWrite(project_id=project_id, actual={stage: on}, comment=comment)]
    return batch.write_projects(
        session, principal, batch.prepare_projects(session, principal, rows)
    )[0]


def check_progress(period: str, amount: float) -> str:
    """The month (YYYY-MM) of a progress report; ValidationError for a quarter or year, a
    month that has not ended (a future one, or today's: its investment is known once it ends,
    as the views' and exports' 数据截至 is the last complete month, and as the plans refuse a
    period not yet ended) or an amount that is negative, not finite or above the cap."""
    month = check_month(period)
    today = clock.today()
    if month > today.strftime("%Y-%m"):
        raise ValidationError(
            f"不能填报未来月份（{month}）的完成投资。",
            f"Cannot report investment for a future month ({month}).",
        )
    if month == today.strftime("%Y-%m"):
        first = (today.replace(day=1) + timedelta(days=31)).replace(day=1)
        raise ValidationError(
            f"{month} 尚未结束（今天是 {today}），当月完成投资须在月末之后填报，{first} 起可填报。",
            f"The month {month} has not ended (today is {today}): its investment can be "
            f"reported from {first}.",
        )
    common.check_amount(amount, "完成投资", "Investment completed")
    return month


#: The longest reason or comment a step takes, characters (a correction's reason, a stage
#: step's comment, an imported sheet's 备注): the one limit of :mod:`gaodi.core.text_safety`,
#: for the form, the JSON API (:class:`gaodi.projects.actions.ActionIn`), the CLI and the Excel
#: import.
MAX_REASON = text_safety.MAX_REASON


def reason_problem(text: str | None) -> tuple[str, str] | None:
    """(zh, en) when a reason or note is longer than :data:`MAX_REASON` characters."""
    return text_safety.too_long(text, MAX_REASON)


def unchanged(what_zh: str, what_en: str, amount: float) -> ConflictError:
    """A figure sent again as it is on record (a replay, a form sent twice): nothing was
    written, neither the amount nor the note nor a history step. The context flag
    ``unchanged`` tells a page to show it as information, not as an error."""
    return ConflictError(
        f"{what_zh}与已填报数值相同（{_fmt(amount)} 万元），未作更改。",
        f"{what_en}: same as the figure on record ({_fmt(amount)}, 10k yuan); nothing changed.",
        unchanged=True,
    )


#: How many years after the year of its planned full output (达效) a project may still plan
#: investment (final payments and acceptance run on a little); without a planned full-output
#: date, how many years after signing. A plan year beyond is a typing error (2030 for 2023).
PLAN_YEARS_AFTER_END = 2
PLAN_YEARS_WITHOUT_END = 10


def _fmt(value: float | None, places: int = 2) -> str:
    """An amount (万元) as a history line shows it: grouped, at most ``places`` decimals."""
    if value is None:
        return "—"
    return f"{value:,.{places}f}".rstrip("0").rstrip(".")


def _fmt_change(before: float | None, after: float | None) -> tuple[str, str]:
    """Two amounts of a correction, each with as many decimals as it takes to tell them apart:
    at two decimals 3,400.00001 read as 3,400 and the history said "3,400 → 3,400", a change
    that looked like none (the board's figures likewise keep their significant digits).

    >>> _fmt_change(3400, 3400.00001), _fmt_change(4699.1, 1), _fmt_change(None, 5)
    (('3,400', '3,400.00001'), ('4,699.1', '1'), ('—', '5'))
    """
    if before is None or after is None or before == after:
        return _fmt(before), _fmt(after)
    for places in range(2, 16):
        old, new = _fmt(before, places), _fmt(after, places)
        if old != new:
            return old, new
    return repr(before), repr(after)  # beyond a float's digits: Python's shortest round trip


def progress_month_problem(month: str, signed: date | None) -> tuple[str, str] | None:
    """(zh, en) when investment is reported for a month before the project's signing month."""
    if signed is not None and month < signed.strftime("%Y-%m"):
        return (
            f"不能填报签约月份（{signed:%Y-%m}）之前的完成投资（{month}）：项目于 {signed} 签约。",
            f"Cannot report investment for {month}, before the project was signed ({signed}).",
        )
    return None


def plan_year_problem(
    year: int, signed: date | None, planned_end: date | None
) -> tuple[str, str] | None:
    """(zh, en) when an annual plan names a year before signing or far after the planned end
    (:data:`PLAN_YEARS_AFTER_END`, :data:`PLAN_YEARS_WITHOUT_END`)."""
    if signed is not None and year < signed.year:
        return (
            f"年度计划年份（{year}）不能早于签约年份（{signed.year}）：项目于 {signed} 签约。",
            f"The plan year ({year}) cannot be before the signing year ({signed.year}): the "
            f"project was signed on {signed}.",
        )
    if planned_end is not None and year > planned_end.year + PLAN_YEARS_AFTER_END:
        last = planned_end.year + PLAN_YEARS_AFTER_END
        return (
            f"年度计划年份（{year}）远晚于计划达效日期（{planned_end}），最晚可填 {last} 年。",
            f"The plan year ({year}) is far after the planned full-output date "
            f"({planned_end}); the last year accepted is {last}.",
        )
    if planned_end is None and signed is not None:
        last = signed.year + PLAN_YEARS_WITHOUT_END
        if year > last:
            return (
                f"年度计划年份（{year}）远晚于签约年份（{signed.year}），最晚可填 {last} 年。",
                f"The plan year ({year}) is far after the signing year ({signed.year}); the "
                f"last year accepted is {last}.",
            )
    return None


def _share_below(share: Fraction, line: Fraction) -> str:
    """``share`` (below ``line``) as a percentage with as many decimals as it takes to read
    below the line: 89.96 % of the pro-rata plan under a 90 % line is "89.96%", never "90%".

    >>> from fractions import Fraction as F
    >>> _share_below(F(8996, 10000), F(9, 10)), _share_below(F(1, 2), F(9, 10))
    ('89.96%', '50%')
    """
    for places in range(0, 7):
        shown = round(share * 100, places)
        if shown < line * 100:
            return f"{float(shown):.{places}f}%"
    return f"{float(share * 100):.6f}%"


def stage_dates(
    session: Session, project_ids: Iterable[int]
) -> dict[int, tuple[date | None, date | None]]:
    """Project id -> (signing date, planned full-output date), one query per chunk of ids (an
    import checks every row's month against its project's life)."""
    query = select(
        ProjectStage.project_id, ProjectStage.stage, ProjectStage.planned_on, ProjectStage.actual_on
    ).where(ProjectStage.stage.in_(("signed", "full_output")))
    found: dict[int, dict[str, Any]] = {}
    ids = set(project_ids)
    for row in fetch_in(session, query, ProjectStage.project_id, ids):
        found.setdefault(row.project_id, {})[row.stage] = row
    out: dict[int, tuple[date | None, date | None]] = {}
    for pid in ids:
        signed, end = found.get(pid, {}).get("signed"), found.get(pid, {}).get("full_output")
        out[pid] = (
            (signed.actual_on or signed.planned_on) if signed is not None else None,
            end.planned_on if end is not None else None,
        )
    return out


def reason_needed(what_zh: str, what_en: str, before: float, after: float) -> ValidationError:
    """A correction without its reason; shown beside the field that takes it (the form's
    comment, an imported sheet's 备注 cell), so the words name no field."""
    old, new = _fmt_change(before, after)
    return ValidationError(
        f"更正已填报的{what_zh}（{old} → {new} 万元）须写明更正原因。",
        f"Correcting the {what_en} already reported ({old} → {new}, 10k yuan) "
        "needs the reason for the correction.",
        field="comment",
    )


def report_progress(
    session: Session,
    principal: Principal,
    project_id: int,
    period: str,
    amount: float,
    note: str | None = None,
) -> ProjectProgress:
    """Record (or correct) the investment completed in one month, 万元.

    The month is not before the signing month; a correction of a month already reported (a
    different amount) needs a reason (``note``). The step is in the project's history with the
    month and the amount it replaced. The amount on record sent again is refused (ConflictError,
    nothing written): it changes nothing, and its note is no reason for anything.
    """
    from gaodi.projects import batch  # the one write path (it reads this module's rules)

    rows = [batch.ProgressWrite(project_id, period, amount, note)]
    # scope, right, month (within the project's life), amount and a correction's reason: the
    # same checks an import's rows get
    prepared = batch.prepare_progress(session, principal, rows)
    if not prepared.refusals and prepared.same:
        month = prepared.months[0]
        raise unchanged(f"{month}完成投资", f"The investment of {month}", amount)
    return batch.write_progress(session, principal, prepared)[0]


def set_year_plan(
    session: Session,
    principal: Principal,
    project_id: int,
    year: int,
    amount: float,
    comment: str | None = None,
) -> ProjectYearPlan:
    """Set (or replace) a project's planned investment for one year, 万元.

    The year lies between the signing year and a little after the planned full output
    (:func:`plan_year_problem`); replacing a stored plan with another amount needs a reason
    (``comment``). The step is in the project's history with the year and the old amount. The
    amount on record sent again is refused (ConflictError, nothing written).
    """
    from gaodi.projects import batch  # the one write path

    rows = [batch.YearPlanWrite(project_id, year, amount, comment)]
    # scope, right, amount, the year within the project's life and a correction's reason: the
    # checks an imported sheet's rows get; the step goes into the project's history there too
    prepared = batch.prepare_year_plans(session, principal, rows)
    if prepared.refusals:
        error = prepared.refusals[0].error
        if error.context.get("field") == "note":
            error.context["field"] = "comment"  # the form's reason field
        raise error
    if prepared.same:
        raise unchanged(f"{year}年度计划投资", f"The annual plan of {year}", amount)
    out = batch.write_year_plans(session, principal, prepared)[0]
    session.flush()
    return out


# ---------------------------------------------------------------------------- delays


@dataclass(frozen=True)
class ProjectFacts:
    """What the delay rules need about one project (loaded once, checked without SQL)."""

    stage: str
    planned: dict[str, date | None]
    actual: dict[str, date | None]
    year_plans: dict[int, float]
    monthly: dict[str, float]  # YYYY-MM -> 万元
    #: the amounts a corrected month or plan year had, oldest first, each with the moment it
    #: was stored (:func:`_revisions`); months and years never corrected are not here
    monthly_revisions: dict[str, list[Revision]] = field(default_factory=dict)
    plan_revisions: dict[int, list[Revision]] = field(default_factory=dict)
    #: the planned dates a re-planned stage had, oldest first (:mod:`gaodi.projects.replans`)
    planned_revisions: dict[str, list[replans.Replan]] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """One stored amount of a month's investment or a year's plan (None ``at``: stored before
    the audit log recorded it, known from the start), with the note a month had with it (the
    reason given for a correction; None for a plan year, whose reasons are in the history)."""

    at: datetime | None
    amount: float
    note: str | None = None


def revision_on(revisions: list[Revision], day: date) -> Revision | None:
    """The revision known at the end of ``day`` (None: the stored row is): the last one stored by
    then; a month or plan first stored after ``day`` (a late report, a bulk load) counts with
    its first one, so that a correction made later never changes what a past day's view shows."""
    if not revisions or day >= clock.today():
        return None
    known = [r for r in revisions if r.at is None or asof.at_or_before(r.at, day)]
    return known[-1] if known else revisions[0]


def known_on(revisions: list[Revision], stored: float, day: date) -> float:
    """The amount known at the end of ``day`` (:func:`revision_on`)."""
    found = revision_on(revisions, day)
    return stored if found is None else found.amount


def note_known_on(revisions: list[Revision], stored: str | None, day: date) -> str | None:
    """The note a month had at the end of ``day``: the one that went with the amount then
    (:func:`revision_on`), not the reason of a correction made later."""
    found = revision_on(revisions, day)
    return stored if found is None else found.note


def facts_at(facts: ProjectFacts, day: date, created: date | None = None) -> ProjectFacts | None:
    """The project as it stood on ``day``, or None when it was not signed yet.

    A project's history is the dates its stages were reached (an office records a stage after
    the fact, with the day it happened): the stage on ``day`` is the last one reached on or
    before it (:func:`gaodi.core.asof.state_at`), a stage reached later was not reached yet,
    and investment counts the months up to ``day``'s. ``created`` is the day it was registered,
    for a project without a signing date.
    """
    signed = facts.actual.get("signed") or created
    if signed is not None and signed > day:
        return None
    steps = [asof.Step(on, stage) for stage, on in facts.actual.items() if on is not None]
    stage = asof.state_at(steps, day, initial=states.STAGES[0]) or states.STAGES[0]
    last = day.strftime("%Y-%m")
    return replace(
        facts,
        stage=stage,
        planned={
            s: replans.planned_on(facts.planned_revisions.get(s, []), on, day)
            for s, on in facts.planned.items()
        },
        actual={
            s: (on if on is not None and on <= day else None) for s, on in facts.actual.items()
        },
        monthly={
            p: known_on(facts.monthly_revisions.get(p, []), v, day)
            for p, v in facts.monthly.items()
            if p <= last
        },
        year_plans={
            y: known_on(facts.plan_revisions.get(y, []), v, day)
            for y, v in facts.year_plans.items()
        },
    )


def exact(value: float) -> Fraction:
    """The decimal a float amount or ratio was written as (``0.9`` is 9/10, not the binary
    fraction nearest to it), for threshold comparisons without rounding error."""
    return Fraction(repr(float(value)))


def delays(facts: ProjectFacts, as_of: date, rules: ProjectRules | None = None) -> list[Delay]:
    """The reasons ``facts`` is behind plan on ``as_of`` (empty when on schedule)."""
    rules = rules or project_rules()
    out: list[Delay] = []
    for stage in states.STAGES:
        planned = facts.planned.get(stage)
        if planned is None or facts.actual.get(stage) is not None:
            continue
        late = (as_of - planned).days
        if late > rules.grace_days:
            zh, en = STAGE_LABELS[stage]
            out.append(
                Delay(
                    kind="stage",
                    stage=stage,
                    days_late=late,
                    reason_zh=f"计划{zh}日期 {planned} 已过 {late} 天，尚未{zh}。",
                    reason_en=f"Planned {en} date {planned} passed {late} days ago; not yet {en}.",
                )
            )
    year, months = as_of.year, as_of.month - 1
    plan = facts.year_plans.get(year)
    if plan and months > 0:
        # exact decimals: in floats 100 × 1/12 × 0.9 is 7.500000000000001, and 7.5 completed,
        # exactly 90 %, was flagged as behind
        expected_x = exact(plan) * months / 12
        done_x = sum(
            (
                exact(v)
                for p, v in facts.monthly.items()
                if p.startswith(f"{year}-") and int(p[5:]) <= months
            ),
            Fraction(0),
        )
        if done_x < expected_x * exact(rules.min_ratio):
            expected, done = float(expected_x), float(done_x)
            shown = _share_below(done_x / expected_x, exact(rules.min_ratio))
            out.append(
                Delay(
                    kind="investment",
                    expected=round(expected, 2),
                    completed=round(done, 2),
                    reason_zh=f"{year}年计划投资 {plan:g} 万元，按序时进度（{months}/12）"
                    f"至{months}月底应完成 {expected:.1f} 万元，"
                    f"实际完成 {done:.1f} 万元（{shown}），"
                    "投资进度落后。",
                    reason_en=f"Annual plan {year}: {plan:g} (10k yuan); pro rata ({months}/12) "
                    f"{expected:.1f} was due by the end of month {months}, {done:.1f} completed "
                    f"({shown}): investment behind plan.",
                )
            )
    return out


# ---------------------------------------------------------------------------- reading


def _visible(session: Session, principal: Principal, flt: ProjectFilter | None) -> list[Project]:
    query = restrict(select(Project), principal, "read").order_by(Project.id)
    if flt is not None:
        if flt.chain_id is not None:
            query = query.where(Project.chain_id == flt.chain_id)
        if flt.park_id is not None:
            query = query.where(Project.park_id == flt.park_id)
        if flt.stage:
            MACHINE.state(flt.stage)  # filtered on the stage as of the day (list_projects)
        if flt.q:
            query = query.where(Project.name.icontains(flt.q.strip(), autoescape=True))
    return list(session.scalars(query))


def _facts(session: Session, projects: list[Project]) -> dict[int, ProjectFacts]:
    ids = [p.id for p in projects]
    planned: dict[int, dict[str, date | None]] = defaultdict(dict)
    actual: dict[int, dict[str, date | None]] = defaultdict(dict)
    plans: dict[int, dict[int, float]] = defaultdict(dict)
    monthly: dict[int, dict[str, float]] = defaultdict(dict)
    plan_rows: dict[int, tuple[int, int]] = {}  # row id -> (project, year)
    month_rows: dict[int, tuple[int, str]] = {}  # row id -> (project, month)
    month_notes: dict[int, str | None] = {}  # row id -> its note as stored
    stage_rows: dict[int, tuple[int, str, date | None]] = {}  # row id -> (project, stage, plan)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for s in session.scalars(select(ProjectStage).where(ProjectStage.project_id.in_(chunk))):
            planned[s.project_id][s.stage] = s.planned_on
            actual[s.project_id][s.stage] = s.actual_on
            stage_rows[s.id] = (s.project_id, s.stage, s.planned_on)
        for y in session.scalars(
            select(ProjectYearPlan).where(ProjectYearPlan.project_id.in_(chunk))
        ):
            plans[y.project_id][y.year] = y.amount
            plan_rows[y.id] = (y.project_id, y.year)
        for m in session.scalars(
            select(ProjectProgress).where(ProjectProgress.project_id.in_(chunk))
        ):
            monthly[m.project_id][m.period] = m.amount
            month_rows[m.id] = (m.project_id, m.period)
            month_notes[m.id] = m.note
    month_revs: dict[int, dict[str, list[Revision]]] = defaultdict(dict)
    month_stored = {
        i: (monthly[pid][period], month_notes[i]) for i, (pid, period) in month_rows.items()
    }
    revisions = _revisions(session, ProjectProgress.__tablename__, month_stored, with_notes=True)
    for row_id, revs in revisions.items():
        pid, period = month_rows[row_id]
        month_revs[pid][period] = revs
    plan_revs: dict[int, dict[int, list[Revision]]] = defaultdict(dict)
    plan_stored: dict[int, tuple[float, str | None]] = {
        i: (plans[pid][year], None) for i, (pid, year) in plan_rows.items()
    }
    for row_id, revs in _revisions(session, ProjectYearPlan.__tablename__, plan_stored).items():
        pid, year = plan_rows[row_id]
        plan_revs[pid][year] = revs
    replanned: dict[int, dict[str, list[replans.Replan]]] = defaultdict(dict)
    stored_plans = {i: on for i, (_pid, _stage, on) in stage_rows.items()}
    for row_id, found in replans.replans(session, stored_plans).items():
        pid, stage, _on = stage_rows[row_id]
        replanned[pid][stage] = found
    return {
        p.id: ProjectFacts(
            p.stage,
            planned[p.id],
            actual[p.id],
            plans[p.id],
            monthly[p.id],
            month_revs.get(p.id, {}),
            plan_revs.get(p.id, {}),
            replanned.get(p.id, {}),
        )
        for p in projects
    }


def _revisions(
    session: Session,
    table: str,
    stored: dict[int, tuple[float, str | None]],
    with_notes: bool = False,
) -> dict[int, list[Revision]]:
    """Row id -> the amounts each of ``stored`` (row id -> its amount and note as stored) of
    ``table`` had, oldest first, for the rows changed after they were stored (corrections are
    few: the log's changes of the table are read, then the creation entries of the rows
    changed). ``with_notes`` (a month's): each revision has the note the row had with it, and
    a change of the note alone is a revision too.

    The rows are updated in place (every way in: forms, API, CLI, imports); the audit log,
    written in the same transaction, keeps each changed column's value before and after with
    the moment it was stored: walked back from the stored row, each update gives the values
    the row had before it (a row stored without a creation entry included).
    """
    kept = ("amount", "note") if with_notes else ("amount",)
    changed = audit_loaders.field_updates(session, table, stored, kept)
    if not changed:
        return {}
    created = {
        int(e.entity_id): e
        for e in audit_loaders.entity_events(
            session, table, "create", entity_ids=[str(i) for i in changed]
        )
        if e.entity_id and "amount" in (e.after or {})
    }
    out: dict[int, list[Revision]] = {}
    for row_id, updates in changed.items():
        amount, note = stored[row_id]
        revs: list[Revision] = []
        for u in reversed(updates):
            revs.append(Revision(u.at, float(amount), note if with_notes else None))
            before = u.before or {}
            amount = before.get("amount", amount)
            note = before.get("note", note)
        first = created.get(row_id)
        revs.append(
            Revision(first.at if first else None, float(amount), note if with_notes else None)
        )
        out[row_id] = revs[::-1]
    return out


def _completed(facts: ProjectFacts, as_of: date) -> tuple[float, float]:
    """(completed in as_of's year up to its month, completed in total up to its month)."""
    last = as_of.strftime("%Y-%m")
    year = f"{as_of.year}-"
    total = sum(v for p, v in facts.monthly.items() if p <= last)
    ytd = sum(v for p, v in facts.monthly.items() if p <= last and p.startswith(year))
    return ytd, total


def _rows(
    session: Session,
    projects: list[Project],
    as_of: date,
    rules: ProjectRules,
    facts: dict[int, ProjectFacts] | None = None,
) -> list[ProjectRow]:
    facts = facts if facts is not None else _facts(session, projects)
    chains = common.chain_names(session)
    parks = common.park_names(session)
    links = common.link_names(session, {p.link_id for p in projects if p.link_id})
    out = []
    for p in projects:
        f = facts_at(facts[p.id], as_of, clock.local_date(p.created_at) if p.created_at else None)
        if f is None:
            continue  # not signed yet on the day
        found = delays(f, as_of, rules)
        ytd, total = _completed(f, as_of)
        out.append(
            ProjectRow(
                id=p.id,
                name=p.name,
                chain_id=p.chain_id,
                chain_name=chains.get(p.chain_id, str(p.chain_id)),
                link_id=p.link_id,
                link_name=links.get(p.link_id) if p.link_id else None,
                park_id=p.park_id,
                park_name=parks.get(p.park_id) if p.park_id else None,
                investor_name=p.investor_name,
                stage=f.stage,
                stage_zh=STAGE_LABELS[f.stage][0],
                stage_en=STAGE_LABELS[f.stage][1],
                total_investment=p.total_investment,
                year_plan=f.year_plans.get(as_of.year),
                completed_year=round(ytd, 2),
                completed_total=round(total, 2),
                delayed=bool(found),
                delays=found,
                is_demo=p.is_demo,
            )
        )
    return out


def list_projects(
    session: Session,
    principal: Principal,
    flt: ProjectFilter | None = None,
    as_of: date | None = None,
) -> list[ProjectRow]:
    """Projects ``principal`` may see that were signed by ``as_of`` (default: the city's
    today), each in its stage on that day, with its delay flags judged on that day."""
    day = common.as_of_date(as_of)
    rows = _rows(session, _visible(session, principal, flt), day, project_rules())
    if flt is not None and flt.stage:
        rows = [r for r in rows if r.stage == flt.stage]
    if flt is not None and flt.delayed is not None:
        rows = [r for r in rows if r.delayed == flt.delayed]
    return rows


def list_projects_on(
    session: Session, principal: Principal, days: Sequence[date]
) -> list[list[ProjectRow]]:
    """:func:`list_projects` (no filter) on each of ``days``, loading the visible projects and
    their stage, plan and progress facts once (the overview asks for today and last year's end;
    each list is rebuilt from the same history as of its day)."""
    visible = _visible(session, principal, None)
    facts = _facts(session, visible)
    rules = project_rules()
    return [_rows(session, visible, common.as_of_date(d), rules, facts) for d in days]


def project_detail(
    session: Session, principal: Principal, project_id: int, as_of: date | None = None
) -> ProjectDetail:
    day = common.as_of_date(as_of)
    project = common.load(session, Project, project_id, principal, "project")
    rules = project_rules()
    found = _rows(session, [project], day, rules)
    if not found:
        raise NotFoundError(
            f"项目 {project_id} 在 {day} 尚未签约。",
            f"Project {project_id} had not been signed on {day}.",
        )
    row = found[0]
    created = clock.local_date(project.created_at) if project.created_at else None
    facts = facts_at(_facts(session, [project])[project.id], day, created)
    assert facts is not None  # _rows found it
    stages = []
    for stage in states.STAGES:
        planned, actual = facts.planned.get(stage), facts.actual.get(stage)
        late = None
        if planned is not None:
            end = actual or day
            late = (end - planned).days if end > planned else None
        zh, en = STAGE_LABELS[stage]
        stages.append(
            StageRow(
                stage=stage,
                label_zh=zh,
                label_en=en,
                planned_on=planned,
                actual_on=actual,
                late_days=late,
            )
        )
    progress, running = [], 0.0
    for period in sorted(facts.monthly):
        running += facts.monthly[period]
        progress.append(
            ProgressRow(period=period, amount=facts.monthly[period], cumulative=round(running, 2))
        )
    notes = dict(
        session.execute(
            select(ProjectProgress.period, ProjectProgress.note).where(
                ProjectProgress.project_id == project.id
            )
        ).all()
    )
    for p in progress:
        # the note known on the day, as the amount is: a later correction's reason is not
        # shown beside the amount it replaced
        revisions = facts.monthly_revisions.get(p.period, [])
        p.note = note_known_on(revisions, notes.get(p.period), day)
    events = [e for e in HISTORY.events(session, project.id) if asof.at_or_before(e.at, day)]
    events = _with_amounts(session, project.id, events)
    status = None
    if project.link_id is not None:
        link = hooks.link_statuses(session, [project.link_id]).get(project.link_id)
        if link is not None:
            status = LinkStatusOut(
                link_id=project.link_id,
                status=link.status,
                label_zh=link.label_zh,
                label_en=link.label_en,
            )
    return ProjectDetail(
        project=row,
        investor_uscc=project.investor_uscc,
        description=project.description,
        stages=stages,
        progress=progress,
        year_plans=dict(sorted(facts.year_plans.items())),
        events=events,
        link_status=status,
        as_of=day,
        rules_version=rules.version,
    )


#: history steps that change an amount -> the detail naming what they changed
AMOUNT_STEPS = {"report_progress": "period", "set_year_plan": "year"}


def _with_amounts(session: Session, project_id: int, events: list[Any]) -> list[Any]:
    """``events`` with each investment report and annual plan saying which month or year it
    set and the amount it replaced (``2023-12: 4,699.1 → 1``), before the step's comment.

    The history row keeps the comment; the month, the amount and the one replaced are in the
    step's audit entry (written with it, at the same moment): each step takes the next entry of
    its kind stored within a few seconds of it.
    """
    out = list(events)
    for action, key in AMOUNT_STEPS.items():
        entries = audit_loaders.entity_events(
            session, Project.__tablename__, f"{MACHINE.kind}.{action}", entity_ids=[str(project_id)]
        )
        i = 0
        for n, e in enumerate(out):
            if e.action != action:
                continue
            while i < len(entries) and entries[i].at < e.at - STEP_SLACK:
                i += 1
            if i == len(entries) or entries[i].at > e.at + STEP_SLACK:
                continue
            after = entries[i].after or {}
            i += 1
            if key not in after or "amount" not in after:
                continue
            previous = after.get("previous")
            if previous is None:
                change = f"{after[key]}: {_fmt(after['amount'])}"
            else:
                old, new = _fmt_change(previous, after["amount"])
                change = f"{after[key]}: {old} → {new}"
            comment = f"{change} · {e.comment}" if e.comment else change
            out[n] = e.model_copy(update={"comment": comment})
    return out


STEP_SLACK = timedelta(seconds=5)

ROLLUP_KEYS = ("chain", "park", "stage")


def rollup(
    session: Session,
    principal: Principal,
    by: str,
    as_of: date | None = None,
    flt: ProjectFilter | None = None,
) -> list[RollupRow]:
    """Counts, delays and planned vs completed investment (万元) by chain, park or stage.

    ``year_plan`` is the sum of the as-of year's annual plans, ``completed_year`` the investment
    completed in that year up to the as-of month, ``completed_total`` everything up to it.
    """
    if by not in ROLLUP_KEYS:
        raise ValidationError(
            f"汇总维度“{by}”无效，可选：chain、park、stage。",
            f"Invalid roll-up '{by}'; choose chain, park or stage.",
        )
    rows = list_projects(session, principal, flt, as_of)
    groups: dict[str, list[ProjectRow]] = defaultdict(list)
    labels: dict[str, str] = {}
    for r in rows:
        if by == "chain":
            key, name = str(r.chain_id), r.chain_name
        elif by == "park":
            key = str(r.park_id) if r.park_id is not None else "none"
            name = r.park_name or "（未入园）"
        else:
            key, name = r.stage, r.stage_zh
        groups[key].append(r)
        labels[key] = name
    order = (
        list(states.STAGES)
        if by == "stage"
        else sorted(groups, key=lambda k: (-len(groups[k]), labels[k]))
    )
    return [
        RollupRow(
            key=k,
            label=labels[k],
            count=len(groups[k]),
            delayed=sum(r.delayed for r in groups[k]),
            total_investment=round(sum(r.total_investment for r in groups[k]), 2),
            year_plan=round(sum(r.year_plan or 0.0 for r in groups[k]), 2),
            completed_year=round(sum(r.completed_year for r in groups[k]), 2),
            completed_total=round(sum(r.completed_total for r in groups[k]), 2),
        )
        for k in order
        if k in groups
    ]
