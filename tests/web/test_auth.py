"""Log-in, lock-out, rate limiting, sessions (cookie flags, invalidation), CSRF, API tokens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.accounts.models import ApiToken, User
from gaodi.audit.models import AuditEvent
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope, utcnow
from gaodi.ui.web.errors import safe_next
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.seed import PASSWORD


def _login_attempt(client, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/login").text)
    return post_form(client, "/login", {"username": username, "password": password}, token)


def _events(site: Site, action: str) -> list[AuditEvent]:
    with session_scope(site.engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_login_sets_a_hardened_cookie_and_opens_the_overview(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)
    response = post_form(
        client, "/login", {"username": "t-admin", "password": PASSWORD, "next": "/account"}, token
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert "gaodi_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain-HTTP deployment
    assert f"Max-Age={site.settings.session_max_age}" in cookie
    assert client.get("/").status_code == 200
    (event,) = _events(site, "login")
    assert event.actor == "t-admin" and event.after == {"ip": "testclient"}


def test_secure_flag_behind_https(tmp_path: Path) -> None:
    site = make_site(tmp_path, https=True)
    client = site.client()
    response = client.get("/login")
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_is_refused_and_audited_without_the_password(site: Site) -> None:
    client = site.client()
    response = _login_attempt(client, "t-viewer", "not-the-password")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303
    (event,) = _events(site, "login_failed")
    assert event.actor == "t-viewer"
    assert "not-the-password" not in str(event.after) + str(event.note)


def test_unknown_user_gets_the_same_answer(site: Site) -> None:
    response = _login_attempt(site.client(), "nobody-here", "whatever-pass")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    (event,) = _events(site, "login_failed")
    assert event.actor == "anonymous" and "nobody-here" in (event.note or "")


def _hold_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # The throttle counts real seconds and the first wait is one: on a loaded machine the
    # password hashes alone can take longer, so every try here happens at one moment.
    moment = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: moment)


def test_after_max_failures_the_next_try_waits_and_says_so(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hold_the_clock(monkeypatch)
    n = site.settings.login_max_failures  # 5 by default
    client = site.client()
    statuses = [_login_attempt(client, "t-analyst", f"wrong-{i}").status_code for i in range(n)]
    assert statuses == [401] * n
    # the next try, even with the right password, waits (a second, doubling after each check)
    response = _login_attempt(client, "t-analyst", PASSWORD)
    assert response.status_code == 429
    assert "秒后再试" in response.text
    assert len(_events(site, "login_throttled")) == 1
    # an unknown name gets exactly the same answers
    statuses = [_login_attempt(client, "nobody-here", f"wrong-{i}").status_code for i in range(n)]
    assert statuses == [401] * n
    response = _login_attempt(client, "nobody-here", PASSWORD)
    assert response.status_code == 429 and "秒后再试" in response.text


def test_per_address_limit_stops_guessing_across_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hold_the_clock(monkeypatch)
    # 4 x login_max_failures checks per address; with max 2: 8 checks, then the address waits
    site = make_site(tmp_path, login_max_failures=2)
    client = site.client()
    names = ["t-viewer", "t-analyst", "t-chain_office", "t-park_office", "nobody"]
    statuses = [
        _login_attempt(client, f"{names[i % 5]}", "wrong-password").status_code for i in range(8)
    ]
    assert statuses == [401] * 8
    assert _login_attempt(client, "t-admin", PASSWORD).status_code == 429


def test_logout_ends_the_session_even_for_a_copied_cookie(site: Site) -> None:
    client = site.client()
    csrf = login(client, "t-viewer", PASSWORD)
    stolen = client.cookies.get("gaodi_session")
    assert post_form(client, "/logout", {}, csrf).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    thief = site.client()
    thief.cookies.set("gaodi_session", stolen)
    response = thief.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert len(_events(site, "logout")) == 1


def test_password_change_signs_out_other_sessions_but_not_this_one(site: Site) -> None:
    laptop, phone = site.client(), site.client()
    csrf = login(laptop, "t-viewer", PASSWORD)
    login(phone, "t-viewer", PASSWORD)
    response = post_form(
        laptop,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-brand-new-pass",
            "confirm_password": "a-brand-new-pass",
        },
        csrf,
    )
    assert response.status_code == 303
    assert laptop.get("/").status_code == 200
    assert phone.get("/", follow_redirects=False).status_code == 303
    assert len(_events(site, "password_change")) == 1
    assert _login_attempt(site.client(), "t-viewer", "a-brand-new-pass").status_code == 303


def test_password_change_with_wrong_current_password_shows_the_error(site: Site) -> None:
    client = site.client()
    csrf = login(client, "t-viewer", PASSWORD)
    response = post_form(
        client,
        "/account/password",
        {"current_password": "nope-nope", "new_password": "x" * 9, "confirm_password": "x" * 9},
        csrf,
    )
    assert response.status_code == 422
    assert "当前密码不正确" in response.text


def test_forms_without_a_csrf_token_are_refused(site: Site) -> None:
    client = site.client()
    login(client, "t-admin", PASSWORD)
    response = client.post(
        "/admin/users",
        data={"username": "mallory", "role": "admin", "password": "long-enough-1"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    wrong = client.post(
        "/logout", data={"csrf_token": "forged-token-value-123456"}, follow_redirects=False
    )
    assert wrong.status_code == 403
    with session_scope(site.engine) as s:
        assert s.scalars(select(User).where(User.username == "mallory")).first() is None


def test_csrf_header_works_for_htmx_and_json(site: Site) -> None:
    client = site.client()
    csrf = login(client, "t-admin", PASSWORD)
    body = {"username": "via-json", "role": "viewer", "password": "long-enough-1"}
    assert client.post("/api/v1/admin/users", json=body).status_code == 403
    response = client.post("/api/v1/admin/users", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    assert response.json()["username"] == "via-json"


def test_api_tokens_are_hashed_at_rest_and_authenticate(site: Site) -> None:
    with session_scope(site.engine, actor="test") as s:
        user = accounts.get_user(s, "t-analyst")
        row, token = accounts.create_token(s, user, "script", principal=SYSTEM)
        row_id = row.id
    with session_scope(site.engine) as s:
        stored = s.get(ApiToken, row_id)
        assert stored is not None and token not in (stored.token_hash, stored.prefix)
        import hashlib

        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    api = site.client()
    auth = {"Authorization": f"Bearer {token}"}
    response = api.get("/api/v1/overview", headers=auth)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers  # tokens need no session
    assert response.headers["cache-control"] == "no-store"  # private data: never cached
    # analysts may not administer: the token carries the user's role
    assert api.get("/api/v1/admin/users", headers=auth).status_code == 403
    # a write with a token needs no CSRF token (no ambient credentials)
    assert api.post("/api/v1/admin/users", json={}, headers=auth).status_code == 403
    bad = api.get("/api/v1/overview", headers={"Authorization": "Bearer gd_not-a-real-token"})
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"
    assert bad.headers["www-authenticate"] == "Bearer"
    assert len(_events(site, "token_create")) == 1


def test_revoked_and_expired_tokens_are_refused(site: Site) -> None:
    with session_scope(site.engine, actor="test") as s:
        user = accounts.get_user(s, "t-admin")
        revoked, token_r = accounts.create_token(s, user, "old", principal=SYSTEM)
        expired, token_e = accounts.create_token(s, user, "short", expires_days=1, principal=SYSTEM)
        accounts.revoke_token(s, revoked.id)
        expired.expires_at = utcnow() - timedelta(minutes=1)
    client = site.client()
    for token in (token_r, token_e):
        response = client.get("/api/v1/overview", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_deactivated_user_loses_session_and_token(site: Site) -> None:
    client = site.client()
    login(client, "t-viewer", PASSWORD)
    with session_scope(site.engine, actor="test") as s:
        user = accounts.get_user(s, "t-viewer")
        _row, token = accounts.create_token(s, user, "t", principal=SYSTEM)
        accounts.set_active(s, user, False)
    assert client.get("/", follow_redirects=False).status_code == 303
    response = site.client().get("/api/v1/overview", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_login_redirect_never_leaves_the_site() -> None:
    assert safe_next("/admin/audit?page=2") == "/admin/audit?page=2"
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil", "javascript:x", ""):
        assert safe_next(hostile) == "/"


def test_anonymous_page_visit_comes_back_after_login(site: Site) -> None:
    client = site.client()
    first = client.get("/admin/audit?page=1", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/admin/audit%3Fpage%3D1"
    form = client.get(first.headers["location"]).text
    assert 'name="next" value="/admin/audit?page=1"' in form
