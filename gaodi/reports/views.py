"""The 报告 page: choose a report, its period or subject, format and language; it renders in the
background (progress by htmx polling) and is downloaded when done.

- ``GET /reports`` (JSON twin ``/api/v1/reports``): the form and the user's recent jobs;
- ``POST /reports``: start a job (Post/Redirect/Get to ``/reports?job=ID``);
- ``GET /reports/jobs/{job_id}`` (JSON twin): one job's status — the fragment htmx polls;
- ``GET /reports/jobs/{job_id}/download``: the file, for the user who asked (or an admin).

The Excel exports of the other pages' tables are in :mod:`gaodi.reports.exports` (mounted
through ``gaodi.reports.api``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field, field_validator

from gaodi.core.dbint import RowId
from gaodi.core.errors import NotFoundError, PermissionDenied
from gaodi.core.moments import CityMoment
from gaodi.core.permissions import Principal
from gaodi.db import database_key
from gaodi.reports import jobs
from gaodi.reports.common import optional_module
from gaodi.reports.lang import Lang
from gaodi.reports.render import MEDIA_TYPES
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, context_dependency, form, page, route_extra

router = APIRouter()
register_nav("reports", N_("Reports"), "/reports", domain="report", order=80)

JOB_EXAMPLE = {"path": {"job_id": "0" * 32}}


class Option(BaseModel):
    value: str
    label: str


def _moment(text: str | None) -> datetime | None:
    """A job file's stamp (naive UTC ISO); None when missing or unreadable (a job file written
    by hand or cut short is shown without a time, never answered with a server error)."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


class JobView(BaseModel):
    """A job as the page shows it (stage and error in the page's language)."""

    id: str
    kind: str
    kind_label: str
    subject_label: str | None
    period: str | None
    format: str
    lang: str
    status: str
    progress: float
    stage: str
    created_at: CityMoment | None
    finished_at: CityMoment | None
    filename: str | None
    error: str | None
    download_url: str | None
    poll_url: str


class ReportsPage(BaseModel):
    """What the user may ask for, and the user's recent report jobs."""

    kinds: list[Option]
    chains: list[Option]
    parks: list[Option]
    formats: list[Option]
    default_period: str | None
    pdf_available: bool
    pdf_missing: str | None
    jobs: list[JobView]
    current: JobView | None = None


