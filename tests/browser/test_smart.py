"""In a real browser, on the demo city: an enterprise user assesses its enterprise end to end
(questionnaire → stored result with the hand-computed score, radar and history charts, gap,
printable summary labelled 自评结果 and 示例数据), and the city's level distribution by chain
is drawn — for a chain office, its chain only. Same launch setup as tests/browser/harness.py
(``browser``, ``demo_server``); the live server serves a copy of the small demo city."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.chains.models import Chain
from gaodi.core.permissions import SYSTEM
from gaodi.enterprises.models import Enterprise
from gaodi.smart import service
from tests.browser.harness import (
    PASSWORD,
    LiveServer,
    artifact,
    chart_ink,
    demo_server,
    shot,
    signed_in,
    submit_and_wait,
    wait_for_chart,
)
from tests.smart.test_service import ITEMS, SCENARIOS

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class _World:
    chain_name: str
    enterprise_id: int


def _users(s: Session) -> _World:
    """An enterprise user (enterprise 1), a chain office (the first chain), an analyst."""
    uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == 1))
    chain_code, chain_name = s.execute(select(Chain.code, Chain.name).order_by(Chain.id)).first()
    accounts.create_user(s, "ent-user", "enterprise", PASSWORD, enterprise=uscc, principal=SYSTEM)
    accounts.create_user(
        s, "chain-user", "chain_office", PASSWORD, chains=[chain_code], principal=SYSTEM
    )
    accounts.create_user(s, "city-user", "analyst", PASSWORD, principal=SYSTEM)
    return _World(chain_name, 1)


live_server = demo_server("browser-smart", _users)


def test_enterprise_assesses_itself_in_the_browser(browser: Any, live_server: LiveServer) -> None:
    eid = live_server.world.enterprise_id
    page = signed_in(browser, live_server, "ent-user", "/smart")
    submit_and_wait(page, "[data-testid=own-enterprise]")
    assert page.url.endswith(f"/smart/enterprises/{eid}")
    before = page.locator("[data-testid=history] tr").count()
    assert before == 3  # the demo firm's 2021-2023 assessments
    submit_and_wait(page, "[data-testid=start-assessment]")
    form = page.locator("[data-testid=questionnaire]")
    # "无" and the other options of a multiple-choice item exclude each other
    page.check("[data-testid=opt-b_network-B]")
    page.check("[data-testid=opt-b_network-A]")
    assert not page.is_checked("[data-testid=opt-b_network-B]")
    scheme = service.scheme()
    for it in scheme.items:
        answer = ITEMS[it.code]
        if it.kind == "single":
            page.check(f"[data-testid=opt-{it.code}-{answer}]")
            continue
        for o in it.options:
            box = f"[data-testid=opt-{it.code}-{o.code}]"
            if o.code in answer:
                page.check(box)
            else:
                page.uncheck(box)
    for code, grade in SCENARIOS.items():
        page.check(f"[data-testid=scen-{code}-{grade}]")
    page.fill("input[name=assessor]", "浏览器测试")
    submit_and_wait(page, form.locator("[data-testid=submit-assessment]"))
    assert f"/smart/enterprises/{eid}?assessment_id=" in page.url
    # the stored result is the hand-computed one (tests/smart/test_service.py)
    assert page.locator("[data-testid=total]").inner_text() == "51.925"
    assert page.locator("[data-testid=level]").inner_text() == "二级"
    assert page.locator("[data-testid=history] tr").count() == before + 1
    assert page.locator("[data-testid=moves] tr[data-plan='1']").count() == 2
    assert chart_ink(page, "[data-testid=radar]") > 1000
    assert chart_ink(page, "[data-testid=history-chart]") > 1000
    shot(page, "smart-result-zh-1366.png")
    # the printable summary: labelled, demo-marked, without the site's navigation
    page.emulate_media(media="print")
    cert = page.locator("[data-testid=certificate]")
    assert cert.is_visible()
    assert "自评结果，非官方认定" in cert.inner_text() and "示例数据" in cert.inner_text()
    assert not page.locator("nav.mainnav").is_visible()
    assert not page.locator("[data-testid=providers]").is_visible()
    page.pdf(path=str(artifact("smart-certificate.pdf")))
    page.context.close()


def test_city_levels_by_chain(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "city-user", "/smart?by=chain&as_of=2023-12-31")
    rows = page.locator("[data-testid=groups-table] tbody tr")
    assert rows.count() >= 15
    assert rows.last.get_attribute("data-group") == "none"
    assert chart_ink(page, "[data-testid=levels-chart]") > 3000
    shot(page, "smart-levels-zh-1366.png")
    page.context.close()
    page = signed_in(browser, live_server, "chain-user", "/smart?by=chain&as_of=2023-12-31")
    rows = page.locator("[data-testid=groups-table] tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == live_server.world.chain_name
    assert chart_ink(page, "[data-testid=levels-chart]") > 500
    page.context.close()


def test_english_pages_name_levels_and_dimensions_in_english(
    browser: Any, live_server: LiveServer
) -> None:
    """An English reader sees "Level 2" / "Below level 1" in the list and the result, and the
    dimensions' English names (the rule file's name_en) in the table and on the radar chart as
    ECharts draws it (its options), not the scheme's Chinese 二级 / 数字化基础."""
    from gaodi.analytics.digital import read_rule

    level_zh = re.compile(r"[一二三四]级|未达")
    names_en = [
        str(d["name_en"])
        for d in read_rule(service.DEFAULT_SCHEME)["dimensions"]
        if d.get("scored", True)
    ]
    page = signed_in(browser, live_server, "city-user", "/smart/enterprises", locale="en-US")
    assert page.locator("html").get_attribute("lang").startswith("en")
    options = page.locator("select[name=level] option").all_inner_texts()
    assert options[1:] == ["Below level 1", "Level 1", "Level 2", "Level 3", "Level 4"]
    levels = page.locator("[data-testid=enterprises-table] .lvl").all_inner_texts()
    assert levels and all(re.fullmatch(r"Level [1-4]|Below level 1", t) for t in levels), levels
    submit_and_wait(page, f"[data-enterprise='{live_server.world.enterprise_id}'] a")
    assert re.fullmatch(
        r"Level [1-4]|Below level 1", page.locator("[data-testid=level]").inner_text()
    )
    dims = page.locator("[data-testid=dimensions] tr td:first-child").all_inner_texts()
    assert dims == names_en
    assert not level_zh.search(page.locator("[data-testid=history]").inner_text())
    wait_for_chart(page, "[data-testid=radar]")
    drawn = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-testid=radar]'))"
        ".getOption().radar[0].indicator.map(i => i.name)"
    )
    assert drawn == names_en
    page.context.close()
