"""Enterprises use cases: search, profile, tier eligibility, 头羊 (leader) ranking.

Each function loads rows through :func:`gaodi.core.permissions.restrict`, calls the pure
analytics (:mod:`gaodi.analytics.ruleset` for the tiers, :mod:`gaodi.analytics.scoring` for
the ranking) and returns a typed result (:mod:`gaodi.enterprises.schemas`).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from gaodi.analytics.rulefiles import list_rule_sets, load_rule_set
from gaodi.analytics.ruleset import CriterionResult, Evaluation, RuleSet, evaluate, evaluate_frame
from gaodi.analytics.ruleset_frame import group_ids
from gaodi.analytics.scoring import rank_frame
from gaodi.chains import loaders as chain_loaders
from gaodi.chains.members import chain_enterprise_ids
from gaodi.core import clock
from gaodi.core.errors import DataError, NotFoundError, ValidationError
from gaodi.core.memo import Memo
from gaodi.core.pagination import count, window
from gaodi.core.permissions import Principal, allowed, restrict
from gaodi.core.provenance import citation_of
from gaodi.core.reference import industry_lookup
from gaodi.engine.rows import json_lists, json_text
from gaodi.enterprises import records, tier_lists, tier_size
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.enterprises.params import METHODS, NORMALISATIONS, load_leader_rules
from gaodi.enterprises.schemas import (
    CriterionCheck,
    EligibilityLevel,
    EligibilityReport,
    EligibilityRow,
    EnterpriseFilter,
    EnterpriseList,
    EnterpriseProfile,
    EnterpriseRow,
    LinkMembership,
    PointsItem,
    RankCriterion,
    RankResult,
    RankRow,
    TierCheck,
    YearFigures,
)
from gaodi.parks import loaders as park_loaders

#: Tier level -> the tag an enterprise carries once recognised (above_scale is statistical).
LEVEL_TAGS: dict[str, str | None] = {
    "above_scale": None,
    "innovative_sme": "innovative_sme",
    "srdi_sme": "srdi",
    "little_giant": "little_giant",
    "champion": "champion",
}
LEVELS = tuple(LEVEL_TAGS)
CHUNK = 5000


def levels() -> list[str]:
    """Tier levels in gradient order (those shipped as rule sets)."""
    shipped = set(list_rule_sets())
    return [lv for lv in LEVELS if lv in shipped]


def _industry_name(code: str | None) -> str | None:
    row = industry_lookup(code) if code else None
    return row.name if row else None


# --------------------------------------------------------------------------- search


def search(session: Session, principal: Principal, f: EnterpriseFilter) -> EnterpriseList:
    """Enterprises the principal may see, filtered and paginated (name order)."""
    query = _filtered(session, principal, f)
    total = count(session, query)
    w = window(total, f.page, f.per_page)
    size = max(0, min(f.per_page, total - w.offset))
    # Only the ids are sorted and skipped: ordering whole rows made SQLite carry every column of
    # every match through the sort, so a deep page of a 300,000-firm city took half a minute
    # (benchmarks/enterprise_pages.py). The page's rows are then read by id.
    # A page in the second half is read from the end, in the reverse order (exactly the
    # reverse: the order ends with the id), so no page skips more than half the list: SQLite
    # keeps the rows it skips in its sorter, and the last page costs what the first does.
    backward = w.offset > total - w.offset - size
    ids = _sorted(session, query, f.sort, reverse=backward).with_only_columns(Enterprise.id)
    skip = total - w.offset - size if backward else w.offset
    found = list(session.scalars(ids.limit(size).offset(skip))) if size else []
    return EnterpriseList(
        rows=_rows(session, principal, _by_ids(session, found[::-1] if backward else found)),
        total=total,
        page=w.number,
        per_page=f.per_page,
        pages=w.pages,
    )


def _by_ids(session: Session, ids: Sequence[int]) -> list[Enterprise]:
    """The enterprises with these ids, in the order of ``ids``."""
    if not ids:
        return []
    found = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def search_all(
    session: Session, principal: Principal, f: EnterpriseFilter, limit: int
) -> Iterator[EnterpriseRow]:
    """The first ``limit`` rows of the whole list :func:`search` pages through (same scope,
    filters and order; ``page``/``per_page`` ignored), for an export: one ordered query, then
    the year's figures and chains a chunk at a time, not a count and a page per 200 rows."""
    query = _sorted(session, _filtered(session, principal, f), f.sort).limit(limit)
    ents = list(session.scalars(query))
    for start in range(0, len(ents), CHUNK):
        yield from _rows(session, principal, ents[start : start + CHUNK])


