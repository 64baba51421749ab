"""Regions use cases: specialisation against a peer group, the complexity ranking, opportunities
with the Atlas presets, peer comparison (input-output linkages: :mod:`gaodi.regions.linkages`).

Each function loads the panel (:mod:`gaodi.regions.panel`, through ``restrict``), optionally
swaps the city's panel row for its own enterprises summed by 中类 (``source="microdata"``),
calls the pure functions of :mod:`gaodi.analytics` and returns a typed result
(:mod:`gaodi.regions.schemas`) with its provenance. Pages, the JSON API, the CLI and reports
call these; none of them computes. A database without a panel or a home city gives an empty
result with a notice, never an error page; degenerate data the analytics refuse (for example a
disconnected region-industry network) is reported in the notice with the analytics' message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy.orm import Session

from gaodi.analytics import opportunities as opp
from gaodi.analytics.complexity import Complexity, complexity, to_matrix
from gaodi.analytics.regional import hhi, krugman_index, location_quotient, specialised
from gaodi.analytics.regional_tables import panel as to_cube
from gaodi.core.errors import GaodiError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal
from gaodi.regions import panel as P
from gaodi.regions.schemas import (
    Availability,
    ComplexityRanking,
    IndustryComplexityRow,
    Opportunities,
    OpportunityRow,
    PeerComparison,
    PeerGroup,
    PeerMeasureRow,
    Provenance,
    QuadrantPoint,
    RegionComplexityRow,
    Specialisation,
    SpecialisationRow,
    StrategyOption,
)

__all__ = [
    "availability",
    "city_complexity",
    "complexity_ranking",
    "location_quotient_of_set",
    "opportunities",
    "peer_comparison",
    "specialisation",
]

NO_PANEL = ("面板中没有数据（PanelValue 为空）。", "The panel holds no data (no PanelValue rows).")
NO_CITY = (
    "不知道本市是哪个地区：数据集记录与行动计划都没有地区代码。",
    "The home city is unknown: neither the dataset record nor a plan names its region code.",
)
PEER_MEASURES: dict[str, tuple[str, str]] = {
    "total": ("总量", "Total"),
    "cagr": ("年均增速", "CAGR"),
    "diversity": ("多样性（RCA≥1 的产业数）", "Diversity (industries with RCA >= 1)"),
    "eci": ("经济复杂度 ECI", "Economic complexity (ECI)"),
    "coi": ("复杂度展望 COI", "Complexity outlook (COI)"),
    "hhi": ("产业集中度 HHI", "Concentration (HHI)"),
    "krugman": ("克鲁格曼专业化指数", "Krugman specialisation index"),
}


# --------------------------------------------------------------------------- helpers


def _year(years: Sequence[int], year: int | None) -> int:
    if year is None:
        return max(years)
    if year not in years:
        raise NotFoundError(
            f"面板中没有 {year} 年的数据（可用：{', '.join(map(str, years))}）。",
            f"The panel has no data for {year} (available: {', '.join(map(str, years))}).",
            field="year",
        )
    return year


def _start(years: Sequence[int], year: int, start_year: int | None) -> int | None:
    earlier = [y for y in years if y < year]
    if start_year is None:
        return min(earlier) if earlier else None
    if start_year not in earlier:
        raise ValidationError(
            f"起始年份 {start_year} 须在面板中且早于 {year}。",
            f"The start year {start_year} must be in the panel and before {year}.",
            field="start_year",
        )
    return start_year


def _load(
    session: Session, principal: Principal, measure: str, source: str
) -> tuple[str | None, pl.DataFrame]:
    P.check_measure(measure)
    city = P.home_city(session)
    frame = P.panel_frame(session, principal, measure=measure)
    if city is not None and frame.height:
        frame = P.with_city(session, principal, frame, city, source=source, measure=measure)
    return city, frame


def availability(session: Session, principal: Principal, measure: str = "output") -> Availability:
    """Years, measures, regions and peer groups the pages offer."""
    city = P.home_city(session)
    years = P.panel_years(session, principal, P.check_measure(measure))
    frame = P.panel_frame(session, principal, measure=measure, years=years[-1:]) if years else None
    codes = sorted(frame["region"].unique().to_list()) if frame is not None else []
    names = P.region_names(session, principal, [*codes, *([city] if city else [])])
    return Availability(
        years=years,
        measures=P.panel_measures(session, principal),
        city=P.ref(city, names) if city else None,
        regions=[P.ref(c, names) for c in codes if c != city],
        groups=P.group_options(city),
    )


def _no_data_provenance(
    session: Session, measure: str, year: int | None, city: str | None, source: str
) -> tuple[tuple[str, str], Provenance]:
    """Why a result is empty (no home city, or no panel) and its provenance."""
    notice = NO_CITY if city is None else NO_PANEL
    return notice, P.provenance(session, measure=measure, year=year, city=city, city_source=source)


def _peer_setting(
    session: Session,
    principal: Principal,
    frame: pl.DataFrame,
    city: str,
    year: int | None,
    start_year: int | None,
    group: str | None,
    peers: Sequence[str],
    measure: str,
    source: str,
) -> tuple[int, int | None, PeerGroup, Provenance]:
    """The year, the start year, the peer group and the provenance of a result against it."""
    years = sorted(frame["year"].unique().to_list())
    chosen = _year(years, year)
    start = _start(years, chosen, start_year)
    grp = P.resolve_group(session, principal, frame, city, group=group, peers=peers, year=chosen)
    prov = P.provenance(
        session,
        measure=measure,
        year=chosen,
        city=city,
        start_year=start,
        city_source=source,
        group=grp,
        parameters={"peers": ",".join(r.code for r in grp.regions)},
    )
    return chosen, start, grp, prov


def _cagr(v0: np.ndarray, v1: np.ndarray, n: int) -> np.ndarray:
    out = np.full(v0.shape, np.nan)
    ok = v0 > 0
    out[ok] = (v1[ok] / v0[ok]) ** (1.0 / n) - 1.0
    return out


def _opt(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


# --------------------------------------------------------------------------- specialisation


def specialisation(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    group: str | None = None,
    peers: Sequence[str] = (),
    measure: str = "output",
    source: str = "panel",
    start_year: int | None = None,
) -> Specialisation:
    """The city's industries: value, share, LQ against the city plus its peer group, CAGR of
    the city and of the peers combined (the bubble chart: LQ vs CAGR, bubble = value).

    LQ_i = (e_ci / e_c) / (E_i / E) with E the sum of the city and its peers (industries the
    whole group lacks in ``year`` are left out); CAGR = (v_year / v_start)^(1/(year-start)) - 1,
    missing where v_start = 0.
    """
    city, frame = _load(session, principal, measure, source)
    if city is None or frame.height == 0:
        notice, prov = _no_data_provenance(session, measure, year, city, source)
        return Specialisation(
            provenance=prov,
            group=None,
            total=None,
            rows=[],
            notice_zh=notice[0],
            notice_en=notice[1],
        )
    year, start, grp, prov = _peer_setting(
        session, principal, frame, city, year, start_year, group, peers, measure, source
    )
    members = [city, *[r.code for r in grp.regions]]
    wanted = [y for y in (start, year) if y is not None]
    sub = frame.filter(pl.col("region").is_in(members) & pl.col("year").is_in(wanted))
    if sub.filter((pl.col("region") == city) & (pl.col("year") == year))["value"].sum() <= 0:
        return Specialisation(
            provenance=prov,
            group=grp,
            total=None,
            rows=[],
            notice_zh=f"本市在 {year} 年的面板数据为 0。",
            notice_en=f"The city's panel total is 0 in {year}.",
        )
    cube, regs, inds, ys = to_cube(sub)
    t, ci = ys.index(year), regs.index(city)
    x = cube[t]
    keep = np.flatnonzero(x.sum(axis=0) > 0)
    x = x[:, keep]
    inds = [inds[k] for k in keep]
    lq = location_quotient(x)[ci]
    on_line = specialised(x)[ci]
    total = float(x[ci].sum())
    peer_rows = [i for i, r in enumerate(regs) if r != city]
    if start is not None:
        x0 = cube[ys.index(start)][:, keep]
        growth = _cagr(x0[ci], x[ci], year - start)
        peer_growth = _cagr(x0[peer_rows].sum(axis=0), x[peer_rows].sum(axis=0), year - start)
    else:
        growth = peer_growth = np.full(len(inds), np.nan)
    names = P.industry_names(session, principal, inds)
    rows = [
        SpecialisationRow(
            industry=code,
            name=names.get(code, code),
            value=float(x[ci, j]),
            share=float(x[ci, j] / total),
            lq=float(lq[j]),
            specialised=bool(on_line[j]),
            cagr=_opt(growth[j]),
            peer_cagr=_opt(peer_growth[j]) if peer_rows else None,
        )
        for j, code in enumerate(inds)
        if x[ci, j] > 0
    ]
    rows.sort(key=lambda r: (-r.value, r.industry))
    krugman = None
    if peer_rows and x[peer_rows].sum() > 0:
        krugman = float(krugman_index(x[[ci, *peer_rows]], reference="rest")[0])
    return Specialisation(
        provenance=prov,
        group=grp,
        total=total,
        rows=rows,
        n_specialised=sum(1 for r in rows if r.specialised),
        hhi=float(hhi(x[ci : ci + 1])[0]),
        krugman=krugman,
    )


def location_quotient_of_set(
    frame: pl.DataFrame, city: str, members: Sequence[str], industries: set[str], year: int
) -> float | None:
    """LQ of the city in a set of industries against the city plus ``members`` in ``year``:
    (e_c,S / e_c) / (E_S / E), None when undefined (a zero total, an empty set)."""
    sub = frame.filter(
        pl.col("region").is_in([city, *members]) & (pl.col("year") == year)
    ).with_columns(pl.col("industry").is_in(sorted(industries)).alias("in_set"))
    if sub.height == 0 or not industries:
        return None
    by = sub.group_by("region", "in_set").agg(pl.col("value").sum())
    regs = sorted(by["region"].unique().to_list())
    if city not in regs:
        return None
    x = np.zeros((len(regs), 2))
    for r, in_set, v in by.iter_rows():
        x[regs.index(r), 0 if in_set else 1] += v
    if x[:, 0].sum() <= 0 or x[:, 1].sum() <= 0 or x[regs.index(city)].sum() <= 0:
        return None
    return float(location_quotient(x)[regs.index(city), 0])


# --------------------------------------------------------------------------- complexity


def city_complexity(frame: pl.DataFrame, year: int) -> Complexity:
    """Complexity of every region in the panel in ``year`` (regions or industries with a zero
    total are dropped, as ecomplexity does)."""
    sub = frame.filter(pl.col("year") == year)
    matrix, regions, industries = to_matrix(sub)
    return complexity(matrix, regions, industries, drop_empty_rows=True)


def _empty_ranking(
    session: Session,
    measure: str,
    year: int | None,
    city: str | None,
    source: str,
    notice: tuple[str, str],
) -> ComplexityRanking:
    prov = P.provenance(session, measure=measure, year=year, city=city, city_source=source)
    return ComplexityRanking(
        provenance=prov, regions=[], industries=[], notice_zh=notice[0], notice_en=notice[1]
    )


def complexity_ranking(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    measure: str = "output",
    source: str = "panel",
) -> ComplexityRanking:
    """ECI of every region in the panel (the city marked) and PCI of every industry, with the
    city's RCA in each (ecomplexity conventions, docs/methods/complexity.md)."""
    city, frame = _load(session, principal, measure, source)
    if city is None or frame.height == 0:
        return _empty_ranking(
            session, measure, year, city, source, NO_CITY if city is None else NO_PANEL
        )
    years = sorted(frame["year"].unique().to_list())
    year = _year(years, year)
    try:
        res = city_complexity(frame, year)
    except GaodiError as exc:
        return _empty_ranking(session, measure, year, city, source, (exc.zh, exc.en))
    prov = P.provenance(
        session,
        measure=measure,
        year=year,
        city=city,
        city_source=source,
        parameters={"threshold": "1.0", "regions": str(len(res.regions))},
    )
    rnames = P.region_names(session, principal, res.regions)
    inames = P.industry_names(session, principal, res.industries)
    order = np.argsort(-res.eci, kind="stable")
    regions = [
        RegionComplexityRow(
            rank=k + 1,
            region=res.regions[i],
            name=rnames.get(res.regions[i], res.regions[i]),
            diversity=int(res.diversity[i]),
            eci=float(res.eci[i]),
            coi=float(res.coi[i]),
            is_city=res.regions[i] == city,
        )
        for k, i in enumerate(order)
    ]
    ci = res.regions.index(city) if city in res.regions else None
    porder = np.argsort(-res.pci, kind="stable")
    industries = [
        IndustryComplexityRow(
            rank=k + 1,
            industry=res.industries[j],
            name=inames.get(res.industries[j], res.industries[j]),
            ubiquity=int(res.ubiquity[j]),
            pci=float(res.pci[j]),
            city_rca=None if ci is None else float(res.rca[ci, j]),
            city_present=False if ci is None else bool(res.mcp[ci, j]),
        )
        for k, j in enumerate(porder)
    ]
    city_rank = next((r.rank for r in regions if r.is_city), None)
    return ComplexityRanking(
        provenance=prov,
        regions=regions,
        industries=industries,
        city_rank=city_rank,
        n_regions=len(regions),
        dropped_regions=list(res.dropped_regions),
        dropped_industries=list(res.dropped_industries),
    )


