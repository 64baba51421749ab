"""The table download's workbook (:func:`gaodi.reports.xlsx.write_table_workbook`) is written
write-only (a row's XML at a time: 30,000 firms took 36 s in a workbook held in memory) and reads
back as the in-memory one did: each cell's value, type and number format, the header's style and
the zone of a column of moments, the fill of a status, empty cells of a formatted column, column
widths, the frozen header, the auto-filter, the 说明 sheet with 示例数据 and the row counts, and
text that looks like a formula or a number stays text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from gaodi.reports.model import Column
from gaodi.reports.xlsx import Sheet, write_table_workbook

COLUMNS = [
    Column("名称"),
    Column("电话"),
    Column("收入", unit="万元", fmt="number"),
    Column("占比", fmt="percent"),
    Column("日期", fmt="date"),
    Column("受理"),
    Column("状态", fmt="status"),
    Column("人数", fmt="int"),
]
LONG = "长" * 300
ROWS = [
    ["=1+1", "+8613800000000", 1234.5, 0.125, dt.date(2024, 1, 15), dt.datetime(2024, 1, 15, 1, 2),
     "red", 12],
    ["0012", None, None, 0.00026, None, None, "green", None],
    [LONG, "-5", 7, None, dt.date(2023, 12, 31), dt.datetime(2023, 12, 31, 20, 0), None, 3],
]  # fmt: skip


def _book(**kwargs: Any) -> bytes:
    data = write_table_workbook(
        [Sheet("企业", COLUMNS, ROWS, **kwargs)],
        [("页面", "/enterprises"), ("空", None)],
        title="企业",
        is_demo=True,
        lang="zh",
        author="demo-admin",
    )
    assert data is not None
    return data


def _cells(sheet: Any) -> list[tuple[Any, ...]]:
    """(coordinate, value, type, number format, fill colour) of every cell that is there."""
    return [
        (c.coordinate, c.value, c.data_type, c.number_format,
         c.fill.fgColor.rgb if c.fill.fill_type else None)
        for row in sheet.iter_rows() for c in row if c.value is not None or c.has_style
    ]  # fmt: skip


def test_the_download_reads_back_as_the_in_memory_workbook_wrote_it() -> None:
    # the expected cells are those the in-memory writer (commit 99f506a0) gave, read back
    book = load_workbook(io.BytesIO(_book()))
    assert book.sheetnames == ["说明", "企业"]
    assert (book.properties.title, book.properties.creator) == ("企业", "demo-admin")
    info, sheet = book.worksheets
    assert _cells(info) == [
        ("A1", "企业", "s", "General", None),
        ("A2", "示例数据：企业及指标数据为系统生成，不是官方统计数据。", "s", "General", None),
        ("A4", "页面", "s", "General", None),
        ("B4", "/enterprises", "s", "General", None),
        ("A5", "空", "s", "General", None),
        ("A7", "工作表", "s", "General", None),
        ("B7", "行数", "s", "General", None),
        ("A8", "企业", "s", "General", None),
        ("B8", 3, "n", "General", None),  # the rows counted before the 说明 was written
    ]
    assert info["A1"].font.b and info["A1"].font.sz == 14
    assert info["A2"].font.b and info["A2"].font.color.rgb == "00C8102E"
    assert info["A7"].font.b and info["B7"].font.b and not info["A8"].font.b
    assert (info.column_dimensions["A"].width, info.column_dimensions["B"].width) == (34, 60)
    moment = "yyyy-mm-dd hh:mm"
    assert _cells(sheet) == [
        ("A1", "名称", "s", "General", "00E8ECF2"),
        ("B1", "电话", "s", "General", "00E8ECF2"),
        ("C1", "收入（万元）", "s", "General", "00E8ECF2"),
        ("D1", "占比", "s", "General", "00E8ECF2"),
        ("E1", "日期", "s", "General", "00E8ECF2"),
        ("F1", "受理（北京时间）", "s", "General", "00E8ECF2"),  # known only after the rows
        ("G1", "状态", "s", "General", "00E8ECF2"),
        ("H1", "人数", "s", "General", "00E8ECF2"),
        ("A2", "=1+1", "s", "General", None),
        ("B2", "+8613800000000", "s", "General", None),
        ("C2", 1234.5, "n", "#,##0.00", None),
        ("D2", 0.125, "n", "0.0%", None),
        ("E2", dt.datetime(2024, 1, 15), "d", "yyyy-mm-dd", None),
        ("F2", dt.datetime(2024, 1, 15, 9, 2), "d", moment, None),
        ("G2", "红", "s", "General", "00FFC7CE"),
        ("H2", 12, "n", "#,##0", None),
        ("A3", "0012", "s", "General", None),
        ("C3", None, "n", "#,##0.00", None),
        ("D3", 0.00026, "n", "0.000%", None),
        ("E3", None, "n", "yyyy-mm-dd", None),
        ("G3", "绿", "s", "General", "00C6EFCE"),
        ("H3", None, "n", "#,##0", None),
        ("A4", LONG, "s", "General", None),
        ("B4", "-5", "s", "General", None),
        ("C4", 7, "n", "#,##0.00", None),
        ("D4", None, "n", "0.0%", None),
        ("E4", dt.datetime(2023, 12, 31), "d", "yyyy-mm-dd", None),
        ("F4", dt.datetime(2024, 1, 1, 4, 0), "d", moment, None),
        ("H4", 3, "n", "#,##0", None),
    ]
    head = sheet["A1"]
    assert head.font.b and head.alignment.wrap_text and head.alignment.horizontal == "center"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths == {"A": 60, "B": 17.4, "C": 14, "D": 10, "E": 10, "F": 19.6, "G": 10, "H": 10}
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H4"
    assert not sheet.merged_cells.ranges


def test_the_workbook_is_written_write_only(monkeypatch: Any) -> None:
    from gaodi.reports import xlsx

    asked: list[bool] = []

    def new_workbook(write_only: bool = False, **kwargs: Any) -> Any:
        asked.append(write_only)
        return xlsx_new_workbook(write_only, **kwargs)

    xlsx_new_workbook = xlsx.new_workbook
    monkeypatch.setattr(xlsx, "new_workbook", new_workbook)
    with zipfile.ZipFile(io.BytesIO(_book())) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert asked == [True]
    # a sheet held in memory states its extent (<dimension ref="A1:H4"/>); one written row by
    # row does not know it when its top is written
    assert "<dimension" not in xml
    assert '<c r="A2" t="inlineStr"><is><t>=1+1</t></is></c>' in xml and "<f>" not in xml


def test_a_figure_of_a_column_of_words_keeps_its_own_format() -> None:
    sheet = load_workbook(io.BytesIO(_book(cell_formats={(0, 1): "0.0", (1, 2): "0.000"})))
    table = sheet.worksheets[1]
    assert table["B2"].value == "+8613800000000" and table["B2"].data_type == "s"
    assert table["B2"].number_format == "0.0"
    assert table["C3"].value is None and table["C3"].number_format == "0.000"
    assert table["C2"].number_format == "#,##0.00"
