"""In a real browser, on the demo city: the plan board (lights, bars against 序时进度, filters),
a target's chart, the draft-review page (load, edit, merge, delete, adopt) and data entry with
a flagged value. Same launch setup as tests/browser/harness.py (``browser``, ``demo_server``);
the live server here serves a copy of the demo city instead of the small seeded world."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser.harness import (
    PASSWORD,
    LiveServer,
    chart_ink,
    demo_server,
    shot,
    signed_in,
    submit_and_wait,
)

pytestmark = pytest.mark.browser
USERS = {"analyst": "planner", "checker": "checker"}


def _users(s: Session) -> None:
    """A planner and a checker."""
    for name in USERS.values():
        accounts.create_user(s, name, "analyst", PASSWORD, principal=SYSTEM)


live_server = demo_server("browser-plans", _users)


def test_board(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "planner", "/plans?as_of=2023-06")
    assert page.locator("[data-testid=board-as-of]").inner_text() == "2023-06"
    rows = page.locator("[data-testid=board-table] tbody tr[data-target]")
    assert rows.count() == 31
    statuses = {rows.nth(i).get_attribute("data-status") for i in range(rows.count())}
    assert "green" in statuses and statuses & {"yellow", "red"}
    # the green light is drawn green, the red one red
    green = page.locator(".light-green .dot").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert green == "rgb(30, 158, 74)"
    assert page.locator("[data-testid=marker]").count() >= 20  # 序时进度 markers on the bars
    shot(page, "plans-board-zh-1366.png")
    # filter: red only
    page.select_option("#f-status", "red")
    submit_and_wait(page, "[data-testid=board-filters] button[type=submit]")
    assert "status=red" in page.url
    red_rows = page.locator("[data-testid=board-table] tbody tr[data-target]")
    assert red_rows.count() >= 1
    assert {red_rows.nth(i).get_attribute("data-status") for i in range(red_rows.count())} == {
        "red"
    }
    # a target page: the chart draws
    red_rows.first.locator("a").first.click()
    ink = chart_ink(page, "#target-chart")
    assert ink > 2000, f"the target chart looks blank ({ink} inked pixels)"
    assert page.locator("[data-testid=revisions] tbody tr").count() >= 10
    shot(page, "plans-target-zh-1366.png")
    page.context.close()


PLAN_TEXT = """某市制造业提质行动计划(2024—2026年)
1 实施园区提效行动
到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。
2 实施企业培育行动
到2026年,新材料产业产值突破3000亿元,培育专精特新企业200家。
"""


def test_review_page(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "planner", "/plans/list")
    page.fill("#load-text", PLAN_TEXT)
    page.fill("#load-name", "浏览器测试")
    submit_and_wait(page, "[data-testid=load-form] button[type=submit]")
    assert "/plans/drafts/" in page.url
    assert page.locator("[data-testid=plan-status]").inner_text() == "草稿"
    items = page.locator(".target-item")
    n = items.count()
    assert n >= 3
    shot(page, "plans-review-zh-1366.png")
    ids = [int(items.nth(i).get_attribute("data-testid").split("-")[1]) for i in range(n)]
    # edit the first target: baseline and owner
    first = ids[0]
    form = page.locator(f"[data-testid=edit-{first}]")
    form.locator("input[name=baseline]").fill("2")
    form.locator("input[name=baseline_year]").fill("2023")
    form.locator("input[name=owner]").fill("市工信局园区处")
    submit_and_wait(page, f"[data-testid=save-{first}]")
    saved = page.locator(f"[data-testid=edit-{first}]")
    assert saved.locator("input[name=baseline]").input_value() == "2"  # as typed, not 2.0
    assert saved.locator("input[name=owner]").input_value() == "市工信局园区处"
    # merge the two 新材料 targets
    dup = [
        i
        for i in ids
        if "新材料" in page.locator(f"[data-testid=target-{i}] strong").first.inner_text()
    ]
    assert len(dup) == 2
    for i in dup:
        page.check(f"[data-merge='{i}']")
    page.fill("[data-testid=merge-keep]", str(dup[0]))
    submit_and_wait(page, "[data-testid=merge-submit]")
    assert page.locator(".target-item").count() == n - 1
    assert "合并自" in page.locator(f"[data-testid=target-{dup[0]}]").inner_text()
    # delete the last target, then adopt
    last = ids[-1]
    submit_and_wait(page, f"[data-testid=delete-{last}]")
    assert page.locator(f"[data-testid=target-{last}]").count() == 0
    submit_and_wait(page, "[data-testid=adopt]")
    assert "/plans?plan_id=" in page.url
    assert page.locator("[data-testid=board-table] tbody tr[data-target]").count() == n - 2
    page.context.close()


def test_entry_with_a_flagged_value(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "planner", "/plans/entry")
    page.select_option("#entry_form-indicator", "industrial_investment")
    page.fill("#entry_form-period", "2023-12")
    page.fill("#entry_form-value", "10")
    submit_and_wait(page, "[data-testid=entry-submit]")
    flags = page.locator("[data-testid=entry-flags] li[data-check=cumulative_decrease]")
    assert flags.count() == 1 and "年内累计值不应下降" in flags.inner_text()
    page.check("[data-testid=confirm]")
    page.fill("[data-testid=reason]", "年末核减（测试）")
    submit_and_wait(page, "[data-testid=entry-submit]")
    assert page.url.endswith("/plans/entry")
    assert "已报送" in page.locator(".flash").first.inner_text()
    page.context.close()
