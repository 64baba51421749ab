"""Size class of an industrial enterprise (大型/中型/小型/微型) by the 2017 NBS rule.

Pure functions over the packaged rule file ``gaodi/smart/rules/size_class_2017.yaml`` (the only
file read here).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import polars as pl

from gaodi.core.errors import DataError
from gaodi.core.rulefile import read_yaml

UNKNOWN = "unknown"
UNKNOWN_ZH = "规模不详"


@dataclass(frozen=True)
class SizeClass:
    code: str
    name_zh: str
    min_employees: float
    min_revenue: float


@dataclass(frozen=True)
class SizeRule:
    id: str
    document_number: str
    sectors: tuple[str, ...]
    classes: tuple[SizeClass, ...]  # largest first

    def name(self, code: str) -> str:
        return next((c.name_zh for c in self.classes if c.code == code), UNKNOWN_ZH)

    @property
    def labels_zh(self) -> dict[str, str]:
        return {c.code: c.name_zh for c in self.classes} | {UNKNOWN: UNKNOWN_ZH}


def size_rule_from_dict(data: Mapping[str, Any]) -> SizeRule:
    classes = []
    for raw in data["classes"]:
        mins = raw["min"]
        classes.append(
            SizeClass(
                str(raw["code"]),
                str(raw["name_zh"]),
                float(mins["employees"]),
                float(mins["revenue"]),
            )
        )
    for a, b in itertools.pairwise(classes):
        if a.min_employees < b.min_employees or a.min_revenue < b.min_revenue:
            raise DataError(
                "规模划分规则的下限未按从大到小排列。",
                "Size-class thresholds are not ordered from the largest class down.",
            )
    return SizeRule(
        str(data["id"]),
        str(data.get("document_number", "")),
        tuple(str(s) for s in data.get("sectors") or ()),
        tuple(classes),
    )


@lru_cache(maxsize=1)
def load_size_rule() -> SizeRule:
    """The packaged 2017 rule (industry rows).

    Examples
    --------
    >>> r = load_size_rule()
    >>> r.document_number, [c.name_zh for c in r.classes]
    ('国统字〔2017〕213号', ['大型', '中型', '小型', '微型'])
    """
    return size_rule_from_dict(
        read_yaml(resources.files("gaodi.smart").joinpath("rules/size_class_2017.yaml"))
    )


def size_class(rule: SizeRule, employees: float | None, revenue: float | None) -> str:
    """Class code of one enterprise: the largest class whose every lower bound is met.

    Notes
    -----
    With employees :math:`X` (人) and revenue :math:`Y` (万元), industry: 大型 needs
    :math:`X \\ge 1000` and :math:`Y \\ge 40000`; 中型 :math:`X \\ge 300` and
    :math:`Y \\ge 2000`; 小型 :math:`X \\ge 20` and :math:`Y \\ge 300`; otherwise 微型.
    "须同时满足所列指标的下限，否则下划一档" — a firm meeting one bound but not the other falls to
    the class of the other (so 微型 needs only one measure under the 小型 bound). A missing or
    negative measure gives ``unknown``.

    References
    ----------
    国家统计局《统计上大中小微型企业划分办法（2017）》（国统字〔2017〕213号）, 工业 row.

    Examples
    --------
    >>> r = load_size_rule()
    >>> [size_class(r, x, y) for x, y in [(1000, 40000), (999, 50000), (1200, 1999.9),
    ...                                   (19, 5000), (300, 300), (None, 100)]]
    ['large', 'medium', 'small', 'micro', 'small', 'unknown']
    """
    if employees is None or revenue is None or employees < 0 or revenue < 0:
        return UNKNOWN
    for c in rule.classes:
        if employees >= c.min_employees and revenue >= c.min_revenue:
            return c.code
    return UNKNOWN


def size_class_expr(rule: SizeRule, employees: str, revenue: str) -> pl.Expr:
    """The same rule as a Polars expression over two columns (vectorised roll-ups).

    Examples
    --------
    >>> r = load_size_rule()
    >>> df = pl.DataFrame({"x": [1000, 999, 19, None], "y": [40000.0, 50000.0, 5000.0, 1.0]})
    >>> df.select(size_class_expr(r, "x", "y"))["size_class"].to_list()
    ['large', 'medium', 'micro', 'unknown']
    """
    x, y = pl.col(employees), pl.col(revenue)
    bad = x.is_null() | y.is_null() | (x < 0) | (y < 0)
    expr: Any = pl.when(bad).then(pl.lit(UNKNOWN))
    for c in rule.classes:
        expr = expr.when((x >= c.min_employees) & (y >= c.min_revenue)).then(pl.lit(c.code))
    return expr.otherwise(pl.lit(UNKNOWN)).alias("size_class")
