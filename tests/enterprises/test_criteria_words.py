"""Tier criteria in words, with their units (audit E, bugs 3 and 4).

The profile's criteria tables printed the rule file's ``between [5000.0, 10000.0] 万元`` and
``≥ 1e+04 万元`` and gave actual values and shortfalls without a unit; the eligibility page's
shortfalls had no unit and a ratio's was the raw fraction (``short by 0.004175``).

Expected values are computed here by hand from the rule files (gaodi/analytics/rules/tiers):
little_giant's revenue band 5000–10000 万元 and revenue >= 10000 万元; above_scale's
主营业务收入 >= 2000 万元; srdi_sme's 研发费用占营业收入比重 >= 3%.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

INDUSTRY = "3985"  # 电子专用材料制造: 工业 (section C)
# revenue 387 万元 (the audit's firm); main-business revenue 1650 万元 (349.7 short of 2000 is
# 17.5 % < the 20 % near margin, so it nearly qualifies as 规上); R&D 9.6645 万元 of 387 万元
# = 2.4973 % (0.5027 percentage points short of 3 %)
REVENUE, MAIN_REVENUE, RD_SPEND = 387.0, 1650.3, 9.66451


@pytest.fixture
def firm(tmp_path: Path) -> Iterator[tuple[Site, int]]:
    s = make_site(tmp_path)
    with session_scope(s.engine, actor="test") as db:
        if db.get(IndustryCode, INDUSTRY) is None:
            db.add(IndustryCode(code=INDUSTRY, name="电子专用材料制造", level="class"))
        db.flush()
        ent = db.get(Enterprise, s.world.ids["e1"])
        assert ent is not None
        ent.industry_code = INDUSTRY
        ent.name = "单位测试企业"
        now = db.scalar(
            select(EnterpriseYear).where(
                EnterpriseYear.enterprise_id == ent.id, EnterpriseYear.year == 2023
            )
        )
        assert now is not None
        now.revenue, now.main_revenue, now.rd_spend, now.employees = (
            REVENUE,
            MAIN_REVENUE,
            RD_SPEND,
            120,
        )
        ent_id = ent.id
    yield s, ent_id
    s.engine.dispose()


def _cell(text: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}">(.*?)</td>', text, re.S)
    assert found is not None, testid
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


@pytest.mark.parametrize(
    ("lang", "band", "floor", "actual", "gap", "rd_gap"),
    [
        ("zh", "5,000–10,000 万元", "≥ 10,000 万元", "387 万元", "9,613 万元", "个百分点"),
        (
            "en",
            "50–100 million yuan",
            "≥ 100 million yuan",
            "3.87 million yuan",
            "96.13 million yuan",
            "percentage points",
        ),
    ],
)
def test_profile_criteria_in_words_with_units(
    firm: tuple[Site, int], lang: str, band: str, floor: str, actual: str, gap: str, rd_gap: str
) -> None:
    site, ent_id = firm
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    page = client.get(f"/enterprises/{ent_id}", headers={"Accept-Language": lang})
    assert page.status_code == 200, page.text
    text = page.text
    assert _cell(text, "required-little_giant-revenue_5e3_1e4") == band
    assert _cell(text, "required-little_giant-revenue_1e4") == floor
    assert _cell(text, "actual-little_giant-revenue_1e4") == actual
    # 10000 - 387 = 9613 万元 = 96.13 million yuan
    assert _cell(text, "shortfall-little_giant-revenue_1e4") == gap
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    assert "between" not in plain and "[5000" not in plain
    assert not re.search(r"\de[+-]\d", plain)
    # a ratio: the threshold and the actual as percentages, the gap in percentage points
    # (3 % - 9.66451 / 387 = 0.5027 points, shown 0.5 or 0.50)
    ids = re.findall(r'data-testid="required-srdi_sme-([a-z0-9_]+)"', text)
    rd = next(i for i in ids if _cell(text, f"required-srdi_sme-{i}") == "≥ 3%")
    assert _cell(text, f"actual-srdi_sme-{rd}") == "2.5%"
    assert _cell(text, f"shortfall-srdi_sme-{rd}") in (f"0.5 {rd_gap}", f"0.5{rd_gap}")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "实际 1,650.3 万元，差 349.7 万元"),
        ("en", "actual 16.503 million yuan, short by 3.497 million yuan"),
    ],
)
def test_eligibility_shortfall_has_its_unit(
    firm: tuple[Site, int], lang: str, expected: str
) -> None:
    site, _ = firm
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    page = client.get(
        "/enterprises/eligibility",
        params={"level": "above_scale", "near": "true"},
        headers={"Accept-Language": lang},
    )
    assert page.status_code == 200, page.text
    row = re.search(r"单位测试企业.*?</tr>", page.text, re.S)
    assert row is not None
    # 2000 - 1650.3 = 349.7 万元 (the float difference is 349.70000000000005)
    assert expected in html.unescape(re.sub(r"<[^>]+>", "", row.group(0)))


def test_cli_says_a_ratio_shortfall_in_percentage_points() -> None:
    """The CLI's missed-criterion line: 3 % - 2.4973 % = 0.5027 percentage points (it printed
    "差 0.5%", a percentage of what?)."""
    from types import SimpleNamespace

    from gaodi.enterprises.cli import describe_miss

    miss = SimpleNamespace(
        label_zh="研发费用占营业收入比重不低于3%",
        unit="ratio",
        actual=RD_SPEND / REVENUE,
        shortfall=0.03 - RD_SPEND / REVENUE,
        data_source=None,
    )
    assert describe_miss(miss) == "研发费用占营业收入比重不低于3%：实际 2.5%，差 0.5个百分点"
    money = SimpleNamespace(
        label_zh="年主营业务收入2000万元及以上",
        unit="万元",
        actual=MAIN_REVENUE,
        shortfall=2000 - MAIN_REVENUE,
        data_source=None,
    )
    assert describe_miss(money) == "年主营业务收入2000万元及以上：实际 1,650.3万元，差 349.7万元"


def test_cli_workbook_gives_shortfalls_with_their_unit(firm: tuple[Site, int]) -> None:
    """``gaodi enterprises eligibility -f xlsx``: the 差距 of a missed criterion has its unit
    beside it; a ratio's is in percentage points (0.03 - 0.024973 = 0.5027), not the fraction."""
    from gaodi.core.permissions import SYSTEM
    from gaodi.enterprises import service
    from gaodi.enterprises.export import _figures, eligibility_workbook

    site, _ = firm
    with session_scope(site.engine) as db:
        report = service.eligibility(db, SYSTEM, level="above_scale", near_only=True)
    ws = eligibility_workbook(report)["名单 enterprises"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "单位测试企业")
    got = dict(zip(head, row, strict=True))
    assert got["实际值"] == pytest.approx(MAIN_REVENUE)
    assert got["差距"] == pytest.approx(2000 - MAIN_REVENUE)
    assert got["差距单位"] == "万元"
    share = (
        report.rows[0]
        .missed[0]
        .model_copy(update={"unit": "ratio", "actual": 0.024973, "shortfall": 0.03 - 0.024973})
    )
    actual, points, unit = _figures(share)
    assert (actual, points, unit) == (0.024973, 0.5027, "个百分点")
