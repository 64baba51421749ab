"""Editing chains: add, rename, move and delete links; codes, keywords, key flag; assign an
enterprise to a link by hand or take it off.

Every change goes through the ORM, so the audit listener records it (who: the session's
``actor``). Industry codes are checked against GB/T 4754-2017 (:mod:`gaodi.core.reference`).
A manual assignment closes the pair's current row and opens a ``manual`` one: it wins over
the rule, and re-mapping never touches it (see :mod:`gaodi.chains.remap`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.chains import loaders
from gaodi.chains.assignments import AssignmentRow, prepare_assignments, write_assignments
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require, restrict
from gaodi.core.reference import validate_industry_code
from gaodi.db import utcnow
from gaodi.enterprises import loaders as enterprise_loaders

SPLIT = re.compile(r"[,，、;；\s]+")


def split_words(value: Any) -> list[str]:
    """A list from a list or from text separated by commas, 、, semicolons or spaces; trimmed,
    duplicates dropped, order kept.

    Examples
    --------
    >>> split_words("液压泵、液压阀, 液压泵")
    ['液压泵', '液压阀']
    """
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        for part in SPLIT.split(str(item or "")):
            word = part.strip()
            if word and word not in out:
                out.append(word)
    return out


class LinkInput(BaseModel):
    """A link as the edit form and the JSON API submit it."""

    name: str = Field(min_length=1, max_length=100)
    code: str | None = Field(None, max_length=32)
    segment: Literal["up", "mid", "down"] = "mid"
    parent_id: int | None = None
    industry_codes: list[str] = Field(default_factory=list, max_length=50)
    keywords: list[str] = Field(default_factory=list, max_length=200)
    exclude_keywords: list[str] = Field(default_factory=list, max_length=200)
    key_link: bool = False
    sort_order: int | None = Field(None, ge=0, le=100_000, description="None: keep (new: 0)")
    description: str | None = Field(None, max_length=2000, description="None: keep")

    @field_validator("name", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("code", "description", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("parent_id", mode="before")
    @classmethod
    def _blank_parent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("industry_codes", "keywords", "exclude_keywords", mode="before")
    @classmethod
    def _words(cls, value: Any) -> list[str]:
        return split_words(value)

    @field_validator("key_link", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = value[-1] if value else False
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "on", "yes", "是")
        return value


def check_codes(codes: list[str]) -> list[str]:
    """Each code must be a GB/T 4754-2017 division, group or class (2, 3 or 4 digits)."""
    for code in codes:
        if not re.fullmatch(r"\d{2,4}", code):
            raise ValidationError(
                f"行业代码“{code}”须为2至4位数字（GB/T 4754大类、中类或小类）。",
                f"Industry code '{code}' must be 2 to 4 digits (GB/T 4754 division, group or "
                "class).",
                field="industry_codes",
            )
        try:
            validate_industry_code(code)
        except ValidationError as exc:
            raise ValidationError(exc.zh, exc.en, field="industry_codes") from None
    return codes


def _chain_for_edit(session: Session, principal: Principal, chain: int | str) -> Chain:
    require(principal, "edit", "chain")
    return loaders.resolve_chain(session, principal, chain, "edit")


def get_link(session: Session, principal: Principal, link_id: int, action: str = "read") -> Link:
    found = session.scalars(restrict(select(Link), principal, action).where(Link.id == link_id))
    link = found.first()
    if link is None:
        raise NotFoundError(f"找不到环节 {link_id}。", f"No link {link_id}.")
    return link


def _descendants(session: Session, link: Link) -> set[int]:
    rows = session.execute(select(Link.id, Link.parent_id).where(Link.chain_id == link.chain_id))
    children: dict[int, list[int]] = {}
    for lid, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(lid)
    out: set[int] = set()
    stack = [link.id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def _next_code(session: Session, chain: Chain) -> str:
    n = session.scalar(select(func.count()).select_from(Link).where(Link.chain_id == chain.id))
    existing = set(session.scalars(select(Link.code).where(Link.chain_id == chain.id)))
    i = int(n or 0) + 1
    while f"{chain.code}-{i:02d}" in existing:
        i += 1
    return f"{chain.code}-{i:02d}"


def _apply(session: Session, chain: Chain, link: Link, data: LinkInput) -> None:
    codes = check_codes(data.industry_codes)
    code = data.code or link.code or _next_code(session, chain)
    clash = session.scalar(
        select(Link.id).where(Link.chain_id == chain.id, Link.code == code, Link.id != link.id)
    )
    if clash is not None:
        raise ConflictError(
            f"本链已有编码为“{code}”的环节。",
            f"The chain already has a link with code '{code}'.",
            field="code",
        )
    segment = data.segment
    if data.parent_id is not None:
        parent = session.get(Link, data.parent_id)
        if parent is None or parent.chain_id != chain.id:
            raise ValidationError(
                "上级环节须为本链的环节。",
                "The parent must be a link of the same chain.",
                field="parent_id",
            )
        if link.id is not None and (
            parent.id == link.id or parent.id in _descendants(session, link)
        ):
            raise ValidationError(
                "不能把环节移到它自己或它的下级环节之下。",
                "A link cannot be moved under itself or one of its sub-links.",
                field="parent_id",
            )
        segment = parent.segment  # a sub-link lies in its parent's segment
    link.name = data.name
    link.code = code
    link.segment = segment
    link.parent_id = data.parent_id
    link.industry_codes = codes
    link.keywords = data.keywords
    link.exclude_keywords = data.exclude_keywords
    link.key_link = data.key_link
    if data.sort_order is not None or link.sort_order is None:
        link.sort_order = data.sort_order or 0
    if data.description is not None:
        link.description = data.description


def create_link(session: Session, principal: Principal, chain: int | str, data: LinkInput) -> Link:
    """Add a link to the chain (under ``parent_id`` when given)."""
    found = _chain_for_edit(session, principal, chain)
    link = Link(chain_id=found.id, code="", name=data.name, segment=data.segment)
    _apply(session, found, link, data)
    session.add(link)
    session.flush()
    _move_descendants(session, link)
    return link


def _move_descendants(session: Session, link: Link) -> None:
    """Sub-links follow their parent's segment."""
    for lid in _descendants(session, link):
        child = session.get(Link, lid)
        if child is not None and child.segment != link.segment:
            child.segment = link.segment


