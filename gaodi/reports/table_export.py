"""The "导出 Excel" button of every table: ``GET /export/table/<page>?<its query>&xlsx_table=N``.

The route renders the page again inside the app — the same path and query (so the same
filters), the caller's own cookie or API token (so the same sign-in, role and scope: a park
office cannot export what its page would not show it) — and writes the page's N-th
``<table class="table">`` (counted in document order, as ``static/js/tables.js`` counts them
when it puts the button beside each table) through
:func:`gaodi.reports.xlsx.write_table_workbook`: a 说明 sheet with the page's title, the city's
day, the filters, the page's own as-of/provenance lines, 示例数据 when the page is the demo
city's, then the table with its header row (a unit written under its label in brackets:
「亩均税收（万元/亩）」; a name without the 示例 badge beside it), numbers as numbers ("1,234" →
1234, "12.5%" → 0.125 shown 12.5%, each with the decimals the page gives it: 0.0193 is not
0.02; in a column that mixes words and figures, each figure with its own format),
dates as dates, and every text cell stored as text (``gaodi.core.excel``: a cell beginning
with ``=`` ``+`` ``-`` ``@`` is never a formula).

Pages with a curated workbook (``/export/xlsx/...``, :mod:`gaodi.reports.exports`) keep it: it
writes a paginated list whole and adds columns the page does not show. This route writes
exactly the rows the page shows — for a paginated list, the page being looked at (the 说明
sheet says so when the page has a pager).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gaodi.core import clock
from gaodi.core.errors import GaodiError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import principal_label
from gaodi.reports.lang import Lang
from gaodi.reports.model import Column
from gaodi.reports.table_html import HtmlTable, tables, typed_columns
from gaodi.reports.xlsx import XLSX_MEDIA_TYPE, Sheet, write_table_workbook
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import Access, context_dependency, route_extra

PREFIX = "/export/table"
TABLE_PARAM = "xlsx_table"
ORDER_PARAM = "xlsx_order"  # the rows' first positions in the order the browser shows them
NAME_PARAM = "xlsx_testid"  # the table's data-testid, when it has one: checks the number
#: Parameters of the export or of the browser's own sorting, not of the page.
OWN_PARAMS = frozenset({TABLE_PARAM, ORDER_PARAM, NAME_PARAM, "tsort"})
#: A page larger than this is not a table anyone exports by hand (and not read into memory).
MAX_PAGE_BYTES = 20 * 1024 * 1024
#: Paths that are not pages.
_NOT_PAGES = re.compile(r"^/(api|export|static|assets|login|logout|lang)(/|$)|^/[^/]+/static/")
#: Request headers the page is rendered with: who is asking, in which language.
_FORWARD = frozenset({b"cookie", b"authorization", b"accept-language", b"host", b"user-agent"})

router = APIRouter()
ACCESS = Access(domain=None)  # any signed-in user; the page itself checks its own right


class Refused(GaodiError):
    """The page answered something other than a page (a redirect, an error)."""

    status_code = 400
    code = "not_a_page"


async def _render(request: Request, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
    """The app's answer to ``GET path?query`` by the same caller (status, headers, body)."""
    headers = [(k, v) for k, v in request.scope.get("headers", []) if k.lower() in _FORWARD]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": request.scope.get("asgi", {"version": "3.0"}),
        "http_version": request.scope.get("http_version", "1.1"),
        "method": "GET",
        "scheme": request.scope.get("scheme", "http"),
        "server": request.scope.get("server"),
        "client": request.scope.get("client"),
        "root_path": "",
        "path": path,
        "raw_path": quote(path).encode(),
        "query_string": query.encode(),
        "headers": headers,
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        import anyio

        await anyio.sleep_forever()  # no disconnect: the answer is read whole
        return {"type": "http.disconnect"}  # pragma: no cover

    status = 500
    out_headers: dict[str, str] = {}
    chunks: list[bytes] = []
    size = 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out_headers.update(
                (k.decode("latin-1").lower(), v.decode("latin-1"))
                for k, v in message.get("headers", [])
            )
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))
            # past the limit the rest is dropped; raising here would reach the page's own
            # error handler mid-answer, so the refusal comes once the page has answered
            if size <= MAX_PAGE_BYTES:
                chunks.append(message.get("body", b""))

    await request.app(scope, receive, send)
    if size > MAX_PAGE_BYTES:
        raise ValidationError(
            "页面过大，无法导出，请先筛选。", "The page is too large to export; filter it first."
        )
    return status, out_headers, b"".join(chunks)


