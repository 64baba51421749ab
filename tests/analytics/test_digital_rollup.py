"""Roll-ups counted by hand on tests/data/digital/assessments_small.csv; provider ranking by hand.

Latest level per enterprise in the fixture (counted from the CSV):
e01 3 (eng, p1, large, above-scale)   e02 2 (eng, p1, medium, above)  e03 1 (eng, p2, small)
e04 2 (eng, p2, medium, above)        e05 1 (nm, p1, small)           e06 4 (nm, p2, medium, above)
e07 3 (nm, p3, large, above)          e08 0 (nm, p3, small)           e09 2 (pe, p3, medium, above)
e10 1 (pe, p1, small)
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.digital_maturity import load_maturity_model
from gaodi.analytics.digital_rollup import (
    latest_assessments,
    level_distribution,
    rank_providers,
    share_at_or_above,
)
from gaodi.core.errors import DataError, ValidationError

CSV = Path(__file__).parents[1] / "data" / "digital" / "assessments_small.csv"


def fixture() -> pl.DataFrame:
    return pl.read_csv(CSV, schema_overrides={"industry": pl.String, "assessed_on": pl.String})


def latest() -> pl.DataFrame:
    return latest_assessments(fixture())


def test_latest_assessment_per_enterprise() -> None:
    df = latest().sort("enterprise_id")
    assert df.height == 10
    assert df["level"].to_list() == [3, 2, 1, 2, 1, 4, 3, 0, 2, 1]
    # as of 2022-12-31: e01 1, e02 2, e03 0, e05 1, e06 2, e08 0 (e04, e07, e09, e10 later)
    old = latest_assessments(fixture(), as_of="2022-12-31").sort("enterprise_id")
    assert old.select("enterprise_id", "level").rows() == [
        ("e01", 1),
        ("e02", 2),
        ("e03", 0),
        ("e05", 1),
        ("e06", 2),
        ("e08", 0),
    ]


def test_level_distribution_by_chain() -> None:
    d = level_distribution(latest(), "chain", levels=[0, 1, 2, 3, 4])
    assert d.height == 15  # 3 chains x 5 levels, zero counts included
    rows = {(c, lv): (n, s) for c, lv, n, s in d.rows()}
    # engineering machinery: e01 3, e02 2, e03 1, e04 2 -> 1:1, 2:2, 3:1
    assert [rows[("engineering_machinery", lv)] for lv in range(5)] == [
        (0, 0.0),
        (1, 0.25),
        (2, 0.5),
        (1, 0.25),
        (0, 0.0),
    ]
    # new materials: e05 1, e06 4, e07 3, e08 0 -> one at each of 0, 1, 3, 4
    assert [rows[("new_materials", lv)][0] for lv in range(5)] == [1, 1, 0, 1, 1]
    # power equipment: e09 2, e10 1
    assert [rows[("power_equipment", lv)] for lv in (1, 2)] == [(1, 0.5), (1, 0.5)]


def test_level_distribution_overall_and_by_park_and_size() -> None:
    d = level_distribution(latest())
    # 0: e08; 1: e03 e05 e10; 2: e02 e04 e09; 3: e01 e07; 4: e06
    assert d.rows() == [(0, 1, 0.1), (1, 3, 0.3), (2, 3, 0.3), (3, 2, 0.2), (4, 1, 0.1)]
    d = level_distribution(latest(), ["park", "size"])
    # p2 medium: e04 2, e06 4; p1 small: e05 1, e10 1
    assert d.filter((pl.col("park") == "p2") & (pl.col("size") == "medium")).select(
        "level", "count", "share"
    ).rows() == [(2, 1, 0.5), (4, 1, 0.5)]
    assert d.filter((pl.col("park") == "p1") & (pl.col("size") == "small")).select(
        "level", "count", "share"
    ).rows() == [(1, 2, 1.0)]


def test_share_of_above_scale_at_or_above_a_level() -> None:
    above = pl.col("above_scale")
    # above-scale: e01 3, e02 2, e04 2, e06 4, e07 3, e09 2 -> at or above 三级: 3 of 6
    assert share_at_or_above(latest(), 3, where=above).rows() == [(6, 3, 0.5)]
    by_chain = share_at_or_above(latest(), 3, "chain", where=above).rows()
    # eng: e01 of (e01 e02 e04) = 1/3; nm: e06 e07 = 2/2; pe: e09 (2) = 0/1
    assert by_chain == [
        ("engineering_machinery", 3, 1, 0.333333),
        ("new_materials", 2, 2, 1.0),
        ("power_equipment", 1, 0, 0.0),
    ]
    # everyone at or above 二级: e01 e02 e04 e06 e07 e09 = 6 of 10
    assert share_at_or_above(latest(), 2).rows() == [(10, 6, 0.6)]
    with pytest.raises(DataError):
        share_at_or_above(latest(), 2, where=pl.col("chain") == "none")


def test_empty_population_is_refused() -> None:
    with pytest.raises(DataError):
        level_distribution(latest().head(0), "chain")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 4)), min_size=1, max_size=60))
def test_shares_sum_to_one_and_fall_with_the_level(rows) -> None:
    df = pl.DataFrame(rows, schema=["g", "level"], orient="row")
    d = level_distribution(df, "g", levels=range(5))
    sums = d.group_by("g").agg(pl.col("share").sum(), pl.col("count").sum())
    assert all(abs(s - 1.0) < 1e-5 for s in sums["share"])
    assert sums["count"].sum() == len(rows)
    shares = [share_at_or_above(df, lv)["share"][0] for lv in range(5)]
    assert shares == sorted(shares, reverse=True) and shares[0] == 1.0


# ------------------------------------------------------------------ providers
def providers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "provider_id": ["A", "B", "C", "D", "E"],
            "name": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"],
            "capabilities": [
                ["equipment_management", "energy_management"],
                ["equipment_management", "energy_management", "data"],
                ["data"],
                ["sales"],
                ["energy_management"],
            ],
            "industries": [["38"], ["26"], ["3811"], ["38"], []],
            "references": [3, 1, 0, 15, 1],
            "local": [True, True, False, True, True],
        },
        schema_overrides={"industries": pl.List(pl.String)},
    )


NEEDS = {"equipment_management": 6.0, "energy_management": 2.0, "data": 2.0}  # total 10


def labels() -> tuple[dict[str, str], dict[str, str]]:
    m = load_maturity_model()
    return ({k: v[0] for k, v in m.subdomains.items()}, {k: v[1] for k, v in m.subdomains.items()})


def test_provider_ranking_by_hand() -> None:
    zh, en = labels()
    r = rank_providers(providers(), NEEDS, industry_code="3811", labels_zh=zh, labels_en=en)
    # D covers none of the needs -> left out, and its 15 references do not set the scale:
    # max references among candidates = 3, experience = ln(1 + r) / ln 4
    # A: fit (6 + 2)/10 = 0.8; 38 is a prefix of 3811; ln4/ln4 = 1; local
    #    0.55 x 0.8 + 0.20 + 0.15 x 1 + 0.10 = 0.89
    # B: fit 1.0; 26 no; ln2/ln4 = 0.5; local -> 0.55 + 0.075 + 0.10 = 0.725
    # C: fit 0.2; 3811 matches; 0 refs; not local -> 0.11 + 0.20 = 0.31
    # E: fit 0.2; no industry; ln2/ln4 = 0.5; local -> 0.11 + 0.075 + 0.10 = 0.285
    assert r.select("provider_id", "score", "fit").rows() == [
        ("A", 0.89, 0.8),
        ("B", 0.725, 1.0),
        ("C", 0.31, 0.2),
        ("E", 0.285, 0.2),
    ]
    a = r.row(0, named=True)
    assert (
        a["reasons_zh"]
        == "覆盖差距：设备管理、能源管理（占差距权重80%）；有本行业（38）服务经验；参考案例3个；本地服务商"
    )
    assert a["reasons_en"] == (
        "Covers gaps: Equipment management, Energy management (80% of gap "
        "weight); has served industry 38; 3 reference project(s); "
        "local provider"
    )
    c = r.row(2, named=True)
    assert (
        c["reasons_zh"] == "覆盖差距：数据（占差距权重20%）；有本行业（3811）服务经验；参考案例0个"
    )


def test_weights_are_parameters_and_ties_break_by_id() -> None:
    # without industry and locality: A 0.44 + 0.15 = 0.59 < B 0.55 + 0.075 = 0.625
    r = rank_providers(
        providers(), NEEDS, industry_code="3811", weights={"industry": 0.0, "local": 0.0}
    )
    assert r["provider_id"].to_list()[:2] == ["B", "A"]
    assert r["score"].to_list()[:2] == [0.625, 0.59]
    twin = providers().filter(pl.col("provider_id") == "A").with_columns(provider_id=pl.lit("0A"))
    r = rank_providers(pl.concat([providers(), twin]), NEEDS, industry_code="3811")
    assert r["provider_id"].to_list()[:2] == ["0A", "A"]
    assert math.isclose(r["score"][0], r["score"][1])


def test_provider_refusals_and_empty_cases() -> None:
    assert rank_providers(providers(), {}).is_empty()
    assert rank_providers(providers(), {"logistics": 1.0}).is_empty()
    with pytest.raises(ValidationError) as e:
        rank_providers(providers().drop("local"), NEEDS)
    assert "local" in e.value.zh and "local" in e.value.en
    with pytest.raises(ValidationError):
        rank_providers(providers(), NEEDS, weights={"charm": 1.0})
