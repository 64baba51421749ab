"""What the browser does with Gaodi's forms: a money field takes 88.5 万元 and refuses −5, a USCC
box stops at 18 characters, a refused form leaves the user at its error under the page's own
address, a server sort gives focus back to the column, the audit filter says its count where a
screen reader hears it, and a page part asked for after sign-out loads the log-in page whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.harness import LiveServer, new_page, sign_in, submit_and_wait, wait_ready
from tests.web.live import live_site
from tests.web.seed import seed_features

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The seeded web world with its projects, challenges and appeals."""
    with live_site(tmp_path_factory.mktemp("forms")) as (site, server):
        seed_features(site.engine, site.world)
        yield server


def _valid(page: Any, selector: str, value: str) -> bool:
    page.fill(selector, value)
    return bool(page.eval_on_selector(selector, "el => el.checkValidity()"))


def test_money_takes_decimals_and_uscc_stops_at_18(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    project = live_server.world.ids["project_in"]
    sign_in(page, live_server, "t-admin", f"/projects/{project}")
    amount = "#progress-amount"
    assert _valid(page, amount, "88.5")
    assert not _valid(page, amount, "-5")  # min="0" holds
    # sent with 88.5: the browser lets the form go and the figure is saved as typed
    page.fill("#progress-amount", "88.5")
    page.fill("#progress-period", "2023-11")
    submit_and_wait(page, "[data-testid='step-progress'] button[type=submit]")
    assert "已保存" in page.locator(".flash").all_inner_texts()[0]
    assert "88.5" in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/appeals")
    wait_ready(page)
    box = page.locator("#new-enterprise_uscc")
    box.fill("")
    box.press_sequentially("9143" * 9 + "X")  # 37 characters typed
    assert len(box.input_value()) == 18
    page.context.close()


def test_refused_form_shows_its_error_under_the_page_address(
    browser: Any, live_server: LiveServer
) -> None:
    w = live_server.world
    link = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    page = new_page(browser, width=1280, height=720)
    sign_in(page, live_server, "t-admin", link)
    page.fill("#assign_enterprise-enterprise", "91430000XXXXXXXXXX")
    submit_and_wait(page, "[data-testid='assign-form'] button[type=submit]")
    # the page's own address, not the POST address (…/assign: 405 on a reload or a bookmark)
    assert urlsplit(page.url).path == link
    summary = page.get_by_test_id("form-errors")
    assert page.evaluate("document.activeElement.getAttribute('data-testid')") == "form-errors"
    box = summary.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 720
    assert page.title().startswith("未保存，请更正表单")
    # the language switch and a reload both open the page, not a 405
    submit_and_wait(page, "form.lang-switch button[data-lang='en']")
    assert urlsplit(page.url).path == link
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Method not allowed" not in page.locator("main").inner_text()
    response = page.reload()
    assert response is not None and response.status == 200
    submit_and_wait(page, "form.lang-switch button[data-lang='zh']")
    page.context.close()


def test_server_sort_gives_focus_back_to_the_column(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "t-admin", "/enterprises")
    header = page.locator("[data-testid='enterprises-table'] th[data-sort-key='revenue'] button")
    header.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    wait_ready(page)
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["revenue"]
    focused = page.evaluate(
        "(() => { const th = document.activeElement.closest('th');"
        " return th && th.getAttribute('data-sort-key'); })()"
    )
    assert focused == "revenue"
    # a sorted address opened afresh (a bookmark) leaves focus where the page starts
    page.goto(f"{live_server.url}/enterprises?sort=-revenue")
    wait_ready(page)
    assert page.evaluate("document.activeElement.tagName") == "BODY"
    page.context.close()


def test_audit_count_is_announced_and_sign_out_loads_the_login_page(
    browser: Any, live_server: LiveServer
) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "t-admin", "/admin/audit")
    count = page.get_by_test_id("audit-count")
    assert count.get_attribute("aria-live") == "polite"
    page.evaluate("window.__count = document.getElementById('audit-count')")
    before = count.inner_text()
    with page.expect_response(lambda r: "/admin/audit?" in r.url):
        page.select_option("select[name='actor']", "seed")
    page.wait_for_function(f"document.getElementById('audit-count').innerText !== {before!r}")
    # the same live region, its words changed: what a screen reader announces
    assert page.evaluate("window.__count === document.getElementById('audit-count')")
    assert count.inner_text().startswith("共 ")

    # signed out in another tab of the same browser: the session this page had is gone
    other = page.context.new_page()
    other.goto(f"{live_server.url}/account")
    submit_and_wait(other, "form[action='/logout'] button[type=submit]")
    with page.expect_navigation(wait_until="load"):
        page.select_option("select[name='per_page']", "25")
    wait_ready(page)
    url = urlsplit(page.url)
    assert url.path == "/login"
    back = urlsplit(parse_qs(url.query)["next"][0])  # the page as it was (htmx pushed it)
    assert back.path == "/admin/audit" and parse_qs(back.query)["actor"] == ["seed"]
    assert page.locator("#login-username").is_visible()
    assert page.get_by_test_id("login-notice").inner_text() == "会话已结束，请重新登录后继续。"
    assert page.locator(".demo-banner").count() <= 1 and page.locator("header.topbar").count() == 1
    page.context.close()
