"""揭榜挂帅: every transition, review rules (declarations, conflicts, scores), award,
milestones with a frozen clock, illegal transitions (nothing changed), permissions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal
from gaodi.models import AuditEvent
from gaodi.projects import challenge_queries as cq
from gaodi.projects import challenges as ch
from gaodi.projects.models import Challenge, ChallengeEvent
from gaodi.projects.schemas import ApplicationIn, ChallengeFilter, ChallengeIn
from tests.projects.conftest import World, snapshot

R1 = Principal("expert1", "viewer")
R2 = Principal("expert2", "analyst")


def _challenge(session: Session, w: World, chain: int | None = None) -> int:
    c = ch.create_challenge(
        session,
        w.chain_office if chain is None else w.admin,
        ChallengeIn(
            title="高端液压阀国产化",
            problem="攻克高压比例阀",
            chain_id=chain or w.chain_a,
            link_id=None,
            budget=500.0,
            deadline=date(2023, 6, 30),
        ),
    )
    session.commit()
    return c.id


def _apply(session: Session, w: World, cid: int, name: str) -> int:
    a = ch.apply(session, w.chain_office, cid, ApplicationIn(applicant_name=name, proposal="方案"))
    session.commit()
    return a.id


def _in_review(session: Session, w: World) -> tuple[int, int, int]:
    cid = _challenge(session, w)
    a1 = _apply(session, w, cid, "甲公司")
    a2 = _apply(session, w, cid, "乙公司")
    ch.add_reviewer(session, w.chain_office, cid, "expert1", "专家一", "高校")
    ch.add_reviewer(session, w.chain_office, cid, "expert2", "专家二")
    ch.close(session, w.chain_office, cid, "方案已足够，提前截止（测试）")
    session.commit()
    return cid, a1, a2


def _state(session: Session, cid: int) -> str:
    session.expire_all()
    return session.get(Challenge, cid).status  # type: ignore[union-attr]


def test_full_walk_through_every_transition(session: Session, world: World, frozen) -> None:
    cid, a1, a2 = _in_review(session, world)
    assert _state(session, cid) == "review"
    ch.declare(session, R1, cid, a1, False)
    ch.declare(session, R1, cid, a2, True, "曾任乙公司顾问")
    ch.declare(session, R2, cid, a1, False)
    ch.declare(session, R2, cid, a2, False)
    ch.score(session, R1, cid, a1, 80)
    ch.score(session, R2, cid, a1, 70)
    ch.score(session, R2, cid, a2, 90)
    # Means: a1 = (80 + 70) / 2 = 75 (two scores); a2 = 90 (one score: expert1 declared a
    # conflict). Best: a2.
    assert ch.standings(session, cid) == [(a2, 90.0, 1), (a1, 75.0, 2)]
    winner = ch.award(session, world.chain_office, cid)
    assert winner.id == a2
    m1 = ch.add_milestone(session, world.chain_office, cid, "样机", date(2023, 9, 30))
    m2 = ch.add_milestone(session, world.chain_office, cid, "中试", date(2023, 12, 31))
    ch.start(session, world.chain_office, cid)
    session.commit()
    frozen(datetime(2023, 10, 15, 2, 0))
    detail = cq.challenge_detail(session, world.admin, cid)
    assert [(m.state, m.days_overdue) for m in detail.milestones] == [
        ("overdue", 15),
        ("pending", None),
    ]  # 09-30 -> 10-15 = 15 days
    assert detail.challenge.milestones_overdue == 1 and detail.challenge.awardee == "乙公司"
    ch.complete_milestone(session, world.chain_office, cid, m1.id, date(2023, 10, 10))
    frozen(datetime(2024, 1, 5, 2, 0))
    ch.complete_milestone(session, world.chain_office, cid, m2.id, date(2023, 12, 20))
    ch.accept(session, world.chain_office, cid, "通过验收")
    session.commit()
    detail = cq.challenge_detail(session, world.admin, cid)
    assert [(m.state, m.days_overdue) for m in detail.milestones] == [
        ("done_late", 10),
        ("done", None),
    ]
    assert detail.challenge.status == "accepted" and not detail.challenge.is_open
    events = session.scalars(
        select(ChallengeEvent).where(ChallengeEvent.challenge_id == cid).order_by(ChallengeEvent.id)
    ).all()
    moves = [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]
    assert moves == [
        (None, "published"),
        ("published", "review"),
        ("review", "awarded"),
        ("awarded", "executing"),
        ("executing", "accepted"),
    ]
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("challenge.%"))
    ).all()
    for action in (
        "publish",
        "apply",
        "close",
        "declare",
        "score",
        "award",
        "add_milestone",
        "start",
        "complete_milestone",
        "accept",
    ):
        assert f"challenge.{action}" in audited


def test_fail_and_cancel_need_a_reason(session: Session, world: World, frozen) -> None:
    cid = _challenge(session, world)
    before = snapshot(session)
    with pytest.raises(ValidationError, match="comment"):
        ch.cancel(session, world.chain_office, cid, " ")
    assert snapshot(session) == before
    ch.cancel(session, world.chain_office, cid, "需求已由其他项目解决")
    assert _state(session, cid) == "cancelled"
    cid2, a1, a2 = _in_review(session, world)
    for r in (R1, R2):
        for a in (a1, a2):
            ch.declare(session, r, cid2, a, False)
            ch.score(session, r, cid2, a, 60 if a == a1 else 50)
    ch.award(session, world.chain_office, cid2)
    ch.add_milestone(session, world.chain_office, cid2, "样机", date(2023, 9, 30))
    ch.start(session, world.chain_office, cid2)
    with pytest.raises(ValidationError):
        ch.fail(session, world.chain_office, cid2, "")
    ch.fail(session, world.chain_office, cid2, "样机未达指标")
    assert _state(session, cid2) == "failed"


def test_conflict_of_interest_rules(session: Session, world: World, frozen) -> None:
    cid, a1, a2 = _in_review(session, world)
    before = snapshot(session)
    with pytest.raises(ConflictError, match="declaration is required"):
        ch.score(session, R1, cid, a1, 80)
    assert snapshot(session) == before
    ch.declare(session, R1, cid, a2, True, "亲属任职")
    session.commit()
    before = snapshot(session)
    with pytest.raises(PermissionDenied, match="conflict"):
        ch.score(session, R1, cid, a2, 95)
    with pytest.raises(ConflictError, match="cannot be changed"):
        ch.declare(session, R1, cid, a2, False)
    with pytest.raises(ValidationError, match="Describe"):
        ch.declare(session, R1, cid, a1, True, "")
    with pytest.raises(PermissionDenied):  # not on the panel
        ch.declare(session, Principal("someone", "viewer"), cid, a1, False)
    ch.declare(session, R2, cid, a1, False)
    with pytest.raises(ValidationError, match="between"):
        ch.score(session, R2, cid, a1, 101)
    session.rollback()
    assert snapshot(session) == before


def test_award_rules(session: Session, world: World, frozen) -> None:
    cid, a1, a2 = _in_review(session, world)
    for r in (R1, R2):
        ch.declare(session, r, cid, a1, False)
        ch.declare(session, r, cid, a2, False)
    ch.score(session, R1, cid, a1, 80)
    ch.score(session, R1, cid, a2, 70)
    ch.score(session, R2, cid, a1, 70)
    session.commit()
    before = snapshot(session)
    with pytest.raises(ConflictError, match="incomplete") as err:
        ch.award(session, world.chain_office, cid)
    assert err.value.context["missing"] == [f"专家二：申请 {a2} 未评分"]
    assert snapshot(session) == before
    ch.score(session, R2, cid, a2, 80)
    session.commit()
    # Both means are (80 + 70) / 2 = 75: a tie needs a choice with a reason.
    before = snapshot(session)
    with pytest.raises(ConflictError, match="tie"):
        ch.award(session, world.chain_office, cid)
    with pytest.raises(ValidationError, match="reason"):
        ch.award(session, world.chain_office, cid, a2)
    assert snapshot(session) == before
    won = ch.award(session, world.chain_office, cid, a2, "乙公司有中试线")
    assert won.id == a2
    detail = cq.challenge_detail(session, world.chain_office, cid)
    assert detail.award_reason == "乙公司有中试线"
    assert {a.id: a.status for a in detail.applications} == {a1: "not_awarded", a2: "awarded"}


def test_illegal_transitions_change_nothing(session: Session, world: World, frozen) -> None:
    cid = _challenge(session, world)
    before = snapshot(session)
    with pytest.raises(ConflictError, match="No applications"):
        ch.close(session, world.chain_office, cid)
    for call in (
        lambda: ch.award(session, world.chain_office, cid),
        lambda: ch.start(session, world.chain_office, cid),
        lambda: ch.accept(session, world.chain_office, cid),
        lambda: ch.add_milestone(session, world.chain_office, cid, "x", date(2023, 9, 1)),
    ):
        with pytest.raises(ConflictError) as err:
            call()
        assert "已发榜" in err.value.zh and "published" in err.value.en
        assert "close" in err.value.context["allowed"]
    assert snapshot(session) == before
    _apply(session, world, cid, "甲公司")
    with pytest.raises(ConflictError, match="already applied"):
        _apply(session, world, cid, "甲公司")
    session.rollback()
    frozen(datetime(2023, 7, 1, 2, 0))
    before = snapshot(session)
    with pytest.raises(ConflictError, match="closed on 2023-06-30"):
        _apply(session, world, cid, "丙公司")
    ch.close(session, world.chain_office, cid)
    session.commit()
    with pytest.raises(ConflictError, match="review"):
        _apply(session, world, cid, "丁公司")
    with pytest.raises(ConflictError):
        ch.start(session, world.chain_office, cid)
    session.rollback()
    assert _state(session, cid) == "review"


def test_start_needs_a_milestone_and_accept_needs_all_done(
    session: Session, world: World, frozen
) -> None:
    cid, a1, a2 = _in_review(session, world)
    for r in (R1, R2):
        for a in (a1, a2):
            ch.declare(session, r, cid, a, False)
            ch.score(session, r, cid, a, 70 if a == a1 else 60)
    ch.award(session, world.chain_office, cid)
    session.commit()
    before = snapshot(session)
    with pytest.raises(ConflictError, match="milestone"):
        ch.start(session, world.chain_office, cid)
    assert snapshot(session) == before
    m = ch.add_milestone(session, world.chain_office, cid, "样机", date(2023, 9, 30))
    ch.start(session, world.chain_office, cid)
    session.commit()
    before = snapshot(session)
    with pytest.raises(ConflictError, match="not done"):
        ch.accept(session, world.chain_office, cid)
    with pytest.raises(ValidationError, match="later than today"):
        ch.complete_milestone(session, world.chain_office, cid, m.id, date(2023, 6, 2))
    assert snapshot(session) == before
    ch.complete_milestone(session, world.chain_office, cid, m.id, date(2023, 6, 1))
    with pytest.raises(ConflictError, match="was done"):
        ch.complete_milestone(session, world.chain_office, cid, m.id, date(2023, 6, 1))


def test_permissions(session: Session, world: World, frozen) -> None:
    mine = _challenge(session, world)
    other = _challenge(session, world, chain=world.chain_b)
    ids = lambda who: sorted(r.id for r in cq.list_challenges(session, who))  # noqa: E731
    assert ids(world.chain_office) == [mine]
    assert ids(world.viewer) == ids(world.park_office) == sorted([mine, other])
    with pytest.raises(PermissionDenied):
        cq.list_challenges(session, world.enterprise)
    before = snapshot(session)
    with pytest.raises(NotFoundError):
        ch.close(session, world.chain_office, other)
    with pytest.raises(NotFoundError):  # chain B answers as a missing chain would
        ch.create_challenge(
            session,
            world.chain_office,
            ChallengeIn(
                title="t", problem="p", chain_id=world.chain_b, budget=1, deadline=date(2023, 7, 1)
            ),
        )
    with pytest.raises(PermissionDenied):
        ch.create_challenge(
            session,
            world.park_office,
            ChallengeIn(
                title="t", problem="p", chain_id=world.chain_a, budget=1, deadline=date(2023, 7, 1)
            ),
        )
    for who in (world.viewer, world.park_office, world.analyst):
        with pytest.raises(PermissionDenied):
            ch.apply(session, who, mine, ApplicationIn(applicant_name="x", proposal="p"))
    assert snapshot(session) == before


def test_list_filters_and_detail_visibility(session: Session, world: World, frozen) -> None:
    cid, a1, _a2 = _in_review(session, world)
    other = _challenge(session, world, chain=world.chain_b)
    assert [
        r.id for r in cq.list_challenges(session, world.admin, ChallengeFilter(status="review"))
    ] == [cid]
    assert len(cq.list_challenges(session, world.admin, ChallengeFilter(status="open"))) == 2
    assert [
        r.id
        for r in cq.list_challenges(session, world.admin, ChallengeFilter(chain_id=world.chain_b))
    ] == [other]
    ch.declare(session, R2, cid, a1, False)
    ch.score(session, R2, cid, a1, 88, "好")
    session.commit()
    office = cq.challenge_detail(session, world.chain_office, cid)
    public = cq.challenge_detail(session, world.viewer, cid)
    assert office.applications[0].score_details[0].score == 88
    assert public.applications[0].score_details == []  # individual scores: office/admin only
    assert public.applications[0].mean_score == 88.0
    assert {t.name for t in office.transitions} >= {"award", "add_reviewer", "cancel"}
    assert {t.name for t in cq.challenge_detail(session, R2, cid).transitions} == {
        "declare",
        "score",
    }
    assert public.transitions == []
    assert not office.review_complete and len(office.review_missing) == 3


def test_a_park_office_reads_only_its_parks_applicants(
    session: Session, world: World, frozen
) -> None:
    """A park office reads every challenge, but the applications (enterprise, USCC, proposal)
    and the awardee only of its own parks' enterprises; the chain office that runs the challenge
    and the unscoped readers see them all. Park office = P1 (E1, E2); E3 is in P2, E4 in none."""
    cid = _challenge(session, world)
    names = {}
    for key, eid in (("e1", world.e1), ("e3", world.e3), ("e4", world.e4)):
        names[key] = {"e1": "企业一", "e3": "企业三", "e4": "企业四"}[key]  # the linked firm's
        app = ch.apply(  # the bureau files them (the chain office links only its chain's firms)
            session,
            world.admin,
            cid,
            ApplicationIn(applicant_name=names[key], enterprise_id=eid, proposal=f"方案{key}"),
        )
        names[f"{key}_id"] = str(app.id)
    ch.add_reviewer(session, world.chain_office, cid, "expert1", "专家一")
    ch.close(session, world.chain_office, cid, "提前截止（测试）")
    for key, points in (("e1", 70.0), ("e3", 90.0), ("e4", 80.0)):
        ch.declare(session, R1, cid, int(names[f"{key}_id"]), False)
        ch.score(session, R1, cid, int(names[f"{key}_id"]), points)
    ch.award(session, world.chain_office, cid)  # E3: the best mean (90)
    session.commit()

    def seen(who: Principal) -> list[str]:
        return [a.applicant_name for a in cq.challenge_detail(session, who, cid).applications]

    every = [names["e1"], names["e3"], names["e4"]]
    assert seen(world.chain_office) == seen(world.viewer) == seen(world.admin) == every
    assert seen(world.park_office) == [names["e1"]]
    park_detail = cq.challenge_detail(session, world.park_office, cid)
    assert park_detail.challenge.applications == 3  # the count is not an enterprise's data
    assert park_detail.challenge.awardee is None
    assert [d.application_id for r in park_detail.reviewers for d in r.declarations] == [
        int(names["e1_id"])
    ]
    awardee = {
        who.role: cq.list_challenges(session, who)[0].awardee
        for who in (world.chain_office, world.viewer, world.park_office)
    }
    assert awardee == {"chain_office": names["e3"], "viewer": names["e3"], "park_office": None}


def test_reviewer_scores_and_standings_as_of_a_day(session: Session, world: World, frozen) -> None:
    # frozen at Thu 2023-06-01 10:00 in the city: published, two applications, in review
    cid, a1, a2 = _in_review(session, world)
    frozen(datetime(2023, 6, 5, 2, 0))  # Mon 06-05: both declare, expert2 scores 甲 80, 乙 70
    for r in (R1, R2):
        ch.declare(session, r, cid, a1, False)
        ch.declare(session, r, cid, a2, False)
    ch.score(session, R2, cid, a1, 80)
    ch.score(session, R2, cid, a2, 70)
    session.commit()
    frozen(datetime(2023, 6, 7, 2, 0))  # Wed 06-07: expert2 changes 甲 to 60; expert1 scores 乙 90
    ch.score(session, R2, cid, a1, 60, "复核后下调")
    ch.score(session, R1, cid, a2, 90)
    session.commit()

    def board(day: date) -> dict[str, tuple[float | None, int, int | None, list[float]]]:
        d = cq.challenge_detail(session, world.chain_office, cid, as_of=day)
        return {
            a.applicant_name: (a.mean_score, a.scores, a.rank, [s.score for s in a.score_details])
            for a in d.applications
        }

    # 06-02: nothing declared or scored yet
    assert board(date(2023, 6, 2)) == {"甲公司": (None, 0, None, []), "乙公司": (None, 0, None, [])}
    before = cq.challenge_detail(session, world.chain_office, cid, as_of=date(2023, 6, 2))
    assert all(r.declarations == [] and r.scored == [] for r in before.reviewers)
    # 06-06: expert2's first scores (甲 80 ranks first)
    assert board(date(2023, 6, 6)) == {
        "甲公司": (80.0, 1, 1, [80.0]),
        "乙公司": (70.0, 1, 2, [70.0]),
    }
    # 06-07: 甲 re-scored 60; 乙 (70 + 90) / 2 = 80 now leads
    assert board(date(2023, 6, 7)) == {
        "甲公司": (60.0, 1, 2, [60.0]),
        "乙公司": (80.0, 2, 1, [90.0, 70.0]),  # details by reviewer: expert1, expert2
    }
    # the stored rows were not touched by reading the past
    session.expire_all()
    assert board(date(2023, 6, 8))["甲公司"][0] == 60.0
