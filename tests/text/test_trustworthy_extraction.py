"""Issue #13 (part 1): the kinds of targets 0.1.0 missed or invented, and the Changsha text.

Each expected answer is read off the sentence by hand: the value, unit, comparator and year a
careful reader would write down, with the size class and the annual flag as attributes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gaodi.text.extract import extract_plan

SEED = Path(__file__).resolve().parents[1] / "data" / "plans" / "changsha-2021.txt"
HEAD = "某市制造业三年行动计划(2023—2025年)\n一、发展目标\n"


def _rows(sentence: str) -> list[tuple]:
    p = extract_plan(HEAD + sentence)
    return [
        (t.indicator, t.value, t.value_max, t.unit, t.year, t.comparator, t.size_class, t.annual)
        for t in p.targets
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Chinese numerals and 大 counts, with the size class as an attribute
        (
            "到2025年，培育两个千亿级产业集群、四大百亿级产业集群。",
            [
                ("千亿级产业集群数量", 2, None, "个", 2025, "=", "千亿级", False),
                ("百亿级产业集群数量", 4, None, "个", 2025, "=", "百亿级", False),
            ],
        ),
        (
            "到2025年，打造4个千亿级产业集群。",
            [("千亿级产业集群数量", 4, None, "个", 2025, "=", "千亿级", False)],
        ),
        # 余/多 say "at least", 近 "about"
        (
            "到2025年，形成十余个特色产业链。",
            [("特色产业链数量", 10, None, "个", 2025, ">=", None, False)],
        ),
        (
            "到2025年，累计培育高新技术企业1000余家。",
            [("累计培育高新技术企业数量", 1000, None, "家", 2025, ">=", None, False)],
        ),
        (
            "到2025年，新增近200家规上企业。",
            [("新增规上企业数量", 200, None, "家", 2025, "=", None, False)],
        ),
        # comparators
        (
            "到2025年，省级专精特新中小企业达到100家以上。",
            [("省级专精特新中小企业数量", 100, None, "家", 2025, ">=", None, False)],
        ),
        (
            "到2025年，规上工业企业超过3000家。",
            [("规上工业企业数量", 3000, None, "家", 2025, ">=", None, False)],
        ),
        (
            "到2025年，研发投入强度不低于2.5%。",
            [("研发投入强度", 2.5, None, "%", 2025, ">=", None, False)],
        ),
        (
            "到2025年，单位工业增加值能耗控制在0.5吨标准煤以内。",
            [("单位工业增加值能耗", 0.5, None, "吨标准煤", 2025, "<=", None, False)],
        ),
        # a range
        (
            "到2025年，新增上市企业3—5家。",
            [("新增上市企业数量", 3, 5, "家", 2025, "=", None, False)],
        ),
        # 翻一番 is twice the base; 个百分点 a change in points
        (
            "到2025年，工业总产值翻一番。",
            [("工业总产值", 2, None, "倍", 2025, "=", None, False)],
        ),
        (
            "到2025年，数字经济核心产业增加值占GDP比重提高5个百分点。",
            [("数字经济核心产业增加值占GDP比重提高", 5, None, "个百分点", 2025, "=", None, False)],
        ),
        # annual (年均, 每年) against reached-by-the-year
        (
            "到2025年，工业增加值年均增长8%以上。",
            [("工业增加值年均增长", 8, None, "%", 2025, ">=", None, True)],
        ),
        (
            "每年新增规上工业企业100家。",
            [("新增规上工业企业数量", 100, None, "家", None, "=", None, True)],
        ),
    ],
)
def test_kinds_of_targets(sentence: str, expected: list[tuple]) -> None:
    assert _rows(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "2020年，全市工业总产值达到5000亿元。",  # a past year: a baseline
        "“十三五”期间，全市累计培育高新技术企业800家。",  # a review of the past
        "到2025年，聚焦8条重点产业链。",  # a reference, not a goal
        "到2025年，全市工业投资增长12%，3月20日市工信局发布了这一数据。",  # a news line
        "到2025年，规上工业增加值增长8.5%(2023年1—9月)。",  # a reporting period after it
        "到2025年，三大先导产业总规模达1.8万亿元。",  # 三大 names the subject, not a count
        "到2025年，构建一个开放协同的创新体系。",  # 一个 as an article
        "到2025年，实施八大工程(创新引领、集群强链)。",  # the plan counting its own parts
    ],
)
def test_not_targets(sentence: str) -> None:
    targets = _rows(sentence)
    # only the 1.8万亿元 of the 三大 sentence is a target; nothing else in these lines is
    assert [t for t in targets if t[1] != 1.8] == []


def test_changsha_gives_seven_actions_and_every_target_without_invention() -> None:
    text = SEED.read_text(encoding="utf-8")
    p = extract_plan(text)
    assert [(a.number, a.title) for a in p.actions] == [
        ("1", "实施智能制造赋能行动"),
        ("2", "实施新一代信息技术产业融合行动"),
        ("3", "实施先进制造业集群提质行动"),
        ("4", "实施产业基础高级化产业链现代化行动"),
        ("5", "实施绿色产业提升行动"),
        ("6", "实施工业企业“头羊”行动"),
        ("7", "实施工业园区提效行动"),
    ]
    got = [
        (t.action, t.indicator, t.value, t.unit, t.year, t.comparator, t.size_class)
        for t in p.targets
    ]
    assert got == [
        ("1", "智能制造“海归小镇”数量", 1, "个", 2023, "=", None),
        ("3", "世界级先进制造业集群数量", 1, "个", 2023, "=", None),
        ("3", "国家级先进制造业集群数量", 2, "个", 2023, "=", None),
        ("5", "新材料产业产值", 2500, "亿元", 2023, "=", None),
        ("7", "3000亿级园区数量", 1, "个", 2023, "=", "3000亿级"),
        ("7", "千亿级园区数量", 5, "个", 2023, "=", "千亿级"),
    ]
    assert all(t.quote in text for t in p.targets)


def test_changsha_action_7_stops_where_the_news_article_takes_over() -> None:
    text = SEED.read_text(encoding="utf-8")
    seventh = extract_plan(text).actions[-1]
    assert seventh.text.startswith("原文")
    assert "打造1个3000亿级园区、5个千亿级园区" in seventh.text
    assert seventh.text.endswith("在“十四五”新征程上展现新作为。")
    for after in ("记者观察", "一把手访谈", "康小平", "我要举报"):
        assert after not in seventh.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a fraction is a share: 三分之一 = 100/3 %
        (
            HEAD + "到2025年，制造业增加值占GDP比重稳定在三分之一以上。",
            [("制造业增加值占GDP比重", 100 / 3, None, "%", 2025, ">=", None, False)],
        ),
        # the end of a five-year plan is a target year
        (
            "某州工业发展目标\n到“十四五”末，全州工业总产值突破2000亿元。",
            [("全州工业总产值", 2000, None, "亿元", 2025, ">=", None, False)],
        ),
        # a web page's publication stamp dates the text: its own year is still ahead
        (
            "来源:新华社 2020-03-17 16:00:23\n2020年，制造业增加值占比保持在34%以上。",
            [("制造业增加值占比", 34, None, "%", 2020, ">=", None, False)],
        ),
        # "13%左右、力争15%左右": the second number keeps the first one's indicator
        (
            HEAD + "到2025年，制造业增加值占地区生产总值13%左右、力争15%左右。",
            [
                ("制造业增加值占地区生产总值", 13, None, "%", 2025, "=", None, False),
                ("制造业增加值占地区生产总值", 15, None, "%", 2025, "=", None, False),
            ],
        ),
    ],
)
def test_years_shares_and_coordination(text: str, expected: list[tuple]) -> None:
    p = extract_plan(text)
    got = [
        (t.indicator, t.value, t.value_max, t.unit, t.year, t.comparator, t.size_class, t.annual)
        for t in p.targets
    ]
    assert got == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "近年来，围绕新材料产业形成阶段性成果58项、实用新型专利17项。",  # a past result
        "到2025年，省财政每年将安排18亿元，连续三年给予支持。",  # a budget
        "到2025年，确立了包括大数据专项、服务型制造专项等十四个重大专项。",  # a list's size
        "到2025年，全省十大新兴产业营业收入翻一番以上。",  # 十大 names the group
    ],
)
def test_more_non_targets(sentence: str) -> None:
    got = _rows(sentence)
    assert [t for t in got if t[3] != "倍"] == []  # only 翻一番 (2 倍) of the last line is a target


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # tenths: 超7成 is more than 70 %
        (
            "到2025年，专精特新企业数增幅超7成。",
            [("专精特新企业数增幅", 70, None, "%", 2025, ">=", None, False)],
        ),
        # 迈上…台阶: at least
        (
            "到2025年，规上工业产值迈上3600亿元台阶。",
            [("规上工业产值", 3600, None, "亿元", 2025, ">=", None, False)],
        ),
    ],
)
def test_tenths_and_steps(sentence: str, expected: list[tuple]) -> None:
    assert _rows(sentence) == expected


def test_a_year_to_reach_without_a_plan_period() -> None:
    # no title period and no date: "实现2027年" still names the year the targets are due
    p = extract_plan("翟刚介绍，这对支撑实现2027年全省经济总量突破八万亿元等目标具有重要意义。")
    # ("全省" is dropped from indicators as everywhere: the scope is the plan's)
    assert [(t.indicator, t.value, t.unit, t.year, t.comparator) for t in p.targets] == [
        ("经济总量", 8, "万亿元", 2027, ">=")
    ]
