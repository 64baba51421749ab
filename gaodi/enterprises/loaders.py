"""What other features read of the enterprises feature's tables (issue [15]: features read each
other through loaders, not through another feature's models).

Each function names what it returns: ids, names, small records, a frame, the feature's own rows,
or a *selectable* another feature joins with its own table in one query. A read a user sees
goes through :func:`gaodi.core.permissions.restrict` (or :func:`scope_clause`) exactly as the
caller's code did before; the functions documented as city-wide or as "ids already checked" do
not filter, because their callers did not either (a ranking of the whole city, a name looked
up for a row the caller already restricted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from gaodi.core.errors import PermissionDenied
from gaodi.core.permissions import Principal, check_scope, restrict, scope_clause
from gaodi.core.selects import AnySelect
from gaodi.engine.rows import frame, json_lists, json_text
from gaodi.enterprises import history
from gaodi.enterprises.models import Enterprise, EnterpriseYear, ExternalEnterprise

#: Ids per ``IN (...)`` list: well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 5000


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    wanted = sorted({v for v in values if v is not None}, key=str)
    for i in range(0, len(wanted), size):
        yield wanted[i : i + size]


# --------------------------------------------------------------------------- one enterprise


def get(session: Session, enterprise_id: int) -> Enterprise | None:
    """The enterprise with this id, whoever asks (for a row the caller already checked)."""
    return session.get(Enterprise, enterprise_id)


def by_ref(session: Session, ref: str | int) -> Enterprise | None:
    """Any enterprise by USCC or id (digits shorter than a USCC are an id), whoever asks."""
    text = str(ref).strip().upper()
    query = select(Enterprise)
    if text.isdigit() and len(text) < 18:
        query = query.where(Enterprise.id == int(text))
    else:
        query = query.where(Enterprise.uscc == text)
    return session.scalars(query).first()


def in_scope(
    session: Session,
    principal: Principal,
    enterprise_id: int,
    action: str,
    *,
    not_found: tuple[str, str],
) -> Enterprise:
    """The enterprise if ``principal`` may read it and ``action`` it (its row scope only, not a
    right in the enterprise domain: what a write asks of an enterprise it *refers to*); else
    :class:`NotFoundError` with ``not_found``, the words a missing one gets."""
    return check_scope(
        session, principal, Enterprise, enterprise_id, action, domain_right=False,
        not_found=not_found,
    )  # fmt: skip


#: ids per IN (...) list of the projects feature's reads (the batches it always used)
PROJECT_CHUNK = 500


def enterprise_in_scope(
    session: Session,
    principal: Principal,
    enterprise_id: int | None,
    action: str = "edit",
    *,
    not_found: tuple[str, str],
) -> Enterprise:
    """The enterprise ``enterprise_id`` if it is in ``principal``'s row scope for read and
    ``action``.

    The check a write makes of the enterprise it refers to (an appeal's, an application's): only
    the row scope, not the role's right in the enterprise domain
    (:func:`gaodi.core.permissions.check_scope` with ``domain_right=False``). A missing
    enterprise and one outside the scope both raise :class:`NotFoundError` with ``not_found``."""
    return check_scope(
        session, principal, Enterprise, enterprise_id, action, domain_right=False,
        not_found=not_found,
    )  # fmt: skip


def as_of(
    session: Session,
    rows: pl.DataFrame,
    day: date | None,
    id_column: str = "enterprise_id",
    *,
    keep_later: bool = False,
) -> pl.DataFrame:
    """``rows`` (a frame of enterprises) with its ``tags``, ``park_id`` and ``industry_code``
    columns as they stood at the end of the city's ``day``, and without the firms created after
    it (:mod:`gaodi.enterprises.history`; ``keep_later``: those keep their first values, as a
    year's figures reported after the year count for it). None, today or later: ``rows`` as
    stored, nothing read."""
    if day is None:
        return rows
    found = history.past(session, day)
    if found is not None and keep_later:
        found = history.Past(found.values)
    return history.apply(rows, found, id_column)


def year_end(year: int) -> date | None:
    """The day ``year``'s figures are attributed on (:func:`gaodi.enterprises.history.year_end`:
    its last day once it is over, else None for today's rows)."""
    return history.year_end(year)


# --------------------------------------------------------------------------- many enterprises


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, Enterprise]:
    """id -> enterprise for ids the caller already checked against the principal's scope."""
    out: dict[int, Enterprise] = {}
    for chunk in _chunks(ids):
        found = session.scalars(select(Enterprise).where(Enterprise.id.in_(chunk)))
        out.update({e.id: e for e in found})
    return out