def _filtered(session: Session, principal: Principal, f: EnterpriseFilter) -> Any:
    """The enterprises the principal may see that match ``f`` (unordered, unpaged)."""
    query = restrict(select(Enterprise), principal)
    if f.q and f.q.strip():
        text = f.q.strip()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(Enterprise.name.ilike(pattern, escape="\\"), Enterprise.uscc == text.upper())
        )
    if f.chain:
        chain = chain_loaders.resolve_chain(session, principal, f.chain)
        query = query.where(Enterprise.id.in_(chain_enterprise_ids(frozenset({chain.id}))))
    if f.park is not None:
        query = query.where(Enterprise.park_id == f.park)
    if f.tag and f.tag.strip():
        tag = f.tag.strip().replace('"', "")
        query = query.where(cast(Enterprise.tags, String).like(f'%"{tag}"%'))
    return query


def _sorted(session: Session, query: Any, sort: str | None, reverse: bool = False) -> Any:
    """``query`` in the list's order: ``sort`` (a column, '-' for descending), missing values
    last in both directions, then name and id (a stable order across pages); ``reverse``: the
    exact reverse of that order (every key turned round)."""
    key = (sort or "name").lstrip("-")
    descending = bool(sort and sort.startswith("-"))
    column: Any
    if key == "uscc":
        column = Enterprise.uscc
    elif key == "industry":
        column = Enterprise.industry_code
    elif key == "park":
        column = park_loaders.name_of(Enterprise.park_id)
    elif key == "revenue":  # the year the list shows (the latest)
        latest = session.scalar(select(func.max(EnterpriseYear.year)))
        query = query.outerjoin(
            EnterpriseYear,
            (EnterpriseYear.enterprise_id == Enterprise.id) & (EnterpriseYear.year == latest),
        )
        column = EnterpriseYear.revenue
    else:
        column = Enterprise.name
    keys: list[tuple[Any, bool]] = [
        (column, descending),
        (Enterprise.name, False),
        (Enterprise.id, False),
    ]
    if key not in ("name", "uscc"):  # these are never null: without "IS NULL" first, SQLite
        keys.insert(0, (column.is_(None), False))  # walks their index instead of sorting
    return query.order_by(*(k.desc() if down != reverse else k.asc() for k, down in keys))


def _rows(
    session: Session, principal: Principal, ents: Sequence[Enterprise]
) -> list[EnterpriseRow]:
    ids = [e.id for e in ents]
    parks = park_loaders.names(session)
    latest = session.scalar(select(func.max(EnterpriseYear.year)))
    figures: dict[int, tuple[float | None, float | None]] = {}
    chains: dict[int, list[str]] = {}
    if ids:
        q = select(EnterpriseYear.enterprise_id, EnterpriseYear.revenue, EnterpriseYear.output)
        q = q.where(EnterpriseYear.year == latest, EnterpriseYear.enterprise_id.in_(ids))
        figures = {eid: (rev, out) for eid, rev, out in session.execute(q)}
    if ids and allowed(principal, "read", "chain"):
        chains = chain_loaders.current_chain_names(session, principal, ids)
    return [
        EnterpriseRow(
            id=e.id,
            uscc=e.uscc,
            name=e.name,
            park=parks.get(e.park_id) if e.park_id else None,
            industry_code=e.industry_code,
            industry_name=_industry_name(e.industry_code),
            tags=list(e.tags or []),
            chains=sorted(chains.get(e.id, [])),
            year=latest,
            revenue=figures.get(e.id, (None, None))[0],
            output=figures.get(e.id, (None, None))[1],
            is_demo=bool(e.is_demo),
        )
        for e in ents
    ]


