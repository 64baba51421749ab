"""The pages: each workflow walked through in the browser's way (forms, CSRF, redirects) by the
role that owns each step, refusals shown without change, scopes enforced, JSON twins, audit.

Runs on the web tests' seeded city (tests/web/seed.py) plus a few projects, challenges and
appeals added here (who sees what: see the seed's table; chain office = chain A, park office =
park A, enterprise user = E1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.audit.models import AuditEvent
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import appeals, projects
from gaodi.projects.models import Appeal, Challenge, Project
from gaodi.projects.schemas import AppealIn, ProjectIn
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # Thursday 10:00 in Changsha


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock.set_source(lambda: NOW)
    site = make_site(tmp_path)
    w = site.world.ids
    with session_scope(site.engine, actor="seed") as s:
        projects.create_project(
            s,
            SYSTEM,
            ProjectIn(
                name="甲链项目",
                chain_id=w["chain_a"],
                link_id=w["a1"],
                park_id=w["park_a"],
                investor_name="投资方甲",
                total_investment=1000,
                signed_on=date(2023, 1, 5),
                planned_start_on=date(2023, 3, 31),
                year_plans={2023: 120},
            ),
        )
        projects.create_project(
            s,
            SYSTEM,
            ProjectIn(
                name="乙链项目",
                chain_id=w["chain_b"],
                park_id=w["park_b"],
                investor_name="投资方乙",
                total_investment=500,
                signed_on=date(2023, 2, 1),
            ),
        )
        for key in ("e1", "e2", "e3"):
            appeals.submit(
                s,
                SYSTEM,
                AppealIn(enterprise_id=w[key], category="审批", title=f"诉求{key}", text="审批慢"),
            )
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _as(site: Site, role: str) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, site.world.users[role], PASSWORD)


def _flashes(client: TestClient, url: str) -> list[tuple[str, str]]:
    html = client.get(url).text
    return re.findall(r'class="flash flash-(\w+)"[^>]*>(.*?)</div>', html, re.S)


def _appeal_id(site: Site, key: str) -> int:
    with session_scope(site.engine) as s:
        eid = site.world.ids[key]
        return s.scalars(select(Appeal.id).where(Appeal.enterprise_id == eid)).first()  # type: ignore[return-value]


def _status(site: Site, model: type, ident: int) -> str:
    with session_scope(site.engine) as s:
        obj = s.get(model, ident)
        return obj.stage if model is Project else obj.status  # type: ignore[union-attr]


def test_every_page_and_twin_renders_for_the_roles_that_may_read(site: Site) -> None:
    pid = 1
    a1 = _appeal_id(site, "e1")
    urls = {
        "project": ["/projects", f"/projects/{pid}", "/projects?by=park&delayed=true"],
        "challenge": ["/challenges", "/challenges?status=open"],
        "appeal": ["/appeals", f"/appeals/{a1}", "/appeals/stats", "/appeals?level=1"],
    }
    for role in ("admin", "analyst", "chain_office", "park_office", "viewer", "enterprise"):
        client, _csrf = _as(site, role)
        for domain, pages in urls.items():
            for url in pages:
                for target in (url, "/api/v1" + url):
                    status = client.get(target).status_code
                    if role == "enterprise" and domain != "appeal":
                        assert status == 403, (role, target, status)
                    else:
                        assert status == 200, (role, target, status)
        assert client.get("/api/v1/act/summary").status_code == 200


def test_scopes_on_pages_and_json(site: Site) -> None:
    names = site.world.names
    park, _ = _as(site, "park_office")  # park A: E1, E3
    rows = park.get("/api/v1/appeals").json()["rows"]
    assert sorted(r["enterprise_name"] for r in rows) == sorted([names["e1"], names["e3"]])
    html = park.get("/appeals").text
    assert names["e2"] not in html and names["e1"] in html
    assert park.get(f"/appeals/{_appeal_id(site, 'e2')}").status_code == 404
    assert park.get(f"/api/v1/appeals/{_appeal_id(site, 'e2')}").status_code == 404
    assert [r["name"] for r in park.get("/api/v1/projects").json()["rows"]] == ["甲链项目"]
    assert park.get("/projects/2").status_code == 404
    chain, _ = _as(site, "chain_office")  # chain A: the appeal of E1 only (E3 is on chain B)
    assert [r["enterprise_name"] for r in chain.get("/api/v1/appeals").json()["rows"]] == [
        names["e1"]
    ]
    ent, _ = _as(site, "enterprise")
    assert [r["enterprise_name"] for r in ent.get("/api/v1/appeals").json()["rows"]] == [
        names["e1"]
    ]
    assert ent.get("/api/v1/act/summary").json()["projects_total"] is None


#: The smallest PDF a viewer opens: the attachment the appeal tests upload and download.
PDF = b"%PDF-1.4\n%%EOF\n"


def _file_appeal(
    site: Site, ent: TestClient, csrf: str, title: str, text: str, file_name: str
) -> int:
    """An enterprise files an appeal (用工) with one PDF attachment from the form; its id."""
    r = ent.post(
        "/appeals",
        data={
            "csrf_token": csrf,
            "enterprise_id": site.world.ids["e1"],
            "category": "用工",
            "title": title,
            "text": text,
        },
        files={"file": (file_name, PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_appeal_walked_through_by_its_roles(site: Site) -> None:
    ent, ecsrf = _as(site, "enterprise")
    park, pcsrf = _as(site, "park_office")
    aid = _file_appeal(site, ent, ecsrf, "招工难", "缺焊工50名", "名单.pdf")
    url = f"/appeals/{aid}"
    # The enterprise may not assign: refused with a message, nothing changed.
    post_form(ent, f"{url}/act", {"action": "assign"}, ecsrf)
    assert _flashes(ent, url)[-1][0] == "error" and _status(site, Appeal, aid) == "received"
    for step in (
        {"action": "assign", "department": "市人力资源和社会保障局"},
        {"action": "start"},
        {"action": "resolve", "comment": "已组织招聘会"},
    ):
        assert post_form(park, f"{url}/act", step, pcsrf).status_code == 303
    assert _status(site, Appeal, aid) == "resolved"
    post_form(ent, f"{url}/act", {"action": "reopen", "comment": "仍缺人"}, ecsrf)
    post_form(park, f"{url}/act", {"action": "start"}, pcsrf)
    post_form(park, f"{url}/act", {"action": "resolve", "comment": "已补齐"}, pcsrf)
    # An illegal step (confirm twice) is refused and changes nothing.
    post_form(ent, f"{url}/act", {"action": "confirm", "satisfaction": "4"}, ecsrf)
    post_form(ent, f"{url}/act", {"action": "confirm", "satisfaction": "1"}, ecsrf)
    kind, message = _flashes(ent, url)[-1]
    assert kind == "error" and "终态" in message
    detail = ent.get(f"/api/v1{url}").json()["detail"]
    assert (detail["appeal"]["status"], detail["appeal"]["satisfaction"]) == ("confirmed", 4)
    assert [e["action"] for e in detail["events"]] == [
        "submit",
        "attach",
        "assign",
        "start",
        "resolve",
        "reopen",
        "start",
        "resolve",
        "confirm",
    ]
    (att,) = detail["attachments"]
    download = park.get(f"/appeals/attachments/{att['id']}")
    assert download.status_code == 200 and download.content == PDF
    chain, _ = _as(site, "chain_office")  # E1 is on chain A: the chain office may download too
    assert chain.get(f"/appeals/attachments/{att['id']}").status_code == 200
    with session_scope(site.engine) as s:
        audited = s.execute(
            select(AuditEvent.actor, AuditEvent.action).where(
                AuditEvent.action.like("appeal.%"), AuditEvent.entity_id == str(aid)
            )
        ).all()
    assert ("t-park_office", "appeal.assign") in audited
    assert ("t-enterprise", "appeal.confirm") in audited and len(audited) == 9


def test_challenge_walked_through_by_its_roles(site: Site) -> None:
    office, ocsrf = _as(site, "chain_office")
    r = post_form(
        office,
        "/challenges",
        {
            "title": "高端液压阀",
            "problem": "攻关",
            "chain_id": site.world.ids["chain_a"],
            "budget": "300",
            "deadline": "2023-06-30",
        },
        ocsrf,
    )
    assert r.status_code == 303
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    act = f"/challenges/{cid}/act"
    for name in ("甲公司", "乙公司"):
        post_form(
            office, act, {"action": "apply", "applicant_name": name, "proposal": "方案"}, ocsrf
        )
    for user, label in (("t-viewer", "专家一"), ("t-analyst", "专家二")):
        post_form(office, act, {"action": "add_reviewer", "username": user, "name": label}, ocsrf)
    post_form(office, act, {"action": "close", "comment": "提前截止（测试）"}, ocsrf)
    assert _status(site, Challenge, cid) == "review"
    apps = [
        a["id"] for a in office.get(f"/api/v1/challenges/{cid}").json()["detail"]["applications"]
    ]
    viewer, vcsrf = _as(site, "viewer")
    analyst, acsrf = _as(site, "analyst")
    page = viewer.get(f"/challenges/{cid}").text
    assert 'data-testid="step-declare-' in page and 'data-testid="step-award"' not in page
    for a, score in zip(apps, ("80", "70"), strict=True):
        post_form(
            viewer, act, {"action": "declare", "application_id": a, "has_conflict": "false"}, vcsrf
        )
        post_form(viewer, act, {"action": "score", "application_id": a, "score": score}, vcsrf)
    post_form(
        analyst,
        act,
        {
            "action": "declare",
            "application_id": apps[0],
            "has_conflict": "true",
            "comment": "曾任顾问",
        },
        acsrf,
    )
    post_form(analyst, act, {"action": "score", "application_id": apps[0], "score": "99"}, acsrf)
    kind, message = _flashes(analyst, f"/challenges/{cid}")[-1]
    assert kind == "error" and "冲突" in message  # the analyst works in Chinese by default
    post_form(
        analyst,
        act,
        {"action": "declare", "application_id": apps[1], "has_conflict": "false"},
        acsrf,
    )
    post_form(analyst, act, {"action": "score", "application_id": apps[1], "score": "60"}, acsrf)
    post_form(viewer, act, {"action": "award"}, vcsrf)  # not the viewer's step
    assert _status(site, Challenge, cid) == "review"
    post_form(office, act, {"action": "award"}, ocsrf)  # a1: 80 (one score) > a2: (70+60)/2
    detail = office.get(f"/api/v1/challenges/{cid}").json()["detail"]
    assert detail["challenge"]["awardee"] == "甲公司"
    post_form(
        office, act, {"action": "add_milestone", "title": "样机", "due_on": "2023-09-30"}, ocsrf
    )
    post_form(office, act, {"action": "start"}, ocsrf)
    mid = office.get(f"/api/v1/challenges/{cid}").json()["detail"]["milestones"][0]["id"]
    post_form(
        office,
        act,
        {"action": "complete_milestone", "milestone_id": mid, "on": "2023-06-01"},
        ocsrf,
    )
    post_form(office, act, {"action": "accept", "comment": "通过"}, ocsrf)
    assert _status(site, Challenge, cid) == "accepted"


def test_project_walked_through_and_refusals(site: Site) -> None:
    office, csrf = _as(site, "chain_office")
    r = post_form(
        office,
        "/projects",
        {
            "name": "新项目",
            "chain_id": site.world.ids["chain_a"],
            "investor_name": "投资方",
            "total_investment": "abc",
            "signed_on": "2023-05-01",
        },
        csrf,
    )
    assert r.status_code == 422 and 'data-testid="form-errors"' in r.text
    r = post_form(
        office,
        "/projects",
        {
            "name": "新项目",
            "chain_id": site.world.ids["chain_a"],
            "investor_name": "投资方",
            "total_investment": "800",
            "signed_on": "2023-05-01",
            "plan_year": "2023",
            "plan_amount": "240",
        },
        csrf,
    )
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    act = f"/projects/{pid}/act"
    post_form(office, act, {"action": "advance", "stage": "producing", "on": "2023-05-20"}, csrf)
    kind, message = _flashes(office, f"/projects/{pid}")[-1]
    assert kind == "error" and "签约" in message and _status(site, Project, pid) == "signed"
    post_form(office, act, {"action": "advance", "stage": "started", "on": "2023-05-20"}, csrf)
    post_form(office, act, {"action": "report_progress", "period": "2023-05", "amount": "20"}, csrf)
    detail = office.get(f"/api/v1/projects/{pid}").json()
    assert detail["detail"]["project"]["stage"] == "started"
    assert detail["detail"]["progress"][0]["amount"] == 20.0
    # Judged on 06-01: expected 240 × 5/12 = 100 by May, 20 done -> behind.
    assert [d["kind"] for d in detail["detail"]["project"]["delays"]] == ["investment"]
    viewer, vcsrf = _as(site, "viewer")
    assert post_form(viewer, act, {"action": "advance"}, vcsrf).status_code == 403
    park, pcsrf = _as(site, "park_office")  # park A; project 2 is in park B
    assert (
        post_form(
            park,
            "/projects/2/act",
            {"action": "advance", "stage": "started", "on": "2023-05-01"},
            pcsrf,
        ).status_code
        == 404
    )
    assert 'name="csrf_token"' in office.get(f"/projects/{pid}").text
    assert office.post(act, data={"action": "advance"}).status_code == 403  # no CSRF token


def test_json_api_statuses(site: Site) -> None:
    park, csrf = _as(site, "park_office")
    ent, ecsrf = _as(site, "enterprise")
    aid = _appeal_id(site, "e1")
    headers = {"X-CSRF-Token": csrf}
    r = park.post(
        f"/api/v1/appeals/{aid}/act", json={"action": "resolve", "comment": "x"}, headers=headers
    )
    assert r.status_code == 409 and "received" in r.json()["message_en"]
    r = ent.post(
        f"/api/v1/appeals/{aid}/act", json={"action": "assign"}, headers={"X-CSRF-Token": ecsrf}
    )
    assert r.status_code == 403
    r = park.post(f"/api/v1/appeals/{aid}/act", json={"action": "reassign"}, headers=headers)
    assert r.status_code == 422
    r = park.post(f"/api/v1/appeals/{aid}/act", json={"action": "assign"}, headers=headers)
    assert r.status_code == 200 and r.json()["appeal"]["status"] == "assigned"
    assert r.json()["appeal"]["due_on"] == "2023-06-08"  # 审批: 5 working days from Thu 06-01
    r = park.post(
        "/api/v1/appeals",
        json={"enterprise_id": site.world.ids["e2"], "category": "其他", "title": "t", "text": "x"},
        headers=headers,
    )
    assert r.status_code == 404  # E2 is in park B: answered as a missing enterprise


def test_overview_shows_the_act_cards(site: Site) -> None:
    admin, _ = _as(site, "admin")
    html = admin.get("/").text
    for key in ("projects_behind", "challenges_open", "appeals_overdue"):
        assert f'data-key="{key}"' in html
    summary = admin.get("/api/v1/act/summary").json()
    assert (summary["projects_total"], summary["projects_behind"]) == (2, 1)


def test_a_long_attachment_name_keeps_its_extension(site: Site) -> None:
    ent, csrf = _as(site, "enterprise")
    name = "x" * 300 + ".pdf"  # the old code kept name[:200]: 200 x's, no ".pdf" to open it by
    aid = _file_appeal(site, ent, csrf, "附件名很长", "x", name)
    (att,) = ent.get(f"/api/v1/appeals/{aid}").json()["detail"]["attachments"]
    download = ent.get(f"/appeals/attachments/{att['id']}")
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    filename = re.fullmatch(r'attachment; filename="([^"]+)"', disposition)
    assert filename is not None, disposition
    assert filename[1].endswith(".pdf") and len(filename[1]) == 200, disposition
