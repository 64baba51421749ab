"""One write path for the tier lists: awards (科技奖励), honours (荣誉) and industries' profit
margins. The facts page's forms (an award or an honour: a batch of one that adds) and the Excel
import (:class:`gaodi.exchange.handlers_tiers.TierListsHandler`, ``IndustryMarginsHandler``)
go through :func:`prepare_entries` and :func:`write_entries`.

Rows come parsed (:func:`gaodi.enterprises.tier_lists.parse_award` / ``parse_honour`` /
``parse_margin``: one rule set for the form and the import). An entry is known by its key — an
award by (enterprise, year, name), an honour by (enterprise, kind, valid-from), a margin by
(industry, year) — so the same award entered twice is refused ("insert") or updated in place
("upsert"), never listed twice. An award or honour needs its enterprise in the principal's edit
scope (refused like a missing one otherwise); a margin is regional reference data (the right
to edit regions). New entries go in multi-row INSERTs with their ``create`` audit entries,
changes through the ORM (audited before/after).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core import clock
from gaodi.core.batching import Planned, chunks, classify, editable_ids, fetch_in
from gaodi.core.errors import ConflictError, NotFoundError
from gaodi.core.permissions import Principal, denied
from gaodi.core.permissions import allowed as may
from gaodi.enterprises.facts import ENTERPRISE_NOT_FOUND
from gaodi.enterprises.models import Enterprise, IndustryMargin, TierAward, TierHonour
from gaodi.enterprises.tier_lists import Award, Honour, Margin

Kind = Literal["award", "honour", "margin"]
WRITE_CHUNK = 2000

MODELS: dict[str, Any] = {"award": TierAward, "honour": TierHonour, "margin": IndustryMargin}
KEYS: dict[str, tuple[str, ...]] = {
    "award": ("enterprise_id", "year", "name"),
    "honour": ("enterprise_id", "kind", "valid_from"),
    "margin": ("industry_code", "year"),
}


@dataclass(frozen=True)
class EntryRow:
    """One parsed entry; ``enterprise_id`` None for a margin."""

    item: Award | Honour | Margin
    enterprise_id: int | None = None


@dataclass
class EntryBatch(Planned):
    kind: Kind = "award"


def _values(row: EntryRow) -> dict[str, Any]:
    out = asdict(row.item)
    if isinstance(row.item, Margin):
        out["margin"] = float(row.item.margin)
    else:
        out["enterprise_id"] = row.enterprise_id
    return out


def _twice(first: int, text: str) -> ConflictError:
    return ConflictError(
        f"第 {first + 1} 条已给出同一条目（{text}）。",
        f"Entry {first + 1} already gives the same entry ({text}).",
    )


def prepare_entries(
    session: Session,
    principal: Principal,
    kind: Kind,
    rows: Sequence[EntryRow],
    *,
    mode: Literal["insert", "upsert"] = "upsert",
    skip: Collection[int] = (),
    now: datetime | None = None,
) -> EntryBatch:
    """Check every row (scope, the key stored already in "insert" mode) and plan the writes."""
    model, key = MODELS[kind], KEYS[kind]
    batch = EntryBatch(rows, kind=kind)
    stamp = {"updated_by": principal.username, "updated_at": now or clock.now()}
    wanted = [i for i in range(len(rows)) if i not in skip]
    if kind == "margin":
        if not may(principal, "edit", "region"):  # reference data: the regions' right
            error = denied(principal, "edit", "region")
            for i in wanted:
                batch.refuse(i, "industry_code", error)
            return batch
        allowed: set[Any] = set()
        columns = [getattr(model, k) for k in ("id", *key, "margin", "source_name", "source_url")]
        stored_rows = fetch_in(
            session, select(*columns), model.industry_code,
            {_values(rows[i])["industry_code"] for i in wanted},
        )  # fmt: skip
    else:
        allowed = editable_ids(
            session,
            principal,
            Enterprise,
            {e for i in wanted if (e := rows[i].enterprise_id) is not None},
        )
        columns = [
            model.id,
            *(c for c in model.__table__.c if c.key not in ("id", "updated_by", "updated_at")),
        ]
        stored_rows = fetch_in(session, select(*columns), model.enterprise_id, allowed)
    stored = {tuple(r._mapping[k] for k in key): dict(r._mapping) for r in stored_rows}
    given: dict[tuple[Any, ...], int] = {}  # key -> the row that gives it
    for i in wanted:
        row = rows[i]
        if kind != "margin" and row.enterprise_id not in allowed:
            batch.refuse(i, "uscc", NotFoundError(*ENTERPRISE_NOT_FOUND))
            continue
        values = _values(row)
        text = " ".join(str(values[k]) for k in key if k != "enterprise_id")
        known = tuple(values[k] for k in key)
        if known in given:
            batch.refuse(i, key[-1], _twice(given[known], text))
            continue
        given[known] = i
        old = stored.get(known)
        differs = old is None or any(old.get(k) != v for k, v in values.items())
        found = classify(mode, {**values, **stamp} if differs else {}, old, text)
        if found.kind == "refused":
            assert found.error is not None
            batch.refuse(i, key[-1] if kind == "margin" else "uscc", found.error)
        elif found.kind == "insert":
            batch.inserts.append({**values, **stamp})
            batch.created += 1
        elif found.kind == "update":
            assert old is not None
            batch.updates[old["id"]] = found.diff
            batch.updated += 1
        else:
            batch.unchanged += 1
    return batch


def write_entries(session: Session, batch: EntryBatch) -> list[int]:
    """Write a checked batch (or refuse it whole: the first refusal's error); the ids of the
    new entries in row order."""
    if batch.refusals:
        raise batch.refusals[0].error
    model = MODELS[batch.kind]
    table = model.__table__
    ids: list[int] = []
    for chunk in chunks(batch.inserts, WRITE_CHUNK):
        new = session.connection().execute(insert(table).returning(*table.c), list(chunk)).all()
        audit.record_created(session, model, new)
        ids += [r.id for r in new]
    for chunk in chunks(sorted(batch.updates)):
        for obj in session.scalars(select(model).where(model.id.in_(chunk))):
            for k, v in batch.updates[obj.id].items():
                setattr(obj, k, v)
    session.flush()
    return ids
