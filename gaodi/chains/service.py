"""Chains use cases: list, diagnose, recommend, the link page, the overview hook.

Pages, the JSON API, the CLI and the reports call these functions; each loads rows through
:func:`gaodi.core.permissions.restrict`, calls the pure analytics in
:mod:`gaodi.analytics.chains` and :mod:`gaodi.analytics.attraction`, and returns a typed result
(:mod:`gaodi.chains.schemas`). Re-mapping is in :mod:`gaodi.chains.remap`, editing in
:mod:`gaodi.chains.editing`.

Scoped users: a chain office sees only its chains (404 for the others). Another scoped role
(a park office) sees every chain's figures, but the names of enterprises outside its scope
are masked and their ids left out of every list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics.attraction import rank_candidates
from gaodi.analytics.chain_text import MAX_DECIMALS, decimals_for, share_pct
from gaodi.analytics.chain_tree import SEGMENT_ZH
from gaodi.analytics.chains import RISK_ZH, ChainDiagnosis, diagnose_chain
from gaodi.analytics.mapping import LinkRule
from gaodi.chains import benchmarks, loaders
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.chains.params import BENCHMARKS, ChainRules, load_chain_rules
from gaodi.chains.schemas import (
    Assignment,
    Candidate,
    ChainDiagnosisResult,
    ChainRef,
    ChainSummary,
    ChainSummaryRow,
    EnterpriseRef,
    LinkCandidates,
    LinkDetail,
    LinkRow,
    Provenance,
    RecommendationRow,
    RecommendResult,
)
from gaodi.core import clock
from gaodi.core.dbint import row_id_text
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.memo import Memo, scope_key
from gaodi.core.permissions import Principal, can, restrict
from gaodi.core.provenance import citation_of, computed_at
from gaodi.core.reference import industry_lookup, region_lookup
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.plans import loaders as plan_loaders

__all__ = [
    "chain_ref",
    "chain_summary",
    "diagnose",
    "diagnose_all",
    "link_detail",
    "list_chains",
    "recommend",
]


def chain_ref(chain: Chain) -> ChainRef:
    return ChainRef(
        id=chain.id,
        code=chain.code,
        name=chain.name,
        kind=chain.kind,
        office=chain.office,
        name_status=chain.name_status,
        is_demo=bool(chain.is_demo),
        citation=citation_of(chain),
    )


def list_chains(session: Session, principal: Principal) -> list[ChainRef]:
    return [chain_ref(c) for c in session.scalars(loaders.chain_query(principal))]


# --------------------------------------------------------------------------- diagnosis


def _provenance(
    rules: ChainRules,
    year: int | None,
    kind: str,
    label: tuple[str, str],
    demo: bool,
    on: dt.date | None = None,
) -> Provenance:
    return Provenance(
        membership_on=(on or clock.today()).isoformat(),
        year=year,
        rules=rules.label,
        benchmark=kind,
        benchmark_label_zh=label[0],
        benchmark_label_en=label[1],
        computed_at=computed_at(),
        is_demo=demo,
    )


def _check_benchmark(kind: str | None, rules: ChainRules) -> str:
    kind = kind or rules.benchmark_default
    if kind not in BENCHMARKS:
        raise ValidationError(
            f"对标方式须为 median、peer 或 national，收到“{kind}”。",
            f"The benchmark must be median, peer or national; got '{kind}'.",
        )
    return kind


def share_text(share: float | None, threshold: float | None = None) -> str | None:
    """A link's share of the chain's output as the page shows it: one decimal, two
    significant digits below 0.1% (0.0026%, not 0.0%), and never written equal to the
    threshold it differs from (the verdict beside it compares the two).

    Examples
    --------
    >>> share_text(0.000026), share_text(0.0345), share_text(0.00131, 0.00129), share_text(None)
    ('0.0026%', '3.5%', '0.131%', None)
    """
    if share is None:
        return None
    d = decimals_for(100 * share, 1)
    while (
        threshold is not None
        and share != threshold
        and d < MAX_DECIMALS
        and share_pct(share, d) == share_pct(threshold, d)
    ):
        d += 1
    return share_pct(share, d)


def _link_rows(
    diag: ChainDiagnosis, links: Sequence[Link], names: dict[int, str], visible: set[int] | None
) -> list[LinkRow]:
    code = {lk.id: lk.code for lk in links}
    out = []
    for d in diag.links:
        leaders = [i for i in d.leader_ids if visible is None or i in visible]
        out.append(
            LinkRow(
                id=d.link_id,
                code=code[d.link_id],
                name=d.name,
                segment=d.segment,
                parent_id=d.parent_id,
                depth=d.depth,
                key_link=d.key_link,
                is_leaf=d.is_leaf,
                enterprises=d.enterprises,
                above_scale=d.above_scale,
                output=d.output,
                output_share=d.output_share,
                output_share_text=share_text(d.output_share, d.threshold_share),
                leaders=d.leaders,
                leader_names=[names.get(i, str(i)) for i in leaders],
                srdi=d.srdi,
                invention_patents=d.invention_patents,
                growth=d.growth,
                top1_share=d.top1_share,
                hhi=d.hhi,
                risk_level=d.risk_level,
                risk_level_zh=RISK_ZH.get(d.risk_level, d.risk_level),
                risk_reason_zh=d.risk_reason_zh,
                risk_reason_en=loaders.english_masked(d.risk_reason_en),
                benchmark_share=d.benchmark_share,
                threshold_share=d.threshold_share,
                status=d.status,
                status_zh=d.status_zh,
                reason_zh=d.reason_zh,
                reason_en=loaders.english_masked(d.reason_en),
            )
        )
    return out


def _recommendation_rows(
    diag: ChainDiagnosis,
    links: Sequence[Link],
    refs: dict[int, EnterpriseRef],
    visible: set[int] | None,
) -> list[RecommendationRow]:
    code = {lk.id: lk.code for lk in links}
    return [
        RecommendationRow(
            kind=r.kind,
            kind_zh=r.kind_zh,
            action=r.action,
            link_id=r.link_id,
            link_code=code[r.link_id],
            link_name=r.link_name,
            priority=r.priority,
            enterprises=[
                refs[i] for i in r.enterprise_ids if (visible is None or i in visible) and i in refs
            ],
            related_link_ids=list(r.related_link_ids),
            reason_zh=r.reason_zh,
            reason_en=loaders.english_masked(r.reason_en),
        )
        for r in diag.recommendations
    ]


def _diagnose_one(
    session: Session,
    principal: Principal,
    chain: Chain,
    links: Sequence[Link],
    facts: pl.DataFrame,
    *,
    rules: ChainRules,
    kind: str,
    year: int | None,
    peer: str | None,
    home: str | None,
    on: dt.date | None = None,
) -> ChainDiagnosisResult:
    bench = benchmarks.benchmark(session, links, kind, year=year, peer=peer, home=home)
    params = rules.diagnosis_params(bench)
    visible = loaders.visible_enterprise_ids(session, principal, facts["enterprise_id"])
    facts = loaders.mask_names(facts, visible)
    link_df = loaders.links_frame(links)
    diag = diagnose_chain(link_df, facts.drop("chain_id"), params)
    ids = sorted({i for r in diag.recommendations for i in r.enterprise_ids})
    ids += [i for d in diag.links for i in d.leader_ids]
    refs = _enterprise_refs(session, ids)
    names = {i: r.name for i, r in refs.items()}
    result = ChainDiagnosisResult(
        chain=chain_ref(chain),
        provenance=_provenance(rules, year, kind, bench.describe(), bool(chain.is_demo), on),
        completeness=diag.completeness,
        strength=diag.strength,
        completeness_reason_zh=diag.completeness_reason_zh,
        completeness_reason_en=diag.completeness_reason_en,
        strength_reason_zh=diag.strength_reason_zh,
        strength_reason_en=diag.strength_reason_en,
        n_links=len(diag.links),
        n_scored=diag.n_scored,
        n_missing=diag.n_missing,
        n_weak=diag.n_weak,
        n_strong=diag.n_strong,
        chain_output=diag.chain_output,
        chain_enterprises=diag.chain_enterprises,
        links=_link_rows(diag, links, names, visible),
        recommendations=_recommendation_rows(diag, links, refs, visible),
    )
    return result


def _enterprise_refs(session: Session, ids: Sequence[int]) -> dict[int, EnterpriseRef]:
    found = enterprise_loaders.names_and_usccs(session, ids)
    return {eid: EnterpriseRef(id=eid, name=name, uscc=uscc) for eid, (name, uscc) in found.items()}


def _figures_year(session: Session, year: int | None) -> int | None:
    """The year of figures a diagnosis reads: the one asked for, else the latest. A year the
    city holds no figures for is refused: diagnosed on it, every link with firms would be judged
    weak (no output, no above-scale firm) on figures nobody reported."""
    if year is None:
        return loaders.latest_year(session)
    years = enterprise_loaders.years(session)
    if year not in years:
        held = ", ".join(map(str, years))
        raise NotFoundError(
            f"没有 {year} 年的企业数据（可用：{held or '无'}）。",
            f"No enterprise figures for {year} (available: {held or '-'}).",
            field="year",
        )
    return year


def diagnose(
    session: Session,
    principal: Principal,
    chain: int | str,
    *,
    benchmark: str | None = None,
    peer: str | None = None,
    year: int | None = None,
    rules: ChainRules | None = None,
    on: dt.date | None = None,
) -> ChainDiagnosisResult:
    """Diagnose one chain (by id, code or name) for ``year`` (default: the latest), with the
    membership in force at the end of the city's day ``on`` (default: the current one)."""
    rules = rules or load_chain_rules()
    kind = _check_benchmark(benchmark, rules)
    found = loaders.resolve_chain(session, principal, chain)
    links = loaders.chain_links(session, principal, [found.id])
    if not links:
        raise ValidationError(
            f"产业链“{found.name}”还没有环节，无法诊断。",
            f"Chain '{found.name}' has no links yet; nothing to diagnose.",
        )
    year = _figures_year(session, year)
    facts = loaders.facts_frame(session, [found.id], year, on)
    return _diagnose_one(
        session,
        principal,
        found,
        links,
        facts,
        rules=rules,
        kind=kind,
        year=year,
        peer=peer or rules.peer_region,
        home=plan_loaders.home_city(session),
        on=on,
    )


