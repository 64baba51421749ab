"""``extract_plan``: a plan text in, its title, actions, targets and qualitative goals out.

Offline. The rules live in :mod:`gaodi.text.structure` (numbered headings, which of them are
actions, title, period) and :mod:`gaodi.text.targets` (which numbers are targets, their
indicator, comparator and year); :mod:`gaodi.text.learned` gives a second opinion on each
target the rules find, and a target it judges unlikely is set aside, with its reason, rather
than dropped. docs/plan-extraction.md states the rules with examples and reports the measured
precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaodi.core.errors import ValidationError
from gaodi.text.glosses import as_written, has_glosses, quote_as_written, strip_glosses
from gaodi.text.learned import Judgement, forest, quantity_features
from gaodi.text.numerals import normalize_width, scan_quantities, to_simplified
from gaodi.text.schema import (
    ExtractedAction,
    ExtractedGoal,
    ExtractedTarget,
    PlanExtraction,
    SetAsideTarget,
)
from gaodi.text.structure import (
    annual_goal_year,
    document_year,
    find_title,
    parse_outline,
    plan_period,
    report_year,
    reviewed_year,
    sessions_year,
)
from gaodi.text.targets import FoundTarget, _Context, find_goals, find_targets, make_context


def normalize_newlines(text: str) -> str:
    """One newline convention and no byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Reading:
    """A text as the rules read it: its context (the text without glosses, in ``ctx.text``),
    its title, and how to map a span back to the text as written."""

    ctx: _Context
    title: str | None
    written: str
    back: list[int]
    glossed: bool


def read_text(text: str) -> Reading:
    """The context the rules read ``text`` in (``ctx.text`` holds its positions)."""
    text = normalize_newlines(text)
    if not text.strip():
        raise ValidationError(
            "文本为空，没有可提取的内容。", "The text is empty: nothing to extract."
        )
    written = text
    glossed = has_glosses(text)
    back: list[int] = []
    if glossed:
        text, back = strip_glosses(text)  # read without "(yè)"; shown as written (below)
    # the outline is read in simplified characters and the dates in normalized ones ("二○二六年",
    # "２０２６年"), both of the same length; quotes and action texts are cut from the text as
    # written
    simple = to_simplified(text)
    dated = normalize_width(text)
    outline = parse_outline(simple)
    title = find_title(simple)
    period = plan_period(normalize_width(title) if title else None)
    ref_year = (
        period[0]
        if period
        else (
            document_year(dated)
            or reviewed_year(dated)
            or annual_goal_year(dated)
            or report_year(dated)
            or sessions_year(dated)
        )
    )
    end_year = period[1] if period else None
    return Reading(make_context(text, outline, ref_year, end_year), title, written, back, glossed)


def judge_targets(ctx: _Context, found: list[FoundTarget]) -> list[Judgement | None]:
    """The model's judgement (:mod:`gaodi.text.learned`) of each target the rules found;
    ``None`` where the scan of quantities sees no number at the target's start: no opinion.
    What pushed a judgement is worked out only for those set aside (their reason)."""
    quantities = {q.start: q for q in scan_quantities(ctx.text)}
    model = forest()
    rows = {
        t.start: quantity_features(ctx, quantities[t.start], True)
        for t in found
        if t.start in quantities
    }
    chance = dict(zip(rows, model.probabilities(list(rows.values())), strict=True))
    out: list[Judgement | None] = []
    for t in found:
        if t.start not in chance:
            out.append(None)
            continue
        judged = Judgement(chance[t.start], ())
        out.append(model.judge(rows[t.start]) if judged.set_aside else judged)
    return out


def extract_plan(text: str, second_opinion: bool = True) -> PlanExtraction:
    """Read a Chinese plan text into a :class:`PlanExtraction`.

    Every ``quote`` is a substring of ``normalize_newlines(text)``. With ``second_opinion``
    (the default), a target the model of :mod:`gaodi.text.learned` gives a probability below
    ``SET_ASIDE_BELOW`` (two decimals, as shown in ``confidence``) goes to ``set_aside`` with
    its reason instead of ``targets``; without it, the output is the rules' alone.

    >>> p = extract_plan("某市行动计划(2021—2023年)\\n1 实施园区提效行动\\n"
    ...                  "到2023年,打造1个3000亿级园区、5个千亿级园区。")
    >>> [(t.indicator, t.value, t.unit, t.year) for t in p.targets]
    [('3000亿级园区数量', 1, '个', 2023), ('千亿级园区数量', 5, '个', 2023)]
    """
    reading = read_text(text)
    ctx, title = reading.ctx, reading.title
    text, written, back, glossed = ctx.text, reading.written, reading.back, reading.glossed
    outline = ctx.outline

    def shown(start: int, end: int) -> str:
        return as_written(written, back, start, end) if glossed else text[start:end]

    def quoted(quote: str, near: int) -> str:
        return quote_as_written(written, text, back, quote, near) if glossed else quote

    actions = [
        ExtractedAction(
            number=a.number or str(a.ordinal),
            title=a.title,
            text=shown(a.body_start, a.end).strip(),
        )
        for a in outline.actions
    ]
    found = find_targets(ctx)
    judged: list[Judgement | None] = (
        judge_targets(ctx, found) if second_opinion else [None] * len(found)
    )
    targets: list[ExtractedTarget] = []
    set_aside: list[SetAsideTarget] = []
    for t, judgement in zip(found, judged, strict=True):
        target = ExtractedTarget(
            indicator=t.indicator,
            value=t.value,
            value_max=t.value_max,
            unit=t.unit,
            year=t.year,
            comparator=t.comparator,
            action=t.action,
            quote=quoted(t.quote, t.start),
            size_class=t.size_class,
            annual=t.annual,
            confidence=None if judgement is None else float(judgement.shown),
        )
        if judgement is None or not judgement.set_aside:
            targets.append(target)
        else:
            set_aside.append(
                SetAsideTarget(
                    target=target, reason=judgement.reason("zh"), reason_en=judgement.reason("en")
                )
            )
    goals = [
        ExtractedGoal(verb=g.verb, object=g.object, action=g.action, quote=quoted(g.quote, g.start))
        for g in find_goals(ctx)
    ]
    return PlanExtraction(
        title=title, actions=actions, targets=targets, qualitative=goals, set_aside=set_aside
    )