def _refused(status: int) -> GaodiError:
    if status == 404:
        return NotFoundError("找不到该页面（或无权查看）。", "No such page (or not yours to see).")
    if status == 403:
        return PermissionDenied("无权查看该页面。", "You may not see this page.")
    if status in (401, 303, 302, 307):
        from gaodi.ui.web.errors import unauthorized

        return unauthorized()
    return Refused(
        f"该页面无法导出（状态 {status}）。", f"This page cannot be exported (status {status})."
    )


def _title(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html, re.S)
    text = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
    import html as htmllib

    return htmllib.unescape(text.split(" · ")[0]) or "Gaodi"


_NOTE = re.compile(
    r"<(p|div|dl|span)\b"
    r'(?=[^>]*(?:class="[^"]*\b(?:asof|provenance)\b|data-testid="provenance"))'
    r"[^>]*>(.*?)</\1>",
    re.S,
)


def _notes(html: str) -> list[str]:
    """The page's own as-of and provenance lines (``.asof``, ``.provenance``, or the line the
    page marks ``data-testid="provenance"``: the 园区 page's 数据年份 · 截至 · 方案)."""
    import html as htmllib

    out = []
    for m in _NOTE.finditer(html):
        text = re.sub(r"<[^>]+>", " ", m.group(2))
        text = " ".join(htmllib.unescape(text).split())
        if text and text not in out:
            out.append(text[:500])
    return out[:10]


def _sheet(table: HtmlTable, name: str) -> Sheet:
    """The table as a sheet; each figure in a column that mixes words and figures has its own
    number format (``Sheet.cell_formats``): the generic writer formats whole columns, and these
    columns hold words too."""
    typed = typed_columns(table)
    columns = [Column(c.label, fmt=c.fmt) for c in typed]  # type: ignore[arg-type]
    rows = [[c.values[r] for c in typed] for r in range(len(table.rows))]
    formats = {
        (r, i): f for i, c in enumerate(typed) for r, f in enumerate(c.formats) if f is not None
    }
    return Sheet(name, columns, rows, cell_formats=formats)


def _reorder(table: HtmlTable, order: str | None) -> bool | None:
    """Put ``table``'s rows in the order the browser showed them: ``order`` lists each shown
    row's first position ("2,0,1"). None: no order given; False: it does not fit the rows
    (the data changed), nothing moved."""
    if not order:
        return None
    parts = order.split(",")
    if len(parts) != len(table.rows) or not all(p.isdigit() and len(p) < 7 for p in parts):
        return False
    positions = [int(p) for p in parts]
    if sorted(positions) != list(range(len(table.rows))):
        return False
    table.rows = [table.rows[i] for i in positions]
    return True


