"""Pinyin glosses that some reposting sites put after characters ("產(chǎn)業(yè)", "達(dá)到").

A gloss sits inside a word and breaks every cue written across it ("达(dá)到" is no "达到"), so the
text is read without them; what the reader is shown (quotes, action texts) is cut from the text as
written, through the map from each kept character back to its place.
"""

from __future__ import annotations

import re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# a lower-case syllable with a tone mark, in ASCII or full-width brackets, right after a character
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")


def strip_glosses(text: str) -> tuple[str, list[int]]:
    """``text`` without its pinyin glosses, and for each character kept (plus the end) its
    position in ``text``.

    >>> plain, back = strip_glosses("產(chǎn)業(yè)規模達(dá)到1萬億元(GDP)")
    >>> plain
    '產業規模達到1萬億元(GDP)'
    >>> back[:4]
    [0, 7, 12, 13]
    """
    keep: list[int] = []
    last = 0
    for m in _GLOSS.finditer(text):
        keep.extend(range(last, m.start()))
        last = m.end()
    keep.extend(range(last, len(text)))
    return "".join(text[i] for i in keep), [*keep, len(text)]


def has_glosses(text: str) -> bool:
    return _GLOSS.search(text) is not None


def as_written(text: str, back: list[int], start: int, end: int) -> str:
    """The stretch of ``text`` (as written) that ``plain[start:end]`` was read from.

    >>> text = "達(dá)到1萬億元"
    >>> plain, back = strip_glosses(text)
    >>> as_written(text, back, 0, len(plain))
    '達(dá)到1萬億元'
    """
    if end <= start:
        return ""
    return text[back[start] : back[end - 1] + 1]


def quote_as_written(text: str, plain: str, back: list[int], quote: str, near: int) -> str:
    """``quote``, cut from ``plain`` around position ``near``, as it stands in ``text``."""
    spans = []
    i = plain.find(quote)
    while i >= 0:
        spans.append(i)
        i = plain.find(quote, i + 1)
    if not spans:
        return quote
    at = min(spans, key=lambda k: 0 if k <= near < k + len(quote) else abs(k - near) + 1)
    return as_written(text, back, at, at + len(quote))
