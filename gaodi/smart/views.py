"""智能制造 pages, each with its JSON twin under /api/v1: the level distribution (by chain, park,
size class, industry), the enterprises and their latest levels, an enterprise's self-assessment
(result, gap, providers, history, printable summary), the questionnaire (web form, Excel form
download and upload), and the registries (pages_registry.py).

Every query goes through ``restrict``: a chain office sees its chains' enterprises only, an
enterprise user itself only. Labels are bilingual in the templates (``t(zh, en)``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select

from gaodi.analytics import digital
from gaodi.chains import loaders as chain_loaders
from gaodi.core import asof, clock
from gaodi.core.errors import GaodiError, ImportRejected
from gaodi.core.pagination import paginate
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.smart import excel, rollup, service
from gaodi.smart.models import Assessment
from gaodi.smart.pages_registry import router as registry_router
from gaodi.smart.schemas import (
    DEFAULT_SCHEME,
    AssessmentResult,
    EnterpriseRef,
    LevelRollup,
    LevelsView,
)
from gaodi.smart.scopes import DOMAIN
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, DbId, context_dependency, form, page, route_extra

router = APIRouter()
register_nav("smart", N_("Smart manufacturing"), "/smart", domain=DOMAIN, order=65)

ASSETS = Path(__file__).resolve().parent / "assets"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _asset(name: str, media: str) -> Any:
    def endpoint() -> FileResponse:
        return FileResponse(ASSETS / name, media_type=media)

    endpoint.__name__ = f"smart_asset_{name.replace('.', '_')}"
    return endpoint


router.add_api_route(
    "/smart/assets/smart.js",
    _asset("smart.js", "text/javascript"),
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)


def xlsx_response(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


# ---------------------------------------------------------------------------- levels
class StackedChart(BaseModel):
    labels: list[str]
    series: list[dict[str, Any]]
    empty_text: str


class LevelsPage(BaseModel):
    """The level distribution of the latest self-assessments, city-wide and by group."""

    rollup: LevelRollup
    chart: StackedChart
    own_enterprise: EnterpriseRef | None


def _level_name(ctx: PageContext, code: int, name_zh: str) -> str:
    """A level's name in the reader's language (the schemes name their levels in Chinese)."""
    if ctx.lang.startswith("zh"):
        return name_zh
    return ctx._("Below level 1") if code == 0 else ctx._("Level %(n)s", n=code)


@page(
    router, "/smart", api="/smart/levels", template="smart/levels.html", domain=DOMAIN, shared=600
)
def levels_page(
    ctx: PageContext,
    by: LevelsView = "chain",
    as_of: dt.date | None = None,
    level: Annotated[int, Query(ge=1, le=4)] = 2,
) -> LevelsPage:
    """Levels of the latest self-assessments (one per enterprise, on or before ``as_of``) by
    chain, park, size class or industry (``by=city``: the whole city alone, ``by`` null in the
    answer), with the above-scale share at or above ``level``."""
    assert ctx.principal is not None
    if as_of is not None:  # not after today: no self-assessment of the future is known
        asof.check_day(as_of, clock.city_today(ctx.dataset)[0], field="as_of")
    group_by = None if by == "city" else by
    r = rollup.level_rollup(ctx.session, ctx.principal, by=group_by, as_of=as_of, level=level)
    groups = r.groups or [r.city]
    zh = ctx.lang.startswith("zh")
    series = [
        {
            "name": _level_name(ctx, lv, name),
            "level": lv,
            "data": [next(c.count for c in g.levels if c.level == lv) for g in groups],
        }
        for lv, name in r.level_names.items()
    ]
    own = None
    if ctx.principal.role == "enterprise" and ctx.principal.enterprise_ids:
        eid = min(ctx.principal.enterprise_ids)
        own = service.enterprise_ref(
            ctx.session, service.enterprise(ctx.session, ctx.principal, enterprise_id=eid)
        )
    return LevelsPage(
        rollup=r,
        chart=StackedChart(
            labels=[g.label if zh else g.label_en or g.label for g in groups],
            series=series,
            empty_text=ctx._("No self-assessment yet"),
        ),
        own_enterprise=own,
    )


# ---------------------------------------------------------------------------- enterprises
class EnterpriseRow(BaseModel):
    id: int
    uscc: str
    name: str
    park: str | None
    assessed_on: dt.date | None
    total: float | None
    level: int | None
    level_name: str | None
    assessments: int
    is_demo: bool


class EnterprisesPage(BaseModel):
    """Enterprises in scope with their latest self-assessment (filter, then open one)."""

    rows: list[EnterpriseRow]
    total: int
    page: int
    pages: int
    q: str | None
    chain: str | None
    level: int | None
    assessed: bool | None
    chains: list[tuple[str, str]]
    can_edit: bool


@page(
    router,
    "/smart/enterprises",
    api="/smart/enterprises",
    template="smart/enterprises.html",
    domain=DOMAIN,
)
def enterprises_page(
    ctx: PageContext,
    q: Annotated[str | None, Query(max_length=100)] = None,
    chain: Annotated[str | None, Query(max_length=32)] = None,
    level: Annotated[int | None, Query(ge=0, le=4)] = None,
    assessed: bool | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> EnterprisesPage:
    """Enterprises (name or USCC contains ``q``; on ``chain``; latest level; assessed or not)
    with their latest self-assessment of the MIIT scheme."""
    assert ctx.principal is not None
    ctx.restrict(select(Assessment))  # the domain check; assessments follow their enterprise
    listed = enterprise_loaders.listing(
        ctx.principal, text=q, within=chain_loaders.on_chain_ids(chain) if chain else None
    )
    ent = listed.selected_columns  # the enterprise's columns, to join and order on
    # the latest assessment of each enterprise, found through its (enterprise_id, assessed_on)
    # index: one lookup per enterprise instead of ranking every assessment with a window and
    # joining the result (15 s per load on the medium demo)
    latest = (
        select(Assessment.id)
        .where(Assessment.enterprise_id == ent.id, Assessment.scheme_id == DEFAULT_SCHEME)
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        .limit(1)
        .correlate_except(Assessment)
        .scalar_subquery()
    )
    query = listed.add_columns(Assessment).outerjoin(Assessment, Assessment.id == latest)
    if level is not None:
        query = query.where(Assessment.level == level)
    if assessed is True:
        query = query.where(Assessment.id.is_not(None))
    elif assessed is False:
        query = query.where(Assessment.id.is_(None))
    found = paginate(
        ctx.session,
        query,
        page_no,
        PAGE_SIZE,
        scalars=False,
        ordered=query.order_by(Assessment.id.is_(None), ent.id),
    )
    total, pages, number, rows = found.total, found.pages, found.number, found.items
    shown = [e.id for e, _ in rows]
    counts = dict(
        ctx.session.execute(
            select(Assessment.enterprise_id, func.count())
            .where(Assessment.enterprise_id.in_(shown), Assessment.scheme_id == DEFAULT_SCHEME)
            .group_by(Assessment.enterprise_id)
        ).all()
    )
    parks = park_loaders.park_names(ctx.session)
    return EnterprisesPage(
        rows=[
            EnterpriseRow(
                id=e.id,
                uscc=e.uscc,
                name=e.name,
                park=parks.get(e.park_id) if e.park_id else None,
                assessed_on=a.assessed_on if a else None,
                total=a.total if a else None,
                level=a.level if a else None,
                level_name=a.level_name if a else None,
                assessments=int(counts.get(e.id, 0)),
                is_demo=e.is_demo,
            )
            for e, a in rows
        ],
        total=total,
        page=number,
        pages=pages,
        q=q,
        chain=chain,
        level=level,
        assessed=assessed,
        chains=chain_loaders.chain_choices(ctx.session, ctx.principal),
        can_edit=ctx.can("edit", DOMAIN),
    )


# ---------------------------------------------------------------------------- one enterprise
class Charts(BaseModel):
    radar: dict[str, Any]
    history: dict[str, Any]


#: How an assessment was entered (Assessment.source), in words.
ENTRY_SOURCE_LABELS = {
    "web": N_("web form"),
    "excel": N_("Excel form"),
    "api": N_("API"),
    "cli": N_("command line"),
    "demo": N_("demo data"),
}


class EnterprisePage(BaseModel):
    """An enterprise's self-assessments: the chosen (default: latest) result and the history."""

    enterprise: EnterpriseRef
    result: AssessmentResult | None
    charts: Charts | None
    can_edit: bool
    is_demo: bool
    source_label: str = ""


