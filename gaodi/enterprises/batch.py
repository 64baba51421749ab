"""One write path for enterprises and their yearly figures.

The Excel import (and so the CLI's ``gaodi import``) writes enterprises and enterprise years
only through these batch use cases; no form or JSON API creates or edits these rows today, and
one that does should call them with a batch of one. ``prepare_*`` checks every row in the
principal's scope, reading the parks, the stored rows and the scope once per batch (in chunks
of 500 ids), and collects every refusal (row index, field, the error); ``write_*`` writes the
whole batch in the caller's transaction, refused if any row was refused.

New rows go in as multi-row Core INSERTs (as the import always wrote them: the import's own
``import`` audit entry stands for them); changes go through the ORM, loaded per chunk and
flushed once per chunk, so each keeps its ``update`` audit entry with before/after
(:mod:`gaodi.audit.service`). The number of statements does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.core import batching
from gaodi.core.batching import Planned, chunks, editable_ids, fetch_in
from gaodi.core.errors import NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal, scope_clause
from gaodi.core.selects import AnySelect
from gaodi.enterprises.models import Enterprise, EnterpriseYear

#: rows per INSERT
WRITE_CHUNK = 5000

Mode = Literal["insert", "upsert"]

#: the columns an enterprise row sets (besides its park)
ENTERPRISE_COLUMNS = (
    "uscc",
    "name",
    "region_code",
    "industry_code",
    "founded",
    "scope_text",
    "products",
    "tags",
    "is_demo",
)

YEAR_FIGURES = (
    "revenue",
    "main_revenue",
    "output",
    "value_added",
    "tax",
    "profit",
    "employees",
    "rd_spend",
    "invention_patents",
    "land_mu",
    "energy_tce",
    "electricity_mwh",
    "emissions_t",
    "debt_ratio",
)


# A refusal's field here: ``park``; ``uscc`` for a USCC outside the scope or unknown; ``key`` for
# a stored row an insert-only batch meets or the principal may not change (core.batching).


@dataclass(frozen=True)
class EnterpriseWrite:
    """One enterprise by its USCC: ``values`` the columns of a new one, ``changes`` those to
    set on a stored one (the columns given); ``park`` its park's name or short name (None: no
    park), which replaces the stored park only with ``park_given``."""

    uscc: str | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    park: str | None = None
    park_given: bool = False


@dataclass(frozen=True)
class YearWrite:
    """One enterprise's figures of one year (``values`` of a new row, ``changes`` of a stored
    one), the enterprise by its USCC."""

    uscc: str | None
    year: int | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


#: a checked batch: its rows, the refusals, the rows to insert, the changes by id (the one shape)
Batch = Planned


def in_scope(
    query: AnySelect, principal: Principal, model: type, action: str = "edit"
) -> AnySelect:
    """``query`` limited to the rows of ``model`` ``principal`` may read and ``action`` (every
    row for an unscoped role): what a batch may write to, or refer to, is what a read shows."""
    for each in dict.fromkeys(("read", action)):
        clause = scope_clause(principal, model, each)
        if clause is not None:
            query = query.where(clause)
    return query


def park_lookup(session: Session, principal: Principal) -> dict[str, int]:
    """Park name (and unambiguous short name) -> id, of the parks in ``principal``'s scope (a
    park office puts enterprises only in its own parks): the parks feature's lookup."""
    from gaodi.parks import loaders as park_loaders  # the parks feature reads enterprises too

    return park_loaders.name_lookup(session, principal)


def unknown_park(principal: Principal, name: str, parks: dict[str, int]) -> NotFoundError:
    if principal.is_scoped:  # one answer for a missing park and one outside the scope
        return NotFoundError(
            f"找不到园区“{name}”，或它不在你的管辖范围内。", f"No park '{name}' in your scope."
        )
    sample = "、".join(sorted(parks)[:5]) or "（系统中还没有园区）"
    return NotFoundError(
        f"园区“{name}”不存在；请先导入园区或检查名称。已有园区如：{sample}。",
        f"Park '{name}' does not exist; import parks first or check the name.",
    )


