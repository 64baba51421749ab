"""企业诉求 pages: the list (filters, overdue and escalated highlighted), one appeal (history,
steps, attachments), the statistics; the attachment download."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from gaodi.core.dbint import RowId
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.pagination import window
from gaodi.core.text_safety import VisibleText
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.projects import actions, appeal_queries, appeals, states
from gaodi.projects.rules import appeal_rules
from gaodi.projects.schemas import (
    AppealDetail,
    AppealFilter,
    AppealIn,
    AppealRow,
    AppealStats,
    FormIn,
)
from gaodi.projects.views import router
from gaodi.projects.views.common import (
    AsOf,
    Option,
    Tab,
    action_form,
    as_of,
    chain_options,
    park_options,
    parse_form,
    pick,
    run_step,
    tabs,
    workflow_labels,
)
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.pages import Access, DbId, context_dependency, form, page, route_extra

APPEAL_EXAMPLE = {"path": {"appeal_id": 1}}
PAGE_SIZE = 50
Status = Literal[
    "open", "received", "assigned", "in_progress", "resolved", "reopened", "confirmed", ""
]


class AppealsPage(BaseModel):
    """Appeals the user may see (newest first, 50 a page) and the options of filters and forms."""

    as_of: AsOf
    rows: list[AppealRow]
    total: int
    page: int
    pages: int
    overdue: int
    escalated: int
    statuses: list[Option]
    categories: list[Option]
    departments: list[Option]
    chains: list[Option]
    parks: list[Option]
    can_submit: bool
    own_enterprises: list[Option] = Field(description="An enterprise user's own enterprise.")
    tabs: list[Tab]


def _categories(ctx: PageContext) -> list[Option]:
    rules = appeal_rules()
    return [
        Option(
            value=c.name,
            label=ctx._(
                "%(category)s (%(n)s working days)",
                category=pick(ctx, c.name, c.en),
                n=c.time_limit,
            ),
        )
        for c in rules.categories.values()
    ]


@page(router, "/appeals", api="/appeals", template="projects/appeals.html", domain="appeal")
def appeals_page(
    ctx: PageContext,
    status: Status | None = None,
    category: str | None = None,
    department: str | None = None,
    chain_id: int | None = None,
    park_id: int | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    overdue: bool | None = None,
    level: Annotated[int | None, Query(ge=0, le=2)] = None,
    q: str | None = None,
    page_no: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    as_of_day: date | None = None,
) -> AppealsPage:
    """Enterprise appeals with due dates, days overdue and escalation levels."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    flt = AppealFilter(
        status=status or None,
        category=category or None,
        department=department or None,
        chain_id=chain_id,
        park_id=park_id,
        year=year,
        overdue=overdue,
        level=level,
        q=(q or "").strip() or None,
    )
    total = appeal_queries.count_appeals(ctx.session, ctx.principal, flt, day.day)
    w = window(total, page_no, PAGE_SIZE)
    pages, current = w.pages, w.number
    rows = appeal_queries.list_appeals(
        ctx.session,
        ctx.principal,
        flt,
        day.day,
        limit=PAGE_SIZE,
        offset=w.offset,
        lang=ctx.lang,
    )
    over = AppealFilter(overdue=True)
    esc = AppealFilter(level=2)
    own: list[Option] = []
    if ctx.principal.role == "enterprise" and ctx.principal.enterprise_ids:
        ids = sorted(ctx.principal.enterprise_ids)
        own = [
            Option(value=str(i), label=n)
            for i, n in enterprise_loaders.names(ctx.session, ids).items()
        ]
    rules = appeal_rules()
    return AppealsPage(
        as_of=day,
        rows=rows,
        total=total,
        page=current,
        pages=pages,
        overdue=appeal_queries.count_appeals(ctx.session, ctx.principal, over, day.day),
        escalated=appeal_queries.count_appeals(ctx.session, ctx.principal, esc, day.day),
        statuses=[Option(value="open", label=ctx._("not yet confirmed"))]
        + [Option(value=s.key, label=pick(ctx, s.zh, s.en)) for s in states.APPEAL.states],
        categories=_categories(ctx),
        departments=[Option(value=d, label=d) for d in rules.departments],
        chains=chain_options(ctx),
        parks=park_options(ctx),
        can_submit=ctx.can("edit", "appeal"),
        own_enterprises=own,
        tabs=tabs(ctx),
    )


class AppealForm(FormIn):
    enterprise_id: RowId | None = None
    enterprise_uscc: str | None = Field(None, max_length=18)
    category: str
    title: VisibleText = Field(min_length=1, max_length=200)
    text: VisibleText = Field(min_length=1)


@form(router, "/appeals", domain="appeal", action="edit", page=appeals_page)
def submit_appeal_form(ctx: PageContext) -> Response:
    """Submit an appeal: an enterprise user for itself; an office or admin names the
    enterprise by its USCC."""
    assert ctx.principal is not None
    # the field that names the enterprise: an enterprise user picks its own, others type a USCC
    ent_field = "enterprise_id" if "enterprise_id" in ctx.form else "enterprise_uscc"
    try:
        data = parse_form(ctx, AppealForm)
    except FormInvalid as exc:  # the enterprise is required too, said with the other fields
        if not str(ctx.form.get(ent_field) or "").strip():
            exc.errors.setdefault(ent_field, ctx._("This field is required."))
        raise
    ent_id = data.enterprise_id
    if data.enterprise_uscc:
        from gaodi.core.codes import normalize_uscc

        ent_id = enterprise_loaders.id_by_uscc(ctx.session, normalize_uscc(data.enterprise_uscc))
        if ent_id is None:
            raise ValidationError(
                "找不到该统一社会信用代码的企业。",
                "No enterprise with this USCC.",
                field="enterprise_uscc",
            )
    if ent_id is None:
        raise ValidationError("请指定企业。", "Name the enterprise.", field=ent_field)
    try:
        appeal = appeals.submit(
            ctx.session,
            ctx.principal,
            AppealIn(
                enterprise_id=ent_id, category=data.category, title=data.title, text=data.text
            ),
        )
    except NotFoundError as exc:  # an enterprise outside the user's scope, beside its field
        raise FormInvalid({ent_field: exc.message(ctx.lang)}) from None
    for name, upload in ctx.files.items():
        if upload.filename:
            try:
                appeals.attach(
                    ctx.session,
                    ctx.principal,
                    appeal.id,
                    upload.filename,
                    upload.file.read(appeal_rules().max_bytes + 1),
                )
            except ValidationError as exc:  # a refused file, beside the file field
                raise FormInvalid({name: exc.message(ctx.lang)}) from None
    ctx.flash(ctx._("Appeal #%(id)s received.", id=appeal.id))
    return ctx.redirect(f"/appeals/{appeal.id}")


