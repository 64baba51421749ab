"""Reads of the regions feature's tables for other features (issue [15]: features read each
other through ``loaders``/``service``/``scopes``, never through another feature's models)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.regions.models import IndustryCode


def division_names(session: Session) -> dict[str, str]:
    """GB/T 4754 大类 (division, two digits) code -> name, every division. Not restricted: the
    classification is public reference data, used to label groups a caller already computed
    within its principal's scope."""
    query = select(IndustryCode.code, IndustryCode.name).where(IndustryCode.level == "division")
    return {c: n for c, n in session.execute(query)}
