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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any, Literal

import polars as pl

from gaodi.analytics.ruleset_frame import compare_expr
from gaodi.analytics.ruleset_model import OPS, Condition
from gaodi.core import words
from gaodi.core.errors import DataError, GaodiError

__all__ = [
    "ClassRule",
    "Coverage",
    "Indicator",
    "PerMuItem",
    "PerMuRules",
    "PerMuScheme",
    "aggregate_parks",
    "assign_classes",
    "coverage",
    "evaluate_per_mu",
    "per_mu_rules_from_dict",
]

MissingPolicy = Literal["error", "average", "zero"]
CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Indicator:
    id: str
    numerator: str
    denominator: str
    unit: str = ""
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class PerMuItem:
    indicator: Indicator
    weight: float
    benchmark: float | None
    missing: MissingPolicy = "error"
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class PerMuScheme:
    id: str
    label_zh: str
    label_en: str
    applies_to: tuple[Condition, ...]
    items: tuple[PerMuItem, ...]
    #: the group's own class shares (e.g. 温岭: 规下 A 5 %), else the rule file's
    classes: ClassRule | None = None


@dataclass(frozen=True)
class ClassRule:
    """A/B/C/D classification within each segment.

    ``method="rank_share"``: ``thresholds`` are the shares of firms (best first) in A, B
    and C; D is the rest. ``method="score"``: ``thresholds`` are the minimum scores for A,
    B and C; D is below.
    """

    method: Literal["rank_share", "score"]
    thresholds: tuple[float, float, float]
    configurable: bool = True
    source: str = ""


@dataclass(frozen=True)
class Coverage:
    """Which firms the evaluation covers: those using at least ``min_land_mu`` 亩 of land
    (``None``: every firm with land). ``source`` names the rule file's source of the value.
    ``industrial_only``: only 工业 firms (the frame's ``is_industrial`` is true: GB/T 4754
    sections B, C, D), as in schemes that evaluate 工业企业; ``industrial_source`` cites it."""

    min_land_mu: float | None = None
    source: str = ""
    note: str = ""
    industrial_only: bool = False
    industrial_source: str = ""


@dataclass(frozen=True)
class PerMuRules:
    id: str
    version: str
    name_zh: str
    name_en: str
    schemes: tuple[PerMuScheme, ...]
    classes: ClassRule
    sources: Mapping[str, Mapping[str, Any]]
    cap_multiple: float | None = None
    status: str = "confirmed"
    region: str = ""
    year: int | None = None
    notes: tuple[str, ...] = ()
    #: the method in a reader's words, (zh, en) per note: what pages show (``notes`` are the
    #: maintainers' sources and reasoning, in English)
    reader_notes: tuple[tuple[str, str], ...] = ()
    coverage: Coverage = Coverage()
    #: ``scheme``: the file's divisors; ``area_average``: each group's own area average of
    #: the indicator (Σ numerator / Σ denominator over its evaluated firms), the way 黄岩's
    #: divisors were made from 黄岩's firms
    divisors: Literal["scheme", "area_average"] = "scheme"

    def scheme(self, scheme_id: str) -> PerMuScheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        raise words.error("per_mu.no_such_scheme", scheme=scheme_id)


def _class_rule(cls: Mapping[str, Any], where: str, sources: Mapping[str, Any]) -> ClassRule:
    method = str(cls.get("method", "rank_share"))
    th = tuple(float(t) for t in cls.get("thresholds", ()))
    if method not in ("rank_share", "score") or len(th) != 3:
        raise _bad("per_mu.rules_classes", where)
    if method == "rank_share" and (min(th) < 0 or sum(th) > 1):
        raise _bad("per_mu.rules_class_shares", where)
    if method == "score" and not th[0] >= th[1] >= th[2]:
        raise _bad("per_mu.rules_class_cutoffs", where)
    src = str(cls.get("source", ""))
    if src and src not in sources:
        raise _bad("per_mu.rules_class_source", where, source=src)
    return ClassRule(
        method=method,  # type: ignore[arg-type]
        thresholds=(th[0], th[1], th[2]),
        configurable=bool(cls.get("configurable", True)),
        source=src,
    )


