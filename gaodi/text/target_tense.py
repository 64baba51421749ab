"""Told or set: whether a figure reports a result or sets a goal.

Part of :mod:`gaodi.text.targets`: a past marker before a number, a sentence or paragraph that
tells results (a year gone, a part of the year gone, statistics, a comparison with last year),
a sentence that sets a goal, and cue words used in passing about results.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gaodi.text.target_cues import (
    _ACHIEVED,
    _ELAPSED,
    _FIVE_YEAR_END,
    _GOAL_REACHED,
    _SENTENCE_DELIMS,
    _YEAR_ON_YEAR,
    PAST_MARKERS,
    TARGET_CUES,
)
from gaodi.text.target_spans import _bounds

if TYPE_CHECKING:
    from gaodi.text.target_context import _Context


_PLAN_PERIOD_PAST = re.compile(r"(十一五|十二五|十三五)[”\"’]?(?:期间|时期)$")


def _is_past(
    sentence_left: str,
    ref_year: int | None,
    current: frozenset[str] = frozenset(),
    cued: bool = False,
) -> bool:
    """Whether a past marker stands before the number in its sentence. "“十三五”期间" is past
    only in a text written after that plan ended (a 2017 text plans for it); in a text with no
    date, a period is current when the text sets targets for its end ("“十二五”末…达到")."""
    for m in PAST_MARKERS.finditer(sentence_left):
        period = _PLAN_PERIOD_PAST.match(m.group())
        if period and ref_year is not None and ref_year <= _FIVE_YEAR_END[period.group(1)]:
            continue
        if period and ref_year is None and period.group(1) in current:
            continue
        # "“十二五”期间，某区将…力争…年均增长15%": a period the text's goals are set for
        if (
            period
            and ref_year is None
            and not m.group().endswith("以来")
            and re.search(r"将|力争|要", sentence_left[m.end() :])
        ):
            continue
        if m.group() == "同比" and cued:
            continue
        # "力争“十四五”以来累计降低10%左右": a total over the plan period still running
        since = re.search(r"(十[一二三四五]五)[”\"’]?$", sentence_left[: m.start()])
        if (
            m.group() == "以来"
            and cued
            and since
            and ref_year is not None
            and ref_year <= _FIVE_YEAR_END[since.group(1)]
        ):
            continue
        return True
    return False


# a press conference's report that opens on what was done since a period began: "从…新闻发布会
# 获悉，“十四五”以来，…", "介绍…“十四五”时期…主要成就"
_PRESS = re.compile(r"发布会|新闻办")
_SINCE = re.compile(
    r"(?:十[一二三四五]五[”\"’]?|[一二两三四五六七八九十\d]{1,2}年)(?:以来|来)|主要成就|发展成就"
)


def _reports_a_review(norm: str) -> bool:
    """Whether the text's lead paragraph reports a press conference reviewing past results."""
    lead = next((p for p in re.split(r"\n\s*\n", norm) if len(p.strip()) > 60), "")[:300]
    return bool(_PRESS.search(lead) and _SINCE.search(lead))


# a sentence that sets a goal: a cue word, or a year the goal is due by ("到2027年", "2025年底前")
_SETS_A_GOAL = re.compile(
    # (not the end of a span: "2020年至2024年期间")
    r"力争|争取|确保|目标|预期|计划|将|(?<!\d年)(?:到|至)\s*20\d\d\s*年|20\d\d\s*年(?:底|末)?前|"
    r"努力(?:形成|打造|建成|达到|培育)"  # "努力形成1个千亿级、10个百亿级…的企业梯队"
)


def _sets_a_goal(text: str) -> bool:
    """Whether ``text`` sets a goal (``_SETS_A_GOAL``), cue words used in passing and short
    quoted names ("“两个目标”") aside; the bare search first, as most sentences set none."""
    return bool(
        _SETS_A_GOAL.search(text)
        and _SETS_A_GOAL.search(_cue_words(re.sub(r"“[^”]{1,10}”", "", text)))
    )


def _sentences_told_and_set(norm: str, ref_year: int | None = None) -> tuple[int, int]:
    """Whether the text mostly reports results: more than twice as many of its sentences tell
    a result as set a goal.

    A sentence that opens on a year before the text's own ("2024年，全市地区生产总值…", in a
    text of 2025) and gives a figure tells that year's result.
    """
    told = goals = 0
    for m in re.finditer(r"[^。！？!?\n]+", norm):
        sentence = m.group()
        opening = re.match(r"\s*(?:在|从)?((?:19|20)\d{2})\s*年(?!前|底前|末前)", sentence)
        # (not a quoted name: "依托“两个目标”…")
        if _sets_a_goal(sentence):
            goals += 1
        elif (
            (
                ref_year is not None
                and opening is not None
                and int(opening.group(1)) < ref_year
                and re.search(r"\d[\d.]*\s*(?:%|[万亿]|个|家|项)", sentence[opening.end() :])
            )
            or PAST_MARKERS.search(sentence)
            or _YEAR_ON_YEAR.search(sentence)
            or _ELAPSED.search(sentence)
            or _ACHIEVED.search(sentence)
            or _STATISTICS.search(sentence)
        ):
            told += 1
    return told, goals


