"""An enterprise's own facts (its tags, park and industry code) as they stood at the end of a
past city day, rebuilt from the audit log.

The enterprise row is updated in place (an import moves a firm to another park, a firm gains
专精特新 or loses it); the audit log, written in the same transaction, keeps every change's
values before and after with the moment it was stored. The rule, walking back from the stored
row: a field's value at the end of ``day`` is the ``before`` of the first change of that field
stored after the day; a field no change after the day touched is the stored one (it costs
nothing). A firm whose creation was stored after the day did not exist on it. Today and later:
the stored row, and the log is not read.

What the log cannot tell is left as stored: a row written without the ORM (the demo build, the
new rows of an import, both inserted in bulk) has no creation event and counts as existing from
the start; a firm deleted since is not brought back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.core import clock
from gaodi.enterprises.models import Enterprise

#: The enterprise's own facts a past day's view rebuilds (region_code: its district, the map's).
FIELDS = ("tags", "park_id", "industry_code", "region_code")


@dataclass(frozen=True)
class Past:
    """What differs at the end of a day from the stored rows: enterprise id -> the fields that
    changed since, with their value that day; and the firms created after the day."""

    values: dict[int, dict[str, Any]] = field(default_factory=dict)
    absent: frozenset[int] = frozenset()


def rewind(changes: Iterable[audit_loaders.Change], fields: Sequence[str] = FIELDS) -> Past:
    """:class:`Past` from the changes stored after the day, oldest first (pure).

    >>> c = audit_loaders.Change
    >>> p = rewind([c("7", "update", {"park_id": 1}), c("7", "update", {"park_id": 2}),
    ...             c("8", "create", None), c("8", "update", {"tags": []})])
    >>> p.values, sorted(p.absent)
    ({7: {'park_id': 1}, 8: {'tags': []}}, [8])
    """
    values: dict[int, dict[str, Any]] = {}
    absent: set[int] = set()
    for change in changes:
        if not change.entity_id or not change.entity_id.isdigit():
            continue
        row = int(change.entity_id)
        if change.action == "create":
            absent.add(row)
            continue
        before = change.before or {}
        for name in fields:
            # the first change after the day holds the day's value; later ones are newer
            if name in before and name not in values.get(row, {}):
                values.setdefault(row, {})[name] = before[name]
    return Past(values, frozenset(absent))


def past(session: Session, day: date, fields: Sequence[str] = FIELDS) -> Past | None:
    """The enterprises' ``fields`` at the end of the city's ``day`` (None: today or later, the
    stored rows hold). One query: the creations and updates of enterprises stored after the
    day."""
    return pasts(session, [day], fields).get(day)


def pasts(
    session: Session, days: Iterable[date], fields: Sequence[str] = FIELDS
) -> dict[date, Past]:
    """:func:`past` of each of ``days`` before today (the others are left out), from one query:
    the changes stored after the earliest of them."""
    wanted = sorted({d for d in days if d < clock.today()})
    if not wanted:
        return {}
    changes = audit_loaders.changes_after(
        session, Enterprise.__tablename__, clock.end_of_day(wanted[0]), ("create", "update")
    )
    out: dict[date, Past] = {}
    for day in wanted:
        end = clock.end_of_day(day)
        out[day] = rewind((c for c in changes if c.at is None or c.at > end), fields)
    return out


def year_end(year: int) -> date | None:
    """The day a year's figures are attributed on: the year's last day, when it is over (None:
    the year runs still, today's rows hold). A firm moved to another park since counts for
    that year with the park it was in when the year ended.

    >>> from gaodi.core import clock
    >>> with clock.frozen(date(2024, 1, 15)):
    ...     year_end(2023), year_end(2024)
    (datetime.date(2023, 12, 31), None)
    """
    last = date(year, 12, 31)
    return last if last < clock.today() else None


def apply(
    frame: pl.DataFrame, found: Past | None, id_column: str = "enterprise_id"
) -> pl.DataFrame:
    """``frame`` (one row per enterprise, or several) with its columns among
    :data:`FIELDS` as ``found`` says they stood, and without the firms that did not exist yet
    (pure; None or nothing changed: ``frame`` itself)."""
    if found is None or (not found.values and not found.absent):
        return frame
    out = frame
    if found.absent:
        out = out.filter(~pl.col(id_column).is_in(sorted(found.absent)))
    for name in FIELDS:
        if name not in out.columns:
            continue
        pairs = [(row, v[name]) for row, v in found.values.items() if name in v]
        if not pairs:
            continue
        dtype = out.schema[name]
        if name == "tags":  # a list in the row; the log kept whatever the row held (None: [])
            pairs = [(row, list(v or [])) for row, v in pairs]
        then = pl.DataFrame(
            {id_column: [p[0] for p in pairs], "__then": [p[1] for p in pairs]},
            schema={id_column: out.schema[id_column], "__then": dtype},
        ).with_columns(pl.lit(True).alias("__hit"))
        out = (
            out.join(then, on=id_column, how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("__hit")).then(pl.col("__then")).otherwise(pl.col(name)).alias(name)
            )
            .drop("__then", "__hit")
        )
    return out
