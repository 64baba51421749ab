"""The shipped enterprise-tier rule sets (gaodi/analytics/rules/tiers/*.yaml) on hand-made firms.

Every expected value below is worked out by hand from the official criteria as quoted in
the rule files (工信部企业〔2022〕63号 annexes; 国家统计局 统计范围; 单项冠军 2016/2023), not
from the code's output.
"""

from __future__ import annotations

from typing import Any

import pytest

from gaodi.analytics.rulefiles import (
    TIERS_DIR,
    list_rule_sets,
    load_field_contract,
    load_rule_set,
    read_yaml,
)
from gaodi.analytics.ruleset import evaluate
from gaodi.core.errors import NotFoundError

TIERS = ["above_scale", "champion", "innovative_sme", "little_giant", "srdi_sme"]


def test_all_tier_rule_sets_load_and_cite_sources() -> None:
    assert list_rule_sets() == TIERS
    contract = load_field_contract()
    for name in TIERS:
        rs = load_rule_set(name)
        assert rs.id == name and rs.version and rs.effective_from is not None
        for c in rs.criteria:
            assert c.label_zh and c.label_en, c.id
            src = rs.sources[c.source]
            # a criterion citing an uncertain source must itself be flagged uncertain
            if src.status == "uncertain":
                assert c.uncertain, (name, c.id)
            if not c.uncertain:
                assert src.urls, (name, c.id)
            # metrics are declared in the shared contract, derived, or a score
            assert (
                c.metric in contract
                or c.metric in rs.derived_by_name
                or c.metric.startswith("score")
            ), c.metric
    with pytest.raises(NotFoundError):
        load_rule_set("no_such_tier")


def test_every_contract_field_is_used_by_some_rule_set() -> None:
    used: set[str] = set()
    for name in TIERS:
        # every reading a parameter offers counts (the 2-year growth: cagr and mean)
        readings = [{}] + [
            {p.name: choice}
            for p in load_rule_set(name).parameters.values()
            for choice in p.choices
        ]
        for params in readings:
            rs = load_rule_set(name, params)
            used |= {c.metric for c in rs.criteria}
            used |= {cond.metric for p in rs.points for row in p.rows for cond in row.conditions}
            used |= {f for d in rs.derived for f in d.of if isinstance(f, str)}
            used |= {p.value_of for p in rs.points if p.value_of}
    unused = set(read_yaml(TIERS_DIR / "_fields.yaml")["fields"]) - used
    # revenue_growth and invention_patents are part of the contract for other callers
    # (leader scoring, profiles) although no tier criterion tests them
    assert unused == {"revenue_growth", "invention_patents"}


# ---------------------------------------------------------------- 规上工业企业
def test_above_scale() -> None:
    rs = load_rule_set("above_scale")
    assert evaluate(rs, {"is_industrial": True, "main_revenue": 2000}).qualifies  # 2000 >= 2000
    e = evaluate(rs, {"is_industrial": True, "main_revenue": 1900})
    # misses 2000万 by 100万 = 5 % -> nearly
    assert not e.qualifies and e.nearly_qualifies
    assert e.criterion("main_revenue").shortfall == 100
    assert e.criterion("main_revenue").relative_shortfall == pytest.approx(0.05)
    # a service firm is not industrial: a yes/no criterion is never "nearly"
    e = evaluate(rs, {"is_industrial": False, "main_revenue": 5000})
    assert not e.qualifies and not e.nearly_qualifies and e.missed == ("industrial",)


# ---------------------------------------------------------------- 创新型中小企业
#: An industrial firm of 200 employees: an SME by 工信部联企业〔2011〕300号 (fewer than 1000), so
#: the SME tiers apply to it whatever its revenue.
SME = {"is_industrial": True, "employees": 200}
NO_DIRECT = {
    **SME,
    "sci_tech_award_3y": False,
    "has_valid_honour": False,
    "has_provincial_rd_institution": False,
    "equity_financing_3y": 0,
}
NO_HIGH_IP = {"ip_class1_high_value_count": 0, "ip_class1_own_count": 0}


def innovative(**kw: Any) -> dict[str, Any]:
    return {**NO_DIRECT, **NO_HIGH_IP, **kw}


