"""Parks use cases: 亩均效益 evaluation of enterprises and parks, tiers toward the plan's
千亿/3000亿 targets with years to reach them, the 两主一特/一主一特 positioning check, and the
enterprise list of one park.

The evaluation ranks every enterprise of the city with a versioned rule set
(``gaodi/analytics/rules/per_mu/*.yaml``, :func:`gaodi.analytics.per_mu.evaluate_per_mu`); park
indicators are park totals over the enterprises' land (:func:`aggregate_parks`). What a user
sees is filtered with ``restrict``: a park office gets its own parks' rows (another park answers
404) and, in enterprise lists, only the enterprises it may read.

Enterprises are evaluated when the rule set covers them (land at or above its
``coverage.min_land_mu``, 3 亩 in the default rules), they match a scheme of the rule set (规上
and 规下 are separate schemes, each its own ranking), and they report every figure an item with
``missing: error`` needs; the others are counted by reason in ``not_evaluated`` (never scored
silently) and every firm, in or out, carries its reason in Chinese and English.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from gaodi.analytics import above_scale
from gaodi.analytics.per_mu import PerMuRules, aggregate_parks, coverage, evaluate_per_mu
from gaodi.analytics.rulefiles import list_per_mu_rules, load_per_mu_rules
from gaodi.core import clock, dataset
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.memo import Memo
from gaodi.core.pagination import page_count, window
from gaodi.core.permissions import Principal, require
from gaodi.core.provenance import citation_of, computed_at
from gaodi.parks import loaders, standing, tiers
from gaodi.parks.models import Park
from gaodi.parks.schemas import (
    EnterpriseRow,
    ExcludedRow,
    IndicatorInfo,
    ParkEnterprises,
    ParkEvaluation,
    ParkRef,
    ParkRow,
    Positioning,
    Provenance,
)
from gaodi.parks.words import english_terms
from gaodi.regions.panel import home_city

__all__ = [
    "Evaluation",
    "compute",
    "evaluate",
    "evaluated_enterprises",
    "excluded_enterprises",
    "excluded_summary",
    "get_park",
    "indicators",
    "park_enterprises",
    "schemes",
]

CLASSES = ("A", "B", "C", "D")
Benchmarks = Mapping[str, Mapping[str, float]]

#: The city's 亩均 evaluations (:func:`compute`), shared by the map and the parks pages: exact
#: while the data version is the same (it is in the key); the age only bounds memory held by
#: evaluations nobody asks for any more.
EVALUATION_SECONDS = 600.0


@dataclass(frozen=True)
class Evaluation:
    """One city-wide evaluation (the input of the result views; compute it once per request
    with :func:`compute` and pass it as ``state=`` to several views)."""

    rules: PerMuRules
    year: int | None
    frame: pl.DataFrame
    evaluated: pl.DataFrame
    reasons: Counter[str]
    #: The firms left out: ``enterprise_id, park_id, land_mu, reason, reason_zh, reason_en``.
    excluded: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: :func:`gaodi.parks.loaders.output_by_park` read with the evaluation (city-wide, so kept
    #: with it per data version); None: read it when needed.
    outputs: pl.DataFrame | None = None


EVALUATIONS: Memo[Evaluation] = Memo(max_entries=8, max_age=EVALUATION_SECONDS)


def compute(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    scheme: str = "default",
    benchmarks: Benchmarks | None = None,
) -> Evaluation:
    """Evaluate every enterprise of the city for ``year`` (default: the latest) with the rule
    set ``scheme``; the principal must be allowed to read parks."""
    require(principal, "read", "park")
    rules = _rules(scheme)
    year = _year(session, year)
    if year is None:
        empty = pl.DataFrame()
        return Evaluation(rules, None, empty, empty, Counter())
    if benchmarks is not None:  # a caller's own benchmarks: not shared
        frame, evaluated, reasons, excluded = _evaluate_frame(session, rules, year, benchmarks)
        return Evaluation(rules, year, frame, evaluated, reasons, excluded)
    from gaodi.audit.service import data_version

    # the evaluation covers the whole city whoever asks (the principal only gates it, above;
    # the views narrow it to the viewer's parks): one entry per database, scheme, year and
    # data version, computed once even when many requests miss it together
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        scheme,
        year,
        data_version(session),
    )

    def build() -> Evaluation:
        frame, evaluated, reasons, excluded = _evaluate_frame(session, rules, year, None)
        outputs = loaders.output_by_park(session)
        return Evaluation(rules, year, frame, evaluated, reasons, excluded, outputs)

    shared = EVALUATIONS.get(key, build)
    # frames are immutable; the Counter is not: each caller gets its own
    return replace(shared, reasons=Counter(shared.reasons))


def schemes() -> list[str]:
    """The shipped 亩均 rule sets (``default``, ``huangyan_2022``, ``linhai_2016`` …)."""
    return list_per_mu_rules()


def _rules(scheme: str) -> PerMuRules:
    if scheme not in schemes():
        raise ValidationError(
            f"没有名为“{scheme}”的亩均评价方案（可用：{'、'.join(schemes())}）。",
            f"No per-mu scheme '{scheme}' (available: {', '.join(schemes())}).",
            field="scheme",
        )
    return load_per_mu_rules(scheme)


def _fields(rules: PerMuRules) -> set[str]:
    out = {c.metric for s in rules.schemes for c in s.applies_to}
    for s in rules.schemes:
        for it in s.items:
            out |= {it.indicator.numerator, it.indicator.denominator}
    return out


def _year(session: Session, year: int | None) -> int | None:
    years = loaders.years(session)
    if not years:
        return None
    if year is None:
        return years[-1]
    if year not in years:
        raise NotFoundError(
            f"没有 {year} 年的企业数据（可用：{', '.join(map(str, years))}）。",
            f"No enterprise figures for {year} (available: {', '.join(map(str, years))}).",
            field="year",
        )
    return year


def prepare(frame: pl.DataFrame, rules: PerMuRules) -> tuple[pl.DataFrame, Counter[str]]:
    """The enterprises that can be evaluated, and counts of the others by reason:
    ``not_industrial`` (an industrial-only scheme and a firm outside GB/T 4754 sections B, C,
    D, or of unknown industry), ``no_land`` (no land or 0 亩), ``below_land`` (under the
    rules' land threshold), ``no_scheme`` (matches no scheme), ``missing:<indicator>`` (an
    item with ``missing: error`` lacks its numerator or a positive denominator)."""
    ok, reasons, _excluded = screen(frame, rules)
    return ok.drop("reason_zh", "reason_en"), reasons


def screen(
    frame: pl.DataFrame, rules: PerMuRules
) -> tuple[pl.DataFrame, Counter[str], pl.DataFrame]:
    """:func:`prepare` with every firm's reason: (the firms to evaluate, with ``reason_zh``
    and ``reason_en`` saying which group ranks them; counts of the others by reason; the
    others with ``enterprise_id, park_id, land_mu, reason, reason_zh, reason_en``)."""
    cov = coverage(frame, rules, id_column="enterprise_id").drop("enterprise_id")
    work = pl.concat([frame, cov.rename({"segment": "__segment"})], how="horizontal")
    # each covered firm is left out for the first item (in rule order) with ``missing: error``
    # of its scheme that it cannot compute: the item's position is found with booleans and
    # the words are looked up once per item, not built as strings for every firm of the city
    codes: list[str] = []
    words_zh: list[str] = []
    words_en: list[str] = []
    first: Any = pl.lit(None, dtype=pl.Int64)
    for scheme in rules.schemes:
        for it in scheme.items:
            if it.missing != "error":
                continue
            num, den = it.indicator.numerator, it.indicator.denominator
            ok = (
                (pl.col(num).is_not_null() & (pl.col(den) > 0)).fill_null(False)
                if num in work.columns and den in work.columns
                else pl.lit(False)
            )
            label = it.indicator.label_zh or it.indicator.id
            codes.append(f"missing:{it.indicator.id}")
            words_zh.append(f"缺少“{label}”所需数据（{num} 或 {den} 缺失或非正），不参加亩均评价")
            words_en.append(
                f"'{it.indicator.id}' cannot be computed ({num} or {den} missing or <= 0): "
                "not evaluated"
            )
            bad = (pl.col("__segment") == scheme.id) & ~ok
            first = pl.when(first.is_null() & bad).then(pl.lit(len(codes) - 1)).otherwise(first)
    work = work.with_columns(pl.when(pl.col("covered")).then(first).alias("__missing"))
    missing = pl.col("__missing")

    def said(texts: list[str]) -> pl.Expr:
        table = dict(enumerate(texts))
        return missing.replace_strict(table, default=None, return_dtype=pl.String)

    work = work.with_columns(
        pl.coalesce(said(codes), pl.col("reason")).alias("reason"),
        pl.coalesce(said(words_zh), pl.col("reason_zh")).alias("reason_zh"),
        pl.coalesce(said(words_en), pl.col("reason_en")).alias("reason_en"),
        (pl.col("covered") & missing.is_null()).alias("__keep"),
    ).drop("__missing")
    out = work.filter(pl.col("__keep")).drop("__segment", "covered", "reason", "__keep")
    excluded = work.filter(~pl.col("__keep")).select(
        "enterprise_id", "park_id", "land_mu", "reason", "reason_zh", "reason_en"
    )
    reasons = Counter(dict(excluded.group_by("reason").len().iter_rows()))
    return out, Counter({str(k): int(v) for k, v in reasons.items() if v}), excluded


def _indicators(rules: PerMuRules, every_scheme: bool = False) -> list[IndicatorInfo]:
    """The items of the first scheme (the one parks are scored with), or of every scheme
    (each indicator once, first weight and benchmark) for enterprise lists."""
    items = (
        [it for s in rules.schemes for it in s.items] if every_scheme else rules.schemes[0].items
    )
    out: dict[str, IndicatorInfo] = {}
    for it in items:
        out.setdefault(
            it.indicator.id,
            IndicatorInfo(
                id=it.indicator.id,
                label_zh=it.indicator.label_zh or it.indicator.id,
                label_en=it.indicator.label_en or it.indicator.id,
                unit=it.indicator.unit,
                weight=it.weight,
                benchmark=it.benchmark,
            ),
        )
    return list(out.values())


def indicators(scheme: str = "default", every_scheme: bool = True) -> list[IndicatorInfo]:
    """The indicators of a rule set (see :func:`_indicators`)."""
    return _indicators(_rules(scheme), every_scheme=every_scheme)


def _provenance(
    session: Session, rules: PerMuRules, year: int | None, parameters: dict[str, str]
) -> Provenance:
    info = dataset.record(session)
    tr, pr = tiers.tier_rules(), tiers.positioning_rules()
    c = rules.classes
    day = (loaders.membership_day(year) or clock.today()) if year is not None else None
    return Provenance(
        year=year,
        membership_on=day.isoformat() if day else None,
        as_of=str(info.get("as_of")) if info.get("as_of") else None,
        scheme=rules.id,
        scheme_version=rules.version,
        scheme_name_zh=rules.name_zh,
        scheme_name_en=rules.name_en,
        scheme_status=rules.status,
        classes=f"{c.method} {'/'.join(f'{t:g}' for t in c.thresholds)}",
        parameters=parameters,
        rule_sets={
            f"per_mu/{rules.id}": rules.version,
            "parks/tiers": tr.version,
            "parks/positioning": pr.version,
        },
        computed_at=computed_at(),
        is_demo=bool(info.get("demo")),
    )


def _evaluate_frame(
    session: Session, rules: PerMuRules, year: int, benchmarks: Benchmarks | None
) -> tuple[pl.DataFrame, pl.DataFrame, Counter[str], pl.DataFrame]:
    """(all figures of the year, evaluated rows with segment/score/rank/class and their
    reason, counts of the others by reason, the others with their reason)."""
    frame = loaders.figures(session, year, _fields(rules) | {"land_mu"})
    ok, reasons, excluded = screen(frame, rules)
    if ok.height == 0:
        empty = ok.with_columns(
            pl.lit(None, dtype=pl.String).alias("segment"),
            pl.lit(None, dtype=pl.Float64).alias("score"),
            pl.lit(None, dtype=pl.Int64).alias("rank"),
            pl.lit(None, dtype=pl.String).alias("class"),
        )
        return frame, empty, reasons, excluded
    result = evaluate_per_mu(
        ok.drop("reason_zh", "reason_en"),
        rules,
        id_column="enterprise_id",
        benchmarks=benchmarks,
    )
    evaluated = ok.join(result, on="enterprise_id", how="left")
    return frame, evaluated, reasons, excluded


def evaluate(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    scheme: str = "default",
    benchmarks: Benchmarks | None = None,
    state: Evaluation | None = None,
) -> ParkEvaluation:
    """The 亩均 evaluation of the year (default: the latest) with park ranking, tiers and
    positioning, for the parks the principal may read."""
    require(principal, "read", "park")
    if state is None:
        state = compute(session, principal, year=year, scheme=scheme, benchmarks=benchmarks)
    rules, year = state.rules, state.year
    params = {
        "land": "enterprises' land (sum of land_mu)",
        "above_scale": above_scale.definition_en(),
        "min_land_mu": _threshold(rules),
    }
    prov = _provenance(session, rules, year, params)
    indicators = _indicators(rules)
    visible = loaders.parks(session, principal)
    everyone = loaders.all_parks(session)
    tr = tiers.tier_rules()
    # the targets are one city's plan's (1 park of 3000亿, 5 of 千亿 by 2023): not another's
    own_targets = not tr.city or tr.city == home_city(session)
    if year is None:
        return ParkEvaluation(
            provenance=prov,
            indicators=indicators,
            parks=[_empty_row(p) for p in visible],
            targets=[standing.target(t, 0) for t in tr.tiers] if own_targets else [],
            counts_scope="scope" if principal.is_scoped else "city",
            notes=["没有企业年度数据。 No enterprise figures."],
            notes_zh=["没有企业年度数据。"],
            notes_en=["No enterprise figures."],
        )
    frame, evaluated, reasons = state.frame, state.evaluated, state.reasons
    in_park = evaluated.filter(pl.col("park_id").is_not_null())
    agg = (
        aggregate_parks(in_park, rules, park_column="park_id", class_column="class")
        if in_park.height
        else None
    )
    by_park = {int(r["park_id"]): r for r in agg.iter_rows(named=True)} if agg is not None else {}
    outputs = state.outputs if state.outputs is not None else loaders.output_by_park(session)
    series: dict[int, dict[int, float]] = {}
    for pid, y, v in outputs.iter_rows():
        series.setdefault(int(pid), {})[int(y)] = float(v)
    # the judged year's outputs, exact: the tiers compare them with their thresholds
    for pid, value in standing.exact_outputs(frame).items():
        series.setdefault(pid, {})[year] = value
    positions = _positionings(session, state, everyone)
    rows = []
    for park in visible:
        members = frame.filter(pl.col("park_id") == park.id)
        agg_row = by_park.get(park.id)
        g, t0, tier_rows = standing.tier_rows(series.get(park.id, {}), year)
        rows.append(
            ParkRow(
                id=park.id,
                name=park.name,
                short_name=park.short_name,
                level=park.level,
                area_mu=park.area_mu,
                citation=citation_of(park),
                n_enterprises=members.height,
                n_evaluated=int(agg_row["n_enterprises"]) if agg_row else 0,
                classes={k: int(agg_row[f"n_{k}"]) if agg_row else 0 for k in CLASSES},
                values={
                    i.id: _num(agg_row[f"value__{i.id}"]) if agg_row else None for i in indicators
                },
                score=_num(agg_row["score"]) if agg_row else None,
                rank=int(agg_row["rank"]) if agg_row else None,
                rank_of=len(by_park) if agg_row else None,
                output=series.get(park.id, {}).get(year),
                output_by_year={str(y): v for y, v in sorted(series.get(park.id, {}).items())},
                growth=g,
                growth_start=t0,
                tiers=tier_rows,
                positioning=positions[park.id].model_copy(deep=True),
                is_demo=bool(park.is_demo),
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.id))
    counts = {
        t.key: sum(1 for p in everyone if series.get(p.id, {}).get(year, 0.0) >= t.threshold)
        for t in tr.tiers
    }
    # the firm counts are of the firms the principal may read (a park office: its parks'),
    # as its list of those left out (/parks/excluded) counts them; the ranks and the tier
    # targets stay city-wide and say so (ranked_parks, TierTarget.count)
    scope = "scope" if principal.is_scoped else "city"
    if principal.is_scoped:
        evaluated, reasons = _readable(session, principal, evaluated, state.excluded)
    class_counts: dict[str, dict[str, int]] = {}
    if evaluated.height:
        for seg, klass, n in (
            evaluated.group_by("segment", "class").len().sort("segment", "class").iter_rows()
        ):
            class_counts.setdefault(str(seg), dict.fromkeys(CLASSES, 0))[str(klass)] = int(n)
    return ParkEvaluation(
        provenance=prov,
        indicators=indicators,
        parks=rows,
        targets=[standing.target(t, counts[t.key]) for t in tr.tiers] if own_targets else [],
        class_counts=class_counts,
        n_evaluated=evaluated.height,
        not_evaluated=dict(sorted(reasons.items())),
        counts_scope=scope,
        ranked_parks=len(by_park),
        notes=list(rules.notes),
        notes_zh=[zh for zh, _en in rules.reader_notes],
        notes_en=[english_terms(en) for _zh, en in rules.reader_notes],
    )


#: Each park's positioning check (:func:`gaodi.parks.standing.positioning`) for an evaluation's
#: figures. It is city-wide (a park's own firms and the chains' current members, whoever asks),
#: so it is worked out once per evaluation for every park, not again on each parks page (the
#: chains' membership alone is a second on the large city).
POSITIONING: Memo[tuple[pl.DataFrame, dict[int, Positioning]]] = Memo(
    max_entries=8, max_age=EVALUATION_SECONDS
)


def _positionings(session: Session, state: Evaluation, parks: list[Park]) -> dict[int, Positioning]:
    """park id -> its positioning, for every park of ``parks`` (pass them all: the entry is
    shared by every viewer of the evaluation)."""
    from gaodi.audit.service import data_version

    frame = state.frame

    def build() -> tuple[pl.DataFrame, dict[int, Positioning]]:
        codes = {c for spec in tiers.positioning_rules().industries.values() for c in spec.chains}
        # the chains' members when the year ended, as the park's own firms are counted
        day = loaders.membership_day(state.year) if state.year is not None else None
        chains = loaders.chain_members(session, codes, day)
        by_park = {
            park.id: standing.positioning(park, frame.filter(pl.col("park_id") == park.id), chains)
            for park in parks
        }
        return frame, by_park

    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        data_version(session),
        id(frame),  # the evaluation's own frame; kept alive by the entry (no reuse)
        tuple(p.id for p in parks),
    )
    return POSITIONING.get(key, build)[1]


def _readable(
    session: Session, principal: Principal, evaluated: pl.DataFrame, excluded: pl.DataFrame
) -> tuple[pl.DataFrame, Counter[str]]:
    """The evaluated firms a scoped principal may read, and those it may read of the firms left
    out counted by reason (what its /parks/excluded lists)."""
    if not evaluated.height and not excluded.height:
        return evaluated, Counter()
    visible = loaders.readable_enterprises(session, principal)
    if evaluated.height:
        evaluated = evaluated.filter(pl.col("enterprise_id").is_in(visible))
    reasons: Counter[str] = Counter()
    if excluded.height:
        mine = excluded.filter(pl.col("enterprise_id").is_in(visible))
        reasons = Counter({str(k): int(v) for k, v in mine.group_by("reason").len().iter_rows()})
    return evaluated, reasons


def _imputed(row: dict[str, Any], indicators: list[IndicatorInfo]) -> list[str]:
    """Items scored without the firm's own figure (value missing, score present)."""
    return [
        i.id
        for i in indicators
        if row.get(f"value__{i.id}") is None and row.get(f"score__{i.id}") is not None
    ]


