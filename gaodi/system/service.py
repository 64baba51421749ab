"""What the database holds (the overview page) and the audit log as a searchable list.

Every count goes through :func:`gaodi.core.permissions.restrict`, so a chain office's overview
counts its own chain's enterprises, and an entity the role may not read is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.accounts.models import User
from gaodi.audit.models import AuditEvent
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.clusters.models import Cluster
from gaodi.core.errors import PermissionDenied
from gaodi.core.pagination import paginate
from gaodi.core.periods import end_month
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises.models import Enterprise, EnterpriseYear, ExternalEnterprise
from gaodi.parks.models import Park
from gaodi.plans.models import Indicator, Observation, Plan, Target
from gaodi.system.models import SystemInfo

#: 规模以上工业企业: industrial enterprises with annual main-business revenue of 20 million
#: yuan (2000 万元) or more — the National Bureau of Statistics' threshold since 2011 (its
#: statistical term "规模以上工业"; the project glossary's ``above_scale``). No URL verified here.
#: The demo data has no main_revenue for some rows, so revenue stands in where it is missing.
ABOVE_SCALE_REVENUE_WAN = 2000.0

#: (key, model) of the entities the overview counts, in display order.
COUNTED: tuple[tuple[str, type], ...] = (
    ("enterprises", Enterprise),
    ("parks", Park),
    ("chains", Chain),
    ("links", Link),
    ("clusters", Cluster),
    ("plans", Plan),
    ("targets", Target),
    ("indicators", Indicator),
    ("observations", Observation),
    ("external_enterprises", ExternalEnterprise),
    ("users", User),
)


class EntityCount(BaseModel):
    key: str = Field(description="Entity key, e.g. enterprises, above_scale, parks.")
    count: int


class AsOf(BaseModel):
    latest_enterprise_year: int | None = Field(None, description="Newest year of figures.")
    latest_observation_period: str | None = Field(None, description="Newest reported period.")
    dataset_built_at: str | None = Field(None, description="When the dataset was built (UTC).")
    dataset_size: str | None = None
    dataset_seed: int | None = None


class ChartBar(BaseModel):
    label: str
    value: int


class OverviewChart(BaseModel):
    by: str = Field(description="chain (enterprises per chain) or park (enterprises per park).")
    bars: list[ChartBar]


class OverviewData(BaseModel):
    is_demo: bool
    counts: list[EntityCount]
    as_of: AsOf
    chart: OverviewChart


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _readable(query: Select[Any], principal: Principal) -> Select[Any] | None:
    try:
        return restrict(query, principal, "read")
    except PermissionDenied:
        return None


def data_version(session: Session) -> int:
    """The data's version (:func:`gaodi.audit.service.data_version`): caches of derived views
    are valid while it stays the same. Not user data: no restrict."""
    from gaodi.audit.service import data_version as version

    return version(session)


def dataset_info(session: Session) -> dict[str, Any]:
    row = session.get(SystemInfo, "dataset")
    return row.value if row is not None and isinstance(row.value, dict) else {}


def is_demo(session: Session) -> bool:
    return bool(dataset_info(session).get("demo"))


def _latest_year(session: Session, principal: Principal) -> int | None:
    query = _readable(select(EnterpriseYear.year), principal)
    if query is None:
        return None
    return session.scalar(select(func.max(query.subquery().c.year)))


def _latest_period(session: Session, principal: Principal) -> str | None:
    query = _readable(select(Observation.period), principal)
    if query is None:
        return None
    column = query.subquery().c.period
    periods = [p for p in session.scalars(select(column).distinct()) if p]
    valid = []
    for period in periods:
        try:
            valid.append((end_month(period), len(period), period))
        except Exception:  # a malformed period must not break the overview
            continue
    return max(valid)[2] if valid else None


def _above_scale(session: Session, principal: Principal, year: int | None) -> int | None:
    ents = _readable(select(Enterprise.id), principal)
    if ents is None or year is None:
        return None
    revenue = func.coalesce(EnterpriseYear.main_revenue, EnterpriseYear.revenue)
    query = select(EnterpriseYear.enterprise_id).where(
        EnterpriseYear.year == year, revenue >= ABOVE_SCALE_REVENUE_WAN
    )
    if principal.is_scoped:
        query = query.where(EnterpriseYear.enterprise_id.in_(ents))
    return _count(session, query)


def _chart(session: Session, principal: Principal) -> OverviewChart:
    chains = _readable(select(Chain.id, Chain.name), principal)
    ents = _readable(select(Enterprise.id), principal)
    if chains is not None and ents is not None:
        visible = session.execute(chains.order_by(Chain.id)).all()
        if visible:
            query = (
                select(Link.chain_id, func.count(distinct(EnterpriseLink.enterprise_id)))
                .join(EnterpriseLink, EnterpriseLink.link_id == Link.id)
                .where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.excluded.is_(False))
                .where(Link.chain_id.in_([cid for cid, _ in visible]))
                .group_by(Link.chain_id)
            )
            if principal.is_scoped:
                query = query.where(EnterpriseLink.enterprise_id.in_(ents))
            counts = dict(session.execute(query).all())
            bars = [ChartBar(label=name, value=int(counts.get(cid, 0))) for cid, name in visible]
            bars.sort(key=lambda b: (-b.value, b.label))
            return OverviewChart(by="chain", bars=bars)
    parks = _readable(select(Park.id, Park.name), principal)
    if parks is not None and ents is not None:
        visible = session.execute(parks.order_by(Park.id)).all()
        query = (
            select(Enterprise.park_id, func.count(Enterprise.id))
            .where(Enterprise.park_id.is_not(None))
            .group_by(Enterprise.park_id)
        )
        if principal.is_scoped:
            query = query.where(Enterprise.id.in_(ents))
        counts = dict(session.execute(query).all())
        bars = [ChartBar(label=name, value=int(counts.get(pid, 0))) for pid, name in visible]
        bars.sort(key=lambda b: (-b.value, b.label))
        return OverviewChart(by="park", bars=bars)
    return OverviewChart(by="chain", bars=[])


def overview(session: Session, principal: Principal) -> OverviewData:
    """Counts by entity, as-of dates and enterprises per chain (or park), as ``principal`` sees."""
    counts: list[EntityCount] = []
    latest_year = _latest_year(session, principal)
    for key, model in COUNTED:
        query = _readable(select(model), principal)
        if query is None:
            continue
        counts.append(EntityCount(key=key, count=_count(session, query)))
        if key == "enterprises":
            above = _above_scale(session, principal, latest_year)
            if above is not None:
                counts.append(EntityCount(key="above_scale", count=above))
    info = dataset_info(session)
    seed = info.get("seed")
    as_of = AsOf(
        latest_enterprise_year=latest_year,
        latest_observation_period=_latest_period(session, principal),
        dataset_built_at=str(info["built_at"]) if info.get("built_at") else None,
        dataset_size=str(info["size"]) if info.get("size") else None,
        dataset_seed=seed if isinstance(seed, int) else None,
    )
    return OverviewData(
        is_demo=bool(info.get("demo")),
        counts=counts,
        as_of=as_of,
        chart=_chart(session, principal),
    )


# ---------------------------------------------------------------------------- audit log


class AuditQuery(BaseModel):
    actor: str | None = None
    entity: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = Field(None, description="Inclusive: events on this day are kept.")
    page: int = 1
    per_page: int = 50


def audit_log(
    session: Session, principal: Principal, q: AuditQuery
) -> tuple[Sequence[AuditEvent], int]:
    """A page of audit events (newest first) matching ``q``, and how many match in all."""
    query = restrict(select(AuditEvent), principal, "read")
    if q.actor:
        query = query.where(AuditEvent.actor == q.actor)
    if q.entity:
        query = query.where(AuditEvent.entity == q.entity)
    if q.action:
        query = query.where(AuditEvent.action == q.action)
    if q.since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(q.since, dt.time()))
    if q.until:
        end = dt.datetime.combine(q.until, dt.time()) + dt.timedelta(days=1)
        query = query.where(AuditEvent.at < end)
    # Not clamped: the log's page past the end stays empty, as it always did.
    page = paginate(
        session,
        query,
        q.page,
        q.per_page,
        clamp=False,
        ordered=query.order_by(AuditEvent.id.desc()),
    )
    return page.items, page.total


def audit_facets(session: Session, principal: Principal) -> dict[str, list[str]]:
    """The distinct entities, actions and actors in the log (for the filter drop-downs)."""
    base = restrict(select(AuditEvent), principal, "read").subquery()
    out: dict[str, list[str]] = {}
    for name in ("entity", "action", "actor"):
        col = base.c[name]
        out[name] = list(session.scalars(select(col).distinct().order_by(col).limit(500)))
    return out