class AppealPage(BaseModel):
    """One appeal: its history, attachments and the steps the user may take now."""

    detail: AppealDetail
    level_labels: dict[int, str]
    labels: dict[str, str]
    tabs: list[Tab]
    as_of: AsOf


class AppealStatsPage(BaseModel):
    stats: AppealStats
    category_labels: dict[str, str] = Field(description="category -> its name in the language")
    department_labels: dict[str, str] = Field(
        default_factory=dict, description="department key -> its name in the language"
    )
    year: int | None
    chart: dict[str, object]
    tabs: list[Tab]
    as_of: AsOf


@page(
    router,
    "/appeals/stats",
    api="/appeals/stats",
    template="projects/appeal_stats.html",
    domain="appeal",
)
def appeal_stats_page(
    ctx: PageContext,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    as_of_day: date | None = None,
) -> AppealStatsPage:
    """Statistics by category and department: counts, overdue share, days to resolve
    (median, 90th percentile), satisfaction."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    stats = appeal_queries.appeal_stats(
        ctx.session, ctx.principal, AppealFilter(year=year), day.day
    )
    rules = appeal_rules()
    names = {r.key: pick(ctx, r.key, rules.category_en(r.key)) for r in stats.by_category}
    chart = {
        "labels": [names[r.key] for r in stats.by_category],
        "series": [
            {
                "name": ctx._("Resolved in time"),
                "values": [r.resolved - r.resolved_late for r in stats.by_category],
            },
            {
                "name": ctx._("Resolved late"),
                "values": [r.resolved_late for r in stats.by_category],
            },
            {"name": ctx._("Open"), "values": [r.open for r in stats.by_category]},
        ],
        "empty": ctx._("No appeals"),
    }
    unassigned = appeal_queries.UNASSIGNED
    return AppealStatsPage(
        stats=stats,
        category_labels=names,
        department_labels={unassigned: pick(ctx, unassigned, appeal_queries.UNASSIGNED_EN)},
        year=year,
        chart=chart,
        tabs=tabs(ctx),
        as_of=day,
    )


@page(
    router,
    "/appeals/{appeal_id}",
    api="/appeals/{appeal_id}",
    template="projects/appeal.html",
    domain="appeal",
    example=APPEAL_EXAMPLE,
)
def appeal_page(ctx: PageContext, appeal_id: int, as_of_day: date | None = None) -> AppealPage:
    """One appeal: text, department, time limit and escalation, history, attachments."""
    assert ctx.principal is not None
    day = as_of(ctx, as_of_day)
    detail = appeal_queries.appeal_detail(ctx.session, ctx.principal, appeal_id, day.day, ctx.lang)
    rules = appeal_rules()
    return AppealPage(
        detail=detail,
        tabs=tabs(ctx),
        as_of=day,
        labels=workflow_labels(ctx, states.APPEAL),
        level_labels={lv.level: rules.level_label(lv.level, ctx.lang) for lv in rules.levels},
    )


@form(
    router,
    "/appeals/{appeal_id}/act",
    domain="appeal",
    action="edit",
    page=appeal_page,
    example={**APPEAL_EXAMPLE, "form": {"action": "assign"}},
)
def appeal_step_form(ctx: PageContext, appeal_id: int) -> Response:
    """A step on an appeal (assign, reassign, start, resolve, confirm, reopen, attach)."""
    assert ctx.principal is not None
    principal = ctx.principal
    data = action_form(ctx)
    back = f"/appeals/{appeal_id}"
    if data.action == "attach":
        upload = ctx.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationError("请选择文件。", "Choose a file.", field="file")
        content = upload.file.read(appeal_rules().max_bytes + 1)
        return run_step(
            ctx,
            back,
            lambda: appeals.attach(
                ctx.session, principal, appeal_id, upload.filename or "file", content
            ),
            ctx._("File attached."),
        )
    return run_step(
        ctx,
        back,
        lambda: actions.perform(ctx.session, principal, "appeal", appeal_id, data),
        ctx._("Saved."),
    )


def download_attachment(
    attachment_id: DbId,
    ctx: PageContext = Depends(context_dependency(Access("appeal", "read"))),
) -> Response:
    """An attachment's file, for users who may read its appeal."""
    assert ctx.principal is not None
    row, path = appeals.attachment_file(ctx.session, ctx.principal, attachment_id)
    return FileResponse(
        path,
        media_type=row.content_type,
        filename=row.filename,
        content_disposition_type="attachment",
    )


router.add_api_route(
    "/appeals/attachments/{attachment_id}",
    download_attachment,
    methods=["GET"],
    include_in_schema=False,
    name="download_attachment",
    openapi_extra=route_extra(Access("appeal", "read"), {"path": {"attachment_id": 1}}),
)