# --------------------------------------------------------------------------- profile


def get_enterprise(session: Session, principal: Principal, ref: str | int) -> Enterprise:
    """An enterprise by USCC or id, within what the principal may read; else 404."""
    text = str(ref).strip().upper()
    query = restrict(select(Enterprise), principal)
    if text.isdigit() and len(text) < 18:
        query = query.where(Enterprise.id == int(text))
    else:
        query = query.where(Enterprise.uscc == text)
    found = session.scalars(query).first()
    if found is None:
        raise NotFoundError(  # the reference is not echoed: a 404 must not confirm a USCC
            "找不到该企业（或无权查看）。", "No such enterprise (or not yours to see)."
        )
    return found


def data_source(rs: RuleSet, metric: str, sources: dict[str, str]) -> str | None:
    """Where a criterion's value comes from: its field's source; for a derived metric the one
    source of its fields (``computed`` when they differ); ``computed`` for a score; None when a
    field it needs has no value."""
    if metric == "score" or metric.startswith("score."):
        return "computed"
    if metric in sources:  # a reported value wins over the derived formula (as in the rules)
        return sources[metric]
    derived = rs.derived_by_name.get(metric)
    if derived is None:
        return None
    found = {data_source(rs, f, sources) for f in derived.of if isinstance(f, str)}
    if None in found:
        return None
    return found.pop() if len(found) == 1 else "computed"


def _check(
    r: CriterionResult, source: str | None = None, basis: tuple[str, str] | None = None
) -> CriterionCheck:
    def plain(v: Any) -> Any:
        if isinstance(v, tuple):
            return list(v)
        if isinstance(v, float) and math.isnan(v):
            return None
        return v

    return CriterionCheck(
        id=r.id,
        label_zh=r.label_zh,
        label_en=r.label_en,
        metric=r.metric,
        op=r.op,
        threshold=plain(r.threshold),
        unit=r.unit,
        actual=plain(r.actual),
        met=r.met,
        shortfall=r.shortfall,
        relative_shortfall=r.relative_shortfall,
        uncertain=r.uncertain,
        selector=r.selector,
        source=r.source,
        # no source on a missing value: the page shows 缺失, never a ✓
        data_source=source if r.actual is not None else None,
        basis_zh=basis[0] if basis else None,
        basis_en=basis[1] if basis else None,
    )


def _tier(
    level: str,
    rs: RuleSet,
    e: Evaluation,
    tags: Sequence[str],
    sources: dict[str, str] | None = None,
    bases: dict[str, tuple[str, str]] | None = None,
) -> TierCheck:
    by_id = {c.id: c for c in e.criteria}
    src = sources or {}
    why = bases or {}

    def check(r: CriterionResult) -> CriterionCheck:
        return _check(r, data_source(rs, r.metric, src), why.get(r.metric))

    missed_ids = e.near_missed or e.missed
    tag = LEVEL_TAGS.get(level)
    size = tier_size.size_verdict(rs, e) or tier_size.SizeVerdict(True)
    moot = tier_size.moot(e)  # e.g. the other-sector size of an industrial firm
    return TierCheck(
        level=level,
        name_zh=rs.name_zh,
        name_en=rs.name_en,
        version=rs.version,
        document=rs.document,
        qualifies=e.qualifies,
        determined=e.determined,
        nearly_qualifies=e.nearly_qualifies,
        holds_tag=bool(tag and tag in tags),
        score=e.score,
        missed=[check(by_id[i]) for i in missed_ids if i in by_id],
        missing=[check(by_id[i]) for i in e.missing if i in by_id and i not in moot],
        criteria=[check(c) for c in e.criteria if c.id not in moot],
        points=[PointsItem(**dataclasses.asdict(p)) for p in e.points],
        applicable=size.applicable,
        size_note_zh=size.note_zh,
        size_note_en=size.note_en,
    )


