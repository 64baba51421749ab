"""In a real browser, on the small demo city: the chain map (an ECharts tree on a canvas, coloured
by status, the reason on hover, a link node that opens the link page) and a chain office's
scope. Launch setup as in tests/browser/conftest.py (its ``browser`` fixture); the live server
here serves a copy of the demo city."""

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
USERS = {"admin": "chains-admin", "chain_office": "cm-office"}

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
    users = USERS


@pytest.fixture(scope="module")
def demo_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app on a private copy of the small demo city; an administrator and the office of
    the 工程机械 (CM) chain."""
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-chains")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, USERS["admin"], "admin", PASSWORD)
        accounts.create_user(s, USERS["chain_office"], "chain_office", PASSWORD, chains=["CM"])
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-chains-secret-01"))
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


def signed_in(browser: Any, server: LiveServer, role: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    assert "/login" in page.url
    page.fill("#login-username", USERS[role])
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_chain_map(browser: Any, demo_server: LiveServer, artifacts: Path) -> None:
    page = signed_in(browser, demo_server, "chain_office", "/chains")
    rows = page.locator("[data-testid=chains-table] tbody tr")
    assert rows.count() == 1  # the office sees its own chain only
    page.click("a[data-chain=CM]")
    page.wait_for_selector("#chain-tree[data-chart-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(300)
    ink = int(page.evaluate(CANVAS_INK, "#chain-tree"))
    assert ink > 5000, f"the chain map looks blank ({ink} inked pixels)"
    legend = page.locator("[data-testid=legend]").inner_text()
    assert "缺链" in legend and "弱链" in legend and "强链" in legend
    page.screenshot(path=str(artifacts / "chains-map-zh-1366.png"), full_page=True)
    # the node 轴承 (CM-06) is drawn: hovering shows the reason, clicking opens the link page
    pos = page.evaluate("() => window.gaodiChainTree.nodePosition('轴承')")
    assert pos is not None
    page.evaluate(f"window.scrollTo(0, {pos['y']} - 300)")
    page.wait_for_timeout(200)
    pos = page.evaluate("() => window.gaodiChainTree.nodePosition('轴承')")
    x = pos["x"] - page.evaluate("window.scrollX")
    y = pos["y"] - page.evaluate("window.scrollY")
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    tooltip = page.locator("#chain-tree > div").filter(has_text="判定为")
    assert tooltip.count() == 1, "no tooltip with the status reason"
    assert tooltip.inner_text().startswith("轴承")
    page.mouse.click(x, y)
    page.wait_for_url("**/chains/*/links/*", timeout=10000)
    assert page.locator("h1").inner_text().startswith("轴承")
    assert page.locator("[data-testid=link-reason]").inner_text().endswith(("弱链", "强链"))
    page.screenshot(path=str(artifacts / "chains-link-zh-1366.png"), full_page=True)
    page.context.close()


def test_chain_office_cannot_open_another_chain(browser: Any, demo_server: LiveServer) -> None:
    page = signed_in(browser, demo_server, "chain_office", "/chains")
    response = page.goto(f"{demo_server.url}/chains/2")  # 汽车 (AUTO)
    assert response is not None and response.status == 404
    response = page.goto(f"{demo_server.url}/chains/2/links/25")
    assert response is not None and response.status == 404
    page.context.close()
