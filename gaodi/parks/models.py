"""Industrial parks (产业园区)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.core.provenance import SourceCited
from gaodi.db import Base


class Park(SourceCited, Base):
    __tablename__ = "park"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(100), default=None)
    level: Mapped[str] = mapped_column(
        String(16), default="provincial"
    )  # national/provincial/other
    kind: Mapped[str | None] = mapped_column(String(16), default=None)  # etdz / htz / other
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), default=None)
    area_mu: Mapped[float | None] = mapped_column(Float, default=None)
    founded_year: Mapped[int | None] = mapped_column(Integer, default=None)
    main_industries: Mapped[list[str]] = mapped_column(default=list)
    special_industries: Mapped[list[str]] = mapped_column(default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