# --------------------------------------------------------------------------- opportunities


def _strategies() -> tuple[str, list[StrategyOption], dict[str, dict[str, str]]]:
    version, strategies, approaches = opp.load_strategies()
    return (
        version,
        [
            StrategyOption(key=s.name, label_zh=s.zh, label_en=s.en, weights=s.weights)
            for s in strategies.values()
        ],
        approaches,
    )


def opportunities(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    strategy: str = "balanced",
    group: str | None = None,
    peers: Sequence[str] = (),
    measure: str = "output",
    source: str = "panel",
    limit: int | None = None,
) -> Opportunities:
    """Industries the city does not yet specialise in, ranked by an Atlas preset; the
    feasibility-attractiveness scatter; the strategic-approach quadrant of every region.

    feasibility = min-max density over the candidates; attractiveness = the preset's weighted
    mean of the PCI, COG and peer-growth scores (weights of those three, renormalised); the
    score is w_f * feasibility + (1 - w_f) * attractiveness (docs/methods/complexity.md).
    Without income data, ECI itself stands in for ECI relative to income in the quadrant.
    """
    version, options, approaches = _strategies()
    if strategy not in {o.key for o in options}:
        raise ValidationError(
            f"没有名为“{strategy}”的策略（可用：{', '.join(o.key for o in options)}）。",
            f"No strategy '{strategy}' (available: {', '.join(o.key for o in options)}).",
            field="strategy",
        )
    rule_sets = {"atlas_strategies": version}
    city, frame = _load(session, principal, measure, source)

    def empty(notice: tuple[str, str], y: int | None = None) -> Opportunities:
        prov = P.provenance(
            session, measure=measure, year=y, city=city, city_source=source, rule_sets=rule_sets
        )
        preset = opp.strategy_weights(strategy)
        return Opportunities(
            provenance=prov,
            strategy=strategy,
            strategies=options,
            weights={k: v / sum(preset.values()) for k, v in preset.items()},
            rows=[],
            quadrant=[],
            notice_zh=notice[0],
            notice_en=notice[1],
        )

    if city is None or frame.height == 0:
        return empty(NO_CITY if city is None else NO_PANEL)
    years = sorted(frame["year"].unique().to_list())
    year = _year(years, year)
    try:
        res = city_complexity(frame, year)
    except GaodiError as exc:
        return empty((exc.zh, exc.en), year)
    if city not in res.regions:
        return empty(
            (f"本市在 {year} 年没有面板数据。", f"The city has no panel data in {year}."), year
        )
    table = opp.strategic_approach_table(res)
    approach = str(table.filter(pl.col("region") == city)["approach"][0])
    grp = P.resolve_group(session, principal, frame, city, group=group, peers=peers, year=year)
    start = _start(years, year, None)
    growth: dict[str, float] | None = None
    if grp.regions and start is not None:
        try:
            growth = opp.peer_industry_growth(
                frame, [r.code for r in grp.regions], start=start, end=year
            )
        except GaodiError:
            growth = None
    ranked = opp.opportunities(res, city, strategy=strategy, approach=approach, peer_growth=growth)
    w = opp.strategy_weights(strategy, approach)
    total = sum(w.values())
    w = {k: v / total for k, v in w.items()}
    rest = {k: v for k, v in w.items() if k != "feasibility"}
    rest_total = sum(rest.values()) or 1.0
    names = P.industry_names(session, principal, ranked["industry"].to_list())
    rows = []
    for r in ranked.iter_rows(named=True):
        attract = sum(rest[k] * r[f"{k}_score"] for k in rest) / rest_total
        rows.append(
            OpportunityRow(
                rank=int(r["rank"]),
                industry=r["industry"],
                name=names.get(r["industry"], r["industry"]),
                rca=float(r["rca"]),
                density=float(r["density"]),
                distance=float(r["distance"]),
                pci=float(r["pci"]),
                cog=float(r["cog"]),
                peer_growth=r["peer_growth"],
                feasibility=float(r["feasibility_score"]),
                attractiveness=float(attract),
                score=float(r["score"]),
            )
        )
    if limit is not None:
        rows = rows[:limit]
    rnames = P.region_names(session, principal, res.regions)
    quadrant = [
        QuadrantPoint(
            region=q["region"],
            name=rnames.get(q["region"], q["region"]),
            eci=q["eci"],
            coi=q["coi"],
            eci_relative=q["eci_relative"],
            approach=q["approach"],
            is_city=q["region"] == city,
        )
        for q in table.iter_rows(named=True)
    ]
    label = approaches.get(approach, {})
    prov = P.provenance(
        session,
        measure=measure,
        year=year,
        city=city,
        start_year=start,
        city_source=source,
        group=grp,
        rule_sets=rule_sets,
        parameters={
            "strategy": strategy,
            "approach": approach,
            "peers": ",".join(r.code for r in grp.regions),
        },
    )
    return Opportunities(
        provenance=prov,
        strategy=strategy,
        strategies=options,
        weights=w,
        approach=approach,
        approach_label_zh=label.get("zh"),
        approach_label_en=label.get("en"),
        rows=rows,
        quadrant=quadrant,
        group=grp,
    )


