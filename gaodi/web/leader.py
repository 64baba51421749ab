"""What a 局领导 asks of the overview (总览) and the 大屏: the plan's headline targets with their
lights, the chains' output and growth, major-project investment against the year's plan, and
the items waiting for a decision, each "as of" the one clock and in the viewer's scope.

Every figure comes from a feature's own scoped service: the board of gaodi.plans (lights,
reasons, sparklines from ``target_detail``), gaodi.projects (``list_projects``,
``act_summary``) and the chains' scoped loaders. A block the role may not read is ``None``
(absent on the page), never zero.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from gaodi.core import asof
from gaodi.core.errors import GaodiError, PermissionDenied
from gaodi.core.periods import format_month, month_index
from gaodi.core.permissions import Principal, allowed, restrict
from gaodi.ui.web.i18n import N_

#: How many headline targets, chains in the trend list and items per decision group are shown.
HEADLINE_TARGETS = 8
TREND_YEARS = 5
DECISION_ITEMS = 5

STATUS_WORDS = {
    "green": "light|green",
    "yellow": "light|yellow",
    "red": "light|red",
    "not_due": "light|not due",
    "at_risk": "light|at risk",
    "no_data": "no data",
    "invalid": "invalid",
}


class SparkPoint(BaseModel):
    period: str
    value: float | None


class HeadlineTarget(BaseModel):
    target_id: int
    name: str
    unit: str
    year: int
    comparator: str
    target: float
    actual: float | None
    actual_period: str | None
    completion: float | None
    status: str
    reason: str = Field(description="Why the light is what it is, in the viewer's language.")
    href: str
    spark: list[SparkPoint]


class TargetsBlock(BaseModel):
    plan_title: str
    as_of: str = Field(description="The board's month (last complete month of the as-of day).")
    counts: dict[str, int]
    rows: list[HeadlineTarget]
    href: str


class ChainTrend(BaseModel):
    chain_id: int
    name: str
    years: list[int]
    output: list[float | None] = Field(description="工业总产值 by year, 亿元 (万元 / 10000).")
    latest: float | None
    growth: float | None = Field(description="latest over previous year minus 1; None if unknown")
    href: str


class ChainsBlock(BaseModel):
    year: int
    prev_year: int
    unit: str
    basis: str
    rows: list[ChainTrend]


class InvestBar(BaseModel):
    label: str
    year_plan: float
    completed_year: float


class ProjectsBlock(BaseModel):
    as_of: date
    year: int
    count: int
    delayed: int
    year_plan: float = Field(description="Sum of the year's annual plans, 万元.")
    completed_year: float = Field(description="Completed in the year up to the as-of month.")
    share: float | None = Field(description="completed / planned for the year")
    prev_year_plan: float | None = Field(
        None, description="Last year's annual plans, 万元 (None: no plan that year)."
    )
    prev_completed: float | None = Field(None, description="Completed in the whole last year.")
    href: str
    by_chain: list[InvestBar] = Field(description="The same, by chain, largest plan first (万元).")


class DecisionItem(BaseModel):
    label: str
    href: str


class DecisionGroup(BaseModel):
    key: str
    label: str
    count: int
    href: str
    items: list[DecisionItem]
    note: str


class LeaderView(BaseModel):
    as_of: date = Field(
        description="The day everything is judged on (the city's today or ?as_of=)."
    )
    as_of_requested: bool
    targets: TargetsBlock | None
    chains: ChainsBlock | None
    projects: ProjectsBlock | None
    decisions: list[DecisionGroup]


Tr = Any  # ctx._: (msgid, **params) -> str


def board_month(day: date, plan_end: int | None = None) -> str:
    """The board's as-of month for a day: its last complete month, not after the plan's end
    (the rule of the board's own default, gaodi.plans.board.default_as_of, for that day)."""
    last = month_index(day.year, day.month) - 1
    if plan_end is not None:
        last = min(last, month_index(plan_end, 12))
    return format_month(last)


# ---------------------------------------------------------------------------- plan targets


def _targets(
    session: Session, principal: Principal, day: date, requested: bool, lang: str, tr: Tr
) -> tuple[TargetsBlock | None, Any]:
    from gaodi.plans.board import board, target_detail
    from gaodi.plans.models import Plan, Target
    from gaodi.plans.outputs import current_plan_id

    if not allowed(principal, "read", "plan"):
        return None, None
    month = None
    if requested:
        plan_id = current_plan_id(session, principal)  # the plan the board shows
        plan = session.get(Plan, plan_id) if plan_id is not None else None
        month = board_month(day, plan.period_end if plan is not None else None)
    result = board(
        session, principal, as_of=month, forecasts=False, overdue_as_of=day if requested else None
    )
    if result.plan_id is None:
        return None, result
    rows = [r for a in result.actions for r in a.rows]
    city = set(
        session.scalars(
            restrict(select(Target.id), principal).where(
                Target.plan_id == result.plan_id, Target.scope == "city"
            )
        )
    )
    # city-wide targets first (the plan's headline), then the viewer's own scope, in plan order
    ordered = [r for r in rows if r.target_id in city] + [
        r for r in rows if r.target_id not in city
    ]
    ordered = _one_per_indicator(ordered, int(result.as_of[:4]))
    headline: list[HeadlineTarget] = []
    for r in ordered[:HEADLINE_TARGETS]:
        detail = target_detail(session, principal, r.target_id, as_of=result.as_of)
        spark = [SparkPoint(period=p.period, value=p.actual) for p in detail.series]
        headline.append(
            HeadlineTarget(
                target_id=r.target_id,
                name=r.indicator_name,
                unit=r.unit,
                year=r.year,
                comparator=r.comparator,
                target=r.target,
                actual=r.actual,
                actual_period=r.actual_period,
                completion=r.completion,
                status=r.status,
                reason=(r.reason_zh if lang.startswith("zh") else r.reason_en) or "",
                href=f"/plans/targets/{r.target_id}?as_of={result.as_of}",
                spark=spark,
            )
        )
    block = TargetsBlock(
        plan_title=result.plan_title or "",
        as_of=result.as_of,
        counts=result.counts,
        rows=headline,
        href=f"/plans?as_of={result.as_of}",
    )
    return block, result


def _one_per_indicator(rows: list[Any], year: int) -> list[Any]:
    """A plan states yearly targets of one indicator (2021, 2022, 2023): the headline shows the
    one of the as-of year (else the next one to come, else the last one), in plan order."""
    best: dict[str, Any] = {}
    for r in rows:
        key = r.indicator_name
        old = best.get(key)
        if old is None:
            best[key] = r
            continue

        # rank: a year not before the as-of year, the nearest such; else the latest past one
        def rank(x: Any) -> tuple[int, int]:
            return (0, x.year - year) if x.year >= year else (1, year - x.year)

        if rank(r) < rank(old):
            best[key] = r
    chosen = {id(r) for r in best.values()}
    return [r for r in rows if id(r) in chosen]


# ---------------------------------------------------------------------------- chains


def _chains(
    session: Session, principal: Principal, day: date, requested: bool, tr: Tr
) -> ChainsBlock | None:
    from gaodi.chains import loaders
    from gaodi.chains.models import EnterpriseLink, Link
    from gaodi.enterprises.models import Enterprise, EnterpriseYear

    if not allowed(principal, "read", "chain"):
        return None
    try:
        chains = list(session.scalars(loaders.chain_query(principal)))
    except PermissionDenied:
        return None
    # enterprise figures of a year are known after it ends: the latest year before the as-of day
    latest = loaders.latest_year(session, until=day.year - 1)
    if not chains or latest is None:
        return None
    first = latest - TREND_YEARS + 1
    members = select(Link.chain_id, EnterpriseLink.enterprise_id).join(
        Link, Link.id == EnterpriseLink.link_id
    )
    # on a day asked for, the membership in force then (as the month's report counts it): an
    # enterprise moved between chains since does not rewrite that day's chain outputs
    members = members.where(
        Link.chain_id.in_([c.id for c in chains]),
        loaders.in_force(session, day if requested else None),
        EnterpriseLink.excluded.is_(False),
    )
    if principal.is_scoped:
        # a park office sums its own parks' enterprises: the figures it may read
        members = members.where(
            EnterpriseLink.enterprise_id.in_(restrict(select(Enterprise.id), principal))
        )
    pairs = members.distinct().subquery()
    query = (
        select(pairs.c.chain_id, EnterpriseYear.year, func.sum(EnterpriseYear.output))
        .join(
            EnterpriseYear,
            and_(
                EnterpriseYear.enterprise_id == pairs.c.enterprise_id,
                EnterpriseYear.year.between(first, latest),
            ),
        )
        .group_by(pairs.c.chain_id, EnterpriseYear.year)
    )
    by_chain: dict[int, dict[int, float]] = {}
    for chain_id, year, total in session.execute(query):
        if total is not None:
            by_chain.setdefault(int(chain_id), {})[int(year)] = float(total)
    years = list(range(first, latest + 1))
    rows: list[ChainTrend] = []
    for chain in chains:
        values = by_chain.get(chain.id, {})
        output = [round(values[y] / 10000, 2) if y in values else None for y in years]
        now, prev = values.get(latest), values.get(latest - 1)
        growth = now / prev - 1 if now is not None and prev else None
        rows.append(
            ChainTrend(
                chain_id=chain.id,
                name=chain.name,
                years=years,
                output=output,
                latest=output[-1],
                growth=growth,
                href=f"/chains/{chain.id}",
            )
        )
    rows.sort(key=lambda r: (-(r.latest or 0.0), r.name))
    if requested:
        basis = tr(
            N_(
                "Gross industrial output of the enterprises in your scope assigned to each "
                "chain on %(day)s, %(first)s–%(last)s"
            )
            if principal.is_scoped
            else N_(
                "Gross industrial output of the enterprises assigned to each chain on %(day)s, "
                "%(first)s–%(last)s"
            ),
            day=day.isoformat(),
            first=first,
            last=latest,
        )
    else:
        basis = tr(
            N_(
                "Gross industrial output of the enterprises in your scope now assigned to each "
                "chain, %(first)s–%(last)s"
            )
            if principal.is_scoped
            else N_(
                "Gross industrial output of the enterprises now assigned to each chain, "
                "%(first)s–%(last)s"
            ),
            first=first,
            last=latest,
        )
    return ChainsBlock(
        year=latest, prev_year=latest - 1, unit=tr(N_("100m yuan")), basis=basis, rows=rows
    )


# ---------------------------------------------------------------------------- projects


def _project_lists(session: Session, principal: Principal, day: date) -> tuple[list, list]:
    """The visible projects as of ``day`` and as of last year's end, from one load of the
    projects service (the block and the act summary share them): ([], []) if not readable."""
    from gaodi.projects import projects

    if not allowed(principal, "read", "project"):
        return [], []
    # last year's end, not before the first day a view may be judged on (a day in that first
    # year has no earlier year to compare with)
    first = asof.FIRST_DAY
    last_year = date(day.year - 1, 12, 31) if day.year > first.year else min(first, day)
    now, last = projects.list_projects_on(session, principal, [day, last_year])
    return now, last


def _projects(
    principal: Principal, day: date, rows: list[Any], last: list[Any]
) -> ProjectsBlock | None:
    if not allowed(principal, "read", "project"):
        return None
    if not rows:
        return None
    plan = sum(r.year_plan or 0.0 for r in rows)
    done = sum(r.completed_year for r in rows)
    chains: dict[str, list[float]] = {}
    for r in rows:
        pair = chains.setdefault(r.chain_name, [0.0, 0.0])
        pair[0] += r.year_plan or 0.0
        pair[1] += r.completed_year
    by_chain = [
        InvestBar(label=name, year_plan=round(p, 2), completed_year=round(c, 2))
        for name, (p, c) in sorted(chains.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    # early in a year little is reported yet: last year's result, judged on its last day
    prev_plan = sum(r.year_plan or 0.0 for r in last)
    return ProjectsBlock(
        prev_year_plan=round(prev_plan, 2) if prev_plan > 0 else None,
        prev_completed=round(sum(r.completed_year for r in last), 2) if prev_plan > 0 else None,
        as_of=day,
        year=day.year,
        count=len(rows),
        delayed=sum(1 for r in rows if r.delayed),
        year_plan=round(plan, 2),
        completed_year=round(done, 2),
        share=done / plan if plan > 0 else None,
        href=f"/projects?as_of_day={day.isoformat()}",
        by_chain=by_chain,
    )


# ---------------------------------------------------------------------------- decisions


def _decisions(
    session: Session,
    principal: Principal,
    day: date,
    board: Any,
    tr: Tr,
    memo: dict[str, Any] | None = None,
    project_rows: list[Any] | None = None,
) -> list[DecisionGroup]:
    from gaodi.projects import challenge_queries, service

    out: list[DecisionGroup] = []
    if board is not None and board.plan_id is not None:
        owed = [r for a in board.actions for r in a.rows if r.overdue_periods]
        out.append(
            DecisionGroup(
                key="overdue_submissions",
                label=tr(N_("Overdue submissions")),
                count=board.overdue_total,
                href="/plans/submissions",
                items=_unique(
                    DecisionItem(
                        label=f"{r.indicator_name}（{'、'.join(r.overdue_periods)}）",
                        href=f"/plans/targets/{r.target_id}?as_of={board.as_of}",
                    )
                    for r in owed
                ),
                note=tr(N_("figures owed past their deadline")),
            )
        )
    summary = service.act_summary(session, principal, day, project_rows=project_rows)
    if memo is not None:
        memo.update(board=board, act_summary=summary)
    if summary.projects_behind is not None:
        out.append(
            DecisionGroup(
                key="delayed_projects",
                label=tr(N_("Projects behind schedule")),
                count=summary.projects_behind,
                href="/projects?delayed=true",
                items=[
                    DecisionItem(label=name, href=f"/projects/{pid}")
                    for pid, name in summary.behind_projects[:DECISION_ITEMS]
                ],
                note=tr(N_("a stage later than planned, judged on %(day)s"), day=day.isoformat()),
            )
        )
    if summary.appeals_escalated is not None:
        out.append(
            DecisionGroup(
                key="escalated_appeals",
                label=tr(N_("Escalated appeals")),
                count=summary.appeals_escalated,
                href="/appeals?level=2",
                items=[],
                note=tr(
                    N_(
                        "open past their escalation date (level 2); %(overdue)s of %(open)s open "
                        "appeals overdue"
                    ),
                    overdue=summary.appeals_overdue or 0,
                    open=summary.appeals_open or 0,
                ),
            )
        )
    if summary.challenges_open is not None:
        rows = challenge_queries.list_challenges(session, principal, None, day)
        risky = [r for r in rows if r.is_open and r.milestones_overdue]
        out.append(
            DecisionGroup(
                key="challenges_at_risk",
                label=tr(N_("Challenges at risk")),
                count=len(risky),
                href="/challenges?status=open",
                items=[
                    DecisionItem(label=r.title, href=f"/challenges/{r.id}")
                    for r in risky[:DECISION_ITEMS]
                ],
                note=tr(N_("open challenges with a milestone past its date")),
            )
        )
    return out


def _unique(items: Any) -> list[DecisionItem]:
    """The first DECISION_ITEMS items with distinct labels (the yearly targets of one series
    owe the same periods: one line for them)."""
    out: dict[str, DecisionItem] = {}
    for item in items:
        out.setdefault(item.label, item)
        if len(out) == DECISION_ITEMS:
            break
    return list(out.values())


def leader_view(
    session: Session,
    principal: Principal,
    day: date,
    *,
    requested: bool = False,
    lang: str = "zh",
    tr: Tr = None,
    memo: dict[str, Any] | None = None,
) -> LeaderView:
    """The leader's overview as ``principal`` may see it, judged on ``day``.

    ``memo`` receives the plan board and the act summary it computed ("board", "act_summary"),
    so the overview's cards need not compute them again."""
    tr = tr or (lambda msgid, **kw: msgid % kw if kw else msgid)
    try:
        targets, result = _targets(session, principal, day, requested, lang, tr)
    except (PermissionDenied, GaodiError):
        targets, result = None, None
    rows, last = _project_lists(session, principal, day)
    readable = allowed(principal, "read", "project")
    return LeaderView(
        as_of=day,
        as_of_requested=requested,
        targets=targets,
        chains=_chains(session, principal, day, requested, tr),
        projects=_projects(principal, day, rows, last),
        decisions=_decisions(session, principal, day, result, tr, memo, rows if readable else None),
    )
