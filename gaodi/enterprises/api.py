"""JSON operations on tier facts and declarations (the pages' JSON twins live in the views).

The same use cases as the forms (:mod:`gaodi.enterprises.facts`,
:mod:`gaodi.enterprises.declarations`), answering with the object as its page shows it. Errors
keep their status: 404 outside the user's scope (as for a missing id), 403 for another role's
step, 409 for an illegal step or a second open declaration, 422 for a bad value.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gaodi.core.dbint import RowId
from gaodi.core.errors import ValidationError
from gaodi.enterprises import declarations, facts
from gaodi.enterprises.declaration_views import DeclarationPage, declaration_page
from gaodi.enterprises.facts_views import FactsPage, facts_page
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import api

router = APIRouter()

FactValue = str | float | int | bool | None


def _known(values: dict[str, FactValue]) -> dict[str, FactValue]:
    names = {f.name for f in facts.fact_fields()}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValidationError(
            f"未知的梯度要素：{'、'.join(unknown)}。",
            f"Unknown tier facts: {', '.join(unknown)}.",
            field="facts",
        )
    return values


class FactsIn(BaseModel):
    year: int = Field(ge=1949, le=2100)
    source: Literal["statistics", "self_declared", "certified"]
    facts: dict[str, FactValue] = Field(
        default_factory=dict,
        description="field -> value; null (or a blank string) clears the stored fact",
    )
    shown: dict[str, FactValue] | None = Field(
        None,
        description="field -> the value the client read before editing (null: missing). When "
        "given, only the facts whose value differs from it are written, and a fact someone "
        "changed since is refused in words naming who and the value now, nothing saved",
    )


@api(
    router, "POST", "/enterprises/{enterprise_id}/facts", domain="enterprise", action="edit",
    example={"path": {"enterprise_id": 1}, "json": {"year": 2023, "source": "certified"}},
)  # fmt: skip
def set_facts_api(ctx: PageContext, enterprise_id: int, body: FactsIn) -> FactsPage:
    """Set an enterprise's tier facts of a year, with their source."""
    assert ctx.principal is not None
    shown = (
        None if body.shown is None else {k: "" if v is None else v for k, v in body.shown.items()}
    )
    facts.set_facts(
        ctx.session, ctx.principal, enterprise_id, body.year, _known(body.facts), body.source,
        shown=shown,
    )  # fmt: skip
    return facts_page(ctx, enterprise_id, body.year)


class DeclarationIn(BaseModel):
    enterprise_id: RowId
    year: int = Field(ge=1949, le=2100)


@api(
    router, "POST", "/declarations", domain="declaration", action="submit", status_code=201,
    example={"json": {"enterprise_id": 1, "year": 2023}},
)  # fmt: skip
def create_declaration_api(ctx: PageContext, body: DeclarationIn) -> DeclarationPage:
    """Open a declaration (申报) for one of the user's enterprises and a year."""
    assert ctx.principal is not None
    decl = declarations.create(ctx.session, ctx.principal, body.enterprise_id, body.year)
    return declaration_page(ctx, decl.id)


class DeclarationStepIn(BaseModel):
    action: Literal["save", "submit", "return", "approve"]
    comment: str | None = Field(None, max_length=2000, description="the reason of a return")
    facts: dict[str, FactValue] = Field(
        default_factory=dict, description="with save: field -> value (null removes it)"
    )
    version: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="with return or approve: the declaration's `version` you reviewed; a "
        "declaration changed since is refused with 409",
    )


@api(
    router, "POST", "/declarations/{declaration_id}/act", domain="declaration", action="read",
    example={"path": {"declaration_id": 1}, "json": {"action": "approve"}},
)  # fmt: skip
def declaration_step_api(
    ctx: PageContext, declaration_id: int, body: DeclarationStepIn
) -> DeclarationPage:
    """A step on a declaration: save values, submit, return (with a reason) or approve."""
    assert ctx.principal is not None
    if body.action == "save":
        declarations.save(ctx.session, ctx.principal, declaration_id, _known(body.facts))
    else:
        declarations.act(
            ctx.session, ctx.principal, declaration_id, body.action, body.comment, body.version
        )
    return declaration_page(ctx, declaration_id)