# --------------------------------------------------------------------------- peers


def peer_comparison(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    group: str | None = None,
    peers: Sequence[str] = (),
    measure: str = "output",
    source: str = "panel",
) -> PeerComparison:
    """The city against its peers: total, CAGR, diversity, ECI, COI (over the whole panel),
    HHI and the Krugman index (against the rest of the panel), the peers' median and the
    city's rank (1 = highest)."""
    city, frame = _load(session, principal, measure, source)
    empty_group = PeerGroup(key=group or "plan", label_zh="", label_en="", regions=[])
    if city is None or frame.height == 0:
        no_data, prov = _no_data_provenance(session, measure, year, city, source)
        return PeerComparison(
            provenance=prov,
            group=empty_group,
            regions=[],
            rows=[],
            notice_zh=no_data[0],
            notice_en=no_data[1],
        )
    year, start, grp, prov = _peer_setting(
        session, principal, frame, city, year, None, group, peers, measure, source
    )
    names = P.region_names(session, principal, [city])
    regions = [P.ref(city, names), *grp.regions]
    codes = [r.code for r in regions]
    table = _measures_table(frame, year, start)
    present = set(table["region"].to_list())
    notice: tuple[str, str] | None = None
    if city not in present:
        notice = (f"本市在 {year} 年没有面板数据。", f"The city has no panel data in {year}.")
    missing = [c for c in codes if c not in present]
    if missing:
        filler = pl.DataFrame({"region": missing}).with_columns(
            [pl.lit(None, dtype=pl.Float64).alias(c) for c in table.columns if c != "region"]
        )
        table = pl.concat([table, filler], how="diagonal_relaxed")
    if notice is not None or not grp.regions:
        if notice is None:
            notice = ("对标组中没有面板里的地区。", "The peer group holds no panel region.")
        return PeerComparison(
            provenance=prov,
            group=grp,
            regions=regions,
            rows=[],
            notice_zh=notice[0],
            notice_en=notice[1],
        )
    compared = opp.peer_comparison(table, city, codes[1:], measures=list(PEER_MEASURES))
    rows = []
    for r in compared.iter_rows(named=True):
        zh, en = PEER_MEASURES[r["measure"]]
        rows.append(
            PeerMeasureRow(
                measure=r["measure"],
                label_zh=zh,
                label_en=en,
                values=[_opt(float(r[c])) if r[c] is not None else None for c in codes],
                peer_median=_opt(r["peer_median"]) if r["peer_median"] is not None else None,
                # null when the city has no value for the measure: unranked, not 1st
                city_rank=None if r["city_rank"] is None else int(r["city_rank"]),
                ranked=int(r["n_ranked"] or 0),
            )
        )
    return PeerComparison(provenance=prov, group=grp, regions=regions, rows=rows)


