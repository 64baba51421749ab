"""The overview (总览) asked for a past day, in a real browser on the small demo city.

The demo's today is 2024-01-15. Asked for 2022-06-30, every card of 数据概况 answers for that
day as the 待决策事项 panel does (one overdue count on the page, the projects behind schedule
judged on that day), and what cannot be rebuilt for it (chain completeness, the database's
counts) says it is today's, with today's date.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser.harness import PASSWORD, LiveServer, demo_server, new_page, shot, sign_in

pytestmark = pytest.mark.browser
DAY = "2022-06-30"
USER = "asof-admin"


def _users(s: Session) -> None:
    accounts.create_user(s, USER, "admin", PASSWORD, principal=SYSTEM)


live_server = demo_server("browser-overview-as-of", _users)


def _count(page: Any, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().split("/")[0].strip())


def test_every_card_answers_for_the_day_asked(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, USER, f"/?as_of={DAY}")
    page.goto(f"{live_server.url}/?as_of={DAY}")
    assert f"数据截至 {DAY}" in page.get_by_test_id("leader-as-of").inner_text()
    today = page.evaluate(
        "() => JSON.parse(document.getElementById('gaodi-table-words').textContent).as_of"
    )
    assert today.endswith("2024-01-15")  # the demo's today, not the day asked for

    decisions = page.get_by_test_id("decisions")
    overdue = _count(decisions, "li[data-key=overdue_submissions] .ck-count")
    behind = _count(decisions, "li[data-key=delayed_projects] .ck-count")
    cards = page.locator(".cards-extra")
    assert _count(cards, "[data-key=plan_overdue] .kpi-value") == overdue
    assert _count(cards, "[data-key=projects_behind] .kpi-value") == behind
    assert f"截至 {DAY}" in cards.locator("[data-key=projects_behind]").inner_text()
    assert "截至2022-05" in cards.locator("[data-key=plan_targets]").inner_text()
    for key in ("plan_targets", "plan_overdue", "challenges_open", "appeals_overdue"):
        assert f"按 {DAY} 判断" in cards.locator(f"[data-key={key}]").inner_text(), key
    # chain completeness is today's state: it says so, with today's date
    chains = cards.locator("[data-key=chains]").inner_text()
    assert "当前数值（2024-01-15），不随所选日期回溯" in chains
    # no card shows today's date unless it says it is today's figure
    for card in cards.locator(".kpi").all():
        text = card.inner_text()
        assert "2024-01-15" not in text or "不随所选日期回溯" in text, text
    summary = page.get_by_test_id("data-summary-current").inner_text()
    assert "2024-01-15" in summary and DAY in summary
    shot(page, "overview-as-of.png")
