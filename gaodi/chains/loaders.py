"""Rows the chain analytics need, loaded from the database as Polars frames.

Every query here goes through :func:`gaodi.core.permissions.restrict` (or is called by a
service function that already resolved the chain through it). Frames are built once from the
result rows; nothing here computes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from gaodi.analytics.rulefiles import above_scale_revenue_wan
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.core import clock
from gaodi.core.dbint import INT32_MAX, row_id_text
from gaodi.core.errors import NotFoundError, PermissionDenied
from gaodi.core.permissions import Principal, check_scope, restrict, scope_clause
from gaodi.core.selects import AnySelect
from gaodi.engine.rows import frame
from gaodi.enterprises import loaders as enterprise_loaders

SEGMENT_ORDER = {"up": 0, "mid": 1, "down": 2}
SRDI_TAGS = frozenset({"srdi", "little_giant"})


# --------------------------------------------------------------------------- chains and links


def chain_query(principal: Principal, action: str = "read") -> AnySelect:
    return restrict(select(Chain), principal, action).order_by(Chain.id)


def resolve_chain(
    session: Session, principal: Principal, ref: int | str, action: str = "read"
) -> Chain:
    """A chain by id, code or name, within what ``principal`` may ``action``; else 404."""
    query = restrict(select(Chain), principal, action)
    text = str(ref).strip()
    row_id = ref if isinstance(ref, int) else row_id_text(text)
    if row_id is not None:
        found = None
        if 1 <= row_id <= INT32_MAX:  # an id no INTEGER column holds names no chain
            found = session.scalars(query.where(Chain.id == row_id)).first()
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
    return enterprise_loaders.latest_year(session, until)


def first_mapping_day(session: Session) -> date | None:
    """The city's day the first rule mapping was recorded (the earliest rule row's stamp)."""
    first = session.scalar(
        select(func.min(EnterpriseLink.valid_from)).where(EnterpriseLink.source == "rule")
    )
    return clock.local_date(first) if first is not None else None


def in_force(session: Session, on: date | None) -> ColumnElement[bool]:
    """The condition on :class:`EnterpriseLink` rows for the membership in force at the end of
    the city's day ``on`` (None: the current membership, ``valid_to IS NULL``).

    A row is in force at instant :math:`t` when ``valid_from <= t < valid_to``. The rule rows
    of the first mapping's day are taken to hold before it too: no earlier classification
    exists, and a report on a month before the mapping was run must not find empty chains.
    Every other row (a manual edit, a later re-mapping) holds from its stamp only, so an edit
    made today leaves a past month's chains as they were; a row closed after ``on`` still
    counts on ``on``. A pair can then match twice (re-mapped on the first day): callers keep
    one row per pair.
    """
    if on is None:
        return EnterpriseLink.valid_to.is_(None)
    at = clock.end_of_day(on)
    started = EnterpriseLink.valid_from <= at
    first = first_mapping_day(session)
    if first is not None and first > on:
        started = or_(
            started,
            and_(
                EnterpriseLink.source == "rule",
                EnterpriseLink.valid_from <= clock.end_of_day(first),
            ),
        )
    return and_(started, or_(EnterpriseLink.valid_to.is_(None), EnterpriseLink.valid_to > at))


def facts_frame(
    session: Session, chain_ids: Sequence[int], year: int | None, on: date | None = None
) -> pl.DataFrame:
    """One row per (enterprise, link) assignment of the chains, current or in force on the day
    ``on`` (:func:`in_force`), with the figures of ``year`` and last year's output: the input
    of ``diagnose_chain`` (plus ``chain_id``)."""
    # the assignments, then each assigned firm's figures once: a firm on three links of the
    # chains is looked up once, not three times (after a re-mapping of the large demo city,
    # 597,000 assignments hold 180,000 firms). No ORDER BY: the diagnosis sums the outputs
    # exactly, so its figures do not depend on the order of the rows.
    assigned = (
        select(EnterpriseLink.enterprise_id, EnterpriseLink.link_id, Link.chain_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(
            Link.chain_id.in_(sorted(set(chain_ids))),
            in_force(session, on),
            EnterpriseLink.excluded.is_(False),
        )
    )
    pairs = frame(
        session,
        assigned,
        {"enterprise_id": pl.Int64, "link_id": pl.Int64, "chain_id": pl.Int64},
    )
    figures = enterprise_loaders.chain_figures(year)
    firms = frame(
        session,
        select(
            figures.c.enterprise_id,
            figures.c.name,
            figures.c.tags,
            figures.c.industry_code,
            figures.c.output,
            figures.c.revenue,
            figures.c.main_revenue,
            figures.c.invention_patents,
            figures.c.output_prev,
        ).where(
            figures.c.enterprise_id.in_(assigned.with_only_columns(EnterpriseLink.enterprise_id))
        ),
        {
            "enterprise_id": pl.Int64,
            "name": pl.String,
            "tags": pl.List(pl.String),
            "industry_code": pl.String,
            "output": pl.Float64,
            "revenue": pl.Float64,
            "main_revenue": pl.Float64,
            "invention_patents": pl.Int64,
            "output_prev": pl.Float64,
        },
    )
    # a past day's firms carry that day's tags and industry (a firm that gained 专精特新 since
    # does not raise the day's count): rebuilt from the audit log, nothing read for today
    firms = enterprise_loaders.as_of(session, firms, on)
    if on is not None:  # one row per pair (in_force may match a pair twice)
        pairs = pairs.unique(subset=["enterprise_id", "link_id"], keep="first", maintain_order=True)
    raw = pairs.join(firms, on="enterprise_id", how="inner", maintain_order="left")
    tags = pl.col("tags").fill_null([])
    return raw.with_columns(
        tags.list.contains("leader").alias("is_leader"),
        tags.list.eval(pl.element().is_in(sorted(SRDI_TAGS))).list.any().alias("is_srdi"),
        # 规上 in the chain rule is the revenue floor for every firm, not 规上工业 alone: a chain
        # has service links (sales, testing, data, leasing) whose firms are never 工业, and
        # requiring a 规上工业企业 there made 20 of the demo's 340 links weak by construction
        # (each service sector's own statistical floor is not encoded; docs/methods/chains.md)
        (pl.coalesce("main_revenue", "revenue") >= above_scale_revenue_wan())
        .fill_null(False)
        .alias("above_scale"),
    )


def visible_enterprise_ids(
    session: Session, principal: Principal, ids: Iterable[int]
) -> set[int] | None:
    """Which of ``ids`` the principal may read; None means all (an unscoped role)."""
    if not principal.is_scoped:
        return None
    return enterprise_loaders.visible_ids(session, principal, ids)


#: What stands for a firm the viewer may not see, in each language: the analysis writes its
#: Chinese and English sentences from one name column, so the English ones get theirs back by
#: :func:`english_masked`.
MASKED_NAME_ZH = "（他处企业）"
MASKED_NAME_EN = "(an enterprise elsewhere)"


def english_masked(text: str) -> str:
    """An English sentence of the analysis with the masked firms named in English."""
    return text.replace(MASKED_NAME_ZH, MASKED_NAME_EN)


def mask_names(facts: pl.DataFrame, visible: set[int] | None) -> pl.DataFrame:
    """Replace the names of enterprises the viewer may not see (figures still count)."""
    if visible is None:
        return facts
    return facts.with_columns(
        pl.when(pl.col("enterprise_id").is_in(sorted(visible)))
        .then(pl.col("name"))
        .otherwise(pl.lit(MASKED_NAME_ZH))
        .alias("name")
    )


# --------------------------------------------------------------------------- the external pool


def pool_frame(session: Session, principal: Principal) -> pl.DataFrame:
    """The external pool in the columns :func:`gaodi.analytics.attraction.rank_candidates`
    takes; ``id`` is ``"X<id>"`` so it never collides with a local enterprise id, and
    ``supplies_to`` holds the local partners' ids as text (as the ranking's local ids are)."""
    raw = enterprise_loaders.pool_frame(session, principal)
    return raw.with_columns(
        pl.concat_str(pl.lit("X"), pl.col("pool_id").cast(pl.String)).alias("id"),
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$")).then(pl.col("industry_code")),
        pl.col("tags").fill_null([]),
        pl.col("supplies_to").fill_null([]).list.eval(pl.element().cast(pl.String)),
    )


def chain_codes(session: Session, codes: Iterable[str]) -> dict[int, str]:
    """id -> code of the chains with these codes, whoever asks (a city-wide count by chain,
    such as a park's positioning check, names chains it does not show)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    query = select(Chain.id, Chain.code).where(Chain.code.in_(wanted))
    return {cid: code for cid, code in session.execute(query)}


def current_chain_names(
    session: Session, principal: Principal, enterprise_ids: Iterable[int]
) -> dict[int, list[str]]:
    """enterprise id -> names of the chains it is currently attached to (not excluded, not
    ended), through the assignments the principal may read; one query."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    links = (
        restrict(select(EnterpriseLink), principal)
        .where(
            EnterpriseLink.enterprise_id.in_(ids),
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
        .subquery()
    )
    query = (
        select(links.c.enterprise_id, Chain.name)
        .join(Link, Link.id == links.c.link_id)
        .join(Chain, Chain.id == Link.chain_id)
        .distinct()
    )
    out: dict[int, list[str]] = {}
    for eid, name in session.execute(query):
        out.setdefault(eid, []).append(name)
    return out


def current_memberships(
    session: Session, enterprise_id: int, principal: Principal | None
) -> list[tuple[int, str, str, int, str, str, float | None]]:
    """``(chain id, chain code, chain name, link id, link name, source, confidence)`` of the
    enterprise's current (not excluded, not ended) assignments, by chain then link order.

    Through the assignments ``principal`` may read; ``None`` reads them unfiltered, for the
    one case the caller decided that: an enterprise user reading its own enterprise's links
    (facts about itself, though it reads no chain)."""
    link_query = select(EnterpriseLink)
    if principal is not None:
        link_query = restrict(link_query, principal)
    links = link_query.where(
        EnterpriseLink.enterprise_id == enterprise_id,
        EnterpriseLink.valid_to.is_(None),
        EnterpriseLink.excluded.is_(False),
    ).subquery()
    query = (
        select(
            Chain.id,
            Chain.code,
            Chain.name,
            Link.id,
            Link.name,
            links.c.source,
            links.c.confidence,
        )
        .join(Link, Link.id == links.c.link_id)
        .join(Chain, Chain.id == Link.chain_id)
        .order_by(Chain.id, Link.sort_order, Link.id)
    )
    return [tuple(r) for r in session.execute(query)]  # type: ignore[misc]


def names_and_offices(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    """chain id -> (name, the office's name when recorded) for these ids, whoever asks (who
    owes a plan's series is named to every reader of the plan)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Chain.id, Chain.name, Chain.office).where(Chain.id.in_(wanted))
    return {cid: (name, office) for cid, name, office in session.execute(query)}


def id_by_code_or_name(session: Session, ref: str) -> int | None:
    """The id of the first chain whose code or name is ``ref``, whoever asks (an administrator
    naming a chain office's scope); None when there is none."""
    query = select(Chain.id).where((Chain.code == ref) | (Chain.name == ref))
    return session.scalars(query).first()


def first_id_and_name(session: Session) -> tuple[int, str] | None:
    """(id, name) of the chain with the smallest id (the demo accounts' scope); None: no chain."""
    row = session.execute(select(Chain.id, Chain.name).order_by(Chain.id).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def readable_names(session: Session, principal: Principal) -> list[tuple[int, str]] | None:
    """(id, name) of the chains the principal may read, by id; None when the role may not read
    chains at all."""
    try:
        query = restrict(select(Chain.id, Chain.name), principal, "read")
    except PermissionDenied:
        return None
    return [(cid, name) for cid, name in session.execute(query.order_by(Chain.id)).all()]


def enterprise_counts(
    session: Session, chain_ids: Iterable[int], among: Any = None
) -> dict[int, int]:
    """chain id -> how many distinct enterprises are currently attached (not excluded, not
    ended) to its links; only those in the ``among`` selectable of ids when given. One query."""
    query = (
        select(Link.chain_id, func.count(distinct(EnterpriseLink.enterprise_id)))
        .join(EnterpriseLink, EnterpriseLink.link_id == Link.id)
        .where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.excluded.is_(False))
        .where(Link.chain_id.in_(sorted(set(chain_ids))))
        .group_by(Link.chain_id)
    )
    if among is not None:
        query = query.where(EnterpriseLink.enterprise_id.in_(among))
    return {int(k): int(v) for k, v in session.execute(query).all()}


# --------------------------------------------------------------------------- for other features
# (issue [15]: other features read chain membership through these, not through the models)


def chain_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """``(code, name)`` of the chains ``principal`` may read, by id: a filter's options; empty
    when the principal may not read chains at all."""
    from gaodi.core.permissions import PermissionDenied  # here: appended to a shared module

    try:
        query = restrict(select(Chain), principal).with_only_columns(Chain.code, Chain.name)
    except PermissionDenied:
        return []
    return [(str(c), str(n)) for c, n in session.execute(query.order_by(Chain.id))]


def readable_chain_names(session: Session, principal: Principal) -> dict[int, str]:
    """Chain id -> name of the chains ``principal`` may read (empty when it may read none)."""
    from gaodi.core.permissions import PermissionDenied  # here: appended to a shared module

    try:
        query = restrict(select(Chain), principal).with_only_columns(Chain.id, Chain.name)
    except PermissionDenied:
        return {}
    return {int(i): n for i, n in session.execute(query.order_by(Chain.id))}


def on_chain_ids(code: str) -> AnySelect:
    """``SELECT enterprise_id`` of the enterprises with a current (not ended) assignment to a
    link of the chain coded ``code``, excluded assignments included: a list filter "on this
    chain" the caller composes as ``.where(col.in_(on_chain_ids(code)))``."""
    return (
        select(EnterpriseLink.enterprise_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .join(Chain, Chain.id == Link.chain_id)
        .where(Chain.code == code, EnterpriseLink.valid_to.is_(None))
    )


def chain_names_of(session: Session, enterprise_ids: Sequence[int]) -> dict[int, list[str]]:
    """Enterprise id -> names (sorted) of the chains it is currently attached to (not excluded,
    not ended), for ids the caller already read within its principal's scope. One query."""
    if not enterprise_ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = session.execute(
        select(EnterpriseLink.enterprise_id, Chain.name)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .join(Chain, Chain.id == Link.chain_id)
        .where(
            EnterpriseLink.enterprise_id.in_(enterprise_ids),
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
        .distinct()
        .order_by(EnterpriseLink.enterprise_id, Chain.name)
    )
    for eid, name in rows:
        out.setdefault(int(eid), []).append(name)
    return out


def membership_frame(
    session: Session,
    enterprise_ids: Sequence[int] | None,
    chain_ids: Iterable[int],
    on: date | None = None,
) -> pl.DataFrame:
    """``enterprise_id, chain_id``: one row per (enterprise, chain) pair where the enterprise is
    attached (not excluded) to a link of the chain, currently or on the city's day ``on``
    (:func:`in_force`), for the given enterprises (the caller's readable ones; None: every
    enterprise of the city, for a reader that counts firms whoever asks) and chains. One
    query."""
    query = (
        select(EnterpriseLink.enterprise_id, Link.chain_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(
            in_force(session, on),
            EnterpriseLink.excluded.is_(False),
            Link.chain_id.in_(sorted(chain_ids)),
        )
        .distinct()
    )
    if enterprise_ids is not None:
        query = query.where(EnterpriseLink.enterprise_id.in_(enterprise_ids))
    rows = session.execute(query)
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema=[("enterprise_id", pl.Int64), ("chain_id", pl.Int64)],
        orient="row",
    )


def current_assignments(session: Session) -> list[tuple[int, int]]:
    """``(enterprise_id, chain_id)`` of every current (not ended) assignment, excluded ones
    included, one per assigned link (a pair repeats when the enterprise is on two links of the
    chain), by enterprise then chain. City-wide: for demo builders, which run as the system."""
    query = (
        select(EnterpriseLink.enterprise_id, Link.chain_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(EnterpriseLink.valid_to.is_(None))
        .order_by(EnterpriseLink.enterprise_id, Link.chain_id)
    )
    return [(int(e), int(c)) for e, c in session.execute(query)]


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


def chain_id_choices(session: Session, principal: Principal) -> list[tuple[int, str]]:
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
    ent = enterprise_loaders.identities()
    rows = session.execute(
        select(Link.chain_id, ent.c.park_id, func.count())
        .join(EnterpriseLink, EnterpriseLink.link_id == Link.id)
        .join(ent, ent.c.id == EnterpriseLink.enterprise_id)
        .where(
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
            ent.c.park_id.is_not(None),
        )
        .group_by(Link.chain_id, ent.c.park_id)
        .order_by(Link.chain_id, ent.c.park_id)
    )
    return [(int(c), int(p), int(n)) for c, p, n in rows]


def current_members(session: Session) -> list[tuple[int, int, str, str]]:
    """(enterprise id, chain id, name, USCC) per current attachment, by enterprise then chain
    (one row per link: an enterprise on two links of a chain appears twice). One query."""
    ent = enterprise_loaders.identities()
    rows = session.execute(
        select(ent.c.id, Link.chain_id, ent.c.name, ent.c.uscc)
        .join(EnterpriseLink, EnterpriseLink.enterprise_id == ent.c.id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.excluded.is_(False))
        .order_by(ent.c.id, Link.chain_id)
    )
    return [(int(e), int(c), str(n), str(u)) for e, c, n, u in rows]


def writable_chain_ids(
    session: Session, principal: Principal, ids: Iterable[int | None]
) -> set[int]:
    """Which of the chain ``ids`` exist and are rows ``principal`` reads and may edit (row scope
    only: what a project registered on a chain asks of it), in batches of 500 ids."""
    query = select(Chain.id)
    for each in ("read", "edit"):
        clause = scope_clause(principal, Chain, each)
        if clause is not None:
            query = query.where(clause)
    wanted = sorted({i for i in ids if i is not None})
    out: set[int] = set()
    for at in range(0, len(wanted), 500):
        out.update(session.scalars(query.where(Chain.id.in_(wanted[at : at + 500]))))
    return out


def link_chain_ids(session: Session, link_ids: Iterable[int | None]) -> dict[int, int]:
    """link id -> its chain's id, for the links of ``link_ids`` that exist (whoever asks: the
    caller checks the chain against its scope), in batches of 500 ids."""
    wanted = sorted({i for i in link_ids if i is not None})
    out: dict[int, int] = {}
    for at in range(0, len(wanted), 500):
        query = select(Link.id, Link.chain_id).where(Link.id.in_(wanted[at : at + 500]))
        out.update({int(k): int(v) for k, v in session.execute(query)})
    return out
