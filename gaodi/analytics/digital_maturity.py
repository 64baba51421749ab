"""Smart-manufacturing capability maturity (GB/T 39116-2020) assessed by GB/T 39117-2020.

Pure functions over the model kept in ``gaodi/analytics/rules/digital/gbt39116_2020.yaml``
and over Polars frames of requirement ratings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from gaodi.analytics.digital import _EPS, _need, _r, read_rule
from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "MaturityModel",
    "MaturityResult",
    "evaluate_maturity",
    "load_maturity_model",
    "maturity_model_from_dict",
    "maturity_needs",
]


@dataclass(frozen=True)
class MaturityModel:
    id: str
    levels: Mapping[int, str]  # code -> name_zh
    subdomains: Mapping[str, tuple[str, str, str]]  # code -> (name_zh, name_en, element)
    rating_scale: Mapping[str, float]  # code and name_zh -> score
    pass_threshold: float


def maturity_model_from_dict(data: Mapping[str, Any]) -> MaturityModel:
    """Build a :class:`MaturityModel` from the GB/T 39116 rule file mapping."""
    a = _need(data, "assessment", "gbt39116")
    scale: dict[str, float] = {}
    for r in a["rating_scale"]:
        scale[str(r["code"])] = scale[str(r["name_zh"])] = float(r["score"])
    subs = {
        str(s["code"]): (str(s["name_zh"]), str(s["name_en"]), str(s["element"]))
        for s in _need(data, "subdomains", "gbt39116")
    }
    return MaturityModel(
        str(data["id"]),
        {int(lv["code"]): str(lv["name_zh"]) for lv in data["levels"]},
        subs,
        scale,
        float(a["pass_threshold"]),
    )


def load_maturity_model() -> MaturityModel:
    """Load the packaged GB/T 39116-2020 model with its GB/T 39117 scoring defaults.

    Examples
    --------
    >>> m = load_maturity_model()
    >>> len(m.levels), len(m.subdomains), m.rating_scale["大部分满足"], m.pass_threshold
    (5, 20, 0.8, 0.8)
    """
    return maturity_model_from_dict(read_rule("gbt39116_2020"))


@dataclass(frozen=True)
class MaturityResult:
    subdomain_scores: pl.DataFrame  # level, subdomain, score, weight
    level_scores: Mapping[int, float]
    attained_level: int
    next_level: int | None
    next_level_score: float | None
    shortfall: float | None  # threshold - next level score
    blockers: pl.DataFrame  # subdomain, name_zh, score, gain_if_full (next level)


def evaluate_maturity(
    model: MaturityModel,
    ratings: pl.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    threshold: float | None = None,
) -> MaturityResult:
    """GB/T 39116/39117 maturity: sub-domain and level scores, attained level, blockers.

    ``ratings`` has one row per requirement: ``level`` (1..5), ``subdomain`` (code) and
    ``rating`` (a score 0/0.5/0.8/1 or its code/name such as ``大部分满足``).

    Notes
    -----
    Sub-domain score at level :math:`l`: :math:`s_{d,l} = \\frac{1}{n}\\sum_k r_{k}` over its
    requirements. Level score: :math:`S_l = \\sum_d w_d s_{d,l} / \\sum_d w_d` over the
    sub-domains rated at :math:`l` (``weights`` default to equal). Level :math:`l` is attained
    when :math:`S_l \\ge` ``threshold`` (default 0.8) and every lower level is attained.
    Blockers of the next level list its sub-domains below 1 with the level-score gain if
    brought to 1, :math:`w_d (1 - s_d) / \\sum w`. The rating scale, threshold and weights are
    GB/T 39117-2020 clause 6 as commonly published; that clause was not read (see the rule
    file), so they are parameters.

    References
    ----------
    GB/T 39116-2020 智能制造能力成熟度模型; GB/T 39117-2020 智能制造能力成熟度评估方法, clause 6.

    Examples
    --------
    >>> m = load_maturity_model()
    >>> r = pl.DataFrame({"level": [1, 1, 2, 2], "subdomain": ["data", "network"] * 2,
    ...                   "rating": [1.0, 0.8, 0.5, 1.0]})
    >>> res = evaluate_maturity(m, r)
    >>> res.level_scores, res.attained_level, res.shortfall
    ({1: 0.9, 2: 0.75}, 1, 0.05)
    """
    thr = model.pass_threshold if threshold is None else float(threshold)
    for col in ("level", "subdomain", "rating"):
        if col not in ratings.columns:
            raise words.error("digital_maturity.missing_column", column=col)
    df = ratings.select("level", "subdomain", "rating")
    if df.is_empty():
        raise words.error("digital_maturity.no_ratings", DataError)
    if df["rating"].dtype == pl.String:
        bad = df.filter(~pl.col("rating").is_in(list(model.rating_scale)))
        if not bad.is_empty():
            v = bad["rating"][0]
            raise words.error("digital_maturity.bad_rating_word", context={"value": v}, value=v)
        df = df.with_columns(
            pl.col("rating").replace_strict(model.rating_scale, return_dtype=pl.Float64)
        )
    df = df.with_columns(pl.col("rating").cast(pl.Float64), pl.col("level").cast(pl.Int64))
    allowed = sorted(set(model.rating_scale.values()))
    checks = [
        (
            ~pl.col("subdomain").is_in(list(model.subdomains)),
            "subdomain",
            "digital_maturity.bad_subdomain",
        ),
        (~pl.col("level").is_in(list(model.levels)), "level", "digital_maturity.bad_level"),
        (~pl.col("rating").is_in(allowed), "rating", "digital_maturity.bad_rating"),
    ]
    for expr, col, code in checks:
        bad = df.filter(expr | pl.col(col).is_null())
        if not bad.is_empty():
            v = bad[col][0]
            raise words.error(code, context={"value": v}, value=v)
    w = dict(weights or {})
    for k, v in w.items():
        if k not in model.subdomains or not v > 0:
            raise words.error("digital_maturity.bad_weight", key=k)
    subs = (
        df.group_by("level", "subdomain")
        .agg(score=pl.col("rating").mean())
        .with_columns(
            weight=pl.col("subdomain").replace_strict(w, default=1.0, return_dtype=pl.Float64)
        )
        .sort("level", "subdomain")
    )
    lv = (
        subs.group_by("level")
        .agg(score=(pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum())
        .sort("level")
    )
    level_scores = {int(k): _r(v) for k, v in zip(lv["level"], lv["score"], strict=True)}
    attained = 0
    for level in sorted(model.levels):
        if level not in level_scores or level_scores[level] + _EPS < thr:
            break
        attained = level
    nxt = attained + 1 if attained + 1 in model.levels else None
    nxt_score = level_scores.get(nxt) if nxt is not None else None
    names = {k: v[0] for k, v in model.subdomains.items()}
    at_next = subs.filter(pl.col("level") == (nxt or -1))
    w_next = float(at_next["weight"].sum()) or 1.0
    blockers = (
        at_next.filter(pl.col("score") < 1.0)
        .with_columns(
            name_zh=pl.col("subdomain").replace_strict(names),
            gain_if_full=(pl.col("weight") * (1 - pl.col("score")) / w_next).round(6),
        )
        .sort(["gain_if_full", "subdomain"], descending=[True, False])
        .select("subdomain", "name_zh", "score", "gain_if_full")
    )
    shortfall = _r(max(0.0, thr - nxt_score)) if nxt_score is not None else None
    return MaturityResult(subs, level_scores, attained, nxt, nxt_score, shortfall, blockers)


def maturity_needs(result: MaturityResult) -> dict[str, float]:
    """Needs from a GB/T 39116 result: the next level's blockers weighted by their gain.

    Examples
    --------
    >>> m = load_maturity_model()
    >>> r = pl.DataFrame({"level": [1, 1], "subdomain": ["data", "network"],
    ...                   "rating": [1.0, 0.5]})
    >>> maturity_needs(evaluate_maturity(m, r))
    {'network': 0.25}
    """
    return {
        str(k): float(v)
        for k, v in zip(result.blockers["subdomain"], result.blockers["gain_if_full"], strict=True)
    }
