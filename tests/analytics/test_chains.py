"""Chain diagnosis on hand-built chains whose answers are worked out by hand (arithmetic in the
comments and in tests/data/chains/*.yaml), plus invariants checked with hypothesis."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.chains import (
    Benchmark,
    DiagnosisParams,
    concentration_level,
    diagnose_chain,
    diagnosis_to_polars,
    hhi,
    recommendations_to_polars,
    top_share,
)
from gaodi.core.errors import DataError, ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "chains"
LINK_SCHEMA = {
    "link_id": pl.String,
    "parent_id": pl.String,
    "segment": pl.String,
    "name": pl.String,
    "key_link": pl.Boolean,
}


def load_chain(name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    d = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    links = pl.DataFrame(
        [{k: lk.get(k) for k in LINK_SCHEMA} for lk in d["links"]], schema=LINK_SCHEMA
    )
    rows = [
        {
            "enterprise_id": e["enterprise_id"],
            "link_id": link,
            **{k: v for k, v in e.items() if k not in ("links", "enterprise_id")},
        }
        for e in d["enterprises"]
        for link in e["links"]
    ]
    facts = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("output", "output_prev").cast(pl.Float64)
    )
    return links, facts


@pytest.fixture(scope="module")
def cm():
    links, facts = load_chain("construction_machinery")
    return diagnose_chain(links, facts)


# --------------------------------------------------------------------------- 6-link chain


def test_statuses(cm):
    assert {d.link_id: d.status for d in cm.links} == {
        "steel": "missing",
        "engine": "weak",
        "hydraulics": "weak",
        "excavator": "strong",
        "crane": "strong",
        "leasing": "weak",
    }
    assert (cm.n_scored, cm.n_missing, cm.n_weak, cm.n_strong) == (6, 1, 3, 2)
    assert cm.chain_output == 20000 and cm.chain_enterprises == 9


def test_missing_link_reason(cm):
    d = cm.link("steel")
    assert d.status_zh == "缺链" and d.enterprises == 0
    assert d.reason_zh == "本地无企业（0家），判定为缺链"
    assert d.reason_en == "no local enterprise (0): missing link"
    assert d.risk_level == "none" and d.hhi is None and d.top1_share is None


def test_median_benchmark_weak_by_hand(cm):
    # Present shares 0.5%, 2.0%, 3.0%, 44.5%, 50.0% -> median 3.0%; threshold 50% x 3.0% = 1.5%.
    d = cm.link("engine")
    assert d.output_share == pytest.approx(100 / 20000)
    assert d.benchmark_share == pytest.approx(0.03)
    assert d.threshold_share == pytest.approx(0.015)
    assert "链内产值占比0.5%，低于链中位数环节占比3.0%的50%（1.5%）" in d.reason_zh
    assert d.reason_zh.endswith("判定为弱链")
    assert (
        "0.5% of chain output, below 50% of the chain's median link share 3.0% (1.5%)"
        in d.reason_en
    )
    # leasing: 2.0% >= 1.5% passes the share test, but has 0 above-scale enterprises
    d = cm.link("leasing")
    assert d.status == "weak" and "规上企业0家，少于1家" in d.reason_zh
    assert "低于" not in d.reason_zh
    # hydraulics: 3.0% passes; key link without a leader
    d = cm.link("hydraulics")
    assert d.status == "weak" and "关键环节无龙头企业" in d.reason_zh
    assert "（关键环节）" in d.reason_zh
    # excavator: strong, and says why
    d = cm.link("excavator")
    assert "链内产值占比50.0%，不低于链中位数环节占比3.0%的50%（1.5%）" in d.reason_zh
    assert "关键环节有龙头企业1家" in d.reason_zh and d.reason_zh.endswith("判定为强链")


def test_link_figures(cm):
    d = cm.link("excavator")
    assert (d.enterprises, d.above_scale, d.leaders, d.srdi) == (3, 3, 1, 1)
    assert d.leader_ids == ("E4",)
    assert d.invention_patents == 80 + 20 + 5
    assert d.output == 10000 and d.output_share == pytest.approx(0.5)
    # E6 has no prior-year output: growth over E4, E5 = (5000+3000)/(4000+3000) - 1 = 1/7
    assert d.growth == pytest.approx(1 / 7)
    # outputs 5000/3000/2000 -> shares .5/.3/.2 -> HHI .25+.09+.04 = .38, top-1 .5 -> high
    assert d.hhi == pytest.approx(0.38)
    assert d.top1_share == pytest.approx(0.5)
    assert d.risk_level == "high"
    assert "第一大企业占环节产值50.0%，HHI＝0.38（3家企业）" in d.risk_reason_zh
    # hydraulics growth = (300+300)/(250+200) - 1 = 1/3
    assert cm.link("hydraulics").growth == pytest.approx(1 / 3)
    # crane: top-1 6000/8900, HHI (6000^2 + 2900^2)/8900^2 = 44.41/79.21
    assert cm.link("crane").hhi == pytest.approx(44.41 / 79.21)


def test_scores_with_key_weights_by_hand(cm):
    # weights: steel 1, engine 1, hydraulics 2, excavator 2, crane 1, leasing 1 = 8
    # present: all but steel = 7 -> 7/8; strong: excavator 2 + crane 1 = 3 -> 3/8
    assert cm.completeness == pytest.approx(7 / 8)
    assert cm.strength == pytest.approx(3 / 8)
    assert "7/8＝87.5%" in cm.completeness_reason_zh
    assert "6个末级环节中5个有本地企业（关键环节2个中2个）" in cm.completeness_reason_zh
    assert "3/8 = 37.5%" in cm.strength_reason_en


def test_recommendations(cm):
    recs = [(r.priority, r.kind, r.link_id) for r in cm.recommendations]
    assert recs == [
        (1, "strengthen", "hydraulics"),
        (2, "fill", "steel"),
        (2, "strengthen", "engine"),
        (2, "strengthen", "leasing"),
        (2, "extend", "hydraulics"),
        (3, "extend", "steel"),
        (3, "extend", "engine"),
        (3, "extend", "leasing"),
    ]
    fill = next(r for r in cm.recommendations if r.kind == "fill")
    assert fill.kind_zh == "补链" and fill.action == "attract"
    assert "本地无企业（0家）" in fill.reason_zh and "招商引进" in fill.reason_zh


def test_cultivate_candidates_by_hand(cm):
    # hydraulics: E2 growth 300/250-1 = 20%, 10 patents; E3 growth 300/200-1 = 50%, 12 patents.
    # Mid-rank percentiles within the link (n=2): E3 growth .75, patents .75 -> .75;
    # E2 growth .25, patents .25 -> .25. Only 2 in the link, so the third comes from the
    # sibling links of the same segment (steel: none; engine: E1).
    r = next(r for r in cm.recommendations if r.kind == "strengthen" and r.link_id == "hydraulics")
    assert r.action == "cultivate" and r.kind_zh == "强链"
    assert r.enterprise_ids == ("E3", "E2", "E1")
    assert (
        "丙液压（产值增速50.0%，发明专利12件）、乙液压（产值增速20.0%，发明专利10件）"
        in r.reason_zh
    )
    assert "示例动力（邻近环节「发动机」，产值增速25.0%，发明专利3件）" in r.reason_zh
    r = next(r for r in cm.recommendations if r.kind == "strengthen" and r.link_id == "leasing")
    assert r.enterprise_ids == ("E9",)  # no sibling in the downstream segment
    assert "辛租赁（产值增速-20.0%，发明专利0件）" in r.reason_zh


def test_a_candidate_without_a_patent_figure_says_so():
    """A firm whose year has no patent figure (a firm the year's figures do not cover, or a blank
    cell) is named as not reported; the reason read 发明专利None件 / None invention patents."""
    links, facts = load_chain("construction_machinery")
    facts = facts.with_columns(
        pl.when(pl.col("enterprise_id") == "E9")
        .then(None)
        .otherwise(pl.col("invention_patents"))
        .alias("invention_patents")
    )
    d = diagnose_chain(links, facts)
    r = next(r for r in d.recommendations if r.kind == "strengthen" and r.link_id == "leasing")
    assert r.enterprise_ids == ("E9",)
    assert "辛租赁（产值增速-20.0%，发明专利未报）" in r.reason_zh
    assert "辛租赁 (output growth -20.0%, invention patents not reported)" in r.reason_en
    assert "None" not in r.reason_zh + r.reason_en


def test_extend_points_at_strong_neighbours(cm):
    ext = {r.link_id: r for r in cm.recommendations if r.kind == "extend"}
    # hydraulics (upstream) sits next to the strong midstream links, largest share first
    assert ext["hydraulics"].related_link_ids == ("excavator", "crane")
    assert "下游环节「挖掘机」为强链（链内产值占比50.0%）" in ext["hydraulics"].reason_zh
    assert ext["steel"].action == "attract" and ext["engine"].action == "cultivate"
    assert "上游环节「挖掘机」为强链" in ext["leasing"].reason_zh
    assert "upstream link 挖掘机 is strong (50.0% of chain output)" in ext["leasing"].reason_en


def test_a_strong_neighbours_small_share_keeps_its_digits():
    """A strong neighbour's share in an extend reason keeps two significant digits below 0.1%,
    as the diagnosis's own reasons do; with one decimal it read 强链（链内产值占比0.0%）."""
    links, facts = load_chain("construction_machinery")
    # the two crane makers make 2 each: crane 4 of 100 + 600 + 10000 + 4 + 400 = 11104 -> 0.036%
    facts = facts.with_columns(
        pl.when(pl.col("enterprise_id").is_in(["E7", "E8"]))
        .then(2.0)
        .otherwise(pl.col("output"))
        .alias("output")
    )
    # a peer at 0.01%: the 50% threshold is 0.005%, so the crane link is strong
    peer = Benchmark("peer", {"excavator": 0.30, "crane": 0.0001}, label_zh="株洲")
    d = diagnose_chain(links, facts, DiagnosisParams(benchmark=peer))
    assert d.link("crane").status == "strong"
    ext = {r.link_id: r for r in d.recommendations if r.kind == "extend"}
    assert "上游环节「起重机」为强链（链内产值占比0.036%）" in ext["leasing"].reason_zh
    assert "upstream link 起重机 is strong (0.036% of chain output)" in ext["leasing"].reason_en


