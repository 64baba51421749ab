"""In a real browser: the bureau enters an enterprise's tier facts on its facts page with a
source and an evidence file; the stored values show with their source, a bad value is refused
beside its field with nothing saved, and the enterprise page's tier criteria then read the fact
with its source (issue [11], item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import LiveServer, signed_in, submit_and_wait

pytestmark = pytest.mark.browser


def _save(page: Any) -> None:
    submit_and_wait(page, page.locator("[data-testid=facts-save]"))


def test_the_bureau_enters_tier_facts_with_a_source_and_evidence(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    e1 = live_server.world.ids["e1"]
    url = f"/enterprises/{e1}/facts?year=2023"
    page = signed_in(browser, live_server, live_server.world.users["admin"], url)
    assert "缺失" in page.locator("[data-testid=value-global_rank]").inner_text()

    form = "[data-testid=facts-form]"
    page.fill(f"{form} [data-testid=input-global_rank]", "2")
    page.fill(f"{form} [data-testid=input-years_in_niche]", "12")
    page.select_option(f"{form} [data-testid=input-no_violations_3y]", "是")
    page.select_option("[data-testid=facts-source]", "certified")
    proof = tmp_path / "全球排名证明.txt"
    proof.write_text("全球市场占有率排名第二（示例）\n", encoding="utf-8")
    page.set_input_files(f"{form} input[name=evidence]", str(proof))
    _save(page)

    assert page.locator("[data-testid=value-global_rank]").inner_text().strip() == "2"
    assert page.locator("[data-testid=value-years_in_niche]").inner_text().strip() == "12"
    assert "是" in page.locator("[data-testid=value-no_violations_3y]").inner_text()
    assert "证书核验" in page.locator("[data-testid=source-global_rank]").inner_text()
    assert "全球排名证明.txt" in page.locator("[data-testid=evidence]").inner_text()

    # a share above 100 % is refused beside the field and nothing of the form is saved
    page.fill(f"{form} [data-testid=input-national_market_share]", "1.5")
    page.fill(f"{form} [data-testid=input-global_rank]", "1")
    page.select_option("[data-testid=facts-source]", "certified")
    _save(page)
    assert "主导产品在全国细分市场占有率" in page.content()
    page.goto(f"{live_server.url}{url}")
    assert page.locator("[data-testid=value-global_rank]").inner_text().strip() == "2"
    assert "缺失" in page.locator("[data-testid=value-national_market_share]").inner_text()

    # the enterprise page's 单项冠军 criterion reads the stored rank with its source
    page.goto(f"{live_server.url}/enterprises/{e1}")
    page.evaluate("document.querySelectorAll('details.tier').forEach(d => { d.open = true; })")
    assert page.locator("[data-testid=actual-champion-global_top3]").inner_text().strip() in (
        "2 位",
        "rank 2",
    )  # the rank with its unit (audit E, bug 3)
    assert "证书核验" in page.locator("[data-testid=source-champion-global_top3]").inner_text()


def test_the_bureau_lists_awards_and_honours_and_the_criteria_read_them(
    browser: Any, live_server: LiveServer
) -> None:
    """An award placed 2nd among the winning units in 2022 meets 专精特新's "近三年省级科技奖励
    排名前三" for the 2023 facts (window 2021–2023), the reason naming the award; a place of 0
    is refused beside the field with nothing saved; a 高新技术企业 honour that ended on
    2020-12-31 is shown as not in force and the 创新型 honour criterion says when it expired."""
    e2 = live_server.world.ids["e2"]
    url = f"/enterprises/{e2}/facts?year=2023"
    page = signed_in(browser, live_server, live_server.world.users["admin"], url)
    assert "奖励清单为空" in page.locator("[data-testid=awards]").inner_text()

    award = "[data-testid=award-form]"
    page.fill(f"{award} [data-testid=award-year]", "2022")
    page.fill(f"{award} [data-testid=award-name]", "示例省科学技术进步奖")
    page.select_option(f"{award} [data-testid=award-level]", "provincial")
    page.select_option(f"{award} [data-testid=award-grade]", "second")
    page.fill(f"{award} [data-testid=award-rank]", "2")
    page.select_option(f"{award} [data-testid=award-source]", "certified")
    page.locator("[data-testid=award-add]").click()
    page.wait_for_load_state("networkidle")
    listed = page.locator("[data-testid=awards]").inner_text()
    assert "2022 年示例省科学技术进步奖二等奖（省级，获奖单位第 2 名）" in listed
    assert "证书核验" in listed

    # a place of 0 is refused with its reason; the list is unchanged
    page.fill(f"{award} [data-testid=award-year]", "2023")
    page.fill(f"{award} [data-testid=award-name]", "示例国家奖")
    page.select_option(f"{award} [data-testid=award-level]", "national")
    page.fill(f"{award} [data-testid=award-rank]", "0")
    page.locator("[data-testid=award-add]").click()
    page.wait_for_load_state("networkidle")
    assert "获奖单位排名须为 1–1000 之间的整数" in page.content()
    page.goto(f"{live_server.url}{url}")
    assert "示例国家奖" not in page.locator("[data-testid=awards]").inner_text()

    honour = "[data-testid=honour-form]"
    page.select_option(f"{honour} [data-testid=honour-kind]", "high_tech")
    page.fill(f"{honour} [data-testid=honour-from]", "2018-01-01")
    page.fill(f"{honour} [data-testid=honour-to]", "2020-12-31")
    page.locator("[data-testid=honour-add]").click()
    page.wait_for_load_state("networkidle")
    honours = page.locator("[data-testid=honours]").inner_text()
    assert "高新技术企业（有效期 2018-01-01 至 2020-12-31）" in honours
    assert "不在有效期内" in honours

    page.goto(f"{live_server.url}/enterprises/{e2}")
    page.evaluate("document.querySelectorAll('details.tier').forEach(d => { d.open = true; })")
    srdi = "srdi_sme-provincial_award_top3"
    assert page.locator(f"[data-testid=actual-{srdi}]").inner_text().strip() in ("是", "yes")
    assert page.locator(f"[data-testid=met-{srdi}]").inner_text().strip() == "✓"
    basis = page.locator(f"[data-testid=basis-{srdi}]").inner_text()
    assert "近3年（2021–2023 年）获奖：2022 年示例省科学技术进步奖二等奖" in basis
    assert "证书核验" in page.locator(f"[data-testid=source-{srdi}]").inner_text()
    expired = page.locator("[data-testid=basis-innovative_sme-honour]").inner_text()
    assert "已于 2020-12-31 到期" in expired
    assert page.locator("[data-testid=met-innovative_sme-honour]").inner_text().strip() == "✗"
