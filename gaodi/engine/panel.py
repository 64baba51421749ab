"""Panels from microdata: sum a value by region × industry (× year) on any engine.

Regional analytics (LQ, RCA, shift-share, complexity) read a compact long table, one row per
region × industry (× year). A province or the nation brings it as enterprise-level rows (tens
of millions); this reduction sums them on the chosen engine and hands the compact table back as
Polars. A table that is already one row per key comes back unchanged (summing one value).
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from gaodi.core.errors import ValidationError
from gaodi.engine.backends import collect, require_columns

_MEANING = {
    "region": "地区 region",
    "industry": "产业 industry",
    "year": "年份 year",
    "value": "数值 value",
}


def panel(
    frame: nw.LazyFrame[Any], keys: list[str], *, allow_negative: bool = False
) -> pl.DataFrame:
    """``keys`` + ``value`` summed by ``keys``, sorted, after checking every input value.

    Raises :class:`ValidationError` naming the column when a column is missing, a value is not
    a number, empty, infinite or (unless ``allow_negative``) negative.
    """
    require_columns(frame, {k: _MEANING.get(k, k) for k in [*keys, "value"]}, "面板 panel")
    # CSV columns arrive as text: the cast reads them (a word in the value column fails below).
    typed = frame.select(
        *[nw.col(k).cast(nw.Int64 if k == "year" else nw.String) for k in keys],
        nw.col("value").cast(nw.Float64),
    )
    bad_value = nw.col("value").is_null() | ~nw.col("value").is_finite()
    if not allow_negative:
        bad_value = bad_value | (nw.col("value") < 0)
    try:
        problems = collect(
            typed.select(
                # counted as integers: Spark does not sum booleans
                *[nw.col(k).is_null().cast(nw.Int64).sum().alias(k) for k in keys],
                bad_value.cast(nw.Int64).sum().alias("value"),
            )
        ).row(0, named=True)
    except Exception as exc:  # each engine has its own conversion error
        raise ValidationError(
            "面板的 value 列（或 year 列）有不是数值的内容。",
            f"The panel's value (or year) column holds values that are not numeric: {exc}",
            field="value",
        ) from exc
    for column, count in problems.items():
        if count:
            rule_zh = "为空" if column != "value" else "为空、非有限数或为负"
            rule_en = "empty" if column != "value" else "empty, not finite or negative"
            raise ValidationError(
                f"面板的 {column} 列有 {count:,} 个值{rule_zh}。",
                f"The panel's {column} column has {count:,} value(s) {rule_en}.",
                field=column,
            )
    summed = typed.group_by(*keys).agg(nw.col("value").sum())
    out = collect(summed).sort(keys)
    if out.height == 0:
        raise ValidationError("面板没有数据行。", "The panel has no data rows.")
    return out