def diagnose_all(
    session: Session,
    principal: Principal,
    *,
    benchmark: str | None = None,
    peer: str | None = None,
    year: int | None = None,
    rules: ChainRules | None = None,
    on: dt.date | None = None,
) -> list[ChainDiagnosisResult]:
    """Diagnose every chain the principal may see (one query for all facts), in id order,
    with the membership in force on the day ``on`` (default: the current one). Chains without
    links are skipped."""
    rules = rules or load_chain_rules()
    kind = _check_benchmark(benchmark, rules)
    chains = list(session.scalars(loaders.chain_query(principal)))
    links = loaders.chain_links(session, principal, [c.id for c in chains])
    by_chain: dict[int, list[Link]] = {}
    for lk in links:
        by_chain.setdefault(lk.chain_id, []).append(lk)
    year = _figures_year(session, year)
    facts = loaders.facts_frame(session, list(by_chain), year, on)
    parts = {k[0]: v for k, v in facts.partition_by("chain_id", as_dict=True).items()}
    empty = facts.clear()
    home = plan_loaders.home_city(session)
    return [
        _diagnose_one(
            session,
            principal,
            chain,
            by_chain[chain.id],
            parts.get(chain.id, empty),
            rules=rules,
            kind=kind,
            year=year,
            peer=peer or rules.peer_region,
            home=home,
            on=on,
        )
        for chain in chains
        if chain.id in by_chain
    ]


