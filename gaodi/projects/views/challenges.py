"""揭榜挂帅 pages: the list of challenges and one challenge (applications, review, award,
milestones), with the forms of the steps the user's role owns."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.dbint import RowId
from gaodi.core.permissions import Principal
from gaodi.core.text_safety import VisibleText
from gaodi.projects import actions, challenge_queries, challenges, states
from gaodi.projects.schemas import (
    MAX_AMOUNT,
    ChallengeDetail,
    ChallengeFilter,
    ChallengeIn,
    ChallengeRow,
    FormIn,
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
    parse_form,
    pick,
    run_step,
    tabs,
    workflow_labels,
)
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import form, page

CHALLENGE_EXAMPLE = {"path": {"challenge_id": 1}}


def _remove_reviewer(s: Session, p: Principal, ident: int, d: actions.ActionIn) -> object:
    actions._need(d, "username")
    return challenges.remove_reviewer(s, p, ident, d.username or "", d.comment or "")


# The step belongs in actions.CHALLENGE_STEPS (owned elsewhere); registered here so the form and
# the JSON API (both run actions.perform) offer it. Move it there when that module is next edited.
actions.CHALLENGE_STEPS.setdefault("remove_reviewer", _remove_reviewer)
Status = Literal[
    "open", "published", "review", "awarded", "executing", "accepted", "failed", "cancelled", ""
]


class ChallengesPage(BaseModel):
    """The challenges (揭榜挂帅榜单) the user may see, and the publish form's options."""

    as_of: AsOf
    rows: list[ChallengeRow]
    statuses: list[Option]
    chains: list[Option]
    links: list[Option] = Field(default_factory=list)
    can_create: bool
    tabs: list[Tab]


@page(
    router,
    "/challenges",
    api="/challenges",
    template="projects/challenges.html",
    domain="challenge",
)
def challenges_page(
    ctx: PageContext,
    status: Status | None = None,
    chain_id: int | None = None,
    q: str | None = None,
    as_of_day: date | None = None,
) -> ChallengesPage:
    """揭榜挂帅 challenges: problem, chain and link, budget, deadline, state, awardee."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    flt = ChallengeFilter(status=status or None, chain_id=chain_id, q=(q or "").strip() or None)
    can_create = ctx.can("edit", "challenge")
    return ChallengesPage(
        as_of=day,
        rows=challenge_queries.list_challenges(ctx.session, ctx.principal, flt, day.day),
        statuses=[Option(value="open", label=ctx._("challenge|open"))]
        + [Option(value=s.key, label=pick(ctx, s.zh, s.en)) for s in states.CHALLENGE.states],
        chains=chain_options(ctx),
        links=link_options(ctx) if can_create else [],
        can_create=can_create,
        tabs=tabs(ctx),
    )


class ChallengeForm(FormIn):
    title: VisibleText = Field(min_length=1, max_length=200)
    problem: VisibleText = Field(min_length=1)
    chain_id: RowId
    link_id: RowId | None = None
    requirements: str | None = None
    budget: float = Field(gt=0, le=MAX_AMOUNT)
    deadline: date


@form(router, "/challenges", domain="challenge", action="edit", page=challenges_page)
def create_challenge_form(ctx: PageContext) -> Response:
    """Publish a challenge (发榜)."""
    assert ctx.principal is not None
    data = parse_form(ctx, ChallengeForm)
    c = challenges.create_challenge(ctx.session, ctx.principal, ChallengeIn(**data.model_dump()))
    ctx.flash(ctx._("Challenge #%(id)s published.", id=c.id))
    return ctx.redirect(f"/challenges/{c.id}")


class ChallengePage(BaseModel):
    """One challenge and, for the user, what they may do now."""

    detail: ChallengeDetail
    actors: list[str]
    my_declarations: dict[int, bool] = Field(description="application id -> declared conflict")
    my_scores: list[int]
    award_options: list[Option]
    open_milestones: list[Option]
    labels: dict[str, str]
    tabs: list[Tab]
    as_of: AsOf
    past: bool = Field(
        False,
        description="The page shows a day before today: for reading only, it offers no steps "
        "(they act on today's challenge).",
    )


@page(
    router,
    "/challenges/{challenge_id}",
    api="/challenges/{challenge_id}",
    template="projects/challenge.html",
    domain="challenge",
    example=CHALLENGE_EXAMPLE,
)
def challenge_page(
    ctx: PageContext, challenge_id: int, as_of_day: date | None = None
) -> ChallengePage:
    """One challenge: applications (mean scores), the review panel, milestones, history."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    today, _configured = clock.city_today(ctx.dataset)
    past = day.day < today
    detail = challenge_queries.challenge_detail(
        ctx.session, ctx.principal, challenge_id, day.day, today=today
    )
    from gaodi.projects.models import Challenge

    obj = ctx.session.get(Challenge, challenge_id)
    who = challenges.actors(ctx.session, ctx.principal, obj) if obj is not None else set()
    mine = next((r for r in detail.reviewers if r.username == ctx.principal.username), None)
    if past:  # a reviewer then is one on that day's panel (``actors`` reads today's)
        who = (who - {"reviewer"}) | ({"reviewer"} if mine is not None else set())
    return ChallengePage(
        detail=detail,
        actors=sorted(who),
        my_declarations={d.application_id: d.has_conflict for d in mine.declarations}
        if mine
        else {},
        my_scores=mine.scored if mine else [],
        award_options=[
            Option(
                value=str(a.id),
                label=f"#{a.id} {a.applicant_name} "
                f"({a.mean_score if a.mean_score is not None else '—'})",
            )
            for a in detail.applications
            if not past
        ],
        open_milestones=[
            Option(value=str(m.id), label=f"{m.title} ({m.due_on})")
            for m in detail.milestones
            if m.done_on is None and not past
        ],
        labels=workflow_labels(ctx, states.CHALLENGE),
        tabs=tabs(ctx),
        as_of=day,
        past=past,
    )


@form(
    router,
    "/challenges/{challenge_id}/act",
    domain="challenge",
    action="read",
    page=challenge_page,
    example={**CHALLENGE_EXAMPLE, "form": {"action": "close"}},
)
def challenge_step_form(ctx: PageContext, challenge_id: int) -> Response:
    """A step on a challenge (apply, add_reviewer, close, declare, score, award, add_milestone,
    start, complete_milestone, accept, fail, cancel). Reviewers may act with read access: the
    step checks that the user is on the panel; every other step needs the chain office."""
    assert ctx.principal is not None
    principal = ctx.principal
    data = action_form(ctx)
    return run_step(
        ctx,
        f"/challenges/{challenge_id}",
        lambda: actions.perform(ctx.session, principal, "challenge", challenge_id, data),
        ctx._("Saved."),
    )
