"""Code lists (regions GB/T 2260, industries GB/T 4754-2017) and the peer-city panel."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.db import Base


class Region(Base):
    """An administrative division (GB/T 2260): province, prefecture or county level."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # province / prefecture / county
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True, default=None
    )


class IndustryCode(Base):
    """GB/T 4754-2017: 门类 (section, a letter), 大类 (2), 中类 (3), 小类 (4 digits)."""

    __tablename__ = "industry_code"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # section / division / group / class
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("industry_code.code"), index=True, default=None
    )


class PanelValue(Base):
    """One cell of a region x industry x year panel (peer cities; regional analytics input)."""

    __tablename__ = "panel_value"
    __table_args__ = (UniqueConstraint("region_code", "industry_code", "year", "measure"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry_code.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(32))  # output / employment / value_added …
    value: Mapped[float] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