def test_peer_benchmark():
    links, facts = load_chain("construction_machinery")
    peer = Benchmark(
        "peer",
        {"engine": 0.004, "hydraulics": 0.10, "excavator": 0.30, "crane": 0.30},
        label_zh="株洲",
        label_en="Zhuzhou",
    )
    d = diagnose_chain(links, facts, DiagnosisParams(benchmark=peer))
    # hydraulics: 3.0% < 50% x 10.0% = 5.0% -> weak on share (and on the leader test)
    h = d.link("hydraulics")
    assert h.status == "weak" and h.threshold_share == pytest.approx(0.05)
    assert "链内产值占比3.0%，低于对标城市株洲该环节占比10.0%的50%（5.0%）" in h.reason_zh
    assert "this link's share in peer city Zhuzhou 10.0%" in h.reason_en
    # engine: 0.5% >= 50% x 0.4% = 0.2%, one above-scale firm, not key -> strong now
    assert d.link("engine").status == "strong"
    # leasing has no peer value: the share is not compared, the above-scale test still fails
    ls = d.link("leasing")
    assert ls.benchmark_share is None and "无对标值，未比较" in ls.reason_zh
    assert ls.status == "weak"


def test_national_benchmark_with_factor_one():
    links, facts = load_chain("construction_machinery")
    nat = Benchmark("national", {"excavator": 0.60, "crane": 0.20})
    d = diagnose_chain(links, facts, DiagnosisParams(benchmark=nat, weak_factor=1.0))
    # excavator 50% < 100% x 60% -> weak; crane 44.5% >= 20% -> strong
    assert d.link("excavator").status == "weak"
    assert "低于全国该环节占比60.0%的100%（60.0%）" in d.link("excavator").reason_zh
    assert d.link("crane").status == "strong"


