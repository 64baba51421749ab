"""extract_plan on the Changsha plan (exact answer written by hand) and its invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaodi.core.errors import ValidationError
from gaodi.text.extract import extract_plan, normalize_newlines
from gaodi.text.schema import PlanExtraction

DATA = Path(__file__).resolve().parents[1] / "data" / "plans"
FIELDS = ("indicator", "value", "value_max", "unit", "year", "comparator", "action")
CORPUS = sorted(p.stem for p in DATA.glob("*.txt"))


def _load(name: str) -> tuple[str, dict]:
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    return text, json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_changsha_targets_equal_the_hand_written_answer() -> None:
    text, expected = _load("changsha-2021")
    got = extract_plan(text)
    assert [{f: getattr(t, f) for f in FIELDS} for t in got.targets] == [
        {f: t[f] for f in FIELDS} for t in expected["targets"]
    ]
    # every quote is a substring of the text and holds the value it states
    for t, e in zip(got.targets, expected["targets"], strict=True):
        assert t.quote in text
        assert e["quote"] in t.quote or t.quote in e["quote"]


def test_changsha_actions_title_and_goals() -> None:
    text, expected = _load("changsha-2021")
    got = extract_plan(text)
    assert got.title == expected["title"]
    assert [(a.number, a.title) for a in got.actions] == [
        (a["number"], a["title"]) for a in expected["actions"]
    ]
    assert got.actions[4].text.startswith("原文\n重点支持先进储能材料")
    assert [(g.verb, g.object, g.action) for g in got.qualitative] == [
        (g["verb"], g["object"], g["action"]) for g in expected["qualitative"]
    ]


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_text_gives_valid_output_with_true_quotes(name: str) -> None:
    text, _ = _load(name)
    got = extract_plan(text)
    PlanExtraction.model_validate(got.model_dump())
    for item in [*got.targets, *got.qualitative]:
        assert item.quote in text
    for a in got.actions:
        assert a.title in text


def test_empty_text_is_refused_in_both_languages() -> None:
    with pytest.raises(ValidationError) as info:
        extract_plan("\ufeff \n\n ")
    assert "空" in info.value.zh and "empty" in info.value.en


def test_windows_newlines_and_bom() -> None:
    text, _ = _load("kaifeng-2020")
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    assert extract_plan(crlf) == extract_plan(text)
    assert normalize_newlines(crlf) == text


FRAGMENTS = [
    "到2025年，", "一、总体要求\n", "（一）发展目标。", "二、重点任务\n", "1 实施强链行动\n",
    "1.打造集群。", "第一，", "规模以上工业企业", "突破", "超过", "达到", "2200家", "30%以上",
    "1—2个", "千亿级", "产业集群", "、", "，", "。", "\n", "2020年", "培育一批", "龙头企业",
    "百分之三十", "三千亿元", "“1+2+N”", "5G", "聚焦22条产业链", "每年新增", "左右", "以内",
    "《某某计划(2021—2023年)》", "控制在", "（二）", "三、", "12", "亿元", "占", "比重",
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40), st.text(max_size=20))
def test_any_text_gives_a_valid_extraction(parts: list[str], noise: str) -> None:
    text = "".join(parts) + noise
    if not normalize_newlines(text).strip():
        return
    got = extract_plan(text)
    clean = normalize_newlines(text)
    numbers = {a.number for a in got.actions}
    for t in got.targets:
        assert t.quote in clean
        assert t.value_max is None or t.value_max >= t.value
        assert t.action is None or t.action in numbers
    for g in got.qualitative:
        assert g.quote in clean and g.object