def _threshold(rules: PerMuRules) -> str:
    t = rules.coverage.min_land_mu
    return "none" if t is None else f"{t:g} 亩 (source {rules.coverage.source})"


def _num(value: Any) -> float | None:
    if value is None:
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def _empty_row(park: Park) -> ParkRow:
    return ParkRow(
        id=park.id,
        name=park.name,
        short_name=park.short_name,
        level=park.level,
        area_mu=park.area_mu,
        citation=citation_of(park),
        n_enterprises=0,
        n_evaluated=0,
        classes=dict.fromkeys(CLASSES, 0),
        values={},
        score=None,
        rank=None,
        output=None,
        is_demo=bool(park.is_demo),
    )


def get_park(session: Session, principal: Principal, park_id: int) -> Park:
    """A park the principal may read; 404 otherwise (another office's park looks missing)."""
    for park in loaders.parks(session, principal):
        if park.id == park_id:
            return park
    raise NotFoundError(
        f"找不到园区 {park_id}（或无权查看）。", f"No park {park_id} (or not yours to see)."
    )


def park_enterprises(
    session: Session,
    principal: Principal,
    park_id: int,
    *,
    year: int | None = None,
    scheme: str = "default",
    klass: str | None = None,
    page: int = 1,
    per_page: int = 50,
    benchmarks: Benchmarks | None = None,
    state: Evaluation | None = None,
) -> ParkEnterprises:
    """The evaluated enterprises of one park (class A first, then by score), filtered by
    class, one page at a time; only enterprises the principal may read are listed."""
    require(principal, "read", "park")
    park = get_park(session, principal, park_id)
    if klass is not None and klass not in CLASSES:
        raise ValidationError(
            "等级须为 A、B、C 或 D。", "The class must be A, B, C or D.", field="class"
        )
    if page < 1 or not 1 <= per_page <= 500:
        raise ValidationError(
            "页码须 ≥ 1，每页 1–500 行。", "page >= 1 and 1-500 rows per page.", field="page"
        )
    if state is None:
        state = compute(session, principal, year=year, scheme=scheme, benchmarks=benchmarks)
    rules, year = state.rules, state.year
    prov = _provenance(session, rules, year, {"park": str(park_id)})
    ref = ParkRef(
        id=park.id,
        name=park.name,
        short_name=park.short_name,
        level=park.level,
        citation=citation_of(park),
    )
    indicators = _indicators(rules, every_scheme=True)
    empty = ParkEnterprises(
        provenance=prov,
        park=ref,
        indicators=indicators,
        rows=[],
        total=0,
        page=page,
        per_page=per_page,
        pages=0,
        class_filter=klass,
        counts=dict.fromkeys(CLASSES, 0),
    )
    if year is None:
        return empty
    frame, evaluated = state.frame, state.evaluated
    members = frame.filter(pl.col("park_id") == park.id)
    sizes = dict(evaluated.group_by("segment").len().iter_rows()) if evaluated.height else {}
    mine = evaluated.filter(pl.col("park_id") == park.id)
    # the park's firms the principal may read, in one read (its evaluated firms are among them)
    readable = loaders.readable_enterprises(session, principal) if members.height else None
    if readable is not None:
        mine = mine.filter(pl.col("enterprise_id").is_in(readable))
    counts = {k: int((mine["class"] == k).sum()) for k in CLASSES} if mine.height else empty.counts
    if klass is not None:
        mine = mine.filter(pl.col("class") == klass)
    mine = mine.sort(["class", "score", "enterprise_id"], descending=[False, True, False])
    total = mine.height
    chunk = mine.slice(window(total, page, per_page, clamp=False).offset, per_page)
    names = loaders.enterprise_names(session, chunk["enterprise_id"].to_list())
    labels = {s.id: s.label_zh or s.id for s in rules.schemes}
    labels_en = {s.id: s.label_en or s.label_zh or s.id for s in rules.schemes}
    rows = [
        EnterpriseRow(
            id=int(r["enterprise_id"]),
            name=names.get(int(r["enterprise_id"]), ("", ""))[0],
            uscc=names.get(int(r["enterprise_id"]), ("", ""))[1],
            segment=str(r["segment"]),
            segment_label=labels.get(str(r["segment"]), str(r["segment"])),
            segment_label_en=labels_en.get(str(r["segment"]), str(r["segment"])),
            klass=r["class"],
            score=float(r["score"]),
            rank=int(r["rank"]),
            segment_size=int(sizes.get(r["segment"], 0)),
            values={i.id: _num(r.get(f"value__{i.id}")) for i in indicators},
            item_scores={i.id: _num(r.get(f"score__{i.id}")) for i in indicators},
            imputed=_imputed(r, indicators),
            land_mu=_num(r["land_mu"]),
            park_id=r["park_id"],
            reason_zh=str(r["reason_zh"] or ""),
            reason_en=str(r["reason_en"] or ""),
        )
        for r in chunk.iter_rows(named=True)
    ]
    n_visible_members = (
        members.filter(pl.col("enterprise_id").is_in(readable)).height
        if readable is not None
        else 0
    )
    return ParkEnterprises(
        provenance=prov,
        park=ref,
        indicators=indicators,
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        pages=page_count(total, per_page) if total else 0,
        class_filter=klass,
        counts=counts,
        not_evaluated=max(0, n_visible_members - sum(counts.values())),
    )


