"""The "导出 Excel" hook: any page's tables as a workbook, with the page's own filters.

A feature registers an export for one of its pages (a function decorated with
:func:`gaodi.ui.web.pages.page`)::

    from gaodi.reports.exports import register_export
    from gaodi.reports.model import Column
    from gaodi.reports.xlsx import Sheet

    register_export(
        chains_page, "/chains", domain="chain",
        sheets=lambda ctx, page: [Sheet("产业链", COLUMNS, page.summary.chains)],
        title=lambda ctx, page: "产业链",
        provenance=lambda ctx, page: [("企业数据年份", page.summary.provenance.year)],
    )

That adds ``GET /export/xlsx/chains`` — the page function runs with the same query and path
parameters behind the same permission check as the page, and its result is written by
:func:`gaodi.reports.xlsx.write_table_workbook` (说明 sheet with the provenance and 示例数据,
units in headers, number formats, frozen header rows). The base layout shows an "导出 Excel"
button on every page that has an export (the template global ``export_url(ctx)``).

Register from a feature's ``views.py``: the app mounts this router (through
``gaodi.reports.api``) after every feature module has been imported. The exports of the
existing pages are in :mod:`gaodi.reports.export_tables`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.routing import compile_path

from gaodi.core.permissions import principal_label
from gaodi.reports.xlsx import XLSX_MEDIA_TYPE, Sheet, write_table_workbook
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import Access, route_extra

PREFIX = "/export/xlsx"
router = APIRouter()

SheetsFn = Callable[[PageContext, Any], Sequence[Sheet]]
TextFn = Callable[[PageContext, Any], str]
ProvenanceFn = Callable[[PageContext, Any], Sequence[tuple[str, Any]]]


@dataclass(frozen=True)
class Export:
    path: str
    regex: re.Pattern[str]
    sheets: SheetsFn
    title: TextFn
    provenance: ProvenanceFn | None
    filename: str


EXPORTS: dict[str, Export] = {}


def _is_demo(ctx: PageContext) -> bool:
    return bool(ctx.is_demo)


def _generated(ctx: PageContext) -> list[tuple[str, Any]]:
    from gaodi.core import clock

    zh = ctx.lang == "zh"
    zone = clock.zone_label(zh)
    now = clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")
    now += f"（{zone}）" if zh else f" ({zone})"
    who = principal_label(ctx.principal, zh)
    return [
        ("页面" if zh else "Page", ctx.full_path.replace(PREFIX, "", 1)),
        ("导出时间" if zh else "Exported at", now),
        ("导出人" if zh else "Exported by", who),
    ]


def _get(obj: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


#: Where a page's result keeps what it is about (a chain's page: the chain) ...
SUBJECTS = ("diagnosis.chain.name", "chain.name", "park.name", "park_name")
#: ... and the month, day or year its figures are of, in this order.
PERIODS = (
    "as_of.day", "as_of", "year", "provenance.year", "summary.provenance.year",
    "diagnosis.provenance.year", "result.year", "report.year",
)  # fmt: skip


def _period(result: Any) -> str | None:
    """The period of the page's figures: its as-of month or day, else its data year."""
    for dotted in PERIODS:
        value = _get(result, dotted)
        if isinstance(value, (str, int, dt.date)) and not isinstance(value, bool):
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
                return text
    return None


def download_parts(ctx: PageContext, title: str, result: Any) -> tuple[list[Any], list[Any]]:
    """The parts of an export's file name (what, whose, of when) and their ASCII twins."""
    from gaodi.core import clock
    from gaodi.reports.download import scope_code, scope_label

    zh = ctx.lang == "zh"
    subject = next((s for s in (_get(result, d) for d in SUBJECTS) if isinstance(s, str)), None)
    period = _period(result)
    known = ctx.request.query_params.get("known_on") if getattr(ctx, "request", None) else None
    known_part = (f"已知{known}" if zh else f"known-{known}") if known else None
    # without a period of its own the file is of the city's day it was exported on
    when = period or clock.today().isoformat()
    scope = scope_label(ctx.session, ctx.principal, zh)
    names = [title, subject, scope if scope != subject else None, when, known_part]
    return names, [scope_code(ctx.principal), when, f"known-{known}" if known else None]


def _disposition(ctx: PageContext, export: Export, title: str, result: Any) -> str:
    from gaodi.reports.download import ascii_name, attachment, file_name

    names, codes = download_parts(ctx, title, result)
    return attachment(file_name(names, "xlsx"), ascii_name([export.filename, *codes], "xlsx"))


def register_export(
    page_fn: Callable[..., Any],
    path: str,
    *,
    domain: str | None,
    sheets: SheetsFn,
    title: TextFn,
    provenance: ProvenanceFn | None = None,
    action: str = "read",
    filename: str | None = None,
    example: dict[str, Any] | None = None,
) -> None:
    """Offer ``page_fn``'s tables (the page at ``path``) as an Excel workbook."""
    spec = getattr(page_fn, "__gaodi_page__", None)
    if spec is None:
        raise TypeError(f"{page_fn!r} is not a page (decorate it with gaodi.ui.web.pages.page)")
    name = filename or (path.strip("/").split("/")[0] or "export")
    export = Export(path, compile_path(path)[0], sheets, title, provenance, name)
    EXPORTS[path] = export
    ctx_name = spec.ctx_name

    def endpoint(**kwargs: Any) -> Response:
        ctx: PageContext = kwargs[ctx_name]
        result = spec.fn(**kwargs)
        rows = list(export.sheets(ctx, result))
        lines = list(export.provenance(ctx, result)) if export.provenance else []
        title = export.title(ctx, result)
        data = write_table_workbook(
            rows,
            [*lines, *_generated(ctx)],
            title=title,
            is_demo=_is_demo(ctx),
            lang=ctx.lang,
            author=principal_label(ctx.principal, ctx.lang == "zh"),
        )
        assert data is not None
        return Response(
            data,
            media_type=XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": _disposition(ctx, export, title, result)},
        )

    endpoint.__signature__ = spec.signature.replace(  # type: ignore[attr-defined]
        return_annotation=Response
    )
    endpoint.__name__ = f"export_{page_fn.__name__}"
    router.add_api_route(
        PREFIX + path,
        endpoint,
        methods=["GET"],
        include_in_schema=False,
        response_class=Response,
        name=f"export_{page_fn.__module__.replace('.', '_')}_{page_fn.__name__}",
        openapi_extra=route_extra(Access(domain, action), example),
    )


def export_url(ctx: PageContext) -> str | None:
    """The Excel export of the page being shown, with its query, or None (template global)."""
    request = getattr(ctx, "request", None)
    if request is None or request.method != "GET":
        return None
    path = request.url.path
    if path.startswith(("/api/", PREFIX)):
        return None
    for export in EXPORTS.values():
        if export.regex.match(path):
            query = request.url.query
            return PREFIX + path + (f"?{query}" if query else "")
    return None


def install_template_global() -> None:
    """Make ``export_url(ctx)`` available to every template (the base layout's button)."""
    from gaodi.ui.web.templating import environment

    environment().globals["export_url"] = export_url
