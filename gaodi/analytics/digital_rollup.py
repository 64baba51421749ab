"""Roll-ups of digital-level assessments and solution-provider matching (Polars).

Level distributions by group (chain, park, size class, industry), the share of a population
at or above a level, and a vectorised ranking of solution providers for an enterprise's needs
by GB/T 39116 capability sub-domain (see :func:`gaodi.analytics.digital.capability_needs` and
:func:`gaodi.analytics.digital_maturity.maturity_needs`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "DEFAULT_MATCH_WEIGHTS",
    "latest_assessments",
    "level_distribution",
    "rank_providers",
    "share_at_or_above",
]


def _by(by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def latest_assessments(
    assessments: pl.DataFrame,
    *,
    id_col: str = "enterprise_id",
    date_col: str = "assessed_on",
    as_of: Any = None,
) -> pl.DataFrame:
    """Keep each enterprise's latest assessment (on or before ``as_of`` when given); of two on
    the same day, the later row wins.

    Examples
    --------
    >>> df = pl.DataFrame({"enterprise_id": [1, 1, 2], "assessed_on": ["2021-05-01",
    ...                    "2023-03-01", "2022-01-01"], "level": [1, 2, 3]})
    >>> latest_assessments(df, as_of="2022-12-31").sort("enterprise_id")["level"].to_list()
    [1, 3]
    """
    df = assessments if as_of is None else assessments.filter(pl.col(date_col) <= as_of)
    # A stable sort: of two assessments on the same day the one given later wins.
    return df.sort(date_col, maintain_order=True).group_by(id_col, maintain_order=True).last()


def level_distribution(
    assessments: pl.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    level_col: str = "level",
    levels: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Count and share of enterprises at each level, per group (chain, park, size, industry).

    Notes
    -----
    :math:`n_{g,l}` = number of rows of group :math:`g` at level :math:`l`;
    :math:`\\text{share}_{g,l} = n_{g,l} / \\sum_l n_{g,l}`. With ``levels`` every group gets
    a row for every listed level (zero counts included); rows whose level is not listed are
    still counted in the group total.

    Examples
    --------
    >>> df = pl.DataFrame({"chain": ["a", "a", "a", "b"], "level": [0, 2, 2, 1]})
    >>> level_distribution(df, "chain", levels=[0, 1, 2]).filter(pl.col("chain") == "a").rows()
    [('a', 0, 1, 0.333333), ('a', 1, 0, 0.0), ('a', 2, 2, 0.666667)]
    """
    keys = _by(by)
    if assessments.is_empty():
        raise words.error("digital_rollup.no_assessments", DataError)
    grp = [*keys, level_col]
    counts = assessments.group_by(grp).agg(count=pl.len())
    if levels is not None:
        frame = pl.DataFrame(
            {level_col: list(levels)}, schema={level_col: assessments.schema[level_col]}
        )
        if keys:
            frame = assessments.select(keys).unique().join(frame, how="cross")
        counts = frame.join(counts, on=grp, how="left").with_columns(
            pl.col("count").fill_null(0).cast(pl.UInt32)
        )
    totals = assessments.group_by(keys).agg(n=pl.len()) if keys else None
    out = (
        counts.join(totals, on=keys, how="left")
        if totals is not None
        else counts.with_columns(n=pl.lit(assessments.height))
    )
    return out.with_columns(share=(pl.col("count") / pl.col("n")).round(6)).drop("n").sort(grp)


