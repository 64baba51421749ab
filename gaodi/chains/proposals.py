"""Putting an enterprise on a chain office's link without handing it the firm's figures.

A chain office reads the enterprises on its chains
(:func:`gaodi.enterprises.scopes.enterprise_filter`).
Assigning any other firm by hand would widen that scope at the office's own word, so instead:

1. the office searches the **directory** (:func:`directory`): name, USCC, industry, park and
   region of firms not on the chain yet, by a search term, never their figures;
2. it **proposes** the firm for one of its links (:func:`propose`): a ``pending``
   :class:`~gaodi.chains.models.LinkProposal`, which widens nothing;
3. the bureau (a role with ``approve`` on chains: admin, analyst) **approves** it
   (:func:`decide`): only then a manual assignment row attaches the firm and the office reads
   it, figures included; or rejects it, and nothing changes.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import editing
from gaodi.chains.assignments import AssignmentRow, prepare_assignments, write_assignments
from gaodi.chains.members import chain_enterprise_ids
from gaodi.chains.models import Chain, Link, LinkProposal
from gaodi.core import clock
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.moments import CityMoment
from gaodi.core.permissions import Principal, check_scope, require, restrict
from gaodi.core.reference import industry_lookup
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.regions import loaders as region_loaders

#: Results of one directory search; a search term is required, so no one lists every firm.
DIRECTORY_LIMIT = 50
MIN_TERM = 2
PROPOSAL_NOT_FOUND = ("找不到该提议（或无权查看）。", "No such proposal (or not yours to see).")
STATUSES = ("pending", "approved", "rejected")
#: A decided proposal's state in words (the verb of the refusal of a second decision).
DECISION_WORDS = {"approved": ("批准", "approved"), "rejected": ("驳回", "rejected")}


class DirectoryEntry(BaseModel):
    """What the directory says of a firm: who and where it is, nothing of its figures."""

    name: str
    uscc: str
    industry_code: str | None
    industry_name: str | None
    park: str | None
    region_code: str | None
    region: str | None
    pending: bool = Field(description="A proposal for this chain is waiting for approval.")


class ProposalRow(BaseModel):
    id: int
    chain_id: int
    link_id: int
    link_name: str
    enterprise_name: str
    enterprise_uscc: str
    note: str | None
    status: str
    proposed_by: str
    proposed_at: CityMoment
    proposed_on: str | None = Field(None, description="The city's date of proposed_at (ISO).")
    decided_by: str | None
    decided_at: CityMoment | None
    decision_note: str | None


def directory(
    session: Session, principal: Principal, chain: int | str, term: str | None
) -> list[DirectoryEntry]:
    """Firms not on ``chain`` whose name contains ``term`` or whose USCC starts with it.

    For whoever may edit the chain (a chain office: its own chains). Empty without a term of at
    least two characters.
    """
    found = editing._chain_for_edit(session, principal, chain)
    text = (term or "").strip()
    if len(text) < MIN_TERM:
        return []
    rows = enterprise_loaders.directory(
        session,
        text,
        not_in=chain_enterprise_ids(frozenset({found.id})),
        limit=DIRECTORY_LIMIT,
        park_name=park_loaders.name_of,
        region_name=region_loaders.name_of,
    )
    pending = set(
        session.scalars(
            select(LinkProposal.enterprise_id)
            .join(Link, Link.id == LinkProposal.link_id)
            .where(Link.chain_id == found.id, LinkProposal.status == "pending")
        )
    )
    out = []
    for ent, park, region in rows:
        industry = industry_lookup(ent.industry_code) if ent.industry_code else None
        out.append(
            DirectoryEntry(
                name=ent.name,
                uscc=ent.uscc,
                industry_code=ent.industry_code,
                industry_name=industry.name if industry else None,
                park=park,
                region_code=ent.region_code,
                region=region,
                pending=ent.id in pending,
            )
        )
    return out


def propose(
    session: Session,
    principal: Principal,
    chain: int | str,
    link_id: int,
    enterprise: str | int,
    note: str | None = None,
) -> LinkProposal:
    """Propose a firm of the directory for a link the principal may edit (pending until the
    bureau decides; the principal's scope does not change)."""
    link = editing.link_of_chain(session, principal, chain, link_id)
    ent = editing.find_enterprise(session, enterprise)
    on_link = any(not r.excluded for r in editing._current(session, ent.id, link.id))
    if on_link:
        raise ConflictError(
            f"企业“{ent.name}”已在环节“{link.name}”上。",
            f"'{ent.name}' is already on link '{link.name}'.",
            field="enterprise",
        )
    waiting = session.scalar(
        select(LinkProposal.id).where(
            LinkProposal.link_id == link.id,
            LinkProposal.enterprise_id == ent.id,
            LinkProposal.status == "pending",
        )
    )
    if waiting is not None:
        raise ConflictError(
            f"已有待批准的提议（编号 {waiting}）。",
            f"A proposal is already waiting for approval (no. {waiting}).",
            field="enterprise",
        )
    row = LinkProposal(
        link_id=link.id,
        enterprise_id=ent.id,
        note=(note or "").strip()[:500] or None,
        status="pending",
        proposed_by=principal.username,
        proposed_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def decide(
    session: Session,
    principal: Principal,
    proposal_id: int,
    approve: bool,
    note: str | None = None,
) -> LinkProposal:
    """Approve (attach the firm to the link by hand) or reject a pending proposal."""
    require(principal, "approve", "chain")
    row = check_scope(
        session, principal, LinkProposal, proposal_id, "approve", not_found=PROPOSAL_NOT_FOUND
    )
    if row.status != "pending":
        # under the write lock a decision made a moment before is seen here: the refusal names
        # that decision (the one the proposal keeps), who made it and when
        zh, en = DECISION_WORDS.get(row.status, (row.status, row.status))
        who = row.decided_by or "?"
        when = f"{clock.local(row.decided_at):%Y-%m-%d %H:%M}" if row.decided_at else "?"
        raise ConflictError(
            f"提议 {row.id} 已由 {who} 于 {when} {zh}，不能再处理；本次未作任何更改。",
            f"Proposal {row.id} was already {en} by {who} at {when}; nothing was changed.",
        )
    link = session.get(Link, row.link_id)
    ent = enterprise_loaders.get(session, row.enterprise_id)
    if link is None or ent is None:  # both cascade-delete the proposal; a race at most
        raise NotFoundError(*PROPOSAL_NOT_FOUND)
    if approve:
        reason = note or row.note or f"链办提议（{row.proposed_by}），经 {principal.username} 批准"
        assignment = AssignmentRow(
            chain=session.get_one(Chain, link.chain_id).code,
            link=link.code,
            enterprise_id=ent.id,
            note=reason,
        )
        batch = prepare_assignments(
            session,
            principal,
            [assignment],
            now=clock.now(),
            keep_unchanged=False,
            action="approve",
        )
        write_assignments(session, batch)
    row.status = "approved" if approve else "rejected"
    row.decided_by = principal.username
    row.decided_at = clock.now()
    row.decision_note = (note or "").strip()[:500] or None
    session.flush()
    return row


def proposals(
    session: Session,
    principal: Principal,
    *,
    status: str | None = "pending",
    link_id: int | None = None,
) -> list[ProposalRow]:
    """Proposals the principal may see, newest first (by status and link when given)."""
    if status is not None and status not in STATUSES:
        raise ValidationError(
            f"状态须为 {'、'.join(STATUSES)} 之一。",
            f"Status must be one of {', '.join(STATUSES)}.",
        )
    ent = enterprise_loaders.identities()
    query = (
        restrict(select(LinkProposal), principal)
        .add_columns(Link.chain_id, Link.name, ent.c.name, ent.c.uscc)
        .join(Link, Link.id == LinkProposal.link_id)
        .join(ent, ent.c.id == LinkProposal.enterprise_id)
        .order_by(LinkProposal.proposed_at.desc(), LinkProposal.id.desc())
    )
    if status is not None:
        query = query.where(LinkProposal.status == status)
    if link_id is not None:
        query = query.where(LinkProposal.link_id == link_id)
    return [
        ProposalRow(
            id=p.id,
            chain_id=chain_id,
            link_id=p.link_id,
            link_name=link_name,
            enterprise_name=ent_name,
            enterprise_uscc=uscc,
            note=p.note,
            status=p.status,
            proposed_by=p.proposed_by,
            proposed_at=p.proposed_at,
            proposed_on=clock.local_date(p.proposed_at).isoformat(),
            decided_by=p.decided_by,
            decided_at=p.decided_at,
            decision_note=p.decision_note,
        )
        for p, chain_id, link_name, ent_name, uscc in session.execute(query).all()
    ]
