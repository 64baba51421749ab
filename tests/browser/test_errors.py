"""Error pages in a real browser: a 404 keeps the signed-in layout, a 422 says what is wrong in
the page's language (no pydantic English, no regex) and offers no Excel export."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import LiveServer, new_page, shot, sign_in

pytestmark = pytest.mark.browser


def test_unknown_address_signed_in_and_anonymous(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "t-admin")
    for path in ("/nonexistent", "/plans/999999"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        assert page.locator("h1").inner_text().strip() == "页面不存在"
        assert page.locator("nav.mainnav").is_visible(), path
        assert page.locator(".user-name").is_visible(), path
        back = page.get_by_role("link", name="返回总览")
        assert back.is_visible() and back.get_attribute("href") == "/", path
        assert page.get_by_role("link", name="登录").count() == 0, path
    shot(page, "error-404-signed-in.png")
    back.click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().strip() == "总览"

    anonymous = new_page(browser)
    response = anonymous.goto(f"{live_server.url}/nonexistent")
    assert response is not None and response.status == 404
    assert anonymous.locator("nav.mainnav").count() == 0
    assert anonymous.get_by_role("link", name="登录").is_visible()


def test_bad_parameters_in_words(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "t-admin")
    cases = {
        "/plans?as_of=garbage": "截至月份须为 YYYY-MM 格式",
        "/plans/targets/abc": "目标编号须为整数",
        "/enterprises?page=-1": "页码须为 1 至 1000000 之间的整数",
        "/smart?as_of=2023-02-30": "截至日期须为有效日期",
    }
    for path, words in cases.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 422, path
        text = page.locator("main").inner_text()
        assert words in text, (path, text)
        for raw in ("Input should", "String should", "pattern", "^("):
            assert raw not in text, (path, raw)
        assert page.get_by_test_id("export-xlsx").count() == 0, path
        assert page.locator("nav.mainnav").is_visible(), path
    shot(page, "error-422.png")
