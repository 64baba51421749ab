"""Major projects (重大项目), 揭榜挂帅 challenges and enterprise appeals (诉求).

Money in 万元. Each workflow object keeps its current ``status`` (or ``stage``) and an event
table with every transition (who, when, from, to, comment) for its history page; each
transition is also written to the audit log.
"""

from __future__ import annotations

from datetime import date, datetime

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
)
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.db import Base

# ---------------------------------------------------------------------------- projects


class Project(Base):
    """A major project: the investment that fills (or strengthens) a chain link."""

    __tablename__ = "project"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id", ondelete="RESTRICT"), index=True)
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("link.id", ondelete="SET NULL"), index=True, default=None
    )
    park_id: Mapped[int | None] = mapped_column(
        ForeignKey("park.id", ondelete="SET NULL"), index=True, default=None
    )
    investor_name: Mapped[str] = mapped_column(String(200))
    investor_uscc: Mapped[str | None] = mapped_column(String(18), default=None)
    total_investment: Mapped[float] = mapped_column(Float)  # 万元
    # signed 签约 / started 开工 / producing 投产 / full_output 达效
    stage: Mapped[str] = mapped_column(String(16), default="signed", index=True)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class ProjectStage(Base):
    """A stage's planned and actual dates (one row per project and stage)."""

    __tablename__ = "project_stage"
    __audited__ = True
    __table_args__ = (UniqueConstraint("project_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    planned_on: Mapped[date | None] = mapped_column(Date, default=None)
    actual_on: Mapped[date | None] = mapped_column(Date, default=None)


class ProjectYearPlan(Base):
    """Annual planned investment (年度计划投资) of a project, 万元."""

    __tablename__ = "project_year_plan"
    __audited__ = True
    __table_args__ = (UniqueConstraint("project_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Float)


class ProjectProgress(Base):
    """Investment completed in one month (当月完成投资), 万元."""

    __tablename__ = "project_progress"
    __audited__ = True
    __table_args__ = (UniqueConstraint("project_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    amount: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    reported_by: Mapped[str | None] = mapped_column(String(64), default=None)
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class ProjectEvent(Base):
    """A project's history: creation and stage advances."""

    __tablename__ = "project_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str | None] = mapped_column(String(16), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)


# ---------------------------------------------------------------------------- challenges


class Challenge(Base):
    """A 揭榜挂帅 call: a named key-technology problem put out for open competition."""

    __tablename__ = "challenge"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id", ondelete="RESTRICT"), index=True)
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("link.id", ondelete="SET NULL"), default=None
    )
    requirements: Mapped[str | None] = mapped_column(Text, default=None)
    budget: Mapped[float] = mapped_column(Float)  # 万元
    deadline: Mapped[date] = mapped_column(Date)  # last day to apply
    # published / review / awarded / executing / accepted / failed / cancelled
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    published_on: Mapped[date | None] = mapped_column(Date, default=None)
    award_reason: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class ChallengeApplication(Base):
    """An application (揭榜) to a challenge."""

    __tablename__ = "challenge_application"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_uscc: Mapped[str | None] = mapped_column(String(18), default=None)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), default=None
    )
    proposal: Mapped[str] = mapped_column(Text)
    requested_budget: Mapped[float | None] = mapped_column(Float, default=None)
    # submitted / awarded / not_awarded
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class ChallengeReviewer(Base):
    """A member of a challenge's review panel, acting through the account ``username``.

    A membership has a history: it starts at ``added_at`` and, when the office takes the
    reviewer off the panel, ends at ``removed_at`` with a ``removal_reason``. The row and its
    declarations and scores are kept, so a past day's view shows the panel as it was; only the
    current review leaves a removed reviewer out. One membership per account and challenge: a
    removed reviewer cannot rejoin (their declarations are final once made).
    """

    __tablename__ = "challenge_reviewer"
    __audited__ = True
    __table_args__ = (UniqueConstraint("challenge_id", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    username: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    affiliation: Mapped[str | None] = mapped_column(String(200), default=None)
    # nullable only because SQLite cannot add a NOT NULL column without a constant default and
    # rebuilding the table would cascade-delete its declarations and scores: migration 0012
    # fills every existing row and every new one gets the clock's now; a missing value reads
    # as "on the panel from the challenge's start"
    added_at: Mapped[datetime | None] = mapped_column(DateTime, default=clock.now)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    removal_reason: Mapped[str | None] = mapped_column(Text, default=None)


class ChallengeDeclaration(Base):
    """A reviewer's conflict-of-interest declaration (利益冲突声明) for one application."""

    __tablename__ = "challenge_declaration"
    __audited__ = True
    __table_args__ = (UniqueConstraint("reviewer_id", "application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_reviewer.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_application.id", ondelete="CASCADE"), index=True
    )
    has_conflict: Mapped[bool] = mapped_column(Boolean)
    statement: Mapped[str | None] = mapped_column(Text, default=None)
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class ChallengeScore(Base):
    """A reviewer's score (0-100) of one application."""

    __tablename__ = "challenge_score"
    __audited__ = True
    __table_args__ = (UniqueConstraint("reviewer_id", "application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_reviewer.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_application.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class ChallengeMilestone(Base):
    """A milestone of the awarded work (攻关节点) with its due date."""

    __tablename__ = "challenge_milestone"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ChallengeEvent(Base):
    __tablename__ = "challenge_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str | None] = mapped_column(String(16), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)


# ---------------------------------------------------------------------------- appeals


class Appeal(Base):
    """An enterprise's problem (诉求) routed to a department until the enterprise confirms.

    ``limit_start_on`` is the day the current time limit started (receipt, assignment or
    reopening); ``due_on`` is its last day and ``escalate_on`` the last day before level 2
    (twice the limit). Both are set by the service from the rules file and stored so that lists
    can filter on them in SQL.
    """

    __tablename__ = "appeal"
    __audited__ = True
    __table_args__ = (Index("ix_appeal_open_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    chain_id: Mapped[int | None] = mapped_column(
        ForeignKey("chain.id", ondelete="SET NULL"), index=True, default=None
    )
    category: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    # received / assigned / in_progress / resolved / reopened / confirmed
    status: Mapped[str] = mapped_column(String(16), default="received")
    department: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    time_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    limit_unit: Mapped[str | None] = mapped_column(String(16), default=None)
    rules_version: Mapped[str | None] = mapped_column(String(16), default=None)
    limit_start_on: Mapped[date | None] = mapped_column(Date, default=None)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    escalate_on: Mapped[date | None] = mapped_column(Date, default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)


class AppealAttachment(Base):
    """A file attached to an appeal, stored under ``<data_dir>/attachments``."""

    __tablename__ = "appeal_attachment"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(200))  # relative to the attachments dir
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str | None] = mapped_column(String(64), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class AppealEvent(Base):
    __tablename__ = "appeal_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str | None] = mapped_column(String(16), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
