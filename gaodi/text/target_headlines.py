"""A news page's headline and subheadings: figures they restate from the body.

Part of :mod:`gaodi.text.targets`: a subheading's figure that the paragraph under it tells as a
result is dropped, and a headline's restatement of a target the body sets is added.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gaodi.text.numerals import scan_quantities
from gaodi.text.target_context import _Context
from gaodi.text.target_fields import FoundTarget
from gaodi.text.target_spans import _clean_number, _clean_quote
from gaodi.text.target_tense import _tells

_NEXT_LINE = re.compile(r"\n[ \t\u3000]*([^\s][^\n]*)")  # the next line that is not blank


def _without_echoed_results(ctx: _Context, found: list[FoundTarget]) -> list[FoundTarget]:
    """Drop a subheading's figure that the paragraph under it tells as no goal.

    A news page heads a paragraph with its figures ("全市生产总值增长5.5%" over "2025年是…的一
    年，全市生产总值增长5.5%…"): the heading says what the paragraph says, and where the
    paragraph tells a result, so does the heading.
    """
    s = ctx.norm
    taken = {t.start for t in found}
    kept = []
    for t in found:
        a = s.rfind("\n", 0, t.start) + 1
        b = s.find("\n", t.start)
        b = len(s) if b < 0 else b
        nxt = _NEXT_LINE.search(s, b)
        if b - a > 40 or re.search(r"[。；;！？!?]", s[a:b]) or nxt is None:
            kept.append(t)
            continue
        n0 = nxt.start(1)
        same = [
            n0 + q.start
            for q in scan_quantities(nxt.group(1))
            if _clean_number(q.value) == t.value and q.unit == t.unit
        ]
        # (a headline, only where the paragraph plainly tells a result: a goal it sets but that
        # was not read stays a goal in the headline)
        if same and not any(x in taken for x in same) and (a > 0 or _tells(ctx, same[0])):
            continue
        kept.append(t)
    return kept


def _with_headline(ctx: _Context, found: list[FoundTarget]) -> list[FoundTarget]:
    """Add the headline's restatement of a target the body sets.

    A news headline ("内蒙古重点打造37个工业集中区") carries no year or cue of its own; it is a
    target when the body sets the same quantity (value and unit), and a reviewer sees both.
    """
    end = ctx.norm.find("\n")
    if end <= 0 or end > 60 or "。" in ctx.norm[:end]:
        return found
    taken = {t.start for t in found}
    added = []
    for q in scan_quantities(ctx.text[:end]):
        if q.start in taken or q.kind == "scale":
            continue
        head = ctx.norm[q.end : min(q.end + 2, end)]  # what the headline counts: "工业…"
        # (a headline ending on the number names it before: "2016年整车产销300万辆")
        heads = [head] if len(head) == 2 else []
        if not ctx.norm[q.end : end].strip():
            before = ctx.norm[max(0, q.start - 4) : q.start]
            heads = [before[i : i + 2] for i in range(len(before) - 1)]
        body = next(
            (
                t
                for t in found
                if t.start > end
                and t.value == _clean_number(q.value)
                and t.unit == q.unit
                and any(re.fullmatch(r"[\u4e00-\u9fff]{2}", h) and h in t.indicator for h in heads)
            ),
            None,
        )
        if body is not None:
            added.append(
                replace(body, quote=_clean_quote(ctx.text, 0, end), start=q.start, action=None)
            )
    return sorted(found + added, key=lambda t: t.start) if added else found
