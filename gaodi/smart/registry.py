"""Registries (solution providers, recognitions, service platforms) and provider matching.

One filter definition per registry (:mod:`gaodi.smart.schemas`) serves the list page, its JSON
twin and the Excel export. Matching ranks providers for an assessment's gaps with
:func:`gaodi.analytics.digital_rollup.rank_providers` (capability fit, industry experience,
references, locality — with reasons).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics.digital_rollup import rank_providers
from gaodi.chains import loaders as chain_loaders
from gaodi.core.permissions import Principal, restrict
from gaodi.core.provenance import citation_of
from gaodi.core.selects import AnySelect
from gaodi.smart import service
from gaodi.smart.models import Assessment, Recognition, ServicePlatform, SolutionProvider
from gaodi.smart.schemas import (
    PlatformFilter,
    PlatformRow,
    ProviderFilter,
    ProviderMatch,
    ProviderRow,
    RecognitionFilter,
    RecognitionRow,
)

KIND_NAMES = {
    "benchmark": "智能制造标杆企业",
    "factory": "智能制造示范工厂",
    "workshop": "智能制造示范车间",
}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
PLATFORM_KINDS = {
    "industrial_internet": "工业互联网平台",
    "public_service": "公共服务平台",
    "testing": "检验检测与验证平台",
    "innovation_center": "制造业创新中心",
    "training": "人才培训平台",
}
CATEGORY_NAMES = {
    "integrator": "系统集成",
    "software": "工业软件",
    "equipment": "智能装备",
    "network": "网络与通信",
    "consulting": "咨询诊断",
    "cloud": "云与数据服务",
}


def _like(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---------------------------------------------------------------------------- providers
def provider_query(principal: Principal, f: ProviderFilter) -> AnySelect:
    query = restrict(select(SolutionProvider), principal)
    if f.q:
        query = query.where(SolutionProvider.name.ilike(_like(f.q), escape="\\"))
    if f.local is not None:
        query = query.where(SolutionProvider.local.is_(f.local))
    return query.order_by(SolutionProvider.id)


def list_providers(session: Session, principal: Principal, f: ProviderFilter) -> list[ProviderRow]:
    """Providers matching the filter; capability and industry are matched on the JSON lists."""
    names = service.subdomain_names()
    out = []
    for p in session.scalars(provider_query(principal, f)):
        if f.capability and f.capability not in (p.capabilities or []):
            continue
        if f.industry and not any(
            f.industry.startswith(code) or code.startswith(f.industry)
            for code in p.industries or []
        ):
            continue
        out.append(
            ProviderRow(
                id=p.id,
                name=p.name,
                local=p.local,
                region_code=p.region_code,
                category=p.category,
                capabilities=list(p.capabilities or []),
                capability_names=[names.get(c, c) for c in p.capabilities or []],
                industries=list(p.industries or []),
                references=len(p.reference_projects or []),
                reference_projects=list(p.reference_projects or []),
                recognition=p.recognition,
                website=p.website,
                is_demo=p.is_demo,
            )
        )
    return out


def providers_frame(session: Session, principal: Principal) -> pl.DataFrame:
    """Every provider the principal may read, in the shape ``rank_providers`` takes."""
    rows = session.execute(
        restrict(select(SolutionProvider), principal)
        .with_only_columns(
            SolutionProvider.id,
            SolutionProvider.name,
            SolutionProvider.capabilities,
            SolutionProvider.industries,
            SolutionProvider.reference_projects,
            SolutionProvider.local,
        )
        .order_by(SolutionProvider.id)
    ).all()
    return pl.DataFrame(
        {
            "provider_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "capabilities": [list(r[2] or []) for r in rows],
            "industries": [list(r[3] or []) for r in rows],
            "references": [len(r[4] or []) for r in rows],
            "local": [bool(r[5]) for r in rows],
        },
        schema={
            "provider_id": pl.Int64,
            "name": pl.String,
            "capabilities": pl.List(pl.String),
            "industries": pl.List(pl.String),
            "references": pl.Int64,
            "local": pl.Boolean,
        },
    )


def match_providers(
    session: Session,
    principal: Principal,
    row: Assessment,
    ent: service.EnterpriseRecord,
    *,
    limit: int = 10,
    lang: str = "zh",
) -> list[ProviderMatch]:
    """Providers ranked for an assessment's gaps (empty when there is no gap or no provider)."""
    wants = service.needs(row)
    frame = providers_frame(session, principal)
    ranked = rank_providers(
        frame,
        wants,
        industry_code=ent.industry_code,
        labels_zh=service.subdomain_names(),
        labels_en=service.subdomain_names_en(),
    ).head(limit)
    if ranked.is_empty():
        return []
    ids = [int(i) for i in ranked["provider_id"]]
    extra = {
        p.id: p
        for p in session.scalars(select(SolutionProvider).where(SolutionProvider.id.in_(ids)))
    }
    reasons = "reasons_en" if lang == "en" else "reasons_zh"
    return [
        ProviderMatch(
            provider_id=int(r["provider_id"]),
            name=r["name"],
            local=bool(r["local"]),
            category=extra[int(r["provider_id"])].category,
            score=float(r["score"]),
            fit=float(r["fit"]),
            references=int(r["references"]),
            reasons=r[reasons],
            is_demo=extra[int(r["provider_id"])].is_demo,
        )
        for r in ranked.iter_rows(named=True)
    ]


