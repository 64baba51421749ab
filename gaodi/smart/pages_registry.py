"""Registry pages (included by gaodi.smart.views): solution providers, benchmark enterprises and
demonstration factories/workshops, public service platforms — each a list with filters, its
JSON twin and an Excel export of the same filtered rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from gaodi.core import download
from gaodi.core.permissions import principal_label
from gaodi.smart import export, registry
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


def _xlsx(data: bytes, disposition: str) -> Response:
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})


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
    rows = registry.list_providers(ctx.session, ctx.principal, f, ctx.lang)
    return ProvidersPage(
        rows=rows,
        filters=f,
        capabilities=_options(registry.capability_names(ctx.lang)),
        categories=registry.names(registry.CATEGORIES, ctx.lang),
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

    rows = registry.list_recognitions(ctx.session, ctx.principal, f, ctx.lang)
    by_year: dict[int, dict[str, int]] = {}
    for r in rows:
        by_year.setdefault(r.year, {}).setdefault(r.kind, 0)
        by_year[r.year][r.kind] += 1
    chains = chain_choices(ctx.session, ctx.principal)
    return RecognitionsPage(
        rows=rows,
        filters=f,
        kinds=registry.names(registry.KINDS, ctx.lang),
        levels=registry.names(registry.LEVELS, ctx.lang),
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
    rows = registry.list_platforms(ctx.session, ctx.principal, f, ctx.lang)
    return PlatformsPage(
        rows=rows,
        filters=f,
        kinds=registry.names(registry.PLATFORM_KIND_WORDS, ctx.lang),
        levels=registry.names(registry.LEVELS, ctx.lang),
        capabilities=_options(registry.capability_names(ctx.lang)),
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


def _scope_words(ctx: PageContext) -> str:
    """Whose rows the file holds: the city, or the chains or parks the user's office has."""
    p = ctx.principal
    assert p is not None
    zh = ctx.lang.startswith("zh")
    names: list[str] = []
    if p.role == "chain_office":
        from gaodi.chains.loaders import chain_choices

        names = [name for _code, name in chain_choices(ctx.session, p)]
    elif p.role == "park_office":
        from gaodi.parks.loaders import names as park_names

        names = sorted(park_names(ctx.session, p.park_ids).values())
    if names:
        listed = ("、" if zh else ", ").join(names)
        return f"按导出人的权限：{listed}" if zh else f"as the exporting user may see: {listed}"
    return "全市（按导出人的权限）" if zh else "the whole city (as the exporting user may see it)"


def _about(ctx: PageContext, filters: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """The 说明 lines every export has (page, filters, exported at/by, scope), in the
    interface's language; ``filters``: (label, value in words) of each filter set."""
    from gaodi.core import clock

    zh = ctx.lang.startswith("zh")
    sep = "：" if zh else ": "
    chosen = [f"{label}{sep}{value}" for label, value in filters if value not in (None, "")]
    none = "无（全部）" if zh else "none (every row)"
    now = clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")
    zone = clock.zone_label(zh)
    page = ctx.request.url.path.removesuffix(".xlsx")
    return [
        ("页面" if zh else "Page", page),
        ("筛选" if zh else "Filters", ("；" if zh else "; ").join(chosen) or none),
        ("数据范围" if zh else "Data scope", _scope_words(ctx)),
        ("导出时间" if zh else "Exported at", f"{now}（{zone}）" if zh else f"{now} ({zone})"),
        ("导出人" if zh else "Exported by", principal_label(ctx.principal, zh)),
    ]


def _filename(ctx: PageContext, kind: str) -> str:
    """``Content-Disposition`` of a registry's file: what (the registry's name in the
    interface's language), whose (全市, or the office's chains or parks) and the city's date,
    e.g. 「智能制造系统解决方案供应商_全市_2024-01-15.xlsx」, with an ASCII twin."""
    from gaodi.accounts.service import scope_names_of
    from gaodi.core import clock

    assert ctx.principal is not None
    today = clock.today().isoformat()
    scope = download.scope_label(
        ctx.principal, ctx.lang.startswith("zh"), scope_names_of(ctx.session)
    )
    name = download.file_name([export.title(kind, ctx.lang), scope, today], "xlsx")
    plain = download.ascii_name(
        [f"smart-{kind}", download.scope_code(ctx.principal), today], "xlsx"
    )
    return download.attachment(name, plain)


def _author(ctx: PageContext) -> str:
    return principal_label(ctx.principal, ctx.lang.startswith("zh"))


def providers_xlsx(
    f: Annotated[ProviderFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    rows = registry.list_providers(ctx.session, ctx.principal, f, ctx.lang)
    _ = ctx._
    local = None if f.local is None else _("local") if f.local else _("elsewhere")
    words = registry.capability_names(ctx.lang)
    capability = words.get(f.capability, f.capability) if f.capability else None
    about = _about(ctx, [(_("Name"), f.q), (_("Capability"), capability),
                         (_("Industry"), f.industry), (_("Local"), local)])  # fmt: skip
    data = export.providers(rows, lang=ctx.lang, about=about, author=_author(ctx))
    return _xlsx(data, _filename(ctx, "providers"))


def recognitions_xlsx(
    f: Annotated[RecognitionFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    from gaodi.chains.loaders import chain_choices

    rows = registry.list_recognitions(ctx.session, ctx.principal, f, ctx.lang)
    _ = ctx._
    kinds, levels = (
        registry.names(registry.KINDS, ctx.lang),
        registry.names(registry.LEVELS, ctx.lang),
    )
    kind = kinds.get(f.kind, f.kind) if f.kind else None
    level = levels.get(f.level, f.level) if f.level else None
    chains = dict(chain_choices(ctx.session, ctx.principal)) if f.chain else {}
    about = _about(ctx, [(_("Enterprise"), f.q), (_("category|Kind"), kind), (_("Level"), level),
                         (_("annual|Year"), None if f.year is None else str(f.year)),
                         (_("Chain"), chains.get(f.chain or "", f.chain))])  # fmt: skip
    data = export.recognitions(rows, lang=ctx.lang, about=about, author=_author(ctx))
    return _xlsx(data, _filename(ctx, "recognitions"))


def platforms_xlsx(
    f: Annotated[PlatformFilter, Depends()],
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    assert ctx.principal is not None
    rows = registry.list_platforms(ctx.session, ctx.principal, f, ctx.lang)
    _ = ctx._
    kinds = registry.names(registry.PLATFORM_KIND_WORDS, ctx.lang)
    levels = registry.names(registry.LEVELS, ctx.lang)
    kind = kinds.get(f.kind, f.kind) if f.kind else None
    level = levels.get(f.level, f.level) if f.level else None
    words = registry.capability_names(ctx.lang)
    capability = words.get(f.capability, f.capability) if f.capability else None
    about = _about(ctx, [(_("Name"), f.q), (_("category|Kind"), kind), (_("Level"), level),
                         (_("Capability"), capability)])  # fmt: skip
    data = export.platforms(rows, lang=ctx.lang, about=about, author=_author(ctx))
    return _xlsx(data, _filename(ctx, "platforms"))


_export_route("/smart/providers.xlsx", "smart_providers_xlsx", providers_xlsx)
_export_route("/smart/recognitions.xlsx", "smart_recognitions_xlsx", recognitions_xlsx)
_export_route("/smart/platforms.xlsx", "smart_platforms_xlsx", platforms_xlsx)
