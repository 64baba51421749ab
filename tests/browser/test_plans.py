"""In a real browser, on the demo city: the plan board (lights, bars against 序时进度, filters),
a target's chart, the draft-review page (load, edit, merge, delete, adopt) and data entry with
a flagged value. Same launch setup as tests/browser/conftest.py (its ``browser`` fixture);
the live server here serves a copy of the demo city instead of the small seeded world."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2.profiles import CHEAPEST

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app
from tests.browser.conftest import LiveServer, _free_port, _require_browser

pytestmark = pytest.mark.browser
PASSWORD = "browser-password-1"
USERS = {"analyst": "planner", "checker": "checker"}

CANVAS_INK = """
(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return -1;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; }
  return ink;
}
"""


class _World:
    def __init__(self) -> None:
        self.users = USERS


@pytest.fixture(scope="module")
def live_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app on a private copy of the small demo city, with a planner and a checker."""
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-plans")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        for name in USERS.values():
            accounts.create_user(s, name, "analyst", PASSWORD)
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-plans-secret-0123"))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", _World())  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(timeout=10)
    accounts.set_hash_parameters(None)
    engine.dispose()


def _signed_in(browser: Any, server: LiveServer, user: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    assert "/login" in page.url
    page.fill("#login-username", user)
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_board(browser: Any, live_server: LiveServer, artifacts: Path) -> None:
    page = _signed_in(browser, live_server, "planner", "/plans?as_of=2023-06")
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
    page.screenshot(path=str(artifacts / "plans-board-zh-1366.png"), full_page=True)
    # filter: red only
    page.select_option("#f-status", "red")
    page.click("[data-testid=board-filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "status=red" in page.url
    red_rows = page.locator("[data-testid=board-table] tbody tr[data-target]")
    assert red_rows.count() >= 1
    assert {red_rows.nth(i).get_attribute("data-status") for i in range(red_rows.count())} == {
        "red"
    }
    # a target page: the chart draws
    red_rows.first.locator("a").first.click()
    page.wait_for_selector("#target-chart[data-chart-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(200)
    ink = int(page.evaluate(CANVAS_INK, "#target-chart"))
    assert ink > 2000, f"the target chart looks blank ({ink} inked pixels)"
    assert page.locator("[data-testid=revisions] tbody tr").count() >= 10
    page.screenshot(path=str(artifacts / "plans-target-zh-1366.png"), full_page=True)
    page.context.close()


PLAN_TEXT = """某市制造业提质行动计划(2024—2026年)
1 实施园区提效行动
到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。
2 实施企业培育行动
到2026年,新材料产业产值突破3000亿元,培育专精特新企业200家。
"""


def test_review_page(browser: Any, live_server: LiveServer, artifacts: Path) -> None:
    page = _signed_in(browser, live_server, "planner", "/plans/list")
    page.fill("#load-text", PLAN_TEXT)
    page.fill("#load-name", "浏览器测试")
    page.click("[data-testid=load-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/plans/drafts/" in page.url
    assert page.locator("[data-testid=plan-status]").inner_text() == "草稿"
    items = page.locator(".target-item")
    n = items.count()
    assert n >= 3
    page.screenshot(path=str(artifacts / "plans-review-zh-1366.png"), full_page=True)
    ids = [int(items.nth(i).get_attribute("data-testid").split("-")[1]) for i in range(n)]
    # edit the first target: baseline and owner
    first = ids[0]
    form = page.locator(f"[data-testid=edit-{first}]")
    form.locator("input[name=baseline]").fill("2")
    form.locator("input[name=baseline_year]").fill("2023")
    form.locator("input[name=owner]").fill("市工信局园区处")
    page.click(f"[data-testid=save-{first}]")
    page.wait_for_load_state("networkidle")
    saved = page.locator(f"[data-testid=edit-{first}]")
    assert saved.locator("input[name=baseline]").input_value() == "2.0"
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
    page.click("[data-testid=merge-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".target-item").count() == n - 1
    assert "合并自" in page.locator(f"[data-testid=target-{dup[0]}]").inner_text()
    # delete the last target, then adopt
    last = ids[-1]
    page.click(f"[data-testid=delete-{last}]")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"[data-testid=target-{last}]").count() == 0
    page.click("[data-testid=adopt]")
    page.wait_for_load_state("networkidle")
    assert "/plans?plan_id=" in page.url
    assert page.locator("[data-testid=board-table] tbody tr[data-target]").count() == n - 2
    page.context.close()


def test_entry_with_a_flagged_value(browser: Any, live_server: LiveServer) -> None:
    page = _signed_in(browser, live_server, "planner", "/plans/entry")
    page.select_option("#e-indicator", "industrial_investment")
    page.fill("#e-period", "2023-12")
    page.fill("#e-value", "10")
    page.click("[data-testid=entry-submit]")
    page.wait_for_load_state("networkidle")
    flags = page.locator("[data-testid=entry-flags] li[data-check=cumulative_decrease]")
    assert flags.count() == 1 and "年内累计值不应下降" in flags.inner_text()
    page.check("[data-testid=confirm]")
    page.fill("[data-testid=reason]", "年末核减（测试）")
    page.click("[data-testid=entry-submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/plans/entry")
    assert "已报送" in page.locator(".flash").first.inner_text()
    page.context.close()
