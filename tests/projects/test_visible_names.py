"""Names and titles made only of invisible characters are refused (N2), and the API's 422 names
body fields as their forms do (N3).

A project named U+200B was stored and listed as an invisible link; applicant names, milestone
titles and reviewer names took "\\u2060" the same way (``min_length=1`` and ``strip()`` keep
format characters). The API, the forms and the Excel import now refuse them in words; a name
with a visible character passes. The API's Chinese 422 said 参数“title”、参数“budget”: it now
says the form's labels (榜单名称、榜额（万元）).

Runs on the web tests' seeded city (the fixtures of tests/projects/test_form_errors.py).
"""

# ruff: noqa: F811  (the fixtures imported from test_form_errors are used as arguments)
from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.projects.models import ChallengeApplication, ChallengeMilestone, Project
from tests.projects.test_form_errors import (  # noqa: F401  (the fixtures)
    _beside,
    _challenge,
    _counts,
    _project,
    _summary,
    admin,
    site,
)
from tests.web.conftest import Site
from tests.web.helpers import post_form

INVISIBLE = ("\u200b", "\u2060\ufeff", " \u200e\u3000")


def _api(client: TestClient, csrf: str, url: str, body: dict[str, object]) -> object:
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    return client.post(url, content=json.dumps(body), headers=headers)


def _count(site: Site, model: type) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _open_challenge(site: Site, client: TestClient, csrf: str) -> int:
    body = {**_challenge(site), "title": "可见名称的榜单", "budget": 300}
    r = _api(client, csrf, "/api/v1/challenges", body)
    assert r.status_code in (200, 201), r.text
    return int(r.json()["challenge"]["id"])


def test_the_api_refuses_an_invisible_project_name_and_takes_a_visible_one(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    before = _counts(site)
    for blank in INVISIBLE:
        for field in ("name", "investor_name"):
            r = _api(client, csrf, "/api/v1/projects", {**_project(site), field: blank})
            assert r.status_code == 422, (field, repr(blank))
            said = r.json()
            label = "项目名称" if field == "name" else "投资方"
            assert f"{label}不能为空（只含不可见字符）" in said["message_zh"], said
            assert "must have a visible character" in said["message_en"]
            assert "参数“" not in said["message_zh"]
    assert _counts(site) == before  # nothing written
    r = _api(client, csrf, "/api/v1/projects", {**_project(site), "name": "\u200b可见项目"})
    assert r.status_code in (200, 201), r.text
    assert _count(site, Project) == before[0] + 1


def test_the_form_refuses_an_invisible_project_name_beside_the_field(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    before = _counts(site)
    r = post_form(client, "/projects", _project(site, name="\u200b"), csrf)
    assert r.status_code == 422
    assert 'data-testid="create-project"' in r.text  # the form again
    assert "不能为空（只含不可见字符）" in _beside(r.text, "name")
    assert any(item.startswith("项目名称") for item in _summary(r.text)), _summary(r.text)
    r = post_form(client, "/challenges", _challenge(site, title="\u2060"), csrf)
    assert r.status_code == 422
    assert "不能为空（只含不可见字符）" in _beside(r.text, "title")
    assert _counts(site) == before


def test_an_invisible_applicant_milestone_or_reviewer_is_refused(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    cid = _open_challenge(site, client, csrf)
    url = f"/api/v1/challenges/{cid}/act"
    apps, milestones = _count(site, ChallengeApplication), _count(site, ChallengeMilestone)
    steps = [
        ({"action": "apply", "applicant_name": "\u200b", "proposal": "方案"}, "申请单位"),
        ({"action": "apply", "applicant_name": "甲公司", "proposal": "\u2060"}, "攻关方案"),
        ({"action": "add_reviewer", "username": "viewer", "name": "\u200b"}, "姓名"),
        ({"action": "add_milestone", "title": "\ufeff", "due_on": "2023-12-31"}, "节点名称"),
    ]
    for body, label in steps:
        r = _api(client, csrf, url, body)
        assert r.status_code == 422, body
        assert f"{label}不能为空（只含不可见字符）" in r.json()["message_zh"], r.json()
    # the web form of the same step
    page = post_form(
        client,
        f"/challenges/{cid}/act",
        {"action": "apply", "applicant_name": "\u200b", "proposal": "方案"},
        csrf,
    )
    assert page.status_code == 422
    assert "不能为空（只含不可见字符）" in page.text
    assert _count(site, ChallengeApplication) == apps
    assert _count(site, ChallengeMilestone) == milestones
    # a name with a visible character is taken as typed
    r = _api(
        client, csrf, url, {"action": "apply", "applicant_name": "\u200b甲公司", "proposal": "方案"}
    )
    assert r.status_code == 200, r.text
    assert _count(site, ChallengeApplication) == apps + 1


def test_the_api_422_names_body_fields_by_their_form_labels(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    body = {k: v for k, v in _challenge(site).items() if k != "title"}
    r = _api(client, csrf, "/api/v1/challenges", {**body, "budget": "很多"})
    assert r.status_code == 422
    said = r.json()
    assert said["message_zh"].startswith("以下参数无效：榜单名称、榜额（万元）。"), said
    assert "参数“" not in said["message_zh"]
    assert said["message_en"].startswith("Some parameters are not valid: Title, Budget (10k yuan).")
    assert [d["field"] for d in said["detail"]] == ["title", "budget"]  # programs keep keys
    r = _api(
        client,
        csrf,
        f"/api/v1/challenges/{site.world.ids['challenge_b']}/act",
        {"action": "add_reviewer", "username": "viewer", "name": "专家", "affiliation": "院" * 201},
    )
    assert r.status_code == 422
    said = r.json()
    assert said["message_zh"].startswith("以下参数无效：单位。单位过长：最多 200 个字符。"), said
    assert "参数“" not in said["message_zh"]
