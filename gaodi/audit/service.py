"""The audit log: every change through the ORM is recorded (who, when, what, before, after).

Models that set ``__audited__ = True`` are watched by a session listener installed at import
time: inserts, updates and deletes of their rows become :class:`AuditEvent` rows in the same
transaction, so a change and its audit entry commit or roll back together. Bulk work outside
the ORM (the demo builder, imports) records one summary event with :func:`record`.
Events are stamped on the city's clock (:func:`gaodi.core.clock.now`), as the workflow
histories are: what a user did on the city's today is logged on that day. The security timers
(sign-in throttle, lock-outs, session and token expiry) never read this log: they keep real
time in their own tables.
The table is append-only; the database refuses UPDATE and DELETE on it (see the migration).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from gaodi.audit.models import AuditEvent
from gaodi.core import clock, dataset

SYSTEM_ACTOR = "system"
#: The audit table for Core inserts (the metadata's ``Table``: a mapped class's ``__table__``
#: is typed as a plain ``FromClause``, which ``insert()`` does not accept).
_TABLE = AuditEvent.metadata.tables[AuditEvent.__tablename__]


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _columns(obj: Any) -> list[str]:
    excluded: Collection[str] = getattr(obj, "__audit_exclude__", frozenset())
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def snapshot(obj: Any) -> dict[str, Any]:
    """The audited column values of an ORM object, JSON-ready."""
    return {key: _plain(getattr(obj, key)) for key in _columns(obj)}


def _identity(obj: Any) -> str:
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj)
    return ",".join("" if i is None else str(i) for i in ident)


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        before[key] = _plain(old)
        after[key] = _plain(new)
    return before, after


def _now(session: Session) -> dt.datetime:
    """The city's clock for the database ``session`` writes to: its own dataset record, read on
    the session's connection (no second connection to the database is opened for the date)."""
    return clock.now(dataset.record(session.connection()))


def _after_flush(session: Session, _ctx: Any) -> None:
    actor = session.info.get("actor") or SYSTEM_ACTOR
    rows: list[dict[str, Any]] = []
    if not any(
        getattr(o, "__audited__", False) for o in (*session.new, *session.dirty, *session.deleted)
    ):
        return
    now = _now(session)
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(
                {
                    "at": now,
                    "actor": actor,
                    "entity": obj.__tablename__,
                    "entity_id": _identity(obj),
                    "action": "create",
                    "before": None,
                    "after": snapshot(obj),
                }
            )
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                rows.append(
                    {
                        "at": now,
                        "actor": actor,
                        "entity": obj.__tablename__,
                        "entity_id": _identity(obj),
                        "action": "update",
                        "before": before,
                        "after": after,
                    }
                )
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(
                {
                    "at": now,
                    "actor": actor,
                    "entity": obj.__tablename__,
                    "entity_id": _identity(obj),
                    "action": "delete",
                    "before": snapshot(obj),
                    "after": None,
                }
            )
    if rows:
        session.connection().execute(insert(_TABLE), rows)


def _refuse_change(_mapper: Any, _conn: Any, _target: Any) -> None:
    raise RuntimeError("The audit log is append-only.")


_installed = False


def install() -> None:
    """Install the audit listener on every Session (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(AuditEvent, "before_update", _refuse_change)
    event.listen(AuditEvent, "before_delete", _refuse_change)
    _installed = True


#: audit entities that record who may do what, not the data: a log-in, a language switch, a token
#: or a changed scope changes no figure (a cache keyed by the principal already tells scopes apart)
NOT_DATA = ("user_account", "user_scope", "api_token", "login_throttle")


def data_version(session: Session) -> int:
    """A number that grows with every change to the data: the id of the newest audit event that
    is not account bookkeeping (:data:`NOT_DATA`).

    Every ORM change and every bulk load writes an audit event, so caches of derived views (the
    overview, the chain summary) are valid while this number stays the same, and users signing
    in do not clear them. The newest events are read first, so the query stops at the first
    data event instead of scanning the log.
    """
    query = (
        select(AuditEvent.id)
        .where(AuditEvent.entity.not_in(NOT_DATA))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return int(session.scalar(query) or 0)


def record(
    session: Session,
    entity: str,
    action: str,
    *,
    entity_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    actor: str | None = None,
) -> None:
    """Write one explicit audit event (imports, bulk jobs, logins, workflow transitions)."""
    session.execute(
        insert(_TABLE),
        [
            {
                "at": _now(session),
                "actor": actor or session.info.get("actor") or SYSTEM_ACTOR,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "before": _plain(before) if before is not None else None,
                "after": _plain(after) if after is not None else None,
                "note": note,
            }
        ],
    )


def events(
    session: Session,
    *,
    entity: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    entity_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[AuditEvent]:
    """Audit events, newest first, filtered."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return session.scalars(query.limit(limit).offset(offset)).all()


install()


def record_many(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """:func:`record` for many events in one statement (a batch use case's workflow steps).

    Each event has the keyword arguments of :func:`record` (``entity``, ``action``,
    ``entity_id``, ``before``, ``after``, ``note``, ``actor``)."""
    if not events:
        return
    now = _now(session)
    default = session.info.get("actor") or SYSTEM_ACTOR
    rows = [
        {
            "at": now,
            "actor": e.get("actor") or default,
            "entity": e["entity"],
            "entity_id": e.get("entity_id"),
            "action": e["action"],
            "before": _plain(e["before"]) if e.get("before") is not None else None,
            "after": _plain(e["after"]) if e.get("after") is not None else None,
            "note": e.get("note"),
        }
        for e in events
    ]
    session.execute(insert(_TABLE), rows)


def record_created(session: Session, model: type, rows: Sequence[Any]) -> None:
    """The ``create`` entries the ORM listener writes, for rows of ``model`` inserted with a
    Core statement (``rows``: every column of each, as RETURNING gives them, or a mapping of
    them), in one statement.
    """
    if not rows or not getattr(model, "__audited__", False):
        return
    excluded: Collection[str] = getattr(model, "__audit_exclude__", frozenset())
    mapper: Any = inspect(model)
    keys = [(c.key, c.columns[0].name) for c in mapper.column_attrs if c.key not in excluded]
    ident = [c.name for c in mapper.primary_key]
    actor = session.info.get("actor") or SYSTEM_ACTOR
    now = _now(session)
    entries = []
    for row in rows:
        values = getattr(row, "_mapping", row)
        entries.append(
            {
                "at": now,
                "actor": actor,
                "entity": model.__tablename__,  # type: ignore[attr-defined]
                "entity_id": ",".join(str(values[c]) for c in ident),
                "action": "create",
                "before": None,
                "after": {key: _plain(values[name]) for key, name in keys},
            }
        )
    session.connection().execute(insert(_TABLE), entries)
