"""Numbered structure: each numbering style, nesting, which headings are actions, title, period."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaodi.text.structure import document_year, find_title, parse_outline, plan_period

DATA = Path(__file__).resolve().parents[1] / "data" / "plans"


def _actions(text: str) -> list[tuple[str, str]]:
    return [(a.number, a.title) for a in parse_outline(text).actions]


def test_bare_number_lines_as_in_the_changsha_release() -> None:
    text = "导语。\n1 实施智能制造赋能行动\n原文\n到2023年……\n2 实施绿色产业提升行动\n原文\n……"
    assert _actions(text) == [("1", "实施智能制造赋能行动"), ("2", "实施绿色产业提升行动")]


def test_chinese_numbers_with_dun() -> None:
    text = "一、强化创新引领。加快建设创新平台。\n二、壮大产业集群。推动集群发展。\n"
    assert _actions(text) == [("1", "强化创新引领"), ("2", "壮大产业集群")]


def test_parenthesised_chinese_numbers_full_and_half_width() -> None:
    text = "（一）强链升级行动\n内容。\n(二)强基筑底行动\n内容。\n"
    assert _actions(text) == [("1", "强链升级行动"), ("2", "强基筑底行动")]


def test_arabic_with_dot_and_dun() -> None:
    assert _actions("1.打造世界级产业集群。内容。\n2.巩固优势产业。内容。") == [
        ("1", "打造世界级产业集群"),
        ("2", "巩固优势产业"),
    ]
    assert _actions("1、园区提质。内容\n2、企业培育。内容") == [
        ("1", "园区提质"),
        ("2", "企业培育"),
    ]


def test_ordinal_di_yi() -> None:
    text = "第一，战略方向上要精准。做好规划。\n第二，战术上要得当。\n第三，服务要到位。"
    assert _actions(text) == [("1", "战略方向上要精准"), ("2", "战术上要得当"), ("3", "服务要到位")]


def test_decimal_numbers_and_stray_numbers_are_not_headings() -> None:
    # "1.5万家" starts a line but is a number; a lone "三、" does not continue any sequence
    text = "1.5万家企业上云。\n三、这不是标题\n一、真正的第一项\n"
    assert _actions(text) == [("1", "真正的第一项")]


def test_nesting_follows_gbt9704_ranks_not_order_of_appearance() -> None:
    text = (
        "一、主要目标\n到2025年，工业增加值超过1.3万亿元。\n"
        "二、重点任务\n（一）强链升级行动\n1.打造世界级产业集群。内容。\n2.巩固优势产业。内容。\n"
        "（二）强基筑底行动\n1.加强攻关。内容。\n"
        "三、保障措施\n（一）加强组织领导。\n"
    )
    outline = parse_outline(text)
    # 主要目标 and 保障措施 are not actions; 重点任务 is a container; its (一)(二) are the actions
    assert [(a.number, a.title) for a in outline.actions] == [
        ("1", "强链升级行动"),
        ("2", "强基筑底行动"),
    ]
    first = outline.actions[0]
    assert [c.title for c in first.children] == ["打造世界级产业集群", "巩固优势产业"]
    assert "巩固优势产业" in text[first.start : first.end]
    assert "加强攻关" not in text[first.start : first.end]
    goal = outline.innermost(text.index("1.3万亿元"))
    assert goal is not None and goal.is_goal


def test_chapters_are_containers_and_baseline_sections_are_skipped() -> None:
    text = (
        "第一章 发展基础\n第一节 发展成就\n1、园区经济总量大幅提升。\n"
        "第二章 重点任务\n第一节 做强主导产业\n内容。\n第二节 优化园区布局\n内容。\n"
    )
    assert _actions(text) == [("1", "做强主导产业"), ("2", "优化园区布局")]


def test_heading_after_a_full_stop_in_flattened_web_text() -> None:
    text = "2024年，全市稀土产业产值达到1000亿元以上。 1.提升稀土原料生产能力。巩固基地地位。"
    assert _actions(text) == [("1", "提升稀土原料生产能力")]


def test_changsha_seven_actions_and_not_the_interview() -> None:
    text = (DATA / "changsha-2021.txt").read_text(encoding="utf-8")
    outline = parse_outline(text)
    assert [a.title for a in outline.actions] == [
        "实施智能制造赋能行动",
        "实施新一代信息技术产业融合行动",
        "实施先进制造业集群提质行动",
        "实施产业基础高级化产业链现代化行动",
        "实施绿色产业提升行动",
        "实施工业企业“头羊”行动",
        "实施工业园区提效行动",
    ]
    # the interview's 一、…六、 are headings, but not the plan's actions
    interview = [s.title for s in outline.sections if s.style == "cn_dun"]
    assert len(interview) == 6 and interview[0].startswith("突出智造统领")
    seventh = outline.actions[-1]
    assert "打造1个3000亿级园区" in text[seventh.start : seventh.end]
    assert "突出智造统领" not in text[seventh.start : seventh.end]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("关于印发《X》的通知\n新乡市建设制造强市三年行动计划(2023—2025年)\n为……",
         "新乡市建设制造强市三年行动计划(2023—2025年)"),
        ("中共包头市委员会\n关于加快实施创新驱动发展战略推进战略性\n新兴产业发展提质提效的实施意见\n",
         "关于加快实施创新驱动发展战略推进战略性新兴产业发展提质提效的实施意见"),
        ("权威解读丨长沙怎么干\n长沙发布《长沙市三年行动计划(2021—2023年)》，提出……",
         "长沙市三年行动计划(2021—2023年)"),
        ("为深入贯彻落实，制定本方案。\n一、总体要求\n", None),
    ],
)  # fmt: skip
def test_title(text: str, title: str | None) -> None:
    assert find_title(text) == title


def test_plan_period_and_document_year() -> None:
    assert plan_period("长沙市打造国家重要先进制造业高地三年行动计划(2021—2023年)") == (2021, 2023)
    assert plan_period("上海市推动制造业高质量发展三年行动计划(2023-2025年)") == (2023, 2025)
    assert plan_period("山西省重点产业链能级跃升2025年行动计划") == (2025, 2025)
    assert plan_period("某省“十四五”制造业高质量发展规划") == (2021, 2025)
    assert plan_period("某市制造业行动方案") is None
    assert document_year("通知\n新乡市人民政府\n2023年10月24日\n正文") == 2023
    assert document_year("(2024年1月1日)\n正文") == 2024
    assert document_year("已经2023年10月13日市政府常务会议研究通过") is None


def test_a_label_with_an_empty_title_is_no_heading() -> None:
    # found by the property test of test_extract.py: "第一，，" named nothing
    from gaodi.text.extract import extract_plan

    assert parse_outline("第一，，").sections == []
    assert extract_plan("第一，，").actions == []