def _bad(code: str, where: str, **params: Any) -> GaodiError:
    """The rule-file flaw ``code`` at ``where`` (the file's id, or id.scheme)."""
    return words.error(code, where=where, **params)


def per_mu_rules_from_dict(data: Mapping[str, Any]) -> PerMuRules:
    """Validate a 亩均 rule file given as plain data.

    Examples
    --------
    >>> r = per_mu_rules_from_dict({"id": "t", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
    ...     "schemes": [{"id": "all", "items": [{"indicator": "tax_per_mu",
    ...         "benchmark": 10, "weight": 100, "source": "s"}]}],
    ...     "classes": {"method": "score", "thresholds": [120, 80, 60]}})
    >>> r.schemes[0].items[0].indicator.numerator, r.classes.thresholds
    ('tax', (120.0, 80.0, 60.0))
    """
    rid = str(data.get("id", "?"))
    sources = dict(data.get("sources") or {})
    if not sources:
        raise _bad("per_mu.rules_no_sources", rid)
    indicators = {
        k: Indicator(
            id=k,
            numerator=str(v["numerator"]),
            denominator=str(v["denominator"]),
            unit=str(v.get("unit", "")),
            label_zh=str(v.get("label_zh", "")),
            label_en=str(v.get("label_en", "")),
        )
        for k, v in (data.get("indicators") or {}).items()
    }
    schemes = []
    for s in data.get("schemes") or ():
        sid = str(s["id"])
        conds = []
        for c in s.get("applies_to") or ():
            if c.get("op") not in OPS:
                raise _bad("per_mu.rules_bad_operator", f"{rid}.{sid}")
            conds.append(Condition(str(c["metric"]), str(c["op"]), c.get("threshold")))
        items = []
        for it in s.get("items") or ():
            ind = indicators.get(str(it.get("indicator")))
            if ind is None:
                raise _bad("per_mu.rules_undefined_indicator", f"{rid}.{sid}")
            missing = str(it.get("missing", "error"))
            if missing not in ("error", "average", "zero"):
                raise _bad("per_mu.rules_bad_missing", f"{rid}.{sid}")
            bench = it.get("benchmark")
            if bench is not None and float(bench) <= 0:
                raise _bad("per_mu.rules_benchmark_positive", f"{rid}.{sid}")
            src = str(it.get("source", ""))
            if src not in sources:
                raise _bad("per_mu.rules_undefined_source", f"{rid}.{sid}", source=src)
            items.append(
                PerMuItem(
                    indicator=ind,
                    weight=float(it["weight"]),
                    benchmark=None if bench is None else float(bench),
                    missing=missing,  # type: ignore[arg-type]
                    source=src,
                    note=str(it.get("note", "")),
                )
            )
        if not items:
            raise _bad("per_mu.rules_scheme_no_items", f"{rid}.{sid}")
        own = s.get("classes")
        schemes.append(
            PerMuScheme(
                id=sid,
                label_zh=str(s.get("label_zh", "")),
                label_en=str(s.get("label_en", "")),
                applies_to=tuple(conds),
                items=tuple(items),
                classes=None if own is None else _class_rule(own, f"{rid}.{sid}", sources),
            )
        )
    if not schemes:
        raise _bad("per_mu.rules_no_schemes", rid)
    rule = _class_rule(data.get("classes") or {}, rid, sources)
    cap = data.get("cap_multiple")
    if cap is not None and float(cap) <= 0:
        raise _bad("per_mu.rules_cap_positive", rid)
    cov = data.get("coverage") or {}
    min_land = cov.get("min_land_mu")
    if min_land is not None and not float(min_land) > 0:
        raise _bad("per_mu.rules_min_land_positive", rid)
    cov_source = str(cov.get("source", ""))
    if min_land is not None and cov_source not in sources:
        raise _bad("per_mu.rules_coverage_source", rid, source=cov_source)
    industrial_only = bool(cov.get("industrial_only", False))
    industrial_source = str(cov.get("industrial_source", ""))
    if industrial_only and industrial_source not in sources:
        raise _bad("per_mu.rules_coverage_source", rid, source=industrial_source)
    year = data.get("year")
    divisors = str(data.get("divisors", "scheme"))
    if divisors not in ("scheme", "area_average"):
        raise _bad("per_mu.rules_divisors", rid)
    return PerMuRules(
        id=rid,
        version=str(data.get("version", "")),
        name_zh=str(data.get("name_zh", "")),
        name_en=str(data.get("name_en", "")),
        schemes=tuple(schemes),
        classes=rule,
        sources=sources,
        cap_multiple=None if cap is None else float(cap),
        status=str(data.get("status", "confirmed")),
        region=str(data.get("region", "")),
        year=None if year is None else int(year),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        reader_notes=tuple(
            (str(n.get("zh", "")), str(n.get("en", ""))) for n in data.get("reader_notes") or ()
        ),
        divisors=divisors,  # type: ignore[arg-type]
        coverage=Coverage(
            min_land_mu=None if min_land is None else float(min_land),
            source=cov_source,
            note=str(cov.get("note", "")),
            industrial_only=industrial_only,
            industrial_source=industrial_source,
        ),
    )


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


