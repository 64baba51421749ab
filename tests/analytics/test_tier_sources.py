"""Tier rules that match their sources (issue [11] item 4), with hand-scored firms."""

from __future__ import annotations

import pytest

from gaodi.analytics.rulefiles import list_rule_sets, load_rule_set
from gaodi.analytics.ruleset import evaluate, rule_set_from_dict
from gaodi.analytics.ruleset_model import SOURCE_KINDS
from gaodi.core.errors import NotFoundError, ValidationError
from tests.analytics.test_tiers import LG, SME

# A firm scored by hand on the 专精特新中小企业评价指标 (national items):
#   专业化 25: main share 4250/5000 = 85 % (>= 80 %) 5; growth 100 -> 110 -> 121, 10 % a year
#              (>= 10 %) 10; 7 years in the niche (3 full 2-year spans) 3; 六基 product 3  = 21
#   精细化 25: digital level 2 -> 3; ISO 9001 + own brand = 2 items -> min(6, 5) = 5;
#              net margin 5 % (4–6 %) 4; debt 55 % (50–60 %) 3                            = 15
#   特色化 15: entered 12                                                                 = 12
#   创新能力 35: IP 6 (entered); R&D 250万 at 5 % -> row "200万 or 4 %" 4; R&D staff 3
#              (entered); institution 8 (entered)                                        = 21
#   total 69 >= 60.
SRDI_FIRM = {
    **SME,
    "years_in_niche": 7,
    "revenue": 5000.0,
    "main_revenue": 4250.0,
    "main_revenue_growth_2y_cagr": 0.10,
    "product_fills_chain_gap": False,
    "product_in_six_bases_or_serves_leader": True,
    "digital_level": 2,
    "has_provincial_quality_award": False,
    "has_quality_certification": True,
    "has_own_brand": True,
    "took_part_in_standards": False,
    "net_profit_margin": 0.05,
    "debt_ratio": 0.55,
    "srdi_local_points": 12,
    "srdi_points_ip": 6,
    "rd_spend": 250.0,
    "srdi_points_rd_staff": 3,
    "srdi_points_rd_institution": 8,
}


def test_srdi_score_by_hand() -> None:
    rs = load_rule_set("srdi_sme")
    e = evaluate(rs, SRDI_FIRM)
    points = {p.id: p.points for p in e.points}
    assert points == {
        "main_business_share": 5,
        "main_revenue_growth_2y": 10,
        "years_in_niche": 3,
        "product_field": 3,
        "digital_level": 3,
        "quality_management": 5,
        "net_profit_margin": 4,
        "debt_ratio": 3,
        "ip": 6,
        "rd_item": 4,
        "rd_staff": 3,
        "rd_institution": 8,
        "local": 12,
    }
    assert e.group_scores == {
        "specialisation": 21,
        "refinement": 15,
        "distinctiveness": 12,
        "innovation": 21,
    }
    assert e.score == 69
    assert e.criterion("score").met is True and e.qualifies
    # the group maxima are the table's: 25 + 25 + 15 + 35 = 100
    assert [g.max_points for g in rs.score_groups] == [25, 25, 15, 35]
    assert sum(p.max_points for p in rs.points) == 100


def test_srdi_band_boundaries_include_the_number() -> None:
    rs = load_rule_set("srdi_sme")
    # "80%以上" includes 80 %, "50%以下" includes 50 % (民法典 第一千二百五十九条)
    e = evaluate(rs, {**SRDI_FIRM, "main_revenue": 4000.0, "debt_ratio": 0.50})
    pts = {p.id: p.points for p in e.points}
    assert pts["main_business_share"] == 5 and pts["debt_ratio"] == 5
    # 70 % debt: "60%-70%" (1) and "70%以上" (0) share the boundary; the first row wins
    e = evaluate(rs, {**SRDI_FIRM, "debt_ratio": 0.70})
    assert {p.id: p.points for p in e.points}["debt_ratio"] == 1
    # 2 full years in the niche: 1 point; 1.9 years: 0
    for years, want in ((2, 1), (1.9, 0), (10, 5), (30, 5)):
        e = evaluate(rs, {**SRDI_FIRM, "years_in_niche": years})
        assert {p.id: p.points for p in e.points}["years_in_niche"] == want


