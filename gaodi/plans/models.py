"""Plans, their actions, indicators, targets and observations (with revision history)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

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
    and_,
    func,
    select,
)
from sqlalchemy import (
    false as sa_false,
)
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core import clock
from gaodi.core.selects import AnySelect
from gaodi.db import Base


class Plan(Base):
    __tablename__ = "plan"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), default=None)
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft / adopted
    source_name: Mapped[str | None] = mapped_column(String(300), default=None)
    source_text: Mapped[str | None] = mapped_column(Text, default=None)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    adopted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class Action(Base):
    __tablename__ = "action"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text, default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Indicator(Base):
    """A measured quantity. Money indicators are stored in 万元 with the unit stated here."""

    __tablename__ = "indicator"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    # cumulative (within the year) / point (point-in-time) / average
    aggregation: Mapped[str] = mapped_column(String(16), default="cumulative")
    direction: Mapped[str] = mapped_column(String(8), default="higher")  # higher / lower
    kind: Mapped[str] = mapped_column(String(16), default="level")  # level / growth / count
    owner: Mapped[str | None] = mapped_column(String(100), default=None)  # department / office
    frequency: Mapped[str] = mapped_column(
        String(16), default="monthly"
    )  # monthly/quarterly/yearly
    deadline_day: Mapped[int] = mapped_column(Integer, default=5)  # day of the following month
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Target(Base):
    __tablename__ = "target"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), default=None
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="SET NULL"), index=True, default=None
    )
    indicator_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(16), default="city")  # city/chain/park/cluster/…
    scope_id: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float, default=None)
    unit: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    comparator: Mapped[str] = mapped_column(String(4), default=">=")
    baseline: Mapped[float | None] = mapped_column(Float, default=None)
    baseline_year: Mapped[int | None] = mapped_column(Integer, default=None)
    quote: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # how the target is judged (gaodi.plans.paths): auto (the rule file infers linear, compound
    # or milestone), or stated by the plan text or a reviewer: linear / compound / milestone
    path: Mapped[str] = mapped_column(String(12), default="auto", server_default="auto")
    # as the plan's text states them (gaodi.text): the class of what a count counts ('千亿级' in
    # '打造2个千亿级集群') and whether the value holds for each year (年均/每年)
    size_class: Mapped[str | None] = mapped_column(String(16), default=None)
    annual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class QualitativeGoal(Base):
    __tablename__ = "qualitative_goal"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), default=None
    )
    verb: Mapped[str] = mapped_column(String(32))
    object: Mapped[str] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text, default=None)


class Observation(Base):
    """A reported value. Never overwritten: a correction is a new revision; reads take the latest.

    ``scope``/``scope_id`` say what the value is for (city 0, a chain, a park …); ``kind`` is
    cumulative (within-year running total), current (the period alone) or yoy (growth, %).
    """

    __tablename__ = "observation"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("indicator_id", "scope", "scope_id", "period", "kind", "revision"),
        Index("ix_observation_series", "indicator_id", "scope", "scope_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(16), default="city")
    scope_id: Mapped[int] = mapped_column(Integer, default=0)
    period: Mapped[str] = mapped_column(String(7))  # YYYY, YYYY-Qn or YYYY-MM
    value: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(12), default="cumulative")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # expected / submitted / approved / returned
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    submitted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    source: Mapped[str | None] = mapped_column(String(200), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


S = TypeVar("S", bound=AnySelect)


def latest_revisions(query: S) -> S:
    """``query`` (which reads Observation) kept to the newest revision of each value: joined
    to the highest ``revision`` per (indicator, scope, scope_id, period, kind)."""
    key = (
        Observation.indicator_id,
        Observation.scope,
        Observation.scope_id,
        Observation.period,
        Observation.kind,
    )
    newest = (
        select(*key, func.max(Observation.revision).label("revision")).group_by(*key).subquery()
    )
    same = and_(*(c == newest.c[c.key] for c in key), Observation.revision == newest.c.revision)
    return query.join(newest, same)  # type: ignore[return-value]


class Submission(Base):
    """The reporting state of one series and period: expected → submitted → approved / returned.

    A row appears at the first transition; a period with no row is *expected* (or, for data
    that arrived by bulk import or the demo builder, takes the status of its latest
    observation). Approved means locked: only an administrator can unlock, with a reason.
    """

    __tablename__ = "submission"
    __audited__ = True
    __table_args__ = (UniqueConstraint("indicator_id", "scope", "scope_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(16), default="city")
    scope_id: Mapped[int] = mapped_column(Integer, default=0)
    period: Mapped[str] = mapped_column(String(7))
    # expected / submitted / approved / returned
    status: Mapped[str] = mapped_column(String(12), default="expected")
    revision: Mapped[int] = mapped_column(Integer, default=0)  # latest observation revision
    submitted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class SubmissionEvent(Base):
    """One transition of a submission (append-only history shown on the review pages)."""

    __tablename__ = "submission_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # submit / approve / return / unlock
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str | None] = mapped_column(Text, default=None)


class ValidationRule(Base):
    """A user-defined check run on submission, written in the small rule language of
    :mod:`gaodi.plans.rulelang` (e.g. ``sum(chain_output@park) <= chain_output@city``)."""

    __tablename__ = "validation_rule"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    expression: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(8), default="warning")  # warning / error
    description: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
