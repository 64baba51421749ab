"""区域 pages: specialisation (table and bubble chart), the complexity ranking, opportunities
(feasibility vs attractiveness with the Atlas presets, the strategic-approach quadrant), peer
comparison and input-output linkages (upload Z/Y or the bundled textbook example).

Each page is one context function serving the HTML page and its JSON twin under /api/v1
(:func:`gaodi.ui.web.pages.page`); they call :mod:`gaodi.regions.service`, which loads the panel
through ``restrict``. Chart subtitles say 示例数据 (Demo data) when the dataset is the demo.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from gaodi.core.errors import NotFoundError
from gaodi.core.units import unit_words
from gaodi.regions import linkages as io_service
from gaodi.regions import panel as P
from gaodi.regions import service
from gaodi.regions.schemas import (
    Availability,
    ComplexityRanking,
    Linkages,
    Opportunities,
    PeerComparison,
    Provenance,
    Specialisation,
)
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, api, page, route_extra
from gaodi.ui.web.pages import form as form_route
from gaodi.ui.web.templating import render

router = APIRouter()
register_nav("regions", N_("Regions"), "/regions", domain="region", order=60)

STATIC = Path(__file__).resolve().parent / "static"
MeasureParam = Literal["output", "employment"]
SourceParam = Literal["panel", "microdata"]
StrategyParam = Literal["low_hanging_fruit", "balanced", "long_jumps"]
R = TypeVar("R")
PEERS_HELP = "Peer region codes (GB/T 2260), repeated or comma-separated; implies group=custom."


class Selection(BaseModel):
    """The choices the page was built with (echoed in forms and links)."""

    year: int | None = None
    group: str | None = None
    peers: list[str] = Field(default_factory=list)
    measure: str = "output"
    source: str = "panel"
    strategy: str | None = None

    def query(self, **override: object) -> str:
        """This selection as a query string, with some values replaced (links, buttons)."""
        from urllib.parse import urlencode

        values = {**self.model_dump(), **override}
        pairs = [(k, v) for k, v in values.items() if v not in (None, "", []) and k != "peers"]
        pairs += [("peers", p) for p in values.get("peers") or []]  # type: ignore[union-attr]
        return urlencode(pairs)


class ChartPoint(BaseModel):
    name: str
    x: float
    y: float
    size: float | None = None
    highlight: bool = False
    label: str | None = None
    note: str | None = None
    url: str | None = None


class Chart(BaseModel):
    """Data of one ECharts chart drawn by regions.js (scatter/bubble or ranking bar)."""

    kind: Literal["bubble", "scatter", "bar"]
    title: str
    subtitle: str = ""
    x_name: str = ""
    y_name: str = ""
    size_name: str = ""
    x_digits: int = 2
    y_digits: int = 2
    x_line: float | None = None
    y_line: float | None = None
    points: list[ChartPoint] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    values: list[float] = Field(default_factory=list)
    highlights: list[bool] = Field(default_factory=list)
    empty_text: str = ""


def _subtitle(ctx: PageContext, prov: Provenance) -> str:
    parts = []
    if prov.is_demo:
        # the same words as the pages' demo badge (示例数据 / Demo data)
        parts.append(ctx._("Demo data"))
    if prov.year:
        parts.append(ctx._("chart subtitle|%(year)s", year=prov.year))
    return " · ".join(parts)


def _unit(ctx: PageContext, unit: str) -> str:
    """The panel's unit as stored (Provenance.unit, Chinese) in the page's language, in the
    words the templates use (regions/_ui.html ``unit``: gaodi.core.units)."""
    return unit_words(unit, ctx.lang)


def _named(ctx: PageContext, name: str, code: str) -> str:
    """An industry's name and code, bracketed in the page's language."""
    return f"{name}（{code}）" if ctx.lang.startswith("zh") else f"{name} ({code})"


def _empty_text(ctx: PageContext) -> str:
    return ctx._("No data to show")


def _peers(peers: list[str]) -> list[str]:
    return P.parse_codes(peers)


def _selection(**kwargs: object) -> Selection:
    return Selection.model_validate({k: v for k, v in kwargs.items() if v is not None})


def _availability(ctx: PageContext, measure: str) -> Availability:
    assert ctx.principal is not None
    return service.availability(ctx.session, ctx.principal, measure)


def _against_peers(
    ctx: PageContext,
    compute: Callable[..., R],
    *,
    year: int | None,
    group: str | None,
    peers: list[str],
    measure: str,
    source: str,
    **options: object,
) -> tuple[R, Availability, Selection]:
    """``compute`` (a service function against a peer group) run with the page's choices; the
    choices the page offers; the selection the result was built with."""
    assert ctx.principal is not None
    chosen = _peers(peers)
    res: Any = compute(
        ctx.session,
        ctx.principal,
        year=year,
        group=group,
        peers=chosen,
        measure=measure,
        source=source,
        **options,
    )
    selection = _selection(
        year=res.provenance.year,
        group=res.group.key if res.group else group,
        peers=chosen,
        measure=measure,
        source=source,
        **options,
    )
    return res, _availability(ctx, measure), selection


# ---------------------------------------------------------------------------- specialisation


class SpecialisationPage(BaseModel):
    """The city's industries against a peer group: value, share, LQ, CAGR; the bubble chart."""

    result: Specialisation
    availability: Availability
    selection: Selection
    chart: Chart


