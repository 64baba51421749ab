"""JSON operations on chains for API clients (token holders): the same editing use cases as
the pages' forms (:mod:`gaodi.chains.editing`), behind the same ``restrict`` checks; a link
added or changed is a batch of one of the write path the Excel import uses too
(:mod:`gaodi.chains.batch`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gaodi.chains import editing, proposals
from gaodi.chains.editing import LinkInput
from gaodi.core.errors import ValidationError
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import api

router = APIRouter()


class LinkOut(BaseModel):
    id: int
    chain_id: int
    parent_id: int | None
    code: str
    name: str
    segment: str
    industry_codes: list[str]
    keywords: list[str]
    exclude_keywords: list[str]
    key_link: bool


class AssignmentIn(BaseModel):
    enterprise: str = Field(min_length=1, max_length=18, description="USCC")
    note: str | None = Field(None, max_length=500)


class AssignmentOut(BaseModel):
    id: int
    enterprise_id: int
    link_id: int
    source: str
    excluded: bool


class DeleteIn(BaseModel):
    confirm: str = Field(min_length=1, max_length=32, description="The link's code.")


def _out(link: object) -> LinkOut:
    return LinkOut.model_validate(link, from_attributes=True)


@api(router, "POST", "/chains/{chain_id}/links", domain="chain", action="edit", status_code=201)
def create_link_api(ctx: PageContext, chain_id: int, body: LinkInput) -> LinkOut:
    """Add a link to a chain."""
    assert ctx.principal is not None
    return _out(editing.create_link(ctx.session, ctx.principal, chain_id, body))


@api(router, "PUT", "/chains/{chain_id}/links/{link_id}", domain="chain", action="edit")
def update_link_api(ctx: PageContext, chain_id: int, link_id: int, body: LinkInput) -> LinkOut:
    """Rename, move or redefine a link (codes, keywords, key flag). With ``If-Match: <version>``
    (the ``version`` the link's page gives) a save over a colleague's later change is refused,
    nothing saved."""
    assert ctx.principal is not None
    version = (ctx.request.headers.get("if-match") or "").strip().strip('"') or None
    return _out(
        editing.update_link(ctx.session, ctx.principal, chain_id, link_id, body, version=version)
    )


@api(router, "DELETE", "/chains/{chain_id}/links/{link_id}", domain="chain", action="edit")
def delete_link_api(ctx: PageContext, chain_id: int, link_id: int, body: DeleteIn) -> dict:
    """Delete a link without sub-links (its assignment rows go with it)."""
    assert ctx.principal is not None
    link = editing.get_link(ctx.session, ctx.principal, link_id, "edit")
    if body.confirm != link.code:
        raise ValidationError(
            "确认编码与环节编码不符。", "The confirmation does not match the link's code."
        )
    removed = editing.delete_link(ctx.session, ctx.principal, chain_id, link_id)
    return {"deleted": link_id, "assignments_removed": removed}


@api(
    router, "POST", "/chains/{chain_id}/links/{link_id}/assign", domain="chain", action="edit",
    status_code=201,
)  # fmt: skip
def assign_api(ctx: PageContext, chain_id: int, link_id: int, body: AssignmentIn) -> AssignmentOut:
    """Attach an enterprise to a link by hand (wins over the rule)."""
    assert ctx.principal is not None
    row = editing.assign(ctx.session, ctx.principal, chain_id, link_id, body.enterprise, body.note)
    return AssignmentOut.model_validate(row, from_attributes=True)


@api(
    router, "POST", "/chains/{chain_id}/links/{link_id}/unassign", domain="chain",
    action="edit", status_code=201,
)  # fmt: skip
def unassign_api(
    ctx: PageContext, chain_id: int, link_id: int, body: AssignmentIn
) -> AssignmentOut:
    """Take an enterprise off a link by hand (a manual exclusion the rule respects)."""
    assert ctx.principal is not None
    row = editing.unassign(
        ctx.session, ctx.principal, chain_id, link_id, body.enterprise, body.note
    )
    return AssignmentOut.model_validate(row, from_attributes=True)


# --------------------------------------------------------------------------- proposals


class ProposalIn(BaseModel):
    enterprise: str = Field(min_length=1, max_length=18, description="USCC (from the directory)")
    note: str | None = Field(None, max_length=500)


class DecisionIn(BaseModel):
    note: str | None = Field(None, max_length=500)


@api(
    router, "POST", "/chains/{chain_id}/links/{link_id}/proposals", domain="chain",
    action="edit", status_code=201,
)  # fmt: skip
def propose_api(
    ctx: PageContext, chain_id: int, link_id: int, body: ProposalIn
) -> proposals.ProposalRow:
    """Propose a firm of the directory for a link; it joins the link (and the chain office's
    scope) only once the bureau approves."""
    assert ctx.principal is not None
    row = proposals.propose(
        ctx.session, ctx.principal, chain_id, link_id, body.enterprise, body.note
    )
    return _proposal(ctx, row.id)


@api(router, "GET", "/chain-proposals", domain="chain")
def proposals_api(
    ctx: PageContext, status: str | None = "pending", link_id: int | None = None
) -> list[proposals.ProposalRow]:
    """Proposals to put an enterprise on a link (default: those waiting for approval)."""
    assert ctx.principal is not None
    wanted = None if status == "all" else status
    return proposals.proposals(ctx.session, ctx.principal, status=wanted, link_id=link_id)


def _proposal(ctx: PageContext, proposal_id: int) -> proposals.ProposalRow:
    assert ctx.principal is not None
    rows = proposals.proposals(ctx.session, ctx.principal, status=None)
    return next(r for r in rows if r.id == proposal_id)


@api(
    router, "POST", "/chain-proposals/{proposal_id}/approve", domain="chain", action="approve",
    example={"path": {"proposal_id": 1}},
)  # fmt: skip
def approve_api(ctx: PageContext, proposal_id: int, body: DecisionIn) -> proposals.ProposalRow:
    """Approve a proposal: the enterprise is attached to the link by hand."""
    assert ctx.principal is not None
    proposals.decide(ctx.session, ctx.principal, proposal_id, True, body.note)
    return _proposal(ctx, proposal_id)


@api(
    router, "POST", "/chain-proposals/{proposal_id}/reject", domain="chain", action="approve",
    example={"path": {"proposal_id": 1}},
)  # fmt: skip
def reject_api(ctx: PageContext, proposal_id: int, body: DecisionIn) -> proposals.ProposalRow:
    """Reject a proposal: nothing changes on the link."""
    assert ctx.principal is not None
    proposals.decide(ctx.session, ctx.principal, proposal_id, False, body.note)
    return _proposal(ctx, proposal_id)