def names_and_usccs(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (name, uscc) for ids already checked against the principal's scope."""
    out: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        query = select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(
            Enterprise.id.in_(chunk)
        )
        out.update({eid: (name, uscc) for eid, name, uscc in session.execute(query)})
    return out


def visible_ids(session: Session, principal: Principal, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the principal may read (every one of them that exists, unscoped)."""
    out: set[int] = set()
    for chunk in _chunks(ids):
        query = restrict(select(Enterprise.id), principal).where(Enterprise.id.in_(chunk))
        out.update(session.scalars(query))
    return out


def readable_id_series(session: Session, principal: Principal) -> pl.Series:
    """``enterprise_id`` of every enterprise the principal may read, in one query (raises
    :class:`PermissionDenied` as :func:`restrict` does): for a caller that narrows a frame of
    tens of thousands of ids, where :func:`visible_ids` would send one ``IN (...)`` of 5,000 per
    chunk. ``ids`` narrowed to it are exactly ``visible_ids(ids)``."""
    rows = _plain_rows(session, restrict(select(Enterprise.id), principal))
    return pl.Series("enterprise_id", [r[0] for r in rows], dtype=pl.Int64)


def referable(
    session: Session,
    principal: Principal,
    *,
    usccs: Iterable[str | None] = (),
    ids: Iterable[int | None] = (),
    actions: Sequence[str] = ("read", "edit"),
    chunk: int = CHUNK,
) -> list[tuple[int, str, str]]:
    """``(id, uscc, name)`` of the enterprises named by USCC or id that ``principal`` may do
    every one of ``actions`` to (row scope only: what an assignment asks of the enterprises it
    names). An enterprise named both ways comes once per way."""
    query = select(Enterprise.id, Enterprise.uscc, Enterprise.name)
    for each in actions:
        clause = scope_clause(principal, Enterprise, each)
        if clause is not None:
            query = query.where(clause)
    out: list[tuple[int, str, str]] = []
    for column, values in ((Enterprise.uscc, usccs), (Enterprise.id, ids)):
        for part in _chunks(values, chunk):
            out.extend(tuple(r) for r in session.execute(query.where(column.in_(part))))  # type: ignore[misc]
    return out


def identities() -> Any:
    """A subquery of every enterprise's ``id, name, uscc, park_id, region_code``: for a caller
    that joins its own rows (already restricted) with the enterprise they name, in one query."""
    return select(
        Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.park_id, Enterprise.region_code
    ).subquery("enterprise_identity")


def texts_frame(session: Session) -> pl.DataFrame:
    """Every enterprise's ``enterprise_id, industry_code, scope_text, products`` (city-wide:
    the chain mapping rules run over every enterprise)."""
    query = select(
        Enterprise.id, Enterprise.industry_code, Enterprise.scope_text, Enterprise.products
    )
    return frame(
        session,
        query,
        {
            "enterprise_id": pl.Int64,
            "industry_code": pl.String,
            "scope_text": pl.String,
            "products": pl.String,
        },
    )


# --------------------------------------------------------------------------- yearly figures


def latest_year(session: Session, until: int | None = None) -> int | None:
    """The latest year of enterprise figures (no later than ``until`` when given)."""
    query = select(func.max(EnterpriseYear.year))
    if until is not None:
        query = query.where(EnterpriseYear.year <= until)
    return session.scalar(query)


def years(session: Session) -> list[int]:
    """Every year with enterprise figures, ascending."""
    return sorted(int(y) for y in session.scalars(select(EnterpriseYear.year).distinct()))


def year_values(
    session: Session, ids: Iterable[int], year: int, column: str
) -> dict[int, float | None]:
    """id -> the enterprise's ``column`` figure (``output``, ``revenue`` …) in ``year``, for ids
    already checked against the principal's scope; an enterprise without that year is absent."""
    field = getattr(EnterpriseYear, column)
    out: dict[int, float | None] = {}
    for chunk in _chunks(ids):
        q = select(EnterpriseYear.enterprise_id, field).where(
            EnterpriseYear.year == year, EnterpriseYear.enterprise_id.in_(chunk)
        )
        out.update({k: v for k, v in session.execute(q)})
    return out


def chain_figures(year: int | None) -> Any:
    """A subquery, one row per enterprise: ``enterprise_id, name, tags`` (JSON text, see
    :func:`gaodi.engine.rows.json_text`), ``industry_code`` (GB/T 4754, for the 规上工业 test),
    ``output, revenue, main_revenue, invention_patents`` of ``year`` and ``output_prev`` (the
    year before), null where a year is missing. The chains feature joins its current assignments
    with it (one query for the chain diagnosis)."""
    now, prev = aliased(EnterpriseYear), aliased(EnterpriseYear)
    y = year if year is not None else -1
    return (
        select(
            Enterprise.id.label("enterprise_id"),
            Enterprise.name.label("name"),
            json_text(Enterprise.tags).label("tags"),
            Enterprise.industry_code.label("industry_code"),
            now.output.label("output"),
            now.revenue.label("revenue"),
            now.main_revenue.label("main_revenue"),
            now.invention_patents.label("invention_patents"),
            prev.output.label("output_prev"),
        )
        .outerjoin(now, and_(now.enterprise_id == Enterprise.id, now.year == y))
        .outerjoin(prev, and_(prev.enterprise_id == Enterprise.id, prev.year == y - 1))
        .subquery("enterprise_figures")
    )


def park_figures_frame(
    session: Session, year: int, columns: Sequence[str], *, extra: bool = False
) -> pl.DataFrame:
    """``enterprise_id, park_id, industry_code, *columns`` (Float64) of every enterprise with
    figures in ``year``, by id, plus ``extra`` (``EnterpriseYear.extra`` as its JSON text) when
    asked (city-wide: the 亩均 evaluation ranks the whole city).

    One query on the session's connection, read straight into a frame
    (:func:`gaodi.engine.rows.frame`): on the large city (300,000 firms) the ORM's row
    processing and a ``json.loads`` of every row's ``extra`` cost three times the read itself.
    """
    cols = [getattr(EnterpriseYear, c) for c in columns]
    query = (
        select(
            Enterprise.id,
            Enterprise.park_id,
            Enterprise.industry_code,
            *cols,
            *([json_text(EnterpriseYear.extra)] if extra else []),
        )
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.year == year)
        .order_by(Enterprise.id)
    )
    schema: dict[str, Any] = {
        "enterprise_id": pl.Int64,
        "park_id": pl.Int64,
        "industry_code": pl.String,
        **{c: pl.Float64 for c in columns},
        **({"extra": pl.String} if extra else {}),
    }
    return pl.DataFrame(_plain_rows(session, query), schema=schema, orient="row")