def _record(frame: pl.DataFrame) -> dict[str, Any]:
    if frame.height == 0:
        return {}
    return {k: v for k, v in frame.row(0, named=True).items() if v is not None}


def profile(session: Session, principal: Principal, ref: str | int) -> EnterpriseProfile:
    """The enterprise page: identity, yearly figures, chain links, tiers met and missed."""
    e = get_enterprise(session, principal, ref)
    years = list(
        session.scalars(
            select(EnterpriseYear)
            .where(EnterpriseYear.enterprise_id == e.id)
            .order_by(EnterpriseYear.year)
        )
    )
    park = park_loaders.names(session, [e.park_id]).get(e.park_id) if e.park_id else None
    reads_chains = allowed(principal, "read", "chain")
    # an enterprise user reads no chain, but its own enterprise's links are facts about itself
    own = principal.role == "enterprise" and e.id in principal.enterprise_ids
    memberships = (
        []
        if not (reads_chains or own)
        else [
            LinkMembership(
                chain_id=cid,
                chain_code=ccode,
                chain_name=cname,
                link_id=lid,
                link_name=lname,
                source=src,
                confidence=conf,
            )
            for cid, ccode, cname, lid, lname, src, conf in chain_loaders.current_memberships(
                session, e.id, principal if reads_chains else None
            )
        ]
    )
    tier_year = years[-1].year if years else None
    tiers: list[TierCheck] = []
    if tier_year is not None:
        record = _record(records.tier_frame(session, [e.id], tier_year))
        sources = records.tier_sources(session, e.id, tier_year)
        bases = records.tier_bases(session, e.id, tier_year)
        # a tier honour with records holds only while in force on the city's today
        tags = tier_lists.tags_in_force(session, e.id, list(e.tags or []))
        for level in levels():
            rs = load_rule_set(level)
            tiers.append(_tier(level, rs, evaluate(rs, record), tags, sources, bases))
    return EnterpriseProfile(
        id=e.id,
        uscc=e.uscc,
        name=e.name,
        region_code=e.region_code,
        park=park,
        industry_code=e.industry_code,
        industry_name=_industry_name(e.industry_code),
        founded=e.founded.isoformat() if e.founded else None,
        scope_text=e.scope_text,
        products=e.products,
        tags=list(e.tags or []),
        is_demo=bool(e.is_demo),
        years=[YearFigures(**{k: getattr(y, k) for k in YearFigures.model_fields}) for y in years],
        links=memberships,
        tier_year=tier_year,
        tiers=tiers,
        margin_citation=_margin_citation(session, e.industry_code, tier_year),
    )


# --------------------------------------------------------------------------- eligibility


def _visible_ids(session: Session, principal: Principal) -> list[int] | None:
    if not principal.is_scoped:
        return None
    return list(session.scalars(restrict(select(Enterprise.id), principal)))


def _identity(
    session: Session, ids: Sequence[int], every: bool = False
) -> dict[int, tuple[str, str, list[str]]]:
    """id -> (USCC, name, tier tags in force); ``every``: ``ids`` are the whole city's (no
    scope), read in one query each rather than by chunks of ids."""
    out: dict[int, tuple[str, str, list[str]]] = {}
    keep = set(ids)
    wanted = sorted(keep)
    size = max(len(wanted), 1) if every else CHUNK
    for i in range(0, len(wanted), size):
        q = select(Enterprise.id, Enterprise.uscc, Enterprise.name, json_text(Enterprise.tags))
        if not every:
            q = q.where(Enterprise.id.in_(wanted[i : i + CHUNK]))
        honours = tier_lists.honours_of(session, None if every else wanted[i : i + CHUNK])
        day = clock.today()
        rows = session.execute(q).all()
        # the tags as text, decoded once per distinct list (a few dozen among 300,000)
        for (eid, uscc, name, _), tags in zip(rows, json_lists(r[3] for r in rows), strict=True):
            if eid not in keep:  # read whole: not one of the asked
                continue
            # a tier honour with records holds only while in force on the city's today
            mine = honours.get(eid)  # most have none: their tags stand as entered
            held = tier_lists.apply_honours(tags or [], mine, day) if mine else list(tags or [])
            out[eid] = (uscc, name, held)
    return out


