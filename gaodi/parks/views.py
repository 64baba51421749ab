"""园区 pages: the park ranking with 亩均 classes, tier progress toward 千亿/3000亿 with years to
reach them, the positioning check; one park's enterprise 亩均 list (class filter, pagination).

Each page is one context function serving the HTML page and its JSON twin under /api/v1
(:func:`gaodi.ui.web.pages.page`). A park office sees only its parks: another park answers 404,
and enterprise lists show only the enterprises the user may read (``restrict``).
"""

from __future__ import annotations

import io
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gaodi.accounts.service import scope_names_of
from gaodi.analytics.rulefiles import load_per_mu_rules
from gaodi.core import download
from gaodi.core.dbint import INT32_MAX, INT32_MIN
from gaodi.core.errors import ValidationError
from gaodi.core.pagination import window
from gaodi.core.permissions import principal_label
from gaodi.parks import service
from gaodi.parks.schemas import ExcludedRow, ParkEnterprises, ParkEvaluation, ParkRow
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, context_dependency, page, route_extra

router = APIRouter()
register_nav("parks", N_("Parks"), "/parks", domain="park", order=50)

ClassParam = Literal["A", "B", "C", "D"]
#: The kinds of reason a firm is left out (``missing`` stands for every ``missing:<indicator>``).
ReasonParam = Literal["not_industrial", "no_land", "below_land", "no_scheme", "missing"]
#: A city has thousands of firms below the land threshold: the list is paged (7 MB of HTML
#: for the medium demo's 20,000 when it was not).
EXCLUDED_PER_PAGE = 100


def scheme_labels(ctx: PageContext) -> dict[str, str]:
    """Each 亩均 scheme's name in the reader's language (the select shows names, not file ids)."""
    out = {}
    for key in service.schemes():
        rules = load_per_mu_rules(key)
        out[key] = rules.name_zh if ctx.lang.startswith("zh") else rules.name_en
    return out


def _scheme(scheme: str) -> str:
    if scheme not in service.schemes():
        raise ValidationError(
            f"没有名为“{scheme}”的亩均评价方案。", f"No per-mu scheme '{scheme}'.", field="scheme"
        )
    return scheme


class ParksPage(BaseModel):
    """Park ranking by 亩均 score with A/B/C/D counts, tier progress and positioning."""

    result: ParkEvaluation | None
    error: str | None = None
    schemes: list[str]
    scheme_labels: dict[str, str] = {}
    scheme: str
    years: list[int]


def _years(ctx: PageContext) -> list[int]:
    from gaodi.parks import loaders

    return loaders.years(ctx.session)


@page(router, "/parks", api="/parks", template="parks/list.html", domain="park", shared=600)
def parks_page(ctx: PageContext, year: int | None = None, scheme: str = "default") -> ParksPage:
    """Park ranking (亩均), classes, tier progress toward 千亿/3000亿, positioning."""
    assert ctx.principal is not None
    scheme = _scheme(scheme)
    try:
        result = service.evaluate(ctx.session, ctx.principal, year=year, scheme=scheme)
        error = None
    except ValidationError as exc:  # e.g. a rule set whose source gives no benchmark
        if exc.context.get("field") in ("year", "scheme"):
            raise
        result, error = None, exc.message(ctx.lang)
    return ParksPage(
        result=result,
        error=error,
        schemes=service.schemes(),
        scheme_labels=scheme_labels(ctx),
        scheme=scheme,
        years=_years(ctx),
    )


#: The not-evaluated firms a park's page lists (the rest: /parks/excluded?park=…, a page at a time).
EXCLUDED_ON_PARK_PAGE = 100


class ExcludedPage(BaseModel):
    """The enterprises the 亩均 evaluation leaves out (in or outside parks), each with why."""

    year: int | None
    scheme: str
    schemes: list[str]
    scheme_labels: dict[str, str] = {}
    years: list[int]
    min_land_mu: str
    rows: list[ExcludedRow] = Field(description="The rows of this page (of those of ``reason``).")
    counts: dict[str, int] = Field(
        default={}, description="Every left-out firm by reason kind (all pages, any filter)."
    )
    reason: ReasonParam | None = None
    park_id: int | None = Field(None, description="Only this park's firms, when given.")
    park_name: str | None = None
    total: int = Field(0, description="Rows of the list (with the reason filter), all pages.")
    page: int = 1
    pages: int = 1
    per_page: int = EXCLUDED_PER_PAGE


@page(
    router,
    "/parks/excluded",
    api="/parks/excluded",
    template="parks/excluded.html",
    domain="park",
    shared=600,
)
def excluded_page(
    ctx: PageContext,
    year: int | None = None,
    scheme: str = "default",
    reason: ReasonParam | None = Query(None, description="Only firms left out for this reason."),
    park: int | None = Query(
        None, ge=1, le=INT32_MAX, description="Only this park's firms (a park you may read)."
    ),
    page_no: int = Query(1, alias="page", ge=1, le=100_000),
    per_page: int = Query(EXCLUDED_PER_PAGE, ge=1, le=500),
) -> ExcludedPage:
    """Firms not evaluated (below the land threshold, no land, no scheme, missing figures),
    counted by reason and listed a page at a time.

    Registered before ``/parks/{park_id}`` so that "excluded" is not read as a park id.
    """
    assert ctx.principal is not None
    scheme = _scheme(scheme)
    state = service.compute(ctx.session, ctx.principal, year=year, scheme=scheme)
    rows = service.excluded_enterprises(ctx.session, ctx.principal, park_id=park, state=state)
    park_name = None if park is None else service.get_park(ctx.session, ctx.principal, park).name
    counts: dict[str, int] = {}
    for r in rows:
        key = r.reason.split(":", 1)[0]
        counts[key] = counts.get(key, 0) + 1
    if reason is not None:
        rows = [r for r in rows if r.reason.split(":", 1)[0] == reason]
    w = window(len(rows), page_no, per_page)
    t = state.rules.coverage.min_land_mu
    return ExcludedPage(
        year=state.year,
        scheme=scheme,
        schemes=service.schemes(),
        scheme_labels=scheme_labels(ctx),
        years=_years(ctx),
        min_land_mu="—" if t is None else f"{t:g}",
        rows=rows[w.offset : w.offset + per_page],
        counts=counts,
        reason=reason,
        park_id=park,
        park_name=park_name,
        total=len(rows),
        page=w.number,
        pages=w.pages,
        per_page=per_page,
    )


