"""What the database holds (the overview page) and the audit log as a searchable list.

Every count goes through :func:`gaodi.core.permissions.restrict`, so a chain office's overview
counts its own chain's enterprises, and an entity the role may not read is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.analytics.above_scale import is_above_scale
from gaodi.analytics.rulefiles import above_scale_revenue_wan
from gaodi.audit.loaders import AuditQuery, audit_facets, audit_log
from gaodi.chains import loaders as chain_loaders
from gaodi.core import dataset
from gaodi.core.errors import PermissionDenied
from gaodi.core.moments import city_iso
from gaodi.core.periods import end_month
from gaodi.core.permissions import Principal, restrict
from gaodi.core.selects import AnySelect
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.plans import loaders as plan_loaders

#: The audit log page's reads live with the audit feature; named here for the pages and tests
#: that call them as the system service's.
__all__ = ["AuditQuery", "audit_facets", "audit_log"]

#: The keys of the entities the overview counts, in display order. Each feature declares which
#: of its tables a key counts (``counted`` in its ``feature.py``); a declared key not listed
#: here comes after these, in the features' order.
COUNTED_ORDER: tuple[str, ...] = (
    "enterprises",
    "parks",
    "chains",
    "links",
    "clusters",
    "plans",
    "targets",
    "indicators",
    "observations",
    "external_enterprises",
    "users",
)


def counted(declared: Mapping[str, type]) -> list[tuple[str, type]]:
    """(key, model) of the entities the overview counts, in display order.

    ``declared`` is what the features declare (``gaodi.features.counted()``): the page that
    assembles the features passes it, so this feature imports no registry above it.
    """
    rank = {key: i for i, key in enumerate(COUNTED_ORDER)}
    keys = sorted(declared, key=lambda k: rank.get(k, len(rank)))
    return [(key, declared[key]) for key in keys]


def _build_stamp(text: str) -> str:
    """A dataset's build time with an offset in the city's offset form; one without (written on
    the building machine's clock before stamps carried a zone) as written: no zone is claimed.

    >>> _build_stamp("2024-01-15T13:27:05+00:00"), _build_stamp("2024-01-15T13:27:05")
    ('2024-01-15T21:27:05+08:00', '2024-01-15T13:27:05')
    """
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return text
    return text if at.tzinfo is None else city_iso(at)


BuildStamp = Annotated[str, PlainSerializer(_build_stamp, return_type=str, when_used="json")]


class EntityCount(BaseModel):
    key: str = Field(description="Entity key, e.g. enterprises, above_scale, parks.")
    count: int


class AsOf(BaseModel):
    latest_enterprise_year: int | None = Field(None, description="Newest year of figures.")
    latest_observation_period: str | None = Field(None, description="Newest reported period.")
    dataset_built_at: BuildStamp | None = Field(
        None,
        description="When the dataset was built, in the city's time with its offset. A record "
        "built before stamps carried an offset holds the building machine's wall time in a zone "
        "nobody wrote down: it is given as written, without an offset.",
    )
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


def _count(session: Session, query: AnySelect) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _readable(query: AnySelect, principal: Principal) -> AnySelect | None:
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
    """The dataset record (:func:`gaodi.core.dataset.record`)."""
    return dataset.record(session)


def is_demo(session: Session) -> bool:
    return bool(dataset_info(session).get("demo"))


def _latest_year(session: Session, principal: Principal) -> int | None:
    return enterprise_loaders.latest_readable_year(session, principal)


def _latest_period(session: Session, principal: Principal) -> str | None:
    periods = plan_loaders.readable_periods(session, principal)
    if periods is None:
        return None
    valid = []
    for period in periods:
        try:
            valid.append((end_month(period), len(period), period))
        except Exception:  # a malformed period must not break the overview
            continue
    return max(valid)[2] if valid else None


def _above_scale(session: Session, principal: Principal, year: int | None) -> int | None:
    """规上工业企业 in ``year`` that the principal may read, by the one definition
    (:func:`gaodi.analytics.above_scale.is_above_scale`: industrial, GB/T 4754 B/C/D, and
    main-business revenue, revenue where missing, at the rule file's threshold): the count the
    eligibility page, the board's derived series and the 亩均 segments give. None when there
    is no year or the role reads no enterprises."""
    if year is None or enterprise_loaders.readable_ids(principal) is None:
        return None
    # the revenue floor in SQL reads the firms that can be 规上 (40,000 of the large city's
    # 300,000), each then judged by the one definition, so the count is the definition's
    rows = enterprise_loaders.above_scale_candidates(session, year, above_scale_revenue_wan())
    above = [eid for eid, code, money in rows if is_above_scale(code, money)]
    if principal.is_scoped:
        return len(enterprise_loaders.visible_ids(session, principal, above))
    return len(above)


def _chart(session: Session, principal: Principal) -> OverviewChart:
    ents = enterprise_loaders.readable_ids(principal)
    among = ents if principal.is_scoped else None
    chains = chain_loaders.readable_names(session, principal)
    if chains is not None and ents is not None and chains:
        counts = chain_loaders.enterprise_counts(session, [cid for cid, _ in chains], among)
        bars = [ChartBar(label=name, value=int(counts.get(cid, 0))) for cid, name in chains]
        bars.sort(key=lambda b: (-b.value, b.label))
        return OverviewChart(by="chain", bars=bars)
    parks = park_loaders.readable_names(session, principal)
    if parks is not None and ents is not None:
        counts = enterprise_loaders.count_by_park(session, among)
        bars = [ChartBar(label=name, value=int(counts.get(pid, 0))) for pid, name in parks]
        bars.sort(key=lambda b: (-b.value, b.label))
        return OverviewChart(by="park", bars=bars)
    return OverviewChart(by="chain", bars=[])


def overview(session: Session, principal: Principal, declared: Mapping[str, type]) -> OverviewData:
    """Counts by entity, as-of dates and enterprises per chain (or park), as ``principal`` sees;
    ``declared`` maps each counted key to its model (``gaodi.features.counted()``)."""
    counts: list[EntityCount] = []
    latest_year = _latest_year(session, principal)
    for key, model in counted(declared):
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