def _summary_row(d: ChainDiagnosisResult) -> ChainSummaryRow:
    return ChainSummaryRow(
        chain=d.chain,
        completeness=d.completeness,
        strength=d.strength,
        n_links=d.n_links,
        n_scored=d.n_scored,
        n_missing=d.n_missing,
        n_weak=d.n_weak,
        n_strong=d.n_strong,
        enterprises=d.chain_enterprises,
        output=d.chain_output,
        missing_key_links=[
            r.name for r in d.links if r.is_leaf and r.key_link and r.status == "missing"
        ],
    )


#: chain_summary results per (database, viewer, benchmark, year), valid while the audit log has
#: no newer data event (every change through the ORM, every import and re-mapping writes one;
#: log-ins and language switches are not data: gaodi.audit.service.data_version) and
#: for at most SUMMARY_TTL seconds: the overview card must not diagnose every chain per view.
SUMMARY_TTL = 300.0
_SUMMARY_CACHE: dict[tuple[Any, ...], tuple[float, int, ChainSummary]] = {}


def chain_summary(
    session: Session,
    principal: Principal,
    *,
    benchmark: str | None = None,
    year: int | None = None,
    on: dt.date | None = None,
) -> ChainSummary:
    """Every visible chain's scores and gap counts: the 产业链 page, the overview card and the
    monthly report call this. ``on``: the city's day whose membership counts (a past report's
    period end); default the current membership."""
    import time

    from gaodi.audit.service import data_version

    restrict(select(Chain.id), principal)  # the permission check, before any cached answer
    stamp = data_version(session)
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        principal.role,
        principal.chain_ids,
        principal.park_ids,
        principal.enterprise_ids,
        benchmark,
        year,
        on,
        clock.today(),  # the provenance names the day the membership is true
    )
    now = time.monotonic()
    hit = _SUMMARY_CACHE.get(key)
    if hit is not None and hit[1] == stamp and now - hit[0] < SUMMARY_TTL:
        return hit[2]
    result = _chain_summary(session, principal, benchmark=benchmark, year=year, on=on)
    if len(_SUMMARY_CACHE) > 64:
        _SUMMARY_CACHE.clear()
    _SUMMARY_CACHE[key] = (now, stamp, result)
    return result


