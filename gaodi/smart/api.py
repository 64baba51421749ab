"""JSON-only operations of the smart-manufacturing feature (the pages' twins are in views.py):
submit a questionnaire or GB/T 39116 ratings, read a questionnaire's structure, and write the
level roll-up to a plan indicator as an observation."""

from __future__ import annotations

from fastapi import APIRouter

from gaodi.plans.schemas import IntakeResult
from gaodi.smart import rollup, service
from gaodi.smart.schemas import AssessmentIn, AssessmentSummary, MaturityIn, RollupObservationIn
from gaodi.smart.scopes import DOMAIN
from gaodi.smart.views import SchemeOut, scheme_out
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import api

router = APIRouter()
SCHEME_EXAMPLE = {"path": {"scheme_id": "miit_sme_digital_2024"}}


@api(router, "POST", "/smart/assessments", domain=DOMAIN, action="edit", status_code=201)
def create_assessment(ctx: PageContext, body: AssessmentIn) -> AssessmentSummary:
    """Score a complete questionnaire and store it as the enterprise's newest assessment.

    Every unanswered or invalid item is listed in the 422 answer (``context.problems``)."""
    assert ctx.principal is not None
    ent = service.enterprise(ctx.session, ctx.principal, uscc=body.uscc, action="edit")
    row = service.record_assessment(
        ctx.session,
        ctx.principal,
        ent,
        body.items,
        body.scenarios,
        scheme_id=body.scheme,
        assessed_on=body.assessed_on,
        assessor=body.assessor,
        source="api",
        comment=body.comment,
    )
    return service.summary(row, ent)


@api(router, "POST", "/smart/maturity", domain=DOMAIN, action="edit", status_code=201)
def create_maturity(ctx: PageContext, body: MaturityIn) -> AssessmentSummary:
    """Evaluate GB/T 39116 requirement ratings (GB/T 39117 scoring) and store the result."""
    assert ctx.principal is not None
    ent = service.enterprise(ctx.session, ctx.principal, uscc=body.uscc, action="edit")
    row = service.record_maturity(
        ctx.session,
        ctx.principal,
        ent,
        [r.model_dump() for r in body.ratings],
        assessed_on=body.assessed_on,
        assessor=body.assessor,
        comment=body.comment,
    )
    return service.summary(row, ent)


@api(router, "GET", "/smart/schemes/{scheme_id}", domain=DOMAIN, example=SCHEME_EXAMPLE)
def get_scheme(ctx: PageContext, scheme_id: str) -> SchemeOut:
    """A questionnaire: items, options and points, scenarios, level rules and their caveats."""
    return scheme_out(service.scorable_scheme(scheme_id))


@api(router, "POST", "/smart/observations", domain="plan", action="submit", status_code=201)
def rollup_observation(ctx: PageContext, body: RollupObservationIn) -> IntakeResult:
    """Write the share of enterprises at or above a level (latest self-assessments on or before
    the period's last day) as the next revision of an indicator's value; source smart:rollup."""
    assert ctx.principal is not None
    res = rollup.record_rollup_observation(
        ctx.session,
        ctx.principal,
        indicator=body.indicator,
        period=body.period,
        level=body.level,
        scope=body.scope,
        scope_id=body.scope_id,
        population=body.population,
        scheme_id=body.scheme,
        confirm=body.confirm,
        reason=body.reason,
    )
    assert isinstance(res, IntakeResult)
    return res