def _charts(ctx: PageContext, r: AssessmentResult) -> Charts:
    s = service.scheme(r.assessment.scheme_id) if r.kind == "miit" else None
    bands = [lv.min_score for lv in s.levels] if s else []
    return Charts(
        radar={
            "indicators": [{"name": d.name, "max": d.max} for d in r.dimensions],
            "values": [d.score for d in r.dimensions],
            "name": str(r.assessment.assessed_on),
        },
        history={
            "dates": [str(h.assessed_on) for h in r.history],
            "totals": [h.total for h in r.history],
            "levels": [_level_name(ctx, h.level, h.level_name) for h in r.history],
            "bands": bands,
            "name": ctx._("score|Total"),
        },
    )


@page(
    router,
    "/smart/enterprises/{enterprise_id}",
    api="/smart/enterprises/{enterprise_id}",
    template="smart/enterprise.html",
    domain=DOMAIN,
)
def enterprise_page(
    ctx: PageContext, enterprise_id: int, assessment_id: int | None = None
) -> EnterprisePage:
    """Score by dimension, level, gap to the next level item by item, providers that cover the
    gaps, and the history of self-assessments (``assessment_id`` picks an older one)."""
    assert ctx.principal is not None
    ent = service.enterprise(ctx.session, ctx.principal, enterprise_id=enterprise_id)
    row = (
        service.get_assessment(ctx.session, ctx.principal, assessment_id)
        if assessment_id is not None
        else service.latest(ctx.session, ctx.principal, ent.id)
    )
    if row is not None and row.enterprise_id != ent.id:
        from gaodi.core.errors import NotFoundError

        raise NotFoundError(
            f"该企业没有评测记录 {assessment_id}。",
            f"Enterprise {enterprise_id} has no assessment {assessment_id}.",
        )
    result = (
        service.result(ctx.session, ctx.principal, row, lang=ctx.lang) if row is not None else None
    )
    return EnterprisePage(
        enterprise=service.enterprise_ref(ctx.session, ent),
        result=result,
        charts=_charts(ctx, result) if result is not None else None,
        can_edit=ctx.can("edit", DOMAIN),
        is_demo=ent.is_demo or ctx.is_demo,
        source_label=(
            ctx._(ENTRY_SOURCE_LABELS[row.source])
            if row is not None and row.source in ENTRY_SOURCE_LABELS
            else (row.source if row is not None else "")
        ),
    )


