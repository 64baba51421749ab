"""What the projects, challenges and appeals pages and API say when a step is refused, and what
counts as a required reason.

A refused step was said in codes: "The challenge is 'review'; 'close' is not allowed from it.
Allowed now: add_reviewer, remove_reviewer, declare, score, award, cancel." on the English page,
and the Chinese page listed the codes in brackets (添加评审专家（add_reviewer）); the list offered
an office the reviewers' steps (declare, score) it cannot take. A reason of a zero-width space
(U+200B), word joiner (U+2060) or byte-order mark (U+FEFF) shows as nothing but passed the
``strip()`` test, so a challenge was cancelled, a reviewer removed and a month's investment
rewritten with no visible reason.

Runs on the web tests' seeded city (tests/web/seed.py): challenge 乙 (chain B) is under review
with t-viewer on its panel; project 甲甲 is signed with a 2023 plan of 120; E1's appeal is
assigned.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.projects.models import (
    Challenge,
    ChallengeEvent,
    Project,
    ProjectProgress,
    ProjectYearPlan,
)
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # the city's today: 2023-06-01
INVISIBLE = ("\u200b", " \u2060\ufeff ", "\u200e\u3000")
CODES = re.compile(r"\b(add_reviewer|remove_reviewer|declare|score|award|cancel|close|review|"
                   r"report_progress|reach_full_output|full_output|signed|start|assign)\b")  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "refusal-words", NOW) as made:
        yield made


def _client(site: Site, role: str) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, site.world.users[role], PASSWORD)


@pytest.fixture(scope="module")
def admin(site: Site) -> tuple[TestClient, str]:
    return _client(site, "admin")


def _said(page: str) -> str:
    """The page's words as the user reads them (tags dropped, entities decoded)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _step(client: TestClient, url: str, data: dict, csrf: str, lang: str = "zh") -> str:
    """Post a step's form and read the page it goes back to (the refusal is flashed there)."""
    headers = {"Accept-Language": lang}
    r = post_form(client, url, data, csrf, headers=headers)
    assert r.status_code == 303, r.text[:300]
    return _said(client.get(r.headers["location"], headers=headers).text)


def _status(site: Site, model: type, ident: int) -> str:
    with session_scope(site.engine) as s:
        row = s.get(model, ident)
        assert row is not None
        return row.status if model is Challenge else row.stage