def update_link(
    session: Session, principal: Principal, chain: int | str, link_id: int, data: LinkInput
) -> Link:
    """Rename, move (parent/segment), change codes, keywords, key flag or order."""
    found = _chain_for_edit(session, principal, chain)
    link = get_link(session, principal, link_id, "edit")
    if link.chain_id != found.id:
        raise NotFoundError(f"本链没有环节 {link_id}。", f"The chain has no link {link_id}.")
    _apply(session, found, link, data)
    session.flush()
    _move_descendants(session, link)
    return link


def delete_link(session: Session, principal: Principal, chain: int | str, link_id: int) -> int:
    """Delete a link without sub-links; its assignment rows go with it. Returns how many."""
    found = _chain_for_edit(session, principal, chain)
    link = get_link(session, principal, link_id, "edit")
    if link.chain_id != found.id:
        raise NotFoundError(f"本链没有环节 {link_id}。", f"The chain has no link {link_id}.")
    if _descendants(session, link):
        raise ConflictError(
            f"环节“{link.name}”还有下级环节，请先删除或移走它们。",
            f"Link '{link.name}' has sub-links; delete or move them first.",
            field="confirm",
        )
    rows = list(session.scalars(select(EnterpriseLink).where(EnterpriseLink.link_id == link.id)))
    for row in rows:
        session.delete(row)
    session.flush()
    session.delete(link)
    session.flush()
    return len(rows)


# --------------------------------------------------------------------------- manual assignment


#: What a missing enterprise and one outside the principal's scope both answer (as a read does).
ENTERPRISE_NOT_FOUND = ("找不到该企业（或无权查看）。", "No such enterprise (or not yours to see).")


def find_enterprise(session: Session, ref: str | int) -> Any:
    """Any enterprise by USCC or id, whoever asks (the directory a chain office proposes from,
    :mod:`gaodi.chains.proposals`; its answer names no figures)."""
    found = enterprise_loaders.by_ref(session, ref)
    if found is None:
        raise NotFoundError(*ENTERPRISE_NOT_FOUND, field="enterprise")
    return found


