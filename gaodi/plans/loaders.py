"""Reads of the plans feature's tables for other features (issue [15]: features read each
other through ``loaders``/``service``/``scopes``, never through another feature's models)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.plans.models import Indicator


def indicator_by_code(session: Session, code: str) -> Indicator | None:
    """The indicator coded ``code`` (None when there is none). Not restricted: a writer then
    goes through :func:`gaodi.plans.intake.add_observation`, which checks the principal's
    scope for the value it writes."""
    return session.scalars(select(Indicator).where(Indicator.code == code)).first()
