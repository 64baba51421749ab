"""English pages' charts read back from ECharts, on the small demo city: the words the charts
draw that are not data follow the page's language.

- the enterprise profile's figures chart named its y axis "万元" on every page (hard-coded in
  enterprise-figures.js): it is the unit table's "10k yuan" on English pages, 万元 on Chinese;
- the levels chart by size class drew 小型/微型/规模不详 on its category axis: English words;
- the industry map's park tooltip note was 位置示意（区县中心）: English words.

Launch setup as in tests/browser/harness.py (``browser``, ``demo_server``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser.harness import PASSWORD, LiveServer, demo_server, signed_in, wait_for_chart

pytestmark = pytest.mark.browser
USER = "words-admin"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _users(s: Session) -> None:
    accounts.create_user(s, USER, "admin", PASSWORD, principal=SYSTEM)


live_server = demo_server("browser-english-words", _users)

Y_AXIS = """
(selector) => {
  const o = window.echarts.getInstanceByDom(document.querySelector(selector)).getOption();
  return {name: o.yAxis[0].name || "", data: o.yAxis[0].data || [],
          series: o.series.map((s) => s.name)};
}
"""
MAP_NOTES = """
() => {
  const el = document.querySelector("[data-testid=map-chart]");
  const o = window.echarts.getInstanceByDom(el).getOption();
  const scatter = o.series.find((s) => s.type === "scatter");
  return scatter.data.map((d) => d.note);
}
"""


@pytest.mark.parametrize(("locale", "unit"), [("en-US", "10k yuan"), ("zh-CN", "万元")])
def test_figures_chart_unit_follows_the_page_language(
    browser: Any, live_server: LiveServer, locale: str, unit: str
) -> None:
    page = signed_in(browser, live_server, USER, "/enterprises/1", locale=locale)
    wait_for_chart(page, "#figures-chart")
    axis = page.evaluate(Y_AXIS, "#figures-chart")
    assert axis["name"] == unit, axis
    assert len(axis["series"]) == 3
    if locale == "en-US":
        assert not any(CJK.search(n) for n in axis["series"]), axis
    page.context.close()


def test_levels_chart_by_size_is_in_english(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, USER, "/smart?by=size", locale="en-US")
    wait_for_chart(page, "[data-testid=levels-chart]")
    axis = page.evaluate(Y_AXIS, "[data-testid=levels-chart]")
    words = {"Large", "Medium", "Small", "Micro", "Size unknown"}
    assert axis["data"] and set(axis["data"]) <= words, axis
    page.goto(f"{live_server.url}/smart?by=chain")
    wait_for_chart(page, "[data-testid=levels-chart]")
    axis = page.evaluate(Y_AXIS, "[data-testid=levels-chart]")
    assert axis["data"] and "未归入产业链" not in axis["data"], axis
    page.context.close()


def test_map_tooltip_note_is_in_english(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, USER, "/map", locale="en-US")
    page.wait_for_selector("[data-testid=map-chart][data-map-ready='1'] canvas", timeout=15000)
    notes = page.evaluate(MAP_NOTES)
    assert notes and set(notes) == {"placed at the district's centre"}, notes
    page.context.close()


MAP_WORDS = """
() => {
  const el = document.querySelector("[data-testid=map-chart]");
  const o = window.echarts.getInstanceByDom(el).getOption();
  const scatter = o.series.find((s) => s.type === "scatter");
  const area = o.series.find((s) => s.type === "map");
  const tip = o.tooltip[0].formatter;
  return {title: o.title[0].text,
          park: tip({seriesType: "scatter", data: scatter.data[0]}),
          district: tip({seriesType: "map", name: area.data[0].name, data: area.data[0]})};
}
"""


@pytest.mark.parametrize(
    ("locale", "open_", "colon"), [("en-US", " (", ": "), ("zh-CN", "（", "：")]
)
def test_map_title_and_tooltips_use_the_pages_punctuation(
    browser: Any, live_server: LiveServer, locale: str, open_: str, colon: str
) -> None:
    """Left by the sixth audit's verification: the English map's title and park tooltip put the
    unit and class in full-width brackets （…） and the district tooltip a full-width colon, as
    in Chinese."""
    page = signed_in(browser, live_server, USER, "/map", locale=locale)
    page.wait_for_selector("[data-testid=map-chart][data-map-ready='1'] canvas", timeout=15000)
    words = page.evaluate(MAP_WORDS)
    assert open_ in words["title"] and open_ in words["park"], words
    assert colon in words["district"], words
    if locale == "en-US":
        assert not re.search("[（）：]", "".join(words.values())), words
    page.context.close()