#: Diagnoses of one chain per (database, viewer's role and scope, chain, benchmark, data
#: version): the chain page reads one 30 times a minute under load, and it changes only with
#: the data (a re-mapping, an edited link or enterprise, an import all write an audit event).
DIAGNOSES: Memo[ChainDiagnosisResult] = Memo(max_entries=128, max_age=SUMMARY_TTL)


def cached_diagnose(
    session: Session, principal: Principal, chain: int | str, *, benchmark: str | None = None
) -> ChainDiagnosisResult:
    """:func:`diagnose` for the latest year, shared by viewers of the same scope while the data
    version stays the same; a scope that may not read the chain gets diagnose's own error
    (errors are never cached)."""
    from gaodi.audit.service import data_version

    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        *scope_key(principal),
        str(chain),
        benchmark,
        data_version(session),
        clock.today(),  # the provenance names the day the membership is true
    )
    return DIAGNOSES.get(key, lambda: diagnose(session, principal, chain, benchmark=benchmark))


def _chain_summary(
    session: Session,
    principal: Principal,
    *,
    benchmark: str | None,
    year: int | None,
    on: dt.date | None = None,
) -> ChainSummary:
    rules = load_chain_rules()
    diags = diagnose_all(session, principal, benchmark=benchmark, year=year, rules=rules, on=on)
    rows = [_summary_row(d) for d in diags]
    year = diags[0].provenance.year if diags else loaders.latest_year(session)
    kind = _check_benchmark(benchmark, rules)
    label = diags[0].provenance if diags else None
    return ChainSummary(
        provenance=_provenance(
            rules,
            year,
            kind,
            (label.benchmark_label_zh, label.benchmark_label_en) if label else ("", ""),
            any(d.chain.is_demo for d in diags),
            on,
        ),
        chains=rows,
        mean_completeness=sum(r.completeness for r in rows) / len(rows) if rows else None,
        mean_strength=sum(r.strength for r in rows) / len(rows) if rows else None,
        total_missing=sum(r.n_missing for r in rows),
        total_weak=sum(r.n_weak for r in rows),
    )


# --------------------------------------------------------------------------- 招商 candidates


