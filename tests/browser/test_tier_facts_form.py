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
    assert page.locator("[data-testid=actual-champion-global_top3]").inner_text().strip() == "2"
    assert "证书核验" in page.locator("[data-testid=source-champion-global_top3]").inner_text()