# ---------------------------------------------------------------------------- recognitions
def list_recognitions(
    session: Session, principal: Principal, f: RecognitionFilter
) -> list[RecognitionRow]:
    query = restrict(select(Recognition), principal)
    if f.q:
        query = query.where(Recognition.name.ilike(_like(f.q), escape="\\"))
    if f.kind:
        query = query.where(Recognition.kind == f.kind)
    if f.level:
        query = query.where(Recognition.level == f.level)
    if f.year:
        query = query.where(Recognition.year == f.year)
    if f.chain:
        query = query.where(Recognition.enterprise_id.in_(chain_loaders.on_chain_ids(f.chain)))
    rows = list(
        session.scalars(query.order_by(Recognition.year.desc(), Recognition.kind, Recognition.id))
    )
    chains = chain_loaders.chain_names_of(
        session, sorted({r.enterprise_id for r in rows if r.enterprise_id})
    )
    return [
        RecognitionRow(
            id=r.id,
            kind=r.kind,
            kind_name=KIND_NAMES.get(r.kind, r.kind),
            enterprise_id=r.enterprise_id,
            name=r.name,
            title=r.title,
            year=r.year,
            level=r.level,
            level_name=LEVEL_NAMES.get(r.level, r.level),
            issuer=r.issuer,
            scenarios=[service.subdomain_names().get(c, c) for c in r.scenarios or []],
            chains=chains.get(r.enterprise_id or 0, []),
            is_demo=r.is_demo,
            citation=citation_of(r),
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------- platforms
def list_platforms(session: Session, principal: Principal, f: PlatformFilter) -> list[PlatformRow]:
    query = restrict(select(ServicePlatform), principal)
    if f.q:
        query = query.where(ServicePlatform.name.ilike(_like(f.q), escape="\\"))
    if f.kind:
        query = query.where(ServicePlatform.kind == f.kind)
    if f.level:
        query = query.where(ServicePlatform.level == f.level)
    names = service.subdomain_names()
    out = []
    for p in session.scalars(query.order_by(ServicePlatform.id)):
        if f.capability and f.capability not in (p.capabilities or []):
            continue
        out.append(
            PlatformRow(
                id=p.id,
                name=p.name,
                kind=p.kind,
                kind_name=PLATFORM_KINDS.get(p.kind, p.kind),
                level=p.level,
                level_name=LEVEL_NAMES.get(p.level, p.level),
                operator=p.operator,
                year=p.year,
                services=list(p.services or []),
                capabilities=[names.get(c, c) for c in p.capabilities or []],
                local=p.local,
                url=p.url,
                is_demo=p.is_demo,
            )
        )
    return out