# ---------------------------------------------------------------------------- questionnaire
class OptionOut(BaseModel):
    code: str
    label: str
    points: float
    exclusive: bool


class ItemOut(BaseModel):
    code: str
    dimension: str
    dimension_name: str
    title: str
    kind: str
    max_points: float
    options: list[OptionOut]


class ScenarioOut(BaseModel):
    code: str
    name: str
    binding: bool
    levels: list[str]


class SchemeOut(BaseModel):
    """A questionnaire: items with options and points, 数字化经营 scenarios, level rules."""

    id: str
    version: str
    title: str
    title_en: str = ""
    document_number: str
    items: list[ItemOut]
    scenarios: list[ScenarioOut]
    levels: list[dict[str, Any]]
    caveats: list[str]


def scheme_out(s: digital.Scheme) -> SchemeOut:
    dims = {code: name for code, name, _ in s.dimensions}
    return SchemeOut(
        id=s.id,
        version=s.version,
        title=s.title_zh,
        title_en=s.title_en,
        document_number=s.document_number,
        items=[
            ItemOut(
                code=i.code,
                dimension=i.dimension,
                dimension_name=dims.get(i.dimension, i.dimension),
                title=i.title_zh,
                kind=i.kind,
                max_points=i.max_points,
                options=[
                    OptionOut(code=o.code, label=o.label_zh, points=o.points, exclusive=o.exclusive)
                    for o in i.options
                ],
            )
            for i in s.items
        ],
        scenarios=[
            ScenarioOut(code=c.code, name=c.name_zh, binding=c.binding, levels=list(c.levels_zh))
            for c in s.scenarios
        ],
        levels=[
            {
                "code": lv.code,
                "name": lv.name_zh,
                "min_score": lv.min_score,
                "scenario_level": lv.scenario_level,
                "min_scenarios": lv.min_scenarios,
                "min_binding": lv.min_binding,
                "verified": lv.verified,
            }
            for lv in s.levels
        ],
        caveats=list(s.caveats),
    )


