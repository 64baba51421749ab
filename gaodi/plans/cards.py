"""The plan's cards on the overview (总览): targets by traffic light, and overdue submissions.

Both come from the same board the 行动计划 page shows (no forecasts: the overview stays fast).
"""

from __future__ import annotations

from gaodi.plans.board import board
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.overview import OverviewCard, register_overview_card


def _board(ctx: PageContext):  # type: ignore[no-untyped-def]
    if not ctx.can("read", "plan") or ctx.principal is None:
        return None
    # the overview's leader section may have judged today's board already (same call)
    result = getattr(ctx, "_plan_board", None) or board(ctx.session, ctx.principal, forecasts=False)
    return result if result.plan_id is not None else None


def _targets(ctx: PageContext) -> OverviewCard | None:
    result = _board(ctx)
    if result is None:
        return None
    counts = result.counts
    green, yellow, red = counts.get("green", 0), counts.get("yellow", 0), counts.get("red", 0)
    # milestones before their deadline are judged too (not yet due / at risk), never green;
    # a target whose window has not begun is not due but not judged either (reason not_started)
    unstarted = sum(
        r.status == "not_due" and r.reason == "not_started" for a in result.actions for r in a.rows
    )
    pending, risky = counts.get("not_due", 0) - unstarted, counts.get("at_risk", 0)
    judged = green + yellow + red + pending + risky
    return OverviewCard(
        key="plan_targets",
        title=ctx._("Targets on or ahead of time progress"),
        value=f"{green} / {judged}",
        note=ctx._(
            "%(yellow)s slightly behind, %(red)s behind (as of %(as_of)s)",
            yellow=yellow,
            red=red,
            as_of=result.as_of,
        ),
        href="/plans",
        tone="bad" if red or risky else ("warn" if yellow else "good"),
    )


def _overdue(ctx: PageContext) -> OverviewCard | None:
    result = _board(ctx)
    if result is None:
        return None
    n = result.overdue_total
    return OverviewCard(
        key="plan_overdue",
        title=ctx._("Overdue submissions"),
        value=str(n),
        note=ctx._("figures owed past their deadline"),
        href="/plans/submissions",
        tone="bad" if n else "good",
    )


register_overview_card("plan_targets", _targets, order=20)
register_overview_card("plan_overdue", _overdue, order=21)
