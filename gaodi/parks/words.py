"""English words for the Chinese units and terms the 亩均 rule files' English notes carry.

The rule files' English notes were written for maintainers reading the Chinese sources: "money
in 万元", "at least 3 亩 of land", "温岭's 2022 shares for 规上 firms". An English page, workbook
or report shows them to readers who need the units in words (10k yuan, mu, above-scale), as its
headers already say them (:func:`gaodi.core.units.unit_words`). Place names stay as written
(they are names), and so does anything inside a quotation ("…"), which quotes a source, and a
term written into a Chinese phrase (规上企业), which is part of that phrase.

>>> english_terms("money in 万元; 万元/亩, 万元/吨标准煤")
'money in 10k yuan; 10k yuan/mu, 10k yuan/tce'
>>> english_terms("at least 3 亩 of land (规上 and 规下 ranked separately)")
'at least 3 mu of land (above-scale and below-scale ranked separately)'
>>> english_terms("by 规上/规下; its groups 规上/规下工业企业")
'by above-scale/below-scale; its groups 规上/规下工业企业'
>>> english_terms('温岭\\'s shares ("B类规上企业 … 前20%") for 规上 firms')
'温岭\\'s shares ("B类规上企业 … 前20%") for above-scale firms'
"""

from __future__ import annotations

import re

from gaodi.core.units import UNIT_EN

__all__ = ["english_terms"]

#: the terms besides units the notes use
TERMS_EN = {
    "规上": "above-scale",
    "规下": "below-scale",
    "规上/规下": "above-scale/below-scale",
}
_WORDS = {**UNIT_EN, **TERMS_EN}
_CJK = "\u3400-\u9fff"
#: a term standing on its own in English text: no Chinese character (or one after a slash) right
#: before or after it (longest first, so 万元/亩 is one unit and not 万元 then 亩)
_TERM = re.compile(
    rf"(?<![{_CJK}])(?<![{_CJK}]/)("
    + "|".join(
        re.escape(k) for k in sorted(_WORDS, key=len, reverse=True) if re.search(f"[{_CJK}]", k)
    )
    + rf")(?!/?[{_CJK}])"
)
_QUOTED = re.compile(r'("[^"]*"|“[^”]*”)')


def english_terms(text: str) -> str:
    """``text`` (English) with its stand-alone Chinese units and terms in English words."""
    parts = _QUOTED.split(text)
    return "".join(
        part if i % 2 else _TERM.sub(lambda m: _WORDS[m.group(1)], part)
        for i, part in enumerate(parts)
    )
