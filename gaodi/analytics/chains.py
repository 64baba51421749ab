"""Diagnosis of one industrial chain (产业链诊断): per-link figures, status 缺链/弱链/强链,
dependency risk, completeness and strength scores, and 补链/强链/延链 recommendations.

Every status and every recommendation carries its reason in words, Chinese and English, with
the numbers the decision used. The functions are pure: the chains service loads the link tree
and the enterprise-link-year rows, calls :func:`diagnose_chain` and renders the result. The
method and its sources are in ``docs/methods/chains.md``.
"""

from __future__ import annotations

import operator
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import polars as pl

from gaodi.analytics.chain_recommend import Recommendation, recommend
from gaodi.analytics.chain_text import (
    MAX_DECIMALS,
    decimals_for,
    join_en,
    join_zh,
    pct,
    pct_factor,
    share_pct,
)
from gaodi.analytics.chain_tree import LinkTree, build_tree, prepare_facts, rollup
from gaodi.analytics.exact import as_written, exact_sum, scaled_integers
from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "Benchmark",
    "ChainDiagnosis",
    "DiagnosisParams",
    "LinkDiagnosis",
    "Recommendation",
    "concentration_level",
    "diagnose_chain",
    "diagnosis_to_polars",
    "hhi",
    "recommendations_to_polars",
    "top_share",
]

Status = Literal["missing", "weak", "strong"]
STATUS_ZH = {
    "missing": words.say("chains.status_missing", "zh"),
    "weak": words.say("chains.status_weak", "zh"),
    "strong": words.say("chains.status_strong", "zh"),
}
RISK_ZH = {
    "none": words.say("chains.risk_none", "zh"),
    "unknown": words.say("chains.risk_unknown", "zh"),
    "low": words.say("chains.risk_low", "zh"),
    "moderate": words.say("chains.risk_moderate", "zh"),
    "high": words.say("chains.risk_high", "zh"),
}
_RISK_RANK = {"low": 0, "moderate": 1, "high": 2}


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Benchmark:
    """What a link's share of chain output is compared with to call it weak.

    ``kind``:
      * ``"median"``: the median share among the chain's *present* links at the same depth;
      * ``"peer"``: the same link's share of the chain in a peer city (``shares`` by link id,
        computed the same way; ``label_zh``/``label_en`` name the city);
      * ``"national"``: the link's share of the national chain (``shares`` by link id).

    Links without a value in ``shares`` are not compared on share (the reason says so).
    """

    kind: Literal["median", "peer", "national"] = "median"
    shares: Mapping[Any, float] = field(default_factory=dict)
    label_zh: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("median", "peer", "national"):
            raise words.error("chains.unknown_benchmark", kind=self.kind)
        if self.kind != "median" and not self.shares:
            raise words.error("chains.benchmark_needs_shares")
        bad = [k for k, v in self.shares.items() if not 0.0 <= v <= 1.0]
        if bad:
            raise words.error("chains.benchmark_shares_range", ids=bad[:5])

    def describe(self) -> tuple[str, str]:
        if self.kind == "median":
            return words.both("chains.benchmark_median")
        if self.kind == "peer":
            return words.both(
                "chains.benchmark_peer",
                city_zh=self.label_zh,
                city_en=self.label_en or self.label_zh,
            )
        return words.both("chains.benchmark_national")