class Section(BaseModel):
    code: str
    name: str
    items: list[ItemOut]


class AssessPage(BaseModel):
    """The questionnaire for one enterprise, pre-filled with its latest answers."""

    enterprise: EnterpriseRef
    scheme: SchemeOut
    sections: list[Section]
    prefill_items: dict[str, list[str]]
    prefill_scenarios: dict[str, int]
    prefilled_from: dt.date | None
    today: dt.date
    cell_errors: list[dict[str, Any]]


@page(
    router,
    "/smart/enterprises/{enterprise_id}/assess",
    template="smart/assess.html",
    domain=DOMAIN,
    action="edit",
)
def assess_page(ctx: PageContext, enterprise_id: int) -> AssessPage:
    """The self-assessment form (one section per dimension) and the Excel form."""
    assert ctx.principal is not None
    from gaodi.core import clock

    ent = service.enterprise(ctx.session, ctx.principal, enterprise_id=enterprise_id, action="edit")
    last = service.latest(ctx.session, ctx.principal, ent.id)
    use_last = last is not None and last.scheme_id == DEFAULT_SCHEME
    cells = [
        {"cell": key.removeprefix("cell:"), "message": msg}
        for key, msg in ctx.form_errors.items()
        if key.startswith("cell:")
    ]
    scheme = service.scheme(DEFAULT_SCHEME)
    questionnaire = scheme_out(scheme)
    english = not ctx.lang.startswith("zh")
    sections: list[Section] = []
    for it in questionnaire.items:
        if not sections or sections[-1].code != it.dimension:
            name = scheme.dimension_name(it.dimension, english=english)
            sections.append(Section(code=it.dimension, name=name, items=[]))
        sections[-1].items.append(it)
    return AssessPage(
        enterprise=service.enterprise_ref(ctx.session, ent),
        scheme=questionnaire,
        sections=sections,
        prefill_items=dict(last.answers.get("items") or {}) if use_last and last else {},
        prefill_scenarios=dict(last.answers.get("scenarios") or {}) if use_last and last else {},
        prefilled_from=last.assessed_on if use_last and last else None,
        today=clock.today(),
        cell_errors=cells,
    )


@form(
    router, "/smart/enterprises/{enterprise_id}/assess", domain=DOMAIN, action="edit",
    page=assess_page,
)  # fmt: skip
def assess_submit(ctx: PageContext, enterprise_id: int) -> Response:
    """Score the submitted questionnaire and store it; errors go back next to their items."""
    assert ctx.principal is not None
    ent = service.enterprise(ctx.session, ctx.principal, enterprise_id=enterprise_id, action="edit")
    items = {k.removeprefix("item__"): v for k, v in ctx.form.items() if k.startswith("item__")}
    scen = {k.removeprefix("scen__"): v for k, v in ctx.form.items() if k.startswith("scen__")}
    raw_day = str(ctx.form.get("assessed_on") or "").strip()
    errors: dict[str, str] = {}
    day = None
    if raw_day:
        try:
            day = dt.date.fromisoformat(raw_day)
        except ValueError:
            errors["assessed_on"] = ctx._("Enter a date as YYYY-MM-DD.")
    _clean, _scen, problems = service.check_answers(service.scheme(DEFAULT_SCHEME), items, scen)
    for p in problems:
        key = (
            f"scen__{p.key.removeprefix('scenario:')}"
            if p.key.startswith("scenario:")
            else f"item__{p.key}"
        )
        errors[key] = p.zh if ctx.lang.startswith("zh") else p.en
    if errors:
        raise FormInvalid(errors)
    try:
        row = service.record_assessment(
            ctx.session, ctx.principal, ent, items, scen, assessed_on=day,
            assessor=str(ctx.form.get("assessor") or "") or None, source="web",
        )  # fmt: skip
    except GaodiError as exc:  # an identical repeat of the day's record: next to the date
        field = str(exc.context.get("field") or "assessed_on")
        raise FormInvalid({field: exc.message(ctx.lang)}) from None
    earlier = service.superseded(ctx.session, ctx.principal, row)
    if earlier is None:
        ctx.flash(
            ctx._(
                "Self-assessment saved: %(level)s (%(total)s points).",
                level=row.level_name,
                total=format(row.total, "g"),
            )
        )
    else:  # changed answers for a day already assessed: say which record it corrects
        ctx.flash(
            ctx._(
                "Self-assessment saved: %(level)s (%(total)s points). It corrects record "
                "#%(earlier)s of the same day, which stays in the history.",
                level=row.level_name,
                total=format(row.total, "g"),
                earlier=earlier.id,
            )
        )
    return ctx.redirect(f"/smart/enterprises/{ent.id}?assessment_id={row.id}")


