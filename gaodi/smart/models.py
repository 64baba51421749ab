"""Assessments (MIIT digital level, GB/T 39116 maturity), solution providers, recognitions
(benchmark enterprises, demonstration factories and workshops) and service platforms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.core.provenance import SourceCited
from gaodi.db import Base


class Assessment(Base):
    """One assessment of one enterprise on one day; kept by date so progress can be followed.

    ``answers`` holds what was answered: for a MIIT scheme ``{"items": {item: [options]},
    "scenarios": {scenario: 0..4}}``; for GB/T 39116 ``{"ratings": [{level, subdomain,
    rating}, ...]}``. ``scores`` holds what the rules computed from them (dimension scores and
    item points, or level scores), ``level`` the level reached (0 = none).
    """

    __tablename__ = "smart_assessment"
    __audited__ = True
    __table_args__ = (Index("ix_smart_assessment_history", "enterprise_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    scheme_id: Mapped[str] = mapped_column(String(48), index=True)
    scheme_version: Mapped[str] = mapped_column(String(16))
    assessed_on: Mapped[date] = mapped_column(Date, index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[float | None] = mapped_column(Float, default=None)
    level: Mapped[int] = mapped_column(Integer, default=0)
    level_name: Mapped[str] = mapped_column(String(32), default="")
    caveats: Mapped[list[str]] = mapped_column(default=list)
    assessor: Mapped[str | None] = mapped_column(String(100), default=None)  # who filled it in
    source: Mapped[str] = mapped_column(String(8), default="web")  # web / excel / api / cli / demo
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class SolutionProvider(Base):
    """A system-solution provider (智能制造系统解决方案供应商).

    ``capabilities`` are GB/T 39116 capability sub-domain codes, ``industries`` GB/T 4754 code
    prefixes it has served, ``reference_projects`` its reference projects
    (``[{"title", "client", "year"}]``), ``local`` whether it is based in the city.
    """

    __tablename__ = "smart_provider"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), default=None)
    region_code: Mapped[str | None] = mapped_column(String(6), default=None)
    local: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str | None] = mapped_column(String(32), default=None)
    capabilities: Mapped[list[str]] = mapped_column(default=list)
    industries: Mapped[list[str]] = mapped_column(default=list)
    reference_projects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recognition: Mapped[str | None] = mapped_column(String(200), default=None)
    website: Mapped[str | None] = mapped_column(String(200), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class Recognition(SourceCited, Base):
    """A recognised benchmark enterprise, demonstration factory or workshop (智能制造标杆企业 /
    示范工厂 / 示范车间), by year and level (national / provincial / municipal)."""

    __tablename__ = "smart_recognition"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)  # benchmark / factory / workshop
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True, default=None
    )
    name: Mapped[str] = mapped_column(String(200))  # the enterprise as recognised
    title: Mapped[str | None] = mapped_column(String(200), default=None)  # factory / workshop
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(String(16))  # national / provincial / municipal
    issuer: Mapped[str | None] = mapped_column(String(200), default=None)
    scenarios: Mapped[list[str]] = mapped_column(default=list)  # capability sub-domains shown
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class ServicePlatform(Base):
    """A public service platform (公共服务平台) for smart manufacturing and digitalisation."""

    __tablename__ = "smart_platform"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))  # industrial_internet / public_service / …
    level: Mapped[str] = mapped_column(String(16), default="municipal")
    operator: Mapped[str | None] = mapped_column(String(200), default=None)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    services: Mapped[list[str]] = mapped_column(default=list)
    capabilities: Mapped[list[str]] = mapped_column(default=list)
    industries: Mapped[list[str]] = mapped_column(default=list)
    local: Mapped[bool] = mapped_column(Boolean, default=True)
    url: Mapped[str | None] = mapped_column(String(200), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
