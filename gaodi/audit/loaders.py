"""What other features read of the audit log (issue [15]: features read each other through
loaders, not through another feature's models)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.audit.models import AuditEvent


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
