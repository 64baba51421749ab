"""Cell values: parsing what users type (import) and formatting what Gaodi writes (export).

Parsing works a column at a time (:func:`convert_column`): a fast path for the common case (a
number cell in a number column, an 18-character code in a USCC column checked with numpy) and a
careful path for the rest, which names each bad cell's problem in Chinese and English.

Formatting is its inverse: :func:`to_cell` (xlsx) and :func:`to_text` (CSV) write the value so
that reading it back gives the same value (floats in their shortest exact form, codes as text,
code lists by their Chinese label).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gaodi.core.codes import USCC_CHARSET, USCC_WEIGHTS, normalize_uscc, validate_uscc
from gaodi.core.errors import ValidationError
from gaodi.core.periods import parse_period
from gaodi.core.reference import industry_lookup, validate_industry_code, validate_region_code
from gaodi.core.text_safety import INVISIBLE_MESSAGE, find_illegal, has_visible, illegal_message
from gaodi.exchange.schema import (
    CHOICES,
    LABELLED_REFS,
    Column,
    choice_label,
    choice_lookup,
    unlabel,
)

#: (row index in the column, reason zh, reason en)
Problem = tuple[int, str, str]

LIST_SEPARATORS = re.compile(r"[、;；,，|\n\r]+")
LIST_JOIN = "、"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_PERIOD_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_PERIOD_QUARTER_RE = re.compile(r"^(\d{4})\s*(?:-|年)?\s*(?:Q|第)\s*([1-4一二三四])\s*(?:季度?)?$")
_ZH_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4"}
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_text(value: float) -> str:
    """A number as the text a user would have typed (2019.0 -> '2019')."""
    return str(int(value)) if value.is_integer() else repr(value)


# ---------------------------------------------------------------------------------------------
# One cell at a time (the careful path). Each returns the value or raises _Bad.
# ---------------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en


def _refuse_controls(text: str) -> str:
    """``text``, or the cell's problem when it holds a control character (XML forbids most of
    them, so the row could never be exported or reported; the person who typed it can see and
    fix the cell, which a silent deletion would hide)."""
    char = find_illegal(text)
    if char is not None:
        raise _Bad(*illegal_message(char))
    return text


def _text(value: Any, col: Column) -> str:
    if isinstance(value, bool):
        out = "是" if value else "否"
    elif isinstance(value, float):
        out = _number_text(value)
    elif isinstance(value, dt.datetime):
        out = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    elif isinstance(value, dt.date):
        out = value.isoformat()
    else:
        out = _refuse_controls(str(value).strip())
        if col.required and not has_visible(out):
            # strip() keeps "\u200b": a required name made only of it showed as nothing
            raise _Bad(INVISIBLE_MESSAGE[0] + "。", "The text " + INVISIBLE_MESSAGE[1] + ".")
    if col.max_length is not None and len(out) > col.max_length:
        raise _Bad(
            f"文本过长：{len(out):,} 个字符，最多 {col.max_length:,} 个。",
            f"Text too long: {len(out):,} characters, at most {col.max_length:,}.",
        )
    return out


def _parse_number(value: Any) -> float:
    if isinstance(value, bool):
        raise _Bad("应为数字，而不是是/否。", "Expected a number, not a yes/no value.")
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        raise _Bad("应为数字，而不是日期。", "Expected a number, not a date.")
    else:
        text = _fold(str(value)).replace(" ", "")
        text = _THOUSANDS.sub("", text)
        try:
            out = float(text)
        except ValueError:
            raise _Bad(f"“{value}”不是数字。", f"'{value}' is not a number.") from None
    if not math.isfinite(out):
        raise _Bad("数值无效（无穷大或非数）。", "Not a finite number.")
    return out


def _range(out: float, col: Column) -> None:
    if col.min_value is not None and out < col.min_value:
        raise _Bad(
            f"数值 {_show(out)} 小于允许的最小值 {_show(col.min_value)}。",
            f"Value {_show(out)} is below the minimum {_show(col.min_value)}.",
        )
    if col.max_value is not None and out > col.max_value:
        raise _Bad(
            f"数值 {_show(out)} 大于允许的最大值 {_show(col.max_value)}。",
            f"Value {_show(out)} is above the maximum {_show(col.max_value)}.",
        )


def _float(value: Any, col: Column) -> float:
    out = _parse_number(value)
    _range(out, col)
    return out


_INT64 = 2**63 - 1


def _int(value: Any, col: Column) -> int:
    out = _parse_number(value)
    if not out.is_integer():
        raise _Bad(
            f"应为整数，实际为 {_show(out)}。", f"Expected a whole number, got {_show(out)}."
        )
    _range(out, col)
    if abs(out) > _INT64:  # the databases keep integers in 64 bits
        raise _Bad(
            f"数值 {_show(out)} 过大，超出整数的存储范围。",
            f"Value {_show(out)} is too large to store as a whole number.",
        )
    return int(out)


def _date(value: Any, col: Column) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _Bad("应为日期。", "Expected a date.")
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            text = str(int(number))
            return _date(f"{text[:4]}-{text[4:6]}-{text[6:]}", col)
        if number.is_integer() and 1 <= number < 2958466:  # an Excel serial date
            return _EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise _Bad(f"“{_show(number)}”不是日期。", f"'{_show(number)}' is not a date.")
    text = _fold(str(value))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    text = re.sub(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "", text)
    match = _DATE_RE.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise _Bad(
        f"“{value}”不是有效日期；请写作 2015-06-30。",
        f"'{value}' is not a valid date; write it as 2015-06-30.",
    )


def _choice(value: Any, col: Column, lookup: dict[str, str]) -> str:
    name = col.choice_name or ""
    text = _show(value) if isinstance(value, float) else str(value)
    if isinstance(value, bool) and name == "bool":
        return "true" if value else "false"
    code = lookup.get(re.sub(r"[\s*＊]+", "", unicodedata.normalize("NFKC", text).casefold()))
    if code is None:
        labels = "、".join(c.zh for c in CHOICES[name])
        codes = ", ".join(c.code for c in CHOICES[name])
        raise _Bad(
            f"“{text}”不是允许的值；可选：{labels}。",
            f"'{text}' is not an allowed value; allowed: {codes}.",
        )
    return code


def _bool(value: Any, col: Column, lookup: dict[str, str]) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    try:
        return _choice(value, col, lookup) == "true"
    except _Bad:
        raise _Bad(
            f"“{_show(value)}”不是是/否；可填：是、否、Y、N、TRUE、FALSE。",
            f"'{_show(value)}' is not yes/no; use 是, 否, Y, N, TRUE or FALSE.",
        ) from None


def _list(value: Any, col: Column) -> list[str]:
    text = _number_text(value) if isinstance(value, float) else _refuse_controls(str(value))
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]


def _period(value: Any, col: Column) -> str:
    if isinstance(value, dt.datetime | dt.date):  # Excel turned "2023-06" into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, bool):
        raise _Bad("应为期间。", "Expected a period.")
    if isinstance(value, (int, float)):
        if not float(value).is_integer():
            raise _Bad(
                f"期间“{value}”被当作数字输入；请将单元格设为文本并写作 2023-06 或 2023-Q2。",
                f"Period '{value}' was typed as a number; format the cell as text and write "
                "2023-06 or 2023-Q2.",
            )
        text = str(int(value))
    else:
        text = _fold(str(value)).upper().replace(" ", "")
        if text.endswith("年") and text[:-1].isdigit():
            text = text[:-1]
        month = _PERIOD_MONTH_RE.match(text)
        quarter = _PERIOD_QUARTER_RE.match(text)
        if month:
            text = f"{month.group(1)}-{int(month.group(2)):02d}"
        elif quarter:
            text = f"{quarter.group(1)}-Q{_ZH_DIGIT.get(quarter.group(2), quarter.group(2))}"
    try:
        return str(parse_period(text))
    except ValidationError:
        raise _Bad(
            f"无法识别的期间“{_show(value)}”：应为 YYYY、YYYY-Qn 或 YYYY-MM（如 2023、2023-Q2、"
            "2023-06）。",
            f"Unrecognised period '{_show(value)}': expected YYYY, YYYY-Qn or YYYY-MM (e.g. 2023, "
            "2023-Q2, 2023-06).",
        ) from None


def _month(value: Any, col: Column) -> str:
    period = _period(value, col)
    if len(period) != 7 or "Q" in period:
        raise _Bad(
            f"期间“{period}”应为月份（YYYY-MM），如 2023-06。",
            f"Period '{period}' must be a month (YYYY-MM), e.g. 2023-06.",
        )
    return period


def _code_text(value: Any) -> str:
    if isinstance(value, float):
        return _number_text(value)
    return _fold(str(value)).replace(" ", "")


def _region(value: Any, col: Column) -> str:
    try:
        return validate_region_code(_code_text(value)).code
    except ValidationError as err:
        raise _Bad(err.zh, err.en) from None


def _industry(value: Any, col: Column) -> str:
    text = _code_text(value)
    if isinstance(value, float) and text.isdigit() and len(text) < 4:
        padded = text.zfill(len(text) + 1)
        if industry_lookup(padded) is not None and industry_lookup(text) is not None:
            raise _Bad(
                f"数字 {text} 有歧义：可能是“{text}”，也可能是开头的 0 被 Excel 去掉的“{padded}”。"
                "请把该列设为文本格式后重新输入。",
                f"The number {text} is ambiguous: '{text}' or '{padded}' with its leading 0 "
                "dropped by Excel. Format the column as text and type the code again.",
            )
    try:
        return validate_industry_code(text).code
    except ValidationError as err:
        hint_zh = hint_en = ""
        if isinstance(value, float) and text.isdigit():
            padded = text.zfill(len(text) + 1)
            if industry_lookup(padded) is not None:
                hint_zh = f"是否为“{padded}”？请把该列设为文本格式，以保留开头的 0。"
                hint_en = f" Did you mean '{padded}'? Format the column as text to keep the 0."
        raise _Bad(err.zh + hint_zh, err.en + hint_en) from None


def _industries(value: Any, col: Column) -> list[str]:
    out: list[str] = []
    bad: list[str] = []
    for item in _list(value, col):
        row = industry_lookup(item)
        if row is None:
            bad.append(item)
        else:
            out.append(row.code)
    if bad:
        joined = "、".join(bad)
        raise _Bad(
            f"行业代码 {joined} 不在《国民经济行业分类》（GB/T 4754-2017）中。",
            f"Industry code(s) {', '.join(bad)} are not in GB/T 4754-2017.",
        )
    return out


def _uscc(value: Any, col: Column) -> str:
    try:
        return validate_uscc(_code_text(value) if isinstance(value, float) else value).code
    except ValidationError as err:
        raise _Bad(err.zh, err.en) from None


_PARSERS = {
    "text": _text,
    "int": _int,
    "float": _float,
    "date": _date,
    "list": _list,
    "period": _period,
    "month": _month,
    "region": _region,
    "industry": _industry,
    "industries": _industries,
    "uscc": _uscc,
}


# ---------------------------------------------------------------------------------------------
# A column at a time
# ---------------------------------------------------------------------------------------------

_USCC_LUT = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_CHARSET):
    _USCC_LUT[ord(_c)] = _i
_USCC_W = np.array(USCC_WEIGHTS, dtype=np.int64)


def _uscc_fast(values: Sequence[Any]) -> list[Any] | None:
    """USCCs checked with numpy; returns codes (None where the careful path must look)."""
    codes: list[Any] = []
    for v in values:
        if isinstance(v, str):
            s = v.strip()
            if len(s) != 18 or not s.isascii():
                s = normalize_uscc(v)
            codes.append(s.upper() if len(s) == 18 and s.isascii() else None)
        else:
            codes.append(None)
    idx = [i for i, c in enumerate(codes) if c is not None]
    if not idx:
        return codes
    raw = np.frombuffer("".join(codes[i] for i in idx).encode("ascii"), dtype=np.uint8)
    vals = _USCC_LUT[raw.reshape(-1, 18)]
    total = (vals[:, :17] * _USCC_W).sum(axis=1)
    check = 31 - total % 31
    check[check == 31] = 0
    ok = (vals >= 0).all(axis=1) & (vals[:, 17] == check)
    for k in np.flatnonzero(~ok):
        codes[idx[k]] = None
    return codes


def convert_column(col: Column, values: Sequence[Any]) -> tuple[list[Any], list[Problem]]:
    """Typed values of one column (None for a blank cell) and the problems of the bad cells."""
    out: list[Any] = [None] * len(values)
    problems: list[Problem] = []
    kind = col.type
    parse: Callable[[Any, Column], Any]
    if kind in ("choice", "bool"):
        lookup = choice_lookup(col.choice_name or "")

        def by_lookup(v: Any, c: Column) -> Any:
            return _bool(v, c, lookup) if kind == "bool" else _choice(v, c, lookup)

        parse = by_lookup

    else:
        parse = _PARSERS[kind]
    if col.ref in LABELLED_REFS:  # the template's "code｜name" drop-down entries
        values = [unlabel(v) for v in values]
    fast: list[Any] | None = _uscc_fast(values) if kind == "uscc" else None
    for i, v in enumerate(values):
        if v is None or v == "":
            continue
        t = type(v)
        if kind == "float" and (t is float or t is int):
            f = float(v)
            if (
                math.isfinite(f)
                and (col.min_value is None or f >= col.min_value)
                and (col.max_value is None or f <= col.max_value)
            ):
                out[i] = f
                continue
        elif kind == "int" and t is float and v.is_integer() and abs(v) <= _INT64:
            if (col.min_value is None or v >= col.min_value) and (
                col.max_value is None or v <= col.max_value
            ):
                out[i] = int(v)
                continue
        elif (
            kind == "text"
            and t is str
            and col.max_length is None
            and find_illegal(v) is None
            and (not col.required or has_visible(v))
        ):
            s = v.strip()
            out[i] = s or None
            continue
        elif fast is not None and fast[i] is not None:
            out[i] = fast[i]
            continue
        if t is str and not v.strip():
            continue
        try:
            out[i] = parse(v, col)
        except _Bad as bad:
            problems.append((i, bad.zh, bad.en))
    return out, problems


# ---------------------------------------------------------------------------------------------
# Writing values
# ---------------------------------------------------------------------------------------------


def to_cell(col: Column, value: Any) -> Any:
    """The value written to an xlsx cell (None for an empty cell)."""
    if value is None:
        return None
    kind = col.type
    if kind == "bool":
        return choice_label("bool", "true" if value else "false")
    if kind == "choice":
        return choice_label(col.choices or "", value)
    if kind in ("list", "industries"):
        return LIST_JOIN.join(value) if value else None
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "date":
        return value
    return str(value)


def to_text(col: Column, value: Any) -> str:
    """The text written to a CSV cell."""
    cell = to_cell(col, value)
    if cell is None:
        return ""
    if isinstance(cell, float):
        return _number_text(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)
