"""重大项目 pages: the list (filters, delay flags, roll-ups) and one project (stages timeline,
investment chart, the forms of its steps), each with its JSON twin."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi.responses import Response
from pydantic import BaseModel, Field

from gaodi.core.dbint import RowId
from gaodi.core.text_safety import VisibleText
from gaodi.projects import actions, projects, states
from gaodi.projects.schemas import (
    MAX_AMOUNT,
    FormIn,
    ProjectDetail,
    ProjectFilter,
    ProjectIn,
    ProjectRow,
    RollupRow,
    TransitionOut,
)
from gaodi.projects.views import router
from gaodi.projects.views.common import (
    AsOf,
    Option,
    Tab,
    action_form,
    as_of,
    chain_options,
    link_options,
    park_options,
    parse_form,
    pick,
    run_step,
    tabs,
    workflow_labels,
)
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.pages import form, page

PROJECT_EXAMPLE = {"path": {"project_id": 1}}


class ProjectsPage(BaseModel):
    """Projects with their delay flags, a roll-up, and the options of the filters and forms."""

    as_of: AsOf
    rows: list[ProjectRow]
    delayed: int
    rollup_by: str
    rollup: list[RollupRow]
    chains: list[Option]
    parks: list[Option]
    stages: list[Option]
    links: list[Option] = Field(default_factory=list)
    can_create: bool
    tabs: list[Tab]
    rules_version: str


def _stage_options(ctx: PageContext) -> list[Option]:
    return [Option(value=s.key, label=pick(ctx, s.zh, s.en)) for s in states.PROJECT.states]


def _rollup_labels(ctx: PageContext, by: str, rows: list[RollupRow]) -> list[RollupRow]:
    """The roll-up's stage names and "no park" in the user's language (chains and parks are
    named by their data)."""
    stages = {s.key: pick(ctx, s.zh, s.en) for s in states.PROJECT.states}
    for row in rows:
        if by == "stage":
            row.label = stages.get(row.key, row.label)
        elif by == "park" and row.key == "none":
            row.label = ctx._("no park")
    return rows


@page(
    router,
    "/projects",
    api="/projects",
    template="projects/list.html",
    domain="project",
    shared=600,
)
def projects_page(
    ctx: PageContext,
    chain_id: int | None = None,
    park_id: int | None = None,
    stage: Literal["signed", "started", "producing", "full_output", ""] | None = None,
    delayed: bool | None = None,
    q: str | None = None,
    by: Literal["chain", "park", "stage"] = "chain",
    as_of_day: date | None = None,
) -> ProjectsPage:
    """Major projects: stage, investment against plan, delay flags with reasons; roll-up by
    chain, park or stage (``by``); judged on ``as_of_day`` (default: today, or the demo's day)."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    flt = ProjectFilter(
        chain_id=chain_id,
        park_id=park_id,
        stage=stage or None,
        delayed=delayed,
        q=(q or "").strip() or None,
    )
    rows = projects.list_projects(ctx.session, ctx.principal, flt, day.day)
    can_create = ctx.can("edit", "project")
    return ProjectsPage(
        as_of=day,
        rows=rows,
        delayed=sum(r.delayed for r in rows),
        rollup_by=by,
        rollup=_rollup_labels(
            ctx, by, projects.rollup(ctx.session, ctx.principal, by, day.day, flt)
        ),
        chains=chain_options(ctx),
        parks=park_options(ctx),
        stages=_stage_options(ctx),
        links=link_options(ctx) if can_create else [],
        can_create=can_create,
        tabs=tabs(ctx),
        rules_version=projects.project_rules().version,
    )


class ProjectForm(FormIn):
    name: VisibleText = Field(min_length=1, max_length=200)
    chain_id: RowId
    link_id: RowId | None = None
    park_id: RowId | None = None
    investor_name: VisibleText = Field(min_length=1, max_length=200)
    investor_uscc: str | None = None
    total_investment: float = Field(gt=0, le=MAX_AMOUNT)
    signed_on: date
    planned_start_on: date | None = None
    planned_producing_on: date | None = None
    planned_full_output_on: date | None = None
    plan_year: int | None = Field(None, ge=2000, le=2100)
    plan_amount: float | None = Field(None, ge=0, le=MAX_AMOUNT)


