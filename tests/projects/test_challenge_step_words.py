"""The challenge's steps in English words a user understands, and the reasons a challenge step
requires that show nothing.

The step "截止征集，进入评审" was "close" in English, so the English page's refusal read "“close”
cannot be done from there" and its history's step column "close" (close what?); "award",
"accept", "fail" and "cancel" were as bare. Closing applications before the published deadline,
awarding other than the sole best-scored application and declaring a conflict of interest tested
their reasons with ``strip()``: a zero-width space (U+200B) shows as nothing but passed, so a
challenge was closed early or awarded with no visible reason.

Runs on the web tests' seeded city (tests/web/seed.py): challenge 乙 (chain B) is under review,
closed early with a reason, with t-viewer on its panel having scored E2's application 90 and
E3's 80.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import challenges
from gaodi.projects.models import Challenge, ChallengeApplication, ChallengeDeclaration
from gaodi.projects.schemas import ApplicationIn, ChallengeIn
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # the city's today: 2023-06-01
EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "challenge-step-words", NOW) as made:
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


def _history(page: str) -> list[str]:
    """The step column of the page's history table, as read."""
    table = re.search(r'<table[^>]*data-testid="history".*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    return [_said(re.findall(r"<td>(.*?)</td>", row, re.S)[2]) for row in rows if "<td>" in row]


def _status(site: Site, cid: int) -> str:
    with session_scope(site.engine) as s:
        row = s.get(Challenge, cid)
        assert row is not None
        return row.status


def _published(site: Site, title: str) -> int:
    """A challenge open until 2023-06-30 with one application and t-viewer on its panel."""
    with session_scope(site.engine, actor="seed") as s:
        c = challenges.create_challenge(
            s,
            SYSTEM,
            ChallengeIn(
                title=title,
                problem="攻关",
                chain_id=site.world.ids["chain_a"],
                budget=100.0,
                deadline=date(2023, 6, 30),
            ),
        )
        challenges.apply(s, SYSTEM, c.id, ApplicationIn(applicant_name="甲公司", proposal="方案"))
        challenges.add_reviewer(s, SYSTEM, c.id, site.world.users["viewer"], "测试评审专家")
        return c.id


def test_the_english_challenge_page_says_its_steps_as_actions(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    page = client.get(f"/challenges/{cid}", headers=EN)
    assert page.status_code == 200
    steps = _history(page.text)
    assert "close applications" in steps and "close" not in steps
    assert "submit an application" in steps and "score an application" in steps

    r = post_form(client, f"/challenges/{cid}/act", {"action": "close"}, csrf, headers=EN)
    assert r.status_code == 303
    said = _said(client.get(r.headers["location"], headers=EN).text)
    assert (
        "The challenge is under review: “close applications” cannot be done from there. "
        "Allowed now: “add a reviewer”, “remove a reviewer”, “award the challenge”, "
        "“cancel the challenge”." in said
    )
    assert "“close”" not in said and "“award”" not in said and "“cancel”" not in said

    # the awarded one: its award and its start read as actions too
    awarded = client.get(f"/challenges/{site.world.ids['challenge_a']}", headers=EN).text
    assert {"award the challenge", "start the work"} <= set(_history(awarded))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reason_that_shows_nothing_does_not_close_applications_early(
    site: Site, admin: tuple[TestClient, str], lang: str
) -> None:
    client, csrf = admin
    cid = _published(site, f"提前截止测试（{lang}）")
    data = {"action": "close", "comment": "\u200b"}
    r = post_form(client, f"/challenges/{cid}/act", data, csrf, headers={"Accept-Language": lang})
    assert r.status_code == 422
    said = _said(r.text)
    if lang == "zh":
        assert "申报截止日期（2023-06-30）未到，提前截止征集须说明理由" in said
    else:
        assert "give a reason for closing applications early" in said
    body = {"action": "close", "comment": " \u2060\ufeff "}
    r = client.post(f"/api/v1/challenges/{cid}/act", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "give a reason" in r.json()["message_en"]
    assert _status(site, cid) == "published"
    # a reason that shows is taken, kept as typed
    data["comment"] = "\u200b方案已足够"
    assert post_form(client, f"/challenges/{cid}/act", data, csrf).status_code == 303
    assert _status(site, cid) == "review"


def test_a_reason_that_shows_nothing_does_not_award_other_than_the_best(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_b"]
    with session_scope(site.engine) as s:
        second = s.scalars(
            select(ChallengeApplication.id).where(
                ChallengeApplication.challenge_id == cid,
                ChallengeApplication.applicant_name == site.world.names["e3"],
            )
        ).one()
    body = {"action": "award", "application_id": second, "comment": "\u200b"}
    r = client.post(f"/api/v1/challenges/{cid}/act", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422
    assert r.json()["message_en"] == (
        "The chosen application is not the sole best-scored one: give a reason."
    )
    data = {"action": "award", "application_id": str(second), "comment": "\u200b"}
    r = post_form(client, f"/challenges/{cid}/act", data, csrf)
    assert r.status_code == 303  # the refusal is flashed on the page it goes back to
    assert "所选申请不是唯一最高分，须说明理由" in _said(client.get(r.headers["location"]).text)
    assert _status(site, cid) == "review"
    with session_scope(site.engine) as s:
        c = s.get(Challenge, cid)
        assert c is not None and c.award_reason is None


def test_a_conflict_of_interest_needs_a_statement_that_shows(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = _published(site, "利益冲突声明测试")
    body = {"action": "close", "comment": "提前截止（测试）"}
    r = client.post(f"/api/v1/challenges/{cid}/act", json=body, headers={"X-CSRF-Token": csrf})
    assert r.is_success, r.text
    with session_scope(site.engine) as s:
        app = s.scalars(
            select(ChallengeApplication.id).where(ChallengeApplication.challenge_id == cid)
        ).one()
    reviewer, rcsrf = _client(site, "viewer")
    body = {"action": "declare", "application_id": app, "has_conflict": True, "comment": "\u200b"}
    r = reviewer.post(f"/api/v1/challenges/{cid}/act", json=body, headers={"X-CSRF-Token": rcsrf})
    assert r.status_code == 422
    assert r.json()["message_en"] == "Describe the conflict of interest."
    with session_scope(site.engine) as s:
        assert not s.scalars(
            select(ChallengeDeclaration).where(ChallengeDeclaration.application_id == app)
        ).all()