def _resolve_link(links: Sequence[Link], ref: int | str) -> Link:
    text = str(ref).strip()
    for lk in links:
        if lk.code == text or lk.name == text or lk.id == row_id_text(text):
            return lk
    raise NotFoundError(f"本链没有环节“{text}”。", f"The chain has no link '{text}'.")


def _city_names(codes: pl.Series) -> pl.Series:
    names: dict[str, str | None] = {}
    for code in codes.drop_nulls().unique().to_list():
        pref = str(code)[:4] + "00"
        row = region_lookup(pref) or region_lookup(str(code)[:2] + "0000")
        names[code] = row.name if row else None
    return codes.replace_strict(names, default=None, return_dtype=pl.String)


def candidates_for_link(
    link: Link,
    pool: pl.DataFrame,
    local: ChainLocals,
    *,
    rules: ChainRules,
    home_city: str | None,
    top: int,
) -> list[Candidate]:
    """The ``top`` pool candidates for one link, best first."""
    rule = LinkRule(
        link.id,
        tuple(link.industry_codes or ()),
        tuple(link.keywords or ()),
        tuple(link.exclude_keywords or ()),
    )
    if not rule.industry_codes and not rule.keywords:
        return []
    eligible = pool.filter(~pl.col("uscc").is_in(list(local.usccs)) | pl.col("uscc").is_null())
    ranked = rank_candidates(
        eligible,
        rule,
        local_enterprise_ids=[str(i) for i in local.ids],
        local_names=local.names,
        home_city=home_city,
        weights=rules.attraction_weights,
        mapping_weights=rules.mapping_weights,
        min_match=rules.attraction_min_match,
        patent_share=rules.patent_share,
        ties_saturation=rules.ties_saturation,
        top_n=top,
    )
    rows = ranked.to_dicts()
    shown = ranked["id"].to_list()
    uscc_of = dict(eligible.filter(pl.col("id").is_in(shown)).select("id", "uscc").iter_rows())
    return [
        Candidate(
            rank=r["rank"],
            # "X<id>": the database pool's record; "R<uscc>": a registry file's firm (no record)
            id=int(str(r["id"])[1:]) if str(r["id"]).startswith("X") else None,
            uscc=uscc_of.get(r["id"]),
            name=r["name"],
            city=r["city"],
            score=r["score"],
            f_match=r["f_match"],
            f_scale=r["f_scale"],
            f_growth=r["f_growth"],
            f_technology=r["f_technology"],
            f_ties=r["f_ties"],
            confidence=r["confidence"],
            revenue=r["revenue"],
            revenue_growth=r["revenue_growth"],
            invention_patents=r["invention_patents"],
            tags=list(r["tags"] or []),
            local_ties=[int(x) for x in (r["local_ties"] or [])],
            reason_zh=r["reason_zh"],
            reason_en=r["reason_en"],
        )
        for r in rows
    ]


def _link_candidates(
    row: LinkRow, cands: list[Candidate], pool_size: int, has_rule: bool, min_match: float
) -> LinkCandidates:
    if not has_rule:
        note_zh = "该环节没有行业代码或关键词，无法从企业池匹配候选企业"
        note_en = "the link has no industry codes or keywords; no pool enterprise can match"
    else:
        note_zh = (
            f"从企业池{pool_size}家外地企业中，取环节匹配度≥{min_match:g}者，按匹配、规模、增速、"
            f"技术、与本地企业关联加权评分，列出前{len(cands)}名"
        )
        note_en = (
            f"of the pool's {pool_size} enterprises elsewhere, those with link match >= "
            f"{min_match:g}, scored on match, scale, growth, technology and ties to local "
            f"enterprises: top {len(cands)}"
        )
    return LinkCandidates(
        link_id=row.id,
        link_code=row.code,
        link_name=row.name,
        status=row.status,
        status_zh=row.status_zh,
        reason_zh=row.reason_zh,
        reason_en=row.reason_en,
        eligible_note_zh=note_zh,
        eligible_note_en=note_en,
        candidates=cands,
    )


