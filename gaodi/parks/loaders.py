"""Rows the parks service needs, as Polars frames: the enterprises' figures for a year in the
input columns of :func:`gaodi.analytics.per_mu.evaluate_per_mu`, park output by year, chain
membership for the positioning check, the parks themselves.

The 亩均 evaluation ranks **every** enterprise of the city (classes are shares of a ranking, so
they depend on the whole population, as in the published county evaluations); the service
filters what a user sees of the result with :func:`gaodi.core.permissions.restrict`. The loads
of the evaluation's input are therefore city-wide and documented as such.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gaodi.analytics.above_scale import above_scale_expr, is_industrial_expr
from gaodi.chains import loaders as chain_loaders
from gaodi.core.dbint import row_id_text
from gaodi.core.errors import PermissionDenied
from gaodi.core.permissions import Principal, check_scope, restrict, scope_clause
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks.models import Park

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

#: The columns :func:`figures` derives from the industry code and revenue (never read from
#: ``EnterpriseYear.extra``).
DERIVED = frozenset({"is_industrial", "above_scale"})


def figures(session: Session, year: int, extra_fields: Iterable[str] = ()) -> pl.DataFrame:
    """One row per enterprise with figures in ``year`` (city-wide, see the module note).

    Columns: ``enterprise_id, park_id, industry_code, is_industrial`` (null: no valid code),
    ``above_scale`` and the per_mu inputs
    (``tax, value_added, revenue, main_revenue, output, rd_spend, land_mu, energy_tce,
    emissions, employees, electricity``) plus ``extra_fields`` read from
    ``EnterpriseYear.extra`` (e.g. 临海's ``cod_t``, ``water_t``), null where absent. Each
    firm's park and industry code are those of :func:`membership_day` (today's for a year that
    runs still).
    """
    extras = sorted(set(extra_fields) - set(COLUMNS.values()) - set(COLUMNS))
    # the columns derived below (a scheme's ``applies_to: above_scale``) are never read from
    # ``extra``: a null placeholder keeps the frame's column order, without reading the JSON
    read = [name for name in extras if name not in DERIVED]
    frame = enterprise_loaders.park_figures_frame(session, year, list(COLUMNS), extra=bool(read))
    # an ended year's firms are in the park (and industry) they had when it ended: a firm moved
    # today does not change last year's standing (gaodi.enterprises.history)
    frame = enterprise_loaders.as_of(session, frame, membership_day(year), keep_later=True)
    if extras:
        values = dict(zip(read, _extra_figures(frame["extra"], read), strict=True)) if read else {}
        frame = frame.with_columns(
            pl.Series(name, values[name], dtype=pl.Float64)
            if name in values
            else pl.lit(None, dtype=pl.Float64).alias(name)
            for name in extras
        )
    if read:
        frame = frame.drop("extra")
    frame = frame.rename({k: v for k, v in COLUMNS.items() if k != v})
    # 规上 and 工业 as the above_scale rule file defines them (gaodi.analytics.above_scale): the
    # 亩均 schemes segment on above_scale and evaluate industrial firms only
    return frame.with_columns(
        (pl.col("electricity") / 10.0),
        is_industrial_expr("industry_code").alias("is_industrial"),
        above_scale_expr("industry_code").alias("above_scale"),
    )


def _extra_figures(texts: pl.Series, names: list[str]) -> list[list[float | None]]:
    """For each of ``names``, its number in each row's ``extra`` JSON text (null where absent,
    not a number, or a boolean). Each distinct text is decoded once: the firms of a city share a
    handful of them (``{}`` on the demo), so this is one decode, not one per firm."""
    seen: dict[str | None, tuple[float | None, ...]] = {}
    out: list[list[float | None]] = [[] for _ in names]
    for text in texts:
        values = seen.get(text)
        if values is None:
            data = json.loads(text) if text is not None else None
            data = data if isinstance(data, dict) else {}
            values = seen[text] = tuple(_number(data.get(name)) for name in names)
        for column, value in zip(out, values, strict=True):
            column.append(value)
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def membership_day(year: int) -> date | None:
    """The day whose park membership a year's figures are counted with: the year's last day
    once it is over (None: today's, the year runs still)."""
    return enterprise_loaders.year_end(year)


def output_by_park(session: Session) -> pl.DataFrame:
    """``park_id, year, output`` (亿元): the sum of the output of the park's enterprises each
    year, each ended year over the firms in the park when it ended (:func:`membership_day`)."""
    rows = [
        (p, y, (v or 0.0) / 1e4)
        for p, y, v in enterprise_loaders.output_by_park_at_year_ends(session)
    ]
    return pl.DataFrame(
        rows, schema={"park_id": pl.Int64, "year": pl.Int64, "output": pl.Float64}, orient="row"
    )


def years(session: Session) -> list[int]:
    return enterprise_loaders.years(session)


def chain_members(
    session: Session, codes: Iterable[str], on: date | None = None
) -> dict[str, set[int]]:
    """Chain code -> ids of the enterprises attached (not excluded) to one of its links, now or
    at the end of the day ``on``: every firm of the city (a park's positioning counts all of
    its firms).

    The chains' (enterprise, chain) pairs only, in one query: the chain diagnosis's frame,
    read here before, carries each member's figures of two years (a second on the large city
    for 120,000 pairs)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    ids = chain_loaders.chain_codes(session, wanted)
    if not ids:
        return {}
    pairs = chain_loaders.membership_frame(session, None, sorted(ids), on)
    out: dict[str, set[int]] = {code: set() for code in ids.values()}
    for eid, cid in pairs.select("enterprise_id", "chain_id").iter_rows():
        out[ids[cid]].add(int(eid))
    return out


def parks(session: Session, principal: Principal) -> list[Park]:
    """The parks the principal may read, by id."""
    return list(session.scalars(restrict(select(Park), principal).order_by(Park.id)))


def all_parks(session: Session) -> list[Park]:
    """Every park (the tier-target counts and park ranks are city-wide)."""
    return list(session.scalars(select(Park).order_by(Park.id)))


def readable_enterprises(session: Session, principal: Principal) -> pl.Series:
    """The ids of every enterprise the principal may read, in one query: the evaluation's frames
    narrowed to it keep exactly the firms :func:`gaodi.enterprises.loaders.visible_ids` of their
    ids would (an ``IN (...)`` of 5,000 ids per query: 60 queries for the large city). One
    list value (``Series.implode``), as ``pl.col(...).is_in`` takes a collection."""
    return enterprise_loaders.readable_id_series(session, principal).implode()


def enterprise_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (name, uscc) for ids already checked against the principal's scope."""
    return enterprise_loaders.names_and_usccs(session, ids)


def name_of(id_column: Any) -> Any:
    """A correlated scalar subquery: the name of the park whose id is in ``id_column`` (null
    when none), for another feature's one-query listing (park names are not scoped: the
    callers' joins were not)."""
    return select(Park.name).where(Park.id == id_column).scalar_subquery()


def names(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    """id -> name of the parks with these ids (every park when None): labels for rows the
    caller already restricted, so not scoped here."""
    query = select(Park.id, Park.name)
    if ids is not None:
        query = query.where(Park.id.in_(sorted(set(ids))))
    return {k: v for k, v in session.execute(query)}


def region_of(id_column: Any) -> Any:
    """A correlated scalar subquery: the GB/T 2260 district code of the park whose id is in
    ``id_column`` (null when none or when the park has none), for another feature's one-query
    listing by district (the map's projects)."""
    return select(Park.region_code).where(Park.id == id_column).scalar_subquery()


def id_by_ref(session: Session, ref: str) -> int | None:
    """The id of the first park named ``ref`` (name or short name; digits: id or name), whoever
    asks (an administrator naming a park office's scope); None when there is none."""
    query = select(Park.id).where((Park.name == ref) | (Park.short_name == ref))
    row_id = row_id_text(ref)
    if row_id is not None:
        query = select(Park.id).where((Park.id == row_id) | (Park.name == ref))
    return session.scalars(query).first()


def first_id_and_name(session: Session) -> tuple[int, str] | None:
    """(id, name) of the park with the smallest id (the demo accounts' scope); None: no park."""
    row = session.execute(select(Park.id, Park.name).order_by(Park.id).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def readable_names(session: Session, principal: Principal) -> list[tuple[int, str]] | None:
    """(id, name) of the parks the principal may read, by id; None when the role may not read
    parks at all."""
    try:
        query = restrict(select(Park.id, Park.name), principal, "read")
    except PermissionDenied:
        return None
    return [(pid, name) for pid, name in session.execute(query.order_by(Park.id)).all()]


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


def park_labels(session: Session) -> dict[int, str]:
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
    row_id = row_id_text(ref)
    if row_id is not None:
        conds.append(Park.id == row_id)
    return session.scalars(select(Park.id).where(or_(*conds))).first()


def park_choices(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """(id, short name else name) of the parks ``principal`` may read, by id (a form's choices).

    Raises :class:`gaodi.core.errors.PermissionDenied` when the role may not read parks."""
    query = restrict(select(Park.id, Park.short_name, Park.name), principal).order_by(Park.id)
    return [(int(i), s or n) for i, s, n in session.execute(query)]


def writable_park_ids(
    session: Session, principal: Principal, ids: Iterable[int | None]
) -> set[int]:
    """Which of the park ``ids`` exist and are rows ``principal`` reads and may edit (row scope
    only: what a project registered in a park asks of it), in batches of 500 ids."""
    query = select(Park.id)
    for each in ("read", "edit"):
        clause = scope_clause(principal, Park, each)
        if clause is not None:
            query = query.where(clause)
    wanted = sorted({i for i in ids if i is not None})
    out: set[int] = set()
    for at in range(0, len(wanted), 500):
        out.update(session.scalars(query.where(Park.id.in_(wanted[at : at + 500]))))
    return out


def name_lookup(session: Session, principal: Principal) -> dict[str, int]:
    """Park name (and unambiguous short name) -> id, of the parks ``principal`` may read and edit
    (a park office files rows only in its own parks): how an imported row names its park."""
    query = select(Park.id, Park.name, Park.short_name)
    for each in ("read", "edit"):
        clause = scope_clause(principal, Park, each)
        if clause is not None:
            query = query.where(clause)
    rows = session.execute(query).all()
    out = {name: pid for pid, name, _ in rows}
    shorts: dict[str, list[int]] = {}
    for pid, _, short in rows:
        if short:
            shorts.setdefault(short, []).append(pid)
    for short, ids in shorts.items():
        if len(ids) == 1:
            out.setdefault(short, ids[0])
    return out