def _plain_rows(session: Session, query: AnySelect) -> list[Any]:
    """The rows of ``query`` as tuples. On SQLite, when no column's type converts a value on
    the way out (no result processor: integers, floats, strings), they are the driver's own
    tuples, read from its cursor: SQLAlchemy's ``Row`` of each of 300,000 rows costs a fifth
    of the read. Elsewhere (a driver whose types may convert) the rows as SQLAlchemy gives
    them."""
    connection = session.connection()
    dialect = connection.dialect
    plain = dialect.name == "sqlite" and all(
        column.type.dialect_impl(dialect).result_processor(dialect, None) is None
        for column in query.selected_columns
    )
    result = connection.execute(query)
    if not plain:
        return [tuple(r) for r in result]
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def above_scale_candidates(
    session: Session, year: int, threshold: float
) -> list[tuple[int, str | None, float]]:
    """``(enterprise_id, industry_code, money)`` of the enterprises whose main-business revenue
    in ``year`` (revenue where it is missing) is at least ``threshold`` 万元, by id
    (city-wide): the firms that can be 规上 at all, for the caller to judge with
    :func:`gaodi.analytics.above_scale.is_above_scale`. The revenue floor is applied in SQL so
    that the overview reads the few firms above it, not every firm of the year."""
    money = func.coalesce(EnterpriseYear.main_revenue, EnterpriseYear.revenue)
    query = (
        select(Enterprise.id, Enterprise.industry_code, money)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.year == year, money >= threshold)
        .order_by(Enterprise.id)
    )
    return [(int(i), c, m) for i, c, m in session.connection().execute(query)]


def output_by_park(session: Session) -> list[tuple[int, int, float | None]]:
    """``(park_id, year, summed output in 万元)`` over the enterprises in a park (city-wide)."""
    query = (
        select(Enterprise.park_id, EnterpriseYear.year, func.sum(EnterpriseYear.output))
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(Enterprise.park_id.is_not(None), EnterpriseYear.output.is_not(None))
        .group_by(Enterprise.park_id, EnterpriseYear.year)
    )
    return [(p, y, v) for p, y, v in session.execute(query) if p is not None]


