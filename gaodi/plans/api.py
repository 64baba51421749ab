"""JSON operations of the plans feature under /api/v1 (the pages' reads are in views.py):
submit a value, approve/return/unlock a submission, load a draft from an extraction, correct
a draft target, adopt a plan, manage validation rules."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from gaodi.core.text_safety import MAX_REASON
from gaodi.plans import intake, service, submission
from gaodi.plans.schemas import (
    IntakeResult,
    ObservationIn,
    PlanOut,
    RuleIn,
    RuleOut,
    SubmissionRow,
    TargetOut,
    TargetUpdate,
)
from gaodi.text.schema import PlanExtraction
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import api

router = APIRouter()
KEY_EXAMPLE = {"path": {"key": "1:city:0:2023-06"}}


class SubmitIn(ObservationIn):
    """A value to submit; ``confirm`` with a ``reason`` accepts flagged values (warnings)."""

    confirm: bool = False
    reason: str | None = None


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(
        None,
        max_length=MAX_REASON,
        description=f"Required to return or unlock; at most {MAX_REASON:,} characters.",
    )
    revision: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="The revision reviewed (the row's `revision`): required to approve or "
        "return; a newer revision is refused with 409.",
    )


@api(
    router,
    "POST",
    "/plans/observations",
    domain="plan",
    action="submit",
    status_code=201,
    example={"json": {"indicator": "T_OUTPUT", "period": "2023-05", "value": 30}},
)
def submit_observation(ctx: PageContext, body: SubmitIn) -> IntakeResult:
    """Submit a value (checked; a new revision of its period). 422 lists the flags; the value
    on record sent again is 409 (``context.unchanged``), nothing written."""
    assert ctx.principal is not None
    data = ObservationIn(**body.model_dump(exclude={"confirm", "reason"}))
    return service.add_observation(
        ctx.session,
        ctx.principal,
        data,
        confirm=body.confirm,
        reason=body.reason,
        source="api",
        same_figure=True,
    )


def _review(ctx: PageContext, key: str, name: str, body: ReviewIn) -> SubmissionRow:
    assert ctx.principal is not None
    return submission.transition(
        ctx.session,
        ctx.principal,
        key,
        name,
        body.comment,
        body.revision,
        revision_required=name in submission.REVIEWS,
    )


@api(
    router,
    "POST",
    "/plans/submissions/{key}/approve",
    domain="plan",
    action="approve",
    example=KEY_EXAMPLE,
)
def approve_submission(ctx: PageContext, key: str, body: ReviewIn) -> SubmissionRow:
    """Approve (and lock) a submission."""
    return _review(ctx, key, "approve", body)


@api(
    router,
    "POST",
    "/plans/submissions/{key}/return",
    domain="plan",
    action="approve",
    example=KEY_EXAMPLE,
)
def return_submission(ctx: PageContext, key: str, body: ReviewIn) -> SubmissionRow:
    """Return a submission to its owner with a comment."""
    return _review(ctx, key, "return", body)


@api(
    router,
    "POST",
    "/plans/submissions/{key}/unlock",
    domain="admin",
    action="admin",
    example=KEY_EXAMPLE,
)
def unlock_submission(ctx: PageContext, key: str, body: ReviewIn) -> SubmissionRow:
    """(Administrators) reopen an approved submission, with a reason."""
    return _review(ctx, key, "unlock", body)


class DraftIn(BaseModel):
    """A plan's extraction (the JSON of ``gaodi plan extract``) to load as a draft."""

    model_config = ConfigDict(extra="forbid")

    extraction: PlanExtraction
    source_name: str | None = Field(None, max_length=300)


@api(router, "POST", "/plans/drafts", domain="plan", action="edit", status_code=201)
def load_draft(ctx: PageContext, body: DraftIn) -> PlanOut:
    """Load a plan's extraction as a draft (the plan and its actions checked as the import
    checks them); review it, then adopt it."""
    assert ctx.principal is not None
    return service.load_plan(
        ctx.session, ctx.principal, body.extraction, source_name=body.source_name
    )


@api(
    router,
    "PATCH",
    "/plans/targets/{target_id}",
    domain="plan",
    action="edit",
    example={"json": {"value": 100}},
)
def update_target(ctx: PageContext, target_id: int, body: TargetUpdate) -> TargetOut:
    """Correct a draft target (the fields given; the import's rules and words)."""
    assert ctx.principal is not None
    return service.update_target(ctx.session, ctx.principal, target_id, body)


@api(router, "POST", "/plans/drafts/{plan_id}/adopt", domain="plan", action="approve")
def adopt(ctx: PageContext, plan_id: int) -> PlanOut:
    """Adopt (印发) a reviewed draft."""
    assert ctx.principal is not None
    return service.adopt_plan(ctx.session, ctx.principal, plan_id)


def _rule_out(rule: object) -> RuleOut:
    return RuleOut.model_validate(rule, from_attributes=True)


@api(router, "GET", "/plans/rules", domain="plan")
def rules(ctx: PageContext) -> list[RuleOut]:
    """User validation rules run on submission."""
    assert ctx.principal is not None
    return [_rule_out(r) for r in intake.list_rules(ctx.session, ctx.principal)]


@api(
    router,
    "POST",
    "/plans/rules",
    domain="plan",
    action="approve",
    status_code=201,
    example={"json": {"name": "x", "expression": "T_OUTPUT@city >= 0"}},
)
def add_rule(ctx: PageContext, body: RuleIn) -> RuleOut:
    """Add a rule, e.g. ``sum(chain_output@park) <= chain_output@city``."""
    assert ctx.principal is not None
    severity: Literal["warning", "error"] = body.severity
    rule = intake.add_rule(
        ctx.session, ctx.principal, body.name, body.expression, severity, body.description
    )
    return _rule_out(rule)