@dataclass(frozen=True)
class DiagnosisParams:
    """Parameters of the diagnosis; defaults and their sources in docs/methods/chains.md.

    ``weak_factor``: a present link is weak when its share < weak_factor x benchmark share.
    ``min_above_scale``: ... or when it has fewer 规上 enterprises than this.
    ``key_link_needs_leader``: ... or when it is a key link without a leader enterprise.
    ``key_weight``: weight of a key link in the completeness and strength scores.
    ``hhi_moderate``/``hhi_high``: HHI above these is moderate/high concentration
    (US DOJ/FTC Horizontal Merger Guidelines 1992 §1.51: 0.10 and 0.18).
    ``top1_moderate``/``top1_high``: top-1 share above 0.25 (EU Merger Regulation
    139/2004 recital 32) / at least 0.5 (反垄断法 第二十四条) is moderate/high.
    ``cultivate_top_n``: enterprises named in a 强链 (cultivate) recommendation.
    """

    benchmark: Benchmark = field(default_factory=Benchmark)
    weak_factor: float = 0.5
    min_above_scale: int = 1
    key_link_needs_leader: bool = True
    key_weight: float = 2.0
    hhi_moderate: float = 0.10
    hhi_high: float = 0.18
    top1_moderate: float = 0.25
    top1_high: float = 0.50
    cultivate_top_n: int = 3

    def __post_init__(self) -> None:
        checks = [
            (self.weak_factor > 0.0, "weak_factor"),
            (self.min_above_scale >= 0, "min_above_scale"),
            (self.key_weight >= 1.0, "key_weight"),
            (0.0 <= self.hhi_moderate <= self.hhi_high <= 1.0, "hhi_moderate/hhi_high"),
            (0.0 <= self.top1_moderate <= self.top1_high <= 1.0, "top1_moderate/top1_high"),
            (self.cultivate_top_n >= 1, "cultivate_top_n"),
        ]
        for ok, name in checks:
            if not ok:
                raise words.error("chains.bad_parameter", name=name)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LinkDiagnosis:
    """One link's figures (over its enterprises and those of its sub-links), status, risk."""

    link_id: Any
    name: str
    segment: str
    parent_id: Any
    depth: int
    key_link: bool
    is_leaf: bool
    enterprises: int
    above_scale: int
    output: float
    output_share: float | None
    leaders: int
    leader_ids: tuple[Any, ...]
    srdi: int
    invention_patents: int
    growth: float | None
    top1_share: float | None
    hhi: float | None
    risk_level: str
    risk_reason_zh: str
    risk_reason_en: str
    benchmark_share: float | None
    threshold_share: float | None
    status: Status
    status_zh: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class ChainDiagnosis:
    """The chain's links, scores and recommendations, with the parameters used."""

    links: tuple[LinkDiagnosis, ...]
    recommendations: tuple[Recommendation, ...]
    completeness: float
    strength: float
    completeness_reason_zh: str
    completeness_reason_en: str
    strength_reason_zh: str
    strength_reason_en: str
    n_scored: int
    n_missing: int
    n_weak: int
    n_strong: int
    chain_output: float
    chain_enterprises: int
    params: DiagnosisParams

    def link(self, link_id: Any) -> LinkDiagnosis:
        for d in self.links:
            if d.link_id == link_id:
                return d
        raise KeyError(link_id)


# --------------------------------------------------------------------------- concentration


