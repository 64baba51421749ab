"""The kept path of shared pages (gaodi.ui.web.pages.KeptRoute): a request whose rendering is
already kept is answered on the event loop, with no worker thread and no database read — and
with exactly what the full way would answer: the same bytes, the requester's own CSRF token and
name, nobody else's rendering, and no session the database no longer honours.

Also the two per-process caches that make it possible: the data version (read at most every
``VERSION_SECONDS``; a write committed in the process forgets it at once) and the checked
sessions (trusted for ``SESSION_SECONDS``; a log-out, a deactivation, a role or scope change
committed in the process takes effect on the next request)."""

from __future__ import annotations

import re
import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.accounts.models import User, UserScope
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.models import Observation
from gaodi.ui.web import auth, providers
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _kept(site: Site) -> int:
    """How many requests the kept path answered."""
    return int(getattr(site.app.state, "kept_served", 0))


def _renderings(site: Site) -> int:
    memo = getattr(site.app.state, "rendered_pages", None)
    return 0 if memo is None else memo.computed


def _meta_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, html[:300]
    return found.group(1)


def _signed_in(site: Site, username: str) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, username, PASSWORD)


def _add_observation(site: Site, value: float) -> None:
    ids = site.world.ids
    with session_scope(site.engine, actor="test") as s:
        s.add(
            Observation(
                indicator_id=ids["indicator"], scope="chain", scope_id=ids["chain_b"],
                period="2023-12", value=value, revision=2,
            )
        )  # fmt: skip


_ONCE = re.compile(r'name="_once" value="([0-9a-f]{32})"')


def _keys(html: str) -> list[str]:
    return _ONCE.findall(html)


def _without_keys(html: str) -> str:
    return _ONCE.sub('name="_once" value=""', html)


def test_a_kept_page_is_the_full_pages_bytes(site: Site) -> None:
    client, token = _signed_in(site, "t-admin")
    for url in ("/plans", "/", f"/chains/{site.world.ids['chain_a']}"):
        served, rendered = _kept(site), _renderings(site)
        full = client.get(url)  # rendered in a worker thread
        assert full.status_code == 200 and _kept(site) == served
        assert _renderings(site) == rendered + 1
        fast = client.get(url)
        assert fast.status_code == 200 and _kept(site) == served + 1, url  # the kept path
        # each copy's forms carry one-time keys of their own (pages.once_key): the rest is equal
        assert _keys(fast.text) != _keys(full.text) or not _keys(full.text)
        assert _without_keys(fast.text) == _without_keys(full.text)
        assert _meta_token(fast.text) == token
        for header in ("content-type", "cache-control", "content-security-policy"):
            assert fast.headers.get(header) == full.headers.get(header), header
        assert "set-cookie" not in fast.headers


def test_the_token_and_name_are_the_requesters(site: Site) -> None:
    with session_scope(site.engine, actor="test") as s:
        accounts.create_user(
            s, "t-admin-b", "admin", PASSWORD, display_name="<i>乙</i>", principal=SYSTEM
        )
    first, token_1 = _signed_in(site, "t-admin")
    second, token_2 = _signed_in(site, "t-admin-b")
    first.get("/plans")
    served = _kept(site)
    page = second.get("/plans").text  # the first administrator's rendering, kept
    assert _kept(site) == served + 1
    assert _meta_token(page) == token_2 and token_1 not in page
    assert page.count(f'name="csrf_token" value="{token_2}"') >= 2
    assert "&lt;i&gt;乙&lt;/i&gt;" in page and "<i>乙</i>" not in page
    assert "gaodiCsrf" not in page and "gaodiUser" not in page
    # the token works: a form posted with it is accepted
    r = second.post("/lang", data={"lang": "en", "csrf_token": token_2}, follow_redirects=False)
    assert r.status_code == 303


