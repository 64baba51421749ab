"""Every code a page shows has its words, in Chinese and in English: the macros and label maps
that turn states, kinds, scopes, tags, sources and reasons into words cover every value the code
defines. A value added to one of the Literal types (or tag lists) without its words fails here,
before a Chinese page shows it raw."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, get_args

import pytest

from gaodi.enterprises.views import TAGS
from gaodi.plans.schemas import (
    Aggregation,
    Direction,
    Frequency,
    IndicatorKind,
    ObsKind,
    Scope,
    SubmissionStatus,
)
from gaodi.smart.views import ENTRY_SOURCE_LABELS
from gaodi.ui.web.i18n import Translator
from gaodi.ui.web.templating import bilingual, environment
from gaodi.web.views.admin import ACTION_LABELS, ENTITY_LABELS

CJK = re.compile(r"[\u4e00-\u9fff]")


def render(source: str, lang: str, **values: Any) -> str:
    template = environment().from_string(source)
    ctx = SimpleNamespace(lang=lang)
    return template.render(_=Translator(lang), ctx=ctx, **values).strip()


def words(macro: str, module: str, value: str, lang: str) -> str:
    source = f'{{% from "{module}" import {macro} with context %}}{{{{ {macro}(v) }}}}'
    return render(source, lang, v=value)


CASES = [
    ("obs_status", "plans/_ui.html", get_args(SubmissionStatus)),
    ("obs_kind", "plans/_ui.html", get_args(ObsKind)),
    ("tag", "enterprises/_tags.html", TAGS),
]


@pytest.mark.parametrize(("macro", "module", "values"), CASES)
def test_every_value_has_chinese_and_english_words(
    macro: str, module: str, values: tuple[str, ...]
) -> None:
    for value in values:
        zh = words(macro, module, value, "zh")
        en = words(macro, module, value, "en")
        assert CJK.search(zh), f"{macro}({value!r}) has no Chinese words: {zh!r}"
        assert en and not CJK.search(en.replace("头羊", "").split("(")[0]), (macro, value, en)
        assert "|" not in en, f"{macro}({value!r}) shows a message context in English: {en!r}"


def test_indicator_meta_and_scopes_read_as_words() -> None:
    meta = '{% from "plans/_ui.html" import ind_meta with context %}{{ ind_meta(i) }}'
    for agg in get_args(Aggregation):
        for kind in get_args(IndicatorKind):
            for direction in get_args(Direction):
                for freq in get_args(Frequency):
                    ind = SimpleNamespace(
                        aggregation=agg, kind=kind, direction=direction, frequency=freq, owner="处"
                    )
                    zh = render(meta, "zh", i=ind)
                    codes = {agg, kind, direction, freq}
                    assert not codes & set(re.findall(r"[a-z_]+", zh)), zh
    # the entry form's scope choices (plans.schemas.Scope)
    page = SimpleNamespace(indicators=[], scopes=list(get_args(Scope)), recent=[], provenance=None)
    scope = (
        '{% for s in scopes %}{{ {"city": _("scope|city"), "chain": _("scope|chain"),'
        ' "park": _("scope|park")}.get(s, s) }};{% endfor %}'
    )
    assert render(scope, "zh", scopes=page.scopes) == "全市;产业链;园区;"
    assert render(scope, "en", scopes=page.scopes) == "city;chain;park;"


def test_tier_criteria_read_yes_no_missing() -> None:
    crit = (
        '{% import "enterprises/_criteria.html" as cr with context %}'
        "{{ cr.required(c) }}|{{ cr.actual(c) }}"
    )
    yes = SimpleNamespace(op="==", threshold=True, unit=None, actual=True)
    missing = SimpleNamespace(op="==", threshold=True, unit=None, actual=None)
    share = SimpleNamespace(op=">=", threshold=0.03, unit="ratio", actual=0.0251)
    money = SimpleNamespace(op=">=", threshold=2000, unit="万元", actual=2500.0)
    assert render(crit, "zh", c=yes) == "须为：是|是"
    assert render(crit, "zh", c=missing) == "须为：是|缺失"
    assert render(crit, "zh", c=share) == "≥ 3%|2.5%"
    # the actual value carries its unit too (audit E, bug 3); English says million yuan
    assert render(crit, "zh", c=money) == "≥ 2,000 万元|2,500 万元"
    assert render(crit, "en", c=money) == "≥ 20 million yuan|25 million yuan"
    assert render(crit, "en", c=missing) == "must be: yes|missing"


def test_label_maps_have_both_languages() -> None:
    for table in (ENTRY_SOURCE_LABELS, ACTION_LABELS, ENTITY_LABELS):
        for code, msgid in table.items():
            zh, en = Translator("zh")(msgid), Translator("en")(msgid)
            assert CJK.search(zh) or zh in ("API",), (code, zh)
            assert en and "|" not in en, (code, en)


def test_a_stored_bilingual_note_shows_the_readers_half() -> None:
    note = "一级判定规则未经官方原文核对 (level 1 rule not verified against the official text)."
    assert bilingual(note, "zh") == "一级判定规则未经官方原文核对"
    assert bilingual(note, "en") == "level 1 rule not verified against the official text."
    assert bilingual("没有括号的说明。", "en") == "没有括号的说明。"  # not a pair: shown whole
