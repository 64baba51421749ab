"""What other features read of the projects feature's tables (issue [15]: features read each
other through loaders, not through another feature's models)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict
from gaodi.projects.models import Project, ProjectStage


def signed_by(
    session: Session,
    principal: Principal,
    end: date,
    *,
    region_of: Callable[[Any], Any],
    chain_id: int | None = None,
    park_id: int | None = None,
) -> list[tuple[str | None, float | None]]:
    """``(district code, total investment)`` of the projects ``principal`` may read that were
    signed by ``end`` — the signed stage's actual day, else its planned day, else (no signed
    stage recorded) 1 January of the year the project was entered (no day at all: counted) —
    only those of ``chain_id``/``park_id`` when given. ``region_of(park_id_column)`` is the
    parks feature's correlated subquery of a park's district, so the listing stays one query
    (plus one for the signed days)."""
    stage = select(
        ProjectStage.project_id,
        func.coalesce(ProjectStage.actual_on, ProjectStage.planned_on),
    ).where(ProjectStage.stage == "signed")
    signed = {int(pid): day for pid, day in session.execute(stage)}
    query = restrict(select(Project.id), principal).add_columns(
        Project.total_investment, Project.created_at, region_of(Project.park_id)
    )
    if chain_id is not None:
        query = query.where(Project.chain_id == chain_id)
    if park_id is not None:
        query = query.where(Project.park_id == park_id)
    out: list[tuple[str | None, float | None]] = []
    for pid, investment, created, region in session.execute(query):
        day = signed.get(int(pid))
        if day is None and isinstance(created, datetime):
            day = date(created.year, 1, 1)
        if day is None or day <= end:
            out.append((region, investment))
    return out