def evaluated_enterprises(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    scheme: str = "default",
    benchmarks: Benchmarks | None = None,
    state: Evaluation | None = None,
) -> list[EnterpriseRow]:
    """Every evaluated enterprise the principal may read (in or outside parks), best first
    within each segment: the enterprise sheet of the xlsx export."""
    require(principal, "read", "park")
    if state is None:
        state = compute(session, principal, year=year, scheme=scheme, benchmarks=benchmarks)
    rules, evaluated = state.rules, state.evaluated
    if state.year is None or evaluated.height == 0:
        return []
    readable = loaders.readable_enterprises(session, principal)
    rows = evaluated.filter(pl.col("enterprise_id").is_in(readable)).sort(
        ["segment", "rank", "enterprise_id"]
    )
    sizes = dict(evaluated.group_by("segment").len().iter_rows())
    names = loaders.enterprise_names(session, rows["enterprise_id"].to_list())
    labels = {s.id: s.label_zh or s.id for s in rules.schemes}
    labels_en = {s.id: s.label_en or s.label_zh or s.id for s in rules.schemes}
    indicators = _indicators(rules, every_scheme=True)
    return [
        EnterpriseRow(
            id=int(r["enterprise_id"]),
            name=names.get(int(r["enterprise_id"]), ("", ""))[0],
            uscc=names.get(int(r["enterprise_id"]), ("", ""))[1],
            segment=str(r["segment"]),
            segment_label=labels.get(str(r["segment"]), str(r["segment"])),
            segment_label_en=labels_en.get(str(r["segment"]), str(r["segment"])),
            klass=r["class"],
            score=float(r["score"]),
            rank=int(r["rank"]),
            segment_size=int(sizes.get(r["segment"], 0)),
            values={i.id: _num(r.get(f"value__{i.id}")) for i in indicators},
            item_scores={i.id: _num(r.get(f"score__{i.id}")) for i in indicators},
            imputed=_imputed(r, indicators),
            land_mu=_num(r["land_mu"]),
            park_id=r["park_id"],
            reason_zh=str(r["reason_zh"] or ""),
            reason_en=str(r["reason_en"] or ""),
        )
        for r in rows.iter_rows(named=True)
    ]


