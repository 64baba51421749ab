"""Table column widths fitted to their content, so a number never breaks across lines.

A word processor breaks a cell's text where the column is too narrow, even inside a number
("1,87" / "6"). The widths are therefore computed from the cells' text before the table is
written: every numeric or status cell must fit on one line, and so must every word that cannot
be broken — the longest Latin word of every header and of every text cell (a kind or stage
column's "strengthen", "started", "in progress": a word processor breaks a Latin word where the
column ends, "stren/gthen") and a Chinese header's term of up to four characters (规上企业,
上中下游: Chinese text may break between any two characters, a four-character term should
not); what is left of the 156 mm text block goes to the text columns in proportion to their
relative widths. When even these do not fit at the table's font size, the size steps down
(9 → 8 → 7.5 → 7 pt) rather than let a number wrap; when the words do not fit even at 7 pt, the
table is laid out for its numbers alone (as if no word needed a line of its own).

Widths are estimated from character classes, with the widths of the fonts the reports use
(CJK and full-width characters one em; digits, Latin letters and punctuation at most 0.6 em in
Noto Serif CJK, 仿宋 and Times), rounded up so a cell errs on the wide side.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

NUMERIC = ("int", "number", "percent", "yi")
NO_WRAP = (*NUMERIC, "status", "date")
SIZES_PT = (9.0, 8.0, 7.5, 7.0)
LATIN_EM = 0.6  # widest digit/Latin advance of the report fonts, in em
CELL_PADDING_MM = 2.0 + 1.0  # 1 mm cell margin each side, plus 1 mm so rounding never wraps
MIN_TEXT_MM = 10.0  # a text column narrower than this wraps every two characters
PT_MM = 25.4 / 72


def text_width_mm(text: str, size_pt: float) -> float:
    """The width of ``text`` on one line at ``size_pt``.

    >>> round(text_width_mm("1,876", 10), 2)  # 5 characters of 0.6 em at 10 pt
    10.58
    >>> round(text_width_mm("企业", 10), 2)  # two ems
    7.06
    """
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else LATIN_EM for ch in text)
    return ems * size_pt * PT_MM


#: A Chinese header's run of this many characters or fewer is a term kept on one line.
CJK_TERM = 4
_LATIN_WORD = re.compile(r"[A-Za-z0-9.,%()&/'’\-]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _longest_word(text: str) -> str:
    """The widest run of Latin letters, digits and their punctuation in ``text`` (what a word
    processor does not break).

    >>> _longest_word("in progress"), _longest_word("完成率 95.5%")
    ('progress', '95.5%')
    """
    words = _LATIN_WORD.findall(text)
    return max(words, key=lambda w: text_width_mm(w, 10)) if words else ""


def _header_term(text: str) -> str:
    """The widest Chinese term of a header that must stay on one line: a run of at most
    :data:`CJK_TERM` characters whole, a longer run its first :data:`CJK_TERM` (the column is
    at least that wide; the longer phrase may break).

    >>> _header_term("规上企业"), _header_term("R&D经费支出占比"), _header_term("Output")
    ('规上企业', '经费支出', '')
    """
    runs = [run[:CJK_TERM] for run in _CJK_RUN.findall(text)]
    return max(runs, key=len) if runs else ""


def _words(header: str, cells: Sequence[str]) -> list[str]:
    """What of a text column must fit on one line: the header's longest word and Chinese term,
    and each cell's longest Latin word."""
    return [_longest_word(header), _header_term(header), *(_longest_word(c) for c in cells)]


@dataclass(frozen=True)
class Fit:
    widths_mm: list[float]
    size_pt: float


def fit_columns(
    headers: Sequence[str],
    fmts: Sequence[str],
    weights: Sequence[float],
    cells: Sequence[Sequence[str]],
    total_mm: float,
) -> Fit:
    """Column widths (mm, summing to ``total_mm``) and the font size of a table.

    The number needs 12 × 0.6 em × 9 pt = 22.86 mm plus 3 mm of padding; its even share (20 mm)
    is too small, so it gets 25.86 mm and the name column the other 14.14 mm:

    >>> cells = [["甲", "1,234,567.89"]]
    >>> fit = fit_columns(["名称", "产值"], ["text", "number"], [1, 1], cells, 40)
    >>> [round(w, 2) for w in fit.widths_mm], fit.size_pt
    ([14.14, 25.86], 9.0)
    """
    n = len(headers)
    columns = [[row[i] for row in cells] for i in range(n)]
    # the texts each column must hold on one line: with its words, then (when those cannot
    # fit even at the smallest size) the numbers and the header's Latin word alone
    whole = [
        [*columns[i], *_words(headers[i], [])]
        if fmts[i] in NO_WRAP
        else _words(headers[i], columns[i])
        for i in range(n)
    ]
    bare = [
        [*columns[i], _longest_word(headers[i])]
        if fmts[i] in NO_WRAP
        else [_longest_word(headers[i])]
        for i in range(n)
    ]
    floors = [MIN_TEXT_MM if f not in NO_WRAP else 0.0 for f in fmts]
    for texts in (whole, bare):
        # a width is proportional to the size: measure each column's widest text once, at 1 pt
        widest = [
            max((text_width_mm(t, 1.0) for t in column if t), default=0.0) for column in texts
        ]
        for size in SIZES_PT:
            need = [max(floors[i], widest[i] * size + CELL_PADDING_MM) for i in range(n)]
            if sum(need) <= total_mm or (texts is bare and size == SIZES_PT[-1]):
                return Fit(_share(need, weights, total_mm), size)
    raise AssertionError("unreachable")  # pragma: no cover


def _share(need: list[float], weights: Sequence[float], total_mm: float) -> list[float]:
    """Give each column its share of ``total_mm`` by weight, but never less than it needs:
    columns whose share is too small get what they need, the rest is shared again."""
    n = len(need)
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        left = total_mm - sum(fixed.values())
        weight = sum(max(weights[i], 0.01) for i in free)
        share = {i: left * max(weights[i], 0.01) / weight for i in free} if free else {}
        short = [i for i in free if share[i] < need[i]]
        if not short:
            out = [fixed.get(i, share.get(i, 0.0)) for i in range(n)]
            break
        for i in short:
            fixed[i] = need[i]
        if len(fixed) == n:
            out = [fixed[i] for i in range(n)]
            break
    # when the needs alone exceed the block (only at the smallest size), scale to fit
    scale = total_mm / sum(out) if sum(out) > total_mm else 1.0
    return [w * scale for w in out]
