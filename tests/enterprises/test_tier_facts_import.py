"""Tier facts imported from Excel reach the tier rules: the same decisions as the Python API.

Four synthetic firms (示例, USCCs from a fixed seed) are written as an office would fill the
three sheets (企业, 企业年度数据, 梯度培育要素, Chinese headers typed by hand), imported with
``gaodi import``'s service, and judged by the enterprise page's service. Each firm's Python-API
record below is written out by hand (every ratio and growth worked out on paper, not read
from the code), and its decisions on the shipped rule sets are those of the hand-scored cases
in tests/analytics/test_tiers.py:

* 甲 (innovative SME): Ⅰ类 IP 1 = 10, R&D 90/3000 = 3 % → 15 (innovation 25); main revenue
  1800/1600 − 1 = 12.5 % → 15, debt 60 % → 5 (growth 20); not 战略性新兴 → 5, share
  1800/3000 = 60 % → 15 (specialisation 20); total 65 ≥ 60 → qualifies.
* 乙 (小巨人, the LG case): revenue 10000 (≥ 1亿 band), R&D 350/10000 = 3.5 % and 400/10000 =
  4 % → lower 3.5 % ≥ 3 %; share 80 %; 2-year growth (8000/5000)^½ − 1 ≈ 26.5 % (also the mean of
  6400/5000 − 1 = 28 % and 8000/6400 − 1 = 25 %, 26.5 %) ≥ 5 % → qualifies.
* 丙 (单项冠军, the CHAMP case) → qualifies.
* 丁 (专精特新, the SRDI case): 3 years, R&D 150 ≥ 100 and 150/4000 = 3.75 % ≥ 3 %, revenue
  4000 ≥ 1000, score 70 ≥ 60 → qualifies.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import evaluate
from gaodi.core.codes import make_uscc
from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.enterprises.models import Enterprise, TierFact
from gaodi.exchange.service import import_file
from tests.exchange.helpers import write_xlsx

_rng = random.Random(20261204)
U = {k: make_uscc("430104", _rng) for k in ("甲", "乙", "丙", "丁")}
LEVELS = ("above_scale", "innovative_sme", "srdi_sme", "little_giant", "champion")

ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "所在区县代码", "国民经济行业代码", "示例数据"],
    *[[U[k], f"示例{k}测试制造有限公司", "430104", "3670", "是"] for k in U],
]
YEARS = [
    ["统一社会信用代码", "年度", "营业收入", "主营业务收入", "研发经费支出", "资产负债率"],
    [U["甲"], 2022, 2800, 1600, 60, 0.62],
    [U["甲"], 2023, 3000, 1800, 90, 0.60],
    [U["乙"], 2021, 7000, 5000, 300, 0.52],
    [U["乙"], 2022, 10000, 6400, 400, 0.51],
    [U["乙"], 2023, 10000, 8000, 350, 0.50],
    [U["丙"], 2022, 50000, 42000, 2000, 0.40],
    [U["丙"], 2023, 60000, 50000, 2400, 0.40],
    [U["丁"], 2022, 3600, 3000, 120, 0.45],
    [U["丁"], 2023, 4000, 3300, 150, 0.45],
]
# the sheet of tier facts, headers typed as a user would (Chinese names, some with the key)
FACT_HEADERS = [
    "统一社会信用代码", "年度", "数据来源",
    "与主导产品相关的有效Ⅰ类知识产权", "其中自主研发获得的Ⅰ类知识产权", "ip_class1_high_value_count",
    "主导产品属于《战略性新兴产业分类》", "近3年获得国家级或省级科技奖励",
    "拥有有效期内的高新技术企业、国家级技术创新示范企业、知识产权优势/示范企业等荣誉",
    "拥有经认定的省部级以上研发机构", "equity_financing_3y",
    "从事特定细分市场（主营领域）年限", "至少1项核心业务采用信息系统支撑",
    "取得管理体系认证或发达国家和地区产品认证", "主导产品在全国细分市场占有率",
    "拥有直接面向市场并具有竞争优势的自主品牌", "自建或与高校、科研机构联合建立研发机构",
    "key_chain_product", "main_product_key_field", "global_rank",
    "细分领域产品销售收入占企业全部业务收入比重", "has_core_ip_and_standards",
    "盈利能力高于行业平均水平", "no_violations_3y", "energy_meets_advanced", "srdi_score",
    "ip_class1_in_use_with_benefit",
]  # fmt: skip
FACTS = [
    FACT_HEADERS,
    [U["甲"], 2023, "证书核验", 1, 0, 0, "否", "否", "否", "否", 0]
    + [None] * 16,
    [U["乙"], 2023, "企业申报", 3, None, None, None, None, None, None, None, 5, "是", "是",
     0.12, "是", "是", "是", "是", None, None, None, None, None, None, None, "是"],
    [U["丙"], 2023, "certified", None, None, None, None, None, None, None, None, 12]
    + [None] * 7 + [2, 0.8, "是", "是", "是", "是", None, None],
    [U["丁"], 2023, "企业申报", None, None, None, None, None, None, None, None, 3]
    + [None] * 13 + [70, None],
]  # fmt: skip

# The Python-API records (everything the rules read, worked out by hand; see the docstring).
PY: dict[str, dict[str, Any]] = {
    "甲": {
        "revenue": 3000, "main_revenue": 1800, "rd_spend": 90, "debt_ratio": 0.60,
        "is_industrial": True, "revenue_growth": 3000 / 2800 - 1,
        "main_revenue_growth": 0.125, "rd_spend_2y": 150, "rd_intensity": 0.03,
        "rd_intensity_min_2y": 60 / 2800,
        "ip_class1_count": 1, "ip_class1_own_count": 0, "ip_class1_high_value_count": 0,
        "strategic_emerging": False, "sci_tech_award_3y": False, "has_valid_honour": False,
        "has_provincial_rd_institution": False, "equity_financing_3y": 0,
    },
    "乙": {
        "revenue": 10000, "main_revenue": 8000, "rd_spend": 350, "debt_ratio": 0.50,
        "is_industrial": True, "revenue_growth": 0.0, "main_revenue_growth": 0.25,
        "main_revenue_growth_2y_cagr": math.sqrt(1.6) - 1, "rd_spend_2y": 750,
        "rd_intensity": 0.035, "rd_intensity_min_2y": 0.035,
        "ip_class1_count": 3, "years_in_niche": 5, "has_info_system": True,
        "has_mgmt_certification": True, "national_market_share": 0.12, "has_own_brand": True,
        "has_rd_institution": True, "key_chain_product": True, "main_product_key_field": True,
        "ip_class1_in_use_with_benefit": True,
    },
    "丙": {
        "revenue": 60000, "main_revenue": 50000, "rd_spend": 2400, "debt_ratio": 0.40,
        "is_industrial": True, "revenue_growth": 60000 / 50000 - 1,
        "main_revenue_growth": 50000 / 42000 - 1,
        "rd_spend_2y": 4400, "rd_intensity": 0.04, "rd_intensity_min_2y": 0.04,
        "years_in_niche": 12, "global_rank": 2, "niche_product_share": 0.8,
        "has_core_ip_and_standards": True, "profit_above_industry": True,
        "no_violations_3y": True, "energy_meets_advanced": True,
    },
    "丁": {
        "revenue": 4000, "main_revenue": 3300, "rd_spend": 150, "debt_ratio": 0.45,
        "is_industrial": True, "revenue_growth": 4000 / 3600 - 1, "main_revenue_growth": 0.1,
        "rd_spend_2y": 270, "rd_intensity": 0.0375, "rd_intensity_min_2y": 120 / 3600,
        "years_in_niche": 3, "srdi_score": 70,
    },
}  # fmt: skip
HAND = {"甲": "innovative_sme", "乙": "little_giant", "丙": "champion", "丁": "srdi_sme"}


def _load(engine: Engine, folder: Path, principal: Principal = SYSTEM) -> None:
    import_file(
        engine,
        "enterprises",
        write_xlsx(folder / "e.xlsx", {"企业": ENTERPRISES}),
        principal=SYSTEM,
    )
    import_file(
        engine,
        "enterprise_years",
        write_xlsx(folder / "y.xlsx", {"企业年度数据": YEARS}),
        principal=SYSTEM,
    )
    import_file(
        engine, "tier_facts", write_xlsx(folder / "f.xlsx", {"梯度培育要素": FACTS}), principal
    )


def _decisions(engine: Engine, key: str) -> dict[str, tuple[bool, bool, bool]]:
    with session_scope(engine) as s:
        p = service.profile(s, SYSTEM, U[key])
    return {t.level: (t.qualifies, t.determined, t.nearly_qualifies) for t in p.tiers}


def test_imported_facts_give_the_python_api_decisions(db: Engine, tmp_path: Path) -> None:
    _load(db, tmp_path)
    for key, record in PY.items():
        expected = {}
        for level in LEVELS:
            e = evaluate(load_rule_set(level), record)
            expected[level] = (e.qualifies, e.determined, e.nearly_qualifies)
        assert _decisions(db, key) == expected, key
        # and the hand-scored decision of the firm's tier
        assert expected[HAND[key]][0] is True, (key, HAND[key])
    # the whole-city eligibility counts agree with the profiles
    with session_scope(db) as s:
        report = service.eligibility(s, SYSTEM, year=2023)
    counts = {lv.level: lv.qualifies for lv in report.levels}
    assert counts["innovative_sme"] >= 1 and counts["little_giant"] >= 1
    assert counts["champion"] == 1 and counts["srdi_sme"] >= 1


def test_without_the_facts_the_tiers_stay_undetermined(db: Engine, tmp_path: Path) -> None:
    """The same firms with the yearly figures only: the facts are missing, not "no"."""
    import_file(
        db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": ENTERPRISES}), principal=SYSTEM
    )
    import_file(
        db,
        "enterprise_years",
        write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": YEARS}),
        principal=SYSTEM,
    )
    # 甲: IP and 战略性新兴 unknown -> innovation 15 + (0..20): cannot be decided
    qualifies, determined, _ = _decisions(db, "甲")["innovative_sme"]
    assert not qualifies and not determined
    assert _decisions(db, "丙")["champion"][:2] == (False, False)


def test_criteria_show_value_source_and_missing(db: Engine, tmp_path: Path) -> None:
    _load(db, tmp_path)
    with session_scope(db) as s:
        tiers = {t.level: t for t in service.profile(s, SYSTEM, U["甲"]).tiers}
    direct = {c.id: c for c in tiers["innovative_sme"].criteria}
    # a certified fact, a statistic and a missing one (乙 gave no honours: 缺失, no source, no ✓)
    assert direct["honour"].actual is False and direct["honour"].data_source == "certified"
    assert direct["score_total"].data_source == "computed"
    with session_scope(db) as s:
        lg = {t.level: t for t in service.profile(s, SYSTEM, U["乙"]).tiers}["little_giant"]
    crit = {c.id: c for c in lg.criteria}
    assert crit["market_share"].data_source == "self_declared"
    assert crit["debt_ratio"].data_source == "statistics"
    assert crit["national_award_top3"].actual is None
    assert crit["national_award_top3"].data_source is None


def test_bad_cells_are_reported_and_nothing_is_written(db: Engine, tmp_path: Path) -> None:
    import_file(
        db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": ENTERPRISES}), principal=SYSTEM
    )
    bad = [
        ["统一社会信用代码", "年度", "数据来源", "主导产品在全国细分市场占有率", "global_rank",
         "拥有直接面向市场并具有竞争优势的自主品牌", "与主导产品相关的有效Ⅰ类知识产权"],
        [U["甲"], 2023, "企业申报", 0.12, 2, "是", 1],  # a good row
        [U["乙"], 2023, "企业申报", 12, 0, "也许", 1.5],  # 12 > 1, rank 0, not yes/no, 1.5
        [U["丙"], 2023, "猜的", None, None, None, None],  # unknown source
        [U["丁"], 2023, "企业申报", 0.2, None, None, None],
        [U["丁"], 2023, "证书核验", 0.3, None, None, None],  # the same fact from two sources
    ]  # fmt: skip
    with pytest.raises(ImportRejected) as info:
        import_file(
            db,
            "tier_facts",
            write_xlsx(tmp_path / "bad.xlsx", {"梯度培育要素": bad}),
            principal=SYSTEM,
        )
    rows = sorted({e.row for e in info.value.errors})
    assert rows == [3, 4, 6]  # spreadsheet rows (the header is row 1)
    assert len([e for e in info.value.errors if e.row == 3]) == 4
    (twice,) = [e for e in info.value.errors if e.row == 6]
    assert "第 5 行已给出" in twice.reason_zh
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(TierFact)) == 0


def test_a_park_office_imports_only_its_own_enterprises(db: Engine, tmp_path: Path) -> None:
    parks = [["园区名称", "级别"], ["示例甲园区", "省级"], ["示例乙园区", "省级"]]
    import_file(db, "parks", write_xlsx(tmp_path / "p.xlsx", {"园区": parks}), principal=SYSTEM)
    ents = [["统一社会信用代码", "企业名称", "所在园区"], [U["甲"], "示例甲", "示例甲园区"]]
    ents.append([U["乙"], "示例乙", "示例乙园区"])
    import_file(
        db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": ents}), principal=SYSTEM
    )
    with session_scope(db) as s:
        from gaodi.parks.models import Park

        park_a = s.scalar(select(Park.id).where(Park.name == "示例甲园区"))
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 2
    office = Principal("office-a", "park_office", park_ids=frozenset({park_a}))
    mine = [["统一社会信用代码", "年度", "数据来源", "global_rank"], [U["甲"], 2023, "企业申报", 3]]
    import_file(db, "tier_facts", write_xlsx(tmp_path / "ok.xlsx", {"s": mine}), office)
    other = [*mine, [U["乙"], 2023, "企业申报", 3]]
    with pytest.raises(ImportRejected) as info:
        import_file(
            db, "tier_facts", write_xlsx(tmp_path / "no.xlsx", {"s": other}), office,
            mode="upsert",
        )  # fmt: skip
    (err,) = info.value.errors
    # answered like a missing enterprise: nothing says 乙 exists
    assert err.row == 3 and "不在你的管辖范围内" in err.reason_zh
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(TierFact)) == 1
