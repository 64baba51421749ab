"""A write-only sheet writes a row's XML itself (gaodi/core/excel.py): read back, every cell is
what openpyxl's per-cell writer gave it — value, type, style — on the values that trip writers.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font

from gaodi.core.excel import new_workbook, text_cell

LONG = "长" * 40000
TRICKY: list[Any] = [
    "=1+1",
    '=HYPERLINK("http://x")',
    "+8613800000000",
    "-1",
    "@SUM(A1)",
    "#N/A",
    "0012",
    "",
    " leading and trailing ",
    "a & b < c > d \"q\" 'q'",
    "line\r\nbreak\rcr\ttab",
    "控制\x01字符\x0b",
    "普通文本",
    LONG,
    None,
    0,
    -7,
    10**20,
    2.5,
    1e-9,
    0.1 + 0.2,
    True,
    False,
    Decimal("1.10"),
    float("nan"),
    dt.date(2023, 6, 1),
    dt.datetime(2024, 1, 15, 9, 30, 5),
]
FORMATS = ["@", None, "0", "#,##0.00########", "yyyy-mm-dd"]


def _per_cell(ws: Any, values: list[Any], fmt: str | None) -> list[Any]:
    """The row as written before: a text cell (with the column's format) for each value."""
    row: list[Any] = []
    for v in values:
        if v is None:
            row.append(None)
            continue
        cell = text_cell(ws, v)
        if fmt is not None:
            cell.number_format = fmt
        row.append(cell)
    return row


def _read(data: bytes) -> list[list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [
        [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                repr(c.font),
                repr(c.fill),
                c.hyperlink.target if c.hyperlink else None,
                c.comment.text if c.comment else None,
            )
            for row in ws.iter_rows()
            for c in row
        ]
        for ws in wb.worksheets
    ]


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _book(fast: bool) -> bytes:
    wb = new_workbook(write_only=True, title="t")
    for fmt in FORMATS:
        ws = wb.create_sheet(f"f {fmt}".replace("#", "n"))
        header = WriteOnlyCell(ws, "=header")
        header.font = Font(bold=True)
        header.comment = Comment("help", "Gaodi")
        link = WriteOnlyCell(ws, "site")
        link.hyperlink = "https://example.org/a?b=1&c=2"
        link.style = "Hyperlink"
        ws.append([header, link, None, "x"])
        for shift in range(3):  # the values in other columns too
            values = TRICKY[shift:] + TRICKY[:shift]
            if fast:
                ws.append(values, [fmt] * len(values))
            else:
                ws.append(_per_cell(ws, values, fmt))
        ws.append([])
        ws.append(v for v in ["after", "an", "empty", "row", 1])
    return _save(wb)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # 1e20 formatted as a date
def test_rows_read_back_as_the_per_cell_writer_wrote_them() -> None:
    assert _read(_book(fast=True)) == _read(_book(fast=False))


def test_tricky_cells_keep_type_text_and_format() -> None:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(TRICKY, ["@"] * len(TRICKY))
    cells = {c.value if c.value != LONG[:32767] else "long": c for c in _row(wb)}
    formula = cells["=1+1"]
    assert (formula.data_type, formula.number_format) == ("s", "@")
    assert cells["0012"].data_type == "s" and cells["+8613800000000"].data_type == "s"
    for text in (" leading and trailing ", "line\r\nbreak\rcr\ttab", "a & b < c > d \"q\" 'q'"):
        assert cells[text].data_type == "s"
    assert "控制字符\n" in cells  # control characters cleaned, a vertical tab a line break
    assert cells["long"].data_type == "s"  # cut to openpyxl's limit on a cell, 32,767
    assert (cells[2.5].data_type, cells[10**20].value) == ("n", 1e20)
    assert cells[True].data_type == "b"


def _row(wb: Workbook) -> list[Any]:
    back = openpyxl.load_workbook(io.BytesIO(_save(wb)))
    return [c for c in next(back.worksheets[0].iter_rows()) if c.value is not None]


def test_a_plain_row_needs_no_formats() -> None:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(["=1+1", 3, None, dt.date(2024, 1, 15)])
    a, b, d = _row(wb)
    assert (a.value, a.data_type, a.number_format) == ("=1+1", "s", "General")
    assert (b.value, b.number_format) == (3, "General")
    assert (d.value, d.number_format) == (dt.datetime(2024, 1, 15), "yyyy-mm-dd")