def _measures_table(frame: pl.DataFrame, year: int, start: int | None) -> pl.DataFrame:
    """One row per region of the panel: total, CAGR, diversity, ECI, COI, HHI, Krugman."""
    sub = frame.filter(pl.col("year") == year)
    cube, regs, _inds, _ys = to_cube(sub)
    x = cube[0]
    alive = x.sum(axis=1) > 0
    totals = x.sum(axis=1)
    data: dict[str, Any] = {"region": regs, "total": totals}
    h = np.full(len(regs), np.nan)
    k = np.full(len(regs), np.nan)
    if alive.any():
        h[alive] = hhi(x[alive])
        if alive.sum() > 1:
            k[alive] = krugman_index(x[alive], reference="rest")
    data["hhi"], data["krugman"] = h, k
    g = np.full(len(regs), np.nan)
    if start is not None:
        s = frame.filter(pl.col("year") == start).group_by("region").agg(pl.col("value").sum())
        base = dict(s.iter_rows())
        v0 = np.array([base.get(r, 0.0) for r in regs])
        g = _cagr(v0, totals, year - start)
    data["cagr"] = g
    div = np.full(len(regs), np.nan)
    eci = np.full(len(regs), np.nan)
    coi = np.full(len(regs), np.nan)
    try:
        res = city_complexity(frame, year)
        pos = {r: i for i, r in enumerate(res.regions)}
        for i, r in enumerate(regs):
            if r in pos:
                div[i], eci[i], coi[i] = (res.diversity[pos[r]], res.eci[pos[r]], res.coi[pos[r]])
    except GaodiError:
        pass
    data.update(diversity=div, eci=eci, coi=coi)
    out = pl.DataFrame(data).filter(pl.Series(alive))
    return out.with_columns(pl.col(pl.Float64).fill_nan(None))
