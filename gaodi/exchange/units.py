"""Units a spreadsheet header or a target row may name, and exact conversion between units of
the same kind (万元 ↔ 亿元, 千克 ↔ 吨, 亩 ↔ 公顷, % ↔ a 0–1 fraction …).

A unit is known by its kind and its size in the kind's base unit, as an exact decimal, so that
1.5 亿元 becomes exactly 15,000 万元. Compound units ("吨标准煤/万元") convert when both parts do.
Anything not listed here is not a unit Gaodi knows: callers refuse it rather than guess.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

#: unit -> (kind, size in the kind's base unit), exact (亩 is 2000/3 m², not a finite decimal)
_UNITS: dict[str, tuple[str, Fraction]] = {}


def _add(kind: str, **sizes: str) -> None:
    for name, size in sizes.items():
        _UNITS[name] = (kind, Fraction(Decimal(size)) if "/" not in size else Fraction(size))


_add("money", 元="1", 千元="1e3", 万元="1e4", 百万元="1e6", 千万元="1e7", 亿元="1e8")
_add("money", 千亿元="1e11", 万亿元="1e12")
# a bare 亿 in a header is 亿元 as staff write it ("利润总额（亿）"); a bare 万 is not listed: it
# is as often 万人 or 万吨 as 万元, and a guess would convert by the wrong kind
_add("money", 亿="1e8")
_add("mass", 克="1e-3", 千克="1", 公斤="1", 吨="1e3", 万吨="1e7", 亿吨="1e11")
_add("coal", 千克标准煤="1", 公斤标准煤="1", 吨标准煤="1e3", 万吨标准煤="1e7")
_add("coal", 千克标煤="1", 吨标煤="1e3", 万吨标煤="1e7")
_add("area", 平方米="1", 亩="2000/3", 公顷="1e4", 平方公里="1e6", 万平方米="1e4")
_add("electricity", 千瓦时="1", 度="1", 兆瓦时="1e3", 万千瓦时="1e4", 亿千瓦时="1e8")
_add("electricity", 吉瓦时="1e6")
_add("people", 人="1", 万人="1e4")
_add("share", **{"0-1": "1", "%": "0.01", "百分比": "0.01", "‰": "0.001"})


def normalise_unit(text: str) -> str:
    """NFKC, no spaces, dashes and tildes as "-", and no currency name: "（0–1）" and "0-1" are
    one unit, and so are "亿元人民币", "人民币亿元" and "亿元".

    >>> normalise_unit("亿元人民币"), normalise_unit("人民币 元"), normalise_unit("RMB万元")
    ('亿元', '元', '万元')
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"[\s]+", "", folded)
    bare = re.sub(r"人民币|RMB", "", folded, flags=re.IGNORECASE)
    return re.sub(r"[–—~～至]", "-", bare or folded)


def _lookup(unit: str) -> tuple[str, Fraction] | None:
    norm = normalise_unit(unit)
    if norm in _UNITS:
        return _UNITS[norm]
    if "/" in norm:
        top, _, bottom = norm.partition("/")
        a, b = _UNITS.get(top), _UNITS.get(bottom)
        if a and b:
            return f"{a[0]}/{b[0]}", a[1] / b[1]
    return None


def is_known(unit: str) -> bool:
    return _lookup(unit) is not None


def same_unit(a: str, b: str) -> bool:
    return normalise_unit(a) == normalise_unit(b)


def factor(source: str, target: str) -> Fraction | None:
    """How many ``target`` units one ``source`` unit is; None when they are not of one kind
    (or either is unknown). ``factor("亿元", "万元") == 10000``."""
    if same_unit(source, target):
        return Fraction(1)
    a, b = _lookup(source), _lookup(target)
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]


def convert(value: float, by: Fraction) -> float:
    """``value`` times ``by``, exactly from the number as written (its shortest decimal form),
    rounded once to the nearest float: 1.5 亿元 is 15000.0 万元, 45 % is 0.45."""
    if by == 1:
        return value
    return float(Fraction(Decimal(repr(float(value)))) * by)


def show_factor(by: Fraction) -> str:
    """A factor in words a user checks by eye: ×10,000, ÷100 or ×2/3."""
    if by.denominator == 1:
        return f"×{by.numerator:,}"
    if by.numerator == 1:
        return f"÷{by.denominator:,}"
    return f"×{by.numerator:,}/{by.denominator:,}"