def test_another_scope_language_or_role_never_gets_anothers_rendering(site: Site) -> None:
    ids = site.world.ids
    admin, _ = _signed_in(site, "t-admin")
    office, csrf = _signed_in(site, "t-chain_office")  # chain A only
    viewer, _ = _signed_in(site, "t-viewer")
    for _ in range(2):
        admin.get("/plans")
        assert admin.get(f"/chains/{ids['chain_b']}").status_code == 200
    served, rendered = _kept(site), _renderings(site)
    # the chain office is not served the administrator's rendering of a chain it may not see
    assert office.get(f"/chains/{ids['chain_b']}").status_code == 404
    assert office.get(f"/chains/{ids['chain_b']}").status_code == 404
    assert _kept(site) == served
    # another role, another scope: their own renderings
    office_plans = office.get("/plans").text
    viewer_plans = viewer.get("/plans").text
    assert _kept(site) == served and _renderings(site) == rendered + 2
    assert office.get("/plans").text == office_plans and viewer.get("/plans").text == viewer_plans
    assert _kept(site) == served + 2
    # another language: its own rendering too
    office.post("/lang", data={"lang": "en", "csrf_token": csrf}, follow_redirects=False)
    english = office.get("/plans").text
    assert '<html lang="en">' in english and english != office_plans
    assert '<html lang="zh-CN">' in admin.get("/plans").text


def test_a_signed_out_or_refused_request_is_never_served_from_the_cache(site: Site) -> None:
    admin, _ = _signed_in(site, "t-admin")
    admin.get("/plans")
    admin.get("/plans")
    served = _kept(site)
    anonymous = site.client().get("/plans", follow_redirects=False)
    assert anonymous.status_code in (303, 401) and "<table" not in anonymous.text
    # an enterprise user may not read the board (403 the full way, not a kept page)
    enterprise, _ = _signed_in(site, "t-enterprise")
    assert enterprise.get("/plans", follow_redirects=False).status_code == 403
    assert _kept(site) == served


def test_a_logout_takes_effect_on_the_next_request(site: Site) -> None:
    client, csrf = _signed_in(site, "t-analyst")
    client.get("/plans")
    assert client.get("/plans").status_code == 200
    cookies = dict(client.cookies)
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    stolen = site.client()
    stolen.cookies.update(cookies)  # the cookie from before the log-out
    refused = stolen.get("/plans", follow_redirects=False)
    assert refused.status_code in (303, 401), refused.status_code
    assert "<table" not in refused.text


