"""In a real browser: log in, switch language, the overview chart draws, forms show errors,
the big-screen layout, htmx filtering. Screenshots: test-artifacts/browser/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import LiveServer, chart_ink, new_page, shot, sign_in, submit_and_wait

pytestmark = pytest.mark.browser


def _login(page: Any, server: LiveServer, role: str, next_path: str = "/") -> None:
    sign_in(page, server, server.world.users[role], next_path)


def test_login_overview_and_chart(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, 1366, 800)
    _login(page, live_server, "admin")
    assert page.locator("h1").first.inner_text() == "总览"
    assert page.locator("[data-testid=demo-banner]").is_visible()
    assert page.locator(".kpi[data-key=enterprises] .kpi-value").inner_text() == "4"
    ink = chart_ink(page, "#overview-chart")
    assert ink > 2000, f"the chart canvas looks blank ({ink} inked pixels)"
    shot(page, "overview-zh-1366.png")
    page.context.close()


def test_switch_language(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, 1366, 800)
    _login(page, live_server, "viewer")
    submit_and_wait(page, "button[data-lang=en]")
    assert page.locator("h1").first.inner_text() == "Overview"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("nav.mainnav").inner_text().strip().startswith("Overview")
    assert chart_ink(page, "#overview-chart") > 2000
    shot(page, "overview-en-1366.png")
    submit_and_wait(page, "button[data-lang=zh]")
    assert page.locator("h1").first.inner_text() == "总览"
    page.context.close()


def test_chart_draws_without_data(browser: Any, live_server: LiveServer) -> None:
    # the enterprise user may read no chain and no park: an empty chart with its message
    page = new_page(browser, 1366, 800)
    _login(page, live_server, "enterprise")
    assert chart_ink(page, "#overview-chart") > 50
    shot(page, "overview-empty-chart.png")
    page.context.close()


def test_form_with_bad_values_shows_errors(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, 1366, 800)
    _login(page, live_server, "admin", "/admin/users")
    page.fill("#create_user-username", "bad name!")
    page.select_option("#create_user-role", "chain_office")
    page.fill("#create_user-password", "long-enough-1")
    submit_and_wait(page, "[data-testid=create-user-form] button[type=submit]")
    error = page.locator("[data-testid=error-username]")
    assert error.is_visible() and "用户名须为" in error.inner_text()
    assert page.locator("[data-testid=form-errors]").is_visible()
    assert page.input_value("#create_user-username") == "bad name!"  # kept
    assert page.input_value("#create_user-password") == ""  # never echoed
    shot(page, "form-error-username.png")
    # fix the name; the chain office still lacks its chain
    page.fill("#create_user-username", "office-b")
    page.fill("#create_user-password", "long-enough-1")
    submit_and_wait(page, "[data-testid=create-user-form] button[type=submit]")
    assert "至少一条产业链" in page.locator("[data-testid=error-chains]").inner_text()
    page.select_option("#create_user-chains", ["CB"])
    page.fill("#create_user-password", "long-enough-1")
    submit_and_wait(page, "[data-testid=create-user-form] button[type=submit]")
    assert "/admin/users/" in page.url and "office-b" in page.locator("h2").first.inner_text()
    assert "已创建用户 office-b" in page.locator(".flash").inner_text()
    page.context.close()


def test_audit_filter_with_htmx(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, 1366, 800)
    _login(page, live_server, "admin", "/admin/audit")
    page.evaluate("window.__marker = 'same page'")
    page.select_option("select[name=action]", "login")
    page.wait_for_url("**/admin/audit?*action=login*")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, no reload
    chips = page.locator("[data-testid=audit-table] .action-chip").all_inner_texts()
    assert chips and set(chips) == {"登录"}
    shot(page, "audit-filtered.png")
    page.context.close()


@pytest.mark.parametrize("role", ["analyst", "chain_office", "park_office", "viewer"])
def test_each_role_sees_its_navigation(browser: Any, live_server: LiveServer, role: str) -> None:
    page = new_page(browser, 1366, 800)
    _login(page, live_server, role)
    nav = page.locator("nav.mainnav").inner_text()
    assert "总览" in nav and "管理" not in nav
    page.goto(f"{live_server.url}/admin/users")
    assert "无权访问" in page.content()
    page.context.close()


def test_big_meeting_room_screen(browser: Any, live_server: LiveServer) -> None:
    laptop = new_page(browser, 1366, 768)
    _login(laptop, live_server, "admin")
    small = float(
        laptop.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    )
    laptop.context.close()
    page = new_page(browser, 3840, 2160)
    _login(page, live_server, "admin")
    large = float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))
    assert large > small * 1.4  # text scales with the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "overview-zh-3840.png", full_page=False)
    page.click("[data-bigscreen-toggle]")
    bigger = float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))
    assert bigger > large
    assert chart_ink(page, "#overview-chart") > 2000
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('bigscreen')")  # remembered
    shot(page, "overview-zh-3840-bigscreen.png", full_page=False)
    page.click("[data-bigscreen-toggle]")
    page.context.close()


def test_login_page_screenshots(browser: Any, live_server: LiveServer) -> None:
    for locale, name in (("zh-CN", "zh"), ("en-US", "en")):
        page = new_page(browser, 1366, 800, locale)
        page.goto(f"{live_server.url}/login")
        assert page.locator("[data-testid=demo-banner]").is_visible()
        shot(page, f"login-{name}.png", full_page=False)
        page.context.close()
