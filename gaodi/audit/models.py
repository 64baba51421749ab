"""The append-only audit log. Rows are inserted, never updated or deleted (triggers enforce it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: naive UTC on the city's clock (gaodi.core.clock.now): the same time the object's own
    #: history gives the same action, so the log can be read by the city's dates
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(32))  # create / update / delete / import / …
    before: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