def _ids(frame: pl.DataFrame, id_column: str, mask: pl.Series, limit: int = 5) -> str:
    ids = frame.filter(mask).get_column(id_column).head(limit).cast(pl.String).to_list()
    return words.listing(ids, limit, int(mask.sum()))


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


def _applies_fields(rules: PerMuRules) -> list[str]:
    industrial = {"is_industrial"} if rules.coverage.industrial_only else set()
    return sorted({c.metric for s in rules.schemes for c in s.applies_to} | industrial)


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


#: A float score this close (relative) to a class line is recomputed exactly; a few float
#: operations err by ~1e-15 relative, so a score further away is on the right side already.
_NEAR_LINE = 1e-9


def _exact(x: Any) -> Fraction | None:
    """A finite figure as the exact rational it reads as (0.29 is 29/100, not the binary
    float next to it); None when missing or not finite."""
    if x is None:
        return None
    f = float(x)
    return Fraction(Decimal(repr(f))) if math.isfinite(f) else None


def _exact_near_lines(
    part: pl.DataFrame,
    scored: pl.DataFrame,
    scheme: PerMuScheme,
    overrides: Mapping[str, Any],
    cap: float | None,
    rule: ClassRule,
    fill_values: Mapping[str, float],
) -> list[Any]:
    """The scores to compare with the ``score`` lines: the float score, or, for a firm
    whose float score is within :data:`_NEAR_LINE` of a line, the exact sum of its items
    (figures, benchmark, weight and cap as written; a missing item's fill as computed)."""
    scores: list[Any] = scored.get_column("score").to_list()
    lines = [float(t) for t in rule.thresholds]
    near = [
        i
        for i, v in enumerate(scores)
        if v is not None
        and math.isfinite(v)
        and any(abs(v - t) <= _NEAR_LINE * max(1.0, abs(t)) for t in lines)
    ]
    if not near:
        return scores
    rows = part[near]
    totals = [Fraction(0)] * len(near)
    for it in scheme.items:
        bench, weight = _exact(_benchmark(it, scheme, overrides)), _exact(it.weight)
        ceiling = None if cap is None else _exact(cap) * weight  # type: ignore[operator]
        fill = _exact(fill_values.get(it.indicator.id, 0.0))
        pairs = rows.select(
            _num(rows, it.indicator.numerator), _num(rows, it.indicator.denominator)
        ).rows()
        for k, (n, d) in enumerate(pairs):
            num, den = _exact(n), _exact(d)
            if num is None or den is None or den <= 0:
                item = fill
            else:
                item = num / den / bench * weight  # type: ignore[operator]
                item = item if ceiling is None else min(item, ceiling)
            totals[k] += item  # type: ignore[operator]
    for k, i in enumerate(near):
        scores[i] = totals[k]
    return scores


def class_sizes(shares: Sequence[float], n: int) -> tuple[int, int, int]:
    """(n_A, n_C, n_D): the stated shares of n firms rounded down, in decimals.

    Examples
    --------
    >>> class_sizes((0.2, 0.6, 0.15), 7), class_sizes((0.2, 0.6, 0.15), 20)
    ((1, 1, 0), (4, 3, 1))
    """
    a, _b, c = (Decimal(repr(float(t))) for t in shares)
    d = Decimal(1) - sum((Decimal(repr(float(t))) for t in shares), Decimal(0))
    return tuple(int((share * n).to_integral_value(rounding=ROUND_FLOOR)) for share in (a, c, d))  # type: ignore[return-value]