class ReportForm(BaseModel):
    kind: Literal["monthly", "chain", "park"]
    format: Literal["docx", "pdf", "xlsx"]
    lang: Literal["zh", "en"] = "zh"
    period: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    chain_id: RowId | None = None
    park_id: RowId | None = None

    @field_validator("period", "chain_id", "park_id", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


def store(ctx: PageContext) -> jobs.JobStore:
    state = ctx.request.app.state
    return jobs.JobStore(Path(state.settings.data_dir) / "reports" / database_key(state.engine))


def _principal(ctx: PageContext) -> Principal:
    assert ctx.principal is not None
    return ctx.principal


KIND_LABELS = {
    "monthly": N_("Monthly report"),
    "chain": N_("Chain report"),
    "park": N_("Park report"),
}


def _kind_label(kind: str, ctx: PageContext) -> str:
    return ctx._(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _chains(ctx: PageContext) -> list[Option]:
    if not ctx.can("read", "chain"):
        return []
    from gaodi.chains import service

    return [
        Option(value=str(c.id), label=c.name)
        for c in service.list_chains(ctx.session, _principal(ctx))
    ]


def _parks(ctx: PageContext) -> list[Option]:
    from gaodi.reports.park import parks_service

    if parks_service() is None or not ctx.can("read", "park"):
        return []
    loaders = optional_module("gaodi.parks.loaders")
    if loaders is None:
        return []
    return [
        Option(value=str(p.id), label=p.name) for p in loaders.parks(ctx.session, _principal(ctx))
    ]


def _default_period(ctx: PageContext) -> str | None:
    if not ctx.can("read", "plan"):
        return None
    from gaodi.plans.board import default_as_of
    from gaodi.plans.models import Plan
    from gaodi.plans.service import current_plan_id

    try:
        plan_id = current_plan_id(ctx.session, _principal(ctx))
    except PermissionDenied:
        return None
    return default_as_of(ctx.session.get(Plan, plan_id) if plan_id else None)


def job_view(ctx: PageContext, job: jobs.Job, names: dict[str, str] | None = None) -> JobView:
    tr = Lang(ctx.lang)
    subject = (names or {}).get(f"{job.kind}:{job.subject}") if job.subject else None
    # the name recorded when the job was queued: the polled card has no list of names, and
    # showed the id ('产业链报告 · 1') until the page was reloaded
    subject = subject or job.subject_name
    return JobView(
        id=job.id,
        kind=job.kind,
        kind_label=_kind_label(job.kind, ctx),
        subject_label=subject or job.subject,
        period=job.period,
        format=job.format,
        lang=job.lang,
        status=job.status,
        progress=job.progress,
        stage=tr(job.stage_zh, job.stage_en),
        created_at=_moment(job.created_at),
        finished_at=_moment(job.finished_at),
        filename=job.filename,
        error=tr(job.error_zh or "", job.error_en or "") or None,
        download_url=f"/reports/jobs/{job.id}/download" if job.status == "done" else None,
        poll_url=f"/reports/jobs/{job.id}",
    )


@page(router, "/reports", api="/reports", template="reports/index.html", domain="report")
def reports_page(ctx: PageContext, job: str | None = None) -> ReportsPage:
    """The 报告 page: choose a report and format; your recent reports with their progress."""
    from gaodi.reports.pdf_render import SOFFICE_PACKAGE, soffice_path

    kinds = []
    if ctx.can("read", "plan"):
        kinds.append(Option(value="monthly", label=_kind_label("monthly", ctx)))
    chains = _chains(ctx)
    if chains:
        kinds.append(Option(value="chain", label=_kind_label("chain", ctx)))
    parks = _parks(ctx)
    if parks:
        kinds.append(Option(value="park", label=_kind_label("park", ctx)))
    names = {f"chain:{o.value}": o.label for o in chains} | {
        f"park:{o.value}": o.label for o in parks
    }
    mine = store(ctx).for_owner(_principal(ctx).username)
    current = None
    if job:
        try:
            current = job_view(ctx, store(ctx).get(job, _principal(ctx)), names)
        except NotFoundError:
            current = None
    pdf = soffice_path() is not None
    return ReportsPage(
        kinds=kinds,
        chains=chains,
        parks=parks,
        formats=[
            Option(value="docx", label="Word (.docx)"),
            Option(value="pdf", label="PDF"),
            Option(value="xlsx", label="Excel (.xlsx)"),
        ],
        default_period=_default_period(ctx),
        pdf_available=pdf,
        pdf_missing=None
        if pdf
        else ctx._(
            "LibreOffice (%(package)s) is not installed here: no PDF for now.",
            package=SOFFICE_PACKAGE,
        ),
        jobs=[job_view(ctx, j, names) for j in mine],
        current=current,
    )


@form(router, "/reports", domain="report", action="read", page=reports_page)
def start_report(ctx: PageContext) -> Response:
    """Start rendering a report in the background; the page then polls its progress."""
    from gaodi.reports.fonts import ToolMissing, font_set
    from gaodi.reports.pdf_render import require_soffice

    data = ctx.parse_form(ReportForm)
    principal = _principal(ctx)
    subject: str | None = None
    subject_name: str | None = None
    if data.kind == "monthly":
        ctx.require("read", "plan")
        from gaodi.reports.monthly import check_report_period

        # a month after today or outside the plan is refused here, next to the field, rather
        # than queued to fail (ValidationError with field="period")
        if data.period is not None:
            check_report_period(ctx.session, principal, data.period)
    elif data.kind == "chain":
        chains = {o.value: o.label for o in _chains(ctx)}
        if data.chain_id is None or str(data.chain_id) not in chains:
            raise FormInvalid({"chain_id": ctx._("Choose a chain.")})
        subject = str(data.chain_id)
        subject_name = chains[subject]
    else:
        parks = {o.value: o.label for o in _parks(ctx)}
        if data.park_id is None or str(data.park_id) not in parks:
            raise FormInvalid({"park_id": ctx._("Choose a park.")})
        subject = str(data.park_id)
        subject_name = parks[subject]
    try:
        font_set()
        if data.format == "pdf":
            require_soffice()
    except ToolMissing as exc:
        raise FormInvalid({"format": exc.message(ctx.lang)}) from None
    job = jobs.new_job(
        principal.username,
        data.kind,
        data.format,
        data.lang,
        subject=subject,
        subject_name=subject_name,
        period=data.period if data.kind == "monthly" else None,
    )
    settings = ctx.request.app.state.settings
    jobs.submit(
        job,
        store(ctx),
        ctx.request.app.state.session_factory,
        principal,
        per_user=settings.report_jobs_per_user,
        total=settings.report_queue_max,
    )
    return ctx.redirect(f"/reports?job={job.id}")


@page(
    router,
    "/reports/jobs/{job_id}",
    api="/reports/jobs/{job_id}",
    template="reports/job.html",
    domain="report",
    example=JOB_EXAMPLE,
)
def job_page(ctx: PageContext, job_id: str) -> JobView:
    """One report job: status, progress and, when done, its download link (htmx polls it)."""
    return job_view(ctx, store(ctx).get(job_id, _principal(ctx)))


def download_report(
    job_id: str,
    ctx: PageContext = Depends(context_dependency(Access("report", "read"))),
) -> Response:
    """The finished report's file, for the user who asked for it (or an administrator)."""
    job = store(ctx).get(job_id, _principal(ctx))
    path = store(ctx).output(job)
    if path is None:
        raise NotFoundError("报告尚未生成完成。", "The report is not ready.")
    from gaodi.reports.download import attachment

    # what, whose and of when (jobs.download_names); a job made before that has its stem only
    name = job.download_name or job.filename or path.name
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[job.format],
        headers={"Content-Disposition": attachment(name, job.download_ascii or path.name)},
    )


router.add_api_route(
    "/reports/jobs/{job_id}/download",
    download_report,
    methods=["GET"],
    include_in_schema=False,
    name="download_report",
    openapi_extra=route_extra(Access("report", "read"), JOB_EXAMPLE),
)
