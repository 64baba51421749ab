"""The pages of the audit fixes: removing a reviewer (form, reason in the history), closing
applications before the deadline (the reason asked beside its field), the award refusal in
Chinese only, and an appeal's late hand-over said in words on its page and in the statistics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import appeals, challenges
from gaodi.projects.schemas import AppealIn, ApplicationIn, ChallengeIn
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = {"at": datetime(2023, 6, 1, 2, 0)}  # Thursday 10:00 in Changsha


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    NOW["at"] = datetime(2023, 6, 1, 2, 0)
    clock.set_source(lambda: NOW["at"])
    site = make_site(tmp_path)
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_remove_a_reviewer_and_close_early_on_the_page(site: Site) -> None:
    w = site.world
    with session_scope(site.engine, actor="seed") as s:
        c = challenges.create_challenge(
            s,
            SYSTEM,
            ChallengeIn(
                title="页面测试榜单",
                problem="攻关",
                chain_id=w.ids["chain_a"],
                budget=100.0,
                deadline=date(2023, 6, 30),
            ),
        )
        challenges.apply(s, SYSTEM, c.id, ApplicationIn(applicant_name="甲公司", proposal="方案"))
        for role, name in (("viewer", "专家甲"), ("analyst", "专家乙")):
            challenges.add_reviewer(s, SYSTEM, c.id, w.users[role], name)
        cid = c.id
    office = site.client()
    csrf = login(office, w.users["chain_office"], PASSWORD)
    act = f"/challenges/{cid}/act"

    # closing before the published deadline asks for a reason, beside the field
    r = post_form(office, act, {"action": "close"}, csrf)
    assert r.status_code == 422
    assert "申报截止日期（2023-06-30）未到，提前截止征集须说明理由" in _text(r.text)
    r = post_form(office, act, {"action": "close", "comment": "方案已足够，提前截止"}, csrf)
    assert r.status_code == 303

    page = office.get(f"/challenges/{cid}").text
    assert 'data-testid="step-remove-reviewer"' in page and "移出评审专家" in page
    history = _text(page.split("流转记录")[-1])
    assert "方案已足够，提前截止" in history

    # nobody declared: the award is refused in Chinese words only
    r = office.post(f"/api/v1/challenges/{cid}/act", json={"action": "award"},
                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert r.status_code == 409
    message = r.json()["message"]
    assert "未作利益冲突声明" in message and "no declaration" not in message

    # removing needs a reason
    r = post_form(office, act, {"action": "remove_reviewer", "username": w.users["analyst"]}, csrf)
    assert r.status_code in (303, 422)
    assert "专家乙" in _text(office.get(f"/challenges/{cid}").text.split("流转记录")[0])
    r = post_form(
        office,
        act,
        {"action": "remove_reviewer", "username": w.users["analyst"], "comment": "出差无法评审"},
        csrf,
    )
    assert r.status_code == 303
    html = office.get(f"/challenges/{cid}").text
    page = _text(html)
    _head, history = page.split("流转记录", 1)
    # off the current panel, listed apart with the reason
    assert "专家乙" not in _text(_table(html, "reviewers"))
    assert "专家乙" in (former := _text(_table(html, "former-reviewers")))
    assert "出差无法评审" in former
    assert "出差无法评审" in history and "移出评审专家" in history


def _table(html: str, testid: str) -> str:
    found = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S)
    assert found is not None, testid
    return found.group(0)


def test_a_late_hand_over_is_said_on_the_appeal_page_and_counted(site: Site) -> None:
    w = site.world
    with session_scope(site.engine, actor="seed") as s:
        aid = appeals.submit(
            s,
            SYSTEM,
            AppealIn(enterprise_id=w.ids["e1"], category="审批", title="晚交办", text="x"),
        ).id
    NOW["at"] = datetime(2023, 6, 15, 2, 0)  # 7 working days after the hand-over limit (06-06)
    admin = site.client()
    csrf = login(admin, w.users["admin"], PASSWORD)
    act = f"/appeals/{aid}/act"
    assert post_form(admin, act, {"action": "assign"}, csrf).status_code == 303
    assert post_form(admin, act, {"action": "start"}, csrf).status_code == 303
    r = post_form(admin, act, {"action": "resolve", "comment": "已办结"}, csrf)
    assert r.status_code == 303
    page = _text(admin.get(f"/appeals/{aid}").text)
    assert "交办逾期 7 个工作日（应于 2023-06-06 前交办）" in page
    stats = admin.get("/appeals/stats").text
    assert "交办逾期" in stats
    overall = admin.get("/api/v1/appeals/stats").json()["stats"]["overall"]
    assert overall["handover_late"] >= 1 and overall["resolved_late"] >= 1
