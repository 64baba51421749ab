"""Excel workbooks: one generic writer for every table Gaodi shows.

:func:`write_table_workbook` takes sheets (rows as sequences, dicts, objects or a Polars
DataFrame, plus :class:`~gaodi.reports.model.Column` specs) and the provenance, and writes a
workbook whose first sheet, 说明, states the title, the data's as-of date, the rule-set
versions and, for the demo, 示例数据; every table sheet has its units in the headers, number
formats per column (percent, thousands, 亿元), a frozen header row and an auto-filter; a table
without rows says so in words under its header (「无数据：没有符合条件的记录。」).
:class:`XlsxRenderer` writes every table of a :class:`~gaodi.reports.model.Report` so.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gaodi.analytics.chain_text import decimals_for
from gaodi.core import clock
from gaodi.core.excel import new_workbook, text_cell
from gaodi.core.moments import naive_utc
from gaodi.reports.lang import Lang
from gaodi.reports.model import STATUS_FILLS, Column, Report, format_value, number_headings

HEAD_FILL = PatternFill("solid", fgColor="E8ECF2")
NUMBER_FORMATS = {
    "int": "#,##0",
    "number": "#,##0.00",
    "percent": "0.0%",
    "yi": "#,##0.00",
    "date": "yyyy-mm-dd",
}
#: A moment's cell: the city's wall time to the minute, as pages show it.
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
INFO_SHEET = ("说明", "About")
#: What a table without rows says under its header and beside its count in 说明 (a filter that
#: matches nothing, a city with no data yet).
NO_ROWS = ("无数据：没有符合条件的记录。", "No data: no record matches.")
_BAD = re.compile(r"[\[\]:*?/\\]")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One table: ``rows`` are sequences (in column order), dicts or objects (read by each
    column's ``key``), or a Polars DataFrame (by ``key``)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    #: a cell's own number format, by (row of the body from 0, column from 0): a figure in a
    #: column that mixes words and figures
    cell_formats: dict[tuple[int, int], str] | None = None


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD.sub("-", name).strip() or "Sheet"
    base = base[:31]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _values(row: Any, columns: Sequence[Column]) -> list[Any]:
    if isinstance(row, (list, tuple)):
        return list(row)
    if isinstance(row, dict):
        return [row.get(c.key or c.label) for c in columns]
    return [getattr(row, c.key or "", None) for c in columns]


def _rows(sheet: Sheet) -> Iterable[list[Any]]:
    rows = sheet.rows
    if hasattr(rows, "iter_rows") and hasattr(rows, "columns"):  # a Polars DataFrame
        return (_values(r, sheet.columns) for r in rows.iter_rows(named=True))
    return (_values(r, sheet.columns) for r in rows)


def _cell_value(value: Any, column: Column, lang: str) -> Any:
    """What the cell holds: numbers stay numbers (亿元 converted from 万元), labels as text, a
    moment the city's wall time (a stored moment is naive UTC; the sheet's header names the
    zone, see :func:`_zoned_header`)."""
    if value is None:
        return None
    if column.fmt in ("int", "number", "percent"):
        return float(value) if not isinstance(value, int) else value
    if column.fmt == "yi":
        return float(value) / 10000
    if column.fmt == "status":
        return format_value(value, column, lang)
    if column.fmt == "date":  # a moment in a date column: the city's date of it
        return clock.local_date(naive_utc(value)) if isinstance(value, dt.datetime) else value
    if isinstance(value, (list, tuple)):
        return format_value(value, column, lang)
    if isinstance(value, dt.datetime):
        return clock.local(naive_utc(value))
    if isinstance(value, (dt.date, int, float, bool)):
        return value
    return str(value)


def _number_format(fmt: str, value: Any, significant: int | None = None) -> str:
    """The cell's number format: a share below 0.1% keeps two significant digits (0.0026%,
    not 0.0%), as the pages write it (:func:`gaodi.analytics.chain_text.share_pct`); a column
    of board figures (``significant``) shows two decimals and up to four where the figure has
    them (0.3645 beside a target of 0.36, not 0.36 beside 0.36)."""
    if fmt == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "0." + "0" * decimals_for(100 * value, 1) + "%"
    if fmt == "number" and significant:
        return NUMBER_FORMATS[fmt] + "##"
    return NUMBER_FORMATS[fmt]


def _zoned_header(header: str, lang: str) -> str:
    """A header of a column of moments, naming the zone its wall times are in (a spreadsheet
    cell holds no zone): 受理时间（北京时间）, Received (Beijing time).

    >>> _zoned_header("受理时间", "zh"), _zoned_header("Received", "en")
    ('受理时间（北京时间）', 'Received (Beijing time)')
    """
    zh = lang == "zh"
    zone = clock.zone_label(zh)
    return f"{header}（{zone}）" if zh else f"{header} ({zone})"


def _width(text: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


@dataclass
class _Table:
    """A sheet made ready to be written in order: a write-only sheet takes its rows one by one,
    and its header (the zone of a column of moments) and column widths depend on the rows."""

    headers: list[str]
    widths: list[float]
    rows: list[list[Any]]  # each cell a value, or a styled ``WriteOnlyCell``
    formats: list[list[str | None]]  # each row's number formats, by column


def _prepared(sheet: Sheet, lang: str, ws: Any) -> _Table:
    """The sheet's cells, each row's number formats (a percent's decimals by its value, a moment
    its wall-time format, a figure in a column of words its own, ``sheet.cell_formats``), the
    fill of a status, the header naming the zone of a column of moments and the widths the
    headers and the first 200 rows want."""
    columns = list(sheet.columns)
    headers = [c.header(lang) for c in columns]
    widths = [_width(h) for h in headers]
    overrides = sheet.cell_formats or {}
    moments: set[int] = set()  # the columns holding a moment: their headers name the zone
    rows: list[list[Any]] = []
    formats: list[list[str | None]] = []
    styles: dict[tuple[str, str], Any] = {}

    def styled(value: Any, *, fill: str = "", number_format: str = "") -> Any:
        """A cell holding ``value`` with a status's fill or a number format: its style copied
        from the first such cell (setting a fill or a format looks it up in the workbook's
        styles, a tenth of the sheet's time when done per cell)."""
        model = styles.get((fill, number_format))
        if model is None:
            model = styles[fill, number_format] = text_cell(ws, None)
            if fill:
                model.fill = PatternFill("solid", fgColor=STATUS_FILLS[fill])
            if number_format:
                model.number_format = number_format
        cell = text_cell(ws, value)
        cell._style = copy(model._style)
        return cell

    for n, values in enumerate(_rows(sheet)):
        cells = [_cell_value(v, c, lang) for v, c in zip(values, columns, strict=True)]
        row_formats: list[str | None] = [None] * len(columns)
        for i, (column, raw) in enumerate(zip(columns, values, strict=True)):
            value = cells[i]
            fmt: str | None = None
            if isinstance(value, dt.datetime):
                moments.add(i)
                fmt = MOMENT_FORMAT
            elif column.fmt in NUMBER_FORMATS:
                fmt = _number_format(column.fmt, value, column.significant)
            fmt = overrides.get((n, i), fmt)
            if column.fmt == "status" and str(raw) in STATUS_FILLS:
                cells[i] = styled(value, fill=str(raw), number_format=fmt or "")
            elif value is None and fmt is not None:
                # an empty cell of a formatted column keeps the column's format, as before
                cells[i] = styled(None, number_format=fmt)
            row_formats[i] = fmt
            if n < 200 and column.fmt in ("text", "status"):
                widths[i] = max(widths[i], _width(format_value(raw, column, lang)))
        rows.append(cells)
        formats.append(row_formats)
    for i in moments:
        headers[i] = _zoned_header(headers[i], lang)
        widths[i] = max(widths[i], _width(headers[i]))
    return _Table(headers, widths, rows, formats)


def _styled(ws: Any, value: Any, **style: Any) -> Any:
    cell = text_cell(ws, value)
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def write_table_workbook(
    sheets: Sequence[Sheet],
    provenance: Sequence[tuple[str, Any]],
    path: Path | IO[bytes] | None = None,
    *,
    title: str,
    is_demo: bool,
    lang: str = "zh",
    author: str | None = None,
) -> bytes | None:
    """Write the workbook to ``path`` (a file name or binary file); with ``path=None`` return
    its bytes. Its document properties say ``title``, ``author`` (else Gaodi) and the city's
    now (:func:`gaodi.core.excel.new_workbook`).

    The workbook is write-only (a row's XML written as it comes, see
    :class:`gaodi.core.excel.InertWriteOnlyWorksheet`): a download of 30,000 firms took 36 s
    in a workbook held in memory. Its sheets are written in order, so every table is read
    first (at most the 100,000 rows a page shows): its headers and widths, and the 说明's row
    counts, depend on its rows."""
    tr = Lang(lang)
    wb = new_workbook(write_only=True, title=title, author=author)
    taken: set[str] = set()
    info = wb.create_sheet(_sheet_name(tr(*INFO_SHEET), taken))
    tables = []
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.name, taken))
        tables.append((ws, _prepared(sheet, lang, ws)))
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 60
    info.append([_styled(info, title, font=Font(bold=True, size=14))])
    if is_demo:
        label = tr(
            "示例数据：企业及指标数据为系统生成，不是官方统计数据。",
            "Synthetic demo data: the enterprises and figures are generated, "
            "not official statistics.",
        )
        info.append([_styled(info, label, font=Font(bold=True, color="C8102E"))])
    info.append([])
    for label, value in provenance:
        info.append([label, "" if value is None else str(value)])
    info.append([])
    bold = Font(bold=True)
    info.append(
        [
            _styled(info, tr("工作表", "Sheets"), font=bold),
            _styled(info, tr("行数", "Rows"), font=bold),
        ]
    )
    for ws, table in tables:
        info.append([ws.title, len(table.rows), *([] if table.rows else [tr(*NO_ROWS)])])
    head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for ws, table in tables:
        for i, width in enumerate(table.widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width, 8) + 2, 60)
        ws.freeze_panes = "A2"
        if table.headers:
            last = get_column_letter(len(table.headers))
            ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        ws.append(
            [_styled(ws, h, font=bold, fill=HEAD_FILL, alignment=head_align) for h in table.headers]
        )
        for cells, formats in zip(table.rows, table.formats, strict=True):
            ws.append(cells, number_formats=formats)
        if not table.rows:
            # a header alone reads as a broken download: the sheet says it holds nothing
            ws.append([_styled(ws, tr(*NO_ROWS), font=Font(italic=True, color="666666"))])
    if path is None:
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
    wb.save(path if not isinstance(path, Path) else str(path))
    return None


class XlsxRenderer:
    """Report -> .xlsx: a 说明 sheet (provenance) and one sheet per table of the report."""

    format = "xlsx"
    suffix = ".xlsx"

    def render(self, report: Report, path: Path) -> Path:
        number_headings(report)
        tr = Lang(report.lang)
        sheets = [
            Sheet(t.sheet or f"{tr('表', 'Table ')}{t.number} {t.caption}", t.columns, t.rows)
            for t in report.tables
        ]
        provenance = [(tr("报告", "Report"), report.subtitle), *report.provenance]
        write_table_workbook(
            sheets,
            provenance,
            path,
            title=report.title,
            is_demo=report.is_demo,
            lang=report.lang,
            author=report.author or None,
        )
        return path