def outside_scope(what_zh: str, what_en: str, key: Any) -> PermissionDenied:
    """A row that would create or change a record outside the principal's scope. The same
    words whether the record exists elsewhere or not (so the answer confirms nothing)."""
    return PermissionDenied(
        f"只能新建或修改你管辖范围内的{what_zh}（{key}）。",
        f"You may only create or change {what_en} in your scope ({key}).",
    )


def unknown_enterprise(principal: Principal, uscc: str) -> NotFoundError:
    if principal.is_scoped:  # one answer for a missing enterprise and one outside the scope
        return NotFoundError(
            f"找不到企业（统一社会信用代码 {uscc}），或它不在你的管辖范围内。",
            f"No enterprise with USCC {uscc} in your scope.",
        )
    return NotFoundError(
        f"企业（统一社会信用代码 {uscc}）不在系统中；请先导入企业。",
        f"No enterprise with USCC {uscc}; import the enterprise first.",
    )


def duplicate(first: int) -> ValidationError:
    return ValidationError(
        f"与本批第 {first + 1} 行重复。", f"Duplicates row {first + 1} of the batch."
    )


def classify(
    batch: Batch,
    i: int,
    mode: Mode,
    values: dict[str, Any],
    changes: dict[str, Any],
    existing: dict[str, Any] | None,
    key_text: str,
    editable: set[int],
) -> None:
    """Row ``i`` creates, changes or leaves a row (:func:`gaodi.core.batching.classify`)."""
    found = batching.classify(mode, changes, existing, key_text, editable)
    if found.kind == "insert":
        batch.inserts.append(values)
        batch.created += 1
    elif found.kind == "refused":
        assert found.error is not None
        batch.refuse(i, "key", found.error)
    elif found.kind == "update":
        assert existing is not None
        batch.updates[existing["id"]] = found.diff
        batch.updated += 1
    else:
        batch.unchanged += 1


def prepare_enterprises(
    session: Session,
    principal: Principal,
    rows: Sequence[EnterpriseWrite],
    *,
    mode: Mode = "upsert",
    skip: Iterable[int] = (),
) -> Batch:
    """Check every enterprise row (its park in the principal's scope, the stored enterprise by
    USCC, the scope of each row, a USCC named twice); nothing is written. ``skip``: rows the
    caller has already refused (their park is still checked, so every bad cell is reported)."""
    skipped = set(skip)
    batch = Batch(rows)
    parks = park_lookup(session, principal) if any(r.park_given for r in rows) else {}
    columns = (Enterprise.id, *(getattr(Enterprise, c) for c in ENTERPRISE_COLUMNS))
    query = select(*columns, Enterprise.park_id)
    existing = {
        r.uscc: r._asdict()
        for r in fetch_in(session, query, Enterprise.uscc, (r.uscc for r in rows))
    }
    # a scoped office changes the enterprises it reads and creates them only in its scope
    # (a park office: in one of its parks; a chain office: never, a new firm is on no chain)
    scoped = principal.is_scoped
    ids = [e["id"] for e in existing.values()]
    if scoped:
        mine = fetch_in(
            session, in_scope(select(Enterprise.id), principal, Enterprise), Enterprise.id, ids
        )
        editable = {row[0] for row in mine}
    else:
        editable = set(ids)
    creates_in_park = principal.role == "park_office"
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        park_id = None
        if r.park is not None:
            park_id = parks.get(r.park)
            if park_id is None:
                batch.refuse(i, "park", unknown_park(principal, r.park, parks))
                continue
        if i in skipped:
            continue
        if r.uscc in seen:
            batch.refuse(i, "uscc", duplicate(seen[r.uscc]))
            continue
        if r.uscc is not None:
            seen[r.uscc] = i
        old = existing.get(r.uscc)
        # a park office's enterprise must stay in one of its parks (a blank park moves it out)
        leaves_park = creates_in_park and r.park_given and park_id is None
        if scoped and (
            (old is not None and (old["id"] not in editable or leaves_park))
            or (old is None and not (creates_in_park and park_id is not None))
        ):
            batch.refuse(i, "uscc", outside_scope("企业", "enterprises", r.uscc))
            continue
        values = {**r.values, "park_id": park_id}
        changes = {**r.changes, "park_id": park_id} if r.park_given else dict(r.changes)
        classify(batch, i, mode, values, changes, old, f"统一社会信用代码 {r.uscc}", editable)
    return batch


