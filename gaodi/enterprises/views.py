"""企业 pages: search, the leader ranking, tier eligibility, an enterprise's profile.

Each page is one context function serving the HTML page and its JSON twin under /api/v1; they
call :mod:`gaodi.enterprises.service`, which queries through ``restrict`` (scoped users see
only their enterprises; others answer 404).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel

from gaodi.chains import service as chains
from gaodi.core.errors import PermissionDenied
from gaodi.enterprises import facts_views, service
from gaodi.enterprises.criteria_format import plain_number
from gaodi.enterprises.schemas import (
    EligibilityReport,
    EnterpriseFilter,
    EnterpriseList,
    EnterpriseProfile,
    RankResult,
)
from gaodi.parks import loaders as park_loaders
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, page, route_extra

router = APIRouter()


def _install_template_helpers() -> None:
    from gaodi.ui.web.templating import environment

    # the criteria tables' numbers (enterprises/_criteria.html): no e-notation, no float noise
    environment().globals["crit_number"] = plain_number


_install_template_helpers()
register_nav("enterprises", N_("Enterprises"), "/enterprises", domain="enterprise", order=40)

STATIC = Path(__file__).resolve().parent / "static"
TAGS = ("leader", "srdi", "little_giant", "champion", "high_tech", "innovative_sme")
TAG_LABELS = {
    "leader": N_("Leader (头羊)"),
    "srdi": N_("SRDI SME (专精特新)"),
    "little_giant": N_("Little giant (小巨人)"),
    "champion": N_("Single-item champion (单项冠军)"),
    "high_tech": N_("High-tech enterprise"),
    "innovative_sme": N_("Innovative SME"),
}


class Option(BaseModel):
    value: str
    label: str


class EnterprisesPage(BaseModel):
    """Enterprises the user may see, searched and paginated; the filter options."""

    result: EnterpriseList
    filters: EnterpriseFilter
    chains: list[Option]
    parks: list[Option] = []
    tags: list[Option]


def _chain_options(ctx: PageContext) -> list[Option]:
    assert ctx.principal is not None
    try:
        refs = chains.list_chains(ctx.session, ctx.principal)
    except PermissionDenied:
        return []
    return [Option(value=c.code, label=c.name) for c in refs]


def _park_options(ctx: PageContext, chosen: int | None) -> list[Option]:
    """The parks the user may read, by name (value: the park's id, as ``?park=`` has always
    taken). A ``?park=`` id outside them (a stale bookmark, another office's park) stays chosen
    under a label that says so, without telling whether such a park exists."""
    assert ctx.principal is not None
    try:
        rows = park_loaders.park_choices(ctx.session, ctx.principal)
    except PermissionDenied:
        rows = []
    out = [Option(value=str(i), label=label) for i, label in rows]
    if chosen is not None and all(o.value != str(chosen) for o in out):
        out.append(
            Option(value=str(chosen), label=ctx._("Park #%(id)s (not among your parks)", id=chosen))
        )
    return out


@page(
    router, "/enterprises", api="/enterprises", template="enterprises/list.html",
    domain="enterprise",
)  # fmt: skip
def enterprises_page(ctx: PageContext, f: Annotated[EnterpriseFilter, Query()]) -> EnterprisesPage:
    """Search enterprises by name or USCC, chain, park and tag."""
    assert ctx.principal is not None
    return EnterprisesPage(
        result=service.search(ctx.session, ctx.principal, f),
        filters=f,
        chains=_chain_options(ctx),
        parks=_park_options(ctx, f.park),
        tags=[Option(value=t, label=ctx._(TAG_LABELS[t])) for t in TAGS],
    )


class RankPage(BaseModel):
    """头羊 (leader) ranking with the criteria and weights used."""

    result: RankResult
    chains: list[Option]


@page(
    router, "/enterprises/rank", api="/enterprises/rank", template="enterprises/rank.html",
    domain="enterprise", shared=600)  # fmt: skip
def rank_page(
    ctx: PageContext,
    chain: str | None = Query(None, max_length=100),
    method: Literal["topsis", "entropy", "entropy_topsis"] | None = None,
    normalisation: Literal["minmax", "sum"] | None = None,
    top: int = Query(20, ge=1, le=500),
) -> RankPage:
    """Leader ranking (TOPSIS, entropy weights, or entropy-weighted TOPSIS) of a chain's or
    all enterprises, with the weights used and, for TOPSIS, each firm's distances."""
    assert ctx.principal is not None
    return RankPage(
        result=service.rank(
            ctx.session,
            ctx.principal,
            chain=chain or None,
            method=method,
            top=top,
            normalisation=normalisation,
        ),
        chains=_chain_options(ctx),
    )


class EligibilityPage(BaseModel):
    """Tier eligibility: counts per level, and who qualifies or nearly does for one level."""

    report: EligibilityReport
    levels: list[Option]
    near: bool
    source_labels: dict[str, str] = {}


@page(
    router, "/enterprises/eligibility", api="/enterprises/eligibility",
    template="enterprises/eligibility.html", domain="enterprise", shared=600)  # fmt: skip
def eligibility_page(
    ctx: PageContext,
    level: Literal["above_scale", "innovative_sme", "srdi_sme", "little_giant", "champion"]
    | None = None,
    near: bool = False,
) -> EligibilityPage:
    """Who qualifies for each tier, who nearly does, and what each near one misses."""
    assert ctx.principal is not None
    report = service.eligibility(ctx.session, ctx.principal, level=level, near_only=near)
    return EligibilityPage(
        report=report,
        levels=[Option(value=lv.level, label=lv.name_zh) for lv in report.levels],
        near=near,
        source_labels=facts_views.source_labels(ctx),
    )


class ProfilePage(BaseModel):
    """An enterprise: yearly figures (table and chart), chain links, tiers met and missed."""

    profile: EnterpriseProfile
    chart: dict[str, list]
    source_labels: dict[str, str] = {}


@page(
    router, "/enterprises/{enterprise_id}", api="/enterprises/{enterprise_id}",
    template="enterprises/profile.html", domain="enterprise", shared=600)  # fmt: skip
def profile_page(ctx: PageContext, enterprise_id: int) -> ProfilePage:
    """One enterprise's profile (by id; ``gaodi enterprises show`` takes the USCC)."""
    assert ctx.principal is not None
    p = service.profile(ctx.session, ctx.principal, enterprise_id)
    chart = {
        "years": [y.year for y in p.years],
        "revenue": [y.revenue for y in p.years],
        "output": [y.output for y in p.years],
        "tax": [y.tax for y in p.years],
        "labels": [ctx._("Revenue"), ctx._("Output"), ctx._("Tax")],
    }
    return ProfilePage(profile=p, chart=chart, source_labels=facts_views.source_labels(ctx))


def figures_js() -> FileResponse:
    return FileResponse(STATIC / "enterprise-figures.js", media_type="text/javascript")


router.add_api_route(
    "/assets/enterprises/enterprise-figures.js",
    figures_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)
