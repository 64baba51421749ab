"""Numbers of the tier criteria tables as a reader writes them (the words and units are in
templates/enterprises/_criteria.html).

Rule-file thresholds and computed figures are floats (0.03, 10000.0, a shortfall of
349.70000000000005); a page shows them with grouping, a fixed number of decimals at most and no
trailing zeros, never in e-notation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = ["plain_number"]


def plain_number(value: Any, places: int = 1, scale: int = 0) -> str:
    """``value`` × 10**``scale`` rounded half up to at most ``places`` decimals, with thousands
    grouping and no trailing zeros; a non-zero value that would round to 0 keeps two significant
    digits (a shortfall of 0.004 percentage points is not "0").

    ``scale`` moves the decimal point exactly (2 turns a fraction into a percentage, -2 turns
    万元 into million yuan), so no float noise is added on the way.

    >>> [plain_number(v) for v in (10000.0, 5000, 349.70000000000005, 1650.0, -0.0)]
    ['10,000', '5,000', '349.7', '1,650', '0']
    >>> plain_number(0.004175, 1, scale=2), plain_number(0.03, 1, scale=2)
    ('0.4', '3')
    >>> plain_number(2000, 3, scale=-2), plain_number(349.7, 3, scale=-2)
    ('20', '3.497')
    >>> plain_number(0.00004, 1, scale=2), plain_number(1e20, 0)
    ('0.004', '100,000,000,000,000,000,000')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    if not d.is_finite():
        return str(value)
    d = d.scaleb(scale)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == 0 and d != 0:
        # two significant digits of a small non-zero figure
        q = d.quantize(Decimal(1).scaleb(d.adjusted() - 1), rounding=ROUND_HALF_UP)
    if q == 0:
        return "0"
    text = f"{q:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