class ParkPage(BaseModel):
    """One park: its standing (rank, classes, tiers, positioning), its enterprises with each
    item's points beside the total, and the park's firms left out with the reason."""

    park: ParkRow | None
    enterprises: ParkEnterprises
    excluded: list[ExcludedRow] = Field(
        default=[], description=f"The first {EXCLUDED_ON_PARK_PAGE} of the park's firms left out."
    )
    excluded_total: int = Field(0, description="All the park's firms left out.")
    excluded_counts: dict[str, int] = Field(default={}, description="Those firms by reason kind.")
    schemes: list[str]
    scheme_labels: dict[str, str] = {}
    scheme: str
    years: list[int]


@page(
    router,
    "/parks/{park_id}",
    api="/parks/{park_id}",
    template="parks/park.html",
    domain="park",
    shared=600,
)
def park_page(
    ctx: PageContext,
    park_id: int,
    year: int | None = None,
    scheme: str = "default",
    klass: ClassParam | None = Query(None, alias="class", description="Only this class."),
    page_no: int = Query(1, alias="page", ge=1, le=100_000),
    per_page: int = Query(50, ge=1, le=500),
) -> ParkPage:
    """A park's enterprises with their 亩均 class, score and indicators (404 outside scope)."""
    assert ctx.principal is not None
    scheme = _scheme(scheme)
    service.get_park(ctx.session, ctx.principal, park_id)  # 404 before any work
    state = service.compute(ctx.session, ctx.principal, year=year, scheme=scheme)
    firms = service.park_enterprises(
        ctx.session,
        ctx.principal,
        park_id,
        klass=klass,
        page=page_no,
        per_page=per_page,
        state=state,
    )
    ev = service.evaluate(ctx.session, ctx.principal, state=state)
    row = next((r for r in ev.parks if r.id == park_id), None)
    # a park of a large city leaves out tens of thousands of firms: the page names how many
    # and why, lists the first ones, and the excluded list pages through the rest
    excluded = service.excluded_summary(
        ctx.session, ctx.principal, park_id=park_id, state=state, limit=EXCLUDED_ON_PARK_PAGE
    )
    return ParkPage(
        park=row,
        enterprises=firms,
        excluded=excluded.rows,
        excluded_total=excluded.total,
        excluded_counts=excluded.counts,
        schemes=service.schemes(),
        scheme_labels=scheme_labels(ctx),
        scheme=scheme,
        years=_years(ctx),
    )


def _xlsx(ctx: PageContext, year: int | None, scheme: str) -> Response:
    from gaodi.parks.export import workbook

    assert ctx.principal is not None
    scheme = _scheme(scheme)
    state = service.compute(ctx.session, ctx.principal, year=year, scheme=scheme)
    ev = service.evaluate(ctx.session, ctx.principal, state=state)
    firms = service.evaluated_enterprises(ctx.session, ctx.principal, state=state)
    # what, whose (全市 or the park's name), which year (and scheme, past the default one), so
    # two scopes' or years' files differ; the workbook's title says the same
    zh = ctx.lang.startswith("zh")
    year_part = ev.provenance.year or "na"
    parts = [
        ctx._("Per-mu evaluation of parks"),
        download.scope_label(ctx.principal, zh, scope_names_of(ctx.session)),
        year_part,
        scheme if scheme != "default" else None,
    ]
    name = download.file_name(parts, "xlsx")
    buffer = io.BytesIO()
    book = workbook(
        ev,
        firms,
        service.indicators(scheme),
        lang=ctx.lang,
        title=name.removesuffix(".xlsx"),
        author=principal_label(ctx.principal, zh),
    )
    book.save(buffer)
    plain = download.ascii_name(
        ["parks-per-mu", download.scope_code(ctx.principal), year_part, scheme], "xlsx"
    )
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": download.attachment(name, plain)},
    )


_READ_PARK = Access("park", "read")


def parks_xlsx(
    year: int | None = Query(None, ge=INT32_MIN, le=INT32_MAX),
    scheme: str = "default",
    ctx: PageContext = Depends(context_dependency(_READ_PARK)),
) -> Response:
    """The evaluation as an Excel workbook (说明, 园区排名, 能级进度, 功能定位, 企业)."""
    return _xlsx(ctx, year, scheme)


router.add_api_route(
    "/parks.xlsx",
    parks_xlsx,
    methods=["GET"],
    include_in_schema=False,
    response_class=Response,
    openapi_extra=route_extra(_READ_PARK),
)
