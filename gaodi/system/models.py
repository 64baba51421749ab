"""Facts about the dataset itself (is it the demo, when it was built, with which seed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from gaodi.core import dataset
from gaodi.db import Base, utcnow


class SystemInfo(Base):
    __tablename__ = "system_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, default=None)
    # the real moment the record was written, not the city's: the city's clock reads its day
    # from this record, so it cannot stamp it
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


def _dataset_record(bind: Session | Connection) -> Any:
    return bind.execute(select(SystemInfo.value).where(SystemInfo.key == "dataset")).scalar()


dataset.register_reader(_dataset_record)
