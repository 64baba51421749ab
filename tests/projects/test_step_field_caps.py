"""A challenge step's fields are capped where the request is read, and a field the step's own
model refuses is the app's 422 in words, never a 500.

Fifth audit, K4: ``POST /api/v1/challenges/{id}/act`` with ``action=apply`` and an applicant's
name of 250 characters answered 500 on both databases: :class:`ActionIn` took any length, and
the step then built :class:`ApplicationIn` (at most 200), whose pydantic error escaped as "发生
意外错误". A negative requested budget did the same (ApplicationIn takes none; ActionIn did),
and a milestone title over its column's 200 characters was stored on SQLite and a 500 on
PostgreSQL (K3). Now ActionIn holds the caps of what it feeds (the 422 names the field as its
form does: 申请单位, 节点名称), and :func:`actions.perform` turns a refusal of a step's own model
into a :class:`ValidationError` naming the field.

Runs on the web tests' seeded city (tests/web/seed.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gaodi.core.errors import ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import actions, challenges
from gaodi.projects.models import ChallengeApplication, ChallengeMilestone
from gaodi.projects.schemas import ChallengeIn
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # the city's today: 2023-06-01


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "step-field-caps", NOW) as made:
        yield made


@pytest.fixture(scope="module")
def admin(site: Site) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, site.world.users["admin"], PASSWORD)


def _open_challenge(site: Site, title: str) -> int:
    """A challenge taking applications until 2023-06-30."""
    with session_scope(site.engine, actor="seed") as s:
        return challenges.create_challenge(
            s,
            SYSTEM,
            ChallengeIn(
                title=title,
                problem="攻关",
                chain_id=site.world.ids["chain_a"],
                budget=100.0,
                deadline=date(2023, 6, 30),
            ),
        ).id


def _said(page: str) -> str:
    """The page's words as the user reads them (tags dropped, entities decoded)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _rows(site: Site, model: type, cid: int) -> int:
    with session_scope(site.engine) as s:
        query = select(func.count()).select_from(model).where(model.challenge_id == cid)
        return s.scalar(query) or 0


def _act(client: TestClient, csrf: str, cid: int, body: dict[str, object], lang: str = "zh"):  # type: ignore[no-untyped-def]
    headers = {"X-CSRF-Token": csrf, "Accept-Language": lang}
    return client.post(f"/api/v1/challenges/{cid}/act", json=body, headers=headers)


def test_an_over_long_applicant_name_is_refused_in_words(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = _open_challenge(site, "申请单位名称长度测试")
    body = {"action": "apply", "applicant_name": "长" * 250, "proposal": "方案"}
    r = _act(client, csrf, cid, body)
    assert r.status_code == 422, r.text
    said = r.json()
    assert said["message_zh"] == "以下参数无效：申请单位。申请单位过长：最多 200 个字符。"
    assert said["message_en"].endswith("Applicant is too long: at most 200 characters.")
    assert [d["field"] for d in said["detail"]] == ["applicant_name"]
    # a negative budget, which the application takes none of, is refused as well
    r = _act(client, csrf, cid, {**body, "applicant_name": "甲公司", "requested_budget": -5})
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["detail"]] == ["requested_budget"]
    # the form says it next to the field
    page = post_form(client, f"/challenges/{cid}/act", {**body}, csrf)
    assert page.status_code == 422
    assert "申请单位：过长：最多 200 个字符。" in _said(page.text)
    assert _rows(site, ChallengeApplication, cid) == 0
    # 200 characters are taken
    ok = _act(client, csrf, cid, {**body, "applicant_name": "长" * 200})
    assert ok.status_code == 200, ok.text
    assert _rows(site, ChallengeApplication, cid) == 1


def test_an_over_long_milestone_title_is_refused_in_words(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = site.world.ids["challenge_a"]  # awarded, under way: milestones are added to it
    before = _rows(site, ChallengeMilestone, cid)
    body = {"action": "add_milestone", "title": "节" * 201, "due_on": "2023-09-01"}
    r = _act(client, csrf, cid, body, "en")
    assert r.status_code == 422, r.text
    said = r.json()
    assert said["message"] == said["message_en"]
    assert said["message_zh"].endswith("节点名称过长：最多 200 个字符。")
    assert _rows(site, ChallengeMilestone, cid) == before
    ok = _act(client, csrf, cid, {**body, "title": "节" * 200})
    assert ok.status_code == 200, ok.text
    assert _rows(site, ChallengeMilestone, cid) == before + 1


def test_a_field_a_steps_own_model_refuses_is_a_validation_error(site: Site) -> None:
    """A caller that builds the step's fields without their checks (a Python caller, a field
    capped in the step's model and not yet in ActionIn) meets the app's 422, naming the field."""
    cid = _open_challenge(site, "步骤模型拒绝测试")
    data = actions.ActionIn.model_construct(
        action="apply", applicant_name="长" * 201, proposal="方案", applicant_uscc=None,
        enterprise_id=None, requested_budget=None,
    )  # fmt: skip
    with session_scope(site.engine, actor="test") as s, pytest.raises(ValidationError) as refused:
        actions.perform(s, SYSTEM, "challenge", cid, data)
    assert refused.value.status_code == 422
    assert refused.value.context["field"] == "applicant_name"
    assert refused.value.zh == "申请单位过长：最多 200 个字符。"
    assert refused.value.en == "Applicant is too long: at most 200 characters."
    assert _rows(site, ChallengeApplication, cid) == 0
