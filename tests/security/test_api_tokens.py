"""API tokens: listed, revoked (CLI, account page, user admin page, JSON), expiring by default,
revoked for good by a password change and by deactivation, every creation and revocation audited.

The expected dates are worked out by hand: a token made on 2024-05-01 09:00 (UTC) with the default
of 90 days expires on 2024-07-30 09:00 UTC (May has 31 days: 30 + 30 + 30 = 90), which the CLI
and the pages show in the city's time, 2024-07-30 17:00 (UTC+8).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.accounts.models import ApiToken
from gaodi.audit.models import AuditEvent
from gaodi.cli import app as cli_app
from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.core.errors import PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

T0 = datetime(2024, 5, 1, 9, 0, 0)
runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = make_site(tmp_path)
    yield site
    site.engine.dispose()


def _token(engine: Engine, username: str, name: str = "script", **kw: object) -> tuple[int, str]:
    with session_scope(engine, actor="operator") as s:
        kw.setdefault("principal", SYSTEM)  # the operator's command acts as the system
        row, secret = accounts.create_token(s, accounts.get_user(s, username), name, **kw)  # type: ignore[arg-type]
        return row.id, secret


def _status(site: Site, secret: str) -> int:
    response = site.client().get("/api/v1/overview", headers={"Authorization": f"Bearer {secret}"})
    return response.status_code


def _row(engine: Engine, token_id: int) -> ApiToken:
    with session_scope(engine) as s:
        row = s.get(ApiToken, token_id)
        assert row is not None
        s.expunge(row)
        return row


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with session_scope(engine) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


# ---------------------------------------------------------------------------- expiry


def test_a_token_expires_after_the_default_90_days(site: Site) -> None:
    with clock.frozen(T0):
        token_id, secret = _token(site.engine, "t-analyst")
        assert _status(site, secret) == 200
    assert _row(site.engine, token_id).expires_at == datetime(2024, 7, 30, 9, 0)
    with clock.frozen(datetime(2024, 7, 30, 8, 59)):
        assert _status(site, secret) == 200
    with clock.frozen(datetime(2024, 7, 30, 9, 0)):
        assert _status(site, secret) == 401
        with session_scope(site.engine) as s:
            row = s.get(ApiToken, token_id)
            assert row is not None and accounts.token_state(row) == "expired"


def test_the_default_is_a_setting(sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_TOKEN_DEFAULT_DAYS", "7")
    reset_settings()
    with session_scope(sqlite_db) as s:
        user = accounts.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
        with clock.frozen(T0):
            row, secret = accounts.create_token(s, user, "weekly", principal=SYSTEM)
        assert row.expires_at == datetime(2024, 5, 8, 9, 0)
        assert accounts.user_for_token(s, secret, now=datetime(2024, 5, 8, 8, 59)) is user
        assert accounts.user_for_token(s, secret, now=datetime(2024, 5, 8, 9, 0)) is None
    monkeypatch.setenv("GAODI_TOKEN_DEFAULT_DAYS", "0")
    reset_settings()
    with session_scope(sqlite_db) as s, pytest.raises(ValidationError) as bad:
        accounts.create_token(s, accounts.get_user(s, "u1"), "x", principal=SYSTEM)
    assert "GAODI_TOKEN_DEFAULT_DAYS" in bad.value.en and "GAODI_TOKEN_DEFAULT_DAYS" in bad.value.zh
    monkeypatch.delenv("GAODI_TOKEN_DEFAULT_DAYS")
    reset_settings()


def test_never_expiring_only_when_an_administrator_asks(sqlite_db: Engine) -> None:
    analyst = Principal(username="ana", role="analyst")
    with session_scope(sqlite_db) as s:
        user = accounts.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
        with pytest.raises(PermissionDenied):
            accounts.create_token(s, user, "forever", expires_days=0, principal=analyst)
        for days in (-1, 3651):
            with pytest.raises(ValidationError) as bad:
                accounts.create_token(s, user, "odd", expires_days=days, principal=SYSTEM)
            assert bad.value.context["field"] == "expires_days"
        row, secret = accounts.create_token(
            s, user, "forever", expires_days=0, principal=SYSTEM
        )  # the operator
        assert row.expires_at is None
        far = datetime(2099, 1, 1)
        assert accounts.user_for_token(s, secret, now=far) is user
        with clock.frozen(T0):
            short, _ = accounts.create_token(s, user, "short", expires_days=1, principal=analyst)
        assert short.expires_at == datetime(2024, 5, 2, 9, 0)


def test_no_token_for_an_inactive_user(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        user = accounts.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
        accounts.set_active(s, user, False)
        with pytest.raises(ValidationError):
            accounts.create_token(s, user, "x", principal=SYSTEM)
        assert s.scalars(select(ApiToken)).all() == []


# ---------------------------------------------------------------------------- the CLI


def test_cli_lists_and_revokes(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        accounts.create_user(s, "office1", "viewer", "password-1", principal=SYSTEM)
        accounts.create_user(s, "office2", "viewer", "password-1", principal=SYSTEM)
    with clock.frozen(T0):
        _cli_flow(sqlite_db)


def _cli_flow(engine: Engine) -> None:
    made = runner.invoke(cli_app, ["user", "token", "office1", "--name", "cron"])
    assert made.exit_code == 0, made.output
    assert "2024-07-30 17:00" in made.output  # the default expiry, said at creation
    cron = made.output.strip().splitlines()[-1]
    made = runner.invoke(
        cli_app, ["user", "token", "office1", "--name", "bi", "--expires-days", "0"]
    )
    assert made.exit_code == 0 and "never" in made.output
    bi = made.output.strip().splitlines()[-1]
    other = runner.invoke(cli_app, ["user", "token", "office2", "--name", "theirs"])
    theirs = other.output.strip().splitlines()[-1]
    with session_scope(engine) as s:
        ids = {r.name: r.id for r in s.scalars(select(ApiToken))}
    listed = runner.invoke(cli_app, ["user", "tokens", "office1"])
    assert listed.exit_code == 0, listed.output
    assert "cron" in listed.output and "bi" in listed.output and "theirs" not in listed.output
    assert listed.output.count("active") == 2
    # another user's token id is not office1's: not found, nothing revoked
    wrong = runner.invoke(cli_app, ["user", "revoke-token", "office1", str(ids["theirs"])])
    assert wrong.exit_code != 0 and str(ids["theirs"]) in wrong.output
    one = runner.invoke(cli_app, ["user", "revoke-token", "office1", str(ids["cron"])])
    assert one.exit_code == 0, one.output
    with session_scope(engine) as s:
        assert accounts.user_for_token(s, cron) is None
        assert accounts.user_for_token(s, bi) is not None
        assert accounts.user_for_token(s, theirs) is not None
    listed = runner.invoke(cli_app, ["user", "tokens", "office1"])
    assert listed.output.count("revoked") == 1 and listed.output.count("active") == 1
    every = runner.invoke(cli_app, ["user", "revoke-token", "office1", "--all"])
    assert every.exit_code == 0 and "(1)" in every.output  # cron was revoked already
    with session_scope(engine) as s:
        assert accounts.user_for_token(s, bi) is None
        assert accounts.user_for_token(s, theirs) is not None
    for args in (["office1"], ["office1", str(ids["bi"]), "--all"]):
        refused = runner.invoke(cli_app, ["user", "revoke-token", *args])
        assert refused.exit_code != 0 and "--all" in refused.output
        assert "Traceback" not in refused.output


# ---------------------------------------------------------------------------- the web app


def test_the_account_page_lists_and_revokes_your_own_tokens(site: Site) -> None:
    with clock.frozen(T0):
        _account_page_flow(site)


def _account_page_flow(site: Site) -> None:
    mine, secret = _token(site.engine, "t-viewer", "nightly export")
    spare, spare_secret = _token(site.engine, "t-viewer", "spare")
    theirs, their_secret = _token(site.engine, "t-analyst", "analyst script")
    client = site.client()
    csrf = login(client, "t-viewer", PASSWORD)
    page = client.get("/account").text
    assert "nightly export" in page and "spare" in page and "analyst script" not in page
    assert "2024-07-30 17:00" in page  # expires
    assert f'action="/account/tokens/{mine}/revoke"' in page
    twin = client.get("/api/v1/account").json()["tokens"]
    assert [(t["id"], t["state"], t["expires_at"]) for t in twin] == [
        (spare, "active", "2024-07-30T17:00:00+08:00"),  # the city's time, with its offset
        (mine, "active", "2024-07-30T17:00:00+08:00"),
    ]
    # without the CSRF token: refused, nothing revoked
    forged = client.post(f"/account/tokens/{mine}/revoke", follow_redirects=False)
    assert forged.status_code == 403 and _status(site, secret) == 200
    # someone else's token: answers as a missing one and stays valid
    other = post_form(client, f"/account/tokens/{theirs}/revoke", {}, csrf)
    assert other.status_code == 404 and _status(site, their_secret) == 200
    done = post_form(client, f"/account/tokens/{mine}/revoke", {}, csrf)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert _status(site, secret) == 401
    assert _status(site, spare_secret) == 200
    page = client.get("/account").text
    assert "已吊销接口令牌 nightly export" in page  # the flash
    assert f'action="/account/tokens/{mine}/revoke"' not in page  # no button on a revoked one
    assert f'action="/account/tokens/{spare}/revoke"' in page


def test_a_script_revokes_its_own_token_through_the_api(site: Site) -> None:
    token_id, secret = _token(site.engine, "t-analyst")
    api = site.client()
    auth = {"Authorization": f"Bearer {secret}"}
    response = api.post(f"/api/v1/account/tokens/{token_id}/revoke", headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "revoked"
    assert api.get("/api/v1/overview", headers=auth).status_code == 401


def test_administrators_see_and_revoke_anyones_tokens(site: Site) -> None:
    one, one_secret = _token(site.engine, "t-viewer", "first")
    two, two_secret = _token(site.engine, "t-viewer", "second")
    three, three_secret = _token(site.engine, "t-viewer", "third")
    with session_scope(site.engine) as s:
        uid = accounts.get_user(s, "t-viewer").id
        analyst_uid = accounts.get_user(s, "t-analyst").id
    admin = site.client()
    csrf = login(admin, "t-admin", PASSWORD)
    page = admin.get(f"/admin/users/{uid}").text
    assert all(name in page for name in ("first", "second", "third"))
    twin = admin.get(f"/api/v1/admin/users/{uid}").json()
    assert {t["id"] for t in twin["tokens"]} == {one, two, three}
    # the token id must belong to the user in the path
    wrong = post_form(admin, f"/admin/users/{analyst_uid}/tokens/{one}/revoke", {}, csrf)
    assert wrong.status_code == 404 and _status(site, one_secret) == 200
    done = post_form(admin, f"/admin/users/{uid}/tokens/{one}/revoke", {}, csrf)
    assert done.status_code == 303 and _status(site, one_secret) == 401
    api = admin.post(
        f"/api/v1/admin/users/{uid}/tokens/{two}/revoke", headers={"X-CSRF-Token": csrf}
    )
    assert api.status_code == 200 and api.json()["state"] == "revoked"
    assert _status(site, two_secret) == 401 and _status(site, three_secret) == 200
    every = post_form(admin, f"/admin/users/{uid}/tokens/revoke-all", {}, csrf)
    assert every.status_code == 303 and _status(site, three_secret) == 401
    assert "已吊销 t-viewer 的 1 个接口令牌" in admin.get(f"/admin/users/{uid}").text
    # not an administrator: 403, nothing revoked
    four, four_secret = _token(site.engine, "t-viewer", "fourth")
    analyst = site.client()
    analyst_csrf = login(analyst, "t-analyst", PASSWORD)
    refused = post_form(analyst, f"/admin/users/{uid}/tokens/{four}/revoke", {}, analyst_csrf)
    assert refused.status_code == 403 and _status(site, four_secret) == 200


# ---------------------------------------------------------------------------- password, active


def test_changing_your_password_revokes_your_tokens(site: Site) -> None:
    _id, secret = _token(site.engine, "t-viewer")
    _other, other_user_secret = _token(site.engine, "t-analyst")
    client = site.client()
    csrf = login(client, "t-viewer", PASSWORD)
    changed = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new-password-2",
            "confirm_password": "new-password-2",
        },
        csrf,
    )
    assert changed.status_code == 303
    assert _status(site, secret) == 401
    assert _status(site, other_user_secret) == 200  # only the user's own
    assert "接口令牌已全部吊销" in client.get("/account").text
    # a token made after the change works
    _new, fresh = _token(site.engine, "t-viewer", "after")
    assert _status(site, fresh) == 200


def test_an_administrators_password_reset_revokes_the_tokens(site: Site) -> None:
    _id, secret = _token(site.engine, "t-viewer")
    with session_scope(site.engine) as s:
        uid = accounts.get_user(s, "t-viewer").id
    admin = site.client()
    csrf = login(admin, "t-admin", PASSWORD)
    reset = post_form(admin, f"/admin/users/{uid}/password", {"password": "reset-by-admin"}, csrf)
    assert reset.status_code == 303 and _status(site, secret) == 401
    # and the CLI's passwd
    _id2, secret2 = _token(site.engine, "t-viewer")
    with session_scope(site.engine) as s:
        accounts.set_password(s, accounts.get_user(s, "t-viewer"), "reset-by-cli-1")
    assert _status(site, secret2) == 401


def test_deactivation_revokes_and_reactivation_does_not_revive(site: Site) -> None:
    token_id, secret = _token(site.engine, "t-viewer")
    with session_scope(site.engine) as s:
        uid = accounts.get_user(s, "t-viewer").id
    admin = site.client()
    csrf = login(admin, "t-admin", PASSWORD)
    off = post_form(admin, f"/admin/users/{uid}/active", {"active": "0"}, csrf)
    assert off.status_code == 303 and _status(site, secret) == 401
    assert _row(site.engine, token_id).revoked_at is not None
    on = post_form(admin, f"/admin/users/{uid}/active", {"active": "1"}, csrf)
    assert on.status_code == 303
    assert _status(site, secret) == 401  # still revoked
    assert _row(site.engine, token_id).revoked_at is not None
    fresh = site.client()
    login(fresh, "t-viewer", PASSWORD)  # the account itself is back


# ---------------------------------------------------------------------------- audit


def test_creation_and_revocation_are_audited(site: Site) -> None:
    a, _ = _token(site.engine, "t-viewer", "a")
    b, _ = _token(site.engine, "t-viewer", "b")
    with session_scope(site.engine, actor="operator") as s:
        accounts.revoke_token(s, a)
        accounts.revoke_token(s, a)  # a revoked token stays as it is: no second event
        accounts.set_password(s, accounts.get_user(s, "t-viewer"), "another-pass-1")
    created = _events(site.engine, "token_create")
    assert [(e.entity_id, e.after["name"], e.actor) for e in created] == [  # type: ignore[index]
        (str(a), "a", "operator"),
        (str(b), "b", "operator"),
    ]
    assert all(e.after["expires_at"] for e in created)  # type: ignore[index]
    revoked = _events(site.engine, "token_revoke")
    assert [(e.entity_id, e.after["reason"], e.after["user"]) for e in revoked] == [  # type: ignore[index]
        (str(a), "revoked", "t-viewer"),
        (str(b), "password_change", "t-viewer"),
    ]
    # the session listener recorded the row changes too (revoked_at), never the hash
    with session_scope(site.engine) as s:
        updates = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "api_token", AuditEvent.action == "update"
            )
        ).all()
        assert sorted(e.entity_id for e in updates) == sorted([str(a), str(b)])
        assert all(set(e.after) == {"revoked_at"} for e in updates)  # type: ignore[arg-type]
    # the audit page names the action
    admin = site.client()
    login(admin, "t-admin", PASSWORD)
    assert "吊销接口令牌" in admin.get("/admin/audit?action=token_revoke").text
