"""JSON operations on chains for API clients (token holders): the same editing use cases as
the pages' forms (:mod:`gaodi.chains.editing`), behind the same ``restrict`` checks."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gaodi.chains import editing
from gaodi.chains.editing import LinkInput
from gaodi.core.errors import ValidationError
from gaodi.web.context import PageContext
from gaodi.web.pages import api

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
    """Rename, move or redefine a link (codes, keywords, key flag)."""
    assert ctx.principal is not None
    return _out(editing.update_link(ctx.session, ctx.principal, chain_id, link_id, body))


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