@router.get(
    PREFIX + "/{page_path:path}",
    include_in_schema=False,
    response_class=Response,
    name="export_table",
    openapi_extra=route_extra(ACCESS, {"path": {"page_path": "enterprises"}}),
)
async def export_table(
    request: Request, page_path: str, ctx: PageContext = Depends(context_dependency(ACCESS))
) -> Response:
    """Table ``xlsx_table`` (0 = the first) of the page ``/page_path`` as an Excel workbook."""
    tr = Lang("zh" if ctx.lang == "zh" else "en")
    path = "/" + page_path.strip("/")
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in OWN_PARAMS]
    raw = request.query_params.get(TABLE_PARAM, "0")
    if not raw.isdigit() or len(raw) > 4:
        raise ValidationError(
            f"表格序号无效：{raw[:20]}", f"Not a table number: {raw[:20]}", field=TABLE_PARAM
        )
    index = int(raw)
    if _NOT_PAGES.search(path):
        raise NotFoundError("找不到该页面。", "No such page.")
    query = urlencode(params)
    status, headers, body = await _render(request, path, query)
    for _hop in range(2):  # a page that forwards (/plans → /plans/board) is followed on-site
        target = urlsplit(headers.get("location", ""))
        if status not in (302, 303, 307) or target.netloc or not target.path.startswith("/"):
            break
        if _NOT_PAGES.search(target.path):
            break
        path, query = target.path, target.query
        status, headers, body = await _render(request, path, query)
    if status != 200 or not headers.get("content-type", "").startswith("text/html"):
        raise _refused(status)
    html = body.decode("utf-8", errors="replace")
    found = tables(html)
    wanted = request.query_params.get(NAME_PARAM)
    if wanted and (index >= len(found) or found[index].testid != wanted):
        # the browser counted a table the page's own answer does not have at that place (one
        # added after loading): the table's name decides
        named = [i for i, t in enumerate(found) if t.testid == wanted]
        index = named[0] if named else len(found)
    if index >= len(found) or not found[index].header:
        raise NotFoundError(
            f"该页面没有第 {index + 1} 个表格。", f"This page has no table number {index + 1}."
        )
    table = found[index]
    reordered = _reorder(table, request.query_params.get(ORDER_PARAM))
    title = _title(html)
    paged = bool(re.search(r'class="[^"]*\b(pager|act-pager)\b', html))
    lines: list[tuple[str, Any]] = [
        (tr("页面", "Page"), path + (f"?{query}" if query else "")),
        (tr("筛选", "Filters"), "; ".join(f"{k}={v}" for k, v in params) or tr("无", "none")),
        (tr("城市当前日期", "The city's day"), clock.today().isoformat()),
        *((tr("页面说明", "On the page"), note) for note in _notes(html)),
    ]
    if reordered is not None:
        lines.append(
            (
                tr("行序", "Row order"),
                tr("按页面上选定的排序。", "As sorted on the page.")
                if reordered
                else tr(
                    "页面数据已变化，按页面原始顺序导出（未按所选排序）。",
                    "The page's rows changed since it was sorted: written in the page's own "
                    "order, not the order chosen.",
                ),
            )
        )
    if paged:
        lines.append(
            (
                tr("范围", "Rows"),
                tr(
                    "本表为页面所示的一页；整表请用页面顶部的“导出 Excel”或翻页后分别导出。",
                    "The page shown (one page of a paginated list); the page's own export "
                    "writes the whole list.",
                ),
            )
        )
    # the city's wall time with its zone, as the page's own export and `gaodi export` stamp
    # it (this one said UTC beside their 北京时间)
    now = clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")
    zone = tr(f"（{clock.zone_label(True)}）", f" ({clock.zone_label(False)})")
    lines.append((tr("导出时间", "Exported at"), now + zone))
    lines.append((tr("导出人", "Exported by"), principal_label(ctx.principal, tr.zh)))
    is_demo = 'data-testid="demo-banner"' in html
    name = title[:24] + (f" {index + 1}" if index else "")
    sheet = _sheet(table, name)
    author = principal_label(ctx.principal, ctx.lang == "zh")
    data = write_table_workbook(
        [sheet], lines, title=title, is_demo=is_demo, lang=ctx.lang, author=author
    )
    assert data is not None
    return Response(
        data,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": _disposition(ctx, path, params, title, index)},
    )


#: Query parameters that say the period a page's figures are of (its file name says it); the
#: projects, appeals and challenges pages take their day as ``as_of_day``.
PERIOD_PARAMS = ("as_of", "as_of_day", "period", "year", "known_on")


def _disposition(
    ctx: PageContext, path: str, params: list[tuple[str, str]], title: str, index: int
) -> str:
    """The file's name: the page's title (and the table's number after the first), whose data
    (全市 or the scope's name) and of when (the page's period, else the city's day)."""
    from gaodi.reports import download

    zh = ctx.lang == "zh"
    when = [v for k, v in params if k in PERIOD_PARAMS and re.fullmatch(r"[\d-]{4,10}", v)]
    when = when or [clock.today().isoformat()]
    table = (f"表{index + 1}" if zh else f"table {index + 1}") if index else None
    scope = download.scope_label(ctx.session, ctx.principal, zh)
    name = download.file_name([title, table, scope, *when], "xlsx")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.strip("/")).strip("-") or "page"
    plain = download.ascii_name(
        [f"{stem}-{index + 1}", download.scope_code(ctx.principal), *when], "xlsx"
    )
    return download.attachment(name, plain)