def test_key_link_leader_rule_can_be_switched_off():
    links, facts = load_chain("construction_machinery")
    d = diagnose_chain(links, facts, DiagnosisParams(key_link_needs_leader=False))
    assert d.link("hydraulics").status == "strong"


# --------------------------------------------------------------------------- tree with sub-links


@pytest.fixture(scope="module")
def li():
    links, facts = load_chain("lithium_battery_tree")
    return diagnose_chain(links, facts)


def test_rollup_counts_each_enterprise_once(li):
    c = li.link("cathode")
    assert c.enterprises == 2 and c.output == 1500  # F1 (in ncm and lfp) once, F2
    assert c.output_share == pytest.approx(0.75)
    assert li.chain_output == 2000
    assert (li.link("ncm").output, li.link("lfp").output) == (1000, 1500)
    assert not c.is_leaf and li.link("ncm").is_leaf and li.link("ncm").depth == 1


def test_median_per_depth_and_boundary(li):
    # depth 0 present: cathode 75%, anode 25% -> median 50%, threshold 25%: 25% is not below.
    a = li.link("anode")
    assert a.benchmark_share == pytest.approx(0.5) and a.status == "strong"
    # depth 1 present: ncm 50%, lfp 75% -> median 62.5%
    assert li.link("ncm").benchmark_share == pytest.approx(0.625)


