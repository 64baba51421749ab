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
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.chains import loaders as chain_loaders
from gaodi.chains.models import Chain
from gaodi.core.permissions import Principal, check_scope, restrict, scope_clause
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


# --------------------------------------------------------------------------- read by other features
# The projects feature (projects, appeals) refers to parks by id; these are the reads it makes of
# them, so that it never writes SQL against this feature's table.


def park_in_scope(
    session: Session,
    principal: Principal,
    park_id: int | None,
    action: str = "edit",
    *,
    not_found: tuple[str, str],
) -> Park:
    """The park ``park_id`` if it is in ``principal``'s row scope for read and ``action``.

    The check a write makes of the park it refers to (a project's): only the row scope, not the
    role's right in the park domain (:func:`gaodi.core.permissions.check_scope` with
    ``domain_right=False``). A missing park (``None`` included) and one outside the scope both
    raise :class:`NotFoundError` with ``not_found``."""
    return check_scope(
        session, principal, Park, park_id, action, domain_right=False, not_found=not_found
    )


def park_scoped(principal: Principal, action: str = "edit") -> bool:
    """Whether ``principal`` sees only some parks for ``action`` (a park office): then a row it
    files must name one of them."""
    return scope_clause(principal, Park, action) is not None


def park_names(session: Session) -> dict[int, str]:
    """id -> short name (else full name) of every park, by id (labels for rows already read
    through their own scope)."""
    rows = session.execute(select(Park.id, Park.short_name, Park.name).order_by(Park.id))
    return {int(i): s or n for i, s, n in rows}


def park_ids(session: Session) -> list[int]:
    """Every park id, ascending (the demo builders' world)."""
    return [int(i) for i in session.scalars(select(Park.id).order_by(Park.id))]


def find_park_id(session: Session, ref: str) -> int | None:
    """The id of a park named by id, name or short name (the CLI's ``--park`` filter, which reads
    every park as the operator's CLI always did); None when none matches."""
    ref = ref.strip()
    conds = [Park.name == ref, Park.short_name == ref]
    if ref.isdigit():
        conds.append(Park.id == int(ref))
    return session.scalars(select(Park.id).where(or_(*conds))).first()


def park_choices(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """(id, short name else name) of the parks ``principal`` may read, by id (a form's choices).

    Raises :class:`gaodi.core.errors.PermissionDenied` when the role may not read parks."""
    query = restrict(select(Park.id, Park.short_name, Park.name), principal).order_by(Park.id)
    return [(int(i), s or n) for i, s, n in session.execute(query)]
