"""write_table_workbook on hand-made tables: the 说明 sheet, units in headers, number formats,
frozen header rows, filters, sheet names; rows as lists, dicts, objects or a Polars frame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from openpyxl import load_workbook

from gaodi.reports.model import Column, Report, Table
from gaodi.reports.render import render
from gaodi.reports.xlsx import Sheet, write_table_workbook

COLUMNS = [
    Column("指标", key="name"),
    Column("完成率", fmt="percent", key="completion"),
    Column("产值", unit="亿元", fmt="yi", key="output"),
    Column("企业数", unit="家", fmt="int", key="n"),
    Column("状态", fmt="status", key="status"),
]


@dataclass
class Row:
    name: str
    completion: float
    output: float
    n: int
    status: str


def test_workbook_layout(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    rows = [
        ["智能制造标杆企业数", 0.84, 123456.0, 84, "yellow"],
        ["5G基站数", None, None, None, "x"],
    ]
    write_table_workbook(
        [Sheet("看板", COLUMNS, rows), Sheet("a/b:c*d?[e]" * 3, COLUMNS, [])],
        [("数据截至", "2023-07-05"), ("规则版本", "v1.0")],
        path,
        title="测试",
        is_demo=True,
    )
    wb = load_workbook(path)
    info = wb.worksheets[0]
    assert info.title == "说明"
    texts = [c.value for row in info.iter_rows() for c in row if c.value is not None]
    assert texts[0] == "测试"
    assert any("示例数据" in str(t) for t in texts)
    assert [info.cell(4, 1).value, info.cell(4, 2).value] == ["数据截至", "2023-07-05"]
    assert "规则版本" in texts and "v1.0" in texts
    ws = wb["看板"]
    assert [c.value for c in ws[1]] == ["指标", "完成率", "产值（亿元）", "企业数（家）", "状态"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E3"
    # numbers stay numbers: the share, 万元 shown in 亿元 (123456 / 10000 = 12.3456), counts
    assert ws["B2"].value == 0.84 and ws["B2"].number_format == "0.0%"
    assert ws["C2"].value == 12.3456 and ws["C2"].number_format == "#,##0.00"
    assert ws["D2"].value == 84 and ws["D2"].number_format == "#,##0"
    assert ws["E2"].value == "黄" and ws["E2"].fill.fgColor.rgb.endswith("FFEB9C")
    assert ws["B3"].value is None and ws["E3"].value == "x"
    # a sheet name loses the characters Excel forbids and keeps to 31 characters
    other = wb.worksheets[2].title
    assert len(other) <= 31 and not set(other) & set("[]:*?/\\")


def test_rows_from_dicts_objects_and_frames_agree() -> None:
    import io

    values = {"name": "A", "completion": 0.5, "output": 20000.0, "n": 3, "status": "green"}
    frame = pl.DataFrame([values])
    sheets = [
        Sheet("dicts", COLUMNS, [values]),
        Sheet("objects", COLUMNS, [Row(**values)]),  # type: ignore[arg-type]
        Sheet("frame", COLUMNS, frame),
    ]
    data = write_table_workbook(sheets, [], title="t", is_demo=False, lang="en")
    assert data is not None
    wb = load_workbook(io.BytesIO(data))
    assert wb.worksheets[0].title == "About"
    assert not any("demo" in str(c.value).lower() for r in wb.worksheets[0].iter_rows() for c in r)
    got = [[c.value for c in wb[name][2]] for name in ("dicts", "objects", "frame")]
    assert got[0] == got[1] == got[2] == ["A", 0.5, 2.0, 3, "green"]  # 20000 万元 = 2 亿元


def test_xlsx_renderer_writes_every_table_of_a_report(tmp_path: Path) -> None:
    report = Report(
        "t", "zh", "标题", "2023年6月", "Gaodi", dt.date(2023, 7, 1), False,
        [Table(COLUMNS[:2], [["x", 0.1]], "第一表", sheet="一"), Table(COLUMNS[:2], [], "第二表")],
        provenance=[("数据截至", "2023-07-05")],
    )  # fmt: skip
    path = render(report, "xlsx", tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "一", "表2 第二表"]
    info = [c.value for r in wb["说明"].iter_rows() for c in r if c.value is not None]
    assert "2023年6月" in info and "2023-07-05" in info