def _level_summary(level: str, rs: RuleSet, out: pl.DataFrame, held: int) -> EligibilityLevel:
    # the SME tiers' size test (city_tiers asks the frame for it): False is a large firm, to
    # which the tier does not apply; None a firm whose size is not known. A tier without the
    # test (规上, 单项冠军) has no such counts (None, shown as "—"), not zero.
    size = out.get_column(SIZE_COLUMN) if SIZE_COLUMN in out.columns else None
    return EligibilityLevel(
        level=level,
        name_zh=rs.name_zh,
        name_en=rs.name_en,
        version=rs.version,
        document=rs.document,
        evaluated=out.height,
        qualifies=int(out["qualifies"].sum()),
        nearly=int(out["nearly_qualifies"].sum()),
        undetermined=int((~out["determined"]).sum()),
        holds_tag=held,
        not_applicable=None if size is None else int(size.not_().sum()),
        size_unknown=None if size is None else size.null_count(),
    )


def eligibility(
    session: Session,
    principal: Principal,
    *,
    level: str | None = None,
    near_only: bool = False,
    year: int | None = None,
    limit: int | None = 500,
) -> EligibilityReport:
    """Counts per tier; with ``level``, who qualifies and who nearly does (``near_only``: only
    the latter), each near one with the criteria it misses and by how much."""
    if level is not None and level not in levels():
        raise ValidationError(
            f"未知的梯度层级“{level}”，可选：{'、'.join(levels())}。",
            f"Unknown tier level '{level}'; choose one of {', '.join(levels())}.",
        )
    year = year if year is not None else session.scalar(select(func.max(EnterpriseYear.year)))
    if year is None:
        return EligibilityReport(
            year=None, near_margin=0.2, levels=[], level=level, rows=[], truncated=False
        )
    visible = _visible_ids(session, principal)
    # the whole city's frame and evaluations (kept per data version), narrowed to the viewer
    city = city_tiers(session, year)
    frame = _narrowed(city.frame, visible)
    ident = city.ident
    if visible is not None:
        keep = set(visible)
        ident = {k: v for k, v in ident.items() if k in keep}
    summaries: list[EligibilityLevel] = []
    rows: list[EligibilityRow] = []
    truncated = False
    margin = 0.2
    for lv in levels() if level is None else [level]:
        rs = load_rule_set(lv)
        margin = rs.near_margin
        out = _narrowed(city.evaluated[lv], visible)
        tag = LEVEL_TAGS.get(lv)
        if not tag:
            held = 0
        elif visible is None and city.held is not None:
            held = city.held.get(tag, 0)
        else:
            held = sum(1 for v in ident.values() if tag in v[2])
        summaries.append(_level_summary(lv, rs, out, held))
        if level is None:
            continue
        wanted = out.filter(
            pl.col("nearly_qualifies")
            if near_only
            else pl.col("qualifies") | pl.col("nearly_qualifies")
        ).sort(["qualifies", "enterprise_id"], descending=[True, False])
        if limit is not None and wanted.height > limit:
            truncated = True
            wanted = wanted.head(limit)
        by_id = {
            r["enterprise_id"]: r
            for r in frame.filter(
                pl.col("enterprise_id").is_in(wanted["enterprise_id"].to_list())
            ).to_dicts()
        }
        for r in wanted.iter_rows(named=True):
            eid = r["enterprise_id"]
            uscc, name, tags = ident.get(eid, ("", str(eid), []))
            if r["qualifies"]:
                missed: list[CriterionCheck] = []
                n_missing = 0
                score = None
            else:
                record = {k: v for k, v in by_id[eid].items() if v is not None}
                ev = evaluate(rs, record)
                crit = {c.id: c for c in ev.criteria}
                src = records.tier_sources(session, eid, year)
                why = records.tier_bases(session, eid, year)
                missed = [
                    _check(crit[i], data_source(rs, crit[i].metric, src), why.get(crit[i].metric))
                    for i in ev.near_missed
                    if i in crit
                ]
                n_missing = len(set(ev.missing) - tier_size.moot(ev))
                score = ev.score
            rows.append(
                EligibilityRow(
                    enterprise_id=eid,
                    uscc=uscc,
                    name=name,
                    qualifies=bool(r["qualifies"]),
                    nearly_qualifies=bool(r["nearly_qualifies"]),
                    holds_tag=bool(tag and tag in tags),
                    score=score,
                    missed=missed,
                    missing_count=n_missing,
                )
            )
    return EligibilityReport(
        year=year, near_margin=margin, levels=summaries, level=level, rows=rows, truncated=truncated
    )