@page(
    router,
    "/regions",
    api="/regions/specialisation",
    template="regions/specialisation.html",
    domain="region",
    shared=600,
)
def specialisation_page(
    ctx: PageContext,
    year: int | None = None,
    group: str | None = None,
    peers: list[str] = Query(default=[], description=PEERS_HELP),
    measure: MeasureParam = "output",
    source: SourceParam = "panel",
) -> SpecialisationPage:
    """Specialisation of the city against a peer group (LQ vs growth, bubble = size)."""
    res, availability, selection = _against_peers(
        ctx,
        service.specialisation,
        year=year,
        group=group,
        peers=peers,
        measure=measure,
        source=source,
    )
    unit = _unit(ctx, res.provenance.unit)
    top = {r.industry for r in sorted(res.rows, key=lambda r: -r.value)[:8]}
    chart = Chart(
        kind="bubble",
        title=ctx._("LQ vs growth (bubble = size)"),
        subtitle=_subtitle(ctx, res.provenance),
        x_name=ctx._("Location quotient (LQ)"),
        y_name=ctx._("CAGR %"),
        size_name=ctx._("Size (%(unit)s)", unit=unit),
        y_digits=1,
        x_line=1.0,
        y_line=0.0,
        points=[
            ChartPoint(
                name=_named(ctx, r.name, r.industry),
                x=r.lq,
                y=r.cagr * 100,
                size=r.value,
                highlight=r.specialised,
                label=r.name if r.industry in top else None,
            )
            for r in res.rows
            if r.lq is not None and r.cagr is not None
        ],
        empty_text=_empty_text(ctx),
    )
    return SpecialisationPage(
        result=res, availability=availability, selection=selection, chart=chart
    )


# ---------------------------------------------------------------------------- complexity


class ComplexityPage(BaseModel):
    """ECI of every region (the city marked) and PCI of every industry."""

    result: ComplexityRanking
    availability: Availability
    selection: Selection
    chart: Chart


@page(
    router,
    "/regions/complexity",
    api="/regions/complexity",
    template="regions/complexity.html",
    domain="region",
    shared=600,
)
def complexity_page(
    ctx: PageContext,
    year: int | None = None,
    measure: MeasureParam = "output",
    source: SourceParam = "panel",
    top: int = Query(30, ge=5, le=500),
) -> ComplexityPage:
    """The economic-complexity ranking: ECI of cities, PCI of industries."""
    assert ctx.principal is not None
    res = service.complexity_ranking(
        ctx.session, ctx.principal, year=year, measure=measure, source=source
    )
    shown = [r for r in res.regions[:top]] + [r for r in res.regions[top:] if r.is_city]
    chart = Chart(
        kind="bar",
        title=ctx._("Economic complexity (ECI): top %(top)s and the city", top=top),
        subtitle=_subtitle(ctx, res.provenance),
        labels=[f"{r.rank}. {r.name}" for r in shown],
        values=[round(r.eci, 4) for r in shown],
        highlights=[r.is_city for r in shown],
        empty_text=_empty_text(ctx),
    )
    return ComplexityPage(
        result=res,
        availability=_availability(ctx, measure),
        selection=_selection(year=res.provenance.year, measure=measure, source=source),
        chart=chart,
    )


# ---------------------------------------------------------------------------- opportunities


class OpportunitiesPage(BaseModel):
    """Diversification opportunities with the Atlas presets, and the strategic approach."""

    result: Opportunities
    availability: Availability
    selection: Selection
    scatter: Chart
    quadrant: Chart


