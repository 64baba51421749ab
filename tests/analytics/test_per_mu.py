"""Tests for gaodi.analytics.per_mu (亩均效益) with the shipped rule files and hand arithmetic."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.per_mu import (
    ClassRule,
    aggregate_parks,
    assign_classes,
    class_sizes,
    coverage,
    evaluate_per_mu,
    per_mu_rules_from_dict,
)
from gaodi.analytics.rulefiles import list_per_mu_rules, load_per_mu_rules
from gaodi.core.errors import DataError, ValidationError

# Three above-scale firms and one below-scale firm, all industrial (the shipped schemes evaluate
# 工业企业 only), money 万元, land 亩, energy 吨标准煤, emissions 吨, electricity 万千瓦时.
FIRMS = pl.DataFrame(
    {
        "enterprise": ["A", "B", "C", "D"],
        "park": ["P", "P", "Q", "Q"],
        "is_industrial": [True, True, True, True],
        "above_scale": [True, True, True, False],
        "land_mu": [10.0, 20.0, 5.0, 4.0],
        "tax": [300.0, 200.0, 50.0, 40.0],
        "value_added": [1500.0, 2000.0, 400.0, None],
        "energy_tce": [500.0, 1000.0, 100.0, None],
        "emissions": [0.3, None, 0.1, None],  # B reports no emissions
        "employees": [100.0, 200.0, 40.0, 12.0],
        "rd_spend": [60.0, 20.0, 0.0, None],
        "main_revenue": [2000.0, 4000.0, 800.0, 150.0],
        "electricity": [None, None, None, 200.0],
    }
)

# 黄岩 2022 规上: 亩均税收/24.097×30 + 亩均增加值/136.16×20 + 单位能耗增加值/2.694×20
#   + 单位排放增加值/4929.81×10 + 全员劳动生产率/18.14×10 + R&D占比/0.0302×10
# A: tax/mu 300/10 = 30 -> 30/24.097*30 = 37.3490476
#    VA/mu 1500/10 = 150 -> 150/136.16*20 = 22.0329025
#    VA/energy 1500/500 = 3 -> 3/2.694*20 = 22.2717149
#    VA/emission 1500/0.3 = 5000 -> 5000/4929.81*10 = 10.1423787
#    VA/employee 1500/100 = 15 -> 15/18.14*10 = 8.2690187
#    R&D 60/2000 = 0.03 -> 0.03/0.0302*10 = 9.9337748            total 109.9988373
# C: 10 -> 12.4496825; 80 -> 11.7508813; 4 -> 29.6956199; 4000 -> 8.1139030; 10 -> 5.5126792;
#    0 -> 0                                                        total 67.5227659
# B: 10 -> 12.4496825; 100 -> 14.6886016; 2 -> 14.8478099; no emission data -> average of A and
#    C on that item (10.1423787 + 8.1139030) / 2 = 9.1281408; 10 -> 5.5126792;
#    20/4000 = 0.005 -> 1.6556291                                 total 58.2825433
# 规下: 亩均税收/11.5932×50 + 单位电耗税收/0.2352×50
# D: 40/4 = 10 -> 43.1287306; 40/200 = 0.2 -> 42.5170068          total 85.6457374
EXPECTED = {"A": 109.9988373, "B": 58.2825433, "C": 67.5227659, "D": 85.6457374}


def test_rule_files_load() -> None:
    assert list_per_mu_rules() == ["city_average", "default", "huangyan_2022", "linhai_2016"]
    d = load_per_mu_rules()
    h = load_per_mu_rules("huangyan_2022")
    # default = 黄岩's schemes, weights and divisors, with its own id, status and notes
    assert d.schemes == h.schemes and d.id == "default" and d.status == "uncertain"
    assert d.cap_multiple is None and d.classes.configurable
    weights = {s.id: sum(i.weight for i in s.items) for s in h.schemes}
    assert weights == {"above_scale": 100, "below_scale": 100}
    lin = load_per_mu_rules("linhai_2016")
    assert {s.id: sum(i.weight for i in s.items) for s in lin.schemes} == {
        "over_3_mu": 100,
        "under_3_mu": 100,
    }
    for r in (d, h, lin):
        for s in r.schemes:
            for it in s.items:
                assert r.sources[it.source].get("urls"), it.indicator.id


def test_huangyan_three_firms_by_hand() -> None:
    out = evaluate_per_mu(FIRMS, load_per_mu_rules("huangyan_2022"))
    got = dict(zip(out["enterprise"], out["score"], strict=True))
    assert got == pytest.approx(EXPECTED, abs=1e-6)
    rows = {r["enterprise"]: r for r in out.iter_rows(named=True)}
    assert rows["B"]["score__value_added_per_emission"] == pytest.approx(
        (10.1423787 + 8.1139030) / 2, abs=1e-6
    )
    assert rows["B"]["value__value_added_per_emission"] is None  # the value stays missing
    assert rows["A"]["value__tax_per_mu"] == 30.0
    # segments rank separately: A 110.0 > C 67.5 > B 58.3; D alone
    assert [(rows[k]["segment"], rows[k]["rank"]) for k in "ABCD"] == [
        ("above_scale", 1),
        ("above_scale", 3),
        ("above_scale", 2),
        ("below_scale", 1),
    ]
    # default classes by rank share (A 20 %, C 15 %, D 5 %), sizes rounded down, B the rest:
    # 3 firms: A ⌊0.6⌋ = 0, C ⌊0.45⌋ = 0, D ⌊0.15⌋ = 0 -> B, B, B; 1 firm -> B
    assert [rows[k]["class"] for k in "ABCD"] == ["B", "B", "B", "B"]
    assert out["enterprise"].to_list() == ["A", "B", "C", "D"]  # input order kept


def test_cap_and_score_classes() -> None:
    rules = load_per_mu_rules("huangyan_2022")
    rich = FIRMS.with_columns(
        pl.when(pl.col("enterprise") == "A").then(3000.0).otherwise(pl.col("tax")).alias("tax")
    )
    # A: tax/mu 300 -> 300/24.097*30 = 373.49 uncapped; capped at 2 x 30 = 60
    out = evaluate_per_mu(rich, rules, cap_multiple=2)
    a = out.row(0, named=True)
    assert a["score__tax_per_mu"] == 60.0
    uncapped = evaluate_per_mu(rich, rules).row(0, named=True)
    assert uncapped["score__tax_per_mu"] == pytest.approx(300 / 24.097 * 30)
    # absolute cut-offs: A >= 100, B >= 80, C >= 60, else D
    cls = ClassRule("score", (100, 80, 60))
    out = evaluate_per_mu(FIRMS, rules, classes=cls)
    assert out["class"].to_list() == ["A", "D", "C", "B"]  # 110.0, 58.3, 67.5, 85.6


def test_missing_policies_and_errors() -> None:
    rules = load_per_mu_rules("huangyan_2022")
    # a firm whose 规上 status is unknown matches no scheme
    with pytest.raises(DataError) as err:
        evaluate_per_mu(
            FIRMS.with_columns(pl.lit(None, dtype=pl.Boolean).alias("above_scale")), rules
        )
    assert "above_scale" in err.value.en
    # land missing -> 亩均税收 cannot be computed ("error" policy) and the firm is named
    with pytest.raises(DataError) as err:
        evaluate_per_mu(
            FIRMS.with_columns(
                pl.when(pl.col("enterprise") == "C")
                .then(None)
                .otherwise(pl.col("land_mu"))
                .alias("land_mu")
            ),
            rules,
        )
    assert "C" in err.value.en and "tax_per_mu" in err.value.en
    # no 规上 firm has emission data -> the average is undefined
    with pytest.raises(DataError):
        evaluate_per_mu(
            FIRMS.with_columns(pl.lit(None, dtype=pl.Float64).alias("emissions")), rules
        )
    with pytest.raises(ValidationError):
        evaluate_per_mu(FIRMS, rules, id_column="uscc")


def test_linhai_needs_benchmarks_for_small_firms() -> None:
    rules = load_per_mu_rules("linhai_2016")
    small = pl.DataFrame(
        {
            "enterprise": ["S"],
            "is_industrial": [True],
            "land_mu": [2.0],
            "tax": [30.0],
            "revenue": [400.0],
            "electricity": [100.0],
        }
    )
    with pytest.raises(ValidationError):
        evaluate_per_mu(small, rules)  # base values not recovered for < 3 亩
    bench = {"under_3_mu": {"tax_per_mu": 15.0, "sales_per_mu": 300.0, "tax_per_electricity": 0.3}}
    out = evaluate_per_mu(small, rules, benchmarks=bench)
    # 30/2 = 15 -> 15/15*50 = 50; 400/2 = 200 -> 200/300*20 = 13.333; 30/100 = 0.3 -> 30
    assert out["score"].item() == pytest.approx(50 + 200 / 300 * 20 + 30)
    assert out["segment"].item() == "under_3_mu"


def test_park_aggregation_by_hand() -> None:
    rules = load_per_mu_rules("huangyan_2022")
    parks = aggregate_parks(FIRMS, rules)
    p = {r["park"]: r for r in parks.iter_rows(named=True)}
    # P = A + B: tax/mu (300 + 200) / (10 + 20) = 16.667; VA/emission only A reports: 1500/0.3
    assert p["P"]["value__tax_per_mu"] == pytest.approx(500 / 30)
    assert p["P"]["value__value_added_per_emission"] == pytest.approx(5000)
    assert p["P"]["coverage__value_added_per_emission"] == 0.5
    assert p["P"]["value__rd_intensity"] == pytest.approx(80 / 6000)
    # Q = C + D: tax/mu (50 + 40) / (5 + 4) = 10; VA/mu only C: 400/5 = 80
    assert p["Q"]["value__tax_per_mu"] == pytest.approx(10)
    assert p["Q"]["value__value_added_per_mu"] == pytest.approx(80)
    # P's score: 16.667/24.097*30 + 116.667/136.16*20 + 2.333/2.694*20 + 5000/4929.81*10
    #   + 11.667/18.14*10 + 0.01333/0.0302*10
    expected_p = (
        500 / 30 / 24.097 * 30
        + 3500 / 30 / 136.16 * 20
        + 3500 / 1500 / 2.694 * 20
        + 5000 / 4929.81 * 10
        + 3500 / 300 / 18.14 * 10
        + 80 / 6000 / 0.0302 * 10
    )
    assert p["P"]["score"] == pytest.approx(expected_p)
    assert parks["park"].to_list() == ["P", "Q"] and parks["rank"].to_list() == [1, 2]
    # declared park land replaces the sum of the firms' land for per-mu indicators
    declared = aggregate_parks(FIRMS, rules, park_land={"P": 50.0, "Q": 9.0})
    assert declared.filter(pl.col("park") == "P")["value__tax_per_mu"].item() == pytest.approx(10.0)
    # class counts from an evaluated frame
    scored = FIRMS.join(
        evaluate_per_mu(FIRMS, rules).select("enterprise", "class"), on="enterprise"
    )
    counts = (
        aggregate_parks(scored, rules, class_column="class").select("park", "n_A", "n_B").rows()
    )
    assert counts == [("P", 0, 2), ("Q", 0, 2)]  # segments of 3 and 1: no A (⌊0.6⌋ = 0)


def test_rules_validation() -> None:
    base = {
        "id": "t",
        "sources": {"s": {"title": "t"}},
        "indicators": {"x": {"numerator": "a", "denominator": "b"}},
        "schemes": [
            {"id": "all", "items": [{"indicator": "x", "benchmark": 1, "weight": 1, "source": "s"}]}
        ],
        "classes": {"method": "rank_share", "thresholds": [0.2, 0.6, 0.15]},
    }
    per_mu_rules_from_dict(base)
    for patch in (
        {"classes": {"method": "rank_share", "thresholds": [0.5, 0.5, 0.5]}},
        {"classes": {"method": "score", "thresholds": [10, 20, 30]}},
        {
            "schemes": [
                {
                    "id": "all",
                    "items": [{"indicator": "y", "benchmark": 1, "weight": 1, "source": "s"}],
                }
            ]
        },
        {
            "schemes": [
                {
                    "id": "all",
                    "items": [{"indicator": "x", "benchmark": 0, "weight": 1, "source": "s"}],
                }
            ]
        },
        {
            "schemes": [
                {
                    "id": "all",
                    "items": [{"indicator": "x", "benchmark": 1, "weight": 1, "source": "z"}],
                }
            ]
        },
        {"cap_multiple": -1},
        {"coverage": {"min_land_mu": 0, "source": "s"}},
        {"coverage": {"min_land_mu": 3, "source": "nowhere"}},
    ):
        with pytest.raises(ValidationError):
            per_mu_rules_from_dict({**base, **patch})


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=40),
    st.tuples(st.floats(0, 0.5), st.floats(0, 0.5), st.floats(0, 0.5)).filter(
        lambda t: sum(t) <= 1
    ),
)
def test_classes_are_monotone_in_score(
    scores: list[float], shares: tuple[float, float, float]
) -> None:
    out = assign_classes(pl.DataFrame({"score": scores}), ClassRule("rank_share", shares))
    rows = sorted(out.iter_rows(), key=lambda r: -r[0])
    # a higher score never gets a worse class; equal scores get the same class
    for (s1, _, c1), (s2, _, c2) in itertools.pairwise(rows):
        assert c1 <= c2
        if s1 == s2:
            assert c1 == c2
    # sizes are the stated shares rounded down (exactly, with distinct scores)
    n = len(scores)
    n_a, n_c, n_d = class_sizes(shares, n)
    if n_a >= 1:
        assert rows[0][2] == "A"
    classes = [r[2] for r in rows]
    if len(set(scores)) == n:
        assert (classes.count("A"), classes.count("C"), classes.count("D")) == (n_a, n_c, n_d)
        assert n_a <= shares[0] * n + 1e-9 and n_c <= shares[2] * n + 1e-9


@settings(max_examples=50, deadline=None)
@given(st.floats(0.1, 1000), st.floats(0.1, 10))
def test_item_score_is_linear(tax: float, k: float) -> None:
    r = per_mu_rules_from_dict(
        {
            "id": "t",
            "sources": {"s": {"title": "t"}},
            "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
            "schemes": [
                {
                    "id": "all",
                    "items": [
                        {
                            "indicator": "tax_per_mu",
                            "benchmark": 24.097,
                            "weight": 30,
                            "source": "s",
                        }
                    ],
                }
            ],
            "classes": {"method": "score", "thresholds": [3, 2, 1]},
        }
    )
    df = pl.DataFrame({"enterprise": ["a", "b"], "tax": [tax, tax * k], "land_mu": [7.0, 7.0]})
    s = evaluate_per_mu(df, r)["score"].to_list()
    assert s[1] == pytest.approx(k * s[0])
    assert s[0] == pytest.approx(tax / 7 / 24.097 * 30)


def test_rank_share_boundaries_by_hand() -> None:
    # 5 firms, shares A 20 %, B 60 %, C 15 % (D 5 %): A ⌊1.0⌋ = 1, C ⌊0.75⌋ = 0,
    # D ⌊0.25⌋ = 0, B the rest -> A, B, B, B, B (0.75 of a firm is not rounded up to 1)
    df = pl.DataFrame({"score": [50.0, 40.0, 30.0, 20.0, 10.0]})
    out = assign_classes(df, ClassRule("rank_share", (0.2, 0.6, 0.15)))
    assert out["class"].to_list() == ["A", "B", "B", "B", "B"]
    # 7 firms: A ⌊1.4⌋ = 1 (not 2), C ⌊1.05⌋ = 1, D ⌊0.35⌋ = 0
    seven = assign_classes(
        pl.DataFrame({"score": [7.0, 6, 5, 4, 3, 2, 1]}), ClassRule("rank_share", (0.2, 0.6, 0.15))
    )
    assert seven["class"].to_list() == ["A", "B", "B", "B", "B", "B", "C"]
    # 20 firms: A 4, C 3, D ⌊(1 − 0.95) × 20⌋ = 1 exactly (decimals: 0.05 × 20 = 1.00)
    df = pl.DataFrame({"score": [float(20 - k) for k in range(20)]})
    classes = assign_classes(df, ClassRule("rank_share", (0.2, 0.6, 0.15)))["class"].to_list()
    assert classes == ["A"] * 4 + ["B"] * 12 + ["C"] * 3 + ["D"]
    # ties share the better class: two firms tied at the top with A = 20 % of 5
    tied = assign_classes(
        pl.DataFrame({"score": [9.0, 9.0, 5.0, 4.0, 1.0]}),
        ClassRule("rank_share", (0.2, 0.6, 0.15)),
    )
    assert tied.select("rank", "class").rows() == [(1, "A"), (1, "A"), (3, "B"), (4, "B"), (5, "B")]
    # a tie across the C boundary stays in the better class: 20 firms, the last two tied
    scores = [float(20 - k) for k in range(18)] + [2.0, 2.0]
    tail = assign_classes(
        pl.DataFrame({"score": scores}), ClassRule("rank_share", (0.2, 0.6, 0.15))
    )
    # ranks 17, 18, 19, 19: D would be rank 20 alone, the tie lifts both into C (4 C, 0 D)
    assert tail["class"].to_list()[-5:] == ["B", "C", "C", "C", "C"]


def test_land_threshold_is_a_rule_parameter() -> None:
    # A 规下 firm on 1 亩 with the same tax and electricity as D (4 亩): 黄岩's rules, which state
    # no land threshold, rank it first of the 规下 firms: 40/1/11.5932 x 50 = 172.5148 plus
    # 40/200/0.2352 x 50 = 42.5170 -> 215.0319 against D's 85.6457.
    tiny = pl.DataFrame(
        {
            "enterprise": ["E"],
            "park": ["Q"],
            "is_industrial": [True],
            "above_scale": [False],
            "land_mu": [1.0],
            "tax": [40.0],
            "electricity": [200.0],
        }
    )
    firms = pl.concat([FIRMS, tiny], how="diagonal_relaxed")
    huangyan = load_per_mu_rules("huangyan_2022")
    assert huangyan.coverage.min_land_mu is None
    out = evaluate_per_mu(firms, huangyan)
    e = out.row(4, named=True)
    assert e["score"] == pytest.approx(215.0319, abs=1e-4) and e["rank"] == 1
    # The default rules cover firms on >= 3 亩 only (临海's boundary, with its source).
    rules = load_per_mu_rules()
    assert rules.coverage.min_land_mu == 3
    assert rules.sources[rules.coverage.source].get("urls")
    with pytest.raises(DataError, match="E"):
        evaluate_per_mu(firms, rules)
    cov = coverage(firms, rules)
    assert cov.select("enterprise", "segment", "reason").rows() == [
        ("A", "above_scale", "covered"),
        ("B", "above_scale", "covered"),
        ("C", "above_scale", "covered"),
        ("D", "below_scale", "covered"),
        ("E", None, "below_land"),
    ]
    assert cov["reason_zh"][4] == "用地1亩，低于评价门槛3亩，不参加亩均评价"
    assert "below the 3-mu threshold" in cov["reason_en"][4]
    assert (
        cov["reason_zh"][3] == "用地4亩（评价门槛3亩），按“规下工业企业”方案评价，在该组内单独排名"
    )
    # the covered firms score exactly as under 黄岩's rules, 规上 and 规下 ranked apart
    kept = evaluate_per_mu(firms.filter(cov["covered"]), rules)
    got = dict(zip(kept["enterprise"], kept["score"], strict=True))
    assert got == pytest.approx(EXPECTED, abs=1e-6)
    assert dict(zip(kept["enterprise"], kept["rank"], strict=True)) == {
        "A": 1,
        "B": 3,
        "C": 2,
        "D": 1,
    }


def test_only_industrial_firms_are_evaluated_as_industrial_enterprises() -> None:
    """黄岩 and 临海 evaluate 工业企业 (their titles; 黄岩's groups are 规上/规下工业企业): a software
    firm (GB/T 4754 6513, section I) or one without a code is left out with that reason, never
    ranked as a 规上工业企业; the industrial firms score as before (EXPECTED, by hand above)."""
    others = pl.DataFrame(
        {
            "enterprise": ["S", "U"],
            "park": ["P", "P"],
            "industry_code": ["6513", None],
            "is_industrial": [False, None],
            "above_scale": [True, False],
            "land_mu": [10.0, 10.0],
            "tax": [300.0, 40.0],
            "value_added": [1500.0, None],
            "energy_tce": [500.0, None],
            "emissions": [0.3, None],
            "employees": [100.0, 12.0],
            "rd_spend": [60.0, None],
            "main_revenue": [2000.0, 150.0],
            "electricity": [None, 200.0],
        }
    )
    firms = pl.concat(
        [FIRMS.with_columns(pl.lit("3511").alias("industry_code")), others],
        how="diagonal_relaxed",
    )
    for name in list_per_mu_rules():
        assert load_per_mu_rules(name).coverage.industrial_only, name
    rules = load_per_mu_rules()
    assert rules.sources[rules.coverage.industrial_source].get("urls")
    cov = coverage(firms, rules)
    assert cov.select("enterprise", "segment", "reason").rows()[4:] == [
        ("S", None, "not_industrial"),
        ("U", None, "not_industrial"),
    ]
    assert "6513" in cov["reason_zh"][4] and "不属于工业" in cov["reason_zh"][4]
    assert "工业企业" not in cov["reason_zh"][4].split("，")[0]
    assert "无法确认为工业企业" in cov["reason_zh"][5]
    assert "6513" in cov["reason_en"][4] and "not industry" in cov["reason_en"][4]
    # handed to the evaluator anyway, the firm is refused by name, not ranked
    with pytest.raises(DataError, match="S") as err:
        evaluate_per_mu(firms, load_per_mu_rules("huangyan_2022"))
    assert "is_industrial" in err.value.en
    kept = evaluate_per_mu(firms.filter(cov["covered"]), rules)
    assert dict(zip(kept["enterprise"], kept["score"], strict=True)) == pytest.approx(
        EXPECTED, abs=1e-6
    )
    # a frame that cannot say which firms are industrial is refused, the column named
    with pytest.raises(ValidationError, match="is_industrial"):
        coverage(FIRMS.drop("is_industrial"), rules)


def test_a_group_may_carry_its_own_class_shares() -> None:
    # 温岭 2022 (parks, five industries): 规上 A 20 % / B 60 % / C 15 % / D 5 %; 规下 B 5–75 %,
    # C 75–95 %, D the last 5 %, so A 5 %, B 70 %, C 20 %. With 20 firms in each group:
    # 规上 A 4, B 12, C 3, D 1; 规下 A ⌊1.0⌋ = 1, C ⌊4.0⌋ = 4, D ⌊1.0⌋ = 1, B the other 14.
    item = {"indicator": "tax_per_mu", "benchmark": 1, "weight": 100, "source": "s"}
    rules = per_mu_rules_from_dict(
        {
            "id": "w",
            "sources": {"s": {"title": "温岭"}},
            "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
            "schemes": [
                {
                    "id": "up",
                    "applies_to": [{"metric": "above_scale", "op": "==", "threshold": True}],
                    "items": [item],
                },
                {
                    "id": "down",
                    "applies_to": [{"metric": "above_scale", "op": "==", "threshold": False}],
                    "items": [item],
                    "classes": {
                        "method": "rank_share",
                        "thresholds": [0.05, 0.70, 0.20],
                        "source": "s",
                    },
                },
            ],
            "classes": {"method": "rank_share", "thresholds": [0.20, 0.60, 0.15], "source": "s"},
        }
    )
    df = pl.DataFrame(
        {
            "enterprise": list(range(40)),
            "above_scale": [True] * 20 + [False] * 20,
            "tax": [float(100 - k) for k in range(20)] * 2,
            "land_mu": [10.0] * 40,
        }
    )
    out = evaluate_per_mu(df, rules)
    up = out.filter(pl.col("segment") == "up")["class"].to_list()
    down = out.filter(pl.col("segment") == "down")["class"].to_list()
    assert up == ["A"] * 4 + ["B"] * 12 + ["C"] * 3 + ["D"]
    assert down == ["A"] + ["B"] * 14 + ["C"] * 4 + ["D"]
    with pytest.raises(ValidationError):
        per_mu_rules_from_dict(
            {
                "id": "w",
                "sources": {"s": {"title": "t"}},
                "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
                "schemes": [
                    {"id": "x", "items": [item], "classes": {"thresholds": [0.5, 0.5, 0.5]}}
                ],
            }
        )


def test_area_average_divisors_by_hand() -> None:
    # two firms, one item (tax per mu, weight 100): a 30 万元 on 10 亩, b 10 万元 on 10 亩.
    # Area average = (30 + 10) / (10 + 10) = 2 万元/亩, so a scores 3 / 2 x 100 = 150 and
    # b 1 / 2 x 100 = 50; the group's aggregate (2 万元/亩) would score exactly the weight.
    base = {
        "id": "own",
        "sources": {"s": {"title": "t"}},
        "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
        "schemes": [
            {
                "id": "all",
                "items": [
                    {"indicator": "tax_per_mu", "benchmark": 24.097, "weight": 100, "source": "s"}
                ],
            }
        ],
        "classes": {"method": "score", "thresholds": [120, 80, 60]},
        "divisors": "area_average",
    }
    df = pl.DataFrame(
        {"enterprise": ["a", "b", "c"], "tax": [30.0, 10.0, None], "land_mu": [10.0, 10.0, 5.0]}
    )
    rules = per_mu_rules_from_dict(
        {
            **base,
            "schemes": [
                {
                    **base["schemes"][0],
                    "items": [{**base["schemes"][0]["items"][0], "missing": "average"}],
                }
            ],
        }
    )
    out = evaluate_per_mu(df, rules).sort("enterprise")
    # c has no tax: it is left out of the average and scores the mean item score (150 + 50) / 2
    assert out["score"].to_list() == pytest.approx([150.0, 50.0, 100.0])
    # an explicit benchmark still wins over the area average
    out = evaluate_per_mu(df.head(2), rules, benchmarks={"all": {"tax_per_mu": 1.0}})
    assert out["score"].to_list() == pytest.approx([300.0, 100.0])
    with pytest.raises(ValidationError):
        per_mu_rules_from_dict({**base, "divisors": "median"})
    # the shipped city_average file applies it to the default scheme
    from gaodi.analytics.rulefiles import load_per_mu_rules

    assert load_per_mu_rules("city_average").divisors == "area_average"
    assert load_per_mu_rules("default").divisors == "scheme"
