"""Rule-based link assignment: hand-computed confidences, reasons, diff, manual overlay, and a
naive per-pair reference implementation compared on random inputs."""

from __future__ import annotations

import string

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.mapping import (
    LinkRule,
    MappingWeights,
    apply_manual,
    diff_assignments,
    links_frame,
    map_enterprises,
)
from gaodi.core.errors import ValidationError

# Links of a 工程机械 chain (link names and codes: facts.md §8 and GB/T 4754-2017:
# 3444 液压动力机械及元件制造, 351 采矿、冶金、建筑专用设备制造 (3514 建筑工程用机械制造),
# 34 通用设备制造业 (3451 滚动轴承制造)).
LINKS = links_frame(
    [
        LinkRule("A", ("3444",), ("液压", "油缸", "液压阀"), ("维修",)),
        LinkRule("B", ("351",), ("挖掘机", "起重机")),
        LinkRule("C", ("34",), ("轴承",)),
        LinkRule("D", (), ("BMS",)),
    ]
)
ENTS = pl.DataFrame(
    {
        "enterprise_id": [1, 2, 3, 4, 5],
        "industry_code": ["3444", "3514", "3451", "3444", None],
        "scope_text": [
            "液压油缸、液压阀生产",
            "挖掘机制造",
            "滚动轴承、液压阀",
            "液压设备维修",
            "电池管理系统研发",
        ],
        "products": [None, None, None, None, "bms模组"],
    }
)


def _row(df: pl.DataFrame, e: int, link: str) -> dict:
    rows = df.filter((pl.col("enterprise_id") == e) & (pl.col("link_id") == link)).to_dicts()
    assert len(rows) == 1, (e, link, rows)
    return rows[0]


def test_hand_computed_confidences_default_threshold():
    m = map_enterprises(LINKS, ENTS)
    pairs = {(r["enterprise_id"], r["link_id"]): r for r in m.to_dicts()}
    # Only these pass 0.5:
    assert set(pairs) == {(1, "A"), (2, "B"), (3, "A"), (3, "C")}
    # 1-A: exact 3444 (0.7) and 3 keywords 液压, 油缸, 液压阀 (1-0.6^3 = 0.784):
    #      1-(0.3)(0.216) = 0.9352
    assert pairs[(1, "A")]["confidence"] == pytest.approx(0.9352)
    assert pairs[(1, "A")]["code_level"] == 4 and pairs[(1, "A")]["keyword_hits"] == 3
    assert pairs[(1, "A")]["keywords"] == ["油缸", "液压", "液压阀"]
    # 2-B: 3514 under 351 (0.5) and 挖掘机 (0.4): 1-0.5*0.6 = 0.7
    assert pairs[(2, "B")]["confidence"] == pytest.approx(0.7)
    assert pairs[(2, "B")]["code_level"] == 3 and pairs[(2, "B")]["matched_code"] == "351"
    # 3-A: no code, 液压 and 液压阀 both found (overlapping): 1-0.6^2 = 0.64
    assert pairs[(3, "A")]["confidence"] == pytest.approx(0.64)
    assert pairs[(3, "A")]["code_level"] == 0 and pairs[(3, "A")]["matched_code"] is None
    # 3-C: 3451 under 34 (0.3) and 轴承 (0.4): 1-0.7*0.6 = 0.58
    assert pairs[(3, "C")]["confidence"] == pytest.approx(0.58)
    assert pairs[(3, "C")]["code_level"] == 2


def test_lower_threshold_admits_weak_evidence_and_exclusion_still_wins():
    m = map_enterprises(LINKS, ENTS, threshold=0.3)
    # 1-C: 3444 under 34 only: 0.3
    assert _row(m, 1, "C")["confidence"] == pytest.approx(0.3)
    # 5-D: no code, "bms" in products matches BMS ASCII case-insensitively: 0.4
    assert _row(m, 5, "D")["confidence"] == pytest.approx(0.4)
    assert _row(m, 5, "D")["keywords"] == ["BMS"]
    # 4-A would be 0.82 (exact code + 液压) but 维修 is an exclude keyword of A
    assert m.filter((pl.col("enterprise_id") == 4) & (pl.col("link_id") == "A")).height == 0
    # 4-C is untouched by A's exclusion: 0.3
    assert _row(m, 4, "C")["confidence"] == pytest.approx(0.3)


