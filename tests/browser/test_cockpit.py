"""The leader's overview (总览) and the 大屏 in a real browser, on the small demo city.

Each role opens ``/``: every ECharts instance is read back (series with data, no undefined or
null category label), every link of 待决策事项 answers 200, and what the role may not read is
absent. The 大屏 opens at 1920×1080: nothing scrolls, the refresh timer counts down, its charts
carry data and the map cell holds the map or its placeholder. Screenshots go to
test-artifacts/browser/; with GAODI_DOCS_SCREENSHOTS=1 the administrator's also replace
docs/images/overview.png and docs/images/screen.png (the README tour), so that an ordinary run
leaves the working tree alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.core.permissions import SYSTEM
from gaodi.enterprises.models import Enterprise
from gaodi.parks.models import Park
from gaodi.projects.models import Project
from tests.browser.harness import (
    PASSWORD,
    LiveServer,
    demo_server,
    new_page,
    shot,
    sign_in,
    submit_and_wait,
    wait_ready,
)
from tests.browser.test_charts import check_chart, read_charts

pytestmark = pytest.mark.browser
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
DOCS_SCREENSHOTS = os.environ.get("GAODI_DOCS_SCREENSHOTS") == "1"
ROLES = ("admin", "chain_office", "park_office", "enterprise")


@dataclass(frozen=True)
class _World:
    users: dict[str, str]
    chain_name: str
    other_chain: str


def _world(s: Session) -> _World:
    """One user per role; the chain office gets the chain with the most projects."""
    chain_id = s.scalar(
        select(Project.chain_id).group_by(Project.chain_id).order_by(func.count().desc())
    )
    chain = s.get(Chain, chain_id)
    assert chain is not None
    other = s.scalars(select(Chain).where(Chain.id != chain.id).order_by(Chain.id)).first()
    park = s.scalars(select(Park).order_by(Park.id)).first()
    member = s.scalar(
        select(Enterprise.uscc)
        .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(Link.chain_id == chain.id)
        .order_by(Enterprise.id)
    )
    assert other is not None and park is not None and member is not None
    users = {role: f"cockpit-{role}" for role in ROLES}
    accounts.create_user(s, users["admin"], "admin", PASSWORD, principal=SYSTEM)
    accounts.create_user(
        s, users["chain_office"], "chain_office", PASSWORD, chains=[chain.code], principal=SYSTEM
    )
    accounts.create_user(
        s, users["park_office"], "park_office", PASSWORD, parks=[park.name], principal=SYSTEM
    )
    accounts.create_user(
        s, users["enterprise"], "enterprise", PASSWORD, enterprise=member, principal=SYSTEM
    )
    return _World(users=users, chain_name=chain.name, other_chain=other.name)


live_server = demo_server("browser-cockpit", _world)


def _open(browser: Any, server: LiveServer, role: str, path: str, **size: int) -> Any:
    page = new_page(browser, **size)
    sign_in(page, server, server.world.users[role], path)
    page.goto(f"{server.url}{path}")
    wait_ready(page)
    return page


def _decision_links(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "[data-testid=decisions] a", "(links) => links.map((a) => a.getAttribute('href'))"
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_overview_per_role(browser: Any, live_server: LiveServer, role: str) -> None:
    page = _open(browser, live_server, role, "/")
    assert page.locator("h1").inner_text().strip() == "总览"
    assert re.search(r"数据截至 \d{4}-\d{2}-\d{2}", page.locator("body").inner_text())
    charts = read_charts(page)
    for chart in charts:
        check_chart(f"overview-{role}", chart)
    sparks = page.locator("[data-cockpit-chart=spark]").count()
    data = page.request.get(f"{live_server.url}/api/v1/overview").json()["leader"]
    if role == "enterprise":
        # may read no plan, chain or project: those sections are absent, not zero
        assert data["targets"] is None and data["chains"] is None and data["projects"] is None
        for testid in ("headline-targets", "chain-trends", "project-investment"):
            assert page.locator(f"[data-testid={testid}]").count() == 0
        assert sparks == 0
    else:
        # one sparkline per headline target and per chain with figures, as the JSON says
        n_targets = sum(
            any(p["value"] is not None for p in t["spark"]) for t in data["targets"]["rows"]
        )
        n_chains = sum(any(v is not None for v in c["output"]) for c in data["chains"]["rows"])
        assert sparks == n_targets + n_chains > 0
        assert len([c for c in charts if any(s["n"] > 0 for s in c["series"])]) >= sparks
        shown = page.locator("[data-testid=headline-targets] .ck-name").all_inner_texts()
        assert shown == [t["name"] for t in data["targets"]["rows"]]
        chains = page.locator("[data-testid=chain-trends] tbody td:first-child").all_inner_texts()
        assert [c.strip() for c in chains] == [c["name"] for c in data["chains"]["rows"]]
        if role == "chain_office":
            assert chains == [live_server.world.chain_name]
            assert live_server.world.other_chain not in page.locator("body").inner_text()
        assert page.locator("[data-testid=project-investment] .kpi-value").inner_text()
    links = _decision_links(page)
    assert len(links) >= len(data["decisions"]) > 0
    for href in links:
        assert page.request.get(f"{live_server.url}{href}").status == 200, (role, href)
    if role == "admin" and DOCS_SCREENSHOTS:
        page.screenshot(path=str(DOCS_IMAGES / "overview.png"), full_page=False)
    shot(page, f"cockpit-overview-{role}.png")
    page.context.close()


@pytest.mark.parametrize("role", ["admin", "chain_office"])
def test_wall_screen_fits_1920_by_1080(browser: Any, live_server: LiveServer, role: str) -> None:
    page = _open(browser, live_server, role, "/screen?refresh=2", width=1920, height=1080)
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 1080
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1920
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 22, 38)"
    # the refresh timer: counting down from 2 minutes, the last refresh time shown
    assert page.get_attribute("body", "data-refresh-seconds") == "120"
    assert page.evaluate("typeof window.gaodiRefreshDue") == "number"
    left = page.locator("[data-refresh-left]").inner_text()
    assert re.fullmatch(r"[12]:\d\d", left), left
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page.locator("[data-refreshed-at]").inner_text()
    )
    charts = read_charts(page)
    for chart in charts:
        check_chart(f"screen-{role}", chart)
    ids = {c["id"] for c in charts if any(s["n"] > 0 for s in c["series"])}
    assert {"screen-ranking", "screen-gauge", "screen-invest"} <= ids
    ranking = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('screen-ranking')).getOption()"
        ".yAxis[0].data"
    )
    data = page.request.get(f"{live_server.url}/api/v1/screen").json()
    assert ranking == data["ranking"]["labels"] and ranking
    if role == "chain_office":
        assert ranking == [live_server.world.chain_name]
    # the map cell: the map partial when installed, else its placeholder
    cell = page.locator("[data-testid=map-cell]")
    assert cell.is_visible()
    if not data["map_panel"]:
        assert page.locator("[data-testid=map-placeholder]").is_visible()
    for href in _decision_links(page):
        assert page.request.get(f"{live_server.url}{href}").status == 200, (role, href)
    if role == "admin" and DOCS_SCREENSHOTS:
        page.screenshot(path=str(DOCS_IMAGES / "screen.png"))
    shot(page, f"cockpit-screen-{role}.png", full_page=False)
    page.context.close()


def test_overview_links_to_the_screen(browser: Any, live_server: LiveServer) -> None:
    page = _open(browser, live_server, "admin", "/")
    submit_and_wait(page, "[data-testid=screen-link]")
    assert page.url.endswith("/screen")
    assert page.locator("html.screen").count() == 1
    page.context.close()


def _luminance(rgb: str) -> float:
    """WCAG 2.1 relative luminance of ``rgb(r, g, b)`` (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""
    channels = [int(x) / 255 for x in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_screen_map_title_is_readable_on_the_dark_wall(
    browser: Any, live_server: LiveServer
) -> None:
    """The map's title was ECharts' default dark grey on the wall's navy (contrast ≈ 1.5)."""
    page = _open(browser, live_server, "admin", "/screen", width=1920, height=1080)
    page.wait_for_selector(".gaodi-map[data-map-ready]")
    title_colour = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('.gaodi-map'))"
        ".getOption().title[0].textStyle.color"
    )
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    light, dark = sorted((_luminance(title_colour), _luminance(background)), reverse=True)
    ratio = (light + 0.05) / (dark + 0.05)
    assert ratio >= 4.5, (title_colour, background, ratio)  # WCAG AA for normal text
