"""The use cases of projects, challenges and appeals, in one place for callers.

Pages, the JSON API, the CLI, the overview and the monthly report call these; none of them
computes on its own. :func:`act_summary` is the digest the overview (总览) and the monthly
report show: projects behind schedule, challenges open, appeals overdue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.permissions import Principal, allowed, restrict
from gaodi.projects import appeal_queries, appeals, challenge_queries, challenges, common, projects
from gaodi.projects import states as states
from gaodi.projects.models import Appeal

# Re-exported use cases (import them from here).
create_project = projects.create_project
advance_project = projects.advance
report_progress = projects.report_progress
set_year_plan = projects.set_year_plan
list_projects = projects.list_projects
project_detail = projects.project_detail
project_rollup = projects.rollup

create_challenge = challenges.create_challenge
list_challenges = challenge_queries.list_challenges
challenge_detail = challenge_queries.challenge_detail

submit_appeal = appeals.submit
list_appeals = appeal_queries.list_appeals
appeal_detail = appeal_queries.appeal_detail
appeal_stats = appeal_queries.appeal_stats


@dataclass(frozen=True)
class ActSummary:
    """The "act" digest as ``principal`` sees it on ``as_of``.

    A section the principal may not read is ``None`` (e.g. projects for an enterprise user).
    """

    as_of: date
    projects_total: int | None = None
    projects_behind: int | None = None
    projects_by_stage: dict[str, int] | None = None
    behind_projects: list[tuple[int, str]] = field(default_factory=list)  # (id, name), ≤ 10
    challenges_open: int | None = None
    challenges_by_status: dict[str, int] | None = None
    milestones_overdue: int | None = None
    appeals_open: int | None = None
    appeals_overdue: int | None = None
    appeals_escalated: int | None = None  # level 2
    appeals_by_status: dict[str, int] | None = None


def act_summary(
    session: Session,
    principal: Principal,
    as_of: date | datetime | None = None,
    *,
    project_rows: list[projects.ProjectRow] | None = None,
) -> ActSummary:
    """Projects behind schedule, challenges open, appeals overdue, counts by status, as they
    stood on ``as_of`` (default: the city's today). ``project_rows``: the caller's own
    ``list_projects(session, principal, None, as_of)``, so it is not built twice."""
    day = common.as_of_date(as_of)
    out: dict[str, object] = {"as_of": day}
    if allowed(principal, "read", "project"):
        rows = (
            project_rows
            if project_rows is not None
            else projects.list_projects(session, principal, None, day)
        )
        behind = [r for r in rows if r.delayed]
        out["projects_total"] = len(rows)
        out["projects_behind"] = len(behind)
        out["projects_by_stage"] = {s: sum(1 for r in rows if r.stage == s) for s in states.STAGES}
        out["behind_projects"] = [(r.id, r.name) for r in behind[:10]]
    if allowed(principal, "read", "challenge"):
        rows_c = challenge_queries.list_challenges(session, principal, None, day)
        by_status = Counter(r.status for r in rows_c)
        out["challenges_by_status"] = {s.key: by_status[s.key] for s in states.CHALLENGE.states}
        out["challenges_open"] = sum(by_status[s] for s in states.OPEN_CHALLENGE)
        out["milestones_overdue"] = sum(r.milestones_overdue for r in rows_c)
    if allowed(principal, "read", "appeal"):
        out.update(_appeal_counts(session, principal, day))
    return ActSummary(**out)  # type: ignore[arg-type]


def _appeal_counts(session: Session, principal: Principal, day: date) -> dict[str, object]:
    """Appeals by status on ``day``, open, past their limit and escalated (level 2) then."""
    if appeal_queries.settled_by(session, day):
        query = restrict(select(Appeal.status, func.count()), principal, "read").group_by(
            Appeal.status
        )
        counts: Counter[str] = Counter(dict(session.execute(query).all()))
        running = restrict(select(Appeal), principal, "read").where(
            Appeal.status.in_(states.APPEAL_RUNNING)
        )
        overdue = int(
            session.scalar(
                select(func.count()).select_from(running.where(Appeal.due_on < day).subquery())
            )
            or 0
        )
        escalated = int(
            session.scalar(
                select(func.count()).select_from(running.where(Appeal.escalate_on < day).subquery())
            )
            or 0
        )
    else:
        rows = session.scalars(
            restrict(select(Appeal), principal, "read").where(
                Appeal.received_at <= clock.end_of_day(day)
            )
        )
        then = appeal_queries.appeals_at(session, list(rows), day)
        counts = Counter(a.status for a in then)
        open_ = [a for a in then if a.status in states.APPEAL_RUNNING]
        overdue = sum(1 for a in open_ if a.due_on is not None and a.due_on < day)
        escalated = sum(1 for a in open_ if a.escalate_on is not None and a.escalate_on < day)
    return {
        "appeals_by_status": {s.key: int(counts.get(s.key, 0)) for s in states.APPEAL.states},
        "appeals_open": sum(int(counts.get(s, 0)) for s in states.APPEAL_RUNNING),
        "appeals_overdue": overdue,
        "appeals_escalated": escalated,
    }
