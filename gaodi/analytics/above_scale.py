"""规模以上工业企业 (above-designated-size industrial enterprise): the one definition.

The rule file ``rules/tiers/above_scale.yaml`` (国家统计局:
"年主营业务收入2000万元及以上的工业法人单位") states both conditions: the firm is 工业 (its
GB/T 4754 门类 is one of the file's ``industrial_sections``: B 采矿业, C 制造业,
D 电力、热力、燃气及水生产和供应业) and its main-business revenue (revenue where it is
missing) reaches the file's threshold (2000万元). Every count or
segment of 规上 firms outside the tier evaluator (the demo's derived series, the overview, the
亩均 segments) reads the definition here, so none of them counts a software or transport firm.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import polars as pl

from gaodi.analytics.rulefiles import TIERS_DIR, above_scale_revenue_wan, read_yaml
from gaodi.core.errors import ValidationError
from gaodi.core.reference import industry_section

__all__ = [
    "above_scale_expr",
    "definition_en",
    "definition_zh",
    "industrial_mask",
    "industrial_sections",
    "is_above_scale",
    "is_industrial",
    "is_industrial_expr",
]


@lru_cache(maxsize=1)
def industrial_sections() -> tuple[str, ...]:
    """The GB/T 4754 门类 letters that make a firm 工业 (the rule file's ``industrial_sections``).

    >>> industrial_sections()
    ('B', 'C', 'D')
    """
    data = read_yaml(TIERS_DIR / "above_scale.yaml")
    return tuple(str(s) for s in data["industrial_sections"])


@lru_cache(maxsize=4096)
def is_industrial(code: str | None) -> bool | None:
    """Whether the firm with GB/T 4754 code ``code`` is 工业: its 门类 (a letter code), or the
    门类 of its 大类 (the code's first two digits, which decide the 门类 at every level), is one
    of the rule file's sections. None when there is no code or no such 门类/大类 (then nobody
    can say).

    >>> is_industrial("3511"), is_industrial("6513"), is_industrial("4411"), is_industrial("C")
    (True, False, True, True)
    >>> is_industrial(None), is_industrial("99x")
    (None, None)
    """
    if not code:
        return None
    head = code.strip()
    head = head[:2] if head[:2].isdigit() else head
    try:
        return industry_section(head) in industrial_sections()
    except ValidationError:
        return None


def is_above_scale(code: str | None, main_revenue: float | None) -> bool:
    """规上: 工业 and main-business revenue (万元) at or above the rule file's threshold. A firm
    whose industry is unknown, or without revenue, is not counted.

    >>> is_above_scale("3511", 2000), is_above_scale("3511", 1999.99), is_above_scale("6513", 9e4)
    (True, False, False)
    """
    return (
        is_industrial(code) is True
        and main_revenue is not None
        and main_revenue >= above_scale_revenue_wan()
    )


def industrial_mask(codes: Iterable[str | None]) -> np.ndarray:
    """:func:`is_industrial` of each code as a boolean array (unknown: False).

    >>> industrial_mask(["3511", "5429", None]).tolist()
    [True, False, False]
    """
    return np.array([is_industrial(c) is True for c in codes], dtype=bool)


def is_industrial_expr(column: str = "industry_code") -> pl.Expr:
    """:func:`is_industrial` of a code column (null where unknown).

    >>> pl.DataFrame({"industry_code": ["3511", "8111", None]}).select(
    ...     is_industrial_expr()).to_series().to_list()
    [True, False, None]
    """

    def judge(codes: pl.Series) -> pl.Series:
        table = {c: is_industrial(c) for c in codes.unique().to_list() if c is not None}
        return codes.replace_strict(table, default=None, return_dtype=pl.Boolean)

    return pl.col(column).map_batches(judge, return_dtype=pl.Boolean)


def above_scale_expr(column: str = "industry_code", revenue: pl.Expr | None = None) -> pl.Expr:
    """:func:`is_above_scale` over a frame: ``revenue`` defaults to main-business revenue,
    revenue where it is missing (never null: unknown is not 规上).

    >>> pl.DataFrame({"industry_code": ["3511", "6513", "3511"],
    ...     "main_revenue": [2000.0, 5000.0, None], "revenue": [None, None, 2500.0]}).select(
    ...     above_scale_expr()).to_series().to_list()
    [True, False, True]
    """
    money = pl.coalesce("main_revenue", "revenue") if revenue is None else revenue
    return (is_industrial_expr(column) & (money >= above_scale_revenue_wan())).fill_null(False)


def definition_zh() -> str:
    """The definition in Chinese, with the rule file's figures.

    >>> definition_zh()
    '工业（国民经济行业门类B、C、D）且年主营业务收入≥2000万元'
    """
    return (
        f"工业（国民经济行业门类{'、'.join(industrial_sections())}）"
        f"且年主营业务收入≥{above_scale_revenue_wan():g}万元"
    )


def definition_en() -> str:
    """The definition in English.

    >>> definition_en()  # doctest: +NORMALIZE_WHITESPACE
    'industrial (GB/T 4754 sections B, C, D) with main-business revenue of at least 20 million
    yuan a year'
    """
    return (
        f"industrial (GB/T 4754 sections {', '.join(industrial_sections())}) with main-business "
        f"revenue of at least {above_scale_revenue_wan() / 100:g} million yuan a year"
    )
