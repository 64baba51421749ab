"""act_summary: the digest the overview and the monthly report show, counted by hand."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from gaodi.projects import appeals as ap
from gaodi.projects import challenges as ch
from gaodi.projects import projects as pr
from gaodi.projects import service
from gaodi.projects.schemas import AppealIn, ChallengeIn, ProjectIn
from tests.projects.conftest import World


def _fixture(session: Session, w: World) -> None:
    # Two projects of chain A: P1 (park P1) starts late (planned 03-31); P2 (park P2) on time.
    for name, park, start in (("P1", w.park_1, date(2023, 3, 31)), ("P2", w.park_2, None)):
        pr.create_project(
            session,
            w.admin,
            ProjectIn(
                name=name,
                chain_id=w.chain_a,
                park_id=park,
                investor_name="i",
                total_investment=100,
                signed_on=date(2023, 1, 1),
                planned_start_on=start,
            ),
        )
    # Challenges: one open (chain A), one cancelled (chain B).
    for chain in (w.chain_a, w.chain_b):
        ch.create_challenge(
            session,
            w.admin,
            ChallengeIn(
                title="t", problem="p", chain_id=chain, budget=10, deadline=date(2023, 6, 30)
            ),
        )
    ch.cancel(session, w.admin, 2, "撤")
    # Appeals: E1 (P1) left unassigned; E3 (P2) handled and confirmed.
    for ent in (w.e1, w.e3):
        ap.submit(
            session, w.admin, AppealIn(enterprise_id=ent, category="其他", title="t", text="x")
        )
    ap.assign(session, w.admin, 2)
    ap.start(session, w.admin, 2)
    ap.resolve(session, w.admin, 2, "ok")
    ap.confirm(session, w.admin, 2, 5)
    session.commit()


def test_summary_by_hand(session: Session, world: World, frozen) -> None:
    _fixture(session, world)
    frozen(datetime(2023, 6, 12, 2, 0))
    # Appeal 1: received Thu 06-01, hand-over due Tue 06-06, level 2 after Fri 06-09.
    s = service.act_summary(session, world.admin, date(2023, 6, 12))
    assert (s.projects_total, s.projects_behind) == (2, 1)
    assert s.projects_by_stage == {"signed": 2, "started": 0, "producing": 0, "full_output": 0}
    assert [name for _id, name in s.behind_projects] == ["P1"]
    assert (s.challenges_open, s.challenges_by_status["cancelled"]) == (1, 1)
    assert (s.appeals_open, s.appeals_overdue, s.appeals_escalated) == (1, 1, 1)
    assert s.appeals_by_status["confirmed"] == 1 and s.appeals_by_status["received"] == 1
    # Before the due date nothing is overdue; as_of is what counts, not the clock.
    early = service.act_summary(session, world.admin, date(2023, 6, 6))
    assert (early.appeals_overdue, early.appeals_escalated) == (0, 0)
    assert early.projects_behind == 1  # 03-31 already passed on 06-06


def test_summary_respects_scopes(session: Session, world: World, frozen) -> None:
    _fixture(session, world)
    park = service.act_summary(session, world.park_office, date(2023, 6, 12))
    assert (park.projects_total, park.projects_behind, park.appeals_open) == (1, 1, 1)
    assert park.challenges_open == 1  # challenges are public to park offices
    office = service.act_summary(session, world.chain_office, date(2023, 6, 12))
    assert (office.challenges_open, office.challenges_by_status["cancelled"]) == (1, 0)
    ent = service.act_summary(session, world.enterprise, date(2023, 6, 12))
    assert ent.projects_total is None and ent.challenges_open is None
    assert (ent.appeals_open, ent.appeals_overdue) == (1, 1)


def test_lists_on_several_days_from_one_load(session: Session, world: World, frozen) -> None:
    """list_projects_on (the overview's one load) gives, day by day, what list_projects gives:
    before the signing day nothing; after the planned start P1 is late; a park office sees only
    its park's project; and act_summary fed those rows counts as it does alone."""
    _fixture(session, world)
    frozen(datetime(2023, 6, 12, 2, 0))
    days = [date(2022, 12, 31), date(2023, 3, 30), date(2023, 6, 12)]
    for who in (world.admin, world.park_office):
        lists = pr.list_projects_on(session, who, days)
        assert lists == [pr.list_projects(session, who, None, d) for d in days]
    before, start, now = pr.list_projects_on(session, world.admin, days)
    assert before == []  # both signed on 2023-01-01
    assert [(r.name, r.delayed) for r in start] == [("P1", False), ("P2", False)]
    assert [(r.name, r.delayed) for r in now] == [("P1", True), ("P2", False)]
    assert [r.name for r in pr.list_projects_on(session, world.park_office, days)[2]] == ["P1"]
    fed = service.act_summary(session, world.admin, days[2], project_rows=now)
    assert fed == service.act_summary(session, world.admin, days[2])
    assert (fed.projects_total, fed.projects_behind) == (2, 1)