def assign_classes(
    frame: pl.DataFrame,
    rule: ClassRule,
    score_column: str = "score",
    *,
    exact_scores: Sequence[Any] | None = None,
) -> pl.DataFrame:
    """Add ``rank`` (competition rank, best = 1) and ``class`` (A–D) to a scored frame.

    Notes
    -----
    ``rank_share`` with shares (a, b, c) of A, B, C and d = 1 − a − b − c of D, n firms:
    the class sizes are the stated shares of n **rounded down**, computed in decimals —
    n_A = ⌊a·n⌋, n_C = ⌊c·n⌋, n_D = ⌊d·n⌋ — and B, the ordinary class, holds the rest. So the
    rewarded class (A) and the classes that carry restrictions (C, D) never exceed the share
    the scheme states (20 % of 7 firms is 1 firm, not 2). With competition rank r (best = 1;
    tied firms share the best rank): A when r ≤ n_A; D when r > n − n_D; C when
    r > n − n_D − n_C; else B. Tied firms share the better class, so a tie across a boundary
    can make A larger (or C, D smaller) than its share. ``score``: A when S ≥ t_A, B when
    S ≥ t_B, C when S ≥ t_C, else D, compared exactly with the lines as written: S is
    ``exact_scores`` (one per row, as :func:`evaluate_per_mu` computes them) when given,
    else the ``score_column`` value as written, so a score exactly on a line is in the
    upper class.

    References
    ----------
    .. [1] 浙政发〔2018〕5号 and Zhejiang city rules, as summarised (uncertain, general
       knowledge) in Gaodi's reference facts §5: firms are ranked by total score into
       A/B/C/D; the cut-offs are set locally, hence configurable here.

    Examples
    --------
    >>> df = pl.DataFrame({"score": [90.0, 70.0, 70.0, 10.0]})
    >>> rule = ClassRule("rank_share", (0.25, 0.25, 0.25))
    >>> assign_classes(df, rule).select("rank", "class").rows()
    [(1, 'A'), (2, 'B'), (2, 'B'), (4, 'D')]
    >>> seven = pl.DataFrame({"score": [7.0, 6, 5, 4, 3, 2, 1]})
    >>> assign_classes(seven, ClassRule("rank_share", (0.2, 0.6, 0.15)))["class"].to_list()
    ['A', 'B', 'B', 'B', 'B', 'B', 'C']
    >>> lines = pl.DataFrame({"score": [80.0, 79.99, 29.0, 0.3]})
    >>> assign_classes(lines, ClassRule("score", (120, 80, 29)))["class"].to_list()
    ['B', 'C', 'C', 'D']
    """
    n = frame.height
    rank = pl.col(score_column).rank(method="min", descending=True).cast(pl.Int64)
    a, b, c = rule.thresholds
    cls: pl.Expr | pl.Series
    if rule.method == "rank_share":
        n_a, n_c, n_d = class_sizes(rule.thresholds, n)
        cls = (
            pl.when(rank <= n_a)
            .then(pl.lit("A"))
            .when(rank > n - n_d)
            .then(pl.lit("D"))
            .when(rank > n - n_d - n_c)
            .then(pl.lit("C"))
            .otherwise(pl.lit("B"))
        )
    else:
        scores = (
            frame.get_column(score_column).to_list() if exact_scores is None else list(exact_scores)
        )
        lines = [(_exact(t), k) for t, k in zip((a, b, c), "ABC", strict=True)]

        def cls_of(v: Any) -> str:
            if isinstance(v, float):  # a float as written; infinity compares as it is
                v = _exact(v) if math.isfinite(v) else None if math.isnan(v) else v
            # a missing score is below every line (D), as the float comparison had it
            return next((k for t, k in lines if v is not None and v >= t), "D")

        cls = pl.Series([cls_of(v) for v in scores], dtype=pl.String)
    return frame.with_columns(rank.alias("rank")).with_columns(cls.alias("class"))


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
