"""One write path for major projects, their annual plans and their monthly investment.

The form, the JSON API, the CLI and the Excel import all go through these batch use cases (a
form save is a batch of one): ``prepare_*`` checks every row in the principal's scope, reading
the projects, chains, parks, links, stage rows and stored plans or months once per batch, and
collects every refusal (row index, field, the error a single call raises); ``write_*`` writes
the whole batch in the caller's transaction, refused if any row was refused.

Writes go through the ORM, added together and flushed once per table, so every row keeps its
audit entry with before/after (:mod:`gaodi.audit.service`) and each project keeps the history
its page shows (``project_event`` rows and their ``project.*`` audit entries, written in one
statement by :func:`gaodi.audit.service.record_many`): SQLAlchemy sends the inserts of one
flush as multi-row statements and the updates as one executemany, so the number of statements
does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.chains import loaders as chain_loaders
from gaodi.core import clock
from gaodi.core.batching import Refusal, chunks, fetch_in
from gaodi.core.codes import validate_uscc
from gaodi.core.errors import GaodiError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require, restrict
from gaodi.core.selects import AnySelect
from gaodi.core.text_safety import has_visible
from gaodi.parks import loaders as park_loaders
from gaodi.projects import common, states
from gaodi.projects.models import (
    Project,
    ProjectEvent,
    ProjectProgress,
    ProjectStage,
    ProjectYearPlan,
)
from gaodi.projects.schemas import ProjectIn

#: rows per INSERT (SQLite binds at most 32,766 values)
WRITE_CHUNK = 2000


# A refusal's field here: ``chain``, ``park``, ``link``, ``investor_uscc``, ``planned:<stage>``,
# ``actual:<stage>``, ``project``, ``period`` or ``amount`` (core.batching.Refusal).

#: The field of :class:`ProjectIn` each refusal of a new project is about: the error a single
#: registration raises names it, so that its form shows the message beside that field.
INPUT_FIELDS = {
    "chain": "chain_id",
    "park": "park_id",
    "link": "link_id",
    "investor_uscc": "investor_uscc",
    "actual:signed": "signed_on",
    "planned:started": "planned_start_on",
    "planned:producing": "planned_producing_on",
    "planned:full_output": "planned_full_output_on",
}


@dataclass(frozen=True)
class ProjectWrite:
    """One project to register (``project_id`` None: ``data`` is the form's input, its annual
    plans included) or to change (``values``: new column values; ``planned``: new planned
    dates by stage). ``actual``: the stages it reaches after signing, with their dates."""

    project_id: int | None = None
    data: ProjectIn | None = None
    values: dict[str, Any] = field(default_factory=dict)
    planned: dict[str, date | None] = field(default_factory=dict)
    actual: dict[str, date | None] = field(default_factory=dict)
    is_demo: bool = False
    comment: str | None = None  # of the stage steps (the form's 说明)


@dataclass(frozen=True)
class YearPlanWrite:
    project_id: int
    year: int
    amount: float
    note: str | None = None  # the reason, when it corrects a stored plan


@dataclass(frozen=True)
class ProgressWrite:
    project_id: int
    period: str
    amount: float
    note: str | None = None


@dataclass
class Step:
    """A workflow step to record: the transition, from and to stage, details."""

    action: str
    from_status: str | None
    to_status: str | None
    comment: str | None = None
    details: dict[str, Any] | None = None


@dataclass
class ProjectBatch:
    rows: Sequence[ProjectWrite]
    refusals: list[Refusal] = field(default_factory=list)
    loaded: dict[int, Project] = field(default_factory=dict)
    stages: dict[int, dict[str, ProjectStage]] = field(default_factory=dict)
    steps: dict[int, list[Step]] = field(default_factory=dict)  # row index -> its steps
    uscc: dict[int, str | None] = field(default_factory=dict)  # row index -> normalised USCC


@dataclass
class YearPlanBatch:
    rows: Sequence[YearPlanWrite]
    refusals: list[Refusal] = field(default_factory=list)
    existing: dict[tuple[int, int], ProjectYearPlan] = field(default_factory=dict)
    loaded: dict[int, Project] = field(default_factory=dict)
    #: indexes of the rows that repeat the amount on record: nothing to write, no history step
    same: set[int] = field(default_factory=set)


@dataclass
class ProgressBatch:
    rows: Sequence[ProgressWrite]
    refusals: list[Refusal] = field(default_factory=list)
    loaded: dict[int, Project] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)  # row index -> its month
    existing: dict[tuple[int, str], ProjectProgress] = field(default_factory=dict)
    #: indexes of the rows that repeat the amount on record: nothing to write, no history step
    same: set[int] = field(default_factory=set)


def scope_refusals(
    session: Session, principal: Principal, targets: Sequence[tuple[int | None, int | None]]
) -> dict[int, tuple[str, NotFoundError]]:
    """Index -> (``chain`` or ``park``, error) of each (chain id, park id) ``principal`` may
    not register a project in: :func:`gaodi.projects.projects.check_scope` for a whole batch
    (a chain office its chains, a park office its parks, which then need a park; a missing row
    and one outside the scope get the same words). PermissionDenied without the project right.
    """
    from gaodi.projects.projects import CHAIN_NOT_FOUND, PARK_NOT_FOUND

    require(principal, "edit", "project")
    chains = chain_loaders.writable_chain_ids(session, principal, (c for c, _ in targets))
    parks = park_loaders.writable_park_ids(session, principal, (p for _, p in targets))
    park_scoped = park_loaders.park_scoped(principal)
    out: dict[int, tuple[str, NotFoundError]] = {}
    for i, (cid, pid) in enumerate(targets):
        if cid is None or cid not in chains:
            out[i] = ("chain", NotFoundError(*CHAIN_NOT_FOUND))
        elif (pid is not None or park_scoped) and (pid is None or pid not in parks):
            out[i] = ("park", NotFoundError(*PARK_NOT_FOUND))
    return out


def _insert(
    session: Session,
    model: type,
    values: Sequence[dict[str, Any]],
    created: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> list[Any]:
    """Insert ``values`` as rows of ``model`` (every column of each returned) and write their
    ``create`` audit entries (each row as ``created`` says it was created, if given).

    A Core statement, not the ORM: the ORM sends one INSERT per row wherever the database
    cannot say which new id belongs to which row (SQLite), and these rows need no objects."""
    if not values:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    out: list[Any] = []
    for chunk in chunks(values, WRITE_CHUNK):
        # Python-side defaults (created_at...) are filled by the statement, as the ORM does
        out += session.connection().execute(insert(table).returning(*table.c), list(chunk)).all()
    audit.record_created(
        session, model, out if created is None else [created(dict(r._mapping)) for r in out]
    )
    return out


def _load(session: Session, model: type, ids: Iterable[int]) -> dict[int, Any]:
    """Id -> the ORM object of each of ``ids`` (for the callers that get them back)."""
    query: AnySelect = select(model)
    return {o.id: o for (o,) in fetch_in(session, query, model.id, ids)}  # type: ignore[attr-defined]


def _not_visible(project_id: int) -> NotFoundError:
    """What :func:`gaodi.projects.common.load` answers for a project not visible."""
    zh, en = common.LABELS.label("project"), common.LABELS.label("project", "en")
    return NotFoundError(
        f"找不到{zh} {project_id}（或无权查看）。", f"No {en} {project_id} (or not visible)."
    )


def _visible(session: Session, principal: Principal, ids: Iterable[int | None]) -> dict:
    """Project id -> the project, for the ``ids`` ``principal`` may read (one query a chunk)."""
    query = restrict(select(Project), principal, "read")
    return {p.id: p for (p,) in fetch_in(session, query, Project.id, ids)}


def _advance_steps(
    principal: Principal,
    actors: set[str],
    stage: str,
    actual: dict[str, date | None],
    reach: dict[str, date | None],
    comment: str | None = None,
) -> tuple[list[Step], list[tuple[str, GaodiError]]]:
    """The transitions that take a project in ``stage`` (its actual dates ``actual``) through
    each stage of ``reach`` in order, as :func:`gaodi.projects.projects.advance` checks them
    one by one; (steps, refusals by field)."""
    from gaodi.projects.projects import MACHINE, date_problems

    steps: list[Step] = []
    dates = dict(actual)
    for target in states.STAGES[1:]:
        day = reach.get(target)
        if day is None:
            continue
        try:
            t = MACHINE.authorize(states.ENTER_STAGE[target], stage, principal, actors, comment)
        except GaodiError as exc:
            return steps, [(f"actual:{target}", exc)]
        dates[target] = day
        problems = [p for p in date_problems({}, dates) if p.stage == target]
        if problems:
            return steps, [(f"actual:{target}", ValidationError(problems[0].zh, problems[0].en))]
        steps.append(Step(t.name, stage, target, details={"date": day.isoformat()}))
        stage = target
    return steps, []


def prepare_projects(
    session: Session, principal: Principal, rows: Sequence[ProjectWrite]
) -> ProjectBatch:
    """Check every project row (scope, chain and link, USCC, stage dates and transitions);
    nothing is written. The first problem of each row is its refusal."""
    from gaodi.projects.projects import date_problems

    batch = ProjectBatch(rows)
    actors = common.office_actors(principal, "project")
    batch.loaded = _visible(session, principal, (r.project_id for r in rows))
    editable = set(batch.loaded)
    if principal.is_scoped and editable:
        query = restrict(select(Project.id), principal, "edit")
        editable = {r[0] for r in fetch_in(session, query, Project.id, editable)}
    query = select(ProjectStage)
    for (s,) in fetch_in(session, query, ProjectStage.project_id, batch.loaded):
        batch.stages.setdefault(s.project_id, {})[s.stage] = s
    targets: list[tuple[int | None, int | None]] = []
    for r in rows:
        old = batch.loaded.get(r.project_id) if r.project_id is not None else None
        if r.data is not None:
            targets.append((r.data.chain_id, r.data.park_id))
        elif old is not None:
            targets.append(
                (r.values.get("chain_id", old.chain_id), r.values.get("park_id", old.park_id))
            )
        else:
            targets.append((None, None))
    scope = scope_refusals(session, principal, targets)
    link_ids = [r.data.link_id if r.data else r.values.get("link_id") for r in rows]
    link_ids += [p.link_id for p in batch.loaded.values()]
    links = chain_loaders.link_chain_ids(session, link_ids)
    for i, r in enumerate(rows):

        def refuse(name: str, error: GaodiError, i: int = i) -> None:
            batch.refusals.append(Refusal(i, name, error))

        if r.project_id is not None:  # a change of a stored project
            old = batch.loaded.get(r.project_id)
            # changing its columns needs the project in the edit scope; reaching a stage, as
            # advance() always asked, a project it reads and the office's transition right
            if old is None or ((r.values or r.planned) and r.project_id not in editable):
                refuse("project", _not_visible(r.project_id))
                continue
            if ("chain_id" in r.values or "park_id" in r.values) and i in scope:
                refuse(*scope[i])
                continue
            cid = targets[i][0]
            lid = r.values.get("link_id", old.link_id)
            if lid is not None and links.get(lid) != cid:
                refuse("link", common.link_error(session, lid, cid, links.get(lid)))
                continue
            stored = batch.stages.get(old.id, {})
            actual = {s: row.actual_on for s, row in stored.items()}
            steps, refused = _advance_steps(
                principal, actors, old.stage, actual, r.actual, r.comment
            )
            for name, error in refused:
                refuse(name, error)
            for step in steps:
                step.comment = r.comment
            batch.steps[i] = steps
            continue
        data = r.data
        assert data is not None, "a new project needs its data"
        if i in scope:
            refuse(*scope[i])
            continue
        if data.link_id is not None and links.get(data.link_id) != data.chain_id:
            refuse(
                "link",
                common.link_error(session, data.link_id, data.chain_id, links.get(data.link_id)),
            )
            continue
        try:
            batch.uscc[i] = validate_uscc(data.investor_uscc).code if data.investor_uscc else None
        except GaodiError as exc:
            refuse("investor_uscc", exc)
            continue
        planned = _planned(data)
        problems = date_problems(planned, {"signed": data.signed_on})
        if problems:
            refuse(f"{problems[0].kind}:{problems[0].stage}", _error(problems[0]))
            continue
        steps, refused = _advance_steps(
            principal, actors, "signed", {"signed": data.signed_on}, r.actual
        )
        for name, error in refused:
            refuse(name, error)
        batch.steps[i] = [Step("create", None, "signed"), *steps]
    return batch


def _error(problem: Any) -> ValidationError:
    return ValidationError(problem.zh, problem.en)


def _planned(data: ProjectIn) -> dict[str, date | None]:
    return {
        "signed": data.signed_on,
        "started": data.planned_start_on,
        "producing": data.planned_producing_on,
        "full_output": data.planned_full_output_on,
    }


def _record(session: Session, principal: Principal, done: list[tuple[Project, Step]]) -> None:
    """The history rows and the workflow audit entries of ``done`` (what
    :meth:`gaodi.core.workflow.History.record` writes for one step), all at once."""
    from gaodi.projects.projects import MACHINE

    now = clock.now()
    _insert(
        session,
        ProjectEvent,
        [
            {
                "project_id": p.id,
                "at": now,
                "actor": principal.username,
                "action": s.action,
                "from_status": s.from_status,
                "to_status": s.to_status,
                "comment": s.comment,
            }
            for p, s in done
        ],
    )
    audit.record_many(
        session,
        [
            {
                "entity": Project.__tablename__,
                "action": f"{MACHINE.kind}.{s.action}",
                "entity_id": str(p.id),
                "before": {"status": s.from_status},
                "after": {"status": s.to_status, **(s.details or {})},
                "note": s.comment,
                "actor": principal.username,
            }
            for p, s in done
        ],
    )


def write_projects(session: Session, principal: Principal, batch: ProjectBatch) -> list[Project]:
    """Register and change the batch's projects (refused if any row was refused, with the
    first refusal's error, which names the input field of a new project's); the projects in
    row order."""
    if batch.refusals:
        first = batch.refusals[0]
        if batch.rows[first.index].project_id is None and first.field in INPUT_FIELDS:
            first.error.context["field"] = INPUT_FIELDS[first.field]
        raise first.error
    reached = {i: steps[-1].to_status for i, steps in batch.steps.items() if steps}
    new = [i for i, r in enumerate(batch.rows) if r.project_id is None]
    values = [_project_values(batch, i, reached.get(i)) for i in new]
    keys = [tuple(v.values()) for v in values]
    if len(set(keys)) == len(keys):  # each returned row tells which row it is
        rows = _insert(session, Project, values, _as_registered)
        ids = {tuple(getattr(r, k) for k in values[0]): r.id for r in rows} if rows else {}
        new_ids = [ids[k] for k in keys]
    else:  # two identical new projects (not from a file: it refuses duplicates): one by one
        new_ids = [_insert(session, Project, [v], _as_registered)[0].id for v in values]
    loaded = _load(session, Project, new_ids)
    out = {i: loaded[pid] for i, pid in zip(new, new_ids, strict=True)}
    for i, r in enumerate(batch.rows):
        if r.project_id is None:
            continue
        project = out[i] = batch.loaded[r.project_id]
        for column, value in r.values.items():
            setattr(project, column, value)
        if reached.get(i) is not None:
            project.stage = str(reached[i])
    stages: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    done: list[tuple[Project, Step]] = []
    for i, r in enumerate(batch.rows):
        project = out[i]
        if r.data is not None:
            planned = _planned(r.data)
            actual = {**r.actual, "signed": r.data.signed_on}
            stages += [
                {
                    "project_id": project.id,
                    "stage": stage,
                    "planned_on": planned[stage],
                    "actual_on": actual.get(stage),
                }
                for stage in states.STAGES
            ]
            plans += [
                {"project_id": project.id, "year": year, "amount": amount}
                for year, amount in sorted(r.data.year_plans.items())
            ]
        else:
            stored = batch.stages.setdefault(project.id, {})
            for stage, day in [
                *((s, ("planned", d)) for s, d in r.planned.items()),
                *((s, ("actual", d)) for s, d in r.actual.items() if d is not None),
            ]:
                row = stored.get(stage)
                if row is None:  # a stage row missing (every registration writes all four)
                    row = stored[stage] = ProjectStage(project_id=project.id, stage=stage)
                    session.add(row)
                setattr(row, f"{day[0]}_on", day[1])
        done.extend((project, step) for step in batch.steps[i])
    session.flush()  # the changes (one executemany per set of changed columns) and their audit
    _insert(session, ProjectStage, stages)
    _insert(session, ProjectYearPlan, plans)
    _record(session, principal, done)
    return [out[i] for i in range(len(batch.rows))]


def _as_registered(row: dict[str, Any]) -> dict[str, Any]:
    """A new project as its ``create`` audit entry records it: at signing, the stage every
    registration starts at; the stages its dates reach are the workflow entries that follow
    (as when the form registers and then advances a project)."""
    return {**row, "stage": "signed"}


def _project_values(batch: ProjectBatch, i: int, reached: str | None) -> dict[str, Any]:
    """The columns of new project ``i`` (the stage its actual dates reach)."""
    data = batch.rows[i].data
    assert data is not None
    return {
        "name": data.name.strip(),
        "chain_id": data.chain_id,
        "link_id": data.link_id,
        "park_id": data.park_id,
        "investor_name": data.investor_name.strip(),
        "investor_uscc": batch.uscc[i],
        "total_investment": data.total_investment,
        "stage": reached or "signed",
        "description": data.description,
        "is_demo": batch.rows[i].is_demo,
    }


def prepare_year_plans(
    session: Session, principal: Principal, rows: Sequence[YearPlanWrite]
) -> YearPlanBatch:
    """Check every annual plan (the project visible, the office's right, the amount, the
    reason's length). A row repeating the amount on record is in ``same``: not written."""
    from gaodi.projects.projects import (
        MACHINE,
        plan_year_problem,
        reason_needed,
        reason_problem,
        stage_dates,
    )

    batch = YearPlanBatch(rows)
    actors = common.office_actors(principal, "project")
    loaded = batch.loaded = _visible(session, principal, (r.project_id for r in rows))
    query = select(ProjectYearPlan)
    for (p,) in fetch_in(session, query, ProjectYearPlan.project_id, loaded):
        batch.existing[(p.project_id, p.year)] = p
    dates = stage_dates(session, loaded)
    # the amount each year will have once the rows before are written (a year named twice)
    current = {key: p.amount for key, p in batch.existing.items()}
    for i, r in enumerate(rows):
        project = loaded.get(r.project_id)
        try:
            if project is None:
                raise _not_visible(r.project_id)
            MACHINE.authorize("report_progress", project.stage, principal, actors)
            common.check_amount(r.amount, "年度计划投资", "An annual plan")
            too_long = reason_problem(r.note)
            if too_long is not None:
                raise ValidationError(*too_long, field="note")
            # within the project's life (signing year to a little after its planned end), for
            # the form, the API and an imported sheet alike
            problem = plan_year_problem(r.year, *dates[project.id])
            if problem is not None:
                raise ValidationError(*problem, field="year")
            stored = batch.existing.get((r.project_id, r.year))
            if stored is not None and stored.amount != r.amount and not has_visible(r.note):
                # a correction says why, in the form's reason or the sheet's 备注 column
                error = reason_needed(
                    f"{r.year}年度计划投资", f"annual plan of {r.year}", stored.amount, r.amount
                )
                error.context["field"] = "note"
                raise error
        except GaodiError as exc:
            field = exc.context.get("field")
            name = field if field in ("amount", "year", "note") else "project"
            batch.refusals.append(Refusal(i, name, exc))
            continue
        key = (r.project_id, r.year)
        if current.get(key) == r.amount:  # a replay or a double submission: nothing changes
            batch.same.add(i)
        current[key] = r.amount
    return batch


def write_year_plans(
    session: Session, principal: Principal, batch: YearPlanBatch
) -> list[ProjectYearPlan]:
    """Set the batch's annual plans (a stored year's amount is replaced); each is a step in its
    project's history with the amount it replaced and the reason given. A row repeating the
    amount on record (``batch.same``) writes nothing and is no step. In row order."""
    if batch.refusals:
        raise batch.refusals[0].error
    values: dict[tuple[int, int], dict[str, Any]] = {}
    done: list[tuple[Project, Step]] = []
    for i, r in enumerate(batch.rows):
        if i in batch.same:
            continue
        row = batch.existing.get((r.project_id, r.year))
        key = (r.project_id, r.year)
        if row is not None:
            before: float | None = row.amount
            row.amount = r.amount
        else:  # the last amount of a year named twice, as setting them one by one leaves it
            before = values[key]["amount"] if key in values else None
            values[key] = {"project_id": r.project_id, "year": r.year, "amount": r.amount}
        project = batch.loaded[r.project_id]
        note = (r.note or "").strip() or None
        details = {"year": r.year, "amount": r.amount, "previous": before}
        done.append((project, Step("set_year_plan", project.stage, project.stage, note, details)))
    session.flush()
    ids = [r.id for r in _insert(session, ProjectYearPlan, list(values.values()))]
    for plan in _load(session, ProjectYearPlan, ids).values():
        batch.existing[(plan.project_id, plan.year)] = plan
    _record(session, principal, done)
    return [batch.existing[(r.project_id, r.year)] for r in batch.rows]


def prepare_progress(
    session: Session, principal: Principal, rows: Sequence[ProgressWrite]
) -> ProgressBatch:
    """Check every monthly report (the project visible, the office's right, the month and
    amount: :func:`gaodi.projects.projects.check_progress`, the note's length). A row repeating
    the amount on record is in ``same``: not written (its note is not a reason for anything)."""
    from gaodi.projects.projects import (
        MACHINE,
        check_progress,
        progress_month_problem,
        reason_needed,
        reason_problem,
        stage_dates,
    )

    batch = ProgressBatch(rows)
    actors = common.office_actors(principal, "project")
    batch.loaded = _visible(session, principal, (r.project_id for r in rows))
    dates = stage_dates(session, batch.loaded)
    query = select(ProjectProgress)
    for (p,) in fetch_in(session, query, ProjectProgress.project_id, batch.loaded):
        batch.existing[(p.project_id, p.period)] = p
    # the amount each month will have once the rows before are written (a month named twice)
    current = {key: p.amount for key, p in batch.existing.items()}
    for i, r in enumerate(rows):
        project = batch.loaded.get(r.project_id)
        batch.months.append(r.period)
        name = "project"
        try:
            if project is None:
                raise _not_visible(r.project_id)
            MACHINE.authorize("report_progress", project.stage, principal, actors)
            name = "period"
            month = batch.months[i] = check_progress(r.period, r.amount)
            problem = progress_month_problem(month, dates[project.id][0])
            if problem is not None:  # before the project was signed
                raise ValidationError(*problem, field="period")
            too_long = reason_problem(r.note)
            if too_long is not None:  # the form's comment, the sheet's 备注 cell
                name = "note"
                raise ValidationError(*too_long, field="comment")
            stored = batch.existing.get((r.project_id, month))
            if stored is not None and stored.amount != r.amount and not has_visible(r.note):
                # a correction says why, in the form's comment or the sheet's 说明 column
                name = "note"
                raise reason_needed(
                    f"{month}完成投资", f"investment of {month}", stored.amount, r.amount
                )
        except GaodiError as exc:
            name = "amount" if exc.context.get("field") == "amount" else name
            batch.refusals.append(Refusal(i, name, exc))
            continue
        key = (r.project_id, month)
        if current.get(key) == r.amount:  # a replay or a double submission: nothing changes
            batch.same.add(i)
        current[key] = r.amount
    return batch


def write_progress(
    session: Session, principal: Principal, batch: ProgressBatch
) -> list[ProjectProgress]:
    """Record (or correct) the batch's months; each report is a step in its project's history
    with the amount it replaced. A row repeating the amount on record (``batch.same``) leaves
    the month, its note (the reason of its last correction) and the history as they are. The
    rows in row order."""
    if batch.refusals:
        raise batch.refusals[0].error
    now: datetime = clock.now()
    new: dict[tuple[int, str], dict[str, Any]] = {}
    done: list[tuple[Project, Step]] = []
    for i, (r, month) in enumerate(zip(batch.rows, batch.months, strict=True)):
        if i in batch.same:
            continue
        project = batch.loaded[r.project_id]
        key = (r.project_id, month)
        row = batch.existing.get(key)
        values = {"amount": r.amount, "note": r.note, "reported_by": principal.username}
        before: float | None
        if row is not None:
            before = row.amount
            for name, value in values.items():
                setattr(row, name, value)
            row.reported_at = now
        else:  # a month named twice in one batch: the second corrects the first
            before = new[key]["amount"] if key in new else None
            new[key] = {"project_id": r.project_id, "period": month, "reported_at": now, **values}
        details = {"period": month, "amount": r.amount, "previous": before}
        done.append(
            (project, Step("report_progress", project.stage, project.stage, r.note, details))
        )
    session.flush()
    ids = [r.id for r in _insert(session, ProjectProgress, list(new.values()))]
    for row in _load(session, ProjectProgress, ids).values():
        batch.existing[(row.project_id, row.period)] = row
    _record(session, principal, done)
    return [
        batch.existing[(r.project_id, m)] for r, m in zip(batch.rows, batch.months, strict=True)
    ]
