"""In a real browser, on the small demo city: the opportunity scatter and the strategic-approach
quadrant are drawn (ink on their canvases) and the Atlas presets switch the ranking; the
specialisation bubble chart is drawn; the park ranking lists the seven parks with their class
counts and tier bars, and a park office sees its own park only (another park: 404).
Same launch setup as tests/browser/harness.py (``browser``, ``demo_server``); the live server serves
a private copy of the demo city."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.regions.panel import peer_specs
from tests.browser.harness import PASSWORD, LiveServer, chart_ink, demo_server, shot, signed_in

pytestmark = pytest.mark.browser
PARK = "长沙经济技术开发区"


def _users(s: Session) -> None:
    """An analyst and the office of 长沙经开区 (park 1)."""
    accounts.create_user(s, "city-analyst", "analyst", PASSWORD, principal=SYSTEM)
    accounts.create_user(s, "park-office", "park_office", PASSWORD, parks=[PARK], principal=SYSTEM)


live_server = demo_server("browser-regions", _users)


def test_opportunity_scatter_and_presets(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "city-analyst", "/regions/opportunities")
    assert chart_ink(page, "[data-testid=opportunity-chart]") > 3000
    assert chart_ink(page, "[data-testid=quadrant-chart]") > 3000
    assert page.locator("[data-testid=approach]").get_attribute("data-approach")
    first_balanced = page.locator("[data-testid=opportunity-table] tbody tr").first.get_attribute(
        "data-industry"
    )
    shot(page, "regions-opportunities-zh-1366.png")
    page.click("[data-strategy=long_jumps]")
    page.wait_for_load_state("networkidle")
    assert "strategy=long_jumps" in page.url
    current = page.locator("[data-testid=strategies] [aria-current=true]")
    assert current.get_attribute("data-strategy") == "long_jumps"
    assert "0.45" in page.locator("[data-testid=weights]").inner_text()
    assert chart_ink(page, "[data-testid=opportunity-chart]") > 3000
    # the demo subtitle is on the chart's data
    assert "示例数据" in page.locator("#opp-data").inner_text()
    assert page.locator("[data-testid=opportunity-table] tbody tr").count() == 50
    assert first_balanced  # a ranking was shown before the switch
    page.context.close()


def test_specialisation_bubble_chart(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "city-analyst", "/regions")
    assert chart_ink(page, "[data-testid=bubble-chart]") > 3000
    assert page.locator("[data-testid=specialisation-table] tbody tr").count() > 50
    page.context.close()


def test_park_ranking_and_a_park_office(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "city-analyst", "/parks")
    rows = page.locator("[data-testid=park-ranking] tbody tr")
    assert rows.count() == 7
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(7)] == [
        str(i) for i in range(1, 8)
    ]
    assert rows.first.locator("[data-class=A]").count() == 1
    bars = page.locator("[data-testid=tier-progress] [data-tier=t1000]")
    assert bars.count() == 7
    assert page.locator("[data-testid=tier-progress] [data-status=reached]").count() >= 1
    shot(page, "parks-ranking-zh-1366.png")
    page.locator("[data-testid=park-ranking] a", has_text="长沙经开区").click()
    page.wait_for_load_state("networkidle")
    page.click("[data-class-tab=A]")
    page.wait_for_load_state("networkidle")
    classes = page.locator("[data-testid=enterprise-list] tbody [data-class]")
    assert classes.count() > 0
    assert {classes.nth(i).inner_text() for i in range(classes.count())} == {"A"}
    # each firm's item points stand beside its total and add up to it (as rounded on the page)
    row = page.locator("[data-testid=enterprise-list] tbody tr").first
    cells = row.locator("td[data-points]")
    points = [float(cells.nth(i).get_attribute("data-points") or 0) for i in range(cells.count())]
    total = float(row.locator("td").nth(3).inner_text())
    assert points and abs(sum(points) - total) < 0.06
    assert "分" in cells.first.inner_text()
    # the firms left out are listed with their reason, and the city-wide list is one click away
    assert "未参评企业及原因" in page.locator("h2", has_text="未参评").inner_text()
    page.click("text=全部未参评企业")
    page.wait_for_load_state("networkidle")
    left = page.locator("[data-testid=excluded-list] tbody tr[data-reason]")
    assert left.count() > 0
    reasons = {left.nth(i).get_attribute("data-reason") for i in range(min(left.count(), 50))}
    assert reasons & {"below_land", "no_land", "no_scheme"} or any(
        r and r.startswith("missing:") for r in reasons
    )
    assert "用地门槛 3 亩" in page.locator("h1 + p").inner_text()
    page.context.close()
    office = signed_in(browser, live_server, "park-office", "/parks")
    rows = office.locator("[data-testid=park-ranking] tbody tr")
    assert rows.count() == 1 and "长沙经开区" in rows.first.inner_text()
    response = office.goto(f"{live_server.url}/parks/2")
    assert response is not None and response.status == 404
    office.context.close()


def test_english_specialisation_page_words(browser: Any, live_server: LiveServer) -> None:
    """An English reader sees the panel's unit and the peer group in English (the group's
    label_en), with English brackets; the bubble chart is drawn and names its size in English."""
    page = signed_in(browser, live_server, "city-analyst", "/regions?group=plan", locale="en-US")
    assert page.locator("html").get_attribute("lang").startswith("en")
    said = page.locator("[data-testid=provenance]").inner_text()
    assert "output (100m yuan)" in said and "亿元" not in said, said
    group = page.locator("[data-testid=peer-group]").inner_text()
    assert group == peer_specs()[2]["plan"].en
    assert not re.search(r"[\u4e00-\u9fff（）]", group), group
    assert chart_ink(page, "[data-testid=bubble-chart]") > 3000
    size = page.evaluate(
        "() => JSON.parse(document.getElementById('bubble-data').textContent).size_name"
    )
    assert size == "Size (100m yuan)"
    page.context.close()
