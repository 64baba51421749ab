"""What other features read of the regions feature's tables (issue [15]: features read each
other through loaders, not through another feature's models): region names, the peer panel.

The code lists and the panel are reference data (every role reads them whole, as the callers'
queries did before), so these functions take no principal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.regions.models import IndustryCode, PanelValue, Region


def name_of(code_column: Any) -> Any:
    """A correlated scalar subquery: the name of the region whose GB/T 2260 code is in
    ``code_column`` (null when none), for a caller's one-query listing."""
    return select(Region.name).where(Region.code == code_column).scalar_subquery()


def panel_output(
    session: Session, region: str | None, year: int | None, exclude: str | None
) -> tuple[dict[str, float], int | None]:
    """Panel output (measure ``output``) by industry code for ``region`` (or every region but
    ``exclude``) in the latest panel year not after ``year``; and that year (None: no data)."""
    years = select(func.max(PanelValue.year)).where(PanelValue.measure == "output")
    if year is not None:
        years = years.where(PanelValue.year <= year)
    if region is not None:
        years = years.where(PanelValue.region_code == region)
    used = session.scalar(years)
    if used is None:
        return {}, None
    query = (
        select(PanelValue.industry_code, func.sum(PanelValue.value))
        .where(PanelValue.measure == "output", PanelValue.year == used)
        .group_by(PanelValue.industry_code)
    )
    if region is not None:
        query = query.where(PanelValue.region_code == region)
    elif exclude is not None:
        query = query.where(PanelValue.region_code != exclude)
    return {str(code): float(v or 0.0) for code, v in session.execute(query)}, used


def division_names(session: Session) -> dict[str, str]:
    """GB/T 4754 大类 (division, two digits) code -> name, every division. Not restricted: the
    classification is public reference data, used to label groups a caller already computed
    within its principal's scope."""
    query = select(IndustryCode.code, IndustryCode.name).where(IndustryCode.level == "division")
    return {c: n for c, n in session.execute(query)}
