"""The spans the target rules read: the clause or sentence around a position, quotes.

Part of :mod:`gaodi.text.targets`. A clause ends at ``_CLAUSE_DELIMS``, a sentence at
``_SENTENCE_DELIMS`` (:mod:`gaodi.text.target_cues`); a comma or colon between digits is part of
a number, and an AI digest of news ends its points with citation marks and bullets.
"""

from __future__ import annotations

import bisect
import functools
import re


def _bounds(text: str, pos: int, delims: frozenset[str]) -> tuple[int, int]:
    """The stretch of ``text`` around ``pos`` between two delimiters (not including them)."""
    stops = _delimiters(text, delims)
    k = bisect.bisect_left(stops, pos)
    a = stops[k - 1] + 1 if k > 0 else 0
    b = stops[k] if k < len(stops) else len(text)
    return a, b


@functools.lru_cache(maxsize=16)
def _delimiters(text: str, delims: frozenset[str]) -> list[int]:
    # found once per text: every rule asks for the clause or sentence around a position
    stops = [i for i, c in enumerate(text) if c in delims and _is_delim(text, i, delims)]
    if "。" not in delims and "，" not in delims:
        return stops
    # an AI digest of news ("…奠定基础 [1] 产业发展与目标 - 将…") ends its points with
    # citation marks and bullets, and puts a space where a comma would be
    extra = [i for m in _CITATION.finditer(text) for i in (m.start(), m.end() - 1)]
    extra += [m.start() for m in _BULLET.finditer(text)]
    if "，" in delims and _is_digest(text):
        extra += [m.start() for m in _SPACE_COMMA.finditer(text)]
    return sorted(set(stops).union(extra)) if extra else stops


def _is_digest(text: str) -> bool:
    """Whether ``text`` is an AI digest of news, its points closed by citation marks ("[1]")."""
    return len(_CITATION.findall(text)) >= 4


_CITATION = re.compile(r"\[\d{1,2}\]")
_BULLET = re.compile(r"(?<=[\u4e00-\u9fff\]] )-(?= [\u4e00-\u9fff])")
_SPACE_COMMA = re.compile(r"(?<=[\u4e00-\u9fff”])[ \u3000](?=[\u4e00-\u9fff“])")


def _is_delim(text: str, i: int, delims: frozenset[str]) -> bool:
    c = text[i]
    if c not in delims:
        return False
    # "1,200" and "1.5" are numbers, "2:1" a ratio
    return not (
        c in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
    )


def _clean_quote(text: str, a: int, b: int) -> str:
    quote = text[a:b].strip(" \t\u3000—-")
    return quote


def _inside(text: str, pos: int, opening: str, closing: str, reach: int) -> bool:
    """Whether ``pos`` lies inside a bracket pair that closes within ``reach`` characters."""
    o = text.rfind(opening, max(0, pos - reach), pos)
    if o < 0 or text.find(closing, o, pos) >= 0:
        return False
    c = text.find(closing, pos, pos + reach)
    return c >= 0


def _compact(s: str) -> str:
    """Drop white space that splits Chinese words in flattened web text ("最 高" -> "最高")."""
    return re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+(?=[^\x00-\x7f])", "", s)


def _surface(text: str, norm: str, phrase: str) -> str:
    """The phrase as written in the original text (full-width forms kept)."""
    i = norm.find(phrase)
    return text[i : i + len(phrase)] if i >= 0 else phrase


def _clean_number(x: float) -> float:
    return int(x) if float(x).is_integer() else x
