"""One write path for tier facts (梯度培育要素): the facts form and the JSON API
(:func:`gaodi.enterprises.facts.set_facts`, a batch of one), an approved declaration
(:func:`gaodi.enterprises.facts.apply_facts`) and the Excel import
(:class:`gaodi.exchange.handlers_tiers.TierFactsHandler`) all go through :func:`prepare_facts`
and :func:`write_facts`.

A fact is (enterprise, year, field) with a value and its source. ``prepare_facts`` checks every
row before anything is written — the enterprise one the principal may edit (refused like a
missing one otherwise), the year, the source, the same fact given by two rows (which one held
would depend on the row order), an insert-only batch meeting a stored fact — and reads the stored
facts once per chunk of enterprises. ``write_facts`` refuses the batch if any row was refused;
otherwise new facts go in multi-row INSERTs with their ``create`` audit entries in one statement,
changes and clearings through the ORM (each audited with before and after).

A blank (None) leaves a stored fact alone, except with ``clear_blanks`` (the form: an emptied box
means "unknown").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core import batching, clock
from gaodi.core.batching import Planned, chunks, editable_ids, fetch_in
from gaodi.core.errors import GaodiError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal
from gaodi.enterprises.facts import (
    ENTERPRISE_NOT_FOUND,
    check_source,
    check_year,
    display,
    fact_field,
)
from gaodi.enterprises.models import Enterprise, TierFact

#: new facts per INSERT (SQLite binds at most 32,766 values; 8 columns a row)
WRITE_CHUNK = 2000


@dataclass(frozen=True)
class FactRow:
    """The facts one row gives for one enterprise and year (field -> parsed value; None: a
    blank), with their source and, for an approved declaration, its id."""

    enterprise_id: int
    year: int
    values: Mapping[str, float | None]
    source: str
    declaration_id: int | None = None


@dataclass
class FactBatch(Planned):
    """A checked batch of facts (a row's column: ``uscc``, ``year``, ``source`` or a fact's
    field name); ``deletes`` the facts a cleared box removes."""

    deletes: list[int] = field(default_factory=list)
    #: per row: field -> [before, after] as shown (what the caller reports and audits)
    changes: list[dict[str, list[Any]]] = field(default_factory=list)


def _two_sources(first: int, year: int, name: str) -> ValidationError:
    f = fact_field(name)
    return ValidationError(
        f"第 {first} 行已给出该企业 {year} 年的“{f.label_zh}”；同一要素只能有一个来源。",
        f"Row {first} already gives '{f.label_en}' for this enterprise and {year}; a fact has "
        "one source.",
        field=name,
    )


def _stored_already(year: int, n: int) -> ValidationError:
    return ValidationError(
        f"该企业 {year} 年已有这些要素中的 {n} 项；{batching.UPDATE_MODE_ZH}",
        f"{n} of these facts are already stored for {year}; {batching.UPDATE_MODE_EN}",
    )


def prepare_facts(
    session: Session,
    principal: Principal | None,
    rows: Sequence[FactRow],
    *,
    actor: str,
    mode: Literal["insert", "upsert"] = "upsert",
    clear_blanks: bool = False,
    skip: Collection[int] = (),
    row_number: Callable[[int], int] | None = None,
    now: datetime | None = None,
) -> FactBatch:
    """Check every row of ``rows`` (those in ``skip`` were refused by the caller) and plan
    their writes. ``principal`` None: the caller has checked the scope (an approved
    declaration). ``row_number`` names a row in messages (default: its position from 1)."""
    number = row_number or (lambda i: i + 1)
    now = now or clock.now()
    batch = FactBatch(rows)
    wanted = [i for i in range(len(rows)) if i not in skip]
    ids = {rows[i].enterprise_id for i in wanted}
    allowed = ids if principal is None else editable_ids(session, principal, Enterprise, ids)
    query = select(
        TierFact.id, TierFact.enterprise_id, TierFact.year, TierFact.field, TierFact.value,
        TierFact.source,
    )  # fmt: skip
    stored = {
        (r.enterprise_id, r.year, r.field): r
        for r in fetch_in(session, query, TierFact.enterprise_id, allowed)
    }
    given: dict[tuple[int, int, str], int] = {}  # fact -> the row that gives it
    batch.changes = [{} for _ in rows]
    for i in wanted:
        row = rows[i]

        def refuse(column: str, error: GaodiError, i: int = i) -> None:
            batch.refuse(i, column, error)

        if row.enterprise_id not in allowed:
            refuse("uscc", NotFoundError(*ENTERPRISE_NOT_FOUND))
            continue
        try:
            check_year(row.year)
            check_source(row.source)
        except ValidationError as exc:
            refuse(str(exc.context.get("field") or "year"), exc)
            continue
        before = len(batch.refusals)
        for name, value in row.values.items():
            key = (row.enterprise_id, row.year, name)
            if value is None and not clear_blanks:
                continue
            if key in given:
                refuse(name, _two_sources(number(given[key]), row.year, name))
                continue
            given[key] = i
        if len(batch.refusals) > before:
            continue
        keys = [(row.enterprise_id, row.year, n) for n, v in row.values.items() if v is not None]
        old = [k for k in keys if k in stored]
        if old and mode == "insert":
            refuse("uscc", _stored_already(row.year, len(old)))
            continue
        _plan(batch, i, row, stored, clear_blanks, actor, now)
    return batch


def _plan(
    batch: FactBatch,
    i: int,
    row: FactRow,
    stored: Mapping[tuple[int, int, str], Any],
    clear_blanks: bool,
    actor: str,
    now: datetime,
) -> None:
    """The inserts, updates and clearings of row ``i`` (checked) and what it changes."""
    changes = batch.changes[i]
    written = {"declaration_id": row.declaration_id, "updated_by": actor, "updated_at": now}
    inserted = False
    for name, value in row.values.items():
        f = fact_field(name)
        old = stored.get((row.enterprise_id, row.year, name))
        if value is None:
            if clear_blanks and old is not None:
                batch.deletes.append(old.id)
                changes[name] = [display(f, old.value), None]
            continue
        if old is None:
            batch.inserts.append(
                {
                    "enterprise_id": row.enterprise_id,
                    "year": row.year,
                    "field": name,
                    "value": value,
                    "source": row.source,
                    **written,
                }
            )
            changes[name] = [None, display(f, value)]
            inserted = True
        elif old.value != value or old.source != row.source:
            batch.updates[old.id] = {"value": value, "source": row.source, **written}
            changes[name] = [display(f, old.value), display(f, value)]
    if inserted:
        batch.created += 1
    elif changes:
        batch.updated += 1
    else:
        batch.unchanged += 1


def write_facts(session: Session, batch: FactBatch) -> None:
    """Write a checked batch in the caller's transaction, or refuse it whole (the first
    refusal's error) if any row was refused."""
    if batch.refusals:
        raise batch.refusals[0].error
    table = TierFact.__table__
    for chunk in chunks(batch.inserts, WRITE_CHUNK):
        new = session.connection().execute(insert(table).returning(*table.c), list(chunk)).all()
        audit.record_created(session, TierFact, new)
    changed = sorted(batch.updates)
    for chunk in chunks(changed):
        for obj in session.scalars(select(TierFact).where(TierFact.id.in_(chunk))):
            for key, value in batch.updates[obj.id].items():
                setattr(obj, key, value)
    for chunk in chunks(sorted(batch.deletes)):
        for obj in session.scalars(select(TierFact).where(TierFact.id.in_(chunk))):
            session.delete(obj)
    session.flush()