def test_reasons_state_the_evidence_and_numbers():
    m = map_enterprises(LINKS, ENTS, threshold=0.3)
    r = _row(m, 1, "A")
    assert r["reason_zh"] == (
        "行业代码3444与环节代码3444一致（4位小类）；经营范围/产品命中关键词3个：油缸、液压、液压阀；"
        "置信度0.94＝1−(1−0.70)×(1−0.78)"
    )
    assert "industry code 3444 matches link code 3444 (4-digit class)" in r["reason_en"]
    assert "3 keyword(s) found in scope/products: 油缸, 液压, 液压阀" in r["reason_en"]
    assert "confidence 0.94" in r["reason_en"]
    r = _row(m, 2, "B")
    assert r["reason_zh"].startswith("行业代码3514属于环节代码351（3位中类）")
    r = _row(m, 3, "C")
    assert "（2位大类）" in r["reason_zh"] and "2-digit division" in r["reason_en"]
    r = _row(m, 3, "A")
    assert r["reason_zh"].startswith("行业代码3451不在环节代码内")
    assert "置信度0.64＝1−(1−0.00)×(1−0.64)" in r["reason_zh"]
    assert _row(m, 5, "D")["reason_zh"].startswith("无行业代码")


def test_text_columns_explicit_and_reasons_optional():
    only_scope = map_enterprises(LINKS, ENTS, threshold=0.3, text_columns=["scope_text"])
    assert only_scope.filter(pl.col("enterprise_id") == 5).height == 0  # bms is in products
    bare = map_enterprises(LINKS, ENTS, reasons=False)
    assert "reason_zh" not in bare.columns and bare.height == 4


def test_validation():
    with pytest.raises(ValidationError):
        map_enterprises(LINKS, ENTS, threshold=0)
    with pytest.raises(ValidationError):
        map_enterprises(links_frame([LinkRule("X", ("C34",))]), ENTS)
    with pytest.raises(ValidationError):
        map_enterprises(LINKS, ENTS.with_columns(pl.lit("344").alias("industry_code")))
    with pytest.raises(ValidationError):
        map_enterprises(pl.concat([LINKS, LINKS]), ENTS)
    with pytest.raises(ValidationError):
        MappingWeights(code4=1.5)
    with pytest.raises(ValidationError) as err:
        map_enterprises(LINKS, ENTS.drop("industry_code"))
    assert "industry_code" in err.value.zh and "industry_code" in err.value.en


def test_custom_weights():
    w = MappingWeights(code4=0.9, code3=0.6, code2=0.2, keyword=0.5)
    m = map_enterprises(LINKS, ENTS, weights=w, threshold=0.5)
    # 1-A: 1-(0.1)(0.5^3) = 0.9875 ; 3-C: 1-(0.8)(0.5) = 0.6 ; 2-B: 1-(0.4)(0.5) = 0.8
    assert _row(m, 1, "A")["confidence"] == pytest.approx(0.9875)
    assert _row(m, 3, "C")["confidence"] == pytest.approx(0.6)
    assert _row(m, 2, "B")["confidence"] == pytest.approx(0.8)


def test_diff_assignments():
    old = pl.DataFrame(
        {
            "enterprise_id": [1, 2, 3, 5],
            "link_id": ["A", "A", "B", "B"],
            "confidence": [0.70, 0.50, 0.90, 0.60],
        }
    )
    new = pl.DataFrame(
        {
            "enterprise_id": [1, 3, 4, 5],
            "link_id": ["A", "B", "B", "B"],
            "confidence": [0.82, 0.90, 0.60, 0.603],
        }
    )
    d = diff_assignments(old, new)
    # added 4-B; removed 2-A; changed 1-A (0.70 -> 0.82); 3-B equal; 5-B within 0.005
    assert d.counts == {"added": 1, "removed": 1, "changed": 1}
    assert d.unchanged == 2
    rows = {(r["enterprise_id"], r["link_id"]): r["change"] for r in d.changes.to_dicts()}
    assert rows == {(4, "B"): "added", (2, "A"): "removed", (1, "A"): "changed"}
    by_link = {r["link_id"]: r for r in d.by_link().to_dicts()}
    assert by_link["A"]["removed"] == 1 and by_link["A"]["changed"] == 1
    assert by_link["B"]["added"] == 1
    assert diff_assignments(old, new, tolerance=0.001).counts["changed"] == 2


