"""What other features read of the audit log (issue [15]: features read each other through
loaders, not through another feature's models): events by entity for a feature's own
statistics, and the searchable log the administration pages show (as the viewer may read it)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Container, Iterable, Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, Field
from sqlalchemy import case, null, select
from sqlalchemy.orm import Session

from gaodi.audit.models import AuditEvent
from gaodi.core import clock
from gaodi.core.pagination import paginate
from gaodi.core.permissions import Principal, restrict


def entity_events(
    session: Session,
    entity: str,
    action: str,
    *,
    entity_ids: Iterable[str] | None = None,
) -> list[AuditEvent]:
    """Every audit event of ``action`` on ``entity`` rows (only those ids when given), in id
    order. Unfiltered and unlimited: the callers count a history (a plan's review statistics),
    they do not show the events to a user."""
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == action)
    if entity_ids is not None:
        query = query.where(AuditEvent.entity_id.in_(sorted(set(entity_ids))))
    return list(session.scalars(query.order_by(AuditEvent.id)))


def field_updates(
    session: Session, entity: str, row_ids: Container[int], fields: Iterable[str]
) -> dict[int, list[AuditEvent]]:
    """Row id -> the update events of the ``entity`` rows among ``row_ids`` that changed one
    of ``fields``, oldest first: what a past day's value of a column updated in place is
    rebuilt from (a project's amounts, a stage's planned date)."""
    wanted = tuple(fields)
    out: dict[int, list[AuditEvent]] = {}
    for e in entity_events(session, entity, "update"):
        row = int(e.entity_id) if e.entity_id and e.entity_id.isdigit() else None
        if row is not None and row in row_ids and any(f in (e.after or {}) for f in wanted):
            out.setdefault(row, []).append(e)
    return out


class Change(NamedTuple):
    """One create or update of a row, as a walk back from the stored row needs it."""

    entity_id: str | None
    action: str
    before: dict[str, Any] | None
    at: dt.datetime | None = None


def changes_after(
    session: Session, entity: str, moment: dt.datetime, actions: Iterable[str]
) -> list[Change]:
    """The events of ``actions`` on ``entity`` rows stored after ``moment`` (naive UTC on the
    city's clock), oldest first: one query on the indexed time, whatever the number of rows
    (a past day's value of a column updated in place is the ``before`` of the first change
    after that day). Only an update's ``before`` is read: a creation has none to give, and
    a new city's thousands of creations are not decoded for nothing."""
    before = case((AuditEvent.action == "update", AuditEvent.before), else_=null())
    rows = session.execute(
        select(AuditEvent.entity_id, AuditEvent.action, before, AuditEvent.at)
        .where(
            AuditEvent.entity == entity,
            AuditEvent.at > moment,
            AuditEvent.action.in_(sorted(set(actions))),
        )
        .order_by(AuditEvent.id)
    )
    return [Change(e, a, b, at) for e, a, b, at in rows]


# ---------------------------------------------------------------------------- the audit log page


class AuditQuery(BaseModel):
    actor: str | None = None
    entity: str | None = None
    action: str | None = None
    since: dt.date | None = Field(None, description="A day in the city's time zone.")
    until: dt.date | None = Field(
        None, description="Inclusive: events on this day (in the city's time zone) are kept."
    )
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=1_000)


def audit_log(
    session: Session, principal: Principal, q: AuditQuery
) -> tuple[Sequence[AuditEvent], int]:
    """A page of audit events (newest first) matching ``q``, and how many match in all."""
    query = restrict(select(AuditEvent), principal, "read")
    if q.actor:
        query = query.where(AuditEvent.actor == q.actor)
    if q.entity:
        query = query.where(AuditEvent.entity == q.entity)
    if q.action:
        query = query.where(AuditEvent.action == q.action)
    # the days are the city's (its midnight, not UTC's), as every as-of view counts them; a day
    # at the calendar's very edge (0001-01-01, 9999-12-31) bounds nothing
    if q.since:
        with contextlib.suppress(OverflowError):
            start = clock.utc(dt.datetime.combine(q.since, dt.time()))
            query = query.where(AuditEvent.at >= start)
    if q.until:
        with contextlib.suppress(OverflowError):
            query = query.where(AuditEvent.at <= clock.end_of_day(q.until))
    # Not clamped: the log's page past the end stays empty, as it always did.
    page = paginate(
        session,
        query,
        q.page,
        q.per_page,
        clamp=False,
        ordered=query.order_by(AuditEvent.id.desc()),
    )
    return page.items, page.total


def audit_facets(session: Session, principal: Principal) -> dict[str, list[str]]:
    """The distinct entities, actions and actors in the log (for the filter drop-downs)."""
    base = restrict(select(AuditEvent), principal, "read").subquery()
    out: dict[str, list[str]] = {}
    for name in ("entity", "action", "actor"):
        col = base.c[name]
        out[name] = list(session.scalars(select(col).distinct().order_by(col).limit(500)))
    return out


CHUNK = 500  # entity ids per IN (...) list


class Entry(NamedTuple):
    """One audit entry, as the readers of step histories need it."""

    entity_id: str | None
    actor: str
    after: dict[str, Any] | None


def entries(
    session: Session, entity: str, entity_ids: Iterable[str], actions: Iterable[str]
) -> list[Entry]:
    """The entries of ``entity`` rows ``entity_ids`` whose action is one of ``actions``, oldest
    first (by id: the order they were written in). One query per 500 ids."""
    keys = list(dict.fromkeys(entity_ids))
    wanted = sorted(set(actions))
    out: list[Entry] = []
    for chunk in (keys[i : i + CHUNK] for i in range(0, len(keys), CHUNK)):
        rows = session.execute(
            select(AuditEvent.entity_id, AuditEvent.actor, AuditEvent.after)
            .where(
                AuditEvent.entity == entity,
                AuditEvent.entity_id.in_(chunk),
                AuditEvent.action.in_(wanted),
            )
            .order_by(AuditEvent.id)
        )
        out.extend(Entry(e, a, after) for e, a, after in rows)
    return out
