"""Registry pages (included by gaodi.smart.views): solution providers, benchmark enterprises and
demonstration factories/workshops, public service platforms — each a list with filters, its
JSON twin and an Excel export of the same filtered rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from gaodi.smart import export, registry, service
from gaodi.smart.schemas import (
    PlatformFilter,
    PlatformRow,
    ProviderFilter,
    ProviderRow,
    RecognitionFilter,
    RecognitionRow,
)
from gaodi.smart.scopes import DOMAIN
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import Access, context_dependency, page, route_extra

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def _options(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


class ProvidersPage(BaseModel):
    """Smart-manufacturing system-solution providers (filter by capability, industry, local)."""

    rows: list[ProviderRow]
    filters: ProviderFilter
    capabilities: list[tuple[str, str]]
    categories: dict[str, str]
    demo: int


@page(router, "/smart/providers", api="/smart/providers", template="smart/providers.html",
      domain=DOMAIN)  # fmt: skip
def providers_page(ctx: PageContext, f: Annotated[ProviderFilter, Depends()]) -> ProvidersPage:
    """Solution providers with their GB/T 39116 capabilities, industries served and references."""
    assert ctx.principal is not None
    rows = registry.list_providers(ctx.session, ctx.principal, f)
    return ProvidersPage(
        rows=rows,
        filters=f,
        capabilities=_options(service.subdomain_names()),
        categories=registry.CATEGORY_NAMES,
        demo=sum(r.is_demo for r in rows),
    )


class RecognitionsPage(BaseModel):
    """Benchmark enterprises, demonstration factories and workshops by year and level."""

    rows: list[RecognitionRow]
    filters: RecognitionFilter
    kinds: dict[str, str]
    levels: dict[str, str]
    chains: list[tuple[str, str]]
    by_year: dict[int, dict[str, int]]
    demo: int


@page(router, "/smart/recognitions", api="/smart/recognitions",
      template="smart/recognitions.html", domain=DOMAIN)  # fmt: skip
def recognitions_page(
    ctx: PageContext, f: Annotated[RecognitionFilter, Depends()]
) -> RecognitionsPage:
    """智能制造标杆企业 / 示范工厂 / 示范车间 (a chain office sees its chains' enterprises)."""
    assert ctx.principal is not None
    from gaodi.chains.loaders import chain_choices

    rows = registry.list_recognitions(ctx.session, ctx.principal, f)
    by_year: dict[int, dict[str, int]] = {}
    for r in rows:
        by_year.setdefault(r.year, {}).setdefault(r.kind, 0)
        by_year[r.year][r.kind] += 1
    chains = chain_choices(ctx.session, ctx.principal)
    return RecognitionsPage(
        rows=rows,
        filters=f,
        kinds=registry.KIND_NAMES,
        levels=registry.LEVEL_NAMES,
        chains=chains,
        by_year=dict(sorted(by_year.items())),
        demo=sum(r.is_demo for r in rows),
    )


class PlatformsPage(BaseModel):
    """Public service platforms for smart manufacturing and digital transformation."""

    rows: list[PlatformRow]
    filters: PlatformFilter
    kinds: dict[str, str]
    levels: dict[str, str]
    capabilities: list[tuple[str, str]]
    demo: int


@page(router, "/smart/platforms", api="/smart/platforms", template="smart/platforms.html",
      domain=DOMAIN)  # fmt: skip
def platforms_page(ctx: PageContext, f: Annotated[PlatformFilter, Depends()]) -> PlatformsPage:
    """Public service platforms (kind, level, services, capabilities)."""
    assert ctx.principal is not None
    rows = registry.list_platforms(ctx.session, ctx.principal, f)
    return PlatformsPage(
        rows=rows,
        filters=f,
        kinds=registry.PLATFORM_KINDS,
        levels=registry.LEVEL_NAMES,
        capabilities=_options(service.subdomain_names()),
        demo=sum(r.is_demo for r in rows),
    )


# ---------------------------------------------------------------------------- exports
def _export_route(path: str, name: str, fn: Any) -> None:
    router.add_api_route(
        path,
        fn,
        methods=["GET"],
        include_in_schema=False,
        response_class=Response,
        name=name,
        openapi_extra=route_extra(Access(DOMAIN, "read")),
    )


def providers_xlsx(
    f: Annotated[ProviderFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    rows = registry.list_providers(ctx.session, ctx.principal, f)
    return _xlsx(export.providers(rows), "智能制造系统解决方案供应商.xlsx")


def recognitions_xlsx(
    f: Annotated[RecognitionFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    rows = registry.list_recognitions(ctx.session, ctx.principal, f)
    return _xlsx(export.recognitions(rows), "智能制造标杆企业与示范工厂.xlsx")


def platforms_xlsx(
    f: Annotated[PlatformFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    rows = registry.list_platforms(ctx.session, ctx.principal, f)
    return _xlsx(export.platforms(rows), "公共服务平台.xlsx")


_export_route("/smart/providers.xlsx", "smart_providers_xlsx", providers_xlsx)
_export_route("/smart/recognitions.xlsx", "smart_recognitions_xlsx", recognitions_xlsx)
_export_route("/smart/platforms.xlsx", "smart_platforms_xlsx", platforms_xlsx)