@page(
    router,
    "/regions/opportunities",
    api="/regions/opportunities",
    template="regions/opportunities.html",
    domain="region",
    shared=600,
)
def opportunities_page(
    ctx: PageContext,
    year: int | None = None,
    strategy: StrategyParam = "balanced",
    group: str | None = None,
    peers: list[str] = Query(default=[], description=PEERS_HELP),
    measure: MeasureParam = "output",
    source: SourceParam = "panel",
) -> OpportunitiesPage:
    """Industries the city does not yet specialise in: feasibility vs attractiveness."""
    res, availability, selection = _against_peers(
        ctx,
        service.opportunities,
        year=year,
        group=group,
        peers=peers,
        measure=measure,
        source=source,
        strategy=strategy,
    )
    best = {r.industry for r in res.rows[:10]}
    scatter = Chart(
        kind="scatter",
        title=ctx._("Opportunities: feasibility vs attractiveness"),
        subtitle=_subtitle(ctx, res.provenance),
        x_name=ctx._("Feasibility (density, normalised)"),
        y_name=ctx._("Attractiveness (weighted PCI, COG)"),
        points=[
            ChartPoint(
                name=f"{r.rank}. {_named(ctx, r.name, r.industry)}",
                x=r.feasibility,
                y=r.attractiveness,
                highlight=r.industry in best,
                label=r.name if r.industry in best else None,
                note=ctx._(
                    "score %(score)s · PCI %(pci)s · COG %(cog)s",
                    score=format(r.score, ".3f"),
                    pci=format(r.pci, ".2f"),
                    cog=format(r.cog, ".2f"),
                ),
            )
            for r in res.rows
        ],
        empty_text=_empty_text(ctx),
    )
    quadrant = Chart(
        kind="scatter",
        title=ctx._("Strategic approach (ECI vs COI)"),
        subtitle=_subtitle(ctx, res.provenance),
        x_name=ctx._("axis|ECI"),
        y_name=ctx._("axis|COI"),
        x_line=0.0,
        y_line=0.0,
        points=[
            ChartPoint(
                name=q.name,
                x=q.eci_relative,
                y=q.coi,
                highlight=q.is_city,
                label=q.name if q.is_city else None,
            )
            for q in res.quadrant
        ],
        empty_text=_empty_text(ctx),
    )
    return OpportunitiesPage(
        result=res,
        availability=availability,
        selection=selection,
        scatter=scatter,
        quadrant=quadrant,
    )


# ---------------------------------------------------------------------------- peers


class PeersPage(BaseModel):
    """The city against the peers the user chooses."""

    result: PeerComparison
    availability: Availability
    selection: Selection


@page(
    router,
    "/regions/peers",
    api="/regions/peers",
    template="regions/peers.html",
    domain="region",
    shared=600,
)
def peers_page(
    ctx: PageContext,
    year: int | None = None,
    group: str | None = None,
    peers: list[str] = Query(default=[], description=PEERS_HELP),
    measure: MeasureParam = "output",
    source: SourceParam = "panel",
) -> PeersPage:
    """Peer comparison: total, growth, diversity, ECI, COI, HHI, Krugman; median and rank.
    By default the plan's benchmarks and cities of similar size (``plan_and_similar``)."""
    group = group or ("custom" if _peers(peers) else "plan_and_similar")
    res, availability, selection = _against_peers(
        ctx,
        service.peer_comparison,
        year=year,
        group=group,
        peers=peers,
        measure=measure,
        source=source,
    )
    return PeersPage(result=res, availability=availability, selection=selection)


# ---------------------------------------------------------------------------- linkages


class LinkagesPage(BaseModel):
    """Input-output linkages of an uploaded table or the bundled textbook example."""

    result: Linkages | None
    error: str | None = None


@page(
    router,
    "/regions/linkages",
    api="/regions/linkages",
    template="regions/linkages.html",
    domain="region",
    shared=600,
)
def linkages_page(ctx: PageContext) -> LinkagesPage:
    """Linkages of the bundled example (Miller & Blair 2009, Table 2.3); upload your own."""
    return LinkagesPage(result=io_service.linkages(lang=ctx.lang))


def _read(ctx: PageContext, name: str) -> tuple[bytes | None, str]:
    """The bytes of an uploaded file field (the request body is already parsed)."""
    upload = ctx.files.get(name)
    if upload is None:
        return None, ""
    upload.file.seek(0)
    data = upload.file.read(io_service.MAX_BYTES + 1)
    return (data or None), (upload.filename or name)


def _uploads(ctx: PageContext) -> Linkages:
    z, zname = _read(ctx, "flows")
    y, yname = _read(ctx, "final_demand")
    return io_service.linkages(
        z, y, flows_name=zname or "Z.csv", final_demand_name=yname or "Y.csv", lang=ctx.lang
    )


@form_route(router, "/regions/linkages", domain="region", action="read", page=linkages_page)
def linkages_upload(ctx: PageContext) -> Response:
    """Compute linkages of the uploaded Z and Y files (nothing is stored)."""
    result = _uploads(ctx)
    return render(ctx, "regions/linkages.html", LinkagesPage(result=result))


@api(router, "POST", "/regions/linkages", domain="region", action="read")
def linkages_api(ctx: PageContext) -> Linkages:
    """Linkages of Z and Y CSV files posted as multipart fields ``flows`` and ``final_demand``
    (Z: row_sector,col_sector,value; Y: sector,value; or the multi-regional forms)."""
    return _uploads(ctx)


# ---------------------------------------------------------------------------- assets


def regions_js() -> FileResponse:
    path = STATIC / "regions.js"
    if not path.is_file():  # pragma: no cover - packaging error
        raise NotFoundError("找不到该文件。", "No such file.")
    return FileResponse(path, media_type="text/javascript")


router.add_api_route(
    "/assets/regions/regions.js",
    regions_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)
