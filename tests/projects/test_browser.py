"""In a real browser, on a copy of the small demo city: each workflow walked by the demo account
that owns the step (chain office advances a project, the analyst reviews a challenge, the
enterprise confirms an appeal), and the charts draw. Same launch setup as tests/browser."""

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
from tests.browser.conftest import LiveServer, _free_port, _require_browser, artifacts, browser

pytestmark = pytest.mark.browser
__all__ = ["artifacts", "browser"]  # fixtures used here

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


@pytest.fixture(scope="module")
def live_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-projects")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        accounts.demo_accounts(s)
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-projects-0123456"))
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
    yield LiveServer(f"http://127.0.0.1:{port}", None)  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(timeout=10)
    accounts.set_hash_parameters(None)
    engine.dispose()


def _signed_in(browser: Any, server: LiveServer, user: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    page.fill("#login-username", user)
    page.fill("#login-password", accounts.DEMO_PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _flash(page: Any) -> tuple[str, str]:
    flash = page.locator(".flash").last
    return (flash.get_attribute("class") or "", flash.inner_text())


def test_chain_office_advances_a_project(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
    page = _signed_in(browser, live_server, "demo-chain", "/projects?stage=signed")
    page.locator("[data-testid=projects-table] tbody tr[data-id] a").first.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-project-chart][data-chart-ready='1'] canvas", timeout=15000)
    page.screenshot(path=str(artifacts / "projects-project-zh-1366.png"), full_page=True)
    page.fill("#advance-on", "2023-12-30")
    page.click("[data-testid=step-advance] button[type=submit]")
    page.wait_for_load_state("networkidle")
    kind, text = _flash(page)
    assert "flash-success" in kind, text
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "started"
    assert "advance" not in page.locator("[data-testid=history]").inner_text()  # labelled
    assert "开工" in page.locator("[data-testid=history]").inner_text()


def test_analyst_reviews_a_challenge(browser: Any, live_server: LiveServer) -> None:
    page = _signed_in(browser, live_server, "demo-analyst", "/challenges?status=review")
    links = page.locator("[data-testid=challenges-table] tbody tr[data-id] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:  # the open review whose panel includes demo-analyst
        page.goto(f"{live_server.url}{href}")
        if page.locator("[data-testid^=step-declare-]").count():
            break
    declare = page.locator("[data-testid^=step-declare-]").first
    declare.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "flash-success" in _flash(page)[0]
    score = page.locator("[data-testid^=step-score-]").first
    score.locator("input[name=score]").fill("86")
    score.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "flash-success" in _flash(page)[0]
    assert page.locator("[data-testid=step-award]").count() == 0  # the office's step


def test_enterprise_confirms_and_stats_chart_draws(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
    page = _signed_in(browser, live_server, "demo-enterprise", "/appeals?status=resolved")
    page.locator("[data-testid=appeals-table] tbody tr[data-id] a").first.click()
    page.wait_for_load_state("networkidle")
    page.select_option("#confirm-satisfaction", "4")
    page.click("[data-testid=step-confirm] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "flash-success" in _flash(page)[0]
    assert page.locator("[data-testid=satisfaction]").inner_text() == "4"
    page.goto(f"{live_server.url}/appeals/stats")
    page.wait_for_selector("[data-stack-chart][data-chart-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(200)
    assert int(page.evaluate(CANVAS_INK, "[data-stack-chart]")) > 2000
    page.screenshot(path=str(artifacts / "projects-appeal-stats-zh-1366.png"), full_page=True)