def _shares(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.size == 0 or np.any(~np.isfinite(x)) or np.any(x < 0) or x.sum() <= 0:
        raise words.error("chains.concentration_needs_values", DataError)
    return x / x.sum()


def _concentration(values: Sequence[float] | np.ndarray) -> tuple[Fraction, Fraction]:
    """Exact (HHI, top-1 share) of the outputs as written.

    Exact because the classes are decided by comparing with lines (HHI > 0.1): as floats,
    ten equal firms have an HHI of 0.10000000000000003 or 0.09999999999999996 depending on
    their output, so the class would depend on rounding.

    With every output written with at most k decimals (万元 figures have two), the outputs
    are the integers :math:`n_i = 10^k x_i` over :math:`10^k`, which cancels:
    :math:`HHI = \\sum n_i^2 / (\\sum n_i)^2` and :math:`CR_1 = \\max n_i / \\sum n_i`, sums
    of Python integers instead of one fraction per firm (the same fractions, in lowest
    terms). Other values are taken one by one as written."""
    _shares(values)  # the same validation and error as before
    x = np.asarray(values, dtype=float).ravel()
    ints = scaled_integers(x)
    if ints is None:
        exact = [as_written(float(v)) for v in x]
        total = sum(exact, Fraction(0))
        return sum((v * v for v in exact), Fraction(0)) / (total * total), max(exact) / total
    n_total = sum(ints)
    return (
        Fraction(sum(map(operator.mul, ints, ints)), n_total * n_total),
        Fraction(max(ints), n_total),
    )


def hhi(values: Sequence[float] | np.ndarray) -> float:
    """Herfindahl-Hirschman index of non-negative outputs, on the 0..1 scale.

    Notes
    -----
    :math:`HHI = \\sum_i s_i^2`, :math:`s_i = x_i / \\sum_j x_j`; it lies in
    :math:`[1/n, 1]` for :math:`n` enterprises. It is computed exactly from the values as
    written (ten equal values give 0.1, whatever the values) and then rounded to a float.

    References
    ----------
    Hirschman, A. O. (1964), "The paternity of an index", *American Economic Review* 54(5).
    US DOJ and FTC, *Horizontal Merger Guidelines* (1992), §1.5.

    Examples
    --------
    >>> hhi([50, 30, 20]), hhi([7.0] * 10)
    (0.38, 0.1)
    """
    return float(_concentration(values)[0])


def top_share(values: Sequence[float] | np.ndarray) -> float:
    """Share of the largest value (top-1 concentration ratio, CR1), in :math:`[1/n, 1]`.

    Examples
    --------
    >>> top_share([50, 30, 20])
    0.5
    """
    return float(_concentration(values)[1])


def concentration_level(
    hhi_value: float | Decimal | Fraction,
    top1: float | Decimal | Fraction,
    params: DiagnosisParams | None = None,
) -> str:
    """``"low"``, ``"moderate"`` or ``"high"``: the higher of the HHI and top-1 levels.

    The comparison is exact: floats are taken as written (0.1 is the line 0.1, so an HHI of
    exactly 0.1 is not above it), Decimals and Fractions as they are.

    Examples
    --------
    >>> concentration_level(0.38, 0.5), concentration_level(0.12, 0.2)
    ('high', 'moderate')
    >>> concentration_level(0.1, 0.1), concentration_level(Fraction(9, 50), 0.3)
    ('low', 'moderate')
    """
    p = params or DiagnosisParams()
    h, t = as_written(hhi_value), as_written(top1)
    h_high, h_mod = as_written(p.hhi_high), as_written(p.hhi_moderate)
    t_high, t_mod = as_written(p.top1_high), as_written(p.top1_moderate)
    by_hhi = "high" if h > h_high else "moderate" if h > h_mod else "low"
    by_top = "high" if t >= t_high else "moderate" if t > t_mod else "low"
    return by_hhi if _RISK_RANK[by_hhi] >= _RISK_RANK[by_top] else by_top


def _risk(
    row: dict[str, Any], p: DiagnosisParams
) -> tuple[str, str, str, float | None, float | None]:
    if row["enterprises"] == 0:
        return ("none", *words.both("chains.risk_no_enterprise"), None, None)
    if row["output"] <= 0:
        return ("unknown", *words.both("chains.risk_zero_output"), None, None)
    h, top1 = _concentration(row["_outputs"])
    level = concentration_level(h, top1, p)
    zh, en = words.both(
        "chains.risk",
        top1=_apart_pct(_decimal(top1), p.top1_high, p.top1_moderate),
        # 1 as a limit too: an HHI of 1.00 is a single firm, so 0.9954 of ten firms reads 0.995
        hhi=_apart_num(_decimal(h), p.hhi_high, p.hhi_moderate, 1.0),
        n=row["enterprises"],
        level_zh=RISK_ZH[level],
        level=level,
        hhi_high=f"{p.hhi_high:g}",
        top1_high=pct_factor(p.top1_high),
        hhi_moderate=f"{p.hhi_moderate:g}",
        top1_moderate=pct_factor(p.top1_moderate),
    )
    return level, zh, en, float(top1), float(h)


# --------------------------------------------------------------------------- numbers in words


def _apart_pcts(a: Decimal, b: Decimal) -> tuple[str, str]:
    """Two exact shares as percentages, with the decimals it takes to tell them apart when
    they differ (a link's share and the threshold it is compared with)."""
    da, db = decimals_for(100 * a, 1), decimals_for(100 * b, 1)
    while share_pct(a, da) == share_pct(b, db) and a != b and max(da, db) < MAX_DECIMALS:
        da = db = max(da, db) + 1
    return share_pct(a, da), share_pct(b, db)


def _apart_pct(x: Decimal, *limits: float) -> str:
    """``x`` (exact) as a percentage, never shown equal to a limit (as written) it differs
    from."""
    d = decimals_for(100 * x, 1)
    while d < MAX_DECIMALS and any(
        x != _exact(t) and share_pct(x, d) == share_pct(_exact(t), d) for t in limits
    ):
        d += 1
    return share_pct(x, d)


def _apart_num(x: Decimal, *limits: float) -> str:
    """``x`` (an exact HHI) with two decimals, more when that shows it as 0.00 or as a limit
    (as written) it differs from; a value equal to a limit reads as the limit (0.10)."""
    d = decimals_for(x, 2)
    while d < MAX_DECIMALS and any(
        x != _exact(t) and f"{x:.{d}f}" == f"{_exact(t):.{d}f}" for t in limits
    ):
        d += 1
    return f"{x:.{d}f}"


def _decimal(x: Fraction) -> Decimal:
    """An exact fraction as a decimal of :data:`_PRECISION` digits, for showing it."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(x.numerator) / Decimal(x.denominator)


#: Digits of the exact comparison: far beyond a float's 17, so a quotient of stored outputs
#: (2 / 10) is the decimal a reader computes (0.2), not the binary float next to it.
_PRECISION = 60


def _exact(x: float) -> Decimal:
    """A parameter or a given share as written (0.5, 0.1), not its binary float."""
    return Decimal(repr(float(x)))


# --------------------------------------------------------------------------- status


def _status(
    row: dict[str, Any], key: bool, exact_bench: Decimal | None, p: DiagnosisParams
) -> tuple[Status, str, str, float | None]:
    """Status, reasons and the share threshold for one link's aggregated row."""
    n, m, share = row["enterprises"], row["above_scale"], row["output_share"]
    key_zh, key_en = words.both("chains.key_part") if key else ("", "")
    if n == 0:
        return (
            "missing",
            words.say("chains.missing", "zh", key=key_zh),
            words.say("chains.missing", "en", key=key_en),
            None,
        )
    facts_zh, facts_en = words.both("chains.facts_part", n=n, m=m)
    failed: list[tuple[str, str]] = []
    passed: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []  # stated whatever the status
    b_zh, b_en = p.benchmark.describe()
    exact_threshold: Decimal | None = None
    if exact_bench is not None:
        with localcontext() as ctx:  # the factor as written times the exact benchmark
            ctx.prec = _PRECISION
            exact_threshold = _exact(p.weak_factor) * exact_bench
    threshold = None if exact_threshold is None else float(exact_threshold)
    if share is None:
        notes.append(words.both("chains.chain_output_zero_part"))
    elif exact_threshold is None:
        notes.append(words.both("chains.no_benchmark_part", share=share_pct(share)))
    else:
        f = pct_factor(p.weak_factor)
        # decided on the exact decimals, not the floats, so that a link exactly at the
        # threshold is not below it (0.1 x 10/100 is 0.010000000000000002 as floats)
        below = row["exact_share"] < exact_threshold
        code = "chains.share_below_part" if below else "chains.share_not_below_part"
        shown_share, shown_threshold = _apart_pcts(row["exact_share"], exact_threshold)
        compared = {
            "share": shown_share,
            "bench": share_pct(exact_bench or Decimal(0)),
            "factor": f,
            "threshold": shown_threshold,
        }
        (failed if below else passed).append(
            (
                words.say(code, "zh", benchmark=b_zh, **compared),
                words.say(code, "en", benchmark=b_en, **compared),
            )
        )
    if m < p.min_above_scale:
        failed.append(words.both("chains.few_above_scale_part", m=m, minimum=p.min_above_scale))
    if key and p.key_link_needs_leader:
        if row["leaders"] == 0:
            failed.append(words.both("chains.no_leader_part"))
        else:
            passed.append(words.both("chains.leaders_part", n=row["leaders"]))
    if failed:
        return (
            "weak",
            words.say(
                "chains.weak",
                "zh",
                facts=join_zh([facts_zh + key_zh, *(z for z, _ in notes + failed)]),
            ),
            words.say(
                "chains.weak",
                "en",
                facts=join_en([facts_en + key_en, *(e for _, e in notes + failed)]),
            ),
            threshold,
        )
    return (
        "strong",
        words.say(
            "chains.strong",
            "zh",
            facts=join_zh([facts_zh + key_zh, *(z for z, _ in notes + passed)]),
        ),
        words.say(
            "chains.strong",
            "en",
            facts=join_en([facts_en + key_en, *(e for _, e in notes + passed)]),
        ),
        threshold,
    )


def _aggregate(tree: LinkTree, rows: pl.DataFrame, multi: bool) -> dict[Any, dict]:
    """Per link, figures over the distinct enterprises of the link and its descendants."""
    rolled = rollup(tree, rows, multi)
    ok = (
        pl.col("output").is_not_null()
        & pl.col("output_prev").is_not_null()
        & (pl.col("output_prev") > 0)
    )
    agg = rolled.group_by("node_id").agg(
        pl.len().alias("enterprises"),
        pl.col("above_scale").sum(),
        pl.col("output").fill_null(0.0).sum(),
        pl.col("output").fill_null(0.0).alias("_outputs"),
        pl.col("is_leader").sum().alias("leaders"),
        pl.col("enterprise_id").filter(pl.col("is_leader")).sort().alias("leader_ids"),
        pl.col("is_srdi").sum().alias("srdi"),
        pl.col("invention_patents").fill_null(0).sum(),
        pl.col("output").filter(ok).sum().alias("_g_now"),
        pl.col("output_prev").filter(ok).sum().alias("_g_prev"),
    )
    by_node = {r["node_id"]: r for r in agg.to_dicts()}
    empty: dict[str, Any] = {
        "enterprises": 0,
        "above_scale": 0,
        "output": 0.0,
        "_outputs": [],
        "leaders": 0,
        "leader_ids": [],
        "srdi": 0,
        "invention_patents": 0,
        "_g_now": 0.0,
        "_g_prev": 0.0,
    }
    return {lid: by_node.get(lid, {**empty, "node_id": lid}) for lid in tree.order}


# --------------------------------------------------------------------------- diagnosis


def diagnose_chain(
    links: pl.DataFrame, facts: pl.DataFrame, params: DiagnosisParams | None = None
) -> ChainDiagnosis:
    """Diagnose one chain from its link tree and its enterprises' figures for one year.

    Parameters
    ----------
    links : pl.DataFrame
        ``link_id`` (unique), ``parent_id`` (null for a top-level link), ``segment``
        ("up"/"mid"/"down"), ``name``, ``key_link`` (bool, optional).
    facts : pl.DataFrame
        One row per (enterprise, link) assignment: ``enterprise_id, link_id, output`` (万元)
        and optionally ``name, revenue, above_scale, is_leader, is_srdi,
        invention_patents, output_prev``. Enterprise figures must agree across its rows.
    params : DiagnosisParams, optional

    Returns
    -------
    ChainDiagnosis

    Notes
    -----
    A link's figures are over the distinct enterprises assigned to it or to any of its
    sub-links; chain output :math:`O` sums the chain's distinct enterprises once, and a
    link's share is :math:`s_l = O_l / O` (shares may sum to more than 1 when an enterprise
    sits in several links). Growth is :math:`\\sum o / \\sum o_{prev} - 1` over enterprises
    reporting both years. Status: **missing** if the link has no enterprise; **weak** if
    :math:`s_l < f\\,b_l` (benchmark share :math:`b_l`, factor :math:`f`), or it has fewer than
    ``min_above_scale`` 规上 enterprises, or it is a key link without a leader; otherwise
    **strong**. Risk: top-1 share :math:`\\max_i o_i / O_l` and :math:`HHI=\\sum_i
    (o_i/O_l)^2`. Scores over leaf links with weight :math:`w_l` (``key_weight`` for key
    links, a sub-link inheriting its ancestors' key flag, else 1): completeness
    :math:`C=\\sum w_l [n_l>0] / \\sum w_l`, strength :math:`S=\\sum w_l [\\text{strong}_l] /
    \\sum w_l`.

    References
    ----------
    See ``docs/methods/chains.md``; thresholds: US DOJ/FTC Horizontal Merger Guidelines
    (1992) §1.51, EU Merger Regulation 139/2004 recital 32, 《反垄断法》(2022) 第二十四条.

    Examples
    --------
    >>> links = pl.DataFrame({"link_id": ["a", "b"], "parent_id": [None, None],
    ...                       "segment": ["up", "mid"], "name": ["液压件", "整机"]})
    >>> facts = pl.DataFrame({"enterprise_id": [1], "link_id": ["b"], "output": [100.0],
    ...                       "above_scale": [True]})
    >>> d = diagnose_chain(links, facts)
    >>> [(x.link_id, x.status) for x in d.links], d.completeness
    ([('a', 'missing'), ('b', 'strong')], 0.5)
    >>> d.link("a").reason_zh
    '本地无企业（0家），判定为缺链'
    """
    p = params or DiagnosisParams()
    tree = build_tree(links)
    ents, facts_rows, multi = prepare_facts(facts, tree)
    rows = _aggregate(tree, facts_rows, multi)
    # summed as written, not as floats: the shares are compared with lines exactly
    exact_chain = exact_sum(ents["output"].fill_null(0.0).to_numpy())
    chain_output = float(exact_chain)
    for r in rows.values():
        exact_output = exact_sum(r["_outputs"])
        r["output"] = float(exact_output)
        r["output_share"] = float(exact_output / exact_chain) if exact_chain > 0 else None
        r["exact_share"] = _share(exact_output, exact_chain)

    bench = _benchmarks(tree, rows, p)
    diags: list[LinkDiagnosis] = []
    for lid in tree.order:
        node, r = tree.nodes[lid], rows[lid]
        status, zh, en, threshold = _status(r, tree.effective_key(lid), bench.get(lid), p)
        level, rzh, ren, top1, h = _risk(r, p)
        growth = r["_g_now"] / r["_g_prev"] - 1.0 if r["_g_prev"] > 0 else None
        diags.append(
            LinkDiagnosis(
                link_id=lid,
                name=node.name,
                segment=node.segment,
                parent_id=node.parent_id,
                depth=node.depth,
                key_link=node.key_link,
                is_leaf=not node.children,
                enterprises=int(r["enterprises"]),
                above_scale=int(r["above_scale"]),
                output=float(r["output"]),
                output_share=r["output_share"],
                leaders=int(r["leaders"]),
                leader_ids=tuple(r["leader_ids"]),
                srdi=int(r["srdi"]),
                invention_patents=int(r["invention_patents"]),
                growth=growth,
                top1_share=top1,
                hhi=h,
                risk_level=level,
                risk_reason_zh=rzh,
                risk_reason_en=ren,
                benchmark_share=None if lid not in bench else float(bench[lid]),
                threshold_share=threshold,
                status=status,
                status_zh=STATUS_ZH[status],
                reason_zh=zh,
                reason_en=en,
            )
        )
    by_id = {d.link_id: d for d in diags}
    scores = _scores(tree, by_id, p)
    recs = recommend(tree, by_id, facts_rows, multi, p.cultivate_top_n)
    leaves = [by_id[lid] for lid in tree.leaves]
    return ChainDiagnosis(
        links=tuple(diags),
        recommendations=tuple(recs),
        **scores,
        n_scored=len(leaves),
        n_missing=sum(d.status == "missing" for d in leaves),
        n_weak=sum(d.status == "weak" for d in leaves),
        n_strong=sum(d.status == "strong" for d in leaves),
        chain_output=chain_output,
        chain_enterprises=ents.height,
        params=p,
    )


def _share(output: Fraction, chain_output: Fraction) -> Decimal | None:
    """A link's share O_l / O of the exact sums, in decimals of :data:`_PRECISION` digits
    (exact when the share ends within them; None when the chain has no output)."""
    if chain_output <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(output.numerator * chain_output.denominator) / Decimal(
            output.denominator * chain_output.numerator
        )


def _benchmarks(tree: LinkTree, rows: dict[Any, dict], p: DiagnosisParams) -> dict[Any, Decimal]:
    """Each link's benchmark share, in exact decimals (the median of the exact shares, or
    the given share as written)."""
    if p.benchmark.kind != "median":
        return {
            lid: _exact(p.benchmark.shares[lid]) for lid in tree.order if lid in p.benchmark.shares
        }
    out: dict[Any, Decimal] = {}
    for depth in {n.depth for n in tree.nodes.values()}:
        same = [lid for lid in tree.order if tree.nodes[lid].depth == depth]
        present = [
            rows[lid]["exact_share"]
            for lid in same
            if rows[lid]["enterprises"] > 0 and rows[lid]["exact_share"] is not None
        ]
        if present:
            with localcontext() as ctx:
                ctx.prec = _PRECISION
                med = statistics.median(present)
            out.update({lid: med for lid in same})
    return out


def _scores(tree: LinkTree, by_id: dict[Any, LinkDiagnosis], p: DiagnosisParams) -> dict:
    w = {lid: (p.key_weight if tree.effective_key(lid) else 1.0) for lid in tree.leaves}
    total = sum(w.values())
    n, nk = len(w), sum(1 for lid in w if tree.effective_key(lid))
    out: dict[str, Any] = {}
    for name, test, which in (
        ("completeness", lambda d: d.status != "missing", "chains.leaves_with_enterprises_part"),
        ("strength", lambda d: d.status == "strong", "chains.leaves_strong_part"),
    ):
        hit = [lid for lid in w if test(by_id[lid])]
        hk = sum(1 for lid in hit if tree.effective_key(lid))
        num = sum(w[lid] for lid in hit)
        value = num / total
        out[name] = value
        figures = {
            "n": n,
            "hit": len(hit),
            "nk": nk,
            "hk": hk,
            "weight": f"{p.key_weight:g}",
            "num": f"{num:g}",
            "total": f"{total:g}",
            "value": pct(value),
        }
        for lang in ("zh", "en"):
            out[f"{name}_reason_{lang}"] = words.say(
                "chains.score", lang, which=words.say(which, lang), **figures
            )
    return out


# --------------------------------------------------------------------------- frames


def diagnosis_to_polars(diag: ChainDiagnosis) -> pl.DataFrame:
    """One row per link, every field of :class:`LinkDiagnosis` a column."""
    rows = [asdict(d) | {"leader_ids": list(d.leader_ids)} for d in diag.links]
    return pl.DataFrame(rows, infer_schema_length=None)


def recommendations_to_polars(diag: ChainDiagnosis) -> pl.DataFrame:
    """One row per recommendation, every field of :class:`Recommendation` a column."""
    rows = [
        asdict(r)
        | {"enterprise_ids": list(r.enterprise_ids), "related_link_ids": list(r.related_link_ids)}
        for r in diag.recommendations
    ]
    if not rows:
        return pl.DataFrame(schema={f: pl.String for f in Recommendation.__dataclass_fields__})
    return pl.DataFrame(rows, infer_schema_length=None)