@form(
    router, "/smart/enterprises/{enterprise_id}/upload", domain=DOMAIN, action="edit",
    page=assess_page,
)  # fmt: skip
def upload_form(ctx: PageContext, enterprise_id: int) -> Response:
    """Import a filled Excel questionnaire (all-or-nothing; every bad cell is listed)."""
    assert ctx.principal is not None
    ent = service.enterprise(ctx.session, ctx.principal, enterprise_id=enterprise_id, action="edit")
    upload = ctx.files.get("file")
    if upload is None or not upload.filename:
        raise FormInvalid({"file": ctx._("Choose a filled form (.xlsx).")})
    # One byte over the limit is enough to refuse it: a large file never sits in memory.
    data = upload.file.read(excel.FORM_MAX_BYTES + 1)
    try:
        row = excel.import_form(
            ctx.session, ctx.principal, data, uscc=ent.uscc, source="excel",
            file_name=upload.filename,
        )  # fmt: skip
    except ImportRejected as exc:
        errors = {"file": exc.message(ctx.lang)}
        for e in exc.errors[:200]:
            where = f"{e.sheet}!{e.column}{e.row}" if e.row else e.sheet
            errors[f"cell:{where}"] = e.reason_zh if ctx.lang.startswith("zh") else e.reason_en
        raise FormInvalid(errors) from None
    earlier = service.superseded(ctx.session, ctx.principal, row)
    if earlier is None:
        ctx.flash(
            ctx._(
                "Form imported: %(level)s (%(total)s points).",
                level=row.level_name,
                total=format(row.total, "g"),
            )
        )
    else:  # a corrected form for a day already assessed: say which record it replaces
        ctx.flash(
            ctx._(
                "Form imported: %(level)s (%(total)s points). It corrects record #%(earlier)s "
                "of the same day, which stays in the history.",
                level=row.level_name,
                total=format(row.total, "g"),
                earlier=earlier.id,
            )
        )
    return ctx.redirect(f"/smart/enterprises/{ent.id}?assessment_id={row.id}")


def _form_download(
    enterprise_id: DbId, ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "edit")))
) -> Response:
    assert ctx.principal is not None
    from gaodi.core import clock

    ent = service.enterprise(ctx.session, ctx.principal, enterprise_id=enterprise_id, action="edit")
    data = excel.build_form(
        service.scheme(DEFAULT_SCHEME),
        uscc=ent.uscc,
        name=ent.name,
        assessed_on=clock.today(),
        lang=ctx.lang,
    )
    return xlsx_response(data, f"数字化水平自评问卷-{ent.uscc}.xlsx")


router.add_api_route(
    "/smart/enterprises/{enterprise_id}/form.xlsx",
    _form_download,
    methods=["GET"],
    include_in_schema=False,
    response_class=Response,
    name="smart_form_download",
    openapi_extra=route_extra(Access(DOMAIN, "edit")),
)


def _blank_form(
    scheme: str = DEFAULT_SCHEME,
    ctx: PageContext = Depends(context_dependency(Access(DOMAIN, "read"))),
) -> Response:
    data = excel.build_form(service.scorable_scheme(scheme), lang=ctx.lang)
    return xlsx_response(data, f"数字化水平自评问卷-{scheme}.xlsx")


router.add_api_route(
    "/smart/form.xlsx",
    _blank_form,
    methods=["GET"],
    include_in_schema=False,
    response_class=Response,
    name="smart_blank_form",
    openapi_extra=route_extra(Access(DOMAIN, "read")),
)

router.include_router(registry_router)
