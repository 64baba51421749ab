"""Tier facts: which fields they are, how a value is read (hand-checked cases), where a
criterion's value comes from."""

from __future__ import annotations

import pytest

from gaodi.analytics.rulefiles import load_field_contract, load_rule_set
from gaodi.core.errors import ValidationError
from gaodi.enterprises import facts, records
from gaodi.enterprises.models import FACT_SOURCES
from gaodi.enterprises.service import data_source
from gaodi.exchange.schema import CHOICES


def test_the_facts_are_the_contract_minus_the_computed_fields() -> None:
    contract = load_field_contract()
    names = [f.name for f in facts.fact_fields()]
    assert names == [n for n in contract if n not in records.COMPUTED]
    # every input the issue names is among them
    for name in (
        "ip_class1_count", "ip_class1_own_count", "ip_class1_high_value_count",
        "ip_class2_count", "has_valid_honour", "has_provincial_rd_institution",
        "sci_tech_award_3y", "national_award_top3_3y", "maker_china_top500_3y",
        "years_in_niche", "national_market_share", "global_rank", "niche_product_share",
        "profit_above_industry", "equity_financing_2y", "equity_financing_3y",
        "rd_staff_share", "has_info_system", "has_mgmt_certification", "has_own_brand",
    ):  # fmt: skip
        assert name in names, name
    assert [c.code for c in CHOICES["fact_source"]] == list(FACT_SOURCES)


@pytest.mark.parametrize(
    ("field", "raw", "stored"),
    [
        ("national_market_share", "15%", 0.15),
        ("national_market_share", "0.1", 0.1),
        ("national_market_share", 0.12, 0.12),
        ("national_market_share", "0.1.2", None),  # not a number
        ("equity_financing_2y", "1,200", 1200.0),
        ("ip_class1_count", "3", 3.0),
        ("global_rank", 1, 1.0),
        ("has_own_brand", "是", 1.0),
        ("has_own_brand", "否", 0.0),
        ("has_own_brand", False, 0.0),
        ("has_own_brand", "  ", "blank"),
        ("srdi_score", "100", 100.0),
    ],
)
def test_values_are_read_exactly(field: str, raw: object, stored: float | str | None) -> None:
    f = facts.fact_field(field)
    if stored == "blank":
        assert facts.parse_value(f, raw) is None
    elif stored is None:
        with pytest.raises(ValidationError):
            facts.parse_value(f, raw)
    else:
        assert facts.parse_value(f, raw) == stored


@pytest.mark.parametrize(
    ("field", "raw", "words"),
    [
        ("national_market_share", "1.2", "0–1"),  # a share above 1 (12 % typed as 12 is 1200 %)
        ("national_market_share", "-0.1", "0–1"),
        ("ip_class1_count", "1.5", "整数"),
        ("global_rank", "0", "不小于 1"),
        ("srdi_score", "101", "0–100"),
        ("has_own_brand", "也许", "“是”或“否”"),
        ("years_in_niche", "三年", "数值"),
        ("years_in_niche", True, "数值"),
    ],
)
def test_bad_values_say_why(field: str, raw: object, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        facts.parse_value(facts.fact_field(field), raw)
    assert words in info.value.zh and info.value.context["field"] == field
    assert info.value.en


def test_the_source_of_a_criterion_value() -> None:
    rs = load_rule_set("innovative_sme")
    stats = {"main_revenue": "statistics", "revenue": "statistics"}
    # derived main_business_share = main_revenue / revenue: both statistics
    assert data_source(rs, "main_business_share", stats) == "statistics"
    # inputs from different sources: computed
    assert data_source(rs, "main_business_share", {**stats, "revenue": "certified"}) == "computed"
    # an input missing: no source (the value is missing)
    assert data_source(rs, "main_business_share", {"main_revenue": "statistics"}) is None
    # a reported value wins over the formula, and so does its source
    reported = {**stats, "main_business_share": "self_declared"}
    assert data_source(rs, "main_business_share", reported) == "self_declared"
    assert data_source(rs, "score", stats) == "computed"
    assert data_source(rs, "score.growth", stats) == "computed"
    assert data_source(rs, "has_valid_honour", {"has_valid_honour": "certified"}) == "certified"
    assert data_source(rs, "has_valid_honour", stats) is None
