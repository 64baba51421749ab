"""Park-level 亩均 indicators, score and ranking (:func:`aggregate_parks`).

Part of :mod:`gaodi.analytics.per_mu`: park totals over park land, scored with one scheme's
items, weights and benchmarks (or the mean over the parks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import polars as pl

from gaodi.analytics.per_mu_frame import _benchmark, _num
from gaodi.analytics.per_mu_rules import CLASSES, PerMuRules
from gaodi.core import words


def aggregate_parks(
    frame: pl.DataFrame,
    rules: PerMuRules,
    *,
    park_column: str = "park",
    scheme_id: str | None = None,
    park_land: Mapping[str, float] | None = None,
    benchmark: Literal["scheme", "mean"] = "scheme",
    cap_multiple: float | Literal["rules"] | None = "rules",
    class_column: str | None = None,
) -> pl.DataFrame:
    """Park-level 亩均 indicators (park totals / park land), score and ranking.

    Parameters
    ----------
    frame : polars.DataFrame
        Enterprise rows with ``park_column`` and the indicators' numerator/denominator
        fields; optionally a class column from :func:`evaluate_per_mu` to count classes.
    rules : PerMuRules
    scheme_id : str, optional
        The scheme whose items, weights and benchmarks score parks; default the first
        (e.g. 规上).
    park_land : mapping, optional
        Park land in 亩 (e.g. the park's industrial land). Indicators whose denominator is
        ``land_mu`` then use it instead of the sum of the enterprises' land.
    benchmark : {"scheme", "mean"}
        Divide by the scheme's benchmark, or by the mean over the parks.
    class_column : str, optional
        Count enterprises per class (``n_A`` … ``n_D``).

    Returns
    -------
    polars.DataFrame
        ``park, n_enterprises, value__<indicator>, coverage__<indicator>,
        score__<indicator>, score, rank``, best first.

    Notes
    -----
    x_pj = Σ_i num_ij / Σ_i den_ij over the park's enterprises that report both figures
    (den > 0); ``coverage`` is the share of the park's enterprises counted. Score as in
    :func:`evaluate_per_mu` (no missing-data fill: a park without data for an item scores
    0 on it and its coverage shows 0).

    References
    ----------
    .. [1] 台州市黄岩区 2022 年度工业企业亩均效益综合评价,
       https://www.chacewang.com/newsdetail/news430850.html

    Examples
    --------
    >>> from gaodi.analytics.per_mu_rules import per_mu_rules_from_dict
    >>> r = per_mu_rules_from_dict({"id": "t", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
    ...     "schemes": [{"id": "all", "items": [{"indicator": "tax_per_mu",
    ...         "benchmark": 10, "weight": 100, "source": "s"}]}],
    ...     "classes": {"method": "score", "thresholds": [120, 80, 60]}})
    >>> df = pl.DataFrame({"park": ["p", "p", "q"], "tax": [150.0, 50.0, 40.0],
    ...                    "land_mu": [10.0, 10.0, 5.0]})
    >>> aggregate_parks(df, r).select("park", "value__tax_per_mu", "score", "rank").rows()
    [('p', 10.0, 100.0, 1), ('q', 8.0, 80.0, 2)]
    """
    if park_column not in frame.columns:
        raise words.error("common.missing_column", column=park_column)
    scheme = rules.scheme(scheme_id) if scheme_id else rules.schemes[0]
    cap = rules.cap_multiple if cap_multiple == "rules" else cap_multiple
    aggs: list[pl.Expr] = [pl.len().alias("n_enterprises")]
    for it in scheme.items:
        ind = it.indicator
        num, den = _num(frame, ind.numerator), _num(frame, ind.denominator)
        ok = num.is_not_null() & (den > 0)
        aggs += [
            pl.when(ok).then(num).sum().alias(f"__num__{ind.id}"),
            pl.when(ok).then(den).sum().alias(f"__den__{ind.id}"),
            ok.fill_null(False).mean().alias(f"coverage__{ind.id}"),
        ]
    if class_column is not None:
        aggs += [(pl.col(class_column) == k).sum().alias(f"n_{k}") for k in CLASSES]
    parks = frame.group_by(park_column).agg(aggs)
    values = []
    for it in scheme.items:
        ind = it.indicator
        den = pl.col(f"__den__{ind.id}")
        if park_land is not None and ind.denominator == "land_mu":
            den = pl.col(park_column).replace_strict(
                {k: float(v) for k, v in park_land.items()}, default=None, return_dtype=pl.Float64
            )
        values.append(
            pl.when(den > 0).then(pl.col(f"__num__{ind.id}") / den).alias(f"value__{ind.id}")
        )
    parks = parks.with_columns(values)
    scores = []
    for it in scheme.items:
        v = pl.col(f"value__{it.indicator.id}")
        if benchmark == "mean":
            bench: Any = v.mean()
        else:
            bench = _benchmark(it, scheme, {})
        s = (v / bench * it.weight).fill_null(0.0).fill_nan(0.0)
        if cap is not None:
            s = pl.min_horizontal(s, pl.lit(cap * it.weight))
        scores.append(s.alias(f"score__{it.indicator.id}"))
    parks = parks.with_columns(scores)
    parks = parks.with_columns(
        pl.sum_horizontal([pl.col(f"score__{it.indicator.id}") for it in scheme.items]).alias(
            "score"
        )
    )
    parks = parks.with_columns(
        pl.col("score").rank(method="min", descending=True).cast(pl.Int64).alias("rank")
    )
    keep: Sequence[str] = [
        park_column,
        "n_enterprises",
        *[f"n_{k}" for k in CLASSES if class_column is not None],
        *[f"value__{it.indicator.id}" for it in scheme.items],
        *[f"coverage__{it.indicator.id}" for it in scheme.items],
        *[f"score__{it.indicator.id}" for it in scheme.items],
        "score",
        "rank",
    ]
    return parks.select(keep).sort(["rank", park_column])
