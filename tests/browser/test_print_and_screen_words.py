"""What paper and a screen reader get (audit 7, findings N2 and N5), on the small demo city.

- N2: an enterprise printing its draft declaration got no facts table: the print rule that hides
  a card holding nothing but an edit form hid the facts card too (its only child is the facts
  form, around the table). Printed, the facts table is there, in zh and en, each input with its
  value; the pure edit forms (science award, evidence, steps) stay off the paper.
- N5: the 大屏's chain ranking was labelled 「产业链产值排行」 only and the industry map had no role
  and no label: the ranking's label now lists every chain with its output and unit, the map is an
  image whose label names the measure and every district's figure, in the page's language.

Launch setup as in tests/browser/harness.py (``browser``, ``demo_server``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.enterprises.models import Enterprise
from tests.browser.harness import (
    PASSWORD,
    LiveServer,
    demo_server,
    signed_in,
    submit_and_wait,
    wait_ready,
)

pytestmark = pytest.mark.browser
ADMIN = "print-admin"
FIRM = "print-firm"


def _users(s: Session) -> None:
    accounts.create_user(s, ADMIN, "admin", PASSWORD, principal=SYSTEM)
    first = s.scalars(select(Enterprise.uscc).order_by(Enterprise.id)).first()
    assert first is not None
    accounts.create_user(s, FIRM, "enterprise", PASSWORD, enterprise=first, principal=SYSTEM)


live_server = demo_server("browser-print-screen-words", _users)

#: the data-testid of every form in <main> the reader sees (laid out)
SHOWN_FORMS = """
() => [...document.querySelectorAll("main form")]
  .filter((f) => f.getClientRects().length > 0)
  .map((f) => f.getAttribute("data-testid") || f.getAttribute("action"))
"""
#: a control in the facts table as printed: laid out (with a width), and what it holds
PRINTED_CONTROL = """
(selector) => { const c = document.querySelector(selector);
  const shown = c.getClientRects().length > 0 && c.getBoundingClientRect().width > 0;
  return [shown, c.tagName === "SELECT" ? c.selectedOptions[0].textContent.trim() : c.value]; }
"""

#: (page locale, the facts' labels and the yes-word, in that language; fields/_fields.yaml)
LANGUAGES = {
    "zh-CN": (("主营业务收入占营业收入比重", "近2年研发费用总额均值"), "是"),
    "en-US": (("Main-business share of revenue", "R&D spending, last 2 years (mean)"), "yes"),
}


def test_a_draft_declaration_prints_its_facts(browser: Any, live_server: LiveServer) -> None:
    firm = signed_in(browser, live_server, FIRM, "/declarations")
    firm.fill("[data-testid=new-year]", "2023")
    submit_and_wait(firm, firm.locator("[data-testid=new-declaration] button[type=submit]"))
    assert firm.locator("[data-testid=state]").get_attribute("data-state") == "draft"
    form = "[data-testid=declaration-form]"
    firm.fill(f"{form} [data-testid=input-main_business_share]", "0.85")
    firm.select_option(f"{form} [data-testid=input-no_violations_3y]", "是")
    submit_and_wait(firm, firm.locator("[data-testid=save]"))
    url = firm.url
    firm.context.close()

    for locale, (labels, yes) in LANGUAGES.items():
        page = signed_in(browser, live_server, FIRM, "/declarations", locale=locale)
        page.goto(url)
        wait_ready(page)
        assert page.locator("[data-testid=state]").get_attribute("data-state") == "draft"
        page.emulate_media(media="print")
        text = page.inner_text("main")
        for label in labels:
            assert label in text, (locale, label, text[:400])
        # the table's inputs print with the values saved, not as the screen's boxes
        share = page.evaluate(PRINTED_CONTROL, f"{form} [data-testid=input-main_business_share]")
        assert share == [True, "0.85"], (locale, share)
        verdict = page.evaluate(PRINTED_CONTROL, f"{form} [data-testid=input-no_violations_3y]")
        assert verdict == [True, yes], (locale, verdict)
        border = page.evaluate(
            "(s) => getComputedStyle(document.querySelector(s)).borderTopStyle",
            f"{form} [data-testid=input-main_business_share]",
        )
        assert border == "none", (locale, border)
        # the edit forms (science award, evidence file, the steps) stay off the paper
        assert page.evaluate(SHOWN_FORMS) == ["declaration-form"], locale
        assert not page.locator("[data-testid=save]").is_visible()
        page.emulate_media(media="screen")
        shown = page.evaluate(SHOWN_FORMS)
        assert {"declaration-form", "declare-award-form", "attach-form"} <= set(shown), shown
        page.context.close()


def _figure(value: float) -> str:
    """The page's headline figure (gaodi.ui.web.templating._figure): one decimal, none when
    whole, thousands grouped."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _map_figure(value: float | None, zh: bool) -> str:
    """map.js's fmt: whole from 100 up and for whole numbers, else two decimals."""
    if value is None:
        return "无数据" if zh else "no data"
    return f"{round(value):,}" if abs(value) >= 100 or round(value) == value else f"{value:.2f}"