# --------------------------------------------------------------------------- leader ranking

METHOD_LABELS = {
    "topsis": (
        "TOPSIS（逼近理想解排序法，规则文件中的权重）",
        "TOPSIS with the weights of the rule file",
    ),
    "entropy": (
        "熵权法（权重由数据的熵计算，加权求和）",
        "entropy weights from the data, weighted sum",
    ),
    "entropy_topsis": (
        "熵权TOPSIS（权重由数据的熵计算，再按TOPSIS逼近理想解排序）",
        "TOPSIS with entropy weights computed from the data",
    ),
}
#: How each method scores: (weighting, aggregation) for gaodi.analytics.scoring.rank_frame.
METHOD_PLAN: dict[str, tuple[str, str]] = {
    "topsis": ("given", "topsis"),
    "entropy": ("entropy", "weighted_sum"),
    "entropy_topsis": ("entropy", "topsis"),
}
NORMALISATION_LABELS = {
    "minmax": (
        "极差标准化：r = (x − min)/(max − min)，成本型指标反向，再取比重",
        "min-max: r = (x − min)/(max − min), cost criteria reversed, then shares",
    ),
    "sum": (
        "比重标准化：p = x / Σx（数值须非负，方向不影响熵）",
        "shares of the raw values: p = x / Σx (values must be non-negative)",
    ),
}


def rank_frame_for(session: Session, ids: Sequence[int] | None, year: int) -> pl.DataFrame:
    """The ranking figures of ``year`` (growth against the year before), one row per enterprise."""
    now = records.rank_years(session, ids, year)
    return now.with_columns(
        pl.when(pl.col("output_1") > 0)
        .then(pl.col("output") / pl.col("output_1") - 1)
        .alias("output_growth"),
        pl.when(pl.col("revenue_1") > 0)
        .then(pl.col("revenue") / pl.col("revenue_1") - 1)
        .alias("revenue_growth"),
        pl.when(pl.col("revenue") > 0)
        .then(pl.col("rd_spend") / pl.col("revenue"))
        .alias("rd_intensity"),
    )


