"""Wording of the reasons that chain analytics give, in Chinese and English.

Numbers are formatted here, once, so that a reason always states the figure the decision
used: shares as percentages with one decimal, money in 亿元 (stored in 万元), confidences with
two decimals. Polars helpers build the text for millions of rows by gathering phrases
prepared once per distinct case.
"""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl

from gaodi.core import words

_LEVELS = {4: "chain_text.level_4", 3: "chain_text.level_3", 2: "chain_text.level_2"}


def _levels(lang: str) -> dict[int, str]:
    return {k: words.say(code, lang) for k, code in _LEVELS.items()}


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
    zh, en = (
        pl.when(level == 4)
        .then(words.expr("chain_text.code_exact", lang, code=code, matched=mc))
        .when(level > 0)
        .then(
            words.expr(
                "chain_text.code_within",
                lang,
                code=code,
                matched=mc,
                level=level.replace_strict(_levels(lang), default="", return_dtype=pl.String),
            )
        )
        .when(code.is_null())
        .then(words.expr("chain_text.no_code", lang))
        .otherwise(words.expr("chain_text.code_outside", lang, code=code))
        for lang in ("zh", "en")
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
        words.expr("chain_text.confidence", lang, c=c, cc=cc, ck=ck).alias(lang)
        for lang in ("zh", "en")
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
    found = {
        "n": hits.cast(pl.String),
        "keywords_zh": pl.col("keywords").list.join("、"),
        "keywords_en": pl.col("keywords").list.join(", "),
    }
    return df.with_columns(
        words.expr(
            "chain_text.mapping_reason",
            lang,
            code_part=pl.lit(code_p[lang]).gather(code_idx),
            keyword_part=pl.when(hits > 0)
            .then(words.expr("chain_text.keywords_hit", lang, **found))
            .otherwise(words.expr("chain_text.no_keywords", lang)),
            confidence_part=pl.lit(conf_p[lang]).gather(conf_idx),
        ).alias(f"reason_{lang}")
        for lang in ("zh", "en")
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


#: A share shown in a reason keeps at least two significant digits below 0.1% (one decimal
#: above): with one decimal throughout, a link at 0.002% and the threshold it is held to read
#: "0.0%" and "0.0%" and the reader cannot check the judgement. Decimals stop at this many.
MAX_DECIMALS = 10


def decimals_for(x: float | Decimal, least: int) -> int:
    """Decimals that show ``x`` with two significant digits when ``least`` shows fewer."""
    v = abs(float(x))
    if v == 0 or not math.isfinite(v) or v >= 10 ** (-least):
        return least
    return min(MAX_DECIMALS, max(least, 1 - math.floor(math.log10(v))))


def share_pct(x: float | Decimal, decimals: int | None = None) -> str:
    """A share as a percentage: one decimal, more below 0.1% (two significant digits).

    Examples
    --------
    >>> share_pct(0.0345), share_pct(0.005), share_pct(0.0000213), share_pct(0.0)
    ('3.5%', '0.5%', '0.0021%', '0.0%')
    """
    v = 100 * Decimal(x) if isinstance(x, Decimal) else 100 * x
    d = decimals_for(v, 1) if decimals is None else decimals
    return f"{v:.{d}f}%"


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
    return words.say("chain_text.money", "zh", **_money(wan))


def money_en(wan: float) -> str:
    """万元 shown in million yuan with one decimal (1万元 = 0.01 million yuan).

    Examples
    --------
    >>> money_en(123456.0)
    'CNY 1,234.6 million'
    """
    return words.say("chain_text.money", "en", **_money(wan))


def _money(wan: float) -> dict[str, str]:
    """Both numbers of the money words: 亿元 with two decimals, million yuan with one."""
    return {"yi": f"{wan / 1e4:.2f}", "million": f"{wan / 100:,.1f}"}


def join_zh(parts: list[str]) -> str:
    return "；".join(p for p in parts if p)


def join_en(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)