def test_innovative_sme_exactly_60() -> None:
    # 创新能力: Ⅰ类知识产权 1 (not own, not high value) = 10; R&D 3 % -> 3–5 % band = 15 => 25
    # 成长性: growth 5 % -> 5–10 % band = 10; debt 60 % -> 55–75 % band = 5 => 15
    # 专业化: not 战略性新兴 = 5; main-business share 60 % -> 60–70 % band = 15 => 20
    # total 25 + 15 + 20 = 60 >= 60; 25 >= 20, 15 >= 15, 20 >= 15 -> qualifies, all at the edge
    rec = innovative(
        ip_class1_count=1,
        rd_spend=90,
        revenue=3000,  # 90 / 3000 = 3 %
        main_revenue_growth=0.05,
        debt_ratio=0.60,
        strategic_emerging=False,
        main_revenue=1800,  # 1800 / 3000 = 60 %
    )
    e = evaluate(load_rule_set("innovative_sme"), rec)
    assert e.qualifies and e.determined
    assert e.score == 60
    assert e.group_scores == {"innovation": 25, "growth": 15, "specialisation": 20}
    assert [p.points for p in e.points] == [10, 15, 10, 5, 5, 15]


def test_innovative_sme_fails_only_growth_minimum() -> None:
    # 创新能力: high-value Ⅰ类 = 20; R&D 6 % = 20 => 40
    # 成长性: growth 3 % -> 0–5 % band = 5; debt 80 % (>= 75 %) = 0 => 5   (< 15)
    # 专业化: 战略性新兴 = 10; share 75 % = 20 => 30
    # total 75 >= 60, but 成长性 5 < 15: fails by 10 points (relative 10/15 = 66.7 %)
    rec = innovative(
        ip_class1_high_value_count=1,
        ip_class1_count=1,
        rd_intensity=0.06,
        main_revenue_growth=0.03,
        debt_ratio=0.80,
        strategic_emerging=True,
        main_business_share=0.75,
    )
    e = evaluate(load_rule_set("innovative_sme"), rec)
    assert e.score == 75 and e.group_scores["growth"] == 5
    assert not e.qualifies and e.determined and not e.nearly_qualifies
    # the size test passes by the industry row; its other-sector branch's "not industrial"
    # selector is False for this industrial firm, as it should be
    assert e.groups["sme_size"] is True
    failed = [c.id for c in e.criteria if c.met is False and c.id != "sme_not_industrial"]
    assert failed == ["score_growth", "award", "honour", "rd_institution", "equity_financing"]
    g = e.criterion("score_growth")
    assert (g.actual, g.threshold, g.shortfall) == (5, 15, 10)
    assert g.relative_shortfall == pytest.approx(10 / 15)
    # cheapest way: one criterion either way; score_growth (66.7 %) beats a yes/no (100 %)
    assert e.missed == ("score_growth",) and e.missed_count == 1


def test_innovative_sme_nearly_at_55() -> None:
    # 创新能力 10 + 15 = 25; 成长性 10 + 5 = 15; 专业化 5 + 10 (share 55 %) = 15; total 55
    # only the total fails: 60 - 55 = 5 points, 5/60 = 8.3 % <= 20 % -> nearly qualifies
    rec = innovative(
        ip_class1_count=1,
        rd_intensity=0.03,
        main_revenue_growth=0.05,
        debt_ratio=0.60,
        strategic_emerging=False,
        main_business_share=0.55,
    )
    e = evaluate(load_rule_set("innovative_sme"), rec)
    assert e.score == 55 and not e.qualifies and e.nearly_qualifies
    assert e.near_missed == ("score_total",)
    assert e.criterion("score_total").shortfall == 5
    assert e.criterion("score_total").relative_shortfall == pytest.approx(5 / 60)


def test_innovative_sme_band_edges() -> None:
    rs = load_rule_set("innovative_sme")
    base = innovative(
        ip_class1_count=0,
        ip_class2_count=0,
        rd_intensity=0.0,
        main_revenue_growth=-0.1,
        strategic_emerging=False,
        main_business_share=0.4,
    )

    def debt_points(d: float) -> float | None:
        return next(
            p.points for p in evaluate(rs, {**base, "debt_ratio": d}).points if p.id == "debt_ratio"
        )

    # ≤55 % = 10; 55–75 % = 5; ≥75 % = 0
    assert [debt_points(d) for d in (0.55, 0.5501, 0.7499, 0.75)] == [10, 5, 5, 0]
    # no IP at all -> 0; Ⅱ类 only -> 5
    e = evaluate(rs, {**base, "debt_ratio": 0.5})
    assert e.points[0].points == 0
    assert evaluate(rs, {**base, "debt_ratio": 0.5, "ip_class2_count": 3}).points[0].points == 5


