"""A challenge's review panel has a history: a reviewer joins at a moment and, taken off the
panel with a reason, leaves at a moment, their declarations and scores kept. A past day shows
the panel of that day with its scores as they stood; today's review (who may act, what is
missing, the means the award goes by) is the current panel's. Both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from gaodi import migrate
from gaodi.core import clock
from gaodi.core.errors import ConflictError, PermissionDenied
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import make_engine, session_scope
from gaodi.projects import challenge_queries as cq
from gaodi.projects import challenges as ch
from gaodi.projects.models import ChallengeDeclaration, ChallengeReviewer, ChallengeScore
from gaodi.projects.schemas import ApplicationIn, ChallengeIn
from tests.projects.conftest import World
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

R1 = Principal("expert1", "viewer")
R2 = Principal("expert2", "analyst")


def _cst(day: date, hour: int) -> datetime:
    """Naive UTC of ``hour`` o'clock on ``day`` in the city (UTC+8)."""
    return clock.utc(datetime(day.year, day.month, day.day, hour))


def _review(session: Session, w: World, frozen) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Published 06-01 with two applications and two reviewers, closed 06-01; on 06-02 expert1
    scores A 80 and B 70, expert2 A 60 and B 90; on 06-05 expert2 changes B to 95; on 06-07
    expert2 is taken off the panel. Today: 06-07."""
    frozen(_cst(date(2023, 6, 1), 10))
    c = ch.create_challenge(
        session,
        w.chain_office,
        ChallengeIn(title="高端轴承", problem="寿命", chain_id=w.chain_a, budget=300.0,
                    deadline=date(2023, 6, 30)),
    )  # fmt: skip
    a = ch.apply(session, w.chain_office, c.id, ApplicationIn(applicant_name="甲", proposal="x"))
    b = ch.apply(session, w.chain_office, c.id, ApplicationIn(applicant_name="乙", proposal="y"))
    ch.add_reviewer(session, w.chain_office, c.id, "expert1", "专家一")
    ch.add_reviewer(session, w.chain_office, c.id, "expert2", "专家二")
    ch.close(session, w.chain_office, c.id, "方案已足够")
    session.commit()
    frozen(_cst(date(2023, 6, 2), 10))
    for who, sa, sb in ((R1, 80, 70), (R2, 60, 90)):
        ch.declare(session, who, c.id, a.id, False)
        ch.declare(session, who, c.id, b.id, False)
        ch.score(session, who, c.id, a.id, sa)
        ch.score(session, who, c.id, b.id, sb)
    session.commit()
    frozen(_cst(date(2023, 6, 5), 10))
    ch.score(session, R2, c.id, b.id, 95)
    session.commit()
    frozen(_cst(date(2023, 6, 7), 10))
    ch.remove_reviewer(session, w.chain_office, c.id, "expert2", "发现与乙方有合作关系")
    session.commit()
    return c.id, a.id, b.id


def _means(session: Session, cid: int, day: date | None) -> dict[int, float | None]:
    d = cq.challenge_detail(session, SYSTEM, cid, day)
    return {x.id: x.mean_score for x in d.applications}


def test_a_day_before_the_removal_shows_the_reviewer_and_their_scores(
    session: Session, world: World, frozen
) -> None:
    cid, a, b = _review(session, world, frozen)
    # 06-03: both on the panel, expert2's scores as they stood (B 90, changed to 95 on 06-05)
    then = cq.challenge_detail(session, SYSTEM, cid, date(2023, 6, 3))
    assert [r.name for r in then.reviewers] == ["专家一", "专家二"]
    assert then.former_reviewers == []
    assert then.reviewers[1].removed_at is None  # the removal was not known yet
    assert len(then.reviewers[1].declarations) == 2 and then.reviewers[1].scored == [a, b]
    assert _means(session, cid, date(2023, 6, 3)) == {a: 70.0, b: 80.0}
    details = {x.id: [(s.reviewer, s.score) for s in x.score_details] for x in then.applications}
    assert details[b] == [("专家一", 70.0), ("专家二", 90.0)]
    assert _means(session, cid, date(2023, 6, 6)) == {a: 70.0, b: 82.5}
    # today: expert2 left the panel; their scores no longer count, the removal is said
    now = cq.challenge_detail(session, SYSTEM, cid)
    assert [r.name for r in now.reviewers] == ["专家一"]
    assert _means(session, cid, None) == {a: 80.0, b: 70.0}
    [gone] = now.former_reviewers
    assert gone.name == "专家二" and gone.removal_reason == "发现与乙方有合作关系"
    assert gone.removed_at == _cst(date(2023, 6, 7), 10)
    assert gone.scored == [a, b]  # kept, shown apart
    # the rows are kept (the audit log is no longer the only place they live)
    rid = session.scalars(
        select(ChallengeReviewer.id).where(ChallengeReviewer.username == "expert2")
    ).one()
    assert len(session.scalars(select(ChallengeScore).where(ChallengeScore.reviewer_id == rid)).all()) == 2  # fmt: skip
    assert len(session.scalars(select(ChallengeDeclaration).where(ChallengeDeclaration.reviewer_id == rid)).all()) == 2  # fmt: skip


def test_the_award_goes_by_the_current_panel(session: Session, world: World, frozen) -> None:
    cid, a, _b = _review(session, world, frozen)
    assert ch.missing_reviews(session, cid) == []
    # with expert2, B led (82.5 against 70); without, A does (80 against 70)
    assert ch.award(session, world.chain_office, cid).id == a


def test_a_reviewer_added_today_is_not_on_yesterdays_panel(
    session: Session, world: World, frozen
) -> None:
    cid, _a, _b = _review(session, world, frozen)
    frozen(_cst(date(2023, 6, 8), 9))
    ch.add_reviewer(session, world.chain_office, cid, "expert", "专家三")
    session.commit()
    yesterday = cq.challenge_detail(session, SYSTEM, cid, date(2023, 6, 7))
    assert "专家三" not in [r.name for r in yesterday.reviewers]
    today = cq.challenge_detail(session, SYSTEM, cid)
    assert [r.name for r in today.reviewers] == ["专家一", "专家三"]
    assert today.reviewers[1].added_at == _cst(date(2023, 6, 8), 9)
    # a day before the removal expert2 counts, a day after, not: the removal's own day too
    assert "专家二" not in [r.name for r in yesterday.reviewers]
    assert [r.name for r in yesterday.former_reviewers] == ["专家二"]


def test_a_removed_reviewer_cannot_act_rejoin_or_be_removed_again(
    session: Session, world: World, frozen
) -> None:
    cid, a, b = _review(session, world, frozen)
    for step in (
        lambda: ch.score(session, R2, cid, a, 99),
        lambda: ch.declare(session, R2, cid, a, False),
    ):
        with pytest.raises(PermissionDenied) as err:
            step()
        assert "已于 2023-06-07 10:00 被移出本榜单评审组" in err.value.message("zh")
        assert "发现与乙方有合作关系" in err.value.message("zh")
        assert "was removed from this challenge's review panel" in err.value.message("en")
        session.rollback()
    # someone never on the panel gets the usual refusal
    with pytest.raises(PermissionDenied) as other:
        ch.score(session, Principal("expert", "viewer"), cid, a, 99)
    assert "被移出" not in other.value.message("zh")
    session.rollback()
    with pytest.raises(ConflictError) as again:
        ch.add_reviewer(session, world.chain_office, cid, "expert2", "专家二")
    assert "不能再次加入" in again.value.message("zh")
    assert again.value.context["field"] == "username"
    session.rollback()
    with pytest.raises(ConflictError) as twice:
        ch.remove_reviewer(session, world.chain_office, cid, "expert2", "再次")
    assert "已于 2023-06-07 10:00 被移出" in twice.value.message("zh")
    session.rollback()
    assert _means(session, cid, None) == {a: 80.0, b: 70.0}  # nothing changed


# ---------------------------------------------------------------------------- the page


@pytest.fixture
def web(tmp_path: Path, backend_url: str) -> Iterator[Site]:
    moment = {"at": _cst(date(2023, 6, 1), 10)}
    clock.set_source(lambda: moment["at"])
    site = make_site(tmp_path, url=backend_url)
    site.moment = moment  # type: ignore[attr-defined]
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _table(html: str, testid: str) -> str:
    found = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S)
    return _text(found.group(0)) if found else ""


def test_the_page_shows_the_panel_of_its_day(web: Site) -> None:
    w, moment = web.world, web.moment  # type: ignore[attr-defined]
    stay, leave = w.users["viewer"], w.users["analyst"]
    with session_scope(web.engine, actor="seed") as s:
        c = ch.create_challenge(
            s, SYSTEM,
            ChallengeIn(title="页面榜单", problem="攻关", chain_id=w.ids["chain_a"], budget=100.0,
                        deadline=date(2023, 6, 30)),
        )  # fmt: skip
        aid = ch.apply(s, SYSTEM, c.id, ApplicationIn(applicant_name="甲公司", proposal="p")).id
        ch.add_reviewer(s, SYSTEM, c.id, stay, "专家甲")
        ch.add_reviewer(s, SYSTEM, c.id, leave, "专家乙")
        ch.close(s, SYSTEM, c.id, "提前截止")
        cid = c.id
    moment["at"] = _cst(date(2023, 6, 2), 10)
    with session_scope(web.engine, actor="seed") as s:
        for who, value in ((Principal(stay, "viewer"), 80), (Principal(leave, "analyst"), 61)):
            ch.declare(s, who, cid, aid, False)
            ch.score(s, who, cid, aid, value)
    moment["at"] = _cst(date(2023, 6, 4), 10)
    with session_scope(web.engine, actor="seed") as s:
        ch.remove_reviewer(s, SYSTEM, cid, leave, "长期出差无法参会")

    office = web.client()
    login(office, w.users["admin"], PASSWORD)
    # 06-03, between the score and the removal: 专家乙 on the panel, the score in the mean
    html = office.get(f"/challenges/{cid}?as_of_day=2023-06-03").text
    assert "专家乙" in _table(html, "reviewers")
    apps = _table(html, "applications")
    assert "专家乙: 61" in apps and "70.5" in apps
    assert "长期出差无法参会" not in html  # not known yet on that day
    # today: off the panel, the mean without the score, the removal said with its reason
    html = office.get(f"/challenges/{cid}").text
    assert "专家乙" not in _table(html, "reviewers")
    apps = _table(html, "applications")
    assert "专家乙" not in apps and " 80.0 " in f" {apps} "
    former = _table(html, "former-reviewers")
    assert "专家乙" in former and "长期出差无法参会" in former and "2023-06-04 10:00" in former
    assert "已移出评审组" in _text(html)
    api = office.get(f"/api/v1/challenges/{cid}").json()["detail"]
    assert [r["name"] for r in api["reviewers"]] == ["专家甲"]
    [gone] = api["former_reviewers"]
    assert gone["removed_at"] == "2023-06-04T10:00:00+08:00"
    assert gone["removal_reason"] == "长期出差无法参会"
    english = office.get(f"/challenges/{cid}", headers={"Accept-Language": "en"}).text
    assert "Removed from the review panel" in english

    # the removed reviewer is refused in words (403), nothing is written
    reviewer = web.client()
    csrf = login(reviewer, leave, PASSWORD)
    r = reviewer.post(
        f"/api/v1/challenges/{cid}/act",
        json={"action": "score", "application_id": aid, "score": 99},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 403
    assert "被移出本榜单评审组" in r.json()["message"] and "长期出差无法参会" in r.json()["message"]
    assert "专家乙: 61" in _table(
        office.get(f"/challenges/{cid}?as_of_day=2023-06-03").text, "applications"
    )


# ---------------------------------------------------------------------------- migration


def test_the_migration_dates_existing_reviewers_and_keeps_their_work(backend_url: str) -> None:
    """Reviewers already on panels get their joining time from the audit log's create entry of
    the row (else the challenge's creation); their declarations and scores survive."""
    engine = make_engine(backend_url)
    migrate.upgrade(engine, "0011_target_reading")
    with engine.begin() as conn:
        run = conn.execute
        run(
            text(
                "INSERT INTO chain (id, code, name, name_status, is_demo, created_at, "
                "updated_at) VALUES (1, 'A', '链A', 'official', :f, :c, :c)"
            ),
            {"f": False, "c": datetime(2023, 5, 1, 2)},
        )
        run(
            text(
                "INSERT INTO challenge (id, title, problem, chain_id, budget, deadline, status, "
                "is_demo, created_at, updated_at) VALUES (1, 't', 'p', 1, 1.0, :d, 'review', "
                ":f, :c, :c)"
            ),
            {"d": date(2023, 6, 30), "c": datetime(2023, 5, 1, 2), "f": False},
        )
        run(
            text(
                "INSERT INTO challenge_application (id, challenge_id, applicant_name, proposal, "
                "status, submitted_at) VALUES (1, 1, 'x', 'p', 'submitted', :at)"
            ),
            {"at": datetime(2023, 5, 2, 2)},
        )
        run(
            text(
                "INSERT INTO challenge_reviewer (id, challenge_id, username, name) "
                "VALUES (1, 1, 'u1', 'n1'), (2, 1, 'u2', 'n2')"
            )
        )
        run(
            text(
                "INSERT INTO challenge_declaration (id, reviewer_id, application_id, "
                "has_conflict, declared_at) VALUES (1, 1, 1, :f, :at)"
            ),
            {"f": False, "at": datetime(2023, 5, 10, 2)},
        )
        run(
            text(
                "INSERT INTO challenge_score (id, reviewer_id, application_id, score, scored_at) "
                "VALUES (1, 1, 1, 80.0, :at)"
            ),
            {"at": datetime(2023, 5, 10, 3)},
        )
        # reviewer 1's create entry; an older entry for the same id is another row's (the
        # id came back after a delete) and does not count
        insert = text(
            "INSERT INTO audit_event (at, actor, entity, entity_id, action, after) "
            "VALUES (:at, 'office', 'challenge_reviewer', '1', 'create', :after)"
        )
        run(insert, {"at": datetime(2023, 5, 3, 2), "after": '{"challenge_id": 1, "username": "u1"}'})  # fmt: skip
        run(insert, {"at": datetime(2023, 4, 1, 2), "after": '{"challenge_id": 9, "username": "u1"}'})  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as conn:
        t = ChallengeReviewer.__table__
        rows = conn.execute(select(t.c.id, t.c.added_at, t.c.removed_at).order_by(t.c.id)).all()
        kept = [
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("challenge_declaration", "challenge_score")
        ]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, datetime(2023, 5, 3, 2), None),
        (2, datetime(2023, 5, 1, 2), None),  # no entry: the challenge's creation
    ]
    assert kept == [1, 1]
    migrate.downgrade(engine, "0011_target_reading")
    migrate.upgrade(engine)
    engine.dispose()