def test_tree_scores_and_inherited_key_flags(li):
    # leaves: lithium 2, ncm 2, lfp 2, precursor 2 (key via cathode), anode 1, pack 1, bms 1 = 11;
    # present: ncm 2 + lfp 2 + anode 1 = 5 -> 5/11
    assert li.completeness == pytest.approx(5 / 11)
    assert li.strength == pytest.approx(5 / 11)
    assert li.n_scored == 7 and li.n_missing == 4


def test_fill_targets_top_of_missing_subtrees(li):
    fills = [(r.priority, r.link_id) for r in li.recommendations if r.kind == "fill"]
    assert fills == [(1, "lithium"), (1, "precursor"), (2, "cell")]  # not pack, bms
    cell = next(r for r in li.recommendations if r.kind == "fill" and r.link_id == "cell")
    assert "（含2个细分环节）" in cell.reason_zh
    ext = {r.link_id: r for r in li.recommendations if r.kind == "extend"}
    assert ext["precursor"].related_link_ids == ("cathode",)
    assert "上级环节「正极材料」为强链" in ext["precursor"].reason_zh
    assert ext["lithium"].related_link_ids == ("cathode", "anode")


def test_sub_links_inherit_key_and_need_a_leader():
    links, facts = load_chain("lithium_battery_tree")
    d = diagnose_chain(links, facts.with_columns(pl.lit(False).alias("is_leader")))
    assert d.link("ncm").status == "weak" and "关键环节无龙头企业" in d.link("ncm").reason_zh
    assert d.link("anode").status == "strong"  # not key


# --------------------------------------------------------------------------- edge cases


def test_no_enterprises_and_zero_output():
    links, facts = load_chain("construction_machinery")
    d = diagnose_chain(links, facts.clear())
    assert d.completeness == 0 and d.strength == 0 and d.n_missing == 6
    assert [r.kind for r in d.recommendations] == ["fill"] * 6
    z = diagnose_chain(links, facts.with_columns(pl.lit(0.0).alias("output")))
    e = z.link("excavator")
    assert e.output_share is None and "全链产值为0，未比较产值占比" in e.reason_zh
    assert e.risk_level == "unknown" and e.hhi is None


def test_validation_errors():
    links, facts = load_chain("construction_machinery")
    with pytest.raises(ValidationError):
        diagnose_chain(links.with_columns(pl.lit("middle").alias("segment")), facts)
    with pytest.raises(ValidationError):
        diagnose_chain(pl.concat([links, links.head(1)]), facts)
    with pytest.raises(ValidationError):
        diagnose_chain(links.with_columns(pl.lit("nowhere").alias("parent_id")), facts)
    cyc = links.with_columns(
        pl.when(pl.col("link_id") == "engine")
        .then(pl.lit("crane"))
        .when(pl.col("link_id") == "crane")
        .then(pl.lit("engine"))
        .otherwise(None)
        .alias("parent_id")
    )
    with pytest.raises(ValidationError):
        diagnose_chain(cyc, facts)
    with pytest.raises(DataError):
        diagnose_chain(links, facts.with_columns(pl.lit("other").alias("link_id")))
    two = pl.concat(
        [
            facts.head(1),
            facts.head(1).with_columns(
                pl.lit("crane").alias("link_id"), pl.lit(1.0).alias("output")
            ),
        ]
    )
    with pytest.raises(DataError) as err:
        diagnose_chain(links, two)
    assert "E1" in err.value.zh
    with pytest.raises(ValidationError):
        diagnose_chain(links, facts.with_columns(pl.lit(-1.0).alias("output")))
    with pytest.raises(ValidationError):
        diagnose_chain(links, facts.with_columns(pl.lit(float("nan")).alias("output_prev")))
    with pytest.raises(ValidationError):
        Benchmark("peer")
    with pytest.raises(ValidationError):
        Benchmark("national", {"a": 1.5})
    with pytest.raises(ValidationError):
        DiagnosisParams(weak_factor=0)


def test_frames(cm):
    df = diagnosis_to_polars(cm)
    assert df.height == 6 and {"link_id", "status", "reason_zh", "hhi"} <= set(df.columns)
    assert df.filter(pl.col("link_id") == "excavator")["leader_ids"].to_list() == [["E4"]]
    rf = recommendations_to_polars(cm)
    assert rf.height == len(cm.recommendations) and "reason_en" in rf.columns


