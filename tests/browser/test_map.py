"""产业地图 in a real browser, on the small demo city: the ECharts option read back from the page
(a `map` series over the nine districts of 长沙 with numeric values and no undefined/null names,
the parks as scatter points), the measure switched (URL and title follow), the chain filter
applied (the values change to the chain's own and the title names it), a click on a district
opening its page and a click on a park opening the park's; a park office sees its park only and
the other districts at zero. The 1600×1000 screenshot goes to test-artifacts/browser/map.png, and
to docs/images/map.png (the README tour) when GAODI_README_SHOTS=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.core.reference import region_children
from tests.browser.harness import (
    PASSWORD,
    LiveServer,
    artifact,
    demo_server,
    new_page,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser
PARK = "长沙经济技术开发区"
DISTRICTS = {r.name for r in region_children("430100")}
README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "map.png"

OPTION = """
() => {
  const el = document.querySelector("[data-testid=map-chart]");
  const o = window.echarts.getInstanceByDom(el).getOption();
  return {
    title: o.title[0].text, subtext: o.title[0].subtext,
    series: o.series.map((s) => ({type: s.type, data: s.data.map((d) => ({
      name: d.name, value: d.value, url: d.url || null}))})),
  };
}
"""
PIXEL = """
([lng, lat]) => {
  const el = document.querySelector("[data-testid=map-chart]");
  const chart = window.echarts.getInstanceByDom(el);
  const [x, y] = chart.convertToPixel({geoIndex: 0}, [lng, lat]);
  const box = el.getBoundingClientRect();
  return [box.left + x, box.top + y];
}
"""


def _users(s: Session) -> None:
    accounts.create_user(s, "map-admin", "admin", PASSWORD, principal=SYSTEM)
    accounts.create_user(s, "map-park", "park_office", PASSWORD, parks=[PARK], principal=SYSTEM)


live_server = demo_server("browser-map", _users)


def _ready(page: Any) -> dict[str, Any]:
    page.wait_for_selector("[data-testid=map-chart][data-map-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(300)
    return page.evaluate(OPTION)


def _check_option(option: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    kinds = [s["type"] for s in option["series"]]
    assert kinds == ["map", "scatter"], kinds
    regions, parks = option["series"][0]["data"], option["series"][1]["data"]
    assert {d["name"] for d in regions} == DISTRICTS and len(regions) == 9
    for d in regions + parks:
        assert d["name"] not in (None, "", "undefined", "null"), d
    return regions, parks


def test_map_as_admin(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, width=1600, height=1000)
    sign_in(page, live_server, "map-admin", "/map")
    assert "产业地图" in page.locator("h1").inner_text()
    assert "产业地图" in page.locator("nav").first.inner_text()
    option = _ready(page)
    regions, parks = _check_option(option)
    assert all(isinstance(d["value"], int | float) for d in regions)
    assert sum(d["value"] for d in regions) > 0
    assert len(parks) == 7 and all(len(p["value"]) == 2 for p in parks)
    assert "示例数据" in option["subtext"] and "2023" in option["subtext"]
    assert "企业数" in option["title"]
    facts = page.locator("[data-testid=map-facts]").inner_text()
    assert "2023" in facts and "示例数据" in facts
    assert "位置示意（区县中心）" in page.locator("[data-testid=map-legend]").inner_text()
    page.screenshot(path=str(artifact("map.png")))
    if os.environ.get("GAODI_README_SHOTS") == "1":
        shutil.copyfile(artifact("map.png"), README_SHOT)

    # switch the measure: the URL and the chart's title follow
    page.click("[data-measure=output]")
    page.wait_for_load_state("networkidle")
    assert "measure=output" in page.url
    option = _ready(page)
    assert "工业总产值" in option["title"]
    city_output = {d["name"]: d["value"] for d in _check_option(option)[0]}

    # filter by chain: the chain's own enterprises, named in the title; the URL keeps it
    page.select_option("[data-testid=map-chain]", label="工程机械")
    page.click("[data-testid=map-filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "chain=" in page.url and "measure=output" in page.url
    option = _ready(page)
    assert "工程机械" in option["subtext"]
    chain_output = {d["name"]: d["value"] for d in _check_option(option)[0]}
    assert all((chain_output[n] or 0) <= (city_output[n] or 0) + 1e-9 for n in DISTRICTS) and sum(
        v or 0 for v in chain_output.values()
    ) < sum(v or 0 for v in city_output.values())

    # click a district without a park on it (芙蓉区): its page, the filters kept
    centre = page.evaluate(
        "() => fetch('/api/v1/map/geo/430100').then((r) => r.json()).then((g) => "
        "g.features.find((f) => f.properties.code === '430102').properties.center)"
    )
    x, y = page.evaluate(PIXEL, centre)
    page.mouse.click(x, y)
    page.wait_for_url("**district=430102**", timeout=10000)
    assert "chain=" in page.url
    assert "芙蓉区" in page.locator("[data-testid=map-district] h2").inner_text()

    # click a park point: the park's page
    _ready(page)
    park = page.evaluate("() => fetch('/api/v1/map').then((r) => r.json()).then((m) => m.parks[0])")
    x, y = page.evaluate(PIXEL, [park["lng"], park["lat"]])
    page.mouse.click(x, y)
    page.wait_for_url(f"**/parks/{park['id']}", timeout=10000)
    page.context.close()


def test_map_as_park_office(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "map-park", "/map")
    regions, parks = _check_option(_ready(page))
    values = {d["name"]: d["value"] for d in regions}
    assert values["长沙县"] > 0  # the park's district
    assert all(v == 0 for n, v in values.items() if n != "长沙县")
    assert [p["name"] for p in parks] == ["长沙经开区"]
    assert "权限范围" in page.locator("[data-testid=map-facts]").inner_text()
    shot(page, "map-park-office-zh-1366.png")
    page.context.close()
