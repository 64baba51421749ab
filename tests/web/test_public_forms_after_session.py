"""The public forms (the language switch, log-in, log-out) sent from a page whose session ended or
changed in another tab: the page's CSRF token is the old session's. Sent from this site they do
what the user pressed (the language switch switches; a stale log-in form comes again with a
fresh form, signing nobody in; 退出 signs out) — never a 403 page; another site's post is still
refused. The way back for the other forms is in tests/web/test_refused_forms_and_ended_sessions.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from gaodi.ui.web.i18n import LANG_COOKIE
from tests.web.conftest import Site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.live import page_text
from tests.web.seed import PASSWORD

SAME_ORIGIN = {"Origin": "http://testserver"}
#: the ways a browser names the page a form was sent from, each alone
FROM_THIS_SITE = [
    SAME_ORIGIN,
    {"Referer": "http://testserver/appeals"},
    {"Sec-Fetch-Site": "same-origin"},
]
#: another site's post (or one naming no origin at all)
FROM_ELSEWHERE = [
    {"Origin": "http://elsewhere.example"},
    {"Origin": "null"},
    {"Referer": "http://elsewhere.example/appeals"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    {},
]
CSRF_PAGE = "表单已过期或来源不明（CSRF 校验失败）"


def _stale_page_token(client: TestClient, user: str = "t-admin") -> str:
    """Sign in, open /appeals, then sign out in "another tab" (the same cookie jar): the token of
    the open page belongs to a session that has ended."""
    login(client, user, PASSWORD)
    stale = csrf_of(client.get("/appeals").text)
    assert post_form(client, "/logout", {}, stale).status_code == 303
    client.cookies.delete(LANG_COOKIE)
    return stale


def _signed_in(client: TestClient) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def test_the_language_switch_switches_after_the_session_ended(shared_site: Site) -> None:
    with shared_site.client() as client:
        stale = _stale_page_token(client)
        for headers in FROM_THIS_SITE:
            for lang, sign_in in (("en", "Sign in"), ("zh", "登录")):
                r = client.post(
                    "/lang",
                    data={"lang": lang, "next": "/appeals", "csrf_token": stale},
                    headers=headers,
                    follow_redirects=False,
                )
                assert r.status_code == 303, (headers, r.status_code, page_text(r.text))
                assert r.headers["location"] == "/appeals"
                assert client.cookies.get(LANG_COOKIE) == lang
                # the page it was pressed on, now asking to sign in, in the chosen language
                page = client.get("/appeals")
                assert urlsplit(str(page.url)).path == "/login"
                title = re.search(r"<title>([^<]*)</title>", page.text)
                assert title and title.group(1).startswith(sign_in), title
        # a next of another site is never where the switch leads
        r = client.post(
            "/lang",
            data={"lang": "en", "next": "//elsewhere.example/x", "csrf_token": stale},
            headers=SAME_ORIGIN,
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/"


def test_the_language_switch_of_another_site_is_still_refused(shared_site: Site) -> None:
    with shared_site.client() as client:
        stale = _stale_page_token(client)
        for headers in FROM_ELSEWHERE:
            r = client.post(
                "/lang",
                data={"lang": "en", "next": "/appeals", "csrf_token": stale},
                headers=headers,
                follow_redirects=False,
            )
            assert r.status_code == 403, headers
            assert CSRF_PAGE in page_text(r.text)
            assert client.cookies.get(LANG_COOKIE) is None


def test_a_stale_login_form_comes_again_and_signs_nobody_in(shared_site: Site) -> None:
    for lang, notice, heading in (
        ("zh", "登录页已过期，请再输入一次密码。", "登录"),
        ("en", "The log-in page had expired; enter your password again.", "Sign in"),
    ):
        with shared_site.client() as client:
            client.cookies.set(LANG_COOKIE, lang)
            stale = csrf_of(client.get("/login?next=/appeals").text)
            # in another tab: signed in and out again (the session's token changed twice)
            login(client, "t-viewer", PASSWORD)
            fresh = csrf_of(client.get("/account").text)
            assert post_form(client, "/logout", {}, fresh).status_code == 303
            client.cookies.set(LANG_COOKIE, lang)
            r = client.post(
                "/login",
                data={
                    "username": "t-admin",
                    "password": PASSWORD,
                    "next": "/appeals",
                    "csrf_token": stale,
                },
                headers=SAME_ORIGIN,
                follow_redirects=False,
            )
            assert r.status_code == 200, (r.status_code, page_text(r.text)[:300])
            text = page_text(r.text)
            assert notice in text and CSRF_PAGE not in text
            assert f"<h2>{heading}</h2>" in r.text
            assert re.search(r'<input id="login-username" name="username" value="t-admin"', r.text)
            assert 'name="next" value="/appeals"' in r.text
            assert not _signed_in(client)  # the stale token signed nobody in
            # the fresh form is this session's: sent again, it signs in and goes on
            token = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
            assert token and token.group(1) != stale
            r = client.post(
                "/login",
                data={
                    "username": "t-admin",
                    "password": PASSWORD,
                    "next": "/appeals",
                    "csrf_token": token.group(1),
                },
                follow_redirects=False,
            )
            assert r.status_code == 303 and r.headers["location"] == "/appeals"
            assert _signed_in(client)


def test_a_login_post_of_another_site_is_still_refused(shared_site: Site) -> None:
    with shared_site.client() as client:
        stale = csrf_of(client.get("/login").text)
        login(client, "t-viewer", PASSWORD)
        assert post_form(client, "/logout", {}, csrf_of(client.get("/account").text)).status_code
        for headers in FROM_ELSEWHERE:
            r = client.post(
                "/login",
                data={"username": "t-admin", "password": PASSWORD, "csrf_token": stale},
                headers=headers,
                follow_redirects=False,
            )
            assert r.status_code == 403, headers
            assert CSRF_PAGE in page_text(r.text)
            assert not _signed_in(client)


def test_sign_out_after_the_session_ended_says_signed_out(shared_site: Site) -> None:
    for lang, signed_out in (("zh", "您已退出登录。"), ("en", "You have signed out.")):
        with shared_site.client() as client:
            stale = _stale_page_token(client)
            client.cookies.set(LANG_COOKIE, lang)
            r = client.post(
                "/logout",
                data={"csrf_token": stale},
                headers={"Referer": "http://testserver/appeals"},
                follow_redirects=False,
            )
            assert r.status_code == 303
            target = urlsplit(r.headers["location"])
            assert target.path == "/login"
            assert parse_qs(target.query) == {"next": ["/"], "reason": ["signed_out"]}
            text = page_text(client.get(r.headers["location"]).text)
            assert signed_out in text
            assert "会话已结束" not in text and "was not saved" not in text


def test_sign_out_from_a_page_of_an_older_session_signs_out(shared_site: Site) -> None:
    """Signed out and in again in another tab: 退出 on the first tab (its token the old
    session's) still signs out."""
    with shared_site.client() as client:
        stale = _stale_page_token(client)
        login(client, "t-admin", PASSWORD)
        r = client.post(
            "/logout", data={"csrf_token": stale}, headers=SAME_ORIGIN, follow_redirects=False
        )
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert not _signed_in(client)
        assert "您已退出登录。" in page_text(client.get("/login").text)
