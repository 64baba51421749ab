"""Reads of the enterprises feature's tables for other features (issue [15]: features read each
other through ``loaders``/``service``/``scopes``, never through another feature's models).

Anything a user sees goes through :func:`gaodi.core.permissions.restrict` with the caller's
principal; the few city-wide reads (demo builders, figures of ids the caller already resolved
through its own scoped query) say so in their docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises.models import Enterprise, EnterpriseYear

#: rows per ``IN (...)`` list (SQLite's default variable limit is 999)
CHUNK = 900


def readable_enterprise(
    session: Session,
    principal: Principal,
    *,
    enterprise_id: int | None = None,
    uscc: str | None = None,
) -> Enterprise | None:
    """The enterprise with ``enterprise_id`` (else with USCC ``uscc``, case-insensitive) that
    ``principal`` may read; None when there is none or it is outside the principal's scope."""
    query = restrict(select(Enterprise), principal, "read")
    if enterprise_id is not None:
        query = query.where(Enterprise.id == enterprise_id)
    elif uscc is not None:
        query = query.where(Enterprise.uscc == uscc.strip().upper())
    else:
        return None
    return session.scalars(query).first()


def listing(principal: Principal, *, text: str | None = None, within: Any = None) -> Select[Any]:
    """``SELECT enterprise`` of what ``principal`` may read, narrowed to names or USCCs that
    contain ``text`` and to ids in ``within`` (a ``SELECT id`` subquery) when given.

    The caller composes it (adds its own columns and joins, paginates) and reads the
    enterprise's columns from ``query.selected_columns`` (``.id``, ``.name``…), so a page that
    lists enterprises with one of its own rows stays one query.
    """
    query = restrict(select(Enterprise), principal, "read")
    if text and text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Enterprise.name.like(like), Enterprise.uscc.like(like)))
    if within is not None:
        query = query.where(Enterprise.id.in_(within))
    return query


def attributes_frame(session: Session, ids: Sequence[int], year: int) -> pl.DataFrame:
    """``enterprise_id, park_id, industry_code, employees, revenue, main_revenue`` of ``ids``,
    the figures from each enterprise's latest year on or before ``year`` (null when none).

    Not restricted: ``ids`` are ones the caller already read through its principal's scope
    (e.g. the enterprises of the assessments a chain office may read). Two queries per
    :data:`CHUNK` ids.
    """
    schema = {
        "enterprise_id": pl.Int64,
        "park_id": pl.Int64,
        "industry_code": pl.String,
        "employees": pl.Int64,
        "revenue": pl.Float64,
        "main_revenue": pl.Float64,
    }
    wanted = list(ids)
    base: list[tuple[int, int | None, str | None]] = []
    figures: dict[int, tuple[int | None, float | None, float | None]] = {}
    for chunk in [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]:
        base += [
            (int(r[0]), r[1], r[2])
            for r in session.execute(
                select(Enterprise.id, Enterprise.park_id, Enterprise.industry_code).where(
                    Enterprise.id.in_(chunk)
                )
            )
        ]
        # latest year on or before `year`, per enterprise (rows come oldest first)
        for eid, _y, emp, rev, main in session.execute(
            select(
                EnterpriseYear.enterprise_id,
                EnterpriseYear.year,
                EnterpriseYear.employees,
                EnterpriseYear.revenue,
                EnterpriseYear.main_revenue,
            )
            .where(EnterpriseYear.enterprise_id.in_(chunk), EnterpriseYear.year <= year)
            .order_by(EnterpriseYear.enterprise_id, EnterpriseYear.year)
        ):
            figures[int(eid)] = (emp, rev, main)
    return pl.DataFrame(
        [(eid, park, code, *figures.get(eid, (None, None, None))) for eid, park, code in base],
        schema=list(schema.items()),
        orient="row",
    )


def identities(session: Session) -> list[tuple[int, str, str, str | None, list[str]]]:
    """``(id, uscc, name, industry_code, tags)`` of every enterprise, by id.

    City-wide: for demo builders, which run as the system and seed rows for every enterprise.
    """
    query = select(
        Enterprise.id, Enterprise.uscc, Enterprise.name, Enterprise.industry_code, Enterprise.tags
    ).order_by(Enterprise.id)
    return [(int(i), u, n, c, list(t or [])) for i, u, n, c, t in session.execute(query)]


def year_figures(session: Session, year: int, fields: Sequence[str]) -> list[tuple[Any, ...]]:
    """``(enterprise_id, *fields)`` of every enterprise's figures of ``year`` (the
    ``EnterpriseYear`` columns named in ``fields``), by enterprise id.

    City-wide: for demo builders, which run as the system.
    """
    columns = [getattr(EnterpriseYear, f) for f in fields]
    query = (
        select(EnterpriseYear.enterprise_id, *columns)
        .where(EnterpriseYear.year == year)
        .order_by(EnterpriseYear.enterprise_id)
    )
    return [tuple(r) for r in session.execute(query)]
