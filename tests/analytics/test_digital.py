"""MIIT SME digital level: rule files, validation, scoring at band boundaries, gap, needs.

Hand-computed cases from the published rules: the level bands of 工信厅企业〔2022〕32号
(一级20-40, 二级40-60, 三级60-80, 四级80分以上 → lower-closed bands) and the 2024 item points
served by MIIT's assessment system (copied into the rule file; the arithmetic is in comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.digital import (
    attained_level,
    capability_needs,
    gap_to_next_level,
    load_scheme,
    read_rule,
    scheme_from_dict,
    score_response,
    validate_answers,
)
from gaodi.core.errors import DataError, ValidationError

DATA = Path(__file__).parents[1] / "data" / "digital"
S24 = load_scheme("miit_sme_digital_2024")
ALL4 = {s.code: 4 for s in S24.scenarios}


def zero_answers() -> dict[str, str | list[str]]:
    """Every item at its 0-point option (无 / [0-10%] / 增加 or 降低 as the item has it)."""
    out: dict[str, str | list[str]] = {}
    for it in S24.items:
        opt = min(it.options, key=lambda o: o.points)
        out[it.code] = [opt.code] if it.kind == "multi" else opt.code
    return out


def boundary_scheme():
    """Invented items (tests/data/digital) + the published 2022 level bands."""
    data = dict(read_rule("miit_sme_digital_2022"))
    data["items"] = yaml.safe_load((DATA / "boundary_items.yaml").read_text(encoding="utf-8"))
    data["scorable"] = True
    return scheme_from_dict(data)


# ------------------------------------------------------------------ rule files
def test_2022_notice_facts_and_missing_items() -> None:
    s = load_scheme("miit_sme_digital_2022")
    assert s.document_number == "工信厅企业〔2022〕32号"
    assert [d[1] for d in s.dimensions] == ["数字化基础", "数字化经营", "数字化管理", "数字化成效"]
    assert [(lv.name_zh, lv.min_score) for lv in s.levels] == [
        ("一级", 20),
        ("二级", 40),
        ("三级", 60),
        ("四级", 80),
    ]
    assert not s.scorable and s.items == () and s.missing
    with pytest.raises(ValidationError) as e:
        score_response(s, {})
    assert "无法计分" in e.value.zh and "cannot score" in e.value.en


def test_2024_points_by_dimension_from_system_capture() -> None:
    # 基础: 网络8 + 数字化率6 + 联网率6 + 数据采集10 + 信息系统10 + 网络安全5 + 数据安全5 = 50
    # 管理: 7.5 x 4 = 30;  成效: 7 + 7 + 3 + 3 = 20
    maxima: dict[str, float] = {}
    for it in S24.items:
        maxima[it.dimension] = maxima.get(it.dimension, 0) + it.max_points
    assert maxima == {"basic": 50, "management": 30, "effect": 20}
    assert len(S24.scenarios) == 16 and sum(s.binding for s in S24.scenarios) == 10
    assert all(len(s.levels_zh) == 4 for s in S24.scenarios)
    assert S24.caveats  # level rules are flagged as unverified


@pytest.mark.parametrize("scheme_id", ["miit_sme_digital_2022", "miit_sme_digital_2024"])
def test_dimensions_carry_their_english_names(scheme_id: str) -> None:
    """English pages name the dimensions by the rule file's name_en (a translation); the
    published Chinese name stays the name, and is what a Chinese page shows."""
    s = load_scheme(scheme_id)
    published = {str(d["code"]): d for d in read_rule(scheme_id)["dimensions"]}
    for code, name_zh, _scored in s.dimensions:
        assert s.dimension_name(code) == name_zh == published[code]["name_zh"]
        english = s.dimension_name(code, english=True)
        assert english == published[code]["name_en"] and english.isascii()


def test_unknown_scheme_and_malformed_rule_file() -> None:
    with pytest.raises(ValidationError):
        load_scheme("no_such_scheme")
    bad = dict(read_rule("miit_sme_digital_2022"))
    bad["items"] = [
        {
            "code": "x",
            "dimension": "nowhere",
            "title_zh": "?",
            "kind": "single",
            "options": [{"code": "A", "label_zh": "a", "points": 0}],
        }
    ]
    with pytest.raises(DataError) as e:
        scheme_from_dict(bad)
    assert "x" in e.value.zh and "x" in e.value.en


# ------------------------------------------------------------------ band boundaries
@pytest.mark.parametrize(
    ("answers", "total", "level"),
    [
        # 40 + (19.5 + 0.5) + 0 = 60.0 -> exactly on the 三级 line
        ({"q_single": "C", "q_multi": ["X", "Y"], "q_rest": "A"}, 60.0, 3),
        # 40 + 0 + 0 = 40.0 -> 二级 (40 belongs to the upper band)
        ({"q_single": "C", "q_multi": ["N"], "q_rest": "A"}, 40.0, 2),
        # 20 + 19.5 + 0 = 39.5 -> just below 40 -> 一级
        ({"q_single": "B", "q_multi": ["X"], "q_rest": "A"}, 39.5, 1),
        # 0 + 19.5 + 0 = 19.5 -> below 20 -> no level
        ({"q_single": "A", "q_multi": ["X"], "q_rest": "A"}, 19.5, 0),
        # 0 + 20 (19.5 + 0.5) = 20.0 -> 一级
        ({"q_single": "A", "q_multi": ["X", "Y"], "q_rest": "A"}, 20.0, 1),
        # 40 + 10 + 30 = 80.0 -> "80分以上" -> 四级
        ({"q_single": "C", "q_multi": ["Z"], "q_rest": "B"}, 80.0, 4),
        # 40 + (0.5 + 10) + 30 = 80.5 -> 四级
        ({"q_single": "C", "q_multi": ["Y", "Z"], "q_rest": "B"}, 80.5, 4),
        # 20 + (19.5 + 10) + 30 = 79.5 -> 三级
        ({"q_single": "B", "q_multi": ["X", "Z"], "q_rest": "B"}, 79.5, 3),
    ],
)
def test_published_bands_are_lower_closed(answers, total, level) -> None:
    r = score_response(boundary_scheme(), answers)
    assert r.total == total
    assert r.level == level


def test_2024_response_exactly_40_is_level_2_and_38_5_is_level_1() -> None:
    a = zero_answers()
    a["b_info_systems"] = "E"  # 全覆盖 10
    a["b_data_collection"] = list("BCDEFGHIJKLMNO")  # 13 x 0.7 + 0.9 = 10.0
    a["b_network"] = ["B", "C", "D", "E"]  # 4 x 2 = 8
    a["b_equipment_digital"] = "E"  # 6
    a["b_equipment_networked"] = "E"  # 6  -> 10 + 10 + 8 + 6 + 6 = 40.0
    r = score_response(S24, a, ALL4)
    assert (r.total, r.by_dimension) == (40.0, {"basic": 40.0, "management": 0.0, "effect": 0.0})
    assert (r.level, r.level_name_zh) == (2, "二级")
    a["b_equipment_networked"] = "D"  # 4.5 -> 38.5
    r = score_response(S24, a, ALL4)
    assert (r.total, r.level, r.level_name_zh) == (38.5, 1, "一级")


def full_marks() -> dict[str, str | list[str]]:
    return {
        it.code: [o.code for o in it.options if not o.exclusive]
        if it.kind == "multi"
        else max(it.options, key=lambda o: o.points).code
        for it in S24.items
    }


def test_2024_scenario_rule_caps_the_level() -> None:
    a = full_marks()
    assert score_response(S24, a, ALL4).total == 100.0
    binding = [s.code for s in S24.scenarios if s.binding]
    guiding = [s.code for s in S24.scenarios if not s.binding]
    # 四级 needs 10 scenarios at 4, 6 of them binding. 5 binding + 5 guiding at 4, rest at 3:
    # 10 at 4 but only 5 binding -> 三级 (三级: 8 at >=3 with 5 binding: all 16 are >= 3).
    lv = {c: 3 for c in binding + guiding} | {c: 4 for c in binding[:5] + guiding[:5]}
    assert score_response(S24, a, lv).level == 3
    # 6 binding + 3 guiding at 4 -> 9 < 10 -> 三级; one more guiding -> 10 -> 四级
    lv = {c: 3 for c in binding + guiding} | {c: 4 for c in binding[:6] + guiding[:3]}
    assert score_response(S24, a, lv).level == 3
    lv[guiding[3]] = 4
    assert score_response(S24, a, lv).level == 4
    # every scenario at 0: 100 points but no level at all (一级 needs 6 scenarios at >= 1)
    assert score_response(S24, a, dict.fromkeys(ALL4, 0)).level == 0


def test_attained_level_is_cumulative() -> None:
    s = load_scheme("miit_sme_digital_2022")
    assert [attained_level(s, x) for x in (0, 19.999999, 59.99, 60, 99.9)] == [0, 0, 2, 3, 4]


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("answers", "scen", "needle"),
    [
        ({"no_such_item": "A"}, None, "no_such_item"),
        ({"b_equipment_digital": "Q"}, None, "b_equipment_digital"),
        ({"b_equipment_digital": ["A", "B"]}, None, "b_equipment_digital"),
        ({"b_network": ["A", "B"]}, None, "b_network"),
        ({"b_network": []}, None, "b_network"),
        ({}, {"no_such_scenario": 1}, "no_such_scenario"),
        ({}, {"energy": 5}, "energy"),
        ({}, {"energy": True}, "energy"),
    ],
)
def test_invalid_answers_name_the_item_in_both_languages(answers, scen, needle) -> None:
    with pytest.raises(ValidationError) as e:
        validate_answers(S24, answers, scen, complete=False)
    assert needle in e.value.zh and needle in e.value.en
    assert e.value.zh != e.value.en


def test_incomplete_questionnaire_is_refused() -> None:
    a = zero_answers()
    del a["m_talent"]
    with pytest.raises(ValidationError) as e:
        score_response(S24, a, ALL4)
    assert "m_talent" in e.value.zh and "unanswered" in e.value.en
    with pytest.raises(ValidationError) as e:
        score_response(S24, zero_answers(), {"energy": 1})
    assert "scenario" in e.value.en.lower()


# ------------------------------------------------------------------ gap
def test_gap_item_by_item_from_38_5() -> None:
    a = zero_answers() | {
        "b_info_systems": "E",
        "b_data_collection": list("BCDEFGHIJKLMNO"),
        "b_network": ["B", "C", "D", "E"],
        "b_equipment_digital": "E",
        "b_equipment_networked": "D",
    }
    g = gap_to_next_level(S24, a, ALL4)
    assert (g.current_level, g.next_level, g.total, g.points_needed) == (1, 2, 38.5, 1.5)
    # gains by hand: 管理 four items 7.5 each; 成效 7, 7, 3, 3; 安全 5, 5; 联网率 6 - 4.5 = 1.5
    assert [(m.item, m.gain) for m in g.moves] == [
        ("m_planning", 7.5),
        ("m_mechanisms", 7.5),
        ("m_talent", 7.5),
        ("m_funding", 7.5),
        ("e_energy", 7.0),
        ("e_quality", 7.0),
        ("b_network_security", 5.0),
        ("b_data_security", 5.0),
        ("e_revenue_per_head", 3.0),
        ("e_cost_ratio", 3.0),
        ("b_equipment_networked", 1.5),
    ]
    top = g.moves[0]
    assert (top.target_options, top.target_points, top.current_points) == (("F",), 7.5, 0.0)
    assert [m.item for m in g.plan] == ["m_planning"]
    assert g.moves[-1].target_options == ("E",)
    assert g.scenario_shortfall is not None
    assert (g.scenario_shortfall.need_total, g.scenario_shortfall.need_binding) == (0, 0)
    # needs by GB/T 39116 sub-domain: org_strategy 7.5 x 3, personnel_skills 7.5,
    # info_security 5 + 5, network 1.5; 成效 items map to no capability
    assert capability_needs(S24, g) == {
        "org_strategy": 22.5,
        "personnel_skills": 7.5,
        "info_security": 10.0,
        "network": 1.5,
    }


def test_gap_blocked_by_scenarios_only() -> None:
    a = full_marks()
    lv = dict.fromkeys(ALL4, 1)  # 100 points, every scenario at 1 -> 一级
    g = gap_to_next_level(S24, a, lv)
    assert (g.current_level, g.next_level, g.points_needed, g.moves) == (1, 2, 0.0, ())
    sf = g.scenario_shortfall
    assert sf is not None and (sf.target_level, sf.need_total, sf.need_binding) == (2, 6, 3)
    binding = {s.code for s in S24.scenarios if s.binding}
    assert set(sf.candidates[:10]) == binding and len(sf.candidates) == 16
    needs = capability_needs(S24, g, scenario_points=1.0)
    # 16 scenarios one step short; 质量管理 and 生产管控 both map to production_operation,
    # 财务管理 maps to none -> 14 capabilities, production_operation = 2
    assert needs["production_operation"] == 2.0 and len(needs) == 14
    assert gap_to_next_level(S24, a, ALL4).next_level is None


# ------------------------------------------------------------------ invariants
def answers_strategy():
    parts = {}
    for it in S24.items:
        codes = [o.code for o in it.options]
        if it.kind == "single":
            parts[it.code] = st.sampled_from(codes)
        else:
            plain = [o.code for o in it.options if not o.exclusive]
            excl = [o.code for o in it.options if o.exclusive]
            parts[it.code] = st.one_of(
                st.just(excl), st.lists(st.sampled_from(plain), min_size=1, unique=True)
            )
    return st.fixed_dictionaries(parts)


scen_strategy = st.fixed_dictionaries({s.code: st.integers(0, 4) for s in S24.scenarios})


@settings(max_examples=60, deadline=None)
@given(answers_strategy(), scen_strategy, st.data())
def test_total_in_range_and_improving_never_lowers(answers, scen, data) -> None:
    base = score_response(S24, answers, scen)
    assert 0.0 <= base.total <= 100.0
    assert base.total == pytest.approx(sum(base.by_dimension.values()))
    item = S24.item(data.draw(st.sampled_from([it.code for it in S24.items])))
    better = dict(answers)
    if item.kind == "single":
        cur = next(o for o in item.options if o.code == answers[item.code])
        up = [o.code for o in item.options if o.points >= cur.points]
        better[item.code] = data.draw(st.sampled_from(up))
    else:
        plain = [o.code for o in item.options if not o.exclusive]
        kept = [c for c in answers[item.code] if c in plain]
        better[item.code] = sorted({*kept, data.draw(st.sampled_from(plain))})
    up_scen = dict(scen)
    code = data.draw(st.sampled_from(sorted(scen)))
    up_scen[code] = data.draw(st.integers(scen[code], 4))
    after = score_response(S24, better, up_scen)
    assert after.total >= base.total
    assert after.level >= base.level


def test_data_collection_points_follow_the_system_capture_not_the_reconstruction() -> None:
    # 数据采集: 13 options at 0.7 and 人力资源 (O) at 0.9 = 13 × 0.7 + 0.9 = 10 in all
    # (the system capture); the third-party re-implementation gives each of the 14 options
    # 10/14, which would make B + C + D = 30/14 = 2.142857…, not 2.1.
    answers = {i.code: i.options[0].code for i in S24.items}
    zero = dict.fromkeys(ALL4, 0)
    item = next(i for i in S24.items if i.code == "b_data_collection")
    every = [o.code for o in item.options if not o.exclusive]
    assert len(every) == 14
    full = score_response(S24, {**answers, "b_data_collection": every}, zero)
    assert full.item_points["b_data_collection"] == pytest.approx(10.0)
    three = score_response(S24, {**answers, "b_data_collection": ["B", "C", "D"]}, zero)
    assert three.item_points["b_data_collection"] == pytest.approx(2.1)
    assert three.item_points["b_data_collection"] != pytest.approx(30 / 14)
    with_hr = score_response(S24, {**answers, "b_data_collection": ["B", "O"]}, zero)
    assert with_hr.item_points["b_data_collection"] == pytest.approx(0.7 + 0.9)


def test_scenario_level_zero_is_accepted_and_counts_toward_no_level() -> None:
    answers = {i.code: i.options[-1].code for i in S24.items if i.kind == "single"}
    for i in S24.items:
        if i.kind != "single":
            answers[i.code] = [o.code for o in i.options if not o.exclusive]
    # five scenarios at 4 and the rest at 0: 一级 needs six at >= 1, so no level at all
    codes = list(ALL4)
    five = dict.fromkeys(codes, 0) | dict.fromkeys(codes[:5], 4)
    assert score_response(S24, answers, five).level == 0
    for bad in (-1, 5, 1.5):
        with pytest.raises(ValidationError):
            score_response(S24, answers, {**five, codes[0]: bad})  # type: ignore[dict-item]
