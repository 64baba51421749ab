"""Target rules on short hand-made sentences: what is a target, and what is not."""

from __future__ import annotations

import pytest

from gaodi.text.extract import extract_plan

PLAN = "某市制造业高质量发展三年行动计划(2021—2023年)\n"


def _targets(body: str, header: str = PLAN) -> list[tuple]:
    p = extract_plan(header + body)
    return [(t.indicator, t.value, t.value_max, t.unit, t.year, t.comparator) for t in p.targets]


@pytest.mark.parametrize(
    ("sentence", "comparator"),
    [
        ("到2023年，新材料产业产值达到2500亿元以上。", ">="),
        ("到2023年，规模以上工业企业超过3000家。", ">="),
        ("到2023年，规模以上工业企业力争突破3000家。", ">="),
        ("到2023年，研发投入强度不低于2.5%。", ">="),
        ("到2023年，单位工业增加值能耗控制在0.5吨标准煤以内。", "<="),
        ("到2023年，万元工业增加值用水量不超过20立方米。", "<="),
        ("到2023年，制造业增加值占地区生产总值比重35%左右。", "="),
        ("到2023年，实现新材料产业产值2500亿元。", "="),
    ],
)
def test_comparators(sentence: str, comparator: str) -> None:
    (target,) = _targets(sentence)
    assert target[5] == comparator


def test_the_brief_examples() -> None:
    assert _targets("到2023年，打造1个3000亿级园区、5个千亿级园区。") == [
        ("3000亿级园区数量", 1, None, "个", 2023, "="),
        ("千亿级园区数量", 5, None, "个", 2023, "="),
    ]
    assert _targets("到2023年，培育1—2个世界级先进制造业集群。") == [
        ("世界级先进制造业集群数量", 1, 2, "个", 2023, "="),
    ]


def test_years_explicit_before_implied_and_recurring() -> None:
    assert _targets("力争2022年前新增专精特新企业100家。")[0][4] == 2022
    assert _targets("到2022年底，新增上市企业10家。")[0][4] == 2022
    # no year in the sentence: the plan's end year from the title's period
    assert _targets("一、主要目标\n规模以上工业企业力争突破3000家。")[0][4] == 2023
    # "每年" targets recur: no single year
    assert _targets("力争每年新增规模以上工业企业200家。")[0][4] is None


def test_share_inherits_its_subject() -> None:
    assert _targets("到2023年，工业增加值超过1.3万亿元，占地区生产总值比重达25%以上。") == [
        ("工业增加值", 1.3, None, "万亿元", 2023, ">="),
        ("工业增加值占地区生产总值比重", 25, None, "%", 2023, ">="),
    ]


def test_growth_targets_keep_the_change_in_the_indicator() -> None:
    assert _targets("到2023年，工业投资年均增长8%。") == [
        ("工业投资年均增长", 8, None, "%", 2023, "="),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "2020年，全市规模以上工业增加值达到1000亿元。",  # a baseline: before the plan
        "截至目前，全市已培育专精特新企业300家。",
        "去年全市工业投资增长了12%。",
        "预计全年工业增加值增长8%左右。",
        "到2023年，聚焦22条工业新兴及优势产业链，打通堵点。",  # a reference, not a goal
        "到2023年，进一步围绕22条产业链打通堵点。",
        "到2023年，引进一批“三类500强”先进制造业项目。",  # a name
        "到2023年，实施八大工程，推动五链耦合。",  # section counts
        "到2023年，《行动计划》将实施八大行动和27项工程。",
        "到2023年，聚力打造“1+2+N”先进制造业集群体系。",  # a label
        "到2023年，实现5G深度覆盖。",
        "已经2023年10月13日市政府第20次常务会议研究通过。",  # a date and an ordinal
        "咨询电话：0731-88888888，13326565461。",  # phone numbers
        "到2023年，建成16米级盾构机生产线。",  # a scale label
        "对首台（套）装备给予最高不超过2000万元奖励。",  # a subsidy limit
        "到2023年，培育年营业收入超过100亿元的龙头企业。",  # a threshold on what is counted
        "到2023年，形成“三个一批”的发展格局。",
    ],
)
def test_numbers_that_are_not_targets(body: str) -> None:
    assert _targets(body) == []


def test_baseline_section_holds_no_target() -> None:
    body = "一、发展基础\n1、全省园区实现生产总值1.46万亿元，年均增长9.83%。\n二、主要目标\n到2023年，园区生产总值突破2万亿元。"
    assert _targets(body) == [("园区生产总值", 2, None, "万亿元", 2023, ">=")]


def test_targets_carry_their_action_and_quote() -> None:
    text = PLAN + "1 实施园区提效行动\n到2023年，全面提升园区发展质量，打造5个千亿级园区。"
    p = extract_plan(text)
    (t,) = p.targets
    assert t.action == "1" and t.quote == "打造5个千亿级园区" and t.quote in text


def test_qualitative_goals() -> None:
    p = extract_plan(
        PLAN + "到2023年，培育一批智能制造标杆企业，建设一个智能制造“海归小镇”，"
        "引进培育一批龙头企业、一批专精特新中小企业。"
    )
    # "一个" before a named place is one thing to build (issue #13), a target; listed once, as
    # the target, not again as a qualitative goal (a loaded plan counted it twice)
    assert [(g.verb, g.object) for g in p.qualitative] == [
        ("培育", "智能制造标杆企业"),
        ("引进培育", "龙头企业"),
        ("引进培育", "专精特新中小企业"),
    ]
    assert [(t.indicator, t.value, t.unit) for t in p.targets] == [
        ("智能制造“海归小镇”数量", 1, "个")
    ]
    generic = extract_plan(PLAN + "到2023年，构建一个开放协同的创新体系，形成一个良好的产业生态。")
    assert generic.targets == []
