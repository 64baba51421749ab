"""The public forms pressed in a tab whose session ended in another tab: 中文/English switches the
language, a stale log-in form comes again with a fresh form (nobody signed in by it), 退出 says
the user is signed out. Chromium sends the same-origin evidence (Origin, Sec-Fetch-Site) the
server accepts in place of the old session's token; the TestClient cases, and the refusal of
another site's post, are in tests/web/test_public_forms_after_session.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.harness import LiveServer, new_page, sign_in, submit_and_wait, wait_ready

pytestmark = pytest.mark.browser


def _sign_out_in_another_tab(page: Any, server: LiveServer) -> None:
    other = page.context.new_page()
    other.goto(f"{server.url}/account")
    wait_ready(other)
    submit_and_wait(other, "form[action='/logout'] button[type=submit]")
    other.close()


def test_public_forms_work_after_the_session_ended(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "t-admin", "/appeals")
    _sign_out_in_another_tab(page, live_server)

    # 中文/English: the language changes; the page it was pressed on asks to sign in, in English
    submit_and_wait(page, "form.lang-switch button[data-lang='en']")
    url = urlsplit(page.url)
    assert url.path == "/login" and parse_qs(url.query)["next"] == ["/appeals"]
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2").first.inner_text() == "Sign in"
    assert "Access denied" not in page.locator("main").inner_text()

    # this log-in page stays open while another tab signs in and out: its token is stale
    other = page.context.new_page()
    sign_in(other, live_server, "t-viewer", "/account")
    submit_and_wait(other, "form[action='/logout'] button[type=submit]")
    other.close()
    page.fill("#login-username", "t-admin")
    page.fill("#login-password", live_server.password)
    submit_and_wait(page, "form[action='/login'] button[type=submit]")
    assert urlsplit(page.url).path == "/login"
    assert (
        page.get_by_test_id("login-notice").inner_text()
        == "The log-in page had expired; enter your password again."
    )
    assert page.locator("#login-username").input_value() == "t-admin"
    assert page.locator("#login-password").input_value() == ""
    # the fresh form signs in and goes back where the user was
    page.fill("#login-password", live_server.password)
    submit_and_wait(page, "form[action='/login'] button[type=submit]")
    assert urlsplit(page.url).path == "/appeals"

    # 退出 on a page whose session already ended: signed out, nothing said about lost entries
    _sign_out_in_another_tab(page, live_server)
    submit_and_wait(page, "form[action='/logout'] button[type=submit]")
    assert urlsplit(page.url).path == "/login"
    assert page.get_by_test_id("login-notice").inner_text() == "You have signed out."
    assert "not saved" not in page.locator("main").inner_text()
    page.context.close()