def share_at_or_above(
    assessments: pl.DataFrame,
    level: int,
    by: str | Sequence[str] | None = None,
    *,
    level_col: str = "level",
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """Share of a population at or above ``level`` (e.g. above-scale firms at 二级 or higher).

    Notes
    -----
    :math:`\\text{share}_g = |\\{e \\in g : L_e \\ge l\\}| / |g|` after the filter ``where``
    (for instance ``pl.col("above_scale")``).

    Examples
    --------
    >>> df = pl.DataFrame({"park": ["p", "p", "q"], "level": [1, 3, 2],
    ...                    "above_scale": [True, True, False]})
    >>> share_at_or_above(df, 2, where=pl.col("above_scale")).rows()
    [(2, 1, 0.5)]
    """
    keys = _by(by)
    df = assessments if where is None else assessments.filter(where)
    if df.is_empty():
        raise words.error("digital_rollup.nothing_left", DataError)
    aggs = [pl.len().alias("n"), (pl.col(level_col) >= level).sum().alias("n_at_or_above")]
    out = df.group_by(keys).agg(aggs).sort(keys) if keys else df.select(aggs)
    return out.with_columns(share=(pl.col("n_at_or_above") / pl.col("n")).round(6))


DEFAULT_MATCH_WEIGHTS: Mapping[str, float] = {
    "capability": 0.55,
    "industry": 0.20,
    "experience": 0.15,
    "local": 0.10,
}


def rank_providers(
    providers: pl.DataFrame,
    needs: Mapping[str, float],
    *,
    industry_code: str | None = None,
    weights: Mapping[str, float] | None = None,
    labels_zh: Mapping[str, str] | None = None,
    labels_en: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Rank solution providers for an enterprise's needs, with reasons in Chinese and English.

    ``providers``: ``provider_id``, ``name``, ``capabilities`` (list of sub-domain codes),
    ``industries`` (list of GB/T 4754 code prefixes served), ``references`` (count of reference
    projects), ``local`` (bool). Providers covering none of the needs are left out.

    Notes
    -----
    With needs :math:`q_c`: capability fit :math:`F = \\sum_{c \\in C_p} q_c / \\sum_c q_c`;
    industry :math:`I = 1` when one of the provider's industry codes is a prefix of the
    enterprise's code; experience :math:`E = \\ln(1+r_p) / \\ln(1+\\max r)`; locality
    :math:`L \\in \\{0,1\\}`. Score :math:`0.55F + 0.20I + 0.15E + 0.10L` (weights are a Gaodi
    default, ``weights`` overrides them). Ties: more fit, more references, then provider id.

    Examples
    --------
    >>> p = pl.DataFrame({"provider_id": ["x", "y"], "name": ["甲", "乙"],
    ...     "capabilities": [["energy_management"], ["energy_management", "data"]],
    ...     "industries": [["38"], []], "references": [3, 0], "local": [True, False]})
    >>> r = rank_providers(p, {"energy_management": 3.0, "data": 1.0}, industry_code="3811")
    >>> r.select("provider_id", "score", "fit").rows()
    [('x', 0.8625, 0.75), ('y', 0.55, 1.0)]
    """
    w = dict(DEFAULT_MATCH_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in w or v < 0:
            raise words.error("digital_rollup.bad_weight", key=k)
        w[k] = float(v)
    need = {k: float(v) for k, v in needs.items() if v > 0}
    cols = ["provider_id", "name", "capabilities", "industries", "references", "local"]
    missing = [c for c in cols if c not in providers.columns]
    if missing:
        raise words.error(
            "digital_rollup.providers_missing_columns",
            columns_zh=words.listing(missing),
            columns_en=", ".join(missing),
        )
    empty = (
        providers.head(0)
        .select(cols)
        .with_columns(
            score=pl.lit(0.0), fit=pl.lit(0.0), reasons_zh=pl.lit(""), reasons_en=pl.lit("")
        )
    )
    if not need or providers.is_empty():
        return empty
    total = math.fsum(need.values())
    lz, le = dict(labels_zh or {}), dict(labels_en or {})
    need_df = pl.DataFrame(
        {
            "cap": list(need),
            "q": list(need.values()),
            "lz": [lz.get(c, c) for c in need],
            "le": [le.get(c, c) for c in need],
        }
    )
    cover = (
        providers.select("provider_id", cap=pl.col("capabilities"))
        .explode("cap")
        .join(need_df, on="cap", how="inner")
        .sort(["q", "cap"], descending=[True, False])
        .group_by("provider_id", maintain_order=True)
        .agg(
            fit=(pl.col("q").sum() / total),
            cov_zh=pl.col("lz").str.join("、"),
            cov_en=pl.col("le").str.join(", "),
        )
    )
    code = industry_code or ""
    ind = (
        providers.select("provider_id", ind=pl.col("industries"))
        .explode("ind")
        .filter(
            pl.col("ind").is_not_null()
            & (pl.col("ind") != "")
            & pl.lit(code).str.starts_with(pl.col("ind"))
        )
        .group_by("provider_id")
        .agg(ind_code=pl.col("ind").sort().first())
    )
    df = (
        providers.select(cols)
        .join(cover, on="provider_id", how="inner")
        .join(ind, on="provider_id", how="left")
    )
    if df.is_empty():
        return empty
    max_ref = float(df.select(pl.col("references").cast(pl.Float64).max()).item() or 0.0)
    exp = (
        (pl.col("references").cast(pl.Float64) + 1).log() / math.log1p(max_ref)
        if max_ref > 0
        else pl.lit(0.0)
    )
    pct = (pl.col("fit") * 100).round(0).cast(pl.Int64).cast(pl.String)
    df = df.with_columns(exp=exp, has_ind=pl.col("ind_code").is_not_null()).with_columns(
        score=(
            w["capability"] * pl.col("fit")
            + w["industry"] * pl.col("has_ind").cast(pl.Float64)
            + w["experience"] * pl.col("exp")
            + w["local"] * pl.col("local").cast(pl.Float64)
        ).round(6),
        fit=pl.col("fit").round(6),
        **{f"reasons_{lang}": _provider_reasons(lang, pct) for lang in ("zh", "en")},
    )
    return df.sort(
        ["score", "fit", "references", "provider_id"], descending=[True, True, True, False]
    ).select(*cols, "score", "fit", "reasons_zh", "reasons_en")


def _provider_reasons(lang: str, pct: pl.Expr) -> pl.Expr:
    """A provider's reasons in ``lang``: the gaps it covers, then the industry it has served,
    its reference projects and whether it is local, each fragment from the words catalog."""
    gaps = {"gaps_zh": pl.col("cov_zh"), "gaps_en": pl.col("cov_en")}
    return pl.concat_str(
        [
            words.expr("digital_rollup.covers", lang, pct=pct, **gaps),
            pl.when(pl.col("has_ind")).then(
                words.expr("digital_rollup.industry", lang, code=pl.col("ind_code"))
            ),
            words.expr("digital_rollup.references", lang, n=pl.col("references")),
            pl.when(pl.col("local")).then(words.expr("digital_rollup.local", lang)),
        ],
        ignore_nulls=True,
    )
