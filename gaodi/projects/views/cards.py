"""Overview (总览) cards: projects behind schedule, challenges open, appeals overdue."""

from __future__ import annotations

from gaodi.projects import service
from gaodi.projects.views.common import as_of, tr
from gaodi.web.context import PageContext
from gaodi.web.overview import OverviewCard, register_overview_card


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
        title=tr(ctx, "重大项目进度滞后", "Projects behind schedule"),
        value=f"{behind} / {s.projects_total}",
        note=tr(ctx, f"截至 {s.as_of}", f"as of {s.as_of}"),
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
        title=tr(ctx, "揭榜挂帅在办榜单", "Challenges open"),
        value=str(s.challenges_open),
        note=tr(ctx, f"逾期节点 {overdue} 个", f"{overdue} milestone(s) overdue"),
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
        title=tr(ctx, "企业诉求逾期", "Appeals overdue"),
        value=f"{overdue} / {s.appeals_open}",
        note=tr(ctx, f"其中二级督办 {s.appeals_escalated}", f"{s.appeals_escalated} at level 2"),
        href="/appeals?overdue=true",
        tone="bad" if s.appeals_escalated else "warn" if overdue else "good",
    )


register_overview_card("projects_behind", _projects, order=70)
register_overview_card("challenges_open", _challenges, order=71)
register_overview_card("appeals_overdue", _appeals, order=72)