@form(router, "/projects", domain="project", action="edit", page=projects_page)
def create_project_form(ctx: PageContext) -> Response:
    """Register a signed project."""
    assert ctx.principal is not None
    data = parse_form(ctx, ProjectForm)
    if (data.plan_year is None) != (data.plan_amount is None):  # half an annual plan
        missing = "plan_year" if data.plan_year is None else "plan_amount"
        raise FormInvalid({missing: ctx._("Give the plan year and its amount together.")})
    plans = {data.plan_year: data.plan_amount} if data.plan_year and data.plan_amount else {}
    project = projects.create_project(
        ctx.session,
        ctx.principal,
        ProjectIn(**data.model_dump(exclude={"plan_year", "plan_amount"}), year_plans=plans),
    )
    ctx.flash(ctx._("Project #%(id)s registered.", id=project.id))
    return ctx.redirect(f"/projects/{project.id}")


class ProjectPage(BaseModel):
    """One project with the steps the user may take now."""

    detail: ProjectDetail
    next_stage: str | None
    next_stage_label: str | None
    can_edit: bool
    transitions: list[TransitionOut]
    chart: dict[str, object]
    labels: dict[str, str]
    tabs: list[Tab]
    as_of: AsOf


def _chart(ctx: PageContext, detail: ProjectDetail) -> dict[str, object]:
    """Monthly investment (bars), cumulative (line) and the cumulative pro-rata plan."""
    periods = [p.period for p in detail.progress]
    plan_line = []
    for period in periods:
        year, month = int(period[:4]), int(period[5:])
        before = sum(a for y, a in detail.year_plans.items() if y < year)
        plan_line.append(round(before + detail.year_plans.get(year, 0.0) * month / 12, 1))
    return {
        "periods": periods,
        "monthly": [p.amount for p in detail.progress],
        "cumulative": [p.cumulative for p in detail.progress],
        "plan": plan_line,
        "labels": {
            "monthly": ctx._("Invested in the month"),
            "cumulative": ctx._("Invested to date"),
            "plan": ctx._("Plan to date (pro rata)"),
            "unit": ctx._("10k yuan"),
            "empty": ctx._("No investment reported yet"),
        },
    }


@page(
    router,
    "/projects/{project_id}",
    api="/projects/{project_id}",
    template="projects/project.html",
    domain="project",
    example=PROJECT_EXAMPLE,
)
def project_page(ctx: PageContext, project_id: int, as_of_day: date | None = None) -> ProjectPage:
    """One project: stages (planned vs actual), monthly investment, delays, history."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    detail = projects.project_detail(ctx.session, ctx.principal, project_id, day.day)
    stage = detail.project.stage
    order = list(states.STAGES)
    nxt = order[order.index(stage) + 1] if stage != order[-1] else None
    from gaodi.projects.common import office_actors

    actors = office_actors(ctx.principal, "project")
    allowed = states.PROJECT.available(stage, actors)
    label = None
    if nxt is not None:
        st = states.PROJECT.state(nxt)
        label = pick(ctx, st.zh, st.en)
    return ProjectPage(
        detail=detail,
        next_stage=nxt if any(t.target == nxt for t in allowed) else None,
        next_stage_label=label,
        can_edit=bool(allowed),
        transitions=states.PROJECT.offered(stage, actors),
        chart=_chart(ctx, detail),
        # setting an annual plan is a step of the project's history, not a stage transition
        labels={**workflow_labels(ctx, states.PROJECT), "set_year_plan": ctx._("set annual plan")},
        tabs=tabs(ctx),
        as_of=day,
    )


@form(
    router,
    "/projects/{project_id}/act",
    domain="project",
    action="edit",
    page=project_page,
    example={**PROJECT_EXAMPLE, "form": {"action": "advance"}},
)
def project_step_form(ctx: PageContext, project_id: int) -> Response:
    """A step on a project: advance (stage, on), report_progress (period, amount), set_year_plan
    (year, amount)."""
    assert ctx.principal is not None
    principal = ctx.principal
    data = action_form(ctx)
    return run_step(
        ctx,
        f"/projects/{project_id}",
        lambda: actions.perform(ctx.session, principal, "project", project_id, data),
        ctx._("Saved."),
    )
