"""The demo's projects, challenges and appeals: deterministic, labelled, consistent with the
workflows and the rules (checked through the services, not against the generator's numbers)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi import migrate
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_factory
from gaodi.models import Base
from gaodi.projects import appeal_queries, challenge_queries, projects, service, states
from gaodi.projects.appeals import limit_dates
from gaodi.projects.demo import DEMO_NOW, DEMO_TODAY, PROJECT_MODELS, build_demo
from gaodi.projects.demo_cases import MODELS
from gaodi.projects.models import (
    Appeal,
    AppealEvent,
    Challenge,
    ChallengeApplication,
    ChallengeReviewer,
    Project,
    ProjectStage,
)
from gaodi.projects.rules import appeal_rules
from gaodi.projects.schemas import ProjectIn
from tests.projects.conftest import World, build_world


def _dump(session: Session) -> list[tuple[str, list[tuple[object, ...]]]]:
    out = []
    for model in [*PROJECT_MODELS, *MODELS]:
        table = model.__table__  # type: ignore[attr-defined]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out.append((table.name, [tuple(r) for r in rows]))
    return out


def _fresh(tmp_path: Path, name: str, seed: int) -> list[tuple[str, list[tuple[object, ...]]]]:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    migrate.upgrade(engine)
    with session_factory(engine)() as s:
        build_world(s)
        build_demo(s, seed, "small")
        s.commit()
        dump = _dump(s)
    engine.dispose()
    return dump


def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path) -> None:
    a = _fresh(tmp_path, "a.sqlite", 7)
    b = _fresh(tmp_path, "b.sqlite", 7)
    c = _fresh(tmp_path, "c.sqlite", 8)
    assert a == b
    assert a != c
    assert dict((k, len(v)) for k, v in a)["project"] == 150


def _demo(session: Session, world: World) -> dict[str, int]:
    counts = build_demo(session, 2021, "small")
    session.commit()
    return counts


def test_counts_labels_and_mix(lite_session: Session, lite_world: World) -> None:
    counts = _demo(lite_session, lite_world)
    assert (counts["project"], counts["challenge"], counts["appeal"]) == (150, 20, 600)
    s = lite_session
    for model in (Project, Challenge, Appeal):
        assert (
            s.scalar(select(func.count()).select_from(model).where(model.is_demo.is_(False))) == 0
        )
    stages = Counter(s.scalars(select(Project.stage)))
    assert all(stages[st] > 5 for st in states.STAGES)
    statuses = Counter(s.scalars(select(Challenge.status)))
    assert set(statuses) == {st.key for st in states.CHALLENGE.states}
    years = Counter(a.received_at.year for a in s.scalars(select(Appeal)))
    assert set(years) == {2021, 2022, 2023} and min(years.values()) > 120
    cats = Counter(s.scalars(select(Appeal.category)))
    assert set(cats) == set(appeal_rules().categories)


def test_demo_is_consistent_with_the_workflows(lite_session: Session, lite_world: World) -> None:
    _demo(lite_session, lite_world)
    s = lite_session
    rules = appeal_rules()
    # Stage dates never go backwards and the stage is the last one reached.
    by_project: dict[int, dict[str, date | None]] = {}
    planned: dict[int, dict[str, date | None]] = {}
    for row in s.scalars(select(ProjectStage)):
        by_project.setdefault(row.project_id, {})[row.stage] = row.actual_on
        planned.setdefault(row.project_id, {})[row.stage] = row.planned_on
    keys = set()
    for p in s.scalars(select(Project)):
        reached = [st for st in states.STAGES if by_project[p.id][st] is not None]
        assert reached == list(states.STAGES[: len(reached)]) and reached[-1] == p.stage
        days = [by_project[p.id][st] for st in reached]
        assert days == sorted(days) and days[-1] <= DEMO_TODAY  # type: ignore[operator]
        # the service's own date rules hold, and (name, investor) names one project, as the
        # Excel exchange identifies projects
        assert projects.date_problems(planned[p.id], by_project[p.id], DEMO_TODAY) == []
        assert projects.reached_stage(by_project[p.id]) == p.stage
        keys.add((p.name, p.investor_name))
    assert len(keys) == s.scalar(select(func.count()).select_from(Project))
    # Appeal histories follow the state machine and end in the stored status; due dates
    # follow the rules from the stored start day and limit.
    events: dict[int, list[AppealEvent]] = {}
    for e in s.scalars(select(AppealEvent).order_by(AppealEvent.id)):
        events.setdefault(e.appeal_id, []).append(e)
    for a in s.scalars(select(Appeal)):
        chain = events[a.id]
        assert chain[0].action == "submit" and chain[-1].to_status == a.status
        for prev, nxt in itertools.pairwise(chain):
            t = states.APPEAL.check(nxt.action, prev.to_status or "")
            assert t.target == nxt.to_status and prev.at <= nxt.at <= DEMO_NOW
        assert (a.due_on, a.escalate_on) == limit_dates(a.limit_start_on, a.time_limit, rules)
        if a.status == "confirmed":
            assert 1 <= a.satisfaction <= 5
    # Awarded challenges have exactly one awarded application, the best-scored one.
    for c in s.scalars(
        select(Challenge).where(
            Challenge.status.in_(["awarded", "executing", "accepted", "failed"])
        )
    ):
        won = s.scalars(
            select(ChallengeApplication).where(
                ChallengeApplication.challenge_id == c.id, ChallengeApplication.status == "awarded"
            )
        ).all()
        assert len(won) == 1
        from gaodi.projects.challenges import missing_reviews, standings

        assert missing_reviews(s, c.id) == []
        assert standings(s, c.id)[0][0] == won[0].id


def test_demo_gives_each_role_work_and_flags(lite_session: Session, lite_world: World) -> None:
    _demo(lite_session, lite_world)
    s = lite_session
    summary = service.act_summary(s, SYSTEM, DEMO_TODAY)
    assert 0.1 < summary.projects_behind / summary.projects_total < 0.45  # type: ignore[operator]
    assert summary.challenges_open and summary.milestones_overdue
    assert summary.appeals_overdue and summary.appeals_escalated
    stats = appeal_queries.appeal_stats(s, SYSTEM, None, DEMO_TODAY)
    assert 0.05 < stats.overall.overdue_share < 0.5  # type: ignore[operator]
    w = lite_world
    mine = appeal_queries.list_appeals(s, w.enterprise, None, DEMO_TODAY)
    assert {"received", "resolved", "in_progress"} <= {r.status for r in mine}
    park = appeal_queries.list_appeals(s, w.park_office, None, DEMO_TODAY)
    assert any(r.status == "received" for r in park)
    office = challenge_queries.list_challenges(s, w.chain_office, None, DEMO_TODAY)
    assert {"published", "review", "executing"} <= {r.status for r in office}
    panel = s.scalars(
        select(ChallengeReviewer.username)
        .join(Challenge, Challenge.id == ChallengeReviewer.challenge_id)
        .where(Challenge.status == "review")
    ).all()
    assert {"demo-analyst", "demo-viewer"} <= set(panel)
    assert projects.list_projects(s, w.park_office, None, DEMO_TODAY)


def test_services_keep_working_after_the_demo(session: Session, world: World, frozen) -> None:
    """Explicit ids in the demo must not break later inserts (PostgreSQL sequences)."""
    _demo(session, world)
    before = session.scalar(select(func.max(Project.id)))
    p = projects.create_project(
        session,
        world.admin,
        ProjectIn(
            name="新项目",
            chain_id=world.chain_a,
            investor_name="i",
            total_investment=1,
            signed_on=date(2023, 5, 1),
        ),
    )
    session.commit()
    assert p.id == before + 1
    assert Base.metadata.tables["project"] is Project.__table__