def test_innovative_sme_direct_conditions() -> None:
    rs = load_rule_set("innovative_sme")
    weak = innovative(
        ip_class1_count=0,
        ip_class2_count=0,
        rd_intensity=0.0,
        main_revenue_growth=0.0,
        debt_ratio=0.9,
        strategic_emerging=False,
        main_business_share=0.3,
    )
    # score 0 + 0 + 5 + 0 + 5 + 0 = 10: only the direct route can work
    assert evaluate(rs, weak).score == 10
    assert evaluate(rs, {**weak, "equity_financing_3y": 500}).qualifies  # 500万 >= 500万
    e = evaluate(rs, {**weak, "equity_financing_3y": 450})  # misses by 50万 = 10 %
    assert e.nearly_qualifies and e.near_missed == ("equity_financing",)
    assert evaluate(rs, {**weak, "has_valid_honour": True}).qualifies


def test_innovative_sme_missing_data() -> None:
    rs = load_rule_set("innovative_sme")
    # strategic_emerging unknown: 专业化 item is 5 or 10; the firm of the 60-point case would
    # score 60 or 65 -> qualifies either way
    rec = innovative(
        ip_class1_count=1,
        rd_intensity=0.03,
        main_revenue_growth=0.05,
        debt_ratio=0.60,
        main_business_share=0.60,
    )
    e = evaluate(rs, rec)
    assert e.qualifies and e.score is None and (e.score_min, e.score_max) == (60, 65)
    # with share 55 % instead: 55 or 60 -> undetermined, not "nearly"
    e = evaluate(rs, {**rec, "main_business_share": 0.55})
    assert not e.qualifies and not e.determined and not e.nearly_qualifies


# ---------------------------------------------------------------- 专精特新中小企业
SRDI_OK = {
    **SME,
    "years_in_niche": 3,
    "rd_spend": 150,
    "revenue": 4000,  # R&D 150 / 4000 = 3.75 %
    "srdi_score": 70,
}


def test_srdi_sme_qualifies_and_uses_entered_score() -> None:
    rs = load_rule_set("srdi_sme")
    e = evaluate(rs, SRDI_OK)
    assert e.qualifies
    # the informational R&D item: 150万 -> 100–200万 band = 2; 3.75 % -> 3–4 % band = 2
    assert {p.id: p.points for p in e.points}["rd_item"] == 2
    # score 58 and no direct condition known false -> not determined (direct data missing)
    e = evaluate(rs, {**SRDI_OK, "srdi_score": 58})
    assert not e.qualifies and not e.determined and e.nearly_qualifies  # 2/60 = 3.3 %
    assert e.near_missed == ("srdi_score",)


def test_srdi_sme_rd_conditions() -> None:
    rs = load_rule_set("srdi_sme")
    # R&D 90万 < 100万 (10 % short) and 90 / 4000 = 2.25 % < 3 % (25 % short): two misses
    e = evaluate(rs, {**SRDI_OK, "rd_spend": 90})
    assert e.criterion("rd_spend").shortfall == 10
    assert e.criterion("rd_intensity").shortfall == pytest.approx(0.03 - 0.0225)
    assert e.missed_count == 2 and not e.nearly_qualifies
    # R&D item of the score: 450万 and 450 / 10000 = 4.5 % -> first matching row is
    # "400–500万 or 8–10 %" = 8 points
    e = evaluate(rs, {**SRDI_OK, "rd_spend": 450, "revenue": 10000})
    assert {p.id: p.points for p in e.points}["rd_item"] == 8
    # with revenue 4000万 the intensity is 11.25 % >= 10 % -> 10 points
    e = evaluate(rs, {**SRDI_OK, "rd_spend": 450})
    assert {p.id: p.points for p in e.points}["rd_item"] == 10


def test_srdi_sme_small_firm_branch() -> None:
    rs = load_rule_set("srdi_sme")
    small = {**SRDI_OK, "revenue": 800, "rd_spend": 100}  # 100 / 800 = 12.5 %
    assert evaluate(rs, {**small, "equity_financing_2y": 2500}).qualifies
    e = evaluate(rs, {**small, "equity_financing_2y": 1900})
    # revenue 800 < 1000 (20 % short) or financing 1900 < 2000 (5 % short): financing is cheaper
    assert not e.qualifies and e.nearly_qualifies and e.near_missed == ("equity_financing_2000",)
    # the selector "revenue < 1000" has no shortfall of its own
    big = evaluate(rs, {**SRDI_OK, "equity_financing_2y": 0})
    assert big.criterion("revenue_below_1000").met is False
    assert big.criterion("revenue_below_1000").shortfall is None


