"""Editing chains: add, rename, move and delete links; codes, keywords, key flag; assign an
enterprise to a link by hand or take it off.

Adding and changing a link is a batch of one through :mod:`gaodi.chains.batch`, the write
path the Excel import uses too (one set of rules, :mod:`gaodi.chains.rules`), after the form's
own lookups (the chain and the link by id, answered 404 outside the scope). Every change is
audited (who: the session's ``actor``).
A manual assignment closes the pair's current row and opens a ``manual`` one: it wins over
the rule, and re-mapping never touches it (see :mod:`gaodi.chains.remap`). Assigning a pair
that is already assigned by hand is answered "already" and writes nothing (a double-click).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import batch, loaders, rules
from gaodi.chains.assignments import AssignmentRow, prepare_assignments, write_assignments
from gaodi.chains.models import Chain, EnterpriseLink, Link

# the form's input and the one splitter, imported from here by the pages and the API
from gaodi.chains.rules import LinkInput as LinkInput
from gaodi.chains.rules import split_words as split_words
from gaodi.core import clock
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied
from gaodi.core.permissions import Principal, allowed, require, restrict
from gaodi.enterprises import loaders as enterprise_loaders

#: a refusal's column (as the ``links`` sheet names it) -> the form's field; None: no field,
#: so the page answers 404 as for a chain or link it cannot see
FORM_FIELDS: dict[str, str | None] = {"parent_code": "parent_id", "chain_code": None, "link": None}


def check_codes(codes: list[str]) -> list[str]:
    """Each code must be a GB/T 4754-2017 division, group or class (the batch's rule)."""
    return rules.industry_codes(codes)


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


def _write_one(session: Session, principal: Principal, row: batch.LinkWrite) -> Link:
    """A batch of one through :mod:`gaodi.chains.batch`; its refusal raised as the form's
    error (the field as the form names it)."""
    prepared = batch.prepare_links(session, principal, [row])
    if prepared.refusals:
        error = prepared.refusals[0].error
        context = dict(error.context)
        column = str(context.pop("field", ""))
        form_field = FORM_FIELDS.get(column, column)
        if form_field:
            context["field"] = form_field
        raise type(error)(error.zh, error.en, **context)
    (link_id,) = batch.write_links(session, prepared)
    assert link_id is not None
    return session.get_one(Link, link_id)


def create_link(session: Session, principal: Principal, chain: int | str, data: LinkInput) -> Link:
    """Add a link to the chain (under ``parent_id`` when given)."""
    found = _chain_for_edit(session, principal, chain)
    return _write_one(session, principal, batch.form_row(found.code, None, data))


#: The columns the link's edit form shows and writes back, with their names in words: the
#: form's version is their digest, so a save from a page loaded before a colleague's change to
#: any of them is refused instead of putting the old values back.
FORM_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("名称", "name"),
    "code": ("代码", "code"),
    "segment": ("所处环节段", "segment"),
    "parent_id": ("上级环节", "parent link"),
    "industry_codes": ("行业代码", "industry codes"),
    "keywords": ("关键词", "keywords"),
    "exclude_keywords": ("排除关键词", "exclude keywords"),
    "key_link": ("关键环节", "key link"),
}


def link_version(link: Link) -> str:
    """The version of a link's definition as its edit form shows it: a digest of the stored
    values of :data:`FORM_COLUMNS` (no column of its own, so no migration; any change to them,
    from a form, the API or an import, gives another version)."""
    data = {c: getattr(link, c) for c in FORM_COLUMNS}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _stale(session: Session, link: Link) -> ConflictError:
    """The refusal of a save from a form loaded before the link's last change: who changed it,
    when and what (its latest audited change), nothing saved."""
    from gaodi.audit import service as audit

    last = audit.events(session, entity="link", entity_id=str(link.id), action="update", limit=1)
    who, when, what_zh, what_en = "?", "?", "", ""
    if last:
        event = last[0]
        who = event.actor or "?"
        when = f"{clock.local(event.at):%Y-%m-%d %H:%M}"
        changed = [FORM_COLUMNS[k] for k in (event.after or {}) if k in FORM_COLUMNS]
        if changed:
            what_zh = f"（改了{'、'.join(c[0] for c in changed)}）"
            what_en = f" (changed: {', '.join(c[1] for c in changed)})"
    return ConflictError(
        f"环节“{link.name}”已被 {who} 于 {when} 修改{what_zh}，你的页面是修改前打开的；"
        "本次未保存任何更改，请重新打开后再改。",
        f"Link '{link.name}' was changed by {who} at {when}{what_en} after you opened it; "
        "nothing was saved. Open it again and make your change there.",
        field="version",
    )


