"""The per-table export of the 园区 page on the small demo city writes each figure as the page
shows it (a share of 0.0193 keeps its four decimals, not 0.02), each park by its name without
the 示例 badge's text, each unit in brackets as every other export writes it
(「亩均税收（万元/亩）」), and the page's own 数据年份 line in its 说明 sheet."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from gaodi.reports.table_html import tables, typed_columns
from tests.reports.test_views import site  # noqa: F401  (the demo city's app, module-wide)


def test_the_parks_table_keeps_the_pages_figures_names_and_units(site: Any) -> None:  # noqa: F811
    client, _ = site.client("ana")
    page = client.get("/parks", params={"scheme": "default", "year": 2023})
    assert page.status_code == 200
    data = client.get("/api/v1/parks", params={"scheme": "default", "year": 2023}).json()
    result = data["result"]
    r = client.get(
        "/export/table/parks", params={"scheme": "default", "year": 2023, "xlsx_table": 0}
    )
    assert r.status_code == 200, r.text[:300]
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    assert "亩均税收（万元/亩）" in header, header
    assert not any(" 万元" in str(h) for h in header)
    ratio = next(i for i in result["indicators"] if i["unit"] == "ratio")
    column = next(n for n, h in enumerate(header) if str(h).startswith(ratio["label_zh"]))
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    # every park by its name as the page writes it, without 示例
    assert set(by_name) == {p["short_name"] or p["name"] for p in result["parks"]}
    assert not any("示例" in str(n) for n in by_name)
    for park in result["parks"]:
        value = park["values"].get(ratio["id"])
        if value is None:
            continue
        cell = by_name[park["short_name"] or park["name"]][column]
        assert cell.value == round(value, 4)
        assert cell.number_format == "0.0000"  # 0.0193 shown 0.0193, not 0.02
    about = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert "数据年份 2023" in about["页面说明"]


def test_the_html_reader_puts_units_in_brackets_and_drops_the_badge() -> None:
    html = """<table class="table"><thead><tr><th>园区</th>
      <th class="num">亩均税收<br><span class="muted small">万元/亩</span></th>
      <th class="num">R&amp;D share<br><span class="muted small">ratio</span></th></tr></thead>
      <tbody><tr><td><a href="/parks/1">长沙经开区</a> <span class="badge badge-demo">示例</span></td>
      <td class="num">18.56</td><td class="num">0.0193</td></tr>
      <tr><td><span class="badge badge-demo">示例</span></td><td>—</td><td>0.0150</td></tr>
      </tbody></table>"""
    (table,) = tables(html)
    assert table.header == ["园区", "亩均税收（万元/亩）", "R&D share (ratio)"]
    # the badge beside a name is not the name; a cell that says only 示例 keeps it
    assert [r[0] for r in table.rows] == ["长沙经开区", "示例"]
    _, tax, share = typed_columns(table)
    assert share.values == [0.0193, 0.015] and share.formats == ["0.0000", "0.0000"]
    assert tax.formats == ["0.00", None]
