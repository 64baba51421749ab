"""One batch write path for indicators and plan targets.

The Excel import goes through these use cases (a single edit is a batch of one): the caller
resolves its own references (a file's plan titles, indicator codes, scope objects) and hands
over rows of column values; ``prepare_*`` checks every row in the principal's scope against
the rows already stored, read once per batch (``IN`` lists of at most 500 keys), and collects
every refusal with its row index and field; ``write_*`` writes the whole batch in the caller's
transaction and is refused if any row was.

Writes as before this module: new rows in one Core ``executemany`` per 2,000 rows, changed
rows through the ORM, flushed once per 500, so each change keeps its ``update`` audit entry
with before/after values — the history a target's as-of reading is rebuilt from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.core import batching, periods
from gaodi.core.batching import Planned, Refusal, chunks, editable_ids, fetch_in
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require
from gaodi.plans.choices import COMPARATOR, TARGET_PATH, TARGET_SCOPE
from gaodi.plans.models import Indicator, Plan, Target

#: rows per INSERT (SQLite binds at most 32,766 values)
WRITE_CHUNK = 2000

#: the columns an indicator row of a batch may set
INDICATOR_COLUMNS = (
    "code",
    "name",
    "unit",
    "aggregation",
    "direction",
    "kind",
    "owner",
    "frequency",
    "deadline_day",
    "description",
    "is_demo",
)


@dataclass(frozen=True)
class IndicatorWrite:
    """One indicator by its code: ``values`` every column of a new one, ``changes`` the
    columns to set on a stored one (None: the same as ``values``)."""

    code: str
    values: dict[str, Any]
    changes: dict[str, Any] | None = None


TargetKey = tuple[int, str, str, int, int]


@dataclass(frozen=True)
class TargetWrite:
    """One target by its key (plan id, indicator code or name, scope, scope id, year):
    ``values`` every column of a new one, ``changes`` the columns to set on a stored one,
    ``label`` how messages name it. ``target_id`` names the stored target itself (an edit of
    one target: a draft may hold two with one key until a reviewer merges them)."""

    key: TargetKey
    values: dict[str, Any]
    changes: dict[str, Any] | None = None
    label: str = ""
    target_id: int | None = None


#: the checked rows of one table: new rows, changes by id, the counts (the one shape)
Batch = Planned


def _duplicate(earlier: int) -> ValidationError:
    """Row numbers are the caller's: the import names the sheet row (see ``other``)."""
    return ValidationError(f"与第 {earlier + 1} 行重复。", f"Duplicates row {earlier + 1}.")


def _classify(
    batch: Batch,
    i: int,
    label: str,
    values: dict[str, Any],
    changes: dict[str, Any],
    stored: dict[str, Any] | None,
    mode: str,
    editable: set[int],
) -> None:
    """New row, change, or nothing to do (:func:`gaodi.core.batching.classify`)."""
    found = batching.classify(mode, changes, stored, label, editable)
    if found.kind == "insert":
        batch.inserts.append(values)
        batch.created += 1
    elif found.kind == "refused":
        assert found.error is not None
        batch.refusals.append(Refusal(i, "key", found.error))
    elif found.kind == "update":
        assert stored is not None
        batch.updates[stored["id"]] = found.diff
        batch.updated += 1
    else:
        batch.unchanged += 1


def prepare_indicators(
    session: Session, principal: Principal, rows: Sequence[IndicatorWrite], mode: str = "upsert"
) -> Batch:
    """Check every indicator row (the plans right, a code named once, new or stored and then
    in the edit scope); nothing is written."""
    require(principal, "edit", "plan")
    batch = Batch()
    query = select(Indicator.id, *(getattr(Indicator, c) for c in INDICATOR_COLUMNS))
    found = fetch_in(session, query, Indicator.code, (r.code for r in rows))
    stored = {r.code: r._asdict() for r in found}
    editable = editable_ids(session, principal, Indicator, (s["id"] for s in stored.values()))
    observed = _observed(session, [s["id"] for s in stored.values()])
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r.code in seen:
            batch.refusals.append(Refusal(i, "code", _duplicate(seen[r.code]), seen[r.code]))
            continue
        seen[r.code] = i
        changes = r.values if r.changes is None else r.changes
        old = stored.get(r.code)
        count = observed.get(old["id"], 0) if old is not None else 0
        moved = [k for k in MEANING if k in changes and old is not None and changes[k] != old[k]]
        if count and moved:
            # as the indicator page refuses it: reported values and adopted targets are in the
            # stored unit, so a new one would misread every one of them (2,366 亿元 as 万元)
            batch.refusals.append(Refusal(i, moved[0], meaning_fixed(r.code, count, moved)))
            continue
        _classify(batch, i, f"指标 {r.code}", r.values, changes, old, mode, editable)
    return batch


