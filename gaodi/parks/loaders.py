"""Rows the parks service needs, as Polars frames: the enterprises' figures for a year in the
input columns of :func:`gaodi.analytics.per_mu.evaluate_per_mu`, park output by year, chain
membership for the positioning check, the parks themselves.

The 亩均 evaluation ranks **every** enterprise of the city (classes are shares of a ranking, so
they depend on the whole population, as in the published county evaluations); the service
filters what a user sees of the result with :func:`gaodi.core.permissions.restrict`. The loads
of the evaluation's input are therefore city-wide and documented as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.chains import loaders as chain_loaders
from gaodi.chains.models import Chain
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.parks.models import Park

#: 规上工业企业: main-business revenue >= 2000万元 (国家统计局; the tier rule file
#: gaodi/analytics/rules/tiers/above_scale.yaml). Revenue stands in where main revenue is missing.
ABOVE_SCALE_WAN = chain_loaders.ABOVE_SCALE_WAN

#: EnterpriseYear column -> per_mu input column (money 万元; electricity MWh -> 万千瓦时 / 10).
COLUMNS: dict[str, str] = {
    "revenue": "revenue",
    "main_revenue": "main_revenue",
    "output": "output",
    "value_added": "value_added",
    "tax": "tax",
    "employees": "employees",
    "rd_spend": "rd_spend",
    "land_mu": "land_mu",
    "energy_tce": "energy_tce",
    "electricity_mwh": "electricity",
    "emissions_t": "emissions",
}


def figures(session: Session, year: int, extra_fields: Iterable[str] = ()) -> pl.DataFrame:
    """One row per enterprise with figures in ``year`` (city-wide, see the module note).

    Columns: ``enterprise_id, park_id, industry_code, above_scale`` and the per_mu inputs
    (``tax, value_added, revenue, main_revenue, output, rd_spend, land_mu, energy_tce,
    emissions, employees, electricity``) plus ``extra_fields`` read from
    ``EnterpriseYear.extra`` (e.g. 临海's ``cod_t``, ``water_t``), null where absent.
    """
    cols = [getattr(EnterpriseYear, c) for c in COLUMNS]
    query = (
        select(
            Enterprise.id, Enterprise.park_id, Enterprise.industry_code, *cols, EnterpriseYear.extra
        )
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.year == year)
        .order_by(Enterprise.id)
    )
    rows = session.execute(query).all()
    extras = sorted(set(extra_fields) - set(COLUMNS.values()) - set(COLUMNS))
    schema: dict[str, Any] = {
        "enterprise_id": pl.Int64,
        "park_id": pl.Int64,
        "industry_code": pl.String,
        **{c: pl.Float64 for c in COLUMNS},
    }
    data = [tuple(r[:-1]) for r in rows]
    frame = pl.DataFrame(data, schema=schema, orient="row")
    for name in extras:
        values = []
        for r in rows:
            v = (r[-1] or {}).get(name)
            values.append(
                float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
            )
        frame = frame.with_columns(pl.Series(name, values, dtype=pl.Float64))
    frame = frame.rename({k: v for k, v in COLUMNS.items() if k != v})
    return frame.with_columns(
        (pl.col("electricity") / 10.0),
        (pl.coalesce("main_revenue", "revenue") >= ABOVE_SCALE_WAN)
        .fill_null(False)
        .alias("above_scale"),
    )


def output_by_park(session: Session) -> pl.DataFrame:
    """``park_id, year, output`` (亿元): the sum of the park's enterprises' output each year."""
    query = (
        select(Enterprise.park_id, EnterpriseYear.year, func.sum(EnterpriseYear.output))
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(Enterprise.park_id.is_not(None), EnterpriseYear.output.is_not(None))
        .group_by(Enterprise.park_id, EnterpriseYear.year)
    )
    rows = [(p, y, (v or 0.0) / 1e4) for p, y, v in session.execute(query)]
    return pl.DataFrame(
        rows, schema={"park_id": pl.Int64, "year": pl.Int64, "output": pl.Float64}, orient="row"
    )


def years(session: Session) -> list[int]:
    return sorted(int(y) for y in session.scalars(select(EnterpriseYear.year).distinct()))


def chain_members(session: Session, codes: Iterable[str], year: int) -> dict[str, set[int]]:
    """Chain code -> ids of the enterprises currently attached to one of its links."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    ids = {
        cid: code
        for cid, code in session.execute(select(Chain.id, Chain.code).where(Chain.code.in_(wanted)))
    }
    if not ids:
        return {}
    facts = chain_loaders.facts_frame(session, sorted(ids), year)
    out: dict[str, set[int]] = {code: set() for code in ids.values()}
    for eid, cid in facts.select("enterprise_id", "chain_id").iter_rows():
        out[ids[cid]].add(int(eid))
    return out


def parks(session: Session, principal: Principal) -> list[Park]:
    """The parks the principal may read, by id."""
    return list(session.scalars(restrict(select(Park), principal).order_by(Park.id)))


def all_parks(session: Session) -> list[Park]:
    """Every park (the tier-target counts and park ranks are city-wide)."""
    return list(session.scalars(select(Park).order_by(Park.id)))


def visible_enterprises(session: Session, principal: Principal, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the principal may read."""
    wanted = sorted(set(ids))
    out: set[int] = set()
    for i in range(0, len(wanted), 5000):
        query = restrict(select(Enterprise.id), principal).where(
            Enterprise.id.in_(wanted[i : i + 5000])
        )
        out.update(session.scalars(query))
    return out


def enterprise_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (name, uscc) for ids already checked against the principal's scope."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(wanted), 5000):
        query = select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(
            Enterprise.id.in_(wanted[i : i + 5000])
        )
        out.update({eid: (name, uscc) for eid, name, uscc in session.execute(query)})
    return out


# --------------------------------------------------------------------------- for other features
# (issue [15]: other features read parks through these, not through the models)


def park_names(session: Session) -> dict[int, str]:
    """Park id -> name of every park. Not restricted: a park's name is shown beside the
    enterprises (or groups) a caller already read within its principal's scope."""
    return {int(i): n for i, n in session.execute(select(Park.id, Park.name))}


def park_name(session: Session, park_id: int | None) -> str | None:
    """The name of park ``park_id`` (None when there is no such park or no id), for an
    enterprise the caller already read within its principal's scope. Uses the session's
    identity map, so asking again for the same park costs no query."""
    if not park_id:
        return None
    park = session.get(Park, park_id)
    return park.name if park else None