def output_by_park_at_year_ends(session: Session) -> list[tuple[int, int, float | None]]:
    """:func:`output_by_park` with each ended year's output summed over the firms in the park
    when that year ended (:func:`year_end`), not today: a firm moved since counts for its old
    park in the years before the move. Three queries more, whatever the number of years: the
    enterprises' changes since the first year's end, the moved firms' outputs, and the sums of
    the parks they left or joined without them (no subtraction of one firm from a park's sum)."""
    rows = output_by_park(session)
    ends = {y: d for y in years(session) if (d := year_end(y)) is not None}
    found = history.pasts(session, ends.values(), ("park_id",))
    then = {y: {eid: v["park_id"] for eid, v in found[d].values.items()} for y, d in ends.items()}
    moved = sorted({eid for parks in then.values() for eid in parks})
    if not moved:
        return rows
    now = {eid: park for eid, (_name, park) in names_and_parks(session, moved).items()}
    outputs = [
        (eid, year, value)
        for chunk in _chunks(moved)
        for eid, year, value in session.execute(
            select(EnterpriseYear.enterprise_id, EnterpriseYear.year, EnterpriseYear.output).where(
                EnterpriseYear.enterprise_id.in_(chunk), EnterpriseYear.output.is_not(None)
            )
        )
        if eid in now  # a firm deleted since is in no park's sum today either
    ]
    parks_of = {(eid, y): then.get(y, {}).get(eid, now[eid]) for eid, y, _v in outputs}
    touched = {p for p in parks_of.values() if p is not None} | {
        p for p in now.values() if p is not None
    }
    totals: dict[tuple[int, int], float] = {
        (p, y): v or 0.0 for p, y, v in rows if p not in touched
    }
    query = (
        select(Enterprise.park_id, EnterpriseYear.year, func.sum(EnterpriseYear.output))
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(
            Enterprise.park_id.in_(sorted(touched)),
            Enterprise.id.not_in(moved),
            EnterpriseYear.output.is_not(None),
        )
        .group_by(Enterprise.park_id, EnterpriseYear.year)
    )
    for p, y, v in session.execute(query):
        if p is not None:
            totals[(p, y)] = v or 0.0
    for eid, y, value in outputs:
        park = parks_of[(eid, y)]
        if park is not None and value is not None:
            totals[(int(park), y)] = totals.get((int(park), y), 0.0) + value
    return [(p, y, v) for (p, y), v in sorted(totals.items())]


# --------------------------------------------------------------------------- the external pool


def pool_stamp(session: Session, principal: Principal) -> tuple[int, int]:
    """(row count, largest id) of the external pool the principal may read: the permission
    check of a pool read and what a cache of the pool is keyed on."""
    query = restrict(
        select(func.count(ExternalEnterprise.id), func.max(ExternalEnterprise.id)), principal
    )
    count, max_id = session.execute(query).one()
    return int(count or 0), int(max_id or 0)


def pool_frame(session: Session, principal: Principal) -> pl.DataFrame:
    """The external pool (招商 candidates) the principal may read, raw: ``pool_id, uscc, name,
    region_code, industry_code, scope_text, revenue, revenue_growth, invention_patents, tags,
    supplies_to`` (the local partners' ids)."""
    query = restrict(
        select(
            ExternalEnterprise.id,
            ExternalEnterprise.uscc,
            ExternalEnterprise.name,
            ExternalEnterprise.region_code,
            ExternalEnterprise.industry_code,
            ExternalEnterprise.scope_text,
            ExternalEnterprise.revenue,
            ExternalEnterprise.revenue_growth,
            ExternalEnterprise.invention_patents,
            json_text(ExternalEnterprise.tags),
            json_text(ExternalEnterprise.partner_ids),
        ),
        principal,
    )
    return frame(
        session,
        query,
        {
            "pool_id": pl.Int64,
            "uscc": pl.String,
            "name": pl.String,
            "region_code": pl.String,
            "industry_code": pl.String,
            "scope_text": pl.String,
            "revenue": pl.Float64,
            "revenue_growth": pl.Float64,
            "invention_patents": pl.Int64,
            "tags": pl.List(pl.String),
            "supplies_to": pl.List(pl.Int64),
        },
    )


# --------------------------------------------------------------------------- the directory