def scoped_enterprise(
    session: Session, principal: Principal, ref: str | int, action: str = "edit"
) -> Any:
    """An enterprise by USCC or id that ``principal`` may read and ``action``; else the 404 a
    missing one gets. A chain office's enterprises are those on its chains: adding one that is
    not goes through a proposal the bureau approves (:mod:`gaodi.chains.proposals`)."""
    found = find_enterprise(session, ref)
    try:
        return enterprise_loaders.in_scope(
            session, principal, found.id, action, not_found=ENTERPRISE_NOT_FOUND
        )
    except NotFoundError as exc:
        raise NotFoundError(exc.zh, exc.en, field="enterprise") from None


def _current(session: Session, enterprise_id: int, link_id: int) -> list[EnterpriseLink]:
    return list(
        session.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.enterprise_id == enterprise_id,
                EnterpriseLink.link_id == link_id,
                EnterpriseLink.valid_to.is_(None),
            )
        )
    )


def _close_current(session: Session, enterprise_id: int, link_id: int) -> list[EnterpriseLink]:
    rows = _current(session, enterprise_id, link_id)
    now = utcnow()
    for row in rows:
        row.valid_to = now
    return rows


def link_of_chain(session: Session, principal: Principal, chain: int | str, link_id: int) -> Link:
    """A link of the chain that ``principal`` may edit; else 404."""
    found = _chain_for_edit(session, principal, chain)
    link = get_link(session, principal, link_id, "edit")
    if link.chain_id != found.id:
        raise NotFoundError(f"本链没有环节 {link_id}。", f"The chain has no link {link_id}.")
    return link


def _manual(
    session: Session,
    principal: Principal,
    chain: int | str,
    link_id: int,
    enterprise: str | int,
    *,
    excluded: bool,
    note: str | None,
) -> EnterpriseLink:
    """A batch of one through :mod:`gaodi.chains.assignments`, after the form's own lookups
    (a link and an enterprise by id, answered 404 outside the scope)."""
    link = link_of_chain(session, principal, chain, link_id)
    ent = scoped_enterprise(session, principal, enterprise)
    row = AssignmentRow(
        chain=session.get_one(Chain, link.chain_id).code,
        link=link.code,
        enterprise_id=ent.id,
        excluded=excluded,
        note=note or ("人工移出（不属于该环节）" if excluded else "人工指定（优先于规则）"),
        must_be_on=excluded,
    )
    batch = prepare_assignments(session, principal, [row], now=utcnow(), keep_unchanged=False)
    return write_assignments(session, batch)[0]


def assign(
    session: Session,
    principal: Principal,
    chain: int | str,
    link_id: int,
    enterprise: str | int,
    note: str | None = None,
) -> EnterpriseLink:
    """Attach an enterprise to a link by hand (wins over the rule; history kept).

    The enterprise must be in the principal's scope (for a chain office: already on one of its
    chains); a chain office proposes any other one (:func:`gaodi.chains.proposals.propose`)."""
    return _manual(session, principal, chain, link_id, enterprise, excluded=False, note=note)


def unassign(
    session: Session,
    principal: Principal,
    chain: int | str,
    link_id: int,
    enterprise: str | int,
    note: str | None = None,
) -> EnterpriseLink:
    """Take an enterprise off a link by hand: a manual "excluded" row the rule will respect."""
    return _manual(session, principal, chain, link_id, enterprise, excluded=True, note=note)


def release(
    session: Session, principal: Principal, chain: int | str, link_id: int, enterprise: str | int
) -> int:
    """Close the pair's manual row: the rule decides again at the next ``gaodi chains map``.

    Besides an enterprise in scope, a scoped office may release one it excluded from this link
    (its manual row is on the office's own link, so naming it confirms nothing new)."""
    link = link_of_chain(session, principal, chain, link_id)
    try:
        ent = scoped_enterprise(session, principal, enterprise)
    except NotFoundError:
        ent = find_enterprise(session, enterprise)
        if not any(r.source == "manual" for r in _current(session, ent.id, link.id)):
            raise
    rows = [r for r in _close_current(session, ent.id, link.id) if r.source == "manual"]
    session.flush()
    return len(rows)
