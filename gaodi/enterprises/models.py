"""Enterprises, their yearly figures, and the external pool that 招商 candidates come from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.db import Base


class Enterprise(Base):
    __tablename__ = "enterprise"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), default=None)
    park_id: Mapped[int | None] = mapped_column(
        ForeignKey("park.id", ondelete="SET NULL"), index=True, default=None
    )
    industry_code: Mapped[str | None] = mapped_column(
        ForeignKey("industry_code.code"), index=True, default=None
    )
    founded: Mapped[date | None] = mapped_column(Date, default=None)
    scope_text: Mapped[str | None] = mapped_column(Text, default=None)
    products: Mapped[str | None] = mapped_column(Text, default=None)
    # srdi (专精特新), little_giant (小巨人), champion (单项冠军), leader (头羊), high_tech …
    tags: Mapped[list[str]] = mapped_column(default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class EnterpriseYear(Base):
    """An enterprise's figures for one year. Money in 万元, energy in tce, land in mu."""

    __tablename__ = "enterprise_year"
    __audited__ = True
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer, index=True)
    revenue: Mapped[float | None] = mapped_column(Float, default=None)  # 营业收入
    main_revenue: Mapped[float | None] = mapped_column(Float, default=None)  # 主营业务收入
    output: Mapped[float | None] = mapped_column(Float, default=None)  # 工业总产值
    value_added: Mapped[float | None] = mapped_column(Float, default=None)  # 工业增加值
    tax: Mapped[float | None] = mapped_column(Float, default=None)  # 税收 (评价税收)
    profit: Mapped[float | None] = mapped_column(Float, default=None)
    employees: Mapped[int | None] = mapped_column(Integer, default=None)
    rd_spend: Mapped[float | None] = mapped_column(Float, default=None)
    invention_patents: Mapped[int | None] = mapped_column(Integer, default=None)
    land_mu: Mapped[float | None] = mapped_column(Float, default=None)
    energy_tce: Mapped[float | None] = mapped_column(Float, default=None)
    electricity_mwh: Mapped[float | None] = mapped_column(Float, default=None)
    emissions_t: Mapped[float | None] = mapped_column(Float, default=None)  # 主要污染物排放量
    debt_ratio: Mapped[float | None] = mapped_column(Float, default=None)  # 资产负债率, 0..1
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # other criteria figures


class ExternalEnterprise(Base):
    """An enterprise outside the city: the pool 招商 (attraction) candidates are ranked from."""

    __tablename__ = "external_enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), default=None)
    industry_code: Mapped[str | None] = mapped_column(
        ForeignKey("industry_code.code"), index=True, default=None
    )
    scope_text: Mapped[str | None] = mapped_column(Text, default=None)
    revenue: Mapped[float | None] = mapped_column(Float, default=None)
    revenue_growth: Mapped[float | None] = mapped_column(Float, default=None)
    invention_patents: Mapped[int | None] = mapped_column(Integer, default=None)
    employees: Mapped[int | None] = mapped_column(Integer, default=None)
    tags: Mapped[list[str]] = mapped_column(default=list)
    # ids of local enterprises it supplies or buys from (known business ties)
    partner_ids: Mapped[list[int]] = mapped_column(default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


# ---------------------------------------------------------------------------- tier facts

#: Where a tier fact comes from: the statistics office's figures, the enterprise's own word
#: (an approved 申报 or an import of declared figures), or a certificate the bureau has seen.
FACT_SOURCES = ("statistics", "self_declared", "certified")


class TierFact(Base):
    """One input of the tier rule sets (a field of ``rules/tiers/_fields.yaml`` that the yearly
    figures do not give) for one enterprise and year, with its source.

    No row means the fact is unknown (missing), never "no": a yes/no fact is stored as 1 or 0.
    """

    __tablename__ = "tier_fact"
    __audited__ = True
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer, index=True)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    # the approved declaration the value came from (None: entered or imported by an office)
    declaration_id: Mapped[int | None] = mapped_column(
        ForeignKey("tier_declaration.id", ondelete="SET NULL"), default=None
    )
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class TierDeclaration(Base):
    """An enterprise's 申报 of its tier facts for one year: filled in and submitted by the
    enterprise, returned (with a reason) or approved by the bureau or its park office. Only an
    approved declaration writes :class:`TierFact` rows (source ``self_declared``)."""

    __tablename__ = "tier_declaration"
    __audited__ = True
    # one open declaration per enterprise and year, held by the database too: two people
    # opening one at the same moment both pass the service's check (a partial unique index,
    # SQLite and PostgreSQL alike; approved declarations of a year may be many)
    __table_args__ = (
        Index(
            "uq_tier_declaration_open",
            "enterprise_id",
            "year",
            unique=True,
            sqlite_where=text("status IN ('draft', 'submitted', 'returned')"),
            postgresql_where=text("status IN ('draft', 'submitted', 'returned')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    # draft / submitted / returned / approved
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # field -> value as declared (numbers; yes/no as true/false)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    return_reason: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class TierDeclarationEvent(Base):
    """One step of a declaration: who, when, from and to which status, what changed."""

    __tablename__ = "tier_declaration_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("tier_declaration.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str | None] = mapped_column(String(16), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    # field -> [before, after]
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TierEvidence(Base):
    """A file backing a tier fact (a certificate, an award notice …), stored under
    ``<data_dir>/attachments/tier`` like the appeals' attachments; attached to a declaration
    or, by an office, directly to an enterprise-year fact."""

    __tablename__ = "tier_evidence"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64), default=None)
    declaration_id: Mapped[int | None] = mapped_column(
        ForeignKey("tier_declaration.id", ondelete="CASCADE"), index=True, default=None
    )
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(200))  # relative to the attachments dir
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str | None] = mapped_column(String(64), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class TierAward(Base):
    """One science and technology award (科技奖励) of an enterprise: the list the tier rules read
    "近三年获得省级科技奖励并在获奖单位中排名前三" and the like from (gaodi.enterprises.tier_lists).

    ``level`` is national / provincial / municipal / other, ``grade`` the award's class
    (special / first / second / third, None when the award has none) and ``unit_rank`` the
    enterprise's place among the winning units (获奖单位排名, 1 = first), which is what the
    rules' "排名前三/前五" count."""

    __tablename__ = "tier_award"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str | None] = mapped_column(String(16), default=None)
    unit_rank: Mapped[int | None] = mapped_column(Integer, default=None)
    source: Mapped[str] = mapped_column(String(16))
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class TierHonour(Base):
    """One honour (荣誉/称号) of an enterprise with its validity: 专精特新"小巨人", 单项冠军,
    省级专精特新, 创新型中小企业, 高新技术企业 … An honour is in force on a day when
    valid_from <= day <= valid_to (an open end: no expiry given)."""

    __tablename__ = "tier_honour"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, default=None)
    source: Mapped[str] = mapped_column(String(16))
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class IndustryMargin(Base):
    """An industry's profit margin (营业收入利润率 = 利润总额 / 营业收入) of a year with where it is
    published: what "盈利能力高于行业水平" compares a firm's own margin with. ``industry_code`` is
    a GB/T 4754 code at any depth (the longest prefix of a firm's code is used)."""

    __tablename__ = "industry_margin"
    __audited__ = True
    __table_args__ = (UniqueConstraint("industry_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    industry_code: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    margin: Mapped[float] = mapped_column(Float)
    source_name: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500), default=None)
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