def directory(
    session: Session,
    term: str,
    *,
    not_in: Any,
    limit: int,
    park_name: Callable[[Any], Any],
    region_name: Callable[[Any], Any],
) -> list[tuple[Enterprise, str | None, str | None]]:
    """Enterprises whose name contains ``term`` or whose USCC starts with it, not among the ids
    of the ``not_in`` selectable, by name, at most ``limit``; with the name of each one's park
    and region from the owners' correlated lookups (``park_name(park id column)``,
    ``region_name(region code column)``), so it stays one query. Whoever asks: the directory a
    chain office proposes from names no figures."""
    query: AnySelect = (
        select(Enterprise, park_name(Enterprise.park_id), region_name(Enterprise.region_code))
        .where(
            or_(
                Enterprise.name.icontains(term, autoescape=True),
                Enterprise.uscc.startswith(term.upper(), autoescape=True),
            ),
            Enterprise.id.notin_(not_in),
        )
        .order_by(Enterprise.name, Enterprise.id)
        .limit(limit)
    )
    return [(e, p, r) for e, p, r in session.execute(query).all()]


def located_output(
    session: Session,
    principal: Principal,
    year: int,
    *,
    among: Any = None,
    park: int | None = None,
    on: date | None = None,
) -> list[tuple[int, str, str | None, list[str] | None, float | None]]:
    """``(id, name, region_code, tags, output)`` of the enterprises the principal may read that
    have figures in ``year``; only those in the ``among`` selectable of ids (a chain's members)
    and in ``park`` when given. One query (the district map's input).

    ``on`` (an ended year's last day, :func:`year_end`): each firm's district, tags and park as
    they stood that day (:func:`as_of`, firms created since keeping their first values, as
    their figures count for the year), the park filter applied to that day's park."""
    q = (
        restrict(select(Enterprise.id), principal)
        .add_columns(Enterprise.name, Enterprise.region_code, json_text(Enterprise.tags))
        .join(EnterpriseYear, EnterpriseYear.enterprise_id == Enterprise.id)
        .add_columns(EnterpriseYear.output, Enterprise.park_id)
        .where(EnterpriseYear.year == year)
    )
    if among is not None:
        q = q.where(Enterprise.id.in_(among))
    if park is not None and on is None:
        q = q.where(Enterprise.park_id == park)
    rows = _plain_rows(session, q)  # 300,000 rows on the large city: no ORM row per firm
    # the tags as text, decoded once per distinct list (30,000 json.loads were most of the map)
    tags = json_lists(r[3] for r in rows)
    out = [(int(i), n, r, t, o) for (i, n, r, _, o, _p), t in zip(rows, tags, strict=True)]
    if on is None:
        return out
    found = history.past(session, on)
    changed = found.values if found is not None else {}
    if not changed and park is None:
        return out
    kept = []
    for (e, n, r, t, o), row in zip(out, rows, strict=True):
        p = row[5]
        then = changed.get(e)
        if then:  # a firm changed since the day: its district, tags and park of the day
            r = then.get("region_code", r)
            t = list(then["tags"] or []) if "tags" in then else t
            p = then.get("park_id", p)
        if park is None or p == park:
            kept.append((e, n, r, t, o))
    return kept


def industry_year_values(
    session: Session, principal: Principal, column: str, years: Iterable[int] | None = None
) -> list[tuple[str, int, float]]:
    """``(industry_code, year, value)`` of the ``column`` figure (``output``, ``employees`` …)
    of every enterprise-year the principal may read with both an industry code and a value;
    only ``years`` when given (the city's microdata for the regional panel)."""
    field = getattr(EnterpriseYear, column)
    query = restrict(
        select(Enterprise.industry_code, EnterpriseYear.year, field).join(
            Enterprise, Enterprise.id == EnterpriseYear.enterprise_id
        ),
        principal,
    ).where(Enterprise.industry_code.is_not(None), field.is_not(None))
    if years is not None:
        query = query.where(EnterpriseYear.year.in_(sorted({int(y) for y in years})))
    return [tuple(r) for r in session.execute(query).all()]  # type: ignore[misc]


def id_by_uscc(session: Session, uscc: str) -> int | None:
    """The id of the enterprise with this USCC, whoever asks (an administrator naming an
    enterprise user's scope); None when there is none."""
    return session.scalars(select(Enterprise.id).where(Enterprise.uscc == uscc)).first()


