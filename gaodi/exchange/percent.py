"""Percentages and fractions as office staff type them, and the hints when one was typed for
the other.

* A 0–1 column refuses 45 and asks whether 45 % was meant (:func:`share_problems`).
* Under a "（%）" header, "45%" typed as text and 0.45 in a percent-formatted cell are 45; a
  percentage in a column not in % is refused naming the cell (:func:`percent_cells`).
* An indicator in % whose values are 17–50 gets a warning for a value of 0.6: a ratio typed
  for a percentage (:func:`ratio_for_percent`; the import handlers find the values).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from gaodi.exchange.reader import PercentCell
from gaodi.exchange.schema import Column
from gaodi.exchange.units import convert, factor, is_known, same_unit


def share_problems(col: Column, raw: list[Any]) -> dict[int, tuple[str, str, str]]:
    """Numbers above a 0–1 column's maximum, with the likely reason: a percentage typed as 45
    where the column wants the fraction 0.45 (stored as 45.0 it reads as 4,500 %)."""
    out: dict[int, tuple[str, str, str]] = {}
    if col.max_value is None or not col.unit or not same_unit(col.unit, "0-1"):
        return out
    for i, v in enumerate(raw):
        if isinstance(v, bool):
            continue
        try:
            n = float(unicodedata.normalize("NFKC", v).strip()) if isinstance(v, str) else v
        except ValueError:
            continue
        # from 2 up a fraction column's number is a percentage typed as such; just above 1 it
        # may as well be a slip, and the plain range message says enough
        if not isinstance(n, (int, float)) or not n > col.max_value or n < 2:
            continue
        shown = f"{n:g}"
        out[i] = (
            f"{col.zh}应为 0 至 {col.max_value:g} 之间的小数（0.45 表示 45%），{shown} 超出范围；"
            f"{shown} 是否为 {shown}%？如是，请填 {n / 100:g}，或把表头写成“{col.zh}（%）”。",
            f"{col.en} is a fraction from 0 to {col.max_value:g} (0.45 means 45%); {shown} is out "
            f"of range. If it means {shown}%, enter {n / 100:g}, or head the column "
            f"'{col.zh}（%）'.",
            shown,
        )
    return out


def _figure(value: float) -> str:
    """A number as typed: 0.6, 17, 62.5 (never 6e-01)."""
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def ratio_for_percent(
    label: tuple[str, str], value: float | None, reference: Iterable[float]
) -> tuple[str, str] | None:
    """A warning (zh, en) for a value of an indicator in % that looks like a 0–1 ratio: 0.6
    where the indicator's values are 17–50 is almost certainly 60 % typed as a fraction.

    The converse of :func:`share_problems` (45 in a 0–1 column), which can refuse because the
    column's unit is certain; here the value may be right (a share that fell below 1 %), so
    the import says so and goes on. ``reference``: the indicator's other values; the hint is
    given only when there are some and all of them are above 1.

    >>> ratio_for_percent(("目标", "target"), 0.6, [17, 50, 23.5])[0]
    '目标 0.6（%）远小于已有数值 17–50，是否应为 60？'
    >>> ratio_for_percent(("目标", "target"), 1, [17])[1]
    'target 1 (%) is far below the values already known (17); should it be 100?'
    >>> ratio_for_percent(("目标", "target"), 0.6, [17, 0.8]) is None
    True
    """
    others = list(reference)
    if value is None or not 0 < value <= 1 or not others or min(others) <= 1:
        return None
    low, high = _figure(min(others)), _figure(max(others))
    span = low if low == high else f"{low}–{high}"
    meant = _figure(convert(value, Fraction(100)))
    shown = _figure(value)
    return (
        f"{label[0]} {shown}（%）远小于已有数值 {span}，是否应为 {meant}？",
        f"{label[1]} {shown} (%) is far below the values already known ({span}); should it be "
        f"{meant}?",
    )


#: a percentage typed as text: "45%", "45 %", "45％" (full-width, folded by NFKC), "-3.5%"
_PERCENT_TEXT = re.compile(r"^([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))\s*%$")


def percent_unit(col: Column, header_unit: str | None, known: bool) -> str | None:
    """The unit a column's numbers are in, when it is % (or 百分比): the header's, else the
    template's (``known``: the template's unit is one Gaodi converts). A header "数值（%）"
    over a column in its indicator's unit counts too: whoever wrote it says the numbers are
    percentages."""
    if col.type not in ("float", "int"):
        return None
    found = header_unit or (col.unit if known else None)
    return found if found is not None and factor(found, "%") == 1 else None


def percent_cells(
    raw: list[Any],
    col: Column,
    header: str,
    percent_unit: str | None,
    letter: str,
    rows: Sequence[int],
) -> tuple[list[Any], dict[int, tuple[str, str, str]]]:
    """The column's cells with percentages read as the numbers they are, and the refused ones.

    Under a % header a cell typed "45%" is 45, and a cell Excel shows as 45% (the number 0.45
    in a percent format) is 45 too: both were refused as "not a number" or stored 100 times
    too small. A percentage in a column not in % is refused naming the cell: 45% of 万元, or of
    a 0–1 fraction column, is a guess the importer does not make.
    """
    out = list(raw)
    refused: dict[int, tuple[str, str, str]] = {}
    if col.type not in ("float", "int"):
        return out, refused
    for i, v in enumerate(raw):
        if isinstance(v, PercentCell):
            # 0.45 shown as 45%: under a % header the user means the 45 they see; elsewhere
            # the number itself (a 0–1 column's 0.45 is the 45% it shows)
            out[i] = convert(float(v), Fraction(100)) if percent_unit else float(v)
            continue
        if not isinstance(v, str):
            continue
        text = unicodedata.normalize("NFKC", v).strip()
        match = _PERCENT_TEXT.match(text)
        if match is None:
            continue
        if percent_unit:
            out[i] = match.group(1)
            continue
        ref = f"{letter}{rows[i]}"
        zh, en = _not_percent(col, header, text, match.group(1))
        refused[i] = (
            f"单元格 {ref} 的“{text}”带百分号，但列“{header}”不以 % 计{zh}",
            f"Cell {ref} holds '{text}', a percentage, but column '{header}' is not in %{en}",
            text,
        )
    return out, refused


def _not_percent(col: Column, header: str, text: str, number: str) -> tuple[str, str]:
    """The rest of a percentage's refusal: the column's unit, and what to write instead."""
    known = bool(col.unit) and is_known(col.unit or "")
    if known and same_unit(col.unit or "", "0-1"):
        try:
            fraction = f"{convert(float(number.replace(',', '')), Fraction(1, 100)):g}"
        except ValueError:
            fraction = "0.45"
        return (
            f"（是 0 至 1 的小数）；请填 {fraction}，或把表头写成“{col.zh}（%）”。",
            f" (it is a fraction from 0 to 1); enter {fraction}, or head the column "
            f"'{col.zh}（%）'.",
        )
    if known:
        return (
            f"（单位：{col.unit}）；请按{col.unit}填写数字，不带 %。",
            f" (it is in {col.unit}); enter a number in {col.unit}, without %.",
        )
    return (
        f"；请只填数字 {number}，并把表头写成“{col.zh}（%）”。",
        f"; enter the number {number} alone and head the column '{col.zh}（%）'.",
    )