def rank(
    session: Session,
    principal: Principal,
    *,
    chain: str | int | None = None,
    top: int = 20,
    method: str | None = None,
    year: int | None = None,
    normalisation: str | None = None,
) -> RankResult:
    """头羊 ranking of the visible enterprises (of one chain when given).

    ``method``: ``topsis`` (the rule file's weights), ``entropy`` (entropy weights, weighted
    sum of min-max normalised figures) or ``entropy_topsis`` (entropy weights, then TOPSIS);
    ``normalisation`` (``minmax`` default, or ``sum``) is how the entropy weights normalise
    the figures; TOPSIS itself always uses vector normalisation (Hwang & Yoon 1981).
    """
    rules = load_leader_rules()
    method = method or rules.default_method
    if method not in METHODS:
        raise ValidationError(
            f"评分方法须为 {'、'.join(METHODS)} 之一，收到“{method}”。",
            f"The method must be one of {', '.join(METHODS)}; got '{method}'.",
        )
    weighting, aggregation = METHOD_PLAN[method]
    if normalisation is not None and normalisation not in NORMALISATIONS:
        raise ValidationError(
            f"标准化方法须为 minmax 或 sum，收到“{normalisation}”。",
            f"The normalisation must be minmax or sum; got '{normalisation}'.",
        )
    norm = (normalisation or "minmax") if weighting == "entropy" else None
    if top < 1:
        raise ValidationError("--top 须至少为 1。", "--top must be at least 1.")
    year = year if year is not None else session.scalar(select(func.max(EnterpriseYear.year)))
    chain_label = None
    ids: list[int] | None = _visible_ids(session, principal)
    if chain is not None:
        found = chain_loaders.resolve_chain(session, principal, chain)
        chain_label = found.name
        members = list(session.scalars(chain_enterprise_ids(frozenset({found.id})).distinct()))
        ids = members if ids is None else sorted(set(members) & set(ids))
    crit = rules.scoring_criteria()
    names = [c.name for c in crit]
    frame = (
        _narrowed(city_rank_frame(session, year), ids)
        if year is not None and (ids is None or ids)
        else pl.DataFrame(schema={"enterprise_id": pl.Int64, **{n: pl.Float64 for n in names}})
    )
    population = frame.height
    complete = frame.drop_nulls(names).filter(
        pl.all_horizontal(pl.col(n).cast(pl.Float64).is_finite() for n in names)
    )
    excluded = population - complete.height
    labels = {c.name: c.label_zh for c in crit}
    result_args: dict[str, Any] = {
        "year": year,
        "method": method,
        "method_label_zh": METHOD_LABELS[method][0],
        "method_label_en": METHOD_LABELS[method][1],
        "normalisation": norm,
        "normalisation_label_zh": NORMALISATION_LABELS[norm][0] if norm else None,
        "normalisation_label_en": NORMALISATION_LABELS[norm][1] if norm else None,
        "rules": rules.label,
        "chain": chain_label,
        "population": population,
        "excluded": excluded,
        "excluded_reason_zh": (
            f"{excluded}家企业缺少{'、'.join(labels.values())}中的某项数据，未参与排序"
        ),
        "excluded_reason_en": (
            f"{excluded} enterprise(s) lack one of the figures and are not ranked"
        ),
    }
    crit_rows = [
        RankCriterion(
            name=c.criterion.name,
            label_zh=c.criterion.label_zh,
            label_en=c.criterion.label_en,
            direction=c.criterion.direction,
            unit=c.unit,
            weight=c.criterion.weight or 0.0,
            source=rules.sources.get(c.source, c.source),
        )
        for c in rules.criteria
    ]
    try:
        if complete.height < 2:
            raise DataError(
                "参与排序的企业少于2家，无法计算。",
                "Fewer than two enterprises have every figure; nothing to rank.",
            )
        scored, weights = rank_frame(
            complete,
            crit,
            id_column="enterprise_id",
            method=aggregation,  # type: ignore[arg-type]
            weighting=weighting,  # type: ignore[arg-type]
            normalisation=norm or "minmax",  # type: ignore[arg-type]
            distances=True,
        )
    except DataError as exc:
        return RankResult(
            **result_args, criteria=crit_rows, rows=[], note_zh=exc.zh, note_en=exc.en
        )
    for c in crit_rows:
        c.weight = weights[c.name]
    head = scored.head(top)
    ident = _identity(session, head["enterprise_id"].to_list())
    values = {
        r["enterprise_id"]: {n: float(r[n]) for n in names}
        for r in complete.filter(pl.col("enterprise_id").is_in(head["enterprise_id"].to_list()))
        .select("enterprise_id", *names)
        .to_dicts()
    }
    rows = [
        RankRow(
            rank=int(r["rank"]),
            enterprise_id=r["enterprise_id"],
            uscc=ident.get(r["enterprise_id"], ("", "", []))[0],
            name=ident.get(r["enterprise_id"], ("", str(r["enterprise_id"]), []))[1],
            score=float(r["score"]),
            tags=ident.get(r["enterprise_id"], ("", "", []))[2],
            values=values[r["enterprise_id"]],
            d_plus=r.get("d_plus"),
            d_minus=r.get("d_minus"),
        )
        for r in head.iter_rows(named=True)
    ]
    return RankResult(**result_args, criteria=crit_rows, rows=rows)