def excluded_enterprises(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    scheme: str = "default",
    park_id: int | None = None,
    state: Evaluation | None = None,
) -> list[ExcludedRow]:
    """The enterprises the evaluation leaves out (below the land threshold, no land, no
    scheme, missing figures), each with its reason; only those the principal may read, of
    one park when ``park_id`` is given (a park the principal may read)."""
    require(principal, "read", "park")
    if park_id is not None:
        get_park(session, principal, park_id)
    if state is None:
        state = compute(session, principal, year=year, scheme=scheme)
    out = state.excluded
    if state.year is None or out.height == 0:
        return []
    if park_id is not None:
        out = out.filter(pl.col("park_id") == park_id)
    if principal.is_scoped:
        if out.height:
            out = out.filter(
                pl.col("enterprise_id").is_in(loaders.readable_enterprises(session, principal))
            )
        return _excluded_rows(session, out)
    # a role with no scope reads every enterprise it may read at all (as restrict()): the rows
    # are the same for every such role, so they are built once per evaluation and park
    require(principal, "read", "enterprise")
    from gaodi.audit.service import data_version

    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        data_version(session),
        id(state.excluded),  # the evaluation's own frame; kept alive by the entry (no reuse)
        park_id,
    )
    kept = EXCLUDED.get(key, lambda: (state.excluded, _excluded_rows(session, out)))
    return list(kept[1])