#: What an indicator's reported values mean: fixed once it has any (field -> zh, en).
MEANING: dict[str, tuple[str, str]] = {
    "unit": ("单位", "unit"),
    "aggregation": ("汇总方式", "aggregation"),
    "kind": ("指标类型", "kind"),
    "direction": ("方向", "direction"),
}


def meaning_fixed(name: str, count: int, fields: Sequence[str]) -> ConflictError:
    """The refusal to change what reported values mean, naming the fields in words."""
    zh = "、".join(MEANING[f][0] for f in fields)
    en = ", ".join(MEANING[f][1] for f in fields)
    return ConflictError(
        f"指标“{name}”已有 {count} 条实际值，不能修改{zh}（已报数值按原{zh}解读）。",
        f"Indicator {name!r} has {count} observations: its {en} cannot change (the values "
        f"reported are read in the present one).",
        field=fields[0],
    )


def _observed(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Indicator id -> how many values were reported for it (ids without any are left out)."""
    from sqlalchemy import func

    from gaodi.plans.models import Observation

    out: dict[int, int] = {}
    for chunk in chunks(sorted(set(ids))):
        query = (
            select(Observation.indicator_id, func.count())
            .where(Observation.indicator_id.in_(list(chunk)))
            .group_by(Observation.indicator_id)
        )
        out.update({i: n for i, n in session.execute(query)})
    return out


def range_error(value: float | None, value_max: float | None) -> ValidationError | None:
    """The error of a range whose upper value is below its value (None when it is not)."""
    if value is not None and value_max is not None and value_max < value:
        return ValidationError(
            f"目标上限 {value_max:g} 小于目标值 {value:g}。",
            f"The upper value {value_max:g} is below the value {value:g}.",
            field="value_max",
        )
    return None


#: how messages name a target's columns (the import template's headers)
TARGET_LABELS: dict[str, tuple[str, str]] = {
    "value": ("目标值", "value"),
    "value_max": ("目标上限", "upper value"),
    "unit": ("单位", "unit"),
    "year": ("目标年份", "year"),
    "comparator": ("比较方式", "comparator"),
    "indicator_name": ("指标名称", "indicator name"),
    "scope": ("范围", "scope"),
    "scope_id": ("范围对象", "scope object"),
    "path": ("评价路径", "expected path"),
}
UNIT_MAX, NAME_MAX = 32, 200
FIRST_YEAR, LAST_YEAR = periods.FIRST_YEAR, periods.LAST_YEAR


def target_problems(row: dict[str, Any]) -> list[ValidationError]:
    """What is wrong with a target's columns (``row``: the stored ones with the changes over
    them, or a new one's): the one rule set of the import, the review forms, the JSON API and
    the CLI. Each error names its field. Nothing is asked of the database: the indicator, the
    action and the scope object are the caller's to resolve (:func:`unknown_indicator`,
    :func:`unknown_action`)."""

    out: list[ValidationError] = []
    for name, (zh, en) in TARGET_LABELS.items():
        if name in row and row[name] is None and name != "value_max":
            out.append(ValidationError(f"{zh}不能为空。", f"The {en} cannot be empty.", field=name))
    if out:
        return out
    for name, limit in (("unit", UNIT_MAX), ("indicator_name", NAME_MAX)):
        text = row.get(name)
        zh, en = TARGET_LABELS[name]
        if name in row and not str(text).strip():
            out.append(ValidationError(f"{zh}不能为空。", f"The {en} cannot be empty.", field=name))
        elif text is not None and len(str(text)) > limit:
            out.append(
                ValidationError(
                    f"{zh}不能超过 {limit} 个字符。",
                    f"The {en} is longer than {limit} characters.",
                    field=name,
                )
            )
    year = row.get("year")
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        out.append(
            ValidationError(
                f"目标年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间。",
                f"The year {year} is not between {FIRST_YEAR} and {LAST_YEAR}.",
                field="year",
            )
        )
    if row.get("comparator", ">=") not in COMPARATOR:
        out.append(COMPARATOR.refusal(row["comparator"], "比较方式", "comparator", "comparator"))
    if row.get("path", "auto") not in TARGET_PATH:
        out.append(TARGET_PATH.refusal(row["path"], "评价路径", "expected path", "path"))
    scope, scope_id = row.get("scope", "city"), row.get("scope_id", 0)
    if scope not in TARGET_SCOPE:
        out.append(TARGET_SCOPE.refusal(scope, "范围", "scope", "scope"))
    elif (scope == "city") != (scope_id == 0):
        out.append(
            ValidationError(
                "范围为全市时范围对象应为 0，其他范围须指明对象。",
                "A city target has scope object 0; any other scope names its object.",
                field="scope_id",
            )
        )
    problem = range_error(row.get("value"), row.get("value_max"))
    if problem is not None:
        out.append(problem)
    return out


def check_loaded_target(name: str, row: dict[str, Any]) -> None:
    """A target of a draft loaded from a text against :func:`target_problems`, naming it. The
    key rule does not apply: a draft may hold one target twice until a reviewer merges them."""
    for problem in target_problems(row):
        raise type(problem)(
            f"目标“{name}”：{problem.zh}",
            f"The target {name!r}: {problem.en}",
            field=problem.context.get("field"),
        )


def unknown_indicator(code: str, field: str = "indicator") -> NotFoundError:
    """An indicator code that is not stored (the import's, the forms' and the CLI's words)."""
    return NotFoundError(
        f"指标代码“{code}”不存在；请先导入指标。",
        f"Indicator '{code}' does not exist; import it first.",
        field=field,
    )


def unknown_action(number: str, field: str = "action") -> NotFoundError:
    """An action number the target's plan does not have."""
    return NotFoundError(
        f"规划中没有编号为“{number}”的行动。",
        f"The plan has no action numbered '{number}'.",
        field=field,
    )


#: the largest id a row can have (the id columns are INTEGER: 32-bit on PostgreSQL)
MAX_ROW_ID = 2**31 - 1
#: a target's scope object, as the refusal names it (zh, en)
SCOPE_OBJECTS = {
    "chain": ("产业链", "chain"),
    "park": ("园区", "park"),
    "cluster": ("集群", "cluster"),
    "enterprise": ("企业", "enterprise"),
}


def missing_scope_object(session: Session, scope: str, scope_id: int) -> ValidationError | None:
    """The refusal of a target scoped to a chain, park or enterprise no row has (None when it
    exists), in the words of the plan-actual entry's refusal: a target of chain 999 showed on
    no board and its page named no scope at all. An id past the id columns' range is refused
    without asking the database (PostgreSQL would refuse the query itself). A cluster's id is
    only range-checked: the clusters feature has no loader to ask (DESIGN.md, Layers)."""
    if scope not in SCOPE_OBJECTS:
        return None  # the city (scope id 0), or a scope target_problems refuses
    if 0 < scope_id <= MAX_ROW_ID:
        # read through the owning features' loaders (DESIGN.md, Layers), never their tables
        from gaodi.chains import loaders as chain_loaders
        from gaodi.enterprises import loaders as enterprise_loaders
        from gaodi.parks import loaders as park_loaders

        if scope == "cluster":
            return None
        if scope == "chain" and chain_loaders.chain_exists(session, scope_id):
            return None
        if scope == "park" and park_loaders.park_name(session, scope_id) is not None:
            return None
        if scope == "enterprise" and enterprise_loaders.get(session, scope_id) is not None:
            return None
    zh, en = SCOPE_OBJECTS[scope]
    return ValidationError(
        f"没有编号为 {scope_id} 的{zh}，目标未保存。",
        f"There is no {en} with id {scope_id}: the target was not saved.",
        field="scope_id",
    )


def adopted_plan(title: str) -> ConflictError:
    """An adopted (印发) plan's targets are fixed: the one answer of the review forms, the JSON
    API, the CLI and the import to a change of one."""
    return ConflictError(
        f"计划“{title}”已印发，不能再修改目标；如需调整请新建草稿。",
        f"Plan '{title}' is adopted: its targets can no longer be changed; "
        "load a new draft to revise it.",
        field="plan",
    )


def prepare_targets(
    session: Session, principal: Principal, rows: Sequence[TargetWrite], mode: str = "upsert"
) -> Batch:
    """Check every target row (the plans right, the row rules of :func:`target_problems` on
    the row as it would be stored, a key named once, new or stored and then in the edit
    scope); nothing is written.

    A stored target is found by its key among its plans' targets; of two stored with one key,
    the older one (the lower id), as the import always chose. A row with a ``target_id`` is
    that stored target (refused as not found when it is not stored)."""
    require(principal, "edit", "plan")
    batch = Batch()
    stored: dict[TargetKey, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    plan_ids = {r.key[0] for r in rows if r.target_id is None}
    query = select(Target, Indicator.code).outerjoin(Indicator, Indicator.id == Target.indicator_id)
    found = fetch_in(session, query, Target.plan_id, plan_ids)
    found += fetch_in(session, query, Target.id, (r.target_id for r in rows))
    columns = [c.key for c in Target.__table__.columns]
    for t, code in sorted(found, key=lambda r: r[0].id, reverse=True):
        key = (t.plan_id, code or t.indicator_name, t.scope, t.scope_id, t.year)
        stored[key] = by_id[t.id] = {c: getattr(t, c) for c in columns}
    editable = editable_ids(session, principal, Target, by_id)
    adopted = dict(
        fetch_in(
            session,
            select(Plan.id, Plan.title).where(Plan.status == "adopted"),
            Plan.id,
            plan_ids | {t["plan_id"] for t in by_id.values()},
        )
    )
    seen: dict[Any, int] = {}
    for i, r in enumerate(rows):
        own = by_id.get(r.target_id) if r.target_id is not None else stored.get(r.key)
        if r.target_id is not None and own is None:
            error = NotFoundError(
                f"没有编号为 {r.target_id} 的目标。", f"No target with id {r.target_id}."
            )
            batch.refusals.append(Refusal(i, "key", error))
            continue
        changes = r.values if r.changes is None else r.changes
        plan_id = own["plan_id"] if own else r.key[0]
        if plan_id in adopted and (own is None or any(own.get(k) != v for k, v in changes.items())):
            # a row that leaves an adopted target as it is (a file exported and imported back)
            # changes nothing; any other is a change of a plan already issued
            batch.refusals.append(Refusal(i, "plan", adopted_plan(adopted[plan_id])))
            continue
        problems = target_problems({**own, **changes} if own else r.values)
        if problems:
            batch.refusals += [Refusal(i, str(p.context["field"]), p) for p in problems]
            continue
        row_key: Any = r.key if r.target_id is None else r.target_id
        if row_key in seen:
            batch.refusals.append(Refusal(i, "indicator", _duplicate(seen[row_key]), seen[row_key]))
            continue
        seen[row_key] = i
        label = r.label or " ".join(map(str, r.key))
        _classify(batch, i, label, r.values, changes, own, mode, editable)
    return batch


def write(session: Session, model: Any, batch: Batch) -> None:
    """Write a checked batch of ``model`` rows (indicators or targets); refused if any row
    was refused. New rows in one Core statement per 2,000; changes through the ORM, so each is
    audited with its before/after values."""
    if batch.refusals:
        raise batch.refusals[0].error
    table = model.__table__
    conn = session.connection()
    for chunk in chunks(batch.inserts, WRITE_CHUNK):
        conn.execute(insert(table), list(chunk))
    ids = sorted(batch.updates)
    for chunk in chunks(ids):
        for obj in session.scalars(select(model).where(model.id.in_(list(chunk)))):
            for key, value in batch.updates[obj.id].items():
                setattr(obj, key, value)
        session.flush()


def write_indicators(session: Session, batch: Batch) -> None:
    write(session, Indicator, batch)


def write_targets(session: Session, batch: Batch) -> None:
    write(session, Target, batch)