def first_id_and_name(session: Session) -> tuple[int, str] | None:
    """(id, name) of the enterprise with the smallest id (the demo accounts' scope); None: no
    enterprise."""
    query = select(Enterprise.id, Enterprise.name).order_by(Enterprise.id).limit(1)
    row = session.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def readable_ids(principal: Principal) -> Any:
    """``SELECT id`` of the enterprises the principal may read (every one, unscoped); None when
    the role may not read enterprises at all."""
    try:
        return restrict(select(Enterprise.id), principal, "read")
    except PermissionDenied:
        return None


def latest_readable_year(session: Session, principal: Principal) -> int | None:
    """The newest year of the enterprise figures the principal may read (None: none, or the
    role reads no enterprise figures)."""
    try:
        query = restrict(select(EnterpriseYear.year), principal, "read")
    except PermissionDenied:
        return None
    return session.scalar(select(func.max(query.subquery().c.year)))


def count_by_park(session: Session, among: Any = None) -> dict[int, int]:
    """park id -> how many enterprises are in it (only those in the ``among`` selectable of
    ids when given: the viewer's readable enterprises)."""
    query = (
        select(Enterprise.park_id, func.count(Enterprise.id))
        .where(Enterprise.park_id.is_not(None))
        .group_by(Enterprise.park_id)
    )
    if among is not None:
        query = query.where(Enterprise.id.in_(among))
    return {int(k): int(v) for k, v in session.execute(query).all() if k is not None}


# --------------------------------------------------------------------------- for smart
#: ids per ``IN (...)`` list of the attribute reads (SQLite's default variable limit is 999)
ATTRIBUTE_CHUNK = 900


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


def listing(principal: Principal, *, text: str | None = None, within: Any = None) -> AnySelect:
    """``SELECT enterprise`` of what ``principal`` may read, narrowed to names or USCCs that
    contain ``text`` and to ids in ``within`` (a ``SELECT id`` subquery) when given.

    The caller composes it (adds its own columns and joins, paginates) and reads the
    enterprise's columns from ``query.selected_columns`` (``.id``, ``.name``…), so a page that
    lists enterprises with one of its own rows stays one query.
    """
    query = restrict(select(Enterprise), principal, "read")
    if text and text.strip():
        term = text.strip()
        query = query.where(
            or_(
                Enterprise.name.icontains(term, autoescape=True),
                Enterprise.uscc.icontains(term, autoescape=True),
            )
        )
    if within is not None:
        query = query.where(Enterprise.id.in_(within))
    return query


def attributes_frame(session: Session, ids: Sequence[int], year: int) -> pl.DataFrame:
    """``enterprise_id, park_id, industry_code, employees, revenue, main_revenue`` of ``ids``,
    the figures from each enterprise's latest year on or before ``year`` (null when none).

    Not restricted: ``ids`` are ones the caller already read through its principal's scope
    (e.g. the enterprises of the assessments a chain office may read). Two queries per
    :data:`ATTRIBUTE_CHUNK` ids.
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
    for chunk in [wanted[i : i + ATTRIBUTE_CHUNK] for i in range(0, len(wanted), ATTRIBUTE_CHUNK)]:
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


def every_identity(session: Session) -> list[tuple[int, str, str, str | None, list[str]]]:
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


def ids_in_parks(park_ids: Iterable[int]) -> Any:
    """``SELECT id`` of the enterprises located in any of ``park_ids`` (for ``col.in_(...)``)."""
    return select(Enterprise.id).where(Enterprise.park_id.in_(sorted(set(park_ids))))


def ids_in_park(park_id: int) -> Any:
    """``SELECT id`` of the enterprises located in park ``park_id`` (for ``col.in_(...)``)."""
    return select(Enterprise.id).where(Enterprise.park_id == park_id)


def names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """id -> name of the given enterprises (missing ids are left out)."""
    return {i: name for i, (name, _park) in names_and_parks(session, ids).items()}


def names_and_parks(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """id -> (name, park id) of the given enterprises (missing ids are left out); one query per
    500 ids."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, int | None]] = {}
    for chunk in (wanted[i : i + PROJECT_CHUNK] for i in range(0, len(wanted), PROJECT_CHUNK)):
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.park_id).where(
                Enterprise.id.in_(chunk)
            )
        )
        out.update({int(eid): (name, park) for eid, name, park in rows})
    return out


def parks_by_enterprise(session: Session) -> list[tuple[int, int | None]]:
    """(id, park id) of every enterprise, by id (the demo builders' world)."""
    rows = session.execute(select(Enterprise.id, Enterprise.park_id).order_by(Enterprise.id))
    return [(int(i), p) for i, p in rows]
