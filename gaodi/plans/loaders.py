"""What other features read of the plans feature's tables (issue [15]: features read each other
through loaders, not through another feature's models)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core import dataset
from gaodi.core.errors import PermissionDenied
from gaodi.core.permissions import Principal, restrict
from gaodi.plans.models import Indicator, Observation, Plan


def latest_region_code(session: Session) -> str | None:
    """The GB/T 2260 region code of the newest plan that names one (None: no plan does). Not
    user data (the city a plan is about): no principal, as the home-city lookup needs it for
    every role."""
    return session.scalar(
        select(Plan.region_code).where(Plan.region_code.is_not(None)).order_by(Plan.id.desc())
    )


def home_city(session: Session) -> str | None:
    """The home city's GB/T 2260 code: the dataset record's (the demo's), else the latest
    plan's region (a city set up from its own plan has no dataset record); None when neither
    names one. The one reading of "which city is this" for every feature."""
    return dataset.city(session) or latest_region_code(session)


def readable_periods(session: Session, principal: Principal) -> list[str] | None:
    """The distinct non-empty periods of the observations the principal may read (as stored,
    unordered: "2024-01", "2023-Q4" …); None when the role may not read observations."""
    try:
        query = restrict(select(Observation.period), principal, "read")
    except PermissionDenied:
        return None
    column = query.subquery().c.period
    return [p for p in session.scalars(select(column).distinct()) if p]


def indicator_by_code(session: Session, code: str) -> Indicator | None:
    """The indicator coded ``code`` (None when there is none). Not restricted: a writer then
    goes through :func:`gaodi.plans.intake.add_observation`, which checks the principal's
    scope for the value it writes."""
    return session.scalars(select(Indicator).where(Indicator.code == code)).first()
