"""Reads other features make of the audit log: the entries written with their workflow steps.

Some facts live only in the log (the department an appeal was handed to at each step, the
value a challenge score had before it was changed); the features that rebuild an as-of state
from them read the entries here rather than query the log's table themselves. These reads
serve derived values the caller shows within its own row scope (the caller picked the entity
ids through :func:`gaodi.core.permissions.restrict`), as they did before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.audit.models import AuditEvent

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