def write_rows(session: Session, model: type, batch: Batch) -> None:
    """The batch's new rows (multi-row INSERTs) and its changes (through the ORM, audited)."""
    if batch.refusals:
        raise batch.refusals[0].error
    table = model.__table__  # type: ignore[attr-defined]
    for chunk in chunks(batch.inserts, WRITE_CHUNK):
        session.connection().execute(insert(table), list(chunk))
    ids = sorted(batch.updates)
    for chunk in chunks(ids):
        obj: Any
        for obj in session.scalars(select(model).where(model.id.in_(list(chunk)))):  # type: ignore[attr-defined]
            for key, value in batch.updates[obj.id].items():
                setattr(obj, key, value)
        session.flush()  # one executemany per set of changed columns, each row audited


def write_enterprises(session: Session, batch: Batch) -> None:
    """Write a checked enterprises batch in the caller's transaction (the region and industry
    code rows it names exist: the caller makes sure, as the import does from the package's
    reference lists)."""
    write_rows(session, Enterprise, batch)


def prepare_years(
    session: Session,
    principal: Principal,
    rows: Sequence[YearWrite],
    *,
    mode: Mode = "upsert",
    skip: Iterable[int] = (),
) -> Batch:
    """Check every row of yearly figures (its enterprise known and in the principal's scope,
    the stored year, a year named twice); nothing is written. ``skip``: rows the caller has
    already refused (their enterprise is still checked)."""
    skipped = set(skip)
    batch = Batch(rows)
    query = in_scope(select(Enterprise.uscc, Enterprise.id), principal, Enterprise)
    ids = dict(fetch_in(session, query, Enterprise.uscc, (r.uscc for r in rows)))
    columns = ("year", *YEAR_FIGURES)
    query = select(
        EnterpriseYear.id,
        EnterpriseYear.enterprise_id,
        *(getattr(EnterpriseYear, c) for c in columns),
    )
    existing = {
        (r.enterprise_id, r.year): r._asdict()
        for r in fetch_in(session, query, EnterpriseYear.enterprise_id, ids.values())
    }
    editable = editable_ids(
        session, principal, EnterpriseYear, (e["id"] for e in existing.values())
    )
    seen: dict[tuple[int, Any], int] = {}
    for i, r in enumerate(rows):
        eid = ids.get(r.uscc) if r.uscc is not None else None
        if eid is None and r.uscc is not None:
            batch.refuse(i, "uscc", unknown_enterprise(principal, r.uscc))
            continue
        if i in skipped or eid is None:
            continue
        if (eid, r.year) in seen:
            batch.refuse(i, "uscc", duplicate(seen[(eid, r.year)]))
            continue
        seen[(eid, r.year)] = i
        values = {**r.values, "enterprise_id": eid}
        changes = {**r.changes, "enterprise_id": eid}
        old = existing.get((eid, r.year))
        classify(batch, i, mode, values, changes, old, f"{r.uscc} {r.year} 年", editable)
    return batch


def write_years(session: Session, batch: Batch) -> None:
    """Write a checked batch of yearly figures in the caller's transaction."""
    write_rows(session, EnterpriseYear, batch)
