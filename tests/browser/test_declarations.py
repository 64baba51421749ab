"""In a real browser, on the small seeded world (tests/web/seed.py): an enterprise user declares
its tier facts with an evidence file and submits; its park office returns the declaration with
a reason; the enterprise corrects and resubmits; the park office approves. The approved facts
then feed the enterprise page's tiers: each criterion shows the value used and its source, and
缺失 (never a ✓) where a value is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import LiveServer, shot, signed_in, submit_and_wait

pytestmark = pytest.mark.browser

FACTS = {  # the 单项冠军 inputs; energy_meets_advanced is left out on purpose
    "years_in_niche": "12",
    "global_rank": "4",  # first a wrong rank: the office returns it
    "niche_product_share": "0.8",
}
YES = ("has_core_ip_and_standards", "profit_above_industry", "no_violations_3y")


def _open_tiers(page: Any) -> None:
    """Unfold every tier's criteria, as a reader clicks each summary open."""
    page.evaluate("document.querySelectorAll('details.tier').forEach(d => { d.open = true; })")


def _step(page: Any, name: str) -> None:
    submit_and_wait(page, page.locator(f"[data-testid=step-{name}] button[type=submit]"))


def test_declaration_submit_return_approve(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    users = live_server.world.users
    e1 = live_server.world.ids["e1"]
    firm = signed_in(browser, live_server, users["enterprise"], "/declarations")
    firm.fill("[data-testid=new-year]", "2023")
    submit_and_wait(firm, firm.locator("[data-testid=new-declaration] button[type=submit]"))
    assert "/declarations/" in firm.url
    url = firm.url
    assert firm.locator("[data-testid=state]").get_attribute("data-state") == "draft"
    for name, value in FACTS.items():
        firm.fill(f"[data-testid=declaration-form] [data-testid=input-{name}]", value)
    for name in YES:
        firm.select_option(f"[data-testid=declaration-form] [data-testid=input-{name}]", "是")
    submit_and_wait(firm, firm.locator("[data-testid=save]"))
    # a science award, declared with its level and place among the winning units
    award = "[data-testid=declare-award-form]"
    firm.fill(f"{award} [data-testid=award-year]", "2022")
    firm.fill(f"{award} [data-testid=award-name]", "示例省科学技术进步奖")
    firm.select_option(f"{award} [data-testid=award-level]", "provincial")
    firm.fill(f"{award} [data-testid=award-rank]", "3")
    submit_and_wait(firm, firm.locator(f"{award} [data-testid=award-add]"))
    declared = firm.locator("[data-testid=declared-awards]").inner_text()
    assert "2022 年示例省科学技术进步奖（省级，获奖单位第 3 名）" in declared
    evidence = tmp_path / "排名证明.txt"
    evidence.write_text("全球市场占有率排名证明（示例）\n", encoding="utf-8")
    firm.set_input_files("[data-testid=attach-file]", str(evidence))
    submit_and_wait(firm, firm.locator("[data-testid=attach]"))
    assert "排名证明.txt" in firm.locator("[data-testid=evidence]").inner_text()
    _step(firm, "submit")
    assert firm.locator("[data-testid=state]").get_attribute("data-state") == "submitted"
    # nothing stored yet: the enterprise page still has no rank
    firm.goto(f"{live_server.url}/enterprises/{e1}")
    _open_tiers(firm)
    assert "缺失" in firm.locator("[data-testid=actual-champion-global_top3]").inner_text()

    office = signed_in(browser, live_server, users["park_office"], "/declarations")
    path = url[len(live_server.url) :]
    assert office.locator(f"[data-testid=declarations-table] a[href='{path}']").count() == 1
    office.goto(url)
    office.fill("[data-testid=comment-return]", "全球排名与证明材料不符，请核对")
    _step(office, "return")
    assert office.locator("[data-testid=state]").get_attribute("data-state") == "returned"

    firm.goto(url)
    assert "全球排名与证明材料不符" in firm.locator("[data-testid=return-reason]").inner_text()
    firm.fill("[data-testid=declaration-form] [data-testid=input-global_rank]", "2")
    submit_and_wait(firm, firm.locator("[data-testid=save]"))
    _step(firm, "submit")

    office.goto(url)
    _step(office, "approve")
    assert office.locator("[data-testid=state]").get_attribute("data-state") == "approved"
    history = office.locator("[data-testid=history] tbody tr")
    actions = [history.nth(i).get_attribute("data-action") for i in range(history.count())]
    assert actions == [
        "create", "save", "save", "attach", "submit", "return", "save", "submit", "approve",
    ]  # fmt: skip
    assert "global_rank: 4 → 2" in history.nth(6).inner_text()
    assert "示例省科学技术进步奖" in history.nth(8).inner_text()  # joined the award list
    shot(office, "declaration-approved-zh-1366.png")

    # the enterprise page: the approved facts feed 单项冠军, each with its source
    office.goto(f"{live_server.url}/enterprises/{e1}")
    champion = office.locator("[data-testid=tier-champion]")
    _open_tiers(office)
    assert office.locator("[data-testid=actual-champion-global_top3]").inner_text().strip() in (
        "2 位",
        "rank 2",
    )  # the rank with its unit (audit E, bug 3)
    assert (
        office.locator("[data-testid=source-champion-global_top3]").inner_text().strip()
        == "企业申报"
    )
    assert office.locator("[data-testid=met-champion-global_top3]").inner_text().strip() == "✓"
    # the declared award: 专精特新's "近三年省级科技奖励排名前三" met, the award named (2023 facts)
    assert office.locator("[data-testid=met-srdi_sme-provincial_award_top3]").inner_text() == "✓"
    basis = office.locator("[data-testid=basis-srdi_sme-provincial_award_top3]").inner_text()
    assert "2022 年示例省科学技术进步奖（省级，获奖单位第 3 名）" in basis
    src = office.locator("[data-testid=source-srdi_sme-provincial_award_top3]").inner_text()
    assert "企业申报" in src
    # the energy figure was not declared: 缺失, no source, no ✓, and the tier undecided
    assert "缺失" in office.locator("[data-testid=actual-champion-energy_advanced]").inner_text()
    assert (
        office.locator("[data-testid=source-champion-energy_advanced]").inner_text().strip() == "—"
    )
    assert office.locator("[data-testid=met-champion-energy_advanced]").inner_text().strip() == "?"
    assert "达标" not in champion.locator("summary").inner_text()
    # revenue comes from the yearly statistics (the seed gives E1 revenue, no main revenue)
    srdi_revenue = office.locator("[data-testid=source-srdi_sme-revenue]")
    assert srdi_revenue.inner_text().strip() == "统计数据"
    assert "缺失" in office.locator("[data-testid=actual-above_scale-main_revenue]").inner_text()
    shot(office, "enterprise-tiers-sources-zh-1366.png")
    # the facts page: value, source and the declaration it came from
    office.goto(f"{live_server.url}/enterprises/{e1}/facts?year=2023")
    assert office.locator("[data-testid=value-global_rank]").inner_text().strip() == "2"
    assert "企业申报" in office.locator("[data-testid=source-global_rank]").inner_text()
    assert "缺失" in office.locator("[data-testid=value-energy_meets_advanced]").inner_text()
    office.context.close()
    firm.context.close()
