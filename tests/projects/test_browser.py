"""In a real browser, on a copy of the small demo city: each workflow walked by the demo account
that owns the step (chain office advances a project, the analyst reviews a challenge, the
enterprise confirms an appeal), and the charts draw. Same launch setup as tests/browser
(tests/browser/harness.py)."""

from __future__ import annotations

from typing import Any

import pytest

from gaodi.accounts import service as accounts
from tests.browser.harness import (
    LiveServer,
    browser,
    chart_ink,
    demo_server,
    shot,
    signed_in,
    submit_and_wait,
    wait_for_chart,
)

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with tests/browser


live_server = demo_server("browser-projects", accounts.demo_accounts, accounts.DEMO_PASSWORD)


def _flash(page: Any) -> tuple[str, str]:
    flash = page.locator(".flash").last
    return (flash.get_attribute("class") or "", flash.inner_text())


def test_chain_office_advances_a_project(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "demo-chain", "/projects?stage=signed")
    submit_and_wait(page, page.locator("[data-testid=projects-table] tbody tr[data-id] a").first)
    # A signed project has usually reported no investment yet: the page says so instead of
    # drawing empty axes; where it has, the chart draws.
    if page.locator("[data-project-chart]").count():
        wait_for_chart(page, "[data-project-chart]")
    else:
        assert page.locator("[data-testid=chart-empty]").inner_text().strip()
    shot(page, "projects-project-zh-1366.png")
    page.fill("#advance-on", "2023-12-30")
    submit_and_wait(page, "[data-testid=step-advance] button[type=submit]")
    kind, text = _flash(page)
    assert "flash-success" in kind, text
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "started"
    assert "advance" not in page.locator("[data-testid=history]").inner_text()  # labelled
    assert "开工" in page.locator("[data-testid=history]").inner_text()


def test_analyst_reviews_a_challenge(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "demo-analyst", "/challenges?status=review")
    links = page.locator("[data-testid=challenges-table] tbody tr[data-id] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:  # the open review whose panel includes demo-analyst
        page.goto(f"{live_server.url}{href}")
        if page.locator("[data-testid^=step-declare-]").count():
            break
    declare = page.locator("[data-testid^=step-declare-]").first
    submit_and_wait(page, declare.locator("button[type=submit]"))
    assert "flash-success" in _flash(page)[0]
    score = page.locator("[data-testid^=step-score-]").first
    score.locator("input[name=score]").fill("86")
    submit_and_wait(page, score.locator("button[type=submit]"))
    assert "flash-success" in _flash(page)[0]
    assert page.locator("[data-testid=step-award]").count() == 0  # the office's step


def test_enterprise_confirms_and_stats_chart_draws(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "demo-enterprise", "/appeals?status=resolved")
    submit_and_wait(page, page.locator("[data-testid=appeals-table] tbody tr[data-id] a").first)
    page.select_option("#confirm-satisfaction", "4")
    submit_and_wait(page, "[data-testid=step-confirm] button[type=submit]")
    assert "flash-success" in _flash(page)[0]
    assert page.locator("[data-testid=satisfaction]").inner_text() == "4"
    page.goto(f"{live_server.url}/appeals/stats")
    assert chart_ink(page, "[data-stack-chart]") > 2000
    shot(page, "projects-appeal-stats-zh-1366.png")