def test_srdi_entered_points_missing_leave_a_range_and_are_clipped() -> None:
    rs = load_rule_set("srdi_sme")
    rec = {k: v for k, v in SRDI_FIRM.items() if not k.startswith("srdi_points")}
    e = evaluate(rs, rec)
    # IP (10), R&D staff (5) and institution (10) unknown: 69 − 17 = 52 up to 52 + 25 = 77
    assert (e.score, e.score_min, e.score_max) == (None, 52, 77)
    assert e.criterion("score").met is None and not e.determined
    # points above an item's maximum are clipped to it
    e = evaluate(rs, {**SRDI_FIRM, "srdi_local_points": 40})
    assert {p.id: p.points for p in e.points}["local"] == 15


def test_srdi_growth_reading_changes_the_band() -> None:
    # 100 -> 130 -> 109.2: mean 7 % (6–8 %: 6 points); cagr 4.4988 % (4–6 %: 4 points)
    rec = {
        **SRDI_FIRM,
        "main_revenue_growth_2y_cagr": 0.044988,
        "main_revenue_growth_2y_mean": 0.07,
    }
    cagr = evaluate(load_rule_set("srdi_sme"), rec)
    mean = evaluate(load_rule_set("srdi_sme", {"growth_2y_reading": "mean"}), rec)
    assert {p.id: p.points for p in cagr.points}["main_revenue_growth_2y"] == 4
    assert {p.id: p.points for p in mean.points}["main_revenue_growth_2y"] == 6


def test_sichuan_distinctiveness_items() -> None:
    rs = load_rule_set("srdi_sme", province="sichuan")
    assert rs.id == "srdi_sme_sichuan" and rs.status == "uncertain"
    rec = {k: v for k, v in SRDI_FIRM.items() if k != "srdi_local_points"}
    rec |= {
        "sichuan_modern_system": True,
        "sichuan_heritage_first_set": False,
        "sichuan_regional_specialty": True,
    }
    e = evaluate(rs, rec)
    # 8 + 0 + 3 = 11 instead of the entered 12: 69 − 12 + 11 = 68
    assert e.group_scores["distinctiveness"] == 11 and e.score == 68
    assert rs.sources["sichuan_tieba_2022"].kind == "forum"
    with pytest.raises(NotFoundError):
        load_rule_set("srdi_sme", province="atlantis")


def test_little_giant_ip_needs_use_with_economic_benefit() -> None:
    rs = load_rule_set("little_giant")
    assert evaluate(rs, LG).qualifies
    # 3 class-I IP but not applied with economic benefit: the general condition fails, and
    # without a direct condition the firm is not proved to qualify
    e = evaluate(rs, {**LG, "ip_class1_in_use_with_benefit": False})
    assert e.criterion("ip_in_use_with_benefit").met is False
    assert e.groups["xin_general"] is False and not e.qualifies
    e = evaluate(rs, {**LG, "ip_class1_in_use_with_benefit": None})
    assert e.criterion("ip_in_use_with_benefit").met is None and not e.determined
    assert next(c for c in rs.criteria if c.id == "ip_class1_2").uncertain is False
    # the condition's label carries the restored wording
    xin_general = next(g for g in rs.root.items if g.id == "xin").items[0]
    ip_group = next(g for g in xin_general.items if g.id == "ip_class1")
    assert ip_group.label_zh.endswith("且实际应用并已产生经济效益")


def test_little_giant_pin_is_the_main_products_field() -> None:
    rs = load_rule_set("little_giant")
    pin = next(c for c in rs.criteria if c.id == "main_product_key_field")
    assert "主导产品原则上属于以下重点领域" in pin.label_zh and pin.uncertain
    assert "supplies_leaders" not in {c.metric for c in rs.criteria}
    e = evaluate(rs, {**LG, "main_product_key_field": False})
    assert e.groups["pin"] is False and not e.qualifies


def test_every_source_says_what_it_is_and_every_rule_set_cites_an_official_text() -> None:
    for name in list_rule_sets():
        rs = load_rule_set(name)
        kinds = {s.id: s.kind for s in rs.sources.values()}
        assert all(k in SOURCE_KINDS for k in kinds.values()), (name, kinds)
        assert {"official", "government_site"} & set(kinds.values()), name
        # reposts are never presented as the official text
        for s in rs.sources.values():
            if "转载" in s.title or "转帖" in s.title:
                assert s.kind != "official", (name, s.id)
    with pytest.raises(ValidationError):
        rule_set_from_dict(
            {
                "id": "x",
                "version": "1",
                "name_zh": "x",
                "name_en": "x",
                "sources": {"s": {"title": "t", "kind": "blog"}},
                "fields": {"a": {}},
                "rule": {
                    "id": "r",
                    "items": [
                        {"id": "c", "metric": "a", "op": ">=", "threshold": 1, "source": "s"}
                    ],
                },
            }
        )
