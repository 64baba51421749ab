"""亩均效益 ("per-mu" land-use efficiency) evaluation of enterprises and parks.

A :class:`PerMuRules` (built by :func:`per_mu_rules_from_dict` from a versioned YAML file
in ``gaodi/analytics/rules/per_mu/``) holds indicator formulas, one scoring scheme per
enterprise segment (规上 / 规下, or ≥ 3 亩 / < 3 亩), each item's benchmark divisor and
weight, an optional per-item cap and the A/B/C/D classification rule.

Indicators (Gaodi reference facts §5, 黄岩 2022):

=================  ==============================  ==========
indicator          formula                          unit
=================  ==============================  ==========
亩均税收            评价税收 / 用地面积               万元/亩
亩均增加值          工业增加值 / 用地面积             万元/亩
亩均营收            营业（销售）收入 / 用地面积       万元/亩
单位能耗增加值      工业增加值 / 综合能耗（等价值）   万元/吨标准煤
单位排放增加值      工业增加值 / 主要污染物排放量     万元/吨
全员劳动生产率      工业增加值 / 年平均职工人数       万元/人
R&D 占比            R&D 经费支出 / 主营业务收入       ratio
单位电耗税收        评价税收 / 用电量                 万元/万千瓦时
=================  ==============================  ==========

Which firms a scheme covers is the rule file's ``coverage``: a land threshold
(``min_land_mu``, e.g. 3 亩) below which a firm is not evaluated at all (as in the county
rules that evaluate 规上 firms and 规下 firms on at least 3 亩); :func:`coverage` gives the
reason for every firm, in or out.

Item score = indicator / benchmark × weight, optionally capped at ``cap_multiple ×
weight``; the enterprise score is the sum of its items. A missing or non-positive
denominator (or missing numerator) makes the indicator missing and the item follows its
``missing`` policy: ``average`` (the segment's average score on that item — the 黄岩 rule
for firms without emission data), ``zero``, or ``error`` (a DataError naming the firms).

``score`` class lines are compared exactly: a firm whose float score lies near a line has
its score recomputed in exact fractions of the figures as written (29 万元 / 100 亩 / 1 × 100
is 29 points, where floats give 28.999999999999996), so a firm exactly on a line gets the
upper class, as the rule says.

The rule sets' types and validation are in :mod:`~gaodi.analytics.per_mu_rules`, the
expressions in :mod:`~gaodi.analytics.per_mu_frame`, the classes in
:mod:`~gaodi.analytics.per_mu_classes` and the park level in
:mod:`~gaodi.analytics.per_mu_parks`; this module scores the firms and re-exports the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import polars as pl

from gaodi.analytics.per_mu_classes import _exact_near_lines, assign_classes, class_sizes
from gaodi.analytics.per_mu_frame import (
    _applies_fields,
    _benchmark,
    _ids,
    _industrial,
    _mu,
    _num,
    _ratio,
    _segment_expr,
)
from gaodi.analytics.per_mu_parks import aggregate_parks
from gaodi.analytics.per_mu_rules import (
    CLASSES,
    ClassRule,
    Coverage,
    Indicator,
    MissingPolicy,
    PerMuItem,
    PerMuRules,
    PerMuScheme,
    per_mu_rules_from_dict,
)
from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "CLASSES",
    "ClassRule",
    "Coverage",
    "Indicator",
    "MissingPolicy",
    "PerMuItem",
    "PerMuRules",
    "PerMuScheme",
    "aggregate_parks",
    "assign_classes",
    "class_sizes",
    "coverage",
    "evaluate_per_mu",
    "per_mu_rules_from_dict",
]


def coverage(
    frame: pl.DataFrame, rules: PerMuRules, *, id_column: str = "enterprise"
) -> pl.DataFrame:
    """Whether the rules cover each firm, the scheme (segment) it is ranked in, and why.

    Parameters
    ----------
    frame : polars.DataFrame
        ``id_column``, ``land_mu`` and the fields the schemes' ``applies_to`` test.
    rules : PerMuRules
    id_column : str

    Returns
    -------
    polars.DataFrame
        ``id_column, segment, covered, reason, reason_zh, reason_en`` in the input order;
        ``reason`` is ``covered``, ``not_industrial`` (the rules are ``industrial_only`` and
        the firm's ``is_industrial`` is not true: its industry is outside GB/T 4754 sections
        B, C, D, or unknown), ``no_land`` (no land or 0 亩), ``below_land`` (under the rules'
        ``coverage.min_land_mu``) or ``no_scheme`` (matches no scheme's ``applies_to``);
        ``segment`` is null unless covered. The reason words name the firm's
        ``industry_code`` when the frame has one.

    Notes
    -----
    A firm i is covered when it is 工业 (when the rules are ``industrial_only``), L_i > 0,
    L_i ≥ L_min (when the rules set one) and it meets every condition of some scheme; it is
    then ranked only against the firms of that scheme (规上 and 规下 are separate rankings).

    Examples
    --------
    >>> r = per_mu_rules_from_dict({"id": "t", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "coverage": {"min_land_mu": 3, "source": "s"},
    ...     "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
    ...     "schemes": [{"id": "all", "label_zh": "全部", "items": [
    ...         {"indicator": "tax_per_mu", "benchmark": 10, "weight": 100, "source": "s"}]}],
    ...     "classes": {"method": "score", "thresholds": [120, 80, 60]}})
    >>> df = pl.DataFrame({"enterprise": ["a", "b", "c"], "land_mu": [12.0, 1.5, None]})
    >>> out = coverage(df, r)
    >>> out.select("enterprise", "segment", "reason").rows()
    [('a', 'all', 'covered'), ('b', None, 'below_land'), ('c', None, 'no_land')]
    >>> out["reason_zh"][1]
    '用地1.5亩，低于评价门槛3亩，不参加亩均评价'
    >>> out["reason_zh"][0]
    '用地12亩（评价门槛3亩），按“全部”方案评价，在该组内单独排名'
    """
    if id_column not in frame.columns:
        raise words.error("common.missing_column", column=id_column)
    land = _num(frame, "land_mu")
    threshold = rules.coverage.min_land_mu
    mu = land.round(2).cast(pl.String).str.strip_suffix(".0")
    seg = _segment_expr(frame, rules)
    industrial = _industrial(frame, rules)
    has_land = (land > 0).fill_null(False)
    enough = has_land if threshold is None else (land >= threshold).fill_null(False)
    reason = (
        pl.when(~industrial)
        .then(pl.lit("not_industrial"))
        .when(~has_land)
        .then(pl.lit("no_land"))
        .when(~enough)
        .then(pl.lit("below_land"))
        .when(seg.is_null())
        .then(pl.lit("no_scheme"))
        .otherwise(pl.lit("covered"))
    )
    fields = words.listing(_applies_fields(rules))
    label_zh: Any = pl.lit(None, dtype=pl.String)
    label_en: Any = pl.lit(None, dtype=pl.String)
    for scheme in rules.schemes:
        here = seg == scheme.id
        label_zh = pl.when(here).then(pl.lit(scheme.label_zh or scheme.id)).otherwise(label_zh)
        label_en = pl.when(here).then(pl.lit(scheme.label_en or scheme.id)).otherwise(label_en)
    t = "" if threshold is None else _mu(threshold)
    covered = "per_mu.covered" if threshold is None else "per_mu.covered_gated"
    gate = {} if threshold is None else {"threshold": t}
    code = (
        pl.col("industry_code").cast(pl.String)
        if "industry_code" in frame.columns
        else pl.lit(None, dtype=pl.String)
    )
    zh, en = (
        pl.when((reason == "not_industrial") & code.is_not_null())
        .then(words.expr("per_mu.not_industrial", lang, code=code))
        .when(reason == "not_industrial")
        .then(words.expr("per_mu.industry_unknown", lang))
        .when(reason == "no_land")
        .then(words.expr("per_mu.no_land", lang))
        .when(reason == "below_land")
        .then(words.expr("per_mu.below_land", lang, mu=mu, threshold=t))
        .when(reason == "no_scheme")
        .then(words.expr("per_mu.no_scheme", lang, fields=fields))
        .otherwise(words.expr(covered, lang, mu=mu, label_zh=label_zh, label_en=label_en, **gate))
        for lang in ("zh", "en")
    )
    return frame.select(
        pl.col(id_column),
        pl.when(reason == "covered").then(seg).otherwise(None).alias("segment"),
        (reason == "covered").alias("covered"),
        reason.alias("reason"),
        zh.alias("reason_zh"),
        en.alias("reason_en"),
    )


def _area_averages(part: pl.DataFrame, scheme: PerMuScheme) -> dict[str, float]:
    """Σ numerator / Σ denominator of each item over the group's firms that have both
    (denominator > 0): the group's own area average, used as the divisor."""
    out: dict[str, float] = {}
    for it in scheme.items:
        num, den = _num(part, it.indicator.numerator), _num(part, it.indicator.denominator)
        ok = num.is_not_null() & (den > 0)
        sums = part.select(
            pl.when(ok).then(num).sum().alias("n"), pl.when(ok).then(den).sum().alias("d")
        ).row(0)
        if not sums[1] or not sums[0] or sums[0] <= 0:
            raise words.error(
                "per_mu.area_average_undefined",
                DataError,
                scheme=scheme.id,
                label_zh=it.indicator.label_zh or it.indicator.id,
                indicator=it.indicator.id,
            )
        out[it.indicator.id] = float(sums[0]) / float(sums[1])
    return out


def evaluate_per_mu(
    frame: pl.DataFrame,
    rules: PerMuRules,
    *,
    id_column: str = "enterprise",
    benchmarks: Mapping[str, Mapping[str, float]] | None = None,
    cap_multiple: float | Literal["rules"] | None = "rules",
    classes: ClassRule | None = None,
) -> pl.DataFrame:
    """Score every enterprise and classify it A/B/C/D within its segment.

    Parameters
    ----------
    frame : polars.DataFrame
        One row per enterprise: ``id_column``, the fields the rules' ``applies_to`` test
        (e.g. ``above_scale``) and the numerators/denominators of the indicators (``tax``,
        ``value_added``, ``revenue``, ``main_revenue``, ``land_mu``, ``energy_tce``,
        ``emissions``, ``employees``, ``rd_spend``, ``electricity`` …; money in 万元).
    rules : PerMuRules
    id_column : str
    benchmarks : mapping, optional
        ``{scheme_id: {indicator_id: value}}`` overriding the rules' divisors (needed
        where the source gives none).
    cap_multiple : float, None or "rules"
        Per-item cap as a multiple of the weight; ``None`` disables; ``"rules"`` (default)
        uses the rule file's setting.
    classes : ClassRule, optional
        Overrides the rule file's classification.

    Returns
    -------
    polars.DataFrame
        ``id_column, segment, value__<indicator>, score__<indicator>, score, rank, class``
        in the input order; ``rank`` is the competition rank within the segment.

    Raises
    ------
    DataError
        A firm matches no segment or uses less land than the rules' ``coverage`` threshold
        (select the covered firms with :func:`coverage` first), or an item with ``missing:
        error`` cannot be computed, or no firm of a segment has data for an ``average`` item.

    Notes
    -----
    s_ij = min(x_ij / b_j × w_j, c × w_j) (no min when no cap c); S_i = Σ_j s_ij. For a
    firm without the data for an ``average`` item, s_ij = mean of s_kj over the firms k of
    its segment that have the data.

    References
    ----------
    .. [1] 台州市黄岩区 2022 年度工业企业亩均效益综合评价（2023-09）,
       https://www.chacewang.com/newsdetail/news430850.html
    .. [2] 临海市工业企业亩均效益评价（2014–2016）, https://wenda.zhifure.com/a/37713.html

    Examples
    --------
    >>> r = per_mu_rules_from_dict({"id": "t", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
    ...     "schemes": [{"id": "all", "items": [{"indicator": "tax_per_mu",
    ...         "benchmark": 10, "weight": 100, "source": "s"}]}],
    ...     "classes": {"method": "score", "thresholds": [120, 80, 60]}})
    >>> df = pl.DataFrame({"enterprise": ["a", "b"], "tax": [150.0, 70.0],
    ...                    "land_mu": [10.0, 10.0]})
    >>> evaluate_per_mu(df, r).select("enterprise", "score", "rank", "class").rows()
    [('a', 150.0, 1, 'A'), ('b', 70.0, 2, 'C')]
    """
    if id_column not in frame.columns:
        raise words.error("common.missing_column", column=id_column)
    cap = rules.cap_multiple if cap_multiple == "rules" else cap_multiple
    overrides = benchmarks or {}
    work = frame.with_row_index("__row").with_columns(_segment_expr(frame, rules).alias("segment"))
    unassigned = work.get_column("segment").is_null()
    if unassigned.any():
        raise words.error(
            "per_mu.unassigned",
            DataError,
            fields=words.listing(_applies_fields(rules)),
            ids=_ids(frame, id_column, unassigned),
        )
    threshold = rules.coverage.min_land_mu
    if threshold is not None:
        below = frame.select(~(_num(frame, "land_mu") >= threshold).fill_null(False)).to_series()
        if below.any():
            raise words.error(
                "per_mu.below_threshold",
                DataError,
                threshold=_mu(threshold),
                rules_zh=rules.name_zh or rules.id,
                rules_en=rules.name_en or rules.id,
                ids=_ids(frame, id_column, below),
            )
    parts = []
    for scheme in rules.schemes:
        part = work.filter(pl.col("segment") == scheme.id)
        if part.height == 0:
            continue
        own = classes or scheme.classes or rules.classes
        bench = overrides
        if rules.divisors == "area_average":
            bench = {scheme.id: {**_area_averages(part, scheme), **overrides.get(scheme.id, {})}}
        parts.append(_score_segment(part, scheme, id_column, bench, cap, own))
    out = pl.concat(parts, how="diagonal_relaxed").sort("__row").drop("__row")
    value_cols = sorted(c for c in out.columns if c.startswith("value__"))
    score_cols = sorted(c for c in out.columns if c.startswith("score__"))
    return out.select(id_column, "segment", *value_cols, *score_cols, "score", "rank", "class")


def _score_segment(
    part: pl.DataFrame,
    scheme: PerMuScheme,
    id_column: str,
    overrides: Mapping[str, Any],
    cap: float | None,
    rule: ClassRule,
) -> pl.DataFrame:
    cols: list[pl.Expr] = [pl.col("__row"), pl.col(id_column), pl.col("segment")]
    scored = part.select(
        *cols,
        *[_ratio(part, it.indicator).alias(f"value__{it.indicator.id}") for it in scheme.items],
    )
    score_exprs = []
    for it in scheme.items:
        bench = _benchmark(it, scheme, overrides)
        raw = pl.col(f"value__{it.indicator.id}") / bench * it.weight
        if cap is not None:
            raw = pl.min_horizontal(raw, pl.lit(cap * it.weight))
        score_exprs.append(raw.alias(f"score__{it.indicator.id}"))
    scored = scored.with_columns(score_exprs)
    fills = []
    fill_values: dict[str, float] = {}
    for it in scheme.items:
        name = f"score__{it.indicator.id}"
        missing = scored.get_column(name).is_null()
        if not missing.any():
            continue
        if it.missing == "error":
            raise words.error(
                "per_mu.not_computable",
                DataError,
                scheme=scheme.id,
                label_zh=it.indicator.label_zh or it.indicator.id,
                indicator=it.indicator.id,
                numerator=it.indicator.numerator,
                denominator=it.indicator.denominator,
                ids=_ids(scored, id_column, missing),
            )
        if it.missing == "zero":
            fill = 0.0
        else:
            mean = scored.get_column(name).mean()
            if mean is None:
                raise words.error(
                    "per_mu.no_average", DataError, scheme=scheme.id, indicator=it.indicator.id
                )
            fill = float(mean)  # type: ignore[arg-type]
        fill_values[it.indicator.id] = fill
        fills.append(pl.col(name).fill_null(fill))
    if fills:
        scored = scored.with_columns(fills)
    scored = scored.with_columns(
        pl.sum_horizontal([pl.col(f"score__{it.indicator.id}") for it in scheme.items]).alias(
            "score"
        )
    )
    if rule.method != "score":
        return assign_classes(scored, rule)
    exact = _exact_near_lines(part, scored, scheme, overrides, cap, rule, fill_values)
    # a score recomputed exactly is also shown as it is (29.0, not 28.999999999999996)
    shown = [None if v is None else float(v) for v in exact]
    scored = scored.with_columns(pl.Series("score", shown, pl.Float64))
    return assign_classes(scored, rule, exact_scores=exact)
