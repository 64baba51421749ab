"""Global search (the header's box): enterprises, projects, chains and chain links by name or code.

Each group is one scoped query — :func:`gaodi.core.permissions.restrict` with the principal, as
each list page does — so a park office finds only its park's firms and a chain office only its
chains' links. A group the role may not read at all is left out (not an error). Enterprises
match by part of the name, by the exact USCC or by a USCC prefix (the leading characters of the
18, e.g. ``91430100``); projects by name or investor; chains by name or code; links by name or
code. Each group holds at most ``limit`` rows and says whether more matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from gaodi.chains.models import Chain, Link
from gaodi.core.permissions import Principal, allowed, restrict
from gaodi.enterprises.models import Enterprise
from gaodi.parks.models import Park
from gaodi.projects.models import Project

#: The longest query the box accepts (a name or a USCC is far shorter).
MAX_QUERY = 100
#: Rows per group, by default and at most.
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
#: A USCC prefix is searched from this many characters on (fewer would match most firms).
USCC_PREFIX_MIN = 4
_USCC_CHARS = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


class SearchHit(BaseModel):
    id: int
    label: str
    detail: str | None = None
    url: str


class SearchGroup(BaseModel):
    key: str  # enterprises / projects / chains / links
    hits: list[SearchHit]
    more: bool  # more rows matched than the group shows


class SearchResult(BaseModel):
    q: str
    limit: int
    groups: list[SearchGroup]

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def normalise(q: str | None) -> str:
    """The query as searched: outer blanks removed, inner runs of blanks made one space."""
    return " ".join((q or "").split())[:MAX_QUERY]


def _enterprises(session: Session, principal: Principal, q: str, limit: int) -> SearchGroup:
    pattern = _like(q)
    code = q.upper().replace(" ", "")
    conditions: list[Any] = [Enterprise.name.ilike(pattern, escape="\\"), Enterprise.uscc == code]
    if len(code) >= USCC_PREFIX_MIN and set(code) <= _USCC_CHARS:
        conditions.append(Enterprise.uscc.like(_prefix(code), escape="\\"))
    rank = case(
        (Enterprise.uscc == code, 0),
        (Enterprise.name.ilike(_prefix(q), escape="\\"), 1),
        else_=2,
    )
    query = (
        restrict(select(Enterprise), principal)
        .with_only_columns(Enterprise.id, Enterprise.name, Enterprise.uscc, Park.name)
        .outerjoin(Park, Park.id == Enterprise.park_id)
        .where(or_(*conditions))
        .order_by(rank, func.length(Enterprise.name), Enterprise.name, Enterprise.id)
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    hits = [
        SearchHit(id=i, label=name, detail=_join(uscc, park), url=f"/enterprises/{i}")
        for i, name, uscc, park in rows[:limit]
    ]
    return SearchGroup(key="enterprises", hits=hits, more=len(rows) > limit)


def _projects(session: Session, principal: Principal, q: str, limit: int) -> SearchGroup:
    pattern = _like(q)
    query = (
        restrict(select(Project), principal)
        .with_only_columns(Project.id, Project.name, Project.investor_name, Chain.name)
        .join(Chain, Chain.id == Project.chain_id)
        .where(
            or_(
                Project.name.ilike(pattern, escape="\\"),
                Project.investor_name.ilike(pattern, escape="\\"),
            )
        )
        .order_by(Project.name, Project.id)
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    hits = [
        SearchHit(id=i, label=name, detail=_join(chain, investor), url=f"/projects/{i}")
        for i, name, investor, chain in rows[:limit]
    ]
    return SearchGroup(key="projects", hits=hits, more=len(rows) > limit)


def _chains(session: Session, principal: Principal, q: str, limit: int) -> SearchGroup:
    pattern = _like(q)
    query = (
        restrict(select(Chain), principal)
        .with_only_columns(Chain.id, Chain.name, Chain.code)
        .where(or_(Chain.name.ilike(pattern, escape="\\"), Chain.code == q.upper()))
        .order_by(Chain.name, Chain.id)
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    hits = [
        SearchHit(id=i, label=name, detail=code, url=f"/chains/{i}")
        for i, name, code in rows[:limit]
    ]
    return SearchGroup(key="chains", hits=hits, more=len(rows) > limit)


def _links(session: Session, principal: Principal, q: str, limit: int) -> SearchGroup:
    pattern = _like(q)
    query = (
        restrict(select(Link), principal)
        .with_only_columns(Link.id, Link.name, Link.chain_id, Chain.name)
        .join(Chain, Chain.id == Link.chain_id)
        .where(or_(Link.name.ilike(pattern, escape="\\"), Link.code == q))
        .order_by(Chain.name, Link.sort_order, Link.id)
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    hits = [
        SearchHit(id=i, label=name, detail=chain, url=f"/chains/{chain_id}/links/{i}")
        for i, name, chain_id, chain in rows[:limit]
    ]
    return SearchGroup(key="links", hits=hits, more=len(rows) > limit)


#: (group, the domain a role must read, the query)
GROUPS: Sequence[tuple[str, str, Any]] = (
    ("enterprises", "enterprise", _enterprises),
    ("projects", "project", _projects),
    ("chains", "chain", _chains),
    ("links", "chain", _links),
)


def search(
    session: Session, principal: Principal, q: str | None, limit: int = DEFAULT_LIMIT
) -> SearchResult:
    """What ``principal`` may see that matches ``q``, by group (empty for an empty query)."""
    text = normalise(q)
    limit = max(1, min(int(limit), MAX_LIMIT))
    groups: list[SearchGroup] = []
    if text:
        for _key, domain, run in GROUPS:
            if allowed(principal, "read", domain):
                groups.append(run(session, principal, text, limit))
    return SearchResult(q=text, limit=limit, groups=groups)