def _margin_citation(session: Session, industry_code: str | None, year: int | None) -> Any:
    """The JSON citation of the industry margin the profile's tiers compare with, if any."""
    if year is None:
        return None
    found = tier_lists.margin_citation(session, industry_code, year)
    return None if found is None else citation_of(found)


# --------------------------------------------------------------------------- the city's frames
#
# The eligibility report and the ranking read the same scope-free data for every viewer: the
# whole city's tier frame (30,000 rows on the medium demo: 1–3 s to read and compute), the
# identities and tags in force, each tier rule set's evaluation, the ranking figures. They are
# kept per (database, year, data version, city's today) — exact while that key holds — and a
# viewer's report narrows them to the enterprises the viewer may read (rows are per enterprise:
# narrowing the whole city's result gives what reading only those enterprises gives; tests/web/
# test_warmup.py compares both). The warm-up (gaodi.enterprises.warm) computes them after a
# data change, so no viewer waits for them.


@dataclasses.dataclass(frozen=True)
class CityTiers:
    """The whole city's tier data of one year (read-only: shared by every viewer)."""

    year: int
    frame: pl.DataFrame
    ident: dict[int, tuple[str, str, list[str]]]
    #: level -> ``evaluate_frame(rule set, frame, detail=False)``
    evaluated: dict[str, pl.DataFrame]
    #: tag -> how many of the city's enterprises hold it (in force), counted once per key
    #: rather than over every identity for each tier on each request
    held: dict[str, int] | None = None


#: Seconds an unused city frame is kept at most (the key holds the data version: exact while
#: kept; the age only bounds memory held by frames of versions nobody asks for any more).
CITY_SECONDS = 600.0
CITY_TIERS: Memo[CityTiers] = Memo(max_entries=4, max_age=CITY_SECONDS)
CITY_RANKS: Memo[pl.DataFrame] = Memo(max_entries=4, max_age=CITY_SECONDS)


def _city_key(session: Session, year: int) -> tuple[Any, ...]:
    from gaodi.audit.service import data_version

    return (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        year,
        data_version(session),
        clock.today(),  # tier honours hold while in force on the city's today
    )


#: The frame's column of the SME tiers' size test (True: an SME, False: large, null: unknown).
SIZE_COLUMN = f"group__{tier_size.GROUP}"


def _evaluated(rs: RuleSet, frame: pl.DataFrame) -> pl.DataFrame:
    """``rs`` over the city's frame, with the size test's state where ``rs`` has one."""
    size = (tier_size.GROUP,) if tier_size.GROUP in group_ids(rs) else ()
    return evaluate_frame(rs, frame, id_column="enterprise_id", detail=False, groups=size)


def city_tiers(session: Session, year: int) -> CityTiers:
    """The whole city's tier frame, identities and evaluations for ``year``, computed once per
    key (no permission check: callers narrow it to their viewer's scope before showing it)."""

    def build() -> CityTiers:
        frame = records.tier_frame(session, None, year)
        ident = _identity(session, frame["enterprise_id"].to_list(), every=True)
        evaluated = {lv: _evaluated(load_rule_set(lv), frame) for lv in levels()}
        held = Counter(tag for _, _, tags in ident.values() for tag in set(tags))
        return CityTiers(year, frame, ident, evaluated, dict(held))

    return CITY_TIERS.get(_city_key(session, year), build)


def city_rank_frame(session: Session, year: int) -> pl.DataFrame:
    """:func:`rank_frame_for` of the whole city, computed once per key (no permission check)."""
    return CITY_RANKS.get(_city_key(session, year), lambda: rank_frame_for(session, None, year))


def _narrowed(frame: pl.DataFrame, ids: Sequence[int] | None) -> pl.DataFrame:
    """The rows of the enterprises ``ids`` (all when None)."""
    if ids is None:
        return frame
    return frame.filter(pl.col("enterprise_id").is_in(list(ids)))


def warm_city(session: Session) -> None:
    """Compute the latest year's city frames (the warm-up's entry for this feature)."""
    year = session.scalar(select(func.max(EnterpriseYear.year)))
    if year is not None:
        city_tiers(session, year)
        city_rank_frame(session, year)
