"""Overview (总览) cards: projects behind schedule, challenges open, appeals overdue."""

from __future__ import annotations

from gaodi.projects import service
from gaodi.projects.views.common import as_of
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.overview import OverviewCard, register_overview_card


def _summary(ctx: PageContext) -> service.ActSummary | None:
    if ctx.principal is None:
        return None
    cached = getattr(ctx, "_act_summary", None)
    if cached is None:
        cached = service.act_summary(ctx.session, ctx.principal, as_of(ctx, None).day)
        ctx._act_summary = cached  # type: ignore[attr-defined]
    return cached


def _projects(ctx: PageContext) -> OverviewCard | None:
    s = _summary(ctx)
    if s is None or s.projects_total is None:
        return None
    behind = s.projects_behind or 0
    return OverviewCard(
        key="projects_behind",
        title=ctx._("Projects behind schedule"),
        value=f"{behind} / {s.projects_total}",
        note=ctx._("as of %(day)s", day=s.as_of),
        href="/projects?delayed=true",
        tone="bad" if behind else "good",
    )


def _challenges(ctx: PageContext) -> OverviewCard | None:
    s = _summary(ctx)
    if s is None or s.challenges_open is None:
        return None
    overdue = s.milestones_overdue or 0
    return OverviewCard(
        key="challenges_open",
        title=ctx._("Challenges open"),
        value=str(s.challenges_open),
        note=ctx._("%(n)s milestone(s) overdue", n=overdue),
        href="/challenges?status=open",
        tone="warn" if overdue else "neutral",
    )


def _appeals(ctx: PageContext) -> OverviewCard | None:
    s = _summary(ctx)
    if s is None or s.appeals_open is None:
        return None
    overdue = s.appeals_overdue or 0
    return OverviewCard(
        key="appeals_overdue",
        title=ctx._("Appeals overdue"),
        value=f"{overdue} / {s.appeals_open}",
        note=ctx._("%(n)s at level 2", n=s.appeals_escalated),
        href="/appeals?overdue=true",
        tone="bad" if s.appeals_escalated else "warn" if overdue else "good",
    )


register_overview_card("projects_behind", _projects, order=70)
register_overview_card("challenges_open", _challenges, order=71)
register_overview_card("appeals_overdue", _appeals, order=72)
