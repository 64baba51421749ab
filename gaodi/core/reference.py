"""Reference code lists: GB/T 4754-2017 industries and GB/T 2260 administrative divisions.

Both lists ship inside the package (``gaodi/data/*.csv``, sources in ``gaodi/data/SOURCES.md``)
and are read once, on first use, through :mod:`importlib.resources`; every later call is a
dictionary look-up.

* Industries (国民经济行业分类, GB/T 4754-2017 as amended by its 2019 第1号修改单 as far as
  could be verified): 20 门类 ``section`` (a letter), 97 大类 ``division`` (2 digits),
  473 中类 ``group`` (3 digits), 1381 小类 ``class`` (4 digits).
* Regions (行政区划代码, GB/T 2260, six-digit codes as of 2023-06-30): 34 province-level
  units ``province`` (31 + 香港, 澳门, 台湾), 333 prefecture-level units ``prefecture`` and
  2845 county-level units ``county``.

Codes are strings: ``"0111"`` keeps its leading zero.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Generic, Literal, TypeVar

from gaodi.core.errors import ValidationError

IndustryLevel = Literal["section", "division", "group", "class"]
RegionLevel = Literal["province", "prefecture", "county"]

#: Which edition the shipped industry list follows (shown with results that use it).
INDUSTRY_STANDARD = "GB/T 4754-2017"
#: Date the shipped division codes describe.
REGIONS_AS_OF = "2023-06-30"

INDUSTRY_LEVELS: tuple[IndustryLevel, ...] = ("section", "division", "group", "class")
REGION_LEVELS: tuple[RegionLevel, ...] = ("province", "prefecture", "county")

#: Chinese names of the levels, for messages and labels.
LEVEL_ZH: dict[str, str] = {
    "section": "门类",
    "division": "大类",
    "group": "中类",
    "class": "小类",
    "province": "省级",
    "prefecture": "地级",
    "county": "县级",
}

#: 门类 C 制造业 covers 大类 13-43 (GB/T 4754-2017, 5 国民经济行业分类和代码表).
MANUFACTURING_SECTION = "C"

_INDUSTRY_FILE = "gbt4754_2017.csv"
_REGION_FILE = "regions_gbt2260.csv"
#: The four municipalities directly under the central government (直辖市).
_MUNICIPALITIES = ("110000", "120000", "310000", "500000")


@dataclass(frozen=True, slots=True)
class IndustryCodeRow:
    """One GB/T 4754-2017 category; ``parent`` is None for a section."""

    code: str
    name: str
    level: IndustryLevel
    parent: str | None


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One GB/T 2260 administrative division; ``parent`` is None for a province."""

    code: str
    name: str
    level: RegionLevel
    parent: str | None


RowT = TypeVar("RowT", IndustryCodeRow, RegionRow)


