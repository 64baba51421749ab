"""The 亩均 evaluation's Polars expressions: indicator ratios, segments, divisors.

Part of :mod:`gaodi.analytics.per_mu`: a figure missing from the frame or NaN is null; an
indicator is numerator / denominator where the denominator is positive; a firm's segment is the
first scheme whose ``applies_to`` conditions all hold (of 工业 firms only, for an
``industrial_only`` rule set).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from gaodi.analytics.per_mu_rules import Indicator, PerMuItem, PerMuRules, PerMuScheme
from gaodi.analytics.ruleset_frame import compare_expr
from gaodi.core import words


# ------------------------------------------------------------------ expressions
def _num(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(None, dtype=pl.Float64)
    return pl.col(name).cast(pl.Float64).fill_nan(None)


def _ratio(frame: pl.DataFrame, ind: Indicator) -> pl.Expr:
    num, den = _num(frame, ind.numerator), _num(frame, ind.denominator)
    return pl.when(den > 0).then(num / den)


def _industrial(frame: pl.DataFrame, rules: PerMuRules) -> pl.Expr:
    """Whether the rules' coverage admits each firm by industry: always when the rules are not
    ``industrial_only``, else only where ``is_industrial`` is true (a missing column names it)."""
    if not rules.coverage.industrial_only:
        return pl.lit(True)
    if "is_industrial" not in frame.columns:
        raise words.error("common.missing_column", column="is_industrial")
    return pl.col("is_industrial").fill_null(False)


def _segment_expr(frame: pl.DataFrame, rules: PerMuRules) -> pl.Expr:
    """The id of the first scheme whose ``applies_to`` conditions all hold (for an
    ``industrial_only`` rule set, of 工业 firms only), else null."""
    industrial = _industrial(frame, rules)
    out: Any = None
    for scheme in rules.schemes:
        conds = [
            compare_expr(pl.col(c.metric), c.op, c.threshold)
            if c.metric in frame.columns
            else pl.lit(None, dtype=pl.Boolean)
            for c in scheme.applies_to
        ]
        cond = pl.all_horizontal(conds).fill_null(False) if conds else pl.lit(True)
        cond = cond & industrial
        out = (pl.when(cond) if out is None else out.when(cond)).then(pl.lit(scheme.id))
    return out.otherwise(pl.lit(None, dtype=pl.String))


def _mu(value: float) -> str:
    return f"{value:g}"


def _ids(frame: pl.DataFrame, id_column: str, mask: pl.Series, limit: int = 5) -> str:
    ids = frame.filter(mask).get_column(id_column).head(limit).cast(pl.String).to_list()
    return words.listing(ids, limit, int(mask.sum()))


def _benchmark(item: PerMuItem, scheme: PerMuScheme, overrides: Mapping[str, Any]) -> float:
    over = overrides.get(scheme.id, {}).get(item.indicator.id)
    bench = item.benchmark if over is None else float(over)
    if bench is None or bench <= 0:
        raise words.error(
            "per_mu.no_benchmark",
            scheme=scheme.id,
            label_zh=item.indicator.label_zh or item.indicator.id,
            indicator=item.indicator.id,
        )
    return bench


def _applies_fields(rules: PerMuRules) -> list[str]:
    industrial = {"is_industrial"} if rules.coverage.industrial_only else set()
    return sorted({c.metric for s in rules.schemes for c in s.applies_to} | industrial)
