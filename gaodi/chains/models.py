"""Industrial chains (产业链), their links (环节) and enterprise-to-link assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.core.provenance import SourceCited
from gaodi.db import Base


class Chain(SourceCited, Base):
    __tablename__ = "chain"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str | None] = mapped_column(String(16), default=None)  # advantage/emerging/service
    office: Mapped[str | None] = mapped_column(String(200), default=None)
    chief: Mapped[str | None] = mapped_column(String(100), default=None)
    # confirmed: the name is in a public source; assumed: taken from the plan's sectors
    name_status: Mapped[str] = mapped_column(String(16), default="assumed")
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class Link(Base):
    """A node of a chain's tree: segment (up/mid/down) -> link -> sub-link."""

    __tablename__ = "link"
    __audited__ = True
    __table_args__ = (UniqueConstraint("chain_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("link.id", ondelete="CASCADE"), index=True, default=None
    )
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    segment: Mapped[str] = mapped_column(String(8))  # up / mid / down
    industry_codes: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    exclude_keywords: Mapped[list[str]] = mapped_column(default=list)
    key_link: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str | None] = mapped_column(Text, default=None)


class EnterpriseLink(Base):
    """An enterprise attached to a link, by rule or by hand, with its history.

    A row is current while ``valid_to`` is null. A manual row wins over rules: re-mapping never
    touches an enterprise/link pair that has a current manual row; ``excluded`` marks a manual
    "does not belong here".
    """

    __tablename__ = "enterprise_link"
    __audited__ = True
    __table_args__ = (
        Index("ix_enterprise_link_current", "link_id", "valid_to"),
        Index("ix_enterprise_link_enterprise", "enterprise_id", "valid_to"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    link_id: Mapped[int] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8))  # rule / manual
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    # the city's clock: a membership starts on the city's day, which the views and reports read
    valid_from: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    valid_to: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_by: Mapped[str | None] = mapped_column(String(64), default=None)


class LinkProposal(Base):
    """A chain office's proposal to put an enterprise on one of its links (拟挂链).

    A chain office reads only the enterprises on its chains, so adding one must not be a way to
    read a firm's figures: the office picks the firm from the directory (name, USCC, industry,
    park, region), the proposal waits as ``pending`` and only when the bureau (admin or analyst)
    approves it does a manual :class:`EnterpriseLink` row attach the firm, widening the office's
    scope. ``rejected`` and ``approved`` proposals are kept as the record of who decided.
    """

    __tablename__ = "link_proposal"
    __audited__ = True
    __table_args__ = (Index("ix_link_proposal_link_status", "link_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/approved/rejected
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    decided_by: Mapped[str | None] = mapped_column(String(64), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)
