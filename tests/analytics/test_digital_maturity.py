"""GB/T 39116-2020 structure and GB/T 39117-2020 level determination, computed by hand.

Rules under test (GB/T 39117 clause 6 as commonly published; defaults of the rule file):
requirement ratings 0 / 0.5 / 0.8 / 1, sub-domain score = mean of its requirements,
level score = weighted mean of the sub-domains rated at that level, a level is attained when
its score >= 0.8 and every lower level is attained.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.digital_maturity import evaluate_maturity, load_maturity_model, maturity_needs
from gaodi.core.errors import DataError, ValidationError

M = load_maturity_model()


def test_structure_of_the_model() -> None:
    assert [M.levels[k] for k in sorted(M.levels)] == [
        "一级（规划级）",
        "二级（规范级）",
        "三级（集成级）",
        "四级（优化级）",
        "五级（引领级）",
    ]
    assert len(M.subdomains) == 20
    per_element: dict[str, int] = {}
    for _, _, element in M.subdomains.values():
        per_element[element] = per_element.get(element, 0) + 1
    # 人员 2 (组织战略, 人员技能); 技术 3 (数据, 集成, 信息安全); 资源 2 (装备, 网络);
    # 制造 13 (设计 2, 生产 7, 物流, 销售, 服务 2)
    assert per_element == {"personnel": 2, "technology": 3, "resource": 2, "manufacturing": 13}
    assert {M.rating_scale[k] for k in ("不满足", "部分满足", "大部分满足", "全部满足")} == {
        0.0,
        0.5,
        0.8,
        1.0,
    }


def hand_case() -> pl.DataFrame:
    rows = [
        # level 1: org_strategy (1 + 0.8)/2 = 0.9; data 1.0; equipment (0.5 + 1)/2 = 0.75
        (1, "org_strategy", "全部满足"),
        (1, "org_strategy", "大部分满足"),
        (1, "data", "全部满足"),
        (1, "equipment", "部分满足"),
        (1, "equipment", "全部满足"),
        # level 2: org_strategy 0.8; data 0.5; equipment 1.0
        (2, "org_strategy", "大部分满足"),
        (2, "org_strategy", "大部分满足"),
        (2, "data", "部分满足"),
        (2, "equipment", "全部满足"),
        # level 3: org_strategy 1.0; data 1.0
        (3, "org_strategy", "全部满足"),
        (3, "data", "全部满足"),
    ]
    return pl.DataFrame(rows, schema=["level", "subdomain", "rating"], orient="row")


def test_level_determination_by_hand() -> None:
    res = evaluate_maturity(M, hand_case())
    # level 1: (0.9 + 1.0 + 0.75) / 3 = 2.65 / 3 = 0.883333 -> attained
    # level 2: (0.8 + 0.5 + 1.0) / 3 = 2.3 / 3 = 0.766667 -> below 0.8
    # level 3: 1.0 but level 2 is not attained -> does not count
    assert res.level_scores == {1: 0.883333, 2: 0.766667, 3: 1.0}
    assert (res.attained_level, res.next_level) == (1, 2)
    assert res.next_level_score == 0.766667
    assert res.shortfall == 0.033333  # 0.8 - 0.766667
    sub = res.subdomain_scores.filter(pl.col("level") == 1).sort("subdomain")
    assert sub.select("subdomain", "score").rows() == [
        ("data", 1.0),
        ("equipment", 0.75),
        ("org_strategy", 0.9),
    ]
    # blockers at level 2: data (1 - 0.5)/3 = 0.166667, org_strategy (1 - 0.8)/3 = 0.066667;
    # equipment is at 1.0 and blocks nothing
    assert res.blockers.select("subdomain", "name_zh", "gain_if_full").rows() == [
        ("data", "数据", 0.166667),
        ("org_strategy", "组织战略", 0.066667),
    ]
    assert maturity_needs(res) == {"data": 0.166667, "org_strategy": 0.066667}


def test_weights_and_threshold_are_parameters() -> None:
    # data weighs 2: level 2 = (0.8 + 2 x 0.5 + 1.0) / 4 = 2.8 / 4 = 0.7
    res = evaluate_maturity(M, hand_case(), weights={"data": 2.0})
    assert res.level_scores[2] == 0.7
    # level 1 = (0.9 + 2 x 1.0 + 0.75) / 4 = 3.65 / 4 = 0.9125
    assert res.level_scores[1] == 0.9125
    # threshold 0.75: level 2 (0.766667) and level 3 (1.0) pass -> 三级, next 4 not rated
    res = evaluate_maturity(M, hand_case(), threshold=0.75)
    assert (res.attained_level, res.next_level, res.next_level_score) == (3, 4, None)
    assert res.blockers.is_empty() and res.shortfall is None


def test_numeric_ratings_and_full_marks() -> None:
    df = pl.DataFrame(
        {"level": [1, 2, 3, 4, 5], "subdomain": ["sales"] * 5, "rating": [1.0, 1.0, 1.0, 1.0, 0.8]}
    )
    res = evaluate_maturity(M, df)
    assert (res.attained_level, res.next_level) == (5, None)
    # exactly 0.8 passes (>=)
    assert res.level_scores[5] == 0.8


@pytest.mark.parametrize(
    ("frame", "exc", "needle"),
    [
        (
            pl.DataFrame({"level": [1], "subdomain": ["marketing"], "rating": [1.0]}),
            ValidationError,
            "marketing",
        ),
        (
            pl.DataFrame({"level": [6], "subdomain": ["data"], "rating": [1.0]}),
            ValidationError,
            "6",
        ),
        (
            pl.DataFrame({"level": [1], "subdomain": ["data"], "rating": [0.7]}),
            ValidationError,
            "0.7",
        ),
        (
            pl.DataFrame({"level": [1], "subdomain": ["data"], "rating": ["差不多"]}),
            ValidationError,
            "差不多",
        ),
        (pl.DataFrame({"level": [1], "subdomain": ["data"]}), ValidationError, "rating"),
        (
            pl.DataFrame(schema={"level": pl.Int64, "subdomain": pl.String, "rating": pl.Float64}),
            DataError,
            "rating",
        ),
    ],
)
def test_bad_ratings_are_refused(frame, exc, needle) -> None:
    with pytest.raises(exc) as e:
        evaluate_maturity(M, frame)
    assert e.value.zh and e.value.en
    assert needle in e.value.zh + e.value.en or exc is DataError


def test_bad_weight_is_refused() -> None:
    with pytest.raises(ValidationError):
        evaluate_maturity(M, hand_case(), weights={"data": 0.0})
    with pytest.raises(ValidationError):
        evaluate_maturity(M, hand_case(), weights={"nowhere": 1.0})


SCALE = [0.0, 0.5, 0.8, 1.0]
SUBS = sorted(M.subdomains)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.sampled_from(SUBS), st.sampled_from(SCALE)),
        min_size=1,
        max_size=40,
    ),
    st.data(),
)
def test_raising_a_rating_never_lowers_the_level(rows, data) -> None:
    df = pl.DataFrame(rows, schema=["level", "subdomain", "rating"], orient="row")
    base = evaluate_maturity(M, df)
    assert all(0.0 <= v <= 1.0 for v in base.level_scores.values())
    k = data.draw(st.integers(0, len(rows) - 1))
    lv, sd, r = rows[k]
    better = list(rows)
    better[k] = (lv, sd, data.draw(st.sampled_from([x for x in SCALE if x >= r])))
    after = evaluate_maturity(
        M, pl.DataFrame(better, schema=["level", "subdomain", "rating"], orient="row")
    )
    assert after.attained_level >= base.attained_level
    assert after.level_scores[lv] >= base.level_scores[lv]
