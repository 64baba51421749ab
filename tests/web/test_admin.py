"""管理: creating users through the form (good and bad values), resets, and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from gaodi.accounts import service as accounts
from gaodi.accounts import throttle
from gaodi.accounts.models import LoginThrottle, User
from gaodi.audit import service as audit
from gaodi.audit.models import AuditEvent
from gaodi.db import session_scope, utcnow
from gaodi.web.routes import walk
from gaodi.web.views import admin as admin_views
from tests.web.conftest import Site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD


def _admin(site: Site):  # type: ignore[no-untyped-def]
    client = site.client()
    csrf = login(client, "t-admin", PASSWORD)
    return client, csrf


def _user(site: Site, username: str) -> User | None:
    with session_scope(site.engine) as s:
        return s.scalars(select(User).where(User.username == username)).first()


def test_create_a_chain_office_through_the_form(site: Site) -> None:
    client, csrf = _admin(site)
    response = post_form(
        client,
        "/admin/users",
        {"username": "chain-b-office", "role": "chain_office", "chains": ["CB", "测试链甲"],
         "password": "long-enough-1", "display_name": "乙链办"},
        csrf,
    )  # fmt: skip
    assert response.status_code == 303
    user = _user(site, "chain-b-office")
    assert user is not None and user.role == "chain_office"
    assert user.scope_ids("chain") == {site.world.ids["chain_a"], site.world.ids["chain_b"]}
    page = client.get(response.headers["location"]).text
    assert "已创建用户 chain-b-office" in page  # the flash message
    with session_scope(site.engine) as s:
        created = audit.events(s, entity="user_account", action="create")
        assert created[0].actor == "t-admin" and created[0].after["username"] == "chain-b-office"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"username": "shorty", "role": "viewer", "password": "short"},
            "password",
            "至少需要 8 个字符",
        ),
        ({"username": "x", "role": "viewer", "password": "long-enough-1"}, "username", "过短"),
        (
            {"username": "bad name!", "role": "viewer", "password": "long-enough-1"},
            "username",
            "用户名须为",
        ),
        (
            {"username": "who", "role": "overlord", "password": "long-enough-1"},
            "role",
            "请从给出的选项中选择",
        ),
        (
            {"username": "who", "role": "chain_office", "password": "long-enough-1"},
            "chains",
            "需要指定至少一条产业链",
        ),
        (
            {
                "username": "who",
                "role": "park_office",
                "parks": ["不存在的园区"],
                "password": "long-enough-1",
            },
            "parks",
            "找不到园区",
        ),
        (
            {
                "username": "who",
                "role": "viewer",
                "parks": ["甲园区测试"],
                "password": "long-enough-1",
            },
            "parks",
            "不能指定范围",
        ),
        (
            {"username": "t-viewer", "role": "viewer", "password": "long-enough-1"},
            "username",
            "已存在",
        ),
        ({"username": "who", "role": "viewer", "password": "who"}, "password", "至少需要 8 个字符"),
        (
            {"username": "same-as-pw", "role": "viewer", "password": "same-as-pw"},
            "password",
            "不能与用户名相同",
        ),
    ],
)
def test_bad_values_are_shown_next_to_their_field(
    site: Site, data: dict, field: str, message: str
) -> None:
    client, csrf = _admin(site)
    with session_scope(site.engine) as s:
        before = s.scalar(select(func.count()).select_from(User))
    response = post_form(client, "/admin/users", data, csrf, headers={"Accept-Language": "zh"})
    assert response.status_code == 422
    assert f'data-testid="error-{field}"' in response.text
    assert message in response.text
    assert 'data-testid="form-errors"' in response.text
    # the form keeps what was typed, except the password
    if data["username"] != "t-viewer":
        assert f'value="{data["username"]}"' in response.text.replace("&#34;", '"')
    assert 'value="long-enough-1"' not in response.text
    with session_scope(site.engine) as s:
        assert s.scalar(select(func.count()).select_from(User)) == before


def test_json_create_reports_bad_values_as_json(site: Site) -> None:
    client, csrf = _admin(site)
    headers = {"X-CSRF-Token": csrf, "Accept-Language": "en"}
    bad = client.post(
        "/api/v1/admin/users",
        json={"username": "json-user", "role": "viewer", "password": "short"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "validation_error"
    assert bad.json()["message"] == "The password must have at least 8 characters."
    unknown_role = client.post(
        "/api/v1/admin/users",
        json={"username": "json-user", "role": "nope", "password": "long-enough-1"},
        headers=headers,
    )
    assert unknown_role.status_code == 422 and unknown_role.json()["detail"][0]["field"] == "role"


def test_reset_password_ends_the_users_sessions(site: Site) -> None:
    victim = site.client()
    login(victim, "t-viewer", PASSWORD)
    client, csrf = _admin(site)
    uid = _user(site, "t-viewer").id  # type: ignore[union-attr]
    short = post_form(client, f"/admin/users/{uid}/password", {"password": "abc"}, csrf)
    assert short.status_code == 422 and 'data-testid="error-password"' in short.text
    ok = post_form(client, f"/admin/users/{uid}/password", {"password": "reset-by-admin"}, csrf)
    assert ok.status_code == 303
    assert victim.get("/", follow_redirects=False).status_code == 303
    fresh = site.client()
    login(fresh, "t-viewer", "reset-by-admin")
    missing = post_form(client, "/admin/users/99999/password", {"password": "whatever-1"}, csrf)
    assert missing.status_code == 404


def test_unlock_and_deactivate(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    client, csrf = _admin(site)
    window = dt.timedelta(minutes=15)
    uid = _user(site, "t-viewer").id  # type: ignore[union-attr]
    # five wrong passwords from one address: the name's next try from there waits 1 s
    for _ in range(5):
        with session_scope(site.engine) as s:  # one transaction per try, as the log-in page
            accounts.authenticate(
                s, "t-viewer", "wrong-one", max_failures=5, lockout_minutes=15, ip="203.0.113.7"
            )
    with session_scope(site.engine) as s:
        assert throttle.name_state(s, "t-viewer", utcnow(), window)[0] == 5
        fifth = s.scalar(select(func.max(LoginThrottle.last_check)))
    # The page reads real time and the wait is one second: a loaded CI machine can take longer
    # than that to render, so the page is shown the moment of the fifth failure.
    monkeypatch.setattr(admin_views, "utcnow", lambda: fifth)
    page = client.get(f"/admin/users/{uid}").text
    assert "登录延迟至" in page and f'action="/admin/users/{uid}/unlock"' in page
    assert client.get(f"/api/v1/admin/users/{uid}").json()["user"]["failed_checks"] == 5
    assert post_form(client, f"/admin/users/{uid}/unlock", {}, csrf).status_code == 303
    with session_scope(site.engine) as s:
        assert throttle.name_state(s, "t-viewer", utcnow(), window) == (0, None)
    assert f'action="/admin/users/{uid}/unlock"' not in client.get(f"/admin/users/{uid}").text
    assert post_form(client, f"/admin/users/{uid}/active", {"active": "0"}, csrf).status_code == 303
    assert _user(site, "t-viewer").is_active is False  # type: ignore[union-attr]
    me = _user(site, "t-admin").id  # type: ignore[union-attr]
    refused = post_form(client, f"/admin/users/{me}/active", {"active": "0"}, csrf)
    assert refused.status_code == 422 and _user(site, "t-admin").is_active  # type: ignore[union-attr]


def test_users_page_and_twin_agree(shared_site: Site) -> None:
    client, _csrf = _admin(shared_site)
    data = client.get("/api/v1/admin/users").json()
    names = [u["username"] for u in data["users"]]
    assert names == sorted(names) and "t-chain_office" in names
    office = next(u for u in data["users"] if u["username"] == "t-chain_office")
    assert office["scope"] == ["测试链甲"]
    html = client.get("/admin/users").text
    for name in names:
        assert f">{name}</a>" in html
    assert [o["value"] for o in data["chains"]] == ["CA", "CB"]


# ---------------------------------------------------------------------------- audit log


def test_audit_page_filters_by_actor_entity_action_and_dates(site: Site) -> None:
    with session_scope(site.engine) as s:
        for day in (1, 2, 3):
            s.add(AuditEvent(at=dt.datetime(2024, 3, day, 12), actor="alice", entity="park",
                             action="update", entity_id=str(day), before={"a": day}, after={"a": day + 1}))  # fmt: skip
        s.add(
            AuditEvent(at=dt.datetime(2024, 3, 2, 9), actor="bob", entity="chain", action="create")
        )
    client, _csrf = _admin(site)
    api = "/api/v1/admin/audit"
    alice = client.get(api, params={"actor": "alice"}).json()
    assert alice["total"] == 3 and [e["entity_id"] for e in alice["events"]] == ["3", "2", "1"]
    ranged = client.get(api, params={"since": "2024-03-02", "until": "2024-03-02"}).json()
    assert sorted(e["actor"] for e in ranged["events"]) == ["alice", "bob"]  # until is inclusive
    chain = client.get(api, params={"entity": "chain", "action": "create"}).json()
    # the seed created two chains (actor "seed"), bob one more
    assert chain["total"] == 3 and sorted(e["actor"] for e in chain["events"]) == [
        "bob",
        "seed",
        "seed",
    ]
    assert {(e["entity"], e["action"]) for e in chain["events"]} == {("chain", "create")}
    assert "alice" in alice["actors"] and "park" in alice["entities"]
    html = client.get("/admin/audit", params={"actor": "alice"}).text
    assert html.count('<span class="action-chip action-update"') == 3


def test_audit_pagination(site: Site) -> None:
    with session_scope(site.engine) as s:
        total = s.scalar(select(func.count()).select_from(AuditEvent))
    client, _csrf = _admin(site)
    total += 1  # the admin's own log-in
    first = client.get("/api/v1/admin/audit", params={"per_page": 10}).json()
    assert first["total"] == total and first["pages"] == -(-total // 10)
    ids = [e["id"] for e in first["events"]]
    second = client.get("/api/v1/admin/audit", params={"per_page": 10, "page": 2}).json()
    assert len(ids) == 10 and not set(ids) & {e["id"] for e in second["events"]}
    assert ids == sorted(ids, reverse=True)
    beyond = client.get("/api/v1/admin/audit", params={"page": 999}).json()
    assert beyond["events"] == []


@pytest.mark.parametrize(
    "params",
    [{"per_page": 0}, {"per_page": 201}, {"page": 0}, {"since": "yesterday"}, {"page": "x"}],
)
def test_bad_audit_filters_are_422_not_500(shared_site: Site, params: dict) -> None:
    client, _csrf = _admin(shared_site)
    api = client.get("/api/v1/admin/audit", params=params)
    assert api.status_code == 422 and api.json()["error"] == "validation_error"
    html = client.get("/admin/audit", params=params)
    assert html.status_code == 422 and 'data-testid="error-page"' in html.text


def test_nothing_in_the_app_can_edit_or_delete_the_audit_log(shared_site: Site) -> None:
    for route in walk(shared_site.app):
        if "audit" in route.path:
            assert route.methods <= {"GET", "HEAD"}, route.path
    writes = [r for r in walk(shared_site.app) if r.methods & {"PUT", "PATCH", "DELETE"}]
    assert all("audit" not in r.path for r in writes)


def test_the_audit_page_names_workflow_steps_and_shows_city_time(site: Site) -> None:
    """A workflow step was logged as its code (project.start on an entity project_stage) and
    every time as UTC under "Time (UTC)"; the page now says the step in words (项目：开工) and
    the time in the city's zone, which its header names."""
    with session_scope(site.engine) as s:
        s.add(AuditEvent(at=dt.datetime(2024, 3, 2, 17, 30), actor="carol", entity="project",
                         action="project.start", entity_id="7"))  # fmt: skip
        s.add(AuditEvent(at=dt.datetime(2024, 3, 2, 17, 31), actor="carol",
                         entity="project_stage", action="create", entity_id="9"))  # fmt: skip
    client, _csrf = _admin(site)
    client.cookies.set("gaodi_lang", "zh")
    html = client.get("/admin/audit", params={"actor": "carol"}).text
    assert "项目：开工" in html and "project.start</span>" not in html
    assert "项目阶段" in html
    assert "2024-03-03 01:30:00" in html and "2024-03-02 17:30" not in html  # UTC+8
    assert "时间（北京时间）" in html and "UTC" not in html
    api = client.get("/api/v1/admin/audit", params={"actor": "carol"}).json()
    assert {e["action_label"] for e in api["events"]} >= {"项目：开工"}
    client.cookies.set("gaodi_lang", "en")
    html = client.get("/admin/audit", params={"actor": "carol"}).text
    assert "project: start" in html and "When (Beijing time)" in html
