"""``extract_plan``: a plan text in, its title, actions, targets and qualitative goals out.

Offline. The rules live in :mod:`gaodi.text.structure` (numbered headings, which of them are
actions, title, period) and :mod:`gaodi.text.targets` (which numbers are targets, their
indicator, comparator and year); :mod:`gaodi.text.learned` gives a second opinion on each
target the rules find, and a target it judges unlikely is set aside, with its reason, rather
than dropped; a number the rules passed over that it judges may be a target is suggested to
the reviewer, read as a target, with its reason. docs/plan-extraction.md states the rules with
examples and reports the measured precision and recall.
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
    SuggestedTarget,
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
from gaodi.text.targets import (
    FoundTarget,
    _Context,
    find_goals,
    find_targets,
    make_context,
    sketch_target,
)


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


def judge_targets(
    ctx: _Context, found: list[FoundTarget]
) -> tuple[list[Judgement | None], list[tuple[FoundTarget, Judgement]]]:
    """The model's judgement (:mod:`gaodi.text.learned`) of each target the rules found
    (``None`` where the scan of quantities sees no number at the target's start: no opinion),
    and the numbers the rules passed over that it suggests, each read as a target
    (``sketch_target``), in text order. Every number of the text is walked through the trees
    at once; what pushed a judgement is worked out only for those set aside or suggested."""
    model = forest()
    taken = {t.start for t in found}
    quantities = scan_quantities(ctx.text)
    rows = [quantity_features(ctx, q, q.start in taken) for q in quantities]
    chance = model.probabilities(rows)
    by_start = {q.start: i for i, q in enumerate(quantities)}
    judged: list[Judgement | None] = []
    for t in found:
        i = by_start.get(t.start)
        if i is None:
            judged.append(None)
            continue
        first = Judgement(chance[i], ())
        judged.append(model.judge(rows[i]) if first.set_aside else first)
    suggested: list[tuple[FoundTarget, Judgement]] = []
    seen: set[tuple[str, float]] = set()
    for q, row, p in zip(quantities, rows, chance, strict=True):
        if q.start in taken or not Judgement(p, ()).suggested:
            continue
        sketch = sketch_target(ctx, q)
        # (a sentence a page repeats is suggested once: the review page tells them by quote)
        if sketch is not None and (sketch.quote, sketch.value) not in seen:
            seen.add((sketch.quote, sketch.value))
            suggested.append((sketch, model.judge(row)))
    return judged, suggested


# the first words of a suggestion's reason (the model's follow: gaodi.text.learned)
_PASSED_OVER = ("规则未将其读作目标；", "The rules did not read it as a target. ")


def extract_plan(text: str, second_opinion: bool = True) -> PlanExtraction:
    """Read a Chinese plan text into a :class:`PlanExtraction`.

    Every ``quote`` is a substring of ``normalize_newlines(text)``. With ``second_opinion``
    (the default), a target the model of :mod:`gaodi.text.learned` gives a probability below
    ``SET_ASIDE_BELOW`` (two decimals, as shown in ``confidence``) goes to ``set_aside`` with
    its reason instead of ``targets``, and a number the rules passed over that it gives at
    least ``SUGGEST_FROM`` goes to ``suggested``, read as a target (``sketch_target``), with
    its reason; without it, the output is the rules' alone.

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
    judged: list[Judgement | None] = [None] * len(found)
    passed_over: list[tuple[FoundTarget, Judgement]] = []
    if second_opinion:
        judged, passed_over = judge_targets(ctx, found)

    def extracted(t: FoundTarget, judgement: Judgement | None) -> ExtractedTarget:
        return ExtractedTarget(
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

    targets: list[ExtractedTarget] = []
    set_aside: list[SetAsideTarget] = []
    for t, judgement in zip(found, judged, strict=True):
        target = extracted(t, judgement)
        if judgement is None or not judgement.set_aside:
            targets.append(target)
        else:
            set_aside.append(
                SetAsideTarget(
                    target=target, reason=judgement.reason("zh"), reason_en=judgement.reason("en")
                )
            )
    # a goal the rules read as a target (建设一个智能制造“海归小镇”: one named place) is listed
    # once, as the target: a plan loaded from it must not count the same commitment twice
    as_targets = {t.quote for t in targets}
    goals = [
        ExtractedGoal(verb=g.verb, object=g.object, action=g.action, quote=quoted(g.quote, g.start))
        for g in find_goals(ctx)
    ]
    goals = [g for g in goals if g.quote not in as_targets]
    suggested = [
        SuggestedTarget(
            target=extracted(t, j),
            reason=_PASSED_OVER[0] + j.reason("zh", toward=True),
            reason_en=_PASSED_OVER[1] + j.reason("en", toward=True),
        )
        for t, j in passed_over
    ]
    return PlanExtraction(
        title=title,
        actions=actions,
        targets=targets,
        qualitative=goals,
        set_aside=set_aside,
        suggested=suggested,
    )
