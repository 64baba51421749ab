"""Proposals for new indicators (rules in gaodi/plans/rules/indicator_inference.yaml)."""

from __future__ import annotations

import pytest

from gaodi.plans.inference import natural_kind, progress_kind, propose, slugify


@pytest.mark.parametrize(
    ("name", "unit", "comparator", "quote", "expected"),
    [
        # flows of money are running totals reported monthly
        ("工业投资", "亿元", ">=", "", ("level", "cumulative", "higher", "monthly", "市发改委")),
        # things counted: yearly recognitions
        (
            "国家级专精特新“小巨人”企业",
            "家",
            ">=",
            "",
            ("count", "point", "higher", "yearly", "市工信局中小企业处"),
        ),
        # a growth rate
        (
            "规模以上工业增加值",
            "%",
            ">=",
            "规模以上工业增加值年均增长8%",
            ("growth", "cumulative", "higher", "monthly", "市统计局"),
        ),
        # an intensity: a level, not a total; lower is better
        (
            "单位工业增加值能耗",
            "吨标准煤/万元",
            "<=",
            "",
            ("level", "point", "lower", "yearly", "市工信局节能处"),
        ),
        # a share in %, no growth wording: a level
        (
            "数字经济占GDP比重",
            "%",
            ">=",
            "",
            ("level", "point", "higher", "yearly", "市工信局信息化处"),
        ),
        # per-mu tax is an intensity although money
        (
            "园区亩均税收",
            "万元",
            ">=",
            "",
            ("level", "point", "higher", "yearly", "市工信局园区处"),
        ),
    ],
)
def test_propose(name: str, unit: str, comparator: str, quote: str, expected: tuple) -> None:  # type: ignore[type-arg]
    p = propose(name, unit, comparator, quote)
    assert (p.kind, p.aggregation, p.direction, p.frequency, p.owner) == expected


def test_slugs_are_ascii_codes() -> None:
    assert slugify("新材料产业产值") == "new_materials_industry_output"
    assert slugify("5G基站数") == "i_5_g_base_stations_count"  # digits, then a latin letter
    assert slugify("千亿级园区数量") == "hundred_bn_level_parks_count"
    for name in ("3000亿级园区数量", "5G基站数", "某某"):
        code = slugify(name)
        assert code.isascii() and code[0].isalpha() and code.replace("_", "").isalnum()


def test_kinds() -> None:
    assert natural_kind("cumulative", "growth") == "yoy"
    assert natural_kind("average", "level") == "current"
    # a count of new items reported as a running total is a flow (was "count": a stock judged
    # from its baseline, so 25 new firms by June against 50 a year read as far behind)
    assert progress_kind("cumulative", "count") == "cumulative"
    assert progress_kind("point", "count") == "count"
    assert progress_kind("average", "level") == "level"
