"""In a real browser, on the small demo city: the chain map (an ECharts tree on a canvas, coloured
by status, the reason on hover, a link node that opens the link page) and a chain office's
scope. Launch setup as in tests/browser/harness.py (``browser``, ``demo_server``); the live server
here serves a copy of the demo city."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser import harness
from tests.browser.harness import PASSWORD, LiveServer, chart_ink, demo_server, shot

pytestmark = pytest.mark.browser
USERS = {"admin": "chains-admin", "chain_office": "cm-office"}


def _users(s: Session) -> None:
    """An administrator and the office of the 工程机械 (CM) chain."""
    accounts.create_user(s, USERS["admin"], "admin", PASSWORD, principal=SYSTEM)
    accounts.create_user(
        s, USERS["chain_office"], "chain_office", PASSWORD, chains=["CM"], principal=SYSTEM
    )


live_server = demo_server("browser-chains", _users)


def signed_in(browser: Any, server: LiveServer, role: str, path: str) -> Any:
    return harness.signed_in(browser, server, USERS[role], path)


def test_chain_map(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "chain_office", "/chains")
    rows = page.locator("[data-testid=chains-table] tbody tr")
    assert rows.count() == 1  # the office sees its own chain only
    page.click("a[data-chain=CM]")
    ink = chart_ink(page, "#chain-tree", settle_ms=300)
    assert ink > 5000, f"the chain map looks blank ({ink} inked pixels)"
    legend = page.locator("[data-testid=legend]").inner_text()
    assert "缺链" in legend and "弱链" in legend and "强链" in legend
    shot(page, "chains-map-zh-1366.png")
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
    shot(page, "chains-link-zh-1366.png")
    page.context.close()


def test_chain_office_cannot_open_another_chain(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "chain_office", "/chains")
    response = page.goto(f"{live_server.url}/chains/2")  # 汽车 (AUTO)
    assert response is not None and response.status == 404
    response = page.goto(f"{live_server.url}/chains/2/links/25")
    assert response is not None and response.status == 404
    page.context.close()