# --------------------------------------------------------------------------- concentration


def test_hhi_and_top_share_by_hand():
    assert hhi([50, 30, 20]) == pytest.approx(0.25 + 0.09 + 0.04)
    assert top_share([50, 30, 20]) == 0.5
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert hhi([0, 7]) == 1.0
    for bad in ([], [0, 0], [1, -1], [float("nan"), 1]):
        with pytest.raises(DataError):
            hhi(bad)


def test_concentration_levels():
    # HHI: > .18 high, > .10 moderate; top-1: >= .5 high, > .25 moderate; the higher wins
    assert concentration_level(0.05, 0.20) == "low"
    assert concentration_level(0.12, 0.20) == "moderate"
    assert concentration_level(0.05, 0.30) == "moderate"
    assert concentration_level(0.19, 0.20) == "high"
    assert concentration_level(0.05, 0.50) == "high"
    assert concentration_level(0.10, 0.25) == "low"  # thresholds are strict


positive = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=200)
@given(st.lists(positive, min_size=1, max_size=30).filter(lambda xs: sum(xs) > 1e-3))
def test_hhi_bounds(xs):
    n = len(xs)
    assert 1 / n - 1e-9 <= hhi(xs) <= 1 + 1e-9
    assert top_share(xs) >= 1 / n - 1e-9
    assert hhi(xs) <= top_share(xs) + 1e-9  # sum s_i^2 <= max s_i * sum s_i


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=1e5), min_size=1, max_size=8))
def test_link_hhi_matches_function(outputs):
    links = pl.DataFrame(
        {"link_id": ["a"], "parent_id": [None], "segment": ["mid"], "name": ["整机"]},
        schema_overrides={"parent_id": pl.String},
    )
    facts = pl.DataFrame(
        {
            "enterprise_id": list(range(len(outputs))),
            "link_id": ["a"] * len(outputs),
            "output": outputs,
        }
    )
    d = diagnose_chain(links, facts).link("a")
    assert d.hhi == pytest.approx(hhi(outputs))
    assert d.top1_share == pytest.approx(top_share(outputs))


@st.composite
def _chain_case(draw):
    n = draw(st.integers(2, 7))
    segs = [draw(st.sampled_from(["up", "mid", "down"])) for _ in range(n)]
    keys = [draw(st.booleans()) for _ in range(n)]
    links = pl.DataFrame(
        {
            "link_id": [f"L{i}" for i in range(n)],
            "parent_id": [None] * n,
            "segment": segs,
            "name": [f"环节{i}" for i in range(n)],
            "key_link": keys,
        },
        schema_overrides={"parent_id": pl.String},
    )
    rows = []
    for j in range(draw(st.integers(0, 10))):
        rows.append(
            {
                "enterprise_id": j,
                "link_id": f"L{draw(st.integers(0, n - 1))}",
                "output": draw(st.floats(0, 1e4)),
                "above_scale": draw(st.booleans()),
                "is_leader": draw(st.booleans()),
            }
        )
    facts = pl.DataFrame(
        rows,
        schema={
            "enterprise_id": pl.Int64,
            "link_id": pl.String,
            "output": pl.Float64,
            "above_scale": pl.Boolean,
            "is_leader": pl.Boolean,
        },
    )
    return links, facts


@settings(max_examples=25, deadline=None)
@given(_chain_case(), st.floats(1.0, 5.0))
def test_scores_bounded_and_completeness_monotone(case, key_weight):
    links, facts = case
    p = DiagnosisParams(key_weight=key_weight)
    d = diagnose_chain(links, facts, p)
    assert 0.0 <= d.strength <= d.completeness <= 1.0
    missing = [x.link_id for x in d.links if x.status == "missing"]
    if not missing:
        return
    extra = pl.DataFrame(
        {
            "enterprise_id": [10_000],
            "link_id": [missing[0]],
            "output": [5.0],
            "above_scale": [True],
            "is_leader": [False],
        },
        schema=facts.schema,
    )
    d2 = diagnose_chain(links, pl.concat([facts, extra]), p)
    assert d2.completeness > d.completeness
    assert d2.link(missing[0]).status != "missing"
    # every status and recommendation carries its reason in both languages
    for x in (*d2.links, *d2.recommendations):
        assert x.reason_zh and x.reason_en
