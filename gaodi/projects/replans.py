"""A stage's planned date as it was known on a past day, rebuilt from the audit log.

Planned stage dates are updated in place (an Excel upsert re-plans a project); the audit log,
written in the same transaction, keeps each change's date before and after with the moment it
was stored. A past day's view judges a stage against the plan of that day, so re-planning today
does not erase a delay a month was flagged (and reported) with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.core import asof, clock
from gaodi.projects.models import ProjectStage

FIELD = "planned_on"


@dataclass(frozen=True)
class Replan:
    """One planned date a stage had (None: none planned) and when it was stored (None: before
    the audit log recorded it, known from the start)."""

    at: datetime | None
    on: date | None


def planned_on(replans: list[Replan], stored: date | None, day: date) -> date | None:
    """The planned date known at the end of ``day``: the last one stored by then; a stage
    planned only after ``day`` counts with its first plan (as a late report does). Today and
    later, or a date never changed: the stored one."""
    if not replans or day >= clock.today():
        return stored
    known = [r for r in replans if r.at is None or asof.at_or_before(r.at, day)]
    return (known[-1] if known else replans[0]).on


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def replans(session: Session, stored: dict[int, date | None]) -> dict[int, list[Replan]]:
    """Stage row id -> the planned dates it had, oldest first, for the rows of ``stored`` (row
    id -> its planned date as stored) whose planned date was changed after it was stored."""
    table = ProjectStage.__tablename__
    changed = audit_loaders.field_updates(session, table, stored, (FIELD,))
    if not changed:
        return {}
    created = {
        int(e.entity_id): e
        for e in audit_loaders.entity_events(
            session, table, "create", entity_ids=[str(i) for i in changed]
        )
        if e.entity_id
    }
    out: dict[int, list[Replan]] = {}
    for row_id, updates in changed.items():
        value = stored[row_id]
        found: list[Replan] = []
        for u in reversed(updates):  # walked back from the stored row
            found.append(Replan(u.at, value))
            before = u.before or {}
            if FIELD in before:
                value = _day(before[FIELD])
        first = created.get(row_id)
        found.append(Replan(first.at if first else None, value))
        out[row_id] = found[::-1]
    return out
