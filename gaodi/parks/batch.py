"""One write path for parks: the Excel import (and the CLI's ``gaodi import``) writes parks
only through these batch use cases, as :mod:`gaodi.enterprises.batch` does enterprises (no form
or JSON API creates or edits a park today; one that does should call them with a batch of one).

``prepare_parks`` reads the stored parks and the principal's scope once per batch and collects
every refusal; ``write_parks`` writes new parks as multi-row INSERTs and changes through the ORM
(each audited with before/after), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal
from gaodi.enterprises.batch import (
    Batch,
    Mode,
    classify,
    duplicate,
    in_scope,
    outside_scope,
    write_rows,
)
from gaodi.parks.models import Park

#: the columns a park row sets
PARK_COLUMNS = (
    "name",
    "short_name",
    "level",
    "kind",
    "region_code",
    "area_mu",
    "founded_year",
    "main_industries",
    "special_industries",
    "source",
    "is_demo",
)


@dataclass(frozen=True)
class ParkWrite:
    """One park by its name: ``values`` the columns of a new one, ``changes`` those to set on
    a stored one (the columns given)."""

    name: str | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


def prepare_parks(
    session: Session,
    principal: Principal,
    rows: Sequence[ParkWrite],
    *,
    mode: Mode = "upsert",
    skip: Iterable[int] = (),
) -> Batch:
    """Check every park row (the stored park by name, the principal's scope: a park office
    changes its own parks and creates none, a new park being in no one's scope); nothing is
    written. ``skip``: rows the caller has already refused."""
    skipped = set(skip)
    batch = Batch(rows)
    query = select(Park.id, *(getattr(Park, c) for c in PARK_COLUMNS))
    existing = {r.name: r._asdict() for r in session.execute(query).all()}
    editable = {row[0] for row in session.execute(in_scope(select(Park.id), principal, Park))}
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        if i in skipped:
            continue
        if r.name in seen:
            batch.refuse(i, "name", duplicate(seen[r.name]))
            continue
        if r.name is not None:
            seen[r.name] = i
        old = existing.get(r.name)
        if principal.is_scoped and (old is None or old["id"] not in editable):
            batch.refuse(i, "name", outside_scope("园区", "parks", r.name))
            continue
        classify(batch, i, mode, r.values, r.changes, old, f"园区 {r.name}", editable)
    return batch


def write_parks(session: Session, batch: Batch) -> None:
    """Write a checked parks batch in the caller's transaction (the region code rows it names
    exist: the caller makes sure, as the import does from the package's reference lists)."""
    write_rows(session, Park, batch)