def test_a_refused_challenge_step_is_said_in_chinese_words_with_only_the_users_steps(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    said = _step(client, f"/challenges/{cid}/act", {"action": "close"}, csrf)
    assert (
        "榜单当前状态为“评审中”，不能执行“截止征集，进入评审”。"
        "当前允许的操作：添加评审专家、移出评审专家、确定揭榜方、撤榜。" in said
    )
    # the reviewers' steps (评分, 利益冲突声明) are not offered to an administrator; no code
    allowed = said.split("当前允许的操作：")[1].split("。")[0]
    assert allowed.split("、") == ["添加评审专家", "移出评审专家", "确定揭榜方", "撤榜"]
    assert "（add_reviewer）" not in said and not CODES.search(said.split("。")[0] + allowed)
    assert _status(site, Challenge, cid) == "review"


def test_a_refused_challenge_step_is_said_in_english_words(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    said = _step(client, f"/challenges/{cid}/act", {"action": "close"}, csrf, "en")
    assert (
        "The challenge is under review: “close applications” cannot be done from there. "
        "Allowed now: “add a reviewer”, “remove a reviewer”, “award the challenge”, "
        "“cancel the challenge”." in said
    )
    assert "'review'" not in said and "add_reviewer" not in said and "“score" not in said


def test_a_refused_project_stage_is_said_in_words_in_both_languages(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    pid = site.world.ids["project_in"]
    data = {"action": "advance", "stage": "full_output", "on": "2023-05-01"}
    zh = _step(client, f"/projects/{pid}/act", data, csrf)
    assert "项目当前状态为“签约”，不能执行“达效”。当前允许的操作：开工、填报完成投资。" in zh
    en = _step(client, f"/projects/{pid}/act", data, csrf, "en")
    assert (
        "The project is signed: “reach full output” cannot be done from there. Allowed now: "
        "“start construction”, “report investment”." in en
    )
    assert "reach_full_output" not in en and "report_progress" not in en
    assert _status(site, Project, pid) == "signed"


def test_the_api_says_refusals_in_words(site: Site) -> None:
    client, csrf = _client(site, "enterprise")
    headers = {"X-CSRF-Token": csrf}
    aid = site.world.ids["appeal_e1"]
    r = client.post(f"/api/v1/appeals/{aid}/act", json={"action": "start"}, headers=headers)
    body = r.json()
    assert r.status_code == 403
    assert body["message_en"] == (
        f"User '{site.world.users['enterprise']}' may not take the step “start handling” on this appeal "
        "(it is for the responsible chain or park office or an administrator)."
    )
    assert "（需由主管链办或园区、管理员执行）" in body["message_zh"]
    office, office_csrf = _client(site, "admin")
    cid = site.world.ids["challenge_b"]
    r = office.post(
        f"/api/v1/challenges/{cid}/act",
        json={"action": "close"},
        headers={"X-CSRF-Token": office_csrf},
    )
    body = r.json()
    assert r.status_code == 409
    assert "under review" in body["message_en"] and "“close applications”" in body["message_en"]
    assert not CODES.search(body["message_zh"]) and "'review'" not in body["message_en"]


@pytest.mark.parametrize("reason", INVISIBLE)
def test_a_reason_that_shows_nothing_does_not_cancel_a_challenge(
    site: Site, admin: tuple[TestClient, str], reason: str
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    data = {"action": "cancel", "comment": reason}
    said = _step(client, f"/challenges/{cid}/act", data, csrf, "en")
    assert "“cancel the challenge” needs a comment explaining it." in said
    assert "“撤榜”需要填写说明。" in _step(client, f"/challenges/{cid}/act", data, csrf)
    assert _status(site, Challenge, cid) == "review"


def test_a_reason_that_shows_nothing_does_not_remove_a_reviewer(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    reviewer = site.world.users["viewer"]
    body = {"action": "remove_reviewer", "username": reviewer, "comment": "\u200b"}
    r = client.post(f"/api/v1/challenges/{cid}/act", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422
    assert "“remove a reviewer” needs a comment" in r.json()["message_en"]
    with session_scope(site.engine) as s:
        steps = s.scalars(
            select(ChallengeEvent.action).where(ChallengeEvent.challenge_id == cid)
        ).all()
        assert "remove_reviewer" not in steps


@pytest.mark.parametrize(
    ("month", "reason"), zip(("2023-02", "2023-03", "2023-04"), INVISIBLE, strict=True)
)
def test_a_correction_needs_a_reason_that_shows(
    site: Site, admin: tuple[TestClient, str], month: str, reason: str
) -> None:
    client, csrf = admin
    pid = site.world.ids["project_in"]
    headers = {"X-CSRF-Token": csrf}
    first = {"action": "report_progress", "period": month, "amount": 7}
    assert client.post(f"/api/v1/projects/{pid}/act", json=first, headers=headers).is_success
    for body in (
        {"action": "report_progress", "period": month, "amount": 5, "comment": reason},
        {"action": "set_year_plan", "year": 2023, "amount": 5, "comment": reason},
    ):
        r = client.post(f"/api/v1/projects/{pid}/act", json=body, headers=headers)
        assert r.status_code == 422, body
    with session_scope(site.engine) as s:
        stored = s.scalars(
            select(ProjectProgress).where(
                ProjectProgress.project_id == pid, ProjectProgress.period == month
            )
        ).one()
        plan = s.scalars(
            select(ProjectYearPlan).where(
                ProjectYearPlan.project_id == pid, ProjectYearPlan.year == 2023
            )
        ).one()
        assert (stored.amount, plan.amount) == (7, 120)
