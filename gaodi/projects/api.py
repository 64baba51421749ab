"""JSON operations on projects, challenges and appeals (the pages' JSON twins live in views).

Each workflow has a create operation and one ``…/{id}/act`` operation taking an
:class:`~gaodi.projects.actions.ActionIn` (the step's name and fields); both answer with the
object as its page shows it. Errors keep their status: 404 outside the user's scope, 403 for
another role's step, 409 for an illegal transition (nothing changed), 422 for a bad value.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from gaodi.projects import actions, appeal_queries, appeals, challenge_queries, challenges, service
from gaodi.projects import projects as projects_service
from gaodi.projects.schemas import (
    AppealDetail,
    AppealIn,
    ChallengeDetail,
    ChallengeIn,
    ProjectDetail,
    ProjectIn,
)
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import api

router = APIRouter()


class ActSummaryOut(BaseModel):
    """Projects behind schedule, challenges open, appeals overdue (``None``: not readable)."""

    as_of: date
    projects_total: int | None
    projects_behind: int | None
    projects_by_stage: dict[str, int] | None
    behind_projects: list[tuple[int, str]]
    challenges_open: int | None
    challenges_by_status: dict[str, int] | None
    milestones_overdue: int | None
    appeals_open: int | None
    appeals_overdue: int | None
    appeals_escalated: int | None
    appeals_by_status: dict[str, int] | None


@api(router, "GET", "/act/summary", domain=None)
def act_summary_api(ctx: PageContext, as_of_day: date | None = None) -> ActSummaryOut:
    """The act digest for the overview and the monthly report, as the user may see it."""
    from gaodi.projects.views.common import as_of

    assert ctx.principal is not None
    summary = service.act_summary(ctx.session, ctx.principal, as_of(ctx, as_of_day).day)
    return ActSummaryOut(**asdict(summary))


def _perform(ctx: PageContext, kind: str, ident: int, body: actions.ActionIn) -> Any:
    assert ctx.principal is not None
    return actions.perform(ctx.session, ctx.principal, kind, ident, body)


@api(router, "POST", "/projects", domain="project", action="edit", status_code=201)
def create_project_api(ctx: PageContext, body: ProjectIn) -> ProjectDetail:
    """Register a signed project."""
    assert ctx.principal is not None
    project = projects_service.create_project(ctx.session, ctx.principal, body)
    return projects_service.project_detail(ctx.session, ctx.principal, project.id)


@api(
    router,
    "POST",
    "/projects/{project_id}/act",
    domain="project",
    action="edit",
    example={"path": {"project_id": 1}, "json": {"action": "advance"}},
)
def project_step_api(ctx: PageContext, project_id: int, body: actions.ActionIn) -> ProjectDetail:
    """A step on a project: advance, report_progress or set_year_plan."""
    assert ctx.principal is not None
    _perform(ctx, "project", project_id, body)
    ctx.session.flush()
    return projects_service.project_detail(ctx.session, ctx.principal, project_id)


@api(router, "POST", "/challenges", domain="challenge", action="edit", status_code=201)
def create_challenge_api(ctx: PageContext, body: ChallengeIn) -> ChallengeDetail:
    """Publish a challenge (发榜)."""
    assert ctx.principal is not None
    c = challenges.create_challenge(ctx.session, ctx.principal, body)
    return challenge_queries.challenge_detail(ctx.session, ctx.principal, c.id)


@api(
    router,
    "POST",
    "/challenges/{challenge_id}/act",
    domain="challenge",
    action="read",
    example={"path": {"challenge_id": 1}, "json": {"action": "close"}},
)
def challenge_step_api(
    ctx: PageContext, challenge_id: int, body: actions.ActionIn
) -> ChallengeDetail:
    """A step on a challenge; reviewers (read access, on the panel) declare and score."""
    assert ctx.principal is not None
    _perform(ctx, "challenge", challenge_id, body)
    ctx.session.flush()
    return challenge_queries.challenge_detail(ctx.session, ctx.principal, challenge_id)


@api(router, "POST", "/appeals", domain="appeal", action="edit", status_code=201)
def submit_appeal_api(ctx: PageContext, body: AppealIn) -> AppealDetail:
    """Submit an appeal (an enterprise user for itself; an office or admin for an enterprise
    in its scope)."""
    assert ctx.principal is not None
    a = appeals.submit(ctx.session, ctx.principal, body)
    return appeal_queries.appeal_detail(ctx.session, ctx.principal, a.id, lang=ctx.lang)


@api(
    router,
    "POST",
    "/appeals/{appeal_id}/act",
    domain="appeal",
    action="edit",
    example={"path": {"appeal_id": 1}, "json": {"action": "assign"}},
)
def appeal_step_api(ctx: PageContext, appeal_id: int, body: actions.ActionIn) -> AppealDetail:
    """A step on an appeal: assign, reassign, start, resolve, confirm or reopen."""
    assert ctx.principal is not None
    _perform(ctx, "appeal", appeal_id, body)
    ctx.session.flush()
    return appeal_queries.appeal_detail(ctx.session, ctx.principal, appeal_id, lang=ctx.lang)