def _screen(
    browser: Any, live_server: LiveServer, locale: str, width: int = 1366, height: int = 900
) -> Any:
    """The wall screen as the administrator, its scripts run."""
    page = signed_in(
        browser, live_server, ADMIN, "/screen", locale=locale, width=width, height=height
    )
    page.goto(f"{live_server.url}/screen")
    wait_ready(page)
    return page


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_wall_screen_ranking_says_every_chains_output(
    browser: Any, live_server: LiveServer, locale: str
) -> None:
    zh = locale == "zh-CN"
    page = _screen(browser, live_server, locale)

    chains = page.request.get(f"{live_server.url}/api/v1/screen").json()["leader"]["chains"]
    figured = [r for r in chains["rows"] if r["latest"] is not None][:12]
    assert figured
    ranking = page.get_attribute("#screen-ranking", "aria-label") or ""
    head = "产业链产值排行（" if zh else "Chain output ranking ("
    assert ranking.startswith(head), ranking
    # the unit, in the page's language (the chains' output is kept in 亿元)
    assert chains["unit"] == "亿元", chains["unit"]
    year = chains["year"]
    assert (f"（{year}年，亿元，" if zh else f" ({year}, 100m yuan, ") in ranking, ranking
    for row in figured:
        assert f"{row['name']} {_figure(row['latest'])}" in ranking, (row, ranking)
    assert ranking.count("；" if zh else "; ") == len(figured) - 1, ranking
    page.context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_wall_screen_map_is_an_image_that_says_its_figures(
    browser: Any, live_server: LiveServer, locale: str
) -> None:
    zh = locale == "zh-CN"
    page = _screen(browser, live_server, locale)
    data = page.request.get(f"{live_server.url}/api/v1/map").json()
    assert data["districts"] and data["geo_url"]
    chart = page.locator("[data-testid=map-panel] .gaodi-map")
    assert chart.get_attribute("data-map-ready") in ("1", "empty")
    assert chart.get_attribute("role") == "img"
    label = chart.get_attribute("aria-label") or ""
    assert label.startswith("产业地图：" if zh else "Industry map: "), label
    # the default measure and its unit, in the page's language
    words = f"企业数（家），{data['year']} 年：" if zh else f"Enterprises (firms), {data['year']}: "
    assert words in label, label
    for d in data["districts"]:
        assert f"{d['name']} {_map_figure(d['value'], zh)}" in label, (d, label)
    parks = len(data["parks"])
    assert (f"园区 {parks} 个" if zh else f"{parks} parks") in label, label
    # the /map page labels its map itself (its figures are in the table below it): kept
    page.goto(f"{live_server.url}/map")
    wait_ready(page)
    own = page.get_attribute("[data-testid=map-chart]", "aria-label") or ""
    assert own.endswith("数据见下表" if zh else "the figures are in the table below"), own
    page.context.close()


#: Whether an element's text is all on screen: not cut by its own box nor by a box around it.
READABLE = """(el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || el.scrollWidth > el.clientWidth + 1) return false;
  for (let p = el.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflow === 'visible' && s.overflowX === 'visible') continue;
    const b = p.getBoundingClientRect();
    if (r.left < b.left - 1 || r.right > b.right + 1 || r.bottom > b.bottom + 1) return false;
  }
  return true;
}"""


@pytest.mark.parametrize(("locale", "width"), [("zh-CN", 1366), ("en-US", 1920), ("en-US", 1366)])
def test_the_wall_screen_says_readably_that_its_bars_are_the_largest(
    browser: Any, live_server: LiveServer, locale: str, width: int
) -> None:
    """The words were in the page but cut by the subtitle line's ellipsis at every width
    (seventh audit, vp N4)."""
    page = _screen(browser, live_server, locale, width=width, height=1080)
    note = page.locator("[data-testid=ranking-shown]")
    words = note.inner_text()
    shown = "最大的" if locale == "zh-CN" else "largest"
    assert shown in words and any(ch.isdigit() for ch in words), words
    assert note.evaluate(READABLE), (width, words)
    page.context.close()