def test_apply_manual_wins_pair_by_pair():
    rule = map_enterprises(LINKS, ENTS)
    manual = pl.DataFrame(
        {"enterprise_id": [3, 4], "link_id": ["A", "A"], "include": [False, True]}
    )
    out = apply_manual(rule, manual)
    pairs = {(r["enterprise_id"], r["link_id"]): r for r in out.to_dicts()}
    assert (3, "A") not in pairs  # excluded by hand
    assert pairs[(4, "A")]["source"] == "manual"  # included by hand despite 维修
    assert pairs[(4, "A")]["confidence"] == 1.0
    assert pairs[(4, "A")]["reason_zh"] == "人工指定（优先于规则）"
    assert pairs[(3, "C")]["source"] == "rule"  # untouched


# --------------------------------------------------------------------------- reference check

_WORDS = ["液压", "液压阀", "阀", "轴承", "Bms", "bms", "电池", "锂电池", "正极", "回收"]
_CODES = ["3444", "3451", "3841", "3849", "3514"]


def _naive(links: list[LinkRule], ents: list[dict], w: MappingWeights, thr: float) -> dict:
    """Per-pair loop straight from the documented formula."""
    out = {}
    for e in ents:
        text = " ".join(t for t in (e["scope_text"], e["products"]) if t).lower()
        code = e["industry_code"]
        for lr in links:
            level = 0
            for c in lr.industry_codes:
                if code and code.startswith(c):
                    level = max(level, len(c))
            kws = {k.strip().lower() for k in lr.keywords if k.strip()}
            hits = sum(1 for k in kws if k in text)
            if any(x.strip() and x.strip().lower() in text for x in lr.exclude_keywords):
                continue
            cc = {4: w.code4, 3: w.code3, 2: w.code2, 0: 0.0}[level]
            conf = 1 - (1 - cc) * (1 - w.keyword) ** hits
            if conf >= thr and conf > 0:
                out[(e["enterprise_id"], lr.link_id)] = (round(conf, 9), level, hits)
    return out


@st.composite
def _case(draw):
    n_links = draw(st.integers(1, 4))
    links = []
    for i in range(n_links):
        codes = draw(
            st.lists(
                st.sampled_from(["34", "344", "3444", "345", "38", "384", "3841", "35", "3514"]),
                max_size=2,
            )
        )
        kws = draw(st.lists(st.sampled_from(_WORDS), max_size=3))
        excl = draw(st.lists(st.sampled_from(["回收", "阀"]), max_size=1))
        links.append(LinkRule(f"L{i}", tuple(codes), tuple(kws), tuple(excl)))
    n = draw(st.integers(1, 6))
    ents = []
    for j in range(n):
        ents.append(
            {
                "enterprise_id": j,
                "industry_code": draw(st.none() | st.sampled_from(_CODES)),
                "scope_text": "、".join(
                    draw(st.lists(st.sampled_from([*_WORDS, "销售", "制造"]), max_size=4))
                ),
                "products": draw(st.none() | st.sampled_from(_WORDS)),
            }
        )
    thr = draw(st.sampled_from([0.2, 0.3, 0.5, 0.64, 0.9]))
    return links, ents, thr


@settings(max_examples=80, deadline=None)
@given(_case())
def test_matches_naive_reference(case):
    links, ents, thr = case
    w = MappingWeights()
    df = pl.DataFrame(
        ents,
        schema={
            "enterprise_id": pl.Int64,
            "industry_code": pl.String,
            "scope_text": pl.String,
            "products": pl.String,
        },
    )
    got = map_enterprises(links_frame(links), df, threshold=thr, weights=w)
    got_d = {
        (r["enterprise_id"], r["link_id"]): (
            round(r["confidence"], 9),
            r["code_level"],
            r["keyword_hits"],
        )
        for r in got.to_dicts()
    }
    assert got_d == _naive(links, ents, w, thr)
    assert got["confidence"].is_between(0, 1).all()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(list(string.ascii_lowercase[:5]) + _WORDS), max_size=5),
    st.sampled_from(_WORDS),
)
def test_adding_a_keyword_to_the_text_never_lowers_confidence(words, extra):
    links = links_frame([LinkRule("L", ("3444",), tuple(_WORDS[:6]))])
    base = pl.DataFrame(
        {"enterprise_id": [1], "industry_code": ["3444"], "scope_text": ["、".join(words)]}
    )
    more = base.with_columns(pl.concat_str(pl.col("scope_text"), pl.lit("、" + extra)))
    c0 = map_enterprises(links, base, threshold=0.01)["confidence"].sum()
    c1 = map_enterprises(links, more, threshold=0.01)["confidence"].sum()
    assert c1 >= c0