def update_link(
    session: Session,
    principal: Principal,
    chain: int | str,
    link_id: int,
    data: LinkInput,
    version: str | None = None,
) -> Link:
    """Rename, move (parent/segment), change codes, keywords, key flag or order.

    ``version``: the :func:`link_version` the edit form was loaded with; a save whose version is
    no longer current is refused (a colleague changed the link meanwhile), nothing saved."""
    found = _chain_for_edit(session, principal, chain)
    link = get_link(session, principal, link_id, "edit")
    if link.chain_id != found.id:
        raise NotFoundError(f"本链没有环节 {link_id}。", f"The chain has no link {link_id}.")
    if version is not None and version != link_version(link):
        raise _stale(session, link)
    return _write_one(session, principal, batch.form_row(found.code, link, data))


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
    now = clock.now()
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
    if not excluded:
        _refuse_repeat(session, link, ent, note)
    row = AssignmentRow(
        chain=session.get_one(Chain, link.chain_id).code,
        link=link.code,
        enterprise_id=ent.id,
        excluded=excluded,
        note=note or ("人工移出（不属于该环节）" if excluded else "人工指定（优先于规则）"),
        must_be_on=excluded,
    )
    batch = prepare_assignments(session, principal, [row], now=clock.now(), keep_unchanged=False)
    return write_assignments(session, batch)[0]


def _refuse_repeat(session: Session, link: Link, ent: Any, note: str | None) -> None:
    """A manual assignment the pair already has (a double-click, or a colleague's assignment
    a moment before) is answered in words and writes nothing: no closed and reopened rows, no
    history entry. A new note is a new decision and is recorded."""
    pair = _current(session, ent.id, link.id)
    latest = max(pair, key=lambda x: (x.valid_from, x.id)) if pair else None
    if latest is None or latest.source != "manual" or latest.excluded:
        return
    if note and note != latest.reason:
        return
    when = f"{clock.local(latest.valid_from):%Y-%m-%d %H:%M}"
    who = latest.created_by or "?"
    raise ConflictError(
        f"企业“{ent.name}”已是环节“{link.name}”的人工指定企业（{who} 于 {when} 指定），"
        "本次未作更改。",
        f"'{ent.name}' is already assigned to link '{link.name}' by hand ({who}, {when}); "
        "nothing was changed.",
        field="enterprise",
    )


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
    """Close the pair's current rows: the rule decides again at the next ``gaodi chains map``.
    Returns how many of them were manual (0: nothing to release).

    Releasing a manual exclusion widens the chain as a wider rule does (the next mapping puts
    the firm back on the link if the rule matches it), so only the bureau (the chain domain's
    ``approve`` right) may: :func:`released_exclusion` otherwise, whoever made the exclusion.
    Releasing a manual attachment leaves the firm to the rule and stays the office's.

    Besides an enterprise in scope, a scoped office is answered about one excluded from this
    link (its manual row is on the office's own link, so naming it confirms nothing new)."""
    link = link_of_chain(session, principal, chain, link_id)
    try:
        ent = scoped_enterprise(session, principal, enterprise)
    except NotFoundError:
        ent = find_enterprise(session, enterprise)
        if not any(r.source == "manual" for r in _current(session, ent.id, link.id)):
            raise
    manual = [r for r in _current(session, ent.id, link.id) if r.source == "manual"]
    if any(r.excluded for r in manual) and not allowed(principal, "approve", "chain"):
        raise released_exclusion()
    rows = [r for r in _close_current(session, ent.id, link.id) if r.source == "manual"]
    session.flush()
    return len(rows)


def released_exclusion() -> PermissionDenied:
    """A chain office releasing an exclusion: the next ``gaodi chains map`` would put the firm
    back on its link, and show it the firm's figures, without the bureau's approval (the rule
    of :func:`gaodi.chains.rules.wider_rule` and of the proposals)."""
    return PermissionDenied(
        "该企业是被人工移出本环节的；交还规则决定后，下次映射会把它重新挂到本环节，"
        "须由工信局管理员操作。要加入该企业，请在环节页“提议”，经审核后加入。",
        "This firm was taken off the link by hand; letting the rule decide would put it back "
        "on the link at the next mapping: an administrator of the bureau does that. To add "
        "the firm, propose it on the link page for approval.",
        field="enterprise",
    )
