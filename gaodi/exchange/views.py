"""数据交换: Excel/CSV templates, imports and exports in the browser (the CLI's twin).

The page lists the entities the user may read or change; each has its template, an export of
what the user may read, and the upload form. An upload is checked completely before anything
is written (all-or-nothing); with ``dry-run`` nothing is written at all. Bad cells are listed
in a table, and the whole list can be downloaded as an Excel error report.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gaodi.config import get_settings
from gaodi.core import download
from gaodi.core.errors import GaodiError, ImportRejected, NotFoundError
from gaodi.db import database_key
from gaodi.exchange import jobs, service
from gaodi.exchange.entities import ENTITIES
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, context_dependency, form, page, route_extra

router = APIRouter()
register_nav("data", N_("Data exchange"), "/data", domain="overview", order=85)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_REPORT_RE = re.compile(r"^[0-9a-f]{32}$")


class EntityRow(BaseModel):
    key: str
    label: str
    can_export: bool
    can_import: bool
    history: bool = Field(description="Importing appends history (revisions); mode does not apply.")


class CellErrorRow(BaseModel):
    sheet: str
    row: int
    column: str
    value: str
    reason: str


class DataExchange(BaseModel):
    """Import templates, uploads and exports the user may use."""

    entities: list[EntityRow]
    importable: list[EntityRow]
    cell_errors: list[CellErrorRow] = Field(default_factory=list)
    error_count: int = 0
    report_id: str | None = None
    imports: list[jobs.ImportJob] = Field(
        default_factory=list, description="The user's latest background imports."
    )


class DataFilter(BaseModel):
    report: str | None = Field(None, pattern=r"^[0-9a-f]{32}$")


def _rows(ctx: PageContext) -> list[EntityRow]:
    out = []
    for key, spec in ENTITIES.items():
        row = EntityRow(
            key=key,
            label=spec.zh if ctx.lang.startswith("zh") else spec.en,
            can_export=ctx.can("read", spec.domain),
            can_import=ctx.can(spec.import_action, spec.domain),
            history=spec.history,
        )
        if row.can_export or row.can_import:
            out.append(row)
    return out


def _reports_dir(ctx: PageContext) -> Path:
    """Where this database's import reports and jobs are kept (per database: see
    :func:`gaodi.db.database_key`)."""
    key = database_key(ctx.request.app.state.engine)
    path = get_settings().ensure_data_dir() / "imports" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


@page(router, "/data", api="/data", template="exchange/data.html", domain="overview")
def data_page(ctx: PageContext, q: Annotated[DataFilter, Query()]) -> DataExchange:
    """Templates, imports and exports: what this user may do with which entity."""
    rows = _rows(ctx)
    result = DataExchange(entities=rows, importable=[r for r in rows if r.can_import])
    assert ctx.principal is not None
    result.imports = _jobs(ctx).for_owner(ctx.principal.username)
    if ctx.form_name == "import_form":
        errors = ctx.form_errors
        cells = [k for k in errors if k.startswith("cell:")]
        result.cell_errors = [_cell_row(errors[k]) for k in cells]
        result.error_count = int(errors.get("count", len(cells)) or 0)
        result.report_id = errors.get("report") or None
    return result


def _cell_row(packed: str) -> CellErrorRow:
    sheet, row, column, value, reason = packed.split("\x1f", 4)
    return CellErrorRow(sheet=sheet, row=int(row), column=column, value=value, reason=reason)


@form(router, "/data/import", domain="overview", action="read", page=data_page)
def import_form(ctx: PageContext) -> Response:
    """Upload a filled template: every row is checked; with any error nothing is written."""
    assert ctx.principal is not None
    entity_key = str(ctx.form.get("entity") or "")
    spec = ENTITIES.get(entity_key)
    if spec is None:
        raise FormInvalid({"entity": ctx._("Choose what the file holds.")})
    if not ctx.can(spec.import_action, spec.domain):
        raise FormInvalid({"entity": ctx._("You may not import this kind of data.")})
    mode: Literal["insert", "upsert"] = "upsert" if ctx.form.get("mode") == "upsert" else "insert"
    dry_run = bool(ctx.form.get("dry_run"))
    upload = ctx.files.get("file")
    if upload is None or not upload.filename:
        raise FormInvalid({"file": ctx._("Choose an .xlsx or .csv file.")})
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FormInvalid({"file": ctx._("Only .xlsx and .csv files can be imported.")})
    limit = get_settings().upload_max_mb * 1024 * 1024
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise FormInvalid(
            {"file": ctx._("The file is larger than %(mb)s MB.", mb=get_settings().upload_max_mb)}
        )
    engine = ctx.session.get_bind().engine
    ctx.session.rollback()  # the import writes through its own transaction
    if len(data) > get_settings().import_background_kb * 1024:
        try:
            job = jobs.submit(
                _jobs(ctx), engine, ctx.principal, entity=entity_key, data=data,
                filename=_safe_name(upload.filename), mode=mode, dry_run=dry_run,
                reports_dir=_reports_dir(ctx), queue_max=get_settings().import_queue_max,
            )  # fmt: skip
        except jobs.ImportBusy as exc:
            raise FormInvalid({"file": exc.message(ctx.lang)}) from None
        return ctx.redirect(f"/data/imports/{job.id}")
    with tempfile.TemporaryDirectory() as tmp:
        # Keep the user's file name: the audit event and the error report name it.
        path = Path(tmp) / _safe_name(upload.filename)
        path.write_bytes(data)
        report_id = uuid.uuid4().hex
        report_path = _reports_dir(ctx) / f"{report_id}.xlsx"
        try:
            report = service.import_file(
                engine, entity_key, path, principal=ctx.principal, dry_run=dry_run, mode=mode,
                report_path=report_path,
            )  # fmt: skip
        except ImportRejected as exc:
            (_reports_dir(ctx) / f"{report_id}.owner").write_text(ctx.principal.username)
            zh = ctx.lang.startswith("zh")
            errors = {"file": exc.message(ctx.lang), "count": str(len(exc.errors)),
                      "report": report_id if report_path.exists() else ""}  # fmt: skip
            for n, e in enumerate(exc.errors[:500]):
                value = "" if e.value is None else str(e.value)
                reason = e.reason_zh if zh else e.reason_en
                errors[f"cell:{n}"] = "\x1f".join((e.sheet, str(e.row), e.column, value, reason))
            raise FormInvalid(errors) from None
        except GaodiError as exc:
            raise FormInvalid({"file": exc.message(ctx.lang)}) from None
    counts = ctx._(
        "%(created)s new, %(updated)s updated, %(unchanged)s unchanged",
        created=report.created, updated=report.updated, unchanged=report.unchanged,
    )  # fmt: skip
    if dry_run:
        ctx.flash(ctx._("Checked, nothing written: %(counts)s.", counts=counts))
    else:
        ctx.flash(ctx._("Imported: %(counts)s.", counts=counts))
    # what the import did to values (a column converted from its header's unit, a target
    # that looks like a ratio typed for a percentage): the counts alone hide it
    zh = ctx.lang.startswith("zh")
    for note_zh, note_en in report.notes:
        ctx.flash(note_zh if zh else note_en)
    return ctx.redirect("/data")


def _safe_name(filename: str) -> str:
    return re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", Path(filename).name)


def _jobs(ctx: PageContext) -> jobs.ImportJobs:
    return jobs.ImportJobs(_reports_dir(ctx) / "jobs")


class ImportJobView(BaseModel):
    """A background import as its owner sees it."""

    job: jobs.ImportJob
    entity_label: str
    stage: str
    error: str | None
    refresh_seconds: int | None = Field(
        description="While the job runs, the page reloads itself after this many seconds."
    )


@page(
    router,
    "/data/imports/{job_id}",
    api="/data/imports/{job_id}",
    template="exchange/import_job.html",
    domain="overview",
    example={"path": {"job_id": "0" * 32}},
)
def import_job_page(ctx: PageContext, job_id: str) -> ImportJobView:
    """A background import: its stage and progress while it runs; when it ends, whether the
    data is in (and when) or why nothing was written."""
    assert ctx.principal is not None
    job = _jobs(ctx).get(job_id, ctx.principal)
    zh = ctx.lang.startswith("zh")
    spec = ENTITIES.get(job.entity)
    label = (spec.zh if zh else spec.en) if spec else job.entity
    error = (job.error_zh if zh else job.error_en) if job.error_zh else None
    return ImportJobView(
        job=job,
        entity_label=label,
        stage=job.stage_zh if zh else job.stage_en,
        error=error,
        refresh_seconds=None if job.finished else 2,
    )


def _attachment(data: bytes, disposition: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _named(ctx: PageContext, what: str, code: str, suffix: str) -> tuple[str, str]:
    """A download's name, what_whose_when (「园区_全市_2024-01-15.xlsx」: whose rows it holds
    and the city's day it was made on), its ``Content-Disposition`` with an ASCII twin
    (``parks_city_2024-01-15.xlsx``) and its stem (the workbook's title)."""
    from gaodi.accounts.service import scope_names_of
    from gaodi.core import clock

    assert ctx.principal is not None
    today = clock.today().isoformat()
    zh = ctx.lang.startswith("zh")
    scope = download.scope_label(ctx.principal, zh, scope_names_of(ctx.session))
    name = download.file_name([what, scope, today], suffix)
    plain = download.ascii_name([code, download.scope_code(ctx.principal), today], suffix)
    return download.attachment(name, plain), name.removesuffix(f".{suffix}")


def _template_download(
    entity: str,
    ctx: PageContext = Depends(context_dependency(Access("overview", "read"))),
) -> Response:
    spec = ENTITIES.get(entity)
    if spec is None or not (ctx.can("read", spec.domain)
                            or ctx.can(spec.import_action, spec.domain)):  # fmt: skip
        raise NotFoundError("没有这种数据。", "No such kind of data.")
    assert ctx.principal is not None
    zh = ctx.lang.startswith("zh")
    what = f"{spec.zh}导入模板" if zh else f"{spec.en[:1].upper()}{spec.en[1:]} import template"
    disposition, title = _named(ctx, what, f"{entity}-template", "xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        path = service.template(entity, Path(tmp) / f"{entity}.xlsx", lang=ctx.lang,
                                engine=ctx.session.get_bind().engine,
                                principal=ctx.principal, title=title)  # fmt: skip
        data = path.read_bytes()
    return _attachment(data, disposition, XLSX)


def _export_download(
    entity: str,
    fmt: Literal["xlsx", "csv"] = Query("xlsx", alias="format"),
    ctx: PageContext = Depends(context_dependency(Access("overview", "read"))),
) -> Response:
    spec = ENTITIES.get(entity)
    if spec is None or not ctx.can("read", spec.domain):
        raise NotFoundError("没有这种数据。", "No such kind of data.")
    if fmt == "csv" and len(spec.sheets) > 1:
        fmt = "xlsx"  # a CSV holds one sheet
    assert ctx.principal is not None
    label = spec.zh if ctx.lang.startswith("zh") else spec.en
    disposition, title = _named(ctx, label, entity, fmt)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{entity}.{fmt}"
        service.export(ctx.session.get_bind().engine, entity, path, principal=ctx.principal,
                       title=title, lang=ctx.lang)  # fmt: skip
        data = path.read_bytes()
    media = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    return _attachment(data, disposition, media)


def _report_download(
    report: str,
    ctx: PageContext = Depends(context_dependency(Access("overview", "read"))),
) -> Response:
    owner = _reports_dir(ctx) / f"{report}.owner"
    path = _reports_dir(ctx) / f"{report}.xlsx"
    assert ctx.principal is not None
    if (not _REPORT_RE.match(report) or not path.exists() or not owner.exists()
            or owner.read_text() != ctx.principal.username):  # fmt: skip
        raise NotFoundError("没有这份错误报告。", "No such error report.")
    name = "导入错误报告-import-errors.xlsx"
    return _attachment(path.read_bytes(), download.attachment(name, "import-errors.xlsx"), XLSX)


for route, endpoint, name, example in (
    ("/data/template/{entity}.xlsx", _template_download, "data_template", {"entity": "parks"}),
    ("/data/export/{entity}", _export_download, "data_export", {"entity": "parks"}),
    ("/data/errors/{report}.xlsx", _report_download, "data_errors", {"report": "0" * 32}),
):
    router.add_api_route(
        route, endpoint, methods=["GET"], include_in_schema=False, response_class=Response,
        name=name, openapi_extra=route_extra(Access("overview", "read"), {"path": example}),
    )  # fmt: skip