@dataclass(frozen=True)
class ChainLocals:
    """The chain's local enterprises as the 招商 ranking needs them: ids and USCCs (left out of
    the ranking) and the names a ties reason may show the reader."""

    ids: list[int]
    usccs: list[str]
    names: dict[str, str]


def _chain_locals(session: Session, principal: Principal, chain_id: int) -> ChainLocals:
    ent = enterprise_loaders.identities()
    query = (
        select(ent.c.id, ent.c.uscc, ent.c.name)
        .join(EnterpriseLink, EnterpriseLink.enterprise_id == ent.c.id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(
            Link.chain_id == chain_id,
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
        .distinct()
    )
    rows = session.execute(query).all()
    ids = [r[0] for r in rows]
    # a reason names only the firms the reader may read (the others are counted)
    visible = loaders.visible_enterprise_ids(session, principal, ids)
    names = {str(r[0]): r[2] for r in rows if visible is None or r[0] in visible}
    return ChainLocals(ids, [r[1] for r in rows], names)


def _home_city_name(session: Session) -> str | None:
    home = plan_loaders.home_city(session)
    row = region_lookup(home) if home else None
    return row.name if row else None


#: The pool frame, kept per database while its row count and largest id are unchanged, for at
#: most POOL_TTL seconds (loading 100,000 rows takes seconds; the pool changes by imports).
POOL_TTL = 600.0
_POOL_CACHE: dict[str, tuple[float, tuple[int, int], pl.DataFrame]] = {}


def load_pool(session: Session, principal: Principal) -> pl.DataFrame:
    """The external pool with a ``city`` column (prefecture name) for the ranking."""
    import time

    # the permission check, and what the cache key is made of
    stamp = enterprise_loaders.pool_stamp(session, principal)
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    hit = _POOL_CACHE.get(key)
    now = time.monotonic()
    if hit is not None and hit[1] == stamp and now - hit[0] < POOL_TTL:
        return hit[2]
    pool = loaders.pool_frame(session, principal)
    pool = pool.with_columns(_city_names(pool["region_code"]).alias("city"))
    _POOL_CACHE.clear()
    _POOL_CACHE[key] = (now, stamp, pool)
    return pool


def recommend(
    session: Session,
    principal: Principal,
    chain: int | str,
    *,
    link: int | str | None = None,
    top: int = 10,
    benchmark: str | None = None,
    year: int | None = None,
    pool: pl.DataFrame | None = None,
) -> RecommendResult:
    """招商 candidates for one link, or for every missing and weak link of the chain."""
    if top < 1:
        raise ValidationError("--top 须至少为 1。", "--top must be at least 1.")
    rules = load_chain_rules()
    diag = diagnose(session, principal, chain, benchmark=benchmark, year=year, rules=rules)
    found = loaders.resolve_chain(session, principal, chain)
    links = loaders.chain_links(session, principal, [found.id])
    if link is not None:
        targets = [_resolve_link(links, link)]
    else:
        gaps = {r.id for r in diag.links if r.status != "strong" and r.is_leaf}
        top_missing = {
            r.id
            for r in diag.links
            if r.status == "missing"
            and (r.parent_id is None or diag.link(r.parent_id).status != "missing")
        }
        targets = [lk for lk in loaders.tree_order(links) if lk.id in gaps | top_missing]
    pool = pool if pool is not None else load_pool(session, principal)
    if "city" not in pool.columns:  # a pool from a registry file (chains.registry)
        pool = pool.with_columns(_city_names(pool["region_code"]).alias("city"))
    local = _chain_locals(session, principal, found.id)
    home = _home_city_name(session)
    out = []
    for lk in targets:
        cands = candidates_for_link(lk, pool, local, rules=rules, home_city=home, top=top)
        has_rule = bool(lk.industry_codes or lk.keywords)
        out.append(
            _link_candidates(
                diag.link(lk.id), cands, pool.height, has_rule, rules.attraction_min_match
            )
        )
    return RecommendResult(
        chain=diag.chain, provenance=diag.provenance, pool_size=pool.height, links=out
    )


# --------------------------------------------------------------------------- the link page


def _assignments(
    session: Session, principal: Principal, link_id: int, year: int | None
) -> list[Assignment]:
    query = (
        restrict(select(EnterpriseLink), principal)
        .where(EnterpriseLink.link_id == link_id)
        .order_by(EnterpriseLink.valid_from.desc(), EnterpriseLink.id.desc())
    )
    rows = list(session.scalars(query))
    ids = sorted({r.enterprise_id for r in rows})
    visible = loaders.visible_enterprise_ids(session, principal, ids)
    ents = enterprise_loaders.by_ids(session, ids)
    output: dict[int, float | None] = {}
    if year is not None and ids:
        output = enterprise_loaders.year_values(session, ids, year, "output")
    out = []
    for r in rows:
        if visible is not None and r.enterprise_id not in visible:
            continue
        e = ents[r.enterprise_id]
        out.append(
            Assignment(
                id=r.id,
                enterprise_id=e.id,
                enterprise_name=e.name,
                uscc=e.uscc,
                source="manual" if r.source == "manual" else "rule",
                confidence=r.confidence,
                excluded=r.excluded,
                reason=r.reason,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                since=clock.local_date(r.valid_from).isoformat(),
                until=clock.local_date(r.valid_to).isoformat() if r.valid_to else None,
                created_by=r.created_by,
                output=output.get(e.id),
                tags=list(e.tags or []),
            )
        )
    return out


def link_detail(
    session: Session,
    principal: Principal,
    chain: int | str,
    link: int | str,
    *,
    benchmark: str | None = None,
    top: int = 10,
    pool: pl.DataFrame | None = None,
    diagnosis: ChainDiagnosisResult | None = None,
) -> LinkDetail:
    """The link page: definition, enterprises (with history), diagnosis, candidates."""
    rules = load_chain_rules()
    diag = diagnosis or diagnose(session, principal, chain, benchmark=benchmark, rules=rules)
    found = loaders.resolve_chain(session, principal, chain)
    links = loaders.chain_links(session, principal, [found.id])
    lk = _resolve_link(links, link)
    row = diag.link(lk.id)
    rows = _assignments(session, principal, lk.id, diag.provenance.year)
    current = [a for a in rows if a.valid_to is None]
    attract = None
    if row.status != "strong" or not row.is_leaf:
        pool = pool if pool is not None else load_pool(session, principal)
        local = _chain_locals(session, principal, found.id)
        cands = candidates_for_link(
            lk, pool, local, rules=rules, home_city=_home_city_name(session),
            top=top,
        )  # fmt: skip
        has_rule = bool(lk.industry_codes or lk.keywords)
        attract = _link_candidates(row, cands, pool.height, has_rule, rules.attraction_min_match)
    recs = [r for r in diag.recommendations if r.link_id == lk.id]
    cultivate = [e for r in recs if r.kind == "strengthen" for e in r.enterprises]
    names = []
    for code in lk.industry_codes or []:
        ref = industry_lookup(code)
        names.append(ref.name if ref else "")
    can_edit = can(principal, "edit", found)
    parent = next((x for x in links if x.id == lk.parent_id), None)
    return LinkDetail(
        chain=diag.chain,
        provenance=diag.provenance,
        link=row,
        parent_name=parent.name if parent else None,
        children=[r for r in diag.links if r.parent_id == lk.id],
        industry_codes=list(lk.industry_codes or []),
        industry_names=names,
        keywords=list(lk.keywords or []),
        exclude_keywords=list(lk.exclude_keywords or []),
        description=lk.description,
        assignments=sorted(
            (a for a in current if not a.excluded),
            key=lambda a: (a.output is None, -(a.output or 0.0), a.enterprise_name),
        ),
        excluded=[a for a in current if a.excluded],
        history=[a for a in rows if a.valid_to is not None][:200],
        recommendations=recs,
        attract=attract,
        cultivate=cultivate,
        can_edit=can_edit,
    )


def segment_label(segment: str, lang: str = "zh") -> str:
    return SEGMENT_ZH.get(segment, segment) if lang == "zh" else segment


def as_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in rows]
