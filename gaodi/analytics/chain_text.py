"""Wording of the reasons that chain analytics give, in Chinese and English.

Numbers are formatted here, once, so that a reason always states the figure the decision
used: shares as percentages with one decimal, money in 亿元 (stored in 万元), confidences with
two decimals. Polars helpers build the text for millions of rows by gathering phrases
prepared once per distinct case.
"""

from __future__ import annotations

import polars as pl

_LEVEL_ZH = {4: "4位小类", 3: "3位中类", 2: "2位大类"}
_LEVEL_EN = {4: "4-digit class", 3: "3-digit group", 2: "2-digit division"}


def _fmt2(expr: pl.Expr) -> pl.Expr:
    """Format a value in [0, 1] (or any non-negative value) with two decimals, as text."""
    cents = (expr * 100).round(0).cast(pl.Int64)
    return pl.concat_str(
        (cents // 100).cast(pl.String),
        pl.lit("."),
        (cents % 100).cast(pl.String).str.zfill(2),
    )


def _code_phrases(codes: pl.Series) -> pl.DataFrame:
    """The code part of the reason for every (distinct code, level); row ``_ci * 5 + level``
    (``_ci == len(codes)`` stands for a missing code)."""
    table = (
        pl.DataFrame(
            {"industry_code": [*codes.to_list(), None]}, schema={"industry_code": pl.String}
        )
        .with_row_index("_ci")
        .join(
            pl.DataFrame({"code_level": [0, 1, 2, 3, 4]}, schema={"code_level": pl.Int8}),
            how="cross",
        )
        .sort("_ci", "code_level")
    )
    level = pl.col("code_level")
    code = pl.col("industry_code")
    mc = code.str.slice(0, level.cast(pl.Int64))
    zh = (
        pl.when(level == 4)
        .then(
            pl.concat_str(
                pl.lit("行业代码"), code, pl.lit("与环节代码"), mc, pl.lit("一致（4位小类）")
            )
        )
        .when(level > 0)
        .then(
            pl.concat_str(
                pl.lit("行业代码"),
                code,
                pl.lit("属于环节代码"),
                mc,
                pl.lit("（"),
                level.replace_strict(_LEVEL_ZH, default="", return_dtype=pl.String),
                pl.lit("）"),
            )
        )
        .when(code.is_null())
        .then(pl.lit("无行业代码"))
        .otherwise(pl.concat_str(pl.lit("行业代码"), code, pl.lit("不在环节代码内")))
    )
    en = (
        pl.when(level > 0)
        .then(
            pl.concat_str(
                pl.lit("industry code "),
                code,
                pl.lit(" matches link code "),
                mc,
                pl.lit(" ("),
                level.replace_strict(_LEVEL_EN, default="", return_dtype=pl.String),
                pl.lit(")"),
            )
        )
        .when(code.is_null())
        .then(pl.lit("no industry code"))
        .otherwise(
            pl.concat_str(pl.lit("industry code "), code, pl.lit(" is not among the link's codes"))
        )
    )
    return table.select(zh.alias("zh"), en.alias("en"))


def _confidence_phrases(max_hits: int, c_of_level: dict[int, float], w_kw: float) -> pl.DataFrame:
    """The confidence part of the reason for every (level, hits); row ``level * (H+1) + hits``."""
    table = (
        pl.DataFrame({"code_level": [0, 1, 2, 3, 4]}, schema={"code_level": pl.Int8})
        .join(pl.DataFrame({"hits": range(max_hits + 1)}, schema={"hits": pl.Int64}), how="cross")
        .sort("code_level", "hits")
        .with_columns(
            pl.col("code_level")
            .replace_strict(c_of_level, default=0.0, return_dtype=pl.Float64)
            .alias("cc"),
            (1.0 - (1.0 - w_kw) ** pl.col("hits").cast(pl.Float64)).alias("ck"),
        )
        .with_columns((1.0 - (1.0 - pl.col("cc")) * (1.0 - pl.col("ck"))).alias("c"))
    )
    c, cc, ck = _fmt2(pl.col("c")), _fmt2(pl.col("cc")), _fmt2(pl.col("ck"))
    return table.select(
        pl.concat_str(
            pl.lit("置信度"), c, pl.lit("＝1−(1−"), cc, pl.lit(")×(1−"), ck, pl.lit(")")
        ).alias("zh"),
        pl.concat_str(
            pl.lit("confidence "), c, pl.lit(" = 1−(1−"), cc, pl.lit(")×(1−"), ck, pl.lit(")")
        ).alias("en"),
    )


def mapping_reasons(
    df: pl.DataFrame, codes: pl.Series, c_of_level: dict[int, float], w_kw: float
) -> pl.DataFrame:
    """Add ``reason_zh``/``reason_en``; phrases are built once per distinct case and gathered,
    so a million rows cost one string concatenation each."""
    max_hits = int(df.select(pl.col("keyword_hits").max().fill_null(0)).item())
    code_p = _code_phrases(codes)
    conf_p = _confidence_phrases(max_hits, c_of_level, w_kw)
    level = pl.col("code_level").cast(pl.UInt32)
    hits = pl.col("keyword_hits")
    code_idx = pl.col("_ci").fill_null(codes.len()).cast(pl.UInt32) * 5 + level
    conf_idx = level * (max_hits + 1) + hits.cast(pl.UInt32)
    kw_zh = (
        pl.when(hits > 0)
        .then(
            pl.concat_str(
                pl.lit("经营范围/产品命中关键词"),
                hits.cast(pl.String),
                pl.lit("个："),
                pl.col("keywords").list.join("、"),
            )
        )
        .otherwise(pl.lit("经营范围/产品未命中关键词"))
    )
    kw_en = (
        pl.when(hits > 0)
        .then(
            pl.concat_str(
                hits.cast(pl.String),
                pl.lit(" keyword(s) found in scope/products: "),
                pl.col("keywords").list.join(", "),
            )
        )
        .otherwise(pl.lit("no keyword found in scope/products"))
    )
    return df.with_columns(
        pl.concat_str(
            pl.lit(code_p["zh"]).gather(code_idx),
            pl.lit("；"),
            kw_zh,
            pl.lit("；"),
            pl.lit(conf_p["zh"]).gather(conf_idx),
        ).alias("reason_zh"),
        pl.concat_str(
            pl.lit(code_p["en"]).gather(code_idx),
            pl.lit("; "),
            kw_en,
            pl.lit("; "),
            pl.lit(conf_p["en"]).gather(conf_idx),
        ).alias("reason_en"),
    )


# --------------------------------------------------------------------------- scalar formats


def pct(x: float) -> str:
    """A share as a percentage with one decimal.

    Examples
    --------
    >>> pct(0.0345)
    '3.5%'
    """
    return f"{100 * x:.1f}%"


def pct_factor(x: float) -> str:
    """A factor as a percentage without needless decimals: 0.5 -> '50%'.

    Examples
    --------
    >>> pct_factor(0.5), pct_factor(0.125)
    ('50%', '12.5%')
    """
    return f"{100 * x:g}%"


def money_zh(wan: float) -> str:
    """万元 shown in 亿元 with two decimals.

    Examples
    --------
    >>> money_zh(123456.0)
    '12.35亿元'
    """
    return f"{wan / 1e4:.2f}亿元"


def money_en(wan: float) -> str:
    """万元 shown in million yuan with one decimal (1万元 = 0.01 million yuan).

    Examples
    --------
    >>> money_en(123456.0)
    'CNY 1,234.6 million'
    """
    return f"CNY {wan / 100:,.1f} million"


def join_zh(parts: list[str]) -> str:
    return "；".join(p for p in parts if p)


def join_en(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)