def test_srdi_sme_direct_rd_average_from_two_year_total() -> None:
    rs = load_rule_set("srdi_sme")
    rec = {**SRDI_OK, "srdi_score": 40, "rd_spend_2y": 2100}
    # mean = 2100 / 2 = 1050 >= 1000 -> condition 4 met without the score
    e = evaluate(rs, rec)
    assert e.criterion("rd_avg_1000").actual == 1050 and e.qualifies
    # a reported mean wins over the formula
    assert evaluate(rs, {**rec, "rd_spend_2y_avg": 900}).criterion("rd_avg_1000").met is False


# ---------------------------------------------------------------- 小巨人
LG = {
    **SME,
    "years_in_niche": 5,
    "main_revenue": 8000,
    "revenue": 10000,  # share 80 %
    "main_revenue_growth_2y_cagr": 0.08,
    "has_info_system": True,
    "has_mgmt_certification": True,
    "debt_ratio": 0.5,
    "national_market_share": 0.12,
    "has_own_brand": True,
    "rd_intensity_min_2y": 0.035,
    "has_rd_institution": True,
    "ip_class1_count": 3,
    "ip_class1_in_use_with_benefit": True,
    "key_chain_product": True,
    "main_product_key_field": True,
}


def test_little_giant_qualifies_and_reports_uncertain_criteria() -> None:
    rs = load_rule_set("little_giant")
    e = evaluate(rs, LG)
    assert e.qualifies
    assert set(e.uncertain) == {
        "national_award_top3",
        "maker_china_top50",
        "key_chain_product",
        "shortboard_product",
        "main_product_key_field",
    }


def test_little_giant_revenue_bands() -> None:
    rs = load_rule_set("little_giant")
    # revenue 8000万 (5000万–1亿 band) needs 6 %; at 5 % it misses by 1 point (16.7 %)
    e = evaluate(rs, {**LG, "revenue": 8000, "main_revenue": 7000, "rd_intensity_min_2y": 0.05})
    assert not e.qualifies and e.nearly_qualifies
    assert e.near_missed == ("rd_intensity_6pct",)
    assert e.criterion("rd_intensity_6pct").shortfall == pytest.approx(0.01)
    # the >= 1亿 band (3 %) would need revenue 10000 (20 % short): more costly than 16.7 %
    assert e.criterion("revenue_1e4").relative_shortfall == pytest.approx(0.2)
    # revenue 4000万: equity 8000万, R&D 3000万 and 50 % R&D staff all needed
    small = {
        **LG,
        "revenue": 4000,
        "main_revenue": 3500,
        "equity_financing_2y": 9000,
        "rd_spend_2y": 3200,
        "rd_staff_share": 0.55,
    }
    assert evaluate(rs, small).qualifies
    assert not evaluate(rs, {**small, "rd_staff_share": 0.4}).qualifies


def test_little_giant_market_share_and_debt() -> None:
    rs = load_rule_set("little_giant")
    e = evaluate(rs, {**LG, "national_market_share": 0.09, "debt_ratio": 0.72})
    # share misses 10 % by 1 point (10 % relative); debt exceeds 70 % by 2 points (2.9 %)
    assert e.missed_count == 2 and not e.nearly_qualifies
    assert e.criterion("market_share").shortfall == pytest.approx(0.01)
    assert e.criterion("debt_ratio").shortfall == pytest.approx(0.02)


# ---------------------------------------------------------------- 单项冠军
CHAMP = {
    "years_in_niche": 12,
    "global_rank": 2,
    "niche_product_share": 0.8,
    "has_core_ip_and_standards": True,
    "profit_above_industry": True,
    "no_violations_3y": True,
    "energy_meets_advanced": True,
}


def test_champion() -> None:
    rs = load_rule_set("champion")
    assert evaluate(rs, CHAMP).qualifies
    assert evaluate(rs, CHAMP).uncertain == ("niche_product_share",)
    # global rank 4 > 3: misses by 1 place, 1/3 = 33 % -> not nearly
    e = evaluate(rs, {**CHAMP, "global_rank": 4})
    assert e.criterion("global_top3").shortfall == 1 and not e.nearly_qualifies
    # 9 years (10 needed, 10 %) -> nearly; a new product needs only 3 years
    assert evaluate(rs, {**CHAMP, "years_in_niche": 9, "is_new_product": False}).nearly_qualifies
    assert evaluate(rs, {**CHAMP, "years_in_niche": 4, "is_new_product": True}).qualifies
