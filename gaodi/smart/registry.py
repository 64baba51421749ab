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

#: The registry's codes with their (Chinese, English) names: the one table the pages, their
#: JSON twins and the Excel files read, so a page and its file say the same words.
KINDS: dict[str, tuple[str, str]] = {
    "benchmark": ("智能制造标杆企业", "Smart-manufacturing benchmark enterprise"),
    "factory": ("智能制造示范工厂", "Smart-manufacturing demonstration factory"),
    "workshop": ("智能制造示范车间", "Smart-manufacturing demonstration workshop"),
}
LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "municipal": ("市级", "municipal"),
}
PLATFORM_KIND_WORDS: dict[str, tuple[str, str]] = {
    "industrial_internet": ("工业互联网平台", "Industrial internet platform"),
    "public_service": ("公共服务平台", "Public service platform"),
    "testing": ("检验检测与验证平台", "Testing and verification platform"),
    "innovation_center": ("制造业创新中心", "Manufacturing innovation centre"),
    "training": ("人才培训平台", "Training platform"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "integrator": ("系统集成", "system integration"),
    "software": ("工业软件", "industrial software"),
    "equipment": ("智能装备", "smart equipment"),
    "network": ("网络与通信", "network and communication"),
    "consulting": ("咨询诊断", "consulting and diagnosis"),
    "cloud": ("云与数据服务", "cloud and data services"),
}


def names(table: dict[str, tuple[str, str]], lang: str = "zh") -> dict[str, str]:
    """Each code's name in ``lang`` (one of the (Chinese, English) tables above).

    >>> names(LEVELS, "en")["provincial"]
    'provincial'
    """
    return {code: pair[0 if lang.startswith("zh") else 1] for code, pair in table.items()}


def capability_names(lang: str = "zh") -> dict[str, str]:
    """GB/T 39116 capability sub-domains (also the recognitions' scenarios) by code, in
    ``lang`` (the maturity model holds both names)."""
    if lang.startswith("zh"):
        return service.subdomain_names()
    return service.subdomain_names_en()


KIND_NAMES = names(KINDS)
LEVEL_NAMES = names(LEVELS)
PLATFORM_KINDS = names(PLATFORM_KIND_WORDS)
CATEGORY_NAMES = names(CATEGORIES)


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


def list_providers(
    session: Session, principal: Principal, f: ProviderFilter, lang: str = "zh"
) -> list[ProviderRow]:
    """Providers matching the filter; capability and industry are matched on the JSON lists.
    Capability names are in ``lang``."""
    words = capability_names(lang)
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
                capability_names=[words.get(c, c) for c in p.capabilities or []],
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
    session: Session, principal: Principal, f: RecognitionFilter, lang: str = "zh"
) -> list[RecognitionRow]:
    """Recognitions matching the filter, their kinds, levels and scenarios named in ``lang``."""
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
    kinds, levels, words = names(KINDS, lang), names(LEVELS, lang), capability_names(lang)
    return [
        RecognitionRow(
            id=r.id,
            kind=r.kind,
            kind_name=kinds.get(r.kind, r.kind),
            enterprise_id=r.enterprise_id,
            name=r.name,
            title=r.title,
            year=r.year,
            level=r.level,
            level_name=levels.get(r.level, r.level),
            issuer=r.issuer,
            scenarios=[words.get(c, c) for c in r.scenarios or []],
            chains=chains.get(r.enterprise_id or 0, []),
            is_demo=r.is_demo,
            citation=citation_of(r),
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------- platforms
def list_platforms(
    session: Session, principal: Principal, f: PlatformFilter, lang: str = "zh"
) -> list[PlatformRow]:
    """Platforms matching the filter, their kinds, levels and capabilities named in ``lang``."""
    query = restrict(select(ServicePlatform), principal)
    if f.q:
        query = query.where(ServicePlatform.name.ilike(_like(f.q), escape="\\"))
    if f.kind:
        query = query.where(ServicePlatform.kind == f.kind)
    if f.level:
        query = query.where(ServicePlatform.level == f.level)
    kinds, levels, words = (
        names(PLATFORM_KIND_WORDS, lang),
        names(LEVELS, lang),
        capability_names(lang),
    )
    out = []
    for p in session.scalars(query.order_by(ServicePlatform.id)):
        if f.capability and f.capability not in (p.capabilities or []):
            continue
        out.append(
            PlatformRow(
                id=p.id,
                name=p.name,
                kind=p.kind,
                kind_name=kinds.get(p.kind, p.kind),
                level=p.level,
                level_name=levels.get(p.level, p.level),
                operator=p.operator,
                year=p.year,
                services=list(p.services or []),
                capabilities=[words.get(c, c) for c in p.capabilities or []],
                local=p.local,
                url=p.url,
                is_demo=p.is_demo,
            )
        )
    return out
