"""Rows the chain analytics need, loaded from the database as Polars frames.

Every query here goes through :func:`gaodi.core.permissions.restrict` (or is called by a
service function that already resolved the chain through it). Frames are built once from the
result rows; nothing here computes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal, check_scope, restrict, scope_clause
from gaodi.enterprises.models import Enterprise, EnterpriseYear, ExternalEnterprise
from gaodi.system.models import SystemInfo

#: 规上工业企业: main-business revenue of 2000万元 or more (国家统计局统计范围, since 2011; see
#: gaodi/analytics/rules/tiers/above_scale.yaml). Revenue stands in where main revenue is missing.
ABOVE_SCALE_WAN = 2000.0
SEGMENT_ORDER = {"up": 0, "mid": 1, "down": 2}
SRDI_TAGS = frozenset({"srdi", "little_giant"})


def frame(session: Session, query: Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The query's rows as a DataFrame with ``schema`` (column names in select order).

    Runs on the session's connection (Core rows, no ORM row processing). JSON list columns are
    best selected with :func:`json_text` and given a ``pl.List`` dtype here: they are then
    decoded in one vectorised pass instead of one ``json.loads`` per row.
    """
    lists = {k: v for k, v in schema.items() if isinstance(v, pl.List)}
    raw_schema = {k: (pl.String if k in lists else v) for k, v in schema.items()}
    rows = session.connection().execute(query).all()
    df = pl.DataFrame([tuple(r) for r in rows], schema=raw_schema, orient="row")
    if lists:
        df = df.with_columns(pl.col(k).str.json_decode(v) for k, v in lists.items())
    return df


def json_text(column: Any) -> Any:
    """A JSON column selected as its text (decoded by :func:`frame`)."""
    return cast(column, String)


# --------------------------------------------------------------------------- chains and links


def chain_query(principal: Principal, action: str = "read") -> Select[Any]:
    return restrict(select(Chain), principal, action).order_by(Chain.id)


def resolve_chain(
    session: Session, principal: Principal, ref: int | str, action: str = "read"
) -> Chain:
    """A chain by id, code or name, within what ``principal`` may ``action``; else 404."""
    query = restrict(select(Chain), principal, action)
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        cond = Chain.id == int(text)
        found = session.scalars(query.where(cond)).first()
        if found is None:  # a numeric code
            found = session.scalars(query.where(Chain.code == text)).first()
    else:
        found = session.scalars(query.where((Chain.code == text) | (Chain.name == text))).first()
    if found is None:
        raise NotFoundError(
            f"找不到产业链“{text}”（或无权查看）。", f"No chain '{text}' (or not yours to see)."
        )
    return found


def tree_order(links: Sequence[Link]) -> list[Link]:
    """Depth-first: segments up, mid, down; siblings by sort order then id."""
    children: dict[int | None, list[Link]] = {}
    ids = {lk.id for lk in links}
    for lk in links:
        parent = lk.parent_id if lk.parent_id in ids else None
        children.setdefault(parent, []).append(lk)
    for kids in children.values():
        kids.sort(key=lambda x: (SEGMENT_ORDER.get(x.segment, 9), x.sort_order, x.id))
    out: list[Link] = []

    def walk(parent: int | None) -> None:
        for lk in children.get(parent, []):
            out.append(lk)
            walk(lk.id)

    walk(None)
    return out


def chain_links(session: Session, principal: Principal, chain_ids: Iterable[int]) -> list[Link]:
    ids = sorted(set(chain_ids))
    if not ids:
        return []
    query = restrict(select(Link), principal).where(Link.chain_id.in_(ids))
    return list(session.scalars(query))


def links_frame(links: Sequence[Link]) -> pl.DataFrame:
    """The link rows in tree order, with every column the analytics read."""
    ordered = tree_order(links)
    return pl.DataFrame(
        {
            "link_id": [lk.id for lk in ordered],
            "chain_id": [lk.chain_id for lk in ordered],
            "parent_id": [lk.parent_id for lk in ordered],
            "code": [lk.code for lk in ordered],
            "name": [lk.name for lk in ordered],
            "segment": [lk.segment for lk in ordered],
            "key_link": [bool(lk.key_link) for lk in ordered],
            "industry_codes": [list(lk.industry_codes or []) for lk in ordered],
            "keywords": [list(lk.keywords or []) for lk in ordered],
            "exclude_keywords": [list(lk.exclude_keywords or []) for lk in ordered],
        },
        schema={
            "link_id": pl.Int64,
            "chain_id": pl.Int64,
            "parent_id": pl.Int64,
            "code": pl.String,
            "name": pl.String,
            "segment": pl.String,
            "key_link": pl.Boolean,
            "industry_codes": pl.List(pl.String),
            "keywords": pl.List(pl.String),
            "exclude_keywords": pl.List(pl.String),
        },
    )


# --------------------------------------------------------------------------- enterprise facts


