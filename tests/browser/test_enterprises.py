"""In a real browser, on the small demo city: search an enterprise, open its profile (yearly
figures chart drawn, figures table, tiers met and missed), the leader ranking; a chain office
cannot open an enterprise off its chain. Server and sign-in as in tests/browser/test_chains.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import LiveServer, chart_ink, shot, submit_and_wait
from tests.browser.test_chains import live_server, signed_in

pytestmark = pytest.mark.browser
__all__ = ["live_server"]  # the fixture of test_chains (the demo city, its users), used here


def test_enterprise_profile(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "admin", "/enterprises?tag=leader")
    rows = page.locator("[data-testid=enterprises-table] tbody tr")
    assert rows.count() >= 5
    name = rows.first.locator("a").first.inner_text()
    submit_and_wait(page, rows.first.locator("a").first)
    assert page.locator("[data-testid=enterprise-name]").inner_text().startswith(name)
    ink = chart_ink(page, "#figures-chart")
    assert ink > 2000, f"the figures chart looks blank ({ink} inked pixels)"
    assert page.locator("[data-testid=years-table] tbody tr").count() >= 1
    # a leader's main revenue is far above 2000万元: 规上 qualifies, its criteria are listed
    above = page.locator("[data-testid=tier-above_scale]")
    assert "达标" in above.locator("summary").inner_text()
    assert above.locator("tbody tr").count() == 2
    assert page.locator("details.tier").count() == 5
    shot(page, "enterprise-profile-zh-1366.png")
    page.goto(f"{live_server.url}/enterprises/rank?chain=CM")
    assert page.locator("[data-testid=rank-table] tbody tr").count() == 20
    page.context.close()


def test_chain_office_profile_scope(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "chain_office", "/enterprises")
    total = page.locator("[data-testid=enterprises-table] tbody tr").count()
    assert total >= 1
    first = page.locator("[data-testid=enterprises-table] tbody tr a").first
    href = first.get_attribute("href")
    assert href is not None
    assert page.goto(f"{live_server.url}{href}").status == 200
    # enterprise 1999 of the demo is not on the CM chain (ids follow chain order)
    response = page.goto(f"{live_server.url}/enterprises/1999")
    assert response is not None and response.status == 404
    page.context.close()


def test_leader_ranking_entropy_topsis_in_the_browser(
    browser: Any, live_server: LiveServer
) -> None:
    page = signed_in(browser, live_server, "admin", "/enterprises/rank")
    page.select_option("select[name=method]", "entropy_topsis")
    page.select_option("select[name=normalisation]", "minmax")
    submit_and_wait(page, "form.filters button[type=submit]")
    assert "method=entropy_topsis" in page.url
    assert "熵权TOPSIS" in page.locator("h1 + p").inner_text()
    weights = page.locator("[data-testid=weights]").inner_text()
    numbers = [float(x) for x in weights.replace("·", " ").split() if x.replace(".", "").isdigit()]
    assert len(numbers) >= 5 and abs(sum(numbers) - 1) < 0.01  # the weights shown add up to 1
    assert "极差标准化" in page.locator("[data-testid=normalisation]").inner_text()
    head = page.locator("[data-testid=rank-table] thead").inner_text()
    assert "D+" in head and "D−" in head
    first = page.locator("[data-testid=rank-table] tbody tr").first
    score = float(first.locator("td").nth(2).inner_text())
    d_plus = float(first.locator("[data-col=d_plus]").inner_text())
    d_minus = float(first.locator("[data-col=d_minus]").inner_text())
    assert abs(score - d_minus / (d_plus + d_minus)) < 2e-3  # C = D- / (D+ + D-), as rounded
    page.context.close()