@dataclass(frozen=True)
class ExcludedSummary:
    """A park's firms left out, as its page shows them (:func:`excluded_summary`)."""

    #: The first rows of the list :func:`excluded_enterprises` gives (by enterprise id).
    rows: list[ExcludedRow]
    #: How many rows that list has.
    total: int
    #: Those rows by reason kind (the reason up to its first ``:``), kinds in the order they
    #: first occur in the list.
    counts: dict[str, int]


def excluded_summary(
    session: Session,
    principal: Principal,
    *,
    park_id: int,
    state: Evaluation,
    limit: int,
) -> ExcludedSummary:
    """The first ``limit`` rows, the size and the counts by reason kind of what
    :func:`excluded_enterprises` lists for ``park_id`` (the same rows, checks and order),
    counted on the evaluation's frame: only the rows shown are built (a park of the large city
    leaves out 30,000 firms, 1 s to build as rows)."""
    require(principal, "read", "park")
    get_park(session, principal, park_id)
    out = state.excluded
    if state.year is None or out.height == 0:
        return ExcludedSummary([], 0, {})
    out = out.filter(pl.col("park_id") == park_id)
    if principal.is_scoped:
        if out.height:
            out = out.filter(
                pl.col("enterprise_id").is_in(loaders.readable_enterprises(session, principal))
            )
    else:
        require(principal, "read", "enterprise")
    out = out.sort("enterprise_id")
    kinds = (
        out.select(pl.col("reason").str.splitn(":", 2).struct.field("field_0").alias("kind"))
        .with_row_index("at")
        .group_by("kind")
        .agg(pl.col("at").min(), pl.len())
        .sort("at")
    )
    counts = {str(k): int(n) for k, _at, n in kinds.iter_rows()}
    return ExcludedSummary(_excluded_rows(session, out.head(limit)), out.height, counts)


#: The excluded rows as a role with no scope reads them (:func:`excluded_enterprises`): 24,000
#: rows on the medium demo, 0.5–1 s to build, the same for every such viewer.
EXCLUDED: Memo[tuple[pl.DataFrame, list[ExcludedRow]]] = Memo(
    max_entries=8, max_age=EVALUATION_SECONDS
)


def _excluded_rows(session: Session, out: pl.DataFrame) -> list[ExcludedRow]:
    out = out.sort("enterprise_id")
    names = loaders.enterprise_names(session, out["enterprise_id"].to_list())
    return [
        ExcludedRow(
            id=int(r["enterprise_id"]),
            name=names.get(int(r["enterprise_id"]), ("", ""))[0],
            uscc=names.get(int(r["enterprise_id"]), ("", ""))[1],
            park_id=r["park_id"],
            land_mu=_num(r["land_mu"]),
            reason=str(r["reason"]),
            reason_zh=str(r["reason_zh"]),
            reason_en=str(r["reason_en"]),
        )
        for r in out.iter_rows(named=True)
    ]