def latest_year(session: Session, until: int | None = None) -> int | None:
    """The latest year of enterprise figures (no later than ``until`` when given)."""
    query = select(func.max(EnterpriseYear.year))
    if until is not None:
        query = query.where(EnterpriseYear.year <= until)
    return session.scalar(query)


def facts_frame(session: Session, chain_ids: Sequence[int], year: int | None) -> pl.DataFrame:
    """One row per current (enterprise, link) assignment of the chains, with the figures of
    ``year`` and last year's output: the input of ``diagnose_chain`` (plus ``chain_id``)."""
    now, prev = aliased(EnterpriseYear), aliased(EnterpriseYear)
    y = year if year is not None else -1
    query = (
        select(
            EnterpriseLink.enterprise_id,
            EnterpriseLink.link_id,
            Link.chain_id,
            Enterprise.name,
            json_text(Enterprise.tags),
            now.output,
            now.revenue,
            now.main_revenue,
            now.invention_patents,
            prev.output,
        )
        .join(Link, Link.id == EnterpriseLink.link_id)
        .join(Enterprise, Enterprise.id == EnterpriseLink.enterprise_id)
        .outerjoin(now, and_(now.enterprise_id == Enterprise.id, now.year == y))
        .outerjoin(prev, and_(prev.enterprise_id == Enterprise.id, prev.year == y - 1))
        .where(
            Link.chain_id.in_(sorted(set(chain_ids))),
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
    )
    raw = frame(
        session,
        query,
        {
            "enterprise_id": pl.Int64,
            "link_id": pl.Int64,
            "chain_id": pl.Int64,
            "name": pl.String,
            "tags": pl.List(pl.String),
            "output": pl.Float64,
            "revenue": pl.Float64,
            "main_revenue": pl.Float64,
            "invention_patents": pl.Int64,
            "output_prev": pl.Float64,
        },
    )
    tags = pl.col("tags").fill_null([])
    return raw.with_columns(
        tags.list.contains("leader").alias("is_leader"),
        tags.list.eval(pl.element().is_in(sorted(SRDI_TAGS))).list.any().alias("is_srdi"),
        (pl.coalesce("main_revenue", "revenue") >= ABOVE_SCALE_WAN)
        .fill_null(False)
        .alias("above_scale"),
    )


def visible_enterprise_ids(
    session: Session, principal: Principal, ids: Iterable[int]
) -> set[int] | None:
    """Which of ``ids`` the principal may read; None means all (an unscoped role)."""
    if not principal.is_scoped:
        return None
    wanted = sorted(set(ids))
    out: set[int] = set()
    for i in range(0, len(wanted), 5000):
        chunk = wanted[i : i + 5000]
        query = restrict(select(Enterprise.id), principal).where(Enterprise.id.in_(chunk))
        out.update(session.scalars(query))
    return out


def mask_names(facts: pl.DataFrame, visible: set[int] | None) -> pl.DataFrame:
    """Replace the names of enterprises the viewer may not see (figures still count)."""
    if visible is None:
        return facts
    return facts.with_columns(
        pl.when(pl.col("enterprise_id").is_in(sorted(visible)))
        .then(pl.col("name"))
        .otherwise(pl.lit("（他处企业）"))
        .alias("name")
    )


def dataset_city(session: Session) -> str | None:
    """The home city's GB/T 2260 code, from the dataset record (None when not known)."""
    value = session.scalar(select(SystemInfo.value).where(SystemInfo.key == "dataset"))
    if isinstance(value, dict) and value.get("city"):
        return str(value["city"])
    return None


# --------------------------------------------------------------------------- the external pool


def pool_frame(session: Session, principal: Principal) -> pl.DataFrame:
    """The external pool in the columns :func:`gaodi.analytics.attraction.rank_candidates`
    takes; ``id`` is ``"X<id>"`` so it never collides with a local enterprise id, and
    ``supplies_to`` holds the local partners' ids as text (as the ranking's local ids are)."""
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
    raw = frame(
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
    return raw.with_columns(
        pl.concat_str(pl.lit("X"), pl.col("pool_id").cast(pl.String)).alias("id"),
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$")).then(pl.col("industry_code")),
        pl.col("tags").fill_null([]),
        pl.col("supplies_to").fill_null([]).list.eval(pl.element().cast(pl.String)),
    )


# --------------------------------------------------------------------------- read by other features
# The projects feature (projects, challenges, appeals) refers to chains and links by id; these are
# the reads it makes of them, so that it never writes SQL against this feature's tables.


def chain_in_scope(
    session: Session,
    principal: Principal,
    chain_id: int | None,
    action: str = "edit",
    *,
    not_found: tuple[str, str],
) -> Chain:
    """The chain ``chain_id`` if it is in ``principal``'s row scope for read and ``action``.

    The check a write makes of the chain it refers to (a project's, a challenge's, an appeal's):
    only the row scope, not the role's right in the chain domain
    (:func:`gaodi.core.permissions.check_scope` with ``domain_right=False``). A missing chain and
    one outside the scope both raise :class:`NotFoundError` with ``not_found``."""
    return check_scope(
        session, principal, Chain, chain_id, action, domain_right=False, not_found=not_found
    )


def default_chain(
    session: Session, principal: Principal, enterprise_id: int, action: str = "edit"
) -> int | None:
    """The lowest chain id among the enterprise's current links (not ended, not excluded) that
    lies in ``principal``'s row scope for ``action`` (a chain office: its own chains); None when
    there is none. One query."""
    query = (
        select(func.min(Link.chain_id))
        .join(EnterpriseLink, EnterpriseLink.link_id == Link.id)
        .where(
            EnterpriseLink.enterprise_id == enterprise_id,
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
    )
    clause = scope_clause(principal, Chain, action)
    if clause is not None:
        query = query.where(Link.chain_id.in_(select(Chain.id).where(clause)))
    return session.scalar(query)


def chain_names(session: Session) -> dict[int, str]:
    """id -> name of every chain, by id (labels for rows already read through their own scope)."""
    rows = session.execute(select(Chain.id, Chain.name).order_by(Chain.id)).all()
    return {int(i): str(n) for i, n in rows}


def link_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """id -> name of the given links (labels for rows already read through their own scope)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Link.id, Link.name).where(Link.id.in_(wanted))).all()
    return {int(i): str(n) for i, n in rows}


def chain_exists(session: Session, chain_id: int) -> bool:
    """Whether a chain with this id exists (any scope: a form's consistency check)."""
    return session.get(Chain, chain_id) is not None


def link_chain(session: Session, link_id: int) -> int | None:
    """The chain id of link ``link_id``; None when there is no such link."""
    link = session.get(Link, link_id)
    return None if link is None else link.chain_id


def find_chain_id(session: Session, ref: str) -> int | None:
    """The id of a chain named by id, code or name (the CLI's ``--chain`` filter, which reads
    every chain as the operator's CLI always did); None when none matches."""
    ref = ref.strip()
    conds = [Chain.code == ref, Chain.name == ref]
    if ref.isdigit():
        conds.append(Chain.id == int(ref))
    return session.scalars(select(Chain.id).where(or_(*conds))).first()


def chain_choices(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """(id, name) of the chains ``principal`` may read, by id (a form's choices).

    Raises :class:`gaodi.core.errors.PermissionDenied` when the role may not read chains."""
    query = restrict(select(Chain.id, Chain.name), principal).order_by(Chain.id)
    return [(int(i), str(n)) for i, n in session.execute(query)]


def link_choices(session: Session, principal: Principal) -> list[tuple[int, int, str]]:
    """(id, chain id, name) of the links ``principal`` may read, by chain then tree order.

    Raises :class:`gaodi.core.errors.PermissionDenied` when the role may not read links."""
    query = restrict(select(Link.id, Link.chain_id, Link.name), principal).order_by(
        Link.chain_id, Link.sort_order, Link.id
    )
    return [(int(i), int(c), str(n)) for i, c, n in session.execute(query)]


def all_links(session: Session) -> list[tuple[int, int, str, bool]]:
    """(id, chain id, name, key link?) of every link, by id (the demo builders' world)."""
    rows = session.execute(
        select(Link.id, Link.chain_id, Link.name, Link.key_link).order_by(Link.id)
    )
    return [(int(i), int(c), str(n), bool(k)) for i, c, n, k in rows]


def current_link_counts(session: Session) -> dict[int, int]:
    """link id -> how many enterprises are currently attached to it (not ended, not excluded)."""
    rows = session.execute(
        select(EnterpriseLink.link_id, func.count())
        .where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.excluded.is_(False))
        .group_by(EnterpriseLink.link_id)
    )
    return {int(lid): int(n) for lid, n in rows}


def chain_park_counts(session: Session) -> list[tuple[int, int, int]]:
    """(chain id, park id, current attachments) of enterprises with a park, by chain then park.

    Counts attachments (an enterprise on two links of a chain counts twice), in one query."""
    rows = session.execute(
        select(Link.chain_id, Enterprise.park_id, func.count())
        .join(EnterpriseLink, EnterpriseLink.link_id == Link.id)
        .join(Enterprise, Enterprise.id == EnterpriseLink.enterprise_id)
        .where(
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
            Enterprise.park_id.is_not(None),
        )
        .group_by(Link.chain_id, Enterprise.park_id)
        .order_by(Link.chain_id, Enterprise.park_id)
    )
    return [(int(c), int(p), int(n)) for c, p, n in rows]


def current_members(session: Session) -> list[tuple[int, int, str, str]]:
    """(enterprise id, chain id, name, USCC) per current attachment, by enterprise then chain
    (one row per link: an enterprise on two links of a chain appears twice). One query."""
    rows = session.execute(
        select(Enterprise.id, Link.chain_id, Enterprise.name, Enterprise.uscc)
        .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.excluded.is_(False))
        .order_by(Enterprise.id, Link.chain_id)
    )
    return [(int(e), int(c), str(n), str(u)) for e, c, n, u in rows]
