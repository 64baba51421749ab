"""A challenge as of a past day shows that day, not today: no award (nor its reason) before
the award step, the review gaps of that day's panel, the milestones added by then, and no steps
at all (a past view is for reading; the page says so and links to today). Both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.projects import challenge_queries as cq
from gaodi.projects import challenges as ch
from gaodi.projects.schemas import ApplicationIn, ChallengeIn
from tests.projects.conftest import World
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

R1 = Principal("expert1", "viewer")
R2 = Principal("expert2", "analyst")
YESTERDAY, TODAY = date(2023, 6, 3), date(2023, 6, 4)


def _cst(day: date, hour: int) -> datetime:
    """Naive UTC of ``hour`` o'clock on ``day`` in the city (UTC+8)."""
    return clock.utc(datetime(day.year, day.month, day.day, hour))


def _awarded_today(session: Session, w: World, frozen) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Published and closed 06-01 with applications A and B and expert1 on the panel; on 06-02
    expert1 declares both and scores A only. Today (06-04) expert1 scores B, expert2 joins,
    declares and scores, the office awards B with a reason and adds a milestone."""
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
    ch.close(session, w.chain_office, c.id, "方案已足够")
    session.commit()
    frozen(_cst(date(2023, 6, 2), 10))
    ch.declare(session, R1, c.id, a.id, False)
    ch.declare(session, R1, c.id, b.id, False)
    ch.score(session, R1, c.id, a.id, 70)
    session.commit()
    frozen(_cst(TODAY, 10))
    ch.score(session, R1, c.id, b.id, 90)
    ch.add_reviewer(session, w.chain_office, c.id, "expert2", "专家二")
    for app in (a, b):
        ch.declare(session, R2, c.id, app.id, False)
        ch.score(session, R2, c.id, app.id, 80)
    ch.award(session, w.chain_office, c.id, b.id, "得分最高")
    ch.add_milestone(session, w.chain_office, c.id, "样机", date(2023, 9, 1))
    session.commit()
    return c.id, a.id, b.id


def test_yesterday_shows_the_review_not_todays_award(
    session: Session, world: World, frozen
) -> None:  # type: ignore[no-untyped-def]
    cid, a, b = _awarded_today(session, world, frozen)
    then = cq.challenge_detail(session, SYSTEM, cid, YESTERDAY)
    assert then.challenge.status == "review"
    assert then.award_reason is None and then.challenge.awardee is None
    assert {x.id: x.status for x in then.applications} == {a: "submitted", b: "submitted"}
    # yesterday's panel was expert1 alone, who had not scored B yet; expert2 joined today
    assert then.review_missing == [f"专家一：申请 {b} 未评分"]
    assert not then.review_complete
    assert then.transitions == []  # a past day is for reading
    assert then.milestones == [] and then.challenge.milestones == 0

    now = cq.challenge_detail(session, SYSTEM, cid)
    assert now.challenge.status == "awarded" and now.award_reason == "得分最高"
    assert [m.title for m in now.milestones] == ["样机"]
    assert {"add_milestone", "start"} <= {t.name for t in now.transitions}
    assert now.review_missing == []


def test_the_list_as_of_yesterday_counts_no_milestone_added_today(
    session: Session, world: World, frozen
) -> None:  # type: ignore[no-untyped-def]
    cid, _a, _b = _awarded_today(session, world, frozen)
    [row] = [r for r in cq.list_challenges(session, SYSTEM, as_of=YESTERDAY) if r.id == cid]
    assert (row.status, row.milestones, row.awardee) == ("review", 0, None)
    [row] = [r for r in cq.list_challenges(session, SYSTEM) if r.id == cid]
    assert (row.status, row.milestones, row.awardee) == ("awarded", 1, "乙")


def test_a_milestone_done_today_is_not_done_yesterday(
    session: Session, world: World, frozen
) -> None:  # type: ignore[no-untyped-def]
    cid, _a, _b = _awarded_today(session, world, frozen)
    frozen(_cst(date(2023, 6, 5), 9))
    ch.start(session, world.chain_office, cid, "启动")
    session.commit()
    frozen(_cst(date(2023, 6, 8), 9))
    [m] = cq.challenge_detail(session, SYSTEM, cid).milestones
    # recorded on 06-08 as done on 06-06: on 06-07 nobody knew yet
    ch.complete_milestone(session, world.chain_office, cid, m.id, date(2023, 6, 6), "已交付")
    session.commit()
    [then] = cq.challenge_detail(session, SYSTEM, cid, date(2023, 6, 7)).milestones
    assert (then.done_on, then.state, then.note) == (None, "pending", None)
    [now] = cq.challenge_detail(session, SYSTEM, cid).milestones
    assert (now.done_on, now.state, now.note) == (date(2023, 6, 6), "done", "已交付")


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


def test_the_page_of_yesterday_shows_yesterday_and_offers_no_step(web: Site) -> None:
    w, moment = web.world, web.moment  # type: ignore[attr-defined]
    first, second = w.users["viewer"], w.users["analyst"]
    with session_scope(web.engine, actor="seed") as s:
        c = ch.create_challenge(
            s, SYSTEM,
            ChallengeIn(title="页面榜单", problem="攻关", chain_id=w.ids["chain_a"], budget=100.0,
                        deadline=date(2023, 6, 30)),
        )  # fmt: skip
        aid = ch.apply(s, SYSTEM, c.id, ApplicationIn(applicant_name="甲公司", proposal="p")).id
        ch.add_reviewer(s, SYSTEM, c.id, first, "专家甲")
        ch.close(s, SYSTEM, c.id, "提前截止")
        cid = c.id
    moment["at"] = _cst(TODAY, 10)
    with session_scope(web.engine, actor="seed") as s:
        ch.add_reviewer(s, SYSTEM, cid, second, "专家乙")
        for who in (Principal(first, "viewer"), Principal(second, "analyst")):
            ch.declare(s, who, cid, aid, False)
            ch.score(s, who, cid, aid, 80)
        ch.award(s, SYSTEM, cid, aid, "得分最高")

    office = web.client()
    login(office, w.users["admin"], PASSWORD)
    past = f"/challenges/{cid}?as_of_day={YESTERDAY}"
    html = office.get(past).text
    assert "得分最高" not in html
    assert 'data-testid="step-' not in html  # neither the office's steps nor a review form
    notice = re.search(r'data-testid="past-view".*?</p>', html, re.S)
    assert notice is not None
    assert f"查看的是 {YESTERDAY} 的情况，操作请回到今天" in _text(notice.group(0))
    assert f'href="/challenges/{cid}"' in notice.group(0)

    english = office.get(past, headers={"Accept-Language": "en"}).text
    assert "Reason for the award" not in english and "得分最高" not in english
    assert 'data-testid="step-' not in english
    assert f"This is the challenge as of {YESTERDAY}; act on it from today" in _text(english)

    api = office.get(f"/api/v1{past}").json()
    assert api["past"] is True
    d = api["detail"]
    assert d["challenge"]["status"] == "review" and d["award_reason"] is None
    assert d["transitions"] == [] and api["award_options"] == []
    # yesterday's panel: 专家甲 alone, nothing declared yet; 专家乙 joined today
    assert d["review_missing"] == [f"专家甲：申请 {aid} 未作利益冲突声明"]

    # 专家乙 joined today: not a reviewer of yesterday's challenge, one of today's
    expert = web.client()
    login(expert, second, PASSWORD)
    assert "reviewer" not in expert.get(f"/api/v1{past}").json()["actors"]
    assert "reviewer" in expert.get(f"/api/v1/challenges/{cid}").json()["actors"]

    # today: the award with its reason and the steps of an awarded challenge, no notice
    html = office.get(f"/challenges/{cid}").text
    assert "得分最高" in html and 'data-testid="step-add-milestone"' in html
    assert 'data-testid="past-view"' not in html
    assert office.get(f"/api/v1/challenges/{cid}").json()["past"] is False
