"""In a real browser, on the small demo city: the opportunity scatter and the strategic-approach
quadrant are drawn (ink on their canvases) and the Atlas presets switch the ranking; the
specialisation bubble chart is drawn; the park ranking lists the seven parks with their class
counts and tier bars, and a park office sees its own park only (another park: 404).
Same launch setup as tests/browser/conftest.py (its ``browser`` fixture); the live server serves
a private copy of the demo city."""

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
from tests.browser.test_smart import CANVAS_INK

pytestmark = pytest.mark.browser
PASSWORD = "browser-password-1"
PARK = "长沙经济技术开发区"


@pytest.fixture(scope="module")
def live_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app on a private copy of the small demo city, with an analyst and the office of
    长沙经开区 (park 1)."""
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-regions")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "city-analyst", "analyst", PASSWORD)
        accounts.create_user(s, "park-office", "park_office", PASSWORD, parks=[PARK])
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-regions-secret-01"))
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
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _ink(page: Any, selector: str) -> int:
    page.wait_for_selector(f"{selector}[data-chart-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(200)
    return int(page.evaluate(CANVAS_INK, selector))


def test_opportunity_scatter_and_presets(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
    page = _signed_in(browser, live_server, "city-analyst", "/regions/opportunities")
    assert _ink(page, "[data-testid=opportunity-chart]") > 3000
    assert _ink(page, "[data-testid=quadrant-chart]") > 3000
    assert page.locator("[data-testid=approach]").get_attribute("data-approach")
    first_balanced = page.locator("[data-testid=opportunity-table] tbody tr").first.get_attribute(
        "data-industry"
    )
    page.screenshot(path=str(artifacts / "regions-opportunities-zh-1366.png"), full_page=True)
    page.click("[data-strategy=long_jumps]")
    page.wait_for_load_state("networkidle")
    assert "strategy=long_jumps" in page.url
    current = page.locator("[data-testid=strategies] [aria-current=true]")
    assert current.get_attribute("data-strategy") == "long_jumps"
    assert "0.45" in page.locator("[data-testid=weights]").inner_text()
    assert _ink(page, "[data-testid=opportunity-chart]") > 3000
    # the demo subtitle is on the chart's data
    assert "示例数据" in page.locator("#opp-data").inner_text()
    assert page.locator("[data-testid=opportunity-table] tbody tr").count() == 50
    assert first_balanced  # a ranking was shown before the switch
    page.context.close()


def test_specialisation_bubble_chart(browser: Any, live_server: LiveServer) -> None:
    page = _signed_in(browser, live_server, "city-analyst", "/regions")
    assert _ink(page, "[data-testid=bubble-chart]") > 3000
    assert page.locator("[data-testid=specialisation-table] tbody tr").count() > 50
    page.context.close()


def test_park_ranking_and_a_park_office(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
    page = _signed_in(browser, live_server, "city-analyst", "/parks")
    rows = page.locator("[data-testid=park-ranking] tbody tr")
    assert rows.count() == 7
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(7)] == [
        str(i) for i in range(1, 8)
    ]
    assert rows.first.locator("[data-class=A]").count() == 1
    bars = page.locator("[data-testid=tier-progress] [data-tier=t1000]")
    assert bars.count() == 7
    assert page.locator("[data-testid=tier-progress] [data-status=reached]").count() >= 1
    page.screenshot(path=str(artifacts / "parks-ranking-zh-1366.png"), full_page=True)
    page.locator("[data-testid=park-ranking] a", has_text="长沙经开区").click()
    page.wait_for_load_state("networkidle")
    page.click("[data-class-tab=A]")
    page.wait_for_load_state("networkidle")
    classes = page.locator("[data-testid=enterprise-list] tbody [data-class]")
    assert classes.count() > 0
    assert {classes.nth(i).inner_text() for i in range(classes.count())} == {"A"}
    page.context.close()
    office = _signed_in(browser, live_server, "park-office", "/parks")
    rows = office.locator("[data-testid=park-ranking] tbody tr")
    assert rows.count() == 1 and "长沙经开区" in rows.first.inner_text()
    response = office.goto(f"{live_server.url}/parks/2")
    assert response is not None and response.status == 404
    office.context.close()