def test_a_deactivation_takes_effect_on_the_next_request(site: Site) -> None:
    admin, admin_csrf = _signed_in(site, "t-admin")
    analyst, _ = _signed_in(site, "t-analyst")
    analyst.get("/plans")
    assert analyst.get("/plans").status_code == 200
    with session_scope(site.engine, actor="test") as s:
        user_id = s.scalars(select(User.id).where(User.username == "t-analyst")).one()
    r = admin.post(
        f"/admin/users/{user_id}/active",
        data={"active": "0", "csrf_token": admin_csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    refused = analyst.get("/plans", follow_redirects=False)
    assert refused.status_code in (303, 401), refused.status_code


def test_a_scope_or_role_change_takes_effect_on_the_next_request(site: Site) -> None:
    ids = site.world.ids
    office, _ = _signed_in(site, "t-chain_office")
    url_a, url_b = f"/chains/{ids['chain_a']}", f"/chains/{ids['chain_b']}"
    office.get(url_a)
    assert office.get(url_a).status_code == 200
    assert office.get(url_b).status_code == 404
    # re-scoped to chain B (the ORM, as gaodi.accounts.service changes scopes)
    with session_scope(site.engine, actor="test") as s:
        user = s.scalars(select(User).where(User.username == "t-chain_office")).one()
        user.scopes = [UserScope(kind="chain", ref_id=ids["chain_b"])]
    assert office.get(url_a).status_code == 404
    assert office.get(url_b).status_code == 200
    # and a role change: an enterprise user may not read chain pages at all
    with session_scope(site.engine, actor="test") as s:
        user = s.scalars(select(User).where(User.username == "t-chain_office")).one()
        user.role = "enterprise"
    assert office.get(url_b, follow_redirects=False).status_code == 403


def test_a_write_is_read_by_the_next_request_of_the_process(site: Site) -> None:
    admin, _ = _signed_in(site, "t-admin")
    url = f"/chains/{site.world.ids['chain_b']}"
    admin.get(url)
    admin.get(url)
    before = providers.kept_data_version(site.engine)
    assert before is not None  # read moments ago: kept
    rendered = _renderings(site)
    _add_observation(site, 12.0)
    assert providers.kept_data_version(site.engine) is None  # forgotten at the commit
    admin.get(url)
    assert _renderings(site) == rendered + 1  # the next request renders the new data
    after = providers.kept_data_version(site.engine)
    assert after is not None and after > before


def test_another_process_is_seen_within_the_bounds(site: Site) -> None:
    """A write or a deactivation through another engine (another worker, the CLI) reaches this
    process within VERSION_SECONDS / SESSION_SECONDS."""
    analyst, _ = _signed_in(site, "t-analyst")
    analyst.get("/plans")
    assert analyst.get("/plans").status_code == 200
    version = providers.kept_data_version(site.engine)
    assert version is not None
    other = make_engine(site.engine.url.render_as_string(hide_password=False))
    try:
        with session_scope(other, actor="test") as s:
            s.add(
                Observation(
                    indicator_id=site.world.ids["indicator"], scope="chain",
                    scope_id=site.world.ids["chain_a"], period="2023-11", value=3.0, revision=2,
                )
            )  # fmt: skip
            user = s.scalars(select(User).where(User.username == "t-analyst")).one()
            accounts.set_active(s, user, False, actor="test")
        time.sleep(max(providers.VERSION_SECONDS, auth.SESSION_SECONDS) + 0.05)
        refused = analyst.get("/plans", follow_redirects=False)
        assert refused.status_code in (303, 401), refused.status_code
        admin, _ = _signed_in(site, "t-admin")
        admin.get("/plans")
        newer = providers.kept_data_version(site.engine)
        assert newer is not None and newer > version
    finally:
        other.dispose()


def test_a_password_change_takes_effect_on_the_next_request(site: Site) -> None:
    client, _ = _signed_in(site, "t-viewer")
    client.get("/plans")
    assert client.get("/plans").status_code == 200
    with session_scope(site.engine, actor="test") as s:
        user = s.scalars(select(User).where(User.username == "t-viewer")).one()
        accounts.set_password(s, user, "another-password-2", actor="test")
    refused = client.get("/plans", follow_redirects=False)
    assert refused.status_code in (303, 401), refused.status_code


def test_an_expired_version_or_session_is_read_again_on_the_kept_path(site: Site) -> None:
    """Past VERSION_SECONDS / SESSION_SECONDS the kept path asks the database once itself (in a
    worker thread) instead of sending the request the full way."""
    client, token = _signed_in(site, "t-admin")
    client.get("/plans")
    version = providers.kept_data_version(site.engine)
    time.sleep(max(providers.VERSION_SECONDS, auth.SESSION_SECONDS) + 0.05)
    assert providers.kept_data_version(site.engine) is None
    served, rendered = _kept(site), _renderings(site)
    page = client.get("/plans")
    assert page.status_code == 200 and _meta_token(page.text) == token
    assert (_kept(site), _renderings(site)) == (served + 1, rendered)
    assert providers.kept_data_version(site.engine) == version  # read again: unchanged data


def test_peek_answers_what_get_would_without_computing() -> None:
    from gaodi.core.memo import Memo

    memo: Memo[str] = Memo(8, 30.0)
    assert memo.peek("k") is None  # nothing kept: never computed by peek
    assert memo.get("k", lambda: "v1") == "v1"
    assert memo.peek("k") == "v1"
    assert memo.peek("k", max_age=0.0) is None  # sharing off
    time.sleep(0.02)
    assert memo.peek("k", max_age=0.01) is None  # aged and nobody refreshing it
    # aged while another thread refreshes it: served, as get() serves it
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "v2"

    refresher = threading.Thread(target=lambda: memo.get("k", slow, max_age=0.01))
    refresher.start()
    try:
        assert started.wait(5)
        assert memo.peek("k", max_age=0.01) == "v1"
        assert memo.computed == 1
    finally:
        release.set()
        refresher.join(5)
    assert memo.peek("k", max_age=30.0) == "v2" and memo.computed == 2


def test_account_writes_keep_the_version_data_writes_forget_it(site: Site) -> None:
    """A log-in or a language switch writes only account rows and their audit events: the
    version cannot change, so it stays kept; a data change (an audited row) forgets it."""
    admin, csrf = _signed_in(site, "t-admin")
    admin.get("/plans")
    forgotten = providers.forgotten(site.engine)
    r = admin.post("/lang", data={"lang": "en", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    _signed_in(site, "t-viewer")  # an audited log-in
    assert providers.forgotten(site.engine) == forgotten
    _add_observation(site, 7.0)
    assert providers.forgotten(site.engine) == forgotten + 1
    assert providers.kept_data_version(site.engine) is None
