"""Clusters use case: the "1+2+N" cluster system with each cluster's figures.

Per cluster, over the distinct enterprises currently attached to its chains' links (loaded with
:mod:`gaodi.chains.loaders`): output and its growth on the same firms a year earlier, leaders
(头羊) by output, 专精特新 density (per 100 enterprises and per 亿元), the mean completeness of
its chains (from :func:`gaodi.chains.service.chain_summary`), and the city's location quotient
in the cluster's industries (GB/T 4754 中类 of its links) against a peer group, from the panel
(:func:`gaodi.regions.service.location_quotient_of_set`).

Figures count only the chains the user may see (a chain office: its own); names of leaders
outside the user's scope are left out. The grouping into "1", "2" and "N" follows
``gaodi/clusters/rules/system.yaml`` (the plan's own wording, with its source).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import loaders as chain_loaders
from gaodi.chains import service as chains_service
from gaodi.clusters.models import Cluster, cluster_chain
from gaodi.clusters.schemas import ClusterChain, ClusterGroup, ClusterRow, ClusterSystem, Provenance
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal, require, restrict
from gaodi.core.provenance import citation_of
from gaodi.core.rulefile import read_yaml
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.regions import panel as P
from gaodi.regions.schemas import PeerGroup
from gaodi.regions.service import location_quotient_of_set

__all__ = ["cluster_system", "system_rules"]

RULES = Path(__file__).resolve().parent / "rules" / "system.yaml"


@lru_cache(maxsize=1)
def system_rules() -> dict[str, Any]:
    """The "1+2+N" grouping, tier and status labels (``rules/system.yaml``)."""
    return read_yaml(RULES)


def _industries(codes: Sequence[str], panel_codes: set[str]) -> set[str]:
    """中类 of link codes: a class or group gives its first three digits; a division every
    panel industry under it."""
    out: set[str] = set()
    for code in codes:
        c = str(code).strip()
        if len(c) >= 3:
            out.add(c[:3])
        elif len(c) == 2:
            out |= {p for p in panel_codes if p.startswith(c)}
    return out


def _year(session: Session, year: int | None) -> int | None:
    latest = chain_loaders.latest_year(session)
    if year is None:
        return latest
    years = enterprise_loaders.years(session)
    if year not in years:
        raise NotFoundError(
            f"没有 {year} 年的企业数据。", f"No enterprise figures for {year}.", field="year"
        )
    return year


def cluster_system(
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    group: str | None = None,
    peers: Sequence[str] = (),
    measure: str = "output",
) -> ClusterSystem:
    """Every cluster the principal may read, grouped into "1", "2", "N" (and SME clusters),
    with its figures for ``year`` (default: the latest year of enterprise figures)."""
    require(principal, "read", "cluster")
    rules = system_rules()
    year = _year(session, year)
    clusters = list(session.scalars(restrict(select(Cluster), principal).order_by(Cluster.id)))
    links_of = {c.id: [] for c in clusters}  # type: dict[int, list[int]]
    for cid, chain_id in session.execute(
        select(cluster_chain.c.cluster_id, cluster_chain.c.chain_id)
    ):
        if cid in links_of:
            links_of[cid].append(int(chain_id))
    chains = {c.id: c for c in session.scalars(chain_loaders.chain_query(principal))}
    wanted = sorted({i for ids in links_of.values() for i in ids if i in chains})
    facts = chain_loaders.facts_frame(session, wanted, year) if wanted else None
    codes: dict[int, list[str]] = {}
    for link in chain_loaders.chain_links(session, principal, wanted):
        codes.setdefault(link.chain_id, []).extend(link.industry_codes or [])
    summary = chains_service.chain_summary(session, principal, year=year) if wanted else None
    completeness = {r.chain.id: r.completeness for r in summary.chains} if summary else {}
    visible = (
        chain_loaders.visible_enterprise_ids(session, principal, facts["enterprise_id"])
        if facts is not None
        else None
    )
    # The panel: LQ of each cluster's industries against the peer group.
    lq_ctx = _panel_context(session, principal, group, peers, measure, year)
    info = P.dataset(session)
    grp, panel_year = lq_ctx[2], lq_ctx[3]
    prov = Provenance(
        year=year,
        panel_year=panel_year,
        city=lq_ctx[1],
        as_of=str(info.get("as_of")) if info.get("as_of") else None,
        measure=measure,
        peer_group=grp.key if grp else None,
        peer_group_label=grp.label_zh if grp else None,
        rule_sets={"clusters/system": str(rules["version"])},
        parameters={"growth": "same firms, year on year", "srdi_tags": "srdi, little_giant"},
        computed_at=P.now_stamp(),
        is_demo=bool(info.get("demo")),
    )
    rows: dict[int, ClusterRow] = {}
    for c in clusters:
        mine = [i for i in links_of[c.id] if i in chains]
        rows[c.id] = _row(
            c,
            mine,
            len(links_of[c.id]) - len(mine),
            chains,
            facts,
            codes,
            completeness,
            visible,
            lq_ctx,
            rules,
        )
    # the targets, quotes and “1+2+N” names are one city's plan: another city's page does
    # not claim them
    own_plan = str(rules.get("city") or "") == (lq_ctx[1] or "")
    groups = []
    for g in rules["groups"]:
        members = [rows[c.id] for c in clusters if c.tier in g["tiers"]]
        if not members and g["key"] == "other":
            continue
        groups.append(
            ClusterGroup(
                key=str(g["key"]),
                label_zh=g["label_zh"] if own_plan else g.get("plain_zh", g["label_zh"]),
                label_en=g["label_en"] if own_plan else g.get("plain_en", g["label_en"]),
                target=g.get("target") if own_plan else None,
                quote=(g.get("quote") or "") if own_plan else "",
                recognised=sum(1 for r in members if r.status == "recognised"),
                planned=sum(1 for r in members if r.status != "recognised"),
                clusters=members,
            )
        )
    notice = lq_ctx[4]
    return ClusterSystem(
        provenance=prov,
        group=grp,
        groups=groups,
        plan_system=own_plan,
        notice_zh=notice[0] if notice else None,
        notice_en=notice[1] if notice else None,
    )


def _panel_context(
    session: Session,
    principal: Principal,
    group: str | None,
    peers: Sequence[str],
    measure: str,
    year: int | None,
) -> tuple[pl.DataFrame | None, str | None, PeerGroup | None, int | None, tuple[str, str] | None]:
    """(panel of the year, city, peer group, panel year, notice) for the LQ column."""
    city = P.home_city(session)
    years = P.panel_years(session, principal, P.check_measure(measure))
    if city is None or not years:
        # the one that is missing, so a city its plan names is not sent to set its code
        if city is not None:
            notice = ("面板中没有数据，不计算区位商。", "The panel holds no data: no LQ.")
        elif years:
            notice = ("不知道本市是哪个地区，不计算区位商。", "The home city is unknown: no LQ.")
        else:
            notice = (
                "面板中没有数据，也不知道本市是哪个地区，不计算区位商。",
                "The panel holds no data and the home city is unknown: no LQ.",
            )
        return None, city, None, None, notice
    usable = [y for y in years if year is None or y <= year]
    panel_year = max(usable) if usable else max(years)
    frame = P.panel_frame(session, principal, measure=measure, years=[panel_year])
    grp = P.resolve_group(
        session, principal, frame, city, group=group, peers=peers, year=panel_year
    )
    return frame, city, grp, panel_year, None


def _row(
    c: Cluster,
    chain_ids: list[int],
    hidden: int,
    chains: dict[int, Any],
    facts: pl.DataFrame | None,
    codes: dict[int, list[str]],
    completeness: dict[int, float],
    visible: set[int] | None,
    lq_ctx: tuple[Any, ...],
    rules: dict[str, Any],
) -> ClusterRow:
    tier = rules["tiers"].get(c.tier, {"zh": c.tier, "en": c.tier})
    status = rules["statuses"].get(c.status, {"zh": c.status, "en": c.status})
    frame, city, grp, panel_year = lq_ctx[0], lq_ctx[1], lq_ctx[2], lq_ctx[3]
    panel_codes = set(frame["industry"].unique().to_list()) if frame is not None else set()
    industries = sorted(_industries([x for i in chain_ids for x in codes.get(i, [])], panel_codes))
    row = ClusterRow(
        id=c.id,
        name=c.name,
        tier=c.tier,
        tier_label_zh=tier["zh"],
        tier_label_en=tier["en"],
        status=c.status,
        status_label_zh=status["zh"],
        status_label_en=status["en"],
        year=c.year,
        source=c.source,
        citation=citation_of(c),
        is_demo=bool(c.is_demo),
        chains_hidden=hidden,
        chains=[
            ClusterChain(
                id=i, code=chains[i].code, name=chains[i].name, completeness=completeness.get(i)
            )
            for i in chain_ids
        ],
        industries=industries,
    )
    scores = [completeness[i] for i in chain_ids if completeness.get(i) is not None]
    row.completeness = sum(scores) / len(scores) if scores else None
    if frame is not None and city is not None and grp is not None and industries:
        members = [r.code for r in grp.regions]
        row.lq = location_quotient_of_set(frame, city, members, set(industries), panel_year)
    if facts is None or not chain_ids:
        return row
    firms = (
        facts.filter(pl.col("chain_id").is_in(chain_ids))
        .sort("enterprise_id")
        .unique("enterprise_id", keep="first")
    )
    row.enterprises = firms.height
    out = float(firms["output"].fill_null(0.0).sum()) / 1e4
    prev = float(firms["output_prev"].fill_null(0.0).sum()) / 1e4
    row.output, row.output_prev = out, prev
    row.growth = out / prev - 1.0 if prev > 0 else None
    leaders = firms.filter(pl.col("is_leader")).sort(
        ["output", "enterprise_id"], descending=[True, False], nulls_last=True
    )
    row.n_leaders = leaders.height
    row.leaders = [
        name
        for eid, name in leaders.select("enterprise_id", "name").iter_rows()
        if visible is None or eid in visible
    ][:5]
    srdi = int(firms["is_srdi"].sum())
    row.srdi = srdi
    row.srdi_per_100 = 100.0 * srdi / firms.height if firms.height else None
    row.srdi_per_yi = srdi / out if out > 0 else None
    return row
