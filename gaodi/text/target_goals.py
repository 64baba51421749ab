"""Qualitative goals: a verb and "一批/一个/若干 …" and its object ("培育一批…").

Part of :mod:`gaodi.text.targets`; goals in a baseline section or inside a document's name
(《…》) are not the text's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gaodi.text.target_context import _Context
from gaodi.text.target_cues import _CLAUSE_DELIMS, QUAL_VERBS
from gaodi.text.target_spans import _bounds, _clean_quote, _inside

_QUAL = re.compile(
    "(?P<verb>" + "|".join(QUAL_VERBS) + r")(?P<q>一大批|一批|一个|一支|一座|一套|一系列|若干)"
)
_QUAL_NEXT = re.compile(r"、(?:一大批|一批|一个|一支|一座|一套|一系列|若干)")


@dataclass(frozen=True)
class FoundGoal:
    verb: str
    object: str
    action: str | None
    quote: str
    start: int


def find_goals(ctx: _Context) -> list[FoundGoal]:
    """Qualitative goals: a verb and "一批/一个/若干 …" and its object ("培育一批…")."""
    s = ctx.norm
    out: list[FoundGoal] = []
    for m in _QUAL.finditer(s):
        if ctx.in_baseline_section(m.start()) or _inside(s, m.start(), "《", "》", 80):
            continue
        c0, c1 = _bounds(s, m.start(), _CLAUSE_DELIMS)
        verb = m.group("verb")
        pos = m.end()
        while True:
            nxt = _QUAL_NEXT.search(s, pos, c1)
            end = nxt.start() if nxt else c1
            obj = s[pos:end].strip()
            if obj:
                out.append(
                    FoundGoal(
                        verb,
                        ctx.text[pos : pos + len(obj)],
                        ctx.action_number(m.start()),
                        _clean_quote(ctx.text, c0, c1),
                        m.start(),
                    )
                )
            if nxt is None:
                break
            pos = nxt.end()
    return out