@dataclass(frozen=True)
class _Index(Generic[RowT]):
    rows: tuple[RowT, ...]
    by_code: dict[str, RowT]
    children: dict[str, tuple[RowT, ...]]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = files("gaodi.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _index(rows: tuple[RowT, ...]) -> _Index[RowT]:
    by_code = {r.code: r for r in rows}
    kids: dict[str, list[RowT]] = {}
    for r in rows:
        if r.parent is not None:
            kids.setdefault(r.parent, []).append(r)
    return _Index(rows, by_code, {k: tuple(v) for k, v in kids.items()})


@cache
def _industries() -> _Index[IndustryCodeRow]:
    rows = tuple(
        IndustryCodeRow(r["code"], r["name"], r["level"], r["parent"] or None)  # type: ignore[arg-type]
        for r in _read_csv(_INDUSTRY_FILE)
    )
    return _index(rows)


@cache
def _regions() -> _Index[RegionRow]:
    rows = tuple(
        RegionRow(r["code"], r["name"], r["level"], r["parent"] or None)  # type: ignore[arg-type]
        for r in _read_csv(_REGION_FILE)
    )
    return _index(rows)


def _clean(code: object, what_zh: str, what_en: str) -> str:
    if not isinstance(code, str):
        raise ValidationError(
            f"{what_zh}必须是文本（如“0111”），收到的是 {type(code).__name__}：{code!r}。",
            f"A {what_en} must be text (e.g. '0111'), got {type(code).__name__}: {code!r}.",
            value=code,
        )
    return code.strip().upper()


def _check_level(level: str | None, allowed: tuple[str, ...]) -> None:
    if level is not None and level not in allowed:
        raise ValidationError(
            f"层级“{level}”无效，应为 {'、'.join(allowed)} 之一。",
            f"Unknown level '{level}'; expected one of {', '.join(allowed)}.",
            value=level,
        )


# ---------------------------------------------------------------------------------------------
# Industries (GB/T 4754-2017)
# ---------------------------------------------------------------------------------------------


def industry_codes(level: IndustryLevel | None = None) -> list[IndustryCodeRow]:
    """All GB/T 4754-2017 categories in tree order, optionally only one level.

    Examples
    --------
    >>> [len(industry_codes(lv)) for lv in ("section", "division", "group", "class")]
    [20, 97, 473, 1381]
    >>> industry_codes("section")[2]
    IndustryCodeRow(code='C', name='制造业', level='section', parent=None)
    """
    _check_level(level, INDUSTRY_LEVELS)
    rows = _industries().rows
    return [r for r in rows if r.level == level] if level else list(rows)


def industry_lookup(code: str) -> IndustryCodeRow | None:
    """The category with this code, or None. Accepts a 门类 letter prefix (``"C3511"``).

    Examples
    --------
    >>> industry_lookup("3511").name
    '矿山机械制造'
    >>> industry_lookup("C36").name
    '汽车制造业'
    >>> industry_lookup("3518") is None
    True
    """
    if not isinstance(code, str):
        return None
    idx = _industries().by_code
    c = code.strip().upper()
    row = idx.get(c)
    if row is None and len(c) in (3, 4, 5) and c[0].isalpha() and c[1:].isdigit():
        # "C3511": accept the 门类 letter only when it is the code's own section.
        row = idx.get(c[1:])
        if row is not None and _section_of(row) != c[0]:
            row = None
    return row


def _section_of(row: IndustryCodeRow) -> str:
    idx = _industries().by_code
    while row.parent is not None:
        row = idx[row.parent]
    return row.code


def validate_industry_code(code: str, level: IndustryLevel | None = None) -> IndustryCodeRow:
    """The category for ``code``; raise ValidationError if it is unknown or of another level.

    Examples
    --------
    >>> validate_industry_code("2651", level="class").name
    '初级形态塑料及合成树脂制造'
    >>> validate_industry_code("35", level="class")
    Traceback (most recent call last):
    ...
    gaodi.core.errors.ValidationError: Industry code '35' is a division (大类), not a class (小类).
    """
    _check_level(level, INDUSTRY_LEVELS)
    c = _clean(code, "国民经济行业代码", "GB/T 4754 industry code")
    row = industry_lookup(c)
    if row is None:
        raise ValidationError(
            f"国民经济行业代码“{c}”不在《国民经济行业分类》（{INDUSTRY_STANDARD}）中。",
            f"Industry code '{c}' is not in {INDUSTRY_STANDARD}.",
            value=code,
        )
    if level is not None and row.level != level:
        raise ValidationError(
            f"行业代码“{c}”是{LEVEL_ZH[row.level]}，不是{LEVEL_ZH[level]}。",
            f"Industry code '{c}' is a {row.level} ({LEVEL_ZH[row.level]}), "
            f"not a {level} ({LEVEL_ZH[level]}).",
            value=code,
        )
    return row


def industry_ancestors(code: str) -> list[IndustryCodeRow]:
    """The categories above ``code``, from its section down to its direct parent.

    Raises ValidationError for an unknown code.

    Examples
    --------
    >>> [r.code for r in industry_ancestors("3511")]
    ['C', '35', '351']
    >>> industry_ancestors("A")
    []
    """
    row = validate_industry_code(code)
    idx = _industries().by_code
    chain: list[IndustryCodeRow] = []
    while row.parent is not None:
        row = idx[row.parent]
        chain.append(row)
    return chain[::-1]


def industry_children(code: str) -> list[IndustryCodeRow]:
    """The categories directly below ``code`` (empty for a 小类).

    Examples
    --------
    >>> [r.code for r in industry_children("36")]
    ['361', '362', '363', '364', '365', '366', '367']
    """
    row = validate_industry_code(code)
    return list(_industries().children.get(row.code, ()))


def industry_section(code: str) -> str:
    """The 门类 letter of ``code``.

    Examples
    --------
    >>> industry_section("0111"), industry_section("4411")
    ('A', 'D')
    """
    return _section_of(validate_industry_code(code))


def is_manufacturing(code: str) -> bool:
    """Whether ``code`` lies in 门类 C 制造业 (大类 13-43). Unknown codes raise.

    Examples
    --------
    >>> is_manufacturing("3670"), is_manufacturing("13"), is_manufacturing("4411")
    (True, True, False)
    """
    return industry_section(code) == MANUFACTURING_SECTION


# ---------------------------------------------------------------------------------------------
# Regions (GB/T 2260)
# ---------------------------------------------------------------------------------------------


def regions(level: RegionLevel | None = None) -> list[RegionRow]:
    """All administrative divisions, sorted by code, optionally only one level.

    Examples
    --------
    >>> [len(regions(lv)) for lv in ("province", "prefecture", "county")]
    [34, 333, 2845]
    """
    _check_level(level, REGION_LEVELS)
    rows = _regions().rows
    return [r for r in rows if r.level == level] if level else list(rows)


def region_lookup(code: str) -> RegionRow | None:
    """The division with this six-digit code, or None.

    Examples
    --------
    >>> region_lookup("430104")
    RegionRow(code='430104', name='岳麓区', level='county', parent='430100')
    >>> region_lookup("430199") is None
    True
    """
    if not isinstance(code, str):
        return None
    return _regions().by_code.get(code.strip())


def validate_region_code(code: str, level: RegionLevel | None = None) -> RegionRow:
    """The division for ``code``; raise ValidationError if it is unknown or of another level.

    Examples
    --------
    >>> validate_region_code("430100").name
    '长沙市'
    >>> try:
    ...     validate_region_code("430100", level="county")
    ... except ValidationError as err:
    ...     print(err.zh)
    行政区划代码“430100”（长沙市）是地级，不是县级。
    """
    _check_level(level, REGION_LEVELS)
    c = _clean(code, "行政区划代码", "GB/T 2260 region code")
    row = region_lookup(c)
    if row is None:
        raise ValidationError(
            f"行政区划代码“{c}”不在 GB/T 2260 行政区划代码表中（截至{REGIONS_AS_OF}）；"
            "代码为6位数字，如430100。",
            f"Region code '{c}' is not a GB/T 2260 division code (as of {REGIONS_AS_OF}); "
            "codes have six digits, e.g. 430100.",
            value=code,
        )
    if level is not None and row.level != level:
        raise ValidationError(
            f"行政区划代码“{c}”（{row.name}）是{LEVEL_ZH[row.level]}，不是{LEVEL_ZH[level]}。",
            f"Region code '{c}' ({row.name}) is {row.level}-level, not {level}-level.",
            value=code,
        )
    return row


def region_ancestors(code: str) -> list[RegionRow]:
    """The divisions above ``code``, from its province down to its direct parent.

    Examples
    --------
    >>> [r.name for r in region_ancestors("430181")]
    ['湖南省', '长沙市']
    """
    row = validate_region_code(code)
    idx = _regions().by_code
    chain: list[RegionRow] = []
    while row.parent is not None:
        row = idx[row.parent]
        chain.append(row)
    return chain[::-1]


def region_children(code: str) -> list[RegionRow]:
    """The divisions directly below ``code``.

    Examples
    --------
    >>> [r.name for r in region_children("430100")][:3]
    ['芙蓉区', '天心区', '岳麓区']
    """
    row = validate_region_code(code)
    return list(_regions().children.get(row.code, ()))


def prefecture_cities(include_municipalities: bool = True) -> list[RegionRow]:
    """City-level units for peer comparisons: the 333 prefecture-level divisions and, by
    default, the four 直辖市 (Beijing, Tianjin, Shanghai, Chongqing) which are province-level.

    Examples
    --------
    >>> len(prefecture_cities()), len(prefecture_cities(include_municipalities=False))
    (337, 333)
    """
    rows = regions("prefecture")
    if include_municipalities:
        idx = _regions().by_code
        rows = sorted([*rows, *(idx[c] for c in _MUNICIPALITIES)], key=lambda r: r.code)
    return rows


def city_named_in(text: str) -> RegionRow | None:
    """The one city-level unit (:func:`prefecture_cities`) whose full name a text such as a
    plan's title names, or None when it names none or several.

    A name inside a longer division's name does not count (鞍山市 in 马鞍山市), so a county-level
    city's plan (浏阳市…) names no prefecture rather than a wrong one.

    Examples
    --------
    >>> city_named_in("芜湖市推进先进制造业高质量发展三年行动计划（2024—2026年）").code
    '340200'
    >>> city_named_in("马鞍山市制造业行动计划").name
    '马鞍山市'
    >>> city_named_in("湖南省制造业行动计划") is None
    True
    """
    found: list[tuple[int, int, RegionRow]] = []
    for row in _regions().rows:
        start = text.find(row.name)
        while start != -1:
            found.append((start, start + len(row.name), row))
            start = text.find(row.name, start + 1)
    cities = {r.code for r in prefecture_cities()}
    named = {
        row.code: row
        for start, end, row in found
        if row.code in cities
        and not any(s <= start and end <= e and e - s > end - start for s, e, _ in found)
    }
    return next(iter(named.values())) if len(named) == 1 else None
