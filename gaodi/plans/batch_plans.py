"""One batch write path for plans and their actions.

The Excel import (``gaodi import plans``), the draft loaded from a plan's text or extraction
(:func:`gaodi.plans.service.load_plan`: the web form, the JSON API and ``gaodi plan load``) go
through these use cases, as :mod:`gaodi.plans.editing` does for indicators and targets: the
caller resolves its references (a file's plan titles or ids) and hands over rows of column
values; ``prepare_*`` checks every row in the principal's scope against the rows already stored,
read once per batch (``IN`` lists of at most 500 keys), and collects every refusal with its row
index and field; ``write_*`` writes the whole batch in the caller's transaction and is refused
if any row was.

A plan is keyed by its title, an action by its plan and number. A plan row ``new`` (a draft
loaded from a text) is never matched to a stored plan: the same plan loaded twice is two drafts.
An action row names a stored plan by id, or a plan of the same batch by its title (a plan new
in the batch has no id until :func:`write_plans` gives it one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core import periods
from gaodi.core.batching import chunks, editable_ids, fetch_in
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require
from gaodi.plans.choices import PLAN_STATUS
from gaodi.plans.editing import WRITE_CHUNK, Batch, Refusal, _classify, _duplicate
from gaodi.plans.models import Action, Plan

#: the columns a plan row of a batch may set
PLAN_COLUMNS = (
    "title",
    "region_code",
    "period_start",
    "period_end",
    "status",
    "source_name",
    "source_text",
    "is_demo",
    "created_at",
)
#: the columns an action row may set (besides its plan)
ACTION_COLUMNS = ("number", "title", "text", "sort_order")
#: the years a plan period or a target may name (the import template's bounds; a period's)
FIRST_YEAR, LAST_YEAR = periods.FIRST_YEAR, periods.LAST_YEAR
#: the longest title and action number the tables hold
TITLE_MAX, NUMBER_MAX = 300, 16


@dataclass(frozen=True)
class PlanWrite:
    """One plan by its title: ``values`` every column of a new one, ``changes`` the columns to
    set on the stored plan of that title (None: the same as ``values``); ``new``: always a new
    plan, never matched to a stored one."""

    title: str
    values: dict[str, Any]
    changes: dict[str, Any] | None = None
    new: bool = False


@dataclass(frozen=True)
class ActionWrite:
    """One action by its plan and number: the stored plan's id, or None for the plan of the
    same batch titled ``plan_title`` (new there); ``values``/``changes`` as for a plan."""

    plan_id: int | None
    number: str
    values: dict[str, Any]
    changes: dict[str, Any] | None = None
    plan_title: str = ""


@dataclass
class ActionBatch(Batch):
    """A checked batch of actions: ``pending`` the insert indexes whose plan is new in the
    same batch, with that plan's title (its id is known once the plans are written)."""

    pending: dict[int, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- the row rules
def _text_error(value: Any, limit: int, zh: str, en: str, name: str) -> ValidationError | None:
    if value is None or not str(value).strip():
        return ValidationError(f"{zh}不能为空。", f"The {en} cannot be empty.", field=name)
    if len(str(value)) > limit:  # the import's words for a cell too long
        return ValidationError(
            f"文本过长：{len(str(value))} 个字符，最多 {limit} 个（{zh}）。",
            f"Text too long: {len(str(value))} characters, at most {limit} ({en}).",
            field=name,
        )
    return None


def _year_error(value: Any, zh: str, en: str, name: str) -> ValidationError | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return ValidationError(f"{zh}须为整数年份。", f"The {en} must be a year.", field=name)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        return ValidationError(
            f"{zh} {value} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间。",
            f"The {en} {value} is not between {FIRST_YEAR} and {LAST_YEAR}.",
            field=name,
        )
    return None


def plan_problems(row: Mapping[str, Any]) -> list[ValidationError]:
    """What is wrong with a plan's columns (``row``: the stored ones with the changes over
    them): a title, a period of years within bounds whose last year is not before its first,
    a known status. Each error names its field."""
    out: list[ValidationError] = []
    if "title" in row:
        problem = _text_error(row["title"], TITLE_MAX, "规划名称", "plan title", "title")
        if problem is not None:
            out.append(problem)
    start, end = row.get("period_start"), row.get("period_end")
    bad_start = _year_error(start, "起始年份", "first year", "period_start")
    bad_end = _year_error(end, "终止年份", "last year", "period_end")
    out += [e for e in (bad_start, bad_end) if e is not None]
    if bad_start is None and bad_end is None and end < start:  # type: ignore[operator]
        out.append(
            ValidationError(
                f"终止年份 {end} 早于起始年份 {start}。",
                f"Last year {end} is before the first year {start}.",
                field="period_end",
            )
        )
    if row.get("status", "draft") not in PLAN_STATUS:
        out.append(PLAN_STATUS.refusal(row["status"], "规划状态", "plan status", "status"))
    return out


def action_problems(row: Mapping[str, Any]) -> list[ValidationError]:
    """What is wrong with an action's columns: a number of at most 16 characters and a title."""
    out = []
    number = _text_error(row.get("number"), NUMBER_MAX, "行动编号", "action number", "number")
    title = _text_error(row.get("title"), TITLE_MAX, "行动名称", "action title", "title")
    out += [e for e in (number, title) if e is not None]
    return out


def ambiguous_title(title: str, ids: Sequence[int]) -> ValidationError:
    return ValidationError(
        f"系统中有 {len(ids)} 个名为“{title}”的规划，无法确定更新哪一个。",
        f"{len(ids)} plans are titled '{title}'; cannot tell which to update.",
        field="title",
    )


def unknown_plan(plan_id: Any) -> NotFoundError:
    """A plan id that is not stored (or not the principal's to read): one answer for both."""
    return NotFoundError(
        f"没有编号为 {plan_id} 的计划。", f"No plan with id {plan_id}.", field="plan"
    )


def status_change(title: str, stored: str | None, wanted: str) -> ConflictError | None:
    """A batch writes a plan's columns, never its status: adopting (印发) is the workflow step
    that checks every target first (:func:`gaodi.plans.service.adopt_plan`: the page's button,
    ``gaodi plan adopt``, the JSON API), and an adopted plan is not a draft again. A plan of the
    batch keeps the status it has (a new one is a draft)."""
    if wanted == (stored or "draft"):
        return None
    if wanted == "adopted":
        return ConflictError(
            f"导入不能印发计划“{title}”：请以草稿导入，导入其目标后再“印发”"
            "（计划页的按钮或 gaodi plan adopt），印发前会逐一检查目标。",
            f"An import cannot adopt plan '{title}': import it as a draft with its targets, "
            "then adopt it (the plan page's button or `gaodi plan adopt`), which checks every "
            "target first.",
            field="status",
        )
    return ConflictError(
        f"计划“{title}”已印发，不能改回草稿；如需调整请新建草稿。",
        f"Plan '{title}' is adopted and cannot become a draft again; load a new draft.",
        field="status",
    )


def _refuse(batch: Batch, i: int, problems: list[ValidationError]) -> bool:
    for problem in problems:
        batch.refusals.append(Refusal(i, str(problem.context.get("field")), problem))
    return bool(problems)


# ---------------------------------------------------------------------------- plans
def prepare_plans(
    session: Session, principal: Principal, rows: Sequence[PlanWrite], mode: str = "upsert"
) -> Batch:
    """Check every plan row (the plans right, the row rules of :func:`plan_problems`, a title
    named once, one stored plan at most by that title, new or stored and then in the edit
    scope); nothing is written."""
    require(principal, "edit", "plan")
    batch = Batch()
    keyed = [r.title for r in rows if not r.new]
    query = select(Plan.id, *(getattr(Plan, c) for c in PLAN_COLUMNS if c != "source_text"))
    by_title: dict[str, list[dict[str, Any]]] = {}
    for found in sorted(fetch_in(session, query, Plan.title, keyed), key=lambda r: r.id):
        by_title.setdefault(found.title, []).append(found._asdict())
    editable = editable_ids(
        session, principal, Plan, (s["id"] for v in by_title.values() for s in v)
    )
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        stored = by_title.get(r.title, []) if not r.new else []
        changes = r.values if r.changes is None else r.changes
        merged = {
            **(stored[0] if len(stored) == 1 else {}),
            **(r.values if not stored else changes),
        }
        if _refuse(batch, i, plan_problems(merged)):
            continue
        current = stored[0]["status"] if len(stored) == 1 else None
        refused = status_change(r.title, current, merged.get("status", "draft"))
        if refused is not None:
            batch.refusals.append(Refusal(i, "status", refused))
            continue
        if not r.new:
            if r.title in seen:
                batch.refusals.append(Refusal(i, "title", _duplicate(seen[r.title]), seen[r.title]))
                continue
            seen[r.title] = i
        if len(stored) > 1:
            batch.refusals.append(
                Refusal(i, "title", ambiguous_title(r.title, [s["id"] for s in stored]))
            )
            continue
        found = stored[0] if stored else None
        _classify(batch, i, f"规划 {r.title}", r.values, changes, found, mode, editable)
    return batch


def write_plans(
    session: Session, batch: Batch, *, audit_rows: bool = False
) -> list[tuple[int, str]]:
    """Write a checked batch of plans; refused if any row was. Returns (id, title) of each new
    plan, in no set order (asking the database for the rows' order makes SQLite insert them
    one statement a row). Changes go through the ORM (each audited with before/after);
    ``audit_rows`` also gives each new plan its ``create`` entry (a draft loaded by a user; an
    import records one entry for its file)."""
    return _write(session, Plan, batch, audit_rows, ("title",))


def _write(
    session: Session, model: Any, batch: Batch, audit_rows: bool, keys: tuple[str, ...]
) -> list[Any]:
    if batch.refusals:
        raise batch.refusals[0].error
    table = model.__table__
    conn = session.connection()
    out: list[Any] = []
    for chunk in chunks(batch.inserts, WRITE_CHUNK):
        columns = list(table.c) if audit_rows else [table.c.id, *(table.c[k] for k in keys)]
        statement = insert(table).returning(*columns)
        out += conn.execute(statement, list(chunk)).all()
    if audit_rows:
        audit.record_created(session, model, out)
    ids = sorted(batch.updates)
    for chunk in chunks(ids):
        for obj in session.scalars(select(model).where(model.id.in_(list(chunk)))):
            for key, value in batch.updates[obj.id].items():
                setattr(obj, key, value)
        session.flush()
    return [tuple(getattr(r, k) for k in ("id", *keys)) for r in out]


# ---------------------------------------------------------------------------- actions
def prepare_actions(
    session: Session,
    principal: Principal,
    rows: Sequence[ActionWrite],
    mode: str = "upsert",
    *,
    batch_plans: Sequence[str] = (),
) -> ActionBatch:
    """Check every action row (the plans right, the row rules of :func:`action_problems`, a
    stored plan the principal may edit or a plan of the same batch (``batch_plans``: their
    titles), a number named once per plan, new or stored and then in the edit scope); nothing
    is written."""
    require(principal, "edit", "plan")
    batch = ActionBatch()
    plan_ids = {r.plan_id for r in rows if r.plan_id is not None}
    known = {r[0] for r in fetch_in(session, select(Plan.id), Plan.id, plan_ids)}
    plans_editable = editable_ids(session, principal, Plan, known)
    query = select(Action.id, Action.plan_id, *(getattr(Action, c) for c in ACTION_COLUMNS))
    stored = {
        (r.plan_id, r.number): r._asdict()
        for r in sorted(fetch_in(session, query, Action.plan_id, known), key=lambda r: -r.id)
    }
    editable = editable_ids(session, principal, Action, (s["id"] for s in stored.values()))
    in_batch = set(batch_plans)
    seen: dict[tuple[Any, str], int] = {}
    for i, r in enumerate(rows):
        if r.plan_id is None and r.plan_title not in in_batch:
            batch.refusals.append(Refusal(i, "plan", unknown_plan(r.plan_title)))
            continue
        if r.plan_id is not None and r.plan_id not in plans_editable:
            batch.refusals.append(Refusal(i, "plan", unknown_plan(r.plan_id)))
            continue
        found = stored.get((r.plan_id, r.number)) if r.plan_id is not None else None
        changes = r.values if r.changes is None else r.changes
        if _refuse(batch, i, action_problems({**(found or r.values), **changes})):
            continue
        key = (r.plan_id if r.plan_id is not None else r.plan_title, r.number)
        if key in seen:
            batch.refusals.append(Refusal(i, "number", _duplicate(seen[key]), seen[key]))
            continue
        seen[key] = i
        values = {**r.values, "plan_id": r.plan_id}
        before = len(batch.inserts)
        label = f"规划 {r.plan_title or r.plan_id} 行动 {r.number}"
        _classify(batch, i, label, values, changes, found, mode, editable)
        if len(batch.inserts) > before and r.plan_id is None:
            batch.pending[before] = r.plan_title
    return batch


def write_actions(
    session: Session,
    batch: ActionBatch,
    new_plans: Mapping[str, int] | None = None,
    *,
    audit_rows: bool = False,
) -> list[tuple[int, str]]:
    """Write a checked batch of actions (``new_plans``: the ids :func:`write_plans` gave the
    batch's new plans, by title); refused if any row was. Returns (id, number) of each new
    action, in no set order."""
    if batch.refusals:
        raise batch.refusals[0].error
    for index, title in batch.pending.items():
        plan_id = (new_plans or {}).get(title)
        if plan_id is None:  # the caller did not write that plan: nothing to attach it to
            raise unknown_plan(title)
        batch.inserts[index]["plan_id"] = plan_id
    return _write(session, Action, batch, audit_rows, ("number",))


def raise_refused(batch: Batch, names: Sequence[str] | None = None) -> None:
    """Raise the first refusal of a draft's plan or (``names``: their numbers) actions, naming
    the action (a draft loaded from a text has no sheet rows to point at)."""
    if batch.refusals:
        r = batch.refusals[0]
        if names is None:
            raise r.error
        name = names[r.index]
        raise type(r.error)(
            f"行动“{name}”：{r.error.zh}", f"Action {name!r}: {r.error.en}", field=r.field
        )


__all__ = [
    "ACTION_COLUMNS",
    "PLAN_COLUMNS",
    "ActionBatch",
    "ActionWrite",
    "PlanWrite",
    "action_problems",
    "plan_problems",
    "prepare_actions",
    "prepare_plans",
    "raise_refused",
    "write_actions",
    "write_plans",
]