_STATISTICS = re.compile(r"初步核算|按可比价格计算")
_YEAR_OPENING = re.compile(r"^(?:今年|(?:19|20)\d{2}\s*年)")
# cue words used in passing, about results: "9项指标超出预期", "企业家信心预期指数", "完成全年
# 目标任务的35.4%", "较好完成了…主要目标任务"
_CUE_IN_PASSING = re.compile(
    r"(?:超出|符合|好于|高于|低于|超|不及)预期|预期指数|完成[^，,。；;！!？?\n]{0,20}(?:目标|计划)(?:任务)?|"
    # "增长6.8%,高于年初预期目标0.3个百分点": a result measured against the goal
    r"(?:超出|好于|高于|低于|超过|不及)(?:年初|全年|年度)?(?:预期|计划)?目标|"
    # "确保…稳中向好目标的实现，完成生产总值…": the goal's achievement, told
    r"[^，,。；;！!？?\n]{0,30}目标的(?:实现|完成)|"
    # "完成…投资27亿元，为年度计划的54.7%": progress toward the year's plan
    r"(?:为|占|完成)(?:年度|全年|年)?(?:投资)?(?:目标|计划)(?:任务)?的?\s*[\d.]+%|" + _GOAL_REACHED
)


def _cue_words(sentence: str) -> str:
    """The sentence with cue words used in passing blanked, for the goal cues to read."""
    return _CUE_IN_PASSING.sub(lambda m: " " * len(m.group()), sentence)


# "2020—2024年，…": a span of years opening a sentence, the period its figures cover
_YEAR_SPAN = re.compile(
    r"(?:^|(?<=[,，;；:：]))\s*(?:自|从)?(20\d{2})\s*年?\s*[—–\-~～至到]\s*(20\d{2})\s*年\s*[,，]"
)


def _past_span(ctx: _Context, sentence_left: str) -> bool:
    """Whether a clause of the sentence opens on a span of years that are over: it ends before
    the text's year, or the text has no plan period and names no target year ("2020—2024年，
    我国…分别年均增长7.9%和8.7%" in an undated review); a plan states its period."""
    m = _YEAR_SPAN.search(sentence_left.lstrip(" \n—-"))
    if m is None:
        return False
    end = int(m.group(2))
    if ctx.ref_year is not None:
        return end < ctx.ref_year
    return ctx.end_year is None and not ctx.explicit


# a paragraph opening on the years gone: "“十四五”以来", "党的十八大以来", "近年来", "过去五年"
_PERIOD_GONE = re.compile(
    r"(?:[“\"]?十[一二三四五]五[”\"’]?|(?:党的)?十[八九]大|近年|近[一二两三四五六七八九十\d]{1,2}年|"
    r"[一二两三四五六七八九十\d]{1,2}年|(?:19|20)\d{2}\s*年)(?:以)?来|"
    r"(?:过去|这)[一二两三四五六七八九十\d]{1,2}年|"
    # or on the state of things: "现状是西安GDP占全省37.5%…"
    r"现状(?:是|为)?"
)


def _paragraph_reports(ctx: _Context, pos: int, s0: int, s1: int) -> bool:
    """Whether the paragraph around ``pos`` reports statistics the sentence goes on telling.

    A paragraph opened on a part of the year gone ("一季度，…") or on preliminary statistics
    ("初步核算，…") reports them sentence after sentence, unless the sentence cues a goal; one
    opening on a comparison with last year ("全年…比上年下降0.7%。…分别上涨0.9%…") goes on
    reporting until a sentence cues a goal or dates one ("今年", "2025年"); one opening on the
    years gone ("“十四五”以来，…") until a sentence sets a goal or names a year."""
    s = ctx.norm
    sentence = _cue_words(s[s0:s1])
    l0 = s.rfind("\n", 0, pos) + 1
    opening = s[l0:pos].lstrip(" \t\u3000")
    if not TARGET_CUES.search(sentence) and (
        _STATISTICS.search(opening) or _ELAPSED.match(_YEAR_OPENING.sub("", opening, count=1))
    ):
        return True
    first_end = _bounds(s, l0, _SENTENCE_DELIMS)[1]
    if (
        _PERIOD_GONE.match(opening)
        and not _sets_a_goal(s[l0:s1])
        and not any(l0 <= m.start() < pos for m in ctx.years)
    ):
        return True  # "“十四五”以来，…。全省…年均增长7.5%": the years gone, told on
    return (
        s0 > l0
        and bool(_YEAR_ON_YEAR.search(s[l0:first_end]))
        and not TARGET_CUES.search(s[l0:s1])
        and not re.search(r"今年|明年|年内", s[first_end:pos])
        and not any(first_end <= m.start() < pos for m in ctx.years)
    )


def _tells(ctx: _Context, pos: int) -> bool:
    """Whether the sentence of the figure at ``pos`` tells a result: no goal set, and a past
    marker, or a year before the text's own as the last year named before the figure."""
    s0, s1 = _bounds(ctx.norm, pos, _SENTENCE_DELIMS)
    sentence, left = ctx.norm[s0:s1], ctx.norm[s0:pos]
    if _sets_a_goal(sentence):
        return False
    years = re.findall(r"((?:19|20)\d{2})\s*年", left)
    return bool(
        (ctx.ref_year is not None and years and int(years[-1]) < ctx.ref_year)
        or PAST_MARKERS.search(sentence)
        or _YEAR_ON_YEAR.search(sentence)
    )


def _expected_later(sentence_left: str, ref_year: int | None) -> bool:
    """ "2025年预计增加到10%" in a 2021 text: a plan's expected value for a year to come, not a
    forecast of the year under way ("预计2025年将达到1600亿元" in a 2025 review)."""
    m = re.search(r"(\d{4})\s*年\s*预计[^，,；;。]*$", sentence_left)
    return m is not None and ref_year is not None and int(m.group(1)) > ref_year
