"""The data sheet of ``gaodi export ENTITY file.xlsx`` written row by row as XML text (now)
against openpyxl's cell objects (before), in the same run.

Run::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/xlsx_export.py [--sizes 10000,100000,300000] \\
        [--check-max 100000]

For each size, N synthetic firms in the enterprises sheet's ten columns (USCC, name, region,
park, industry, founding date, scope, products, tags, demo flag: text columns formatted ``@``,
as the export writes them) are written to a write-only workbook and saved:

* **before**: each text value made a ``text_cell`` formatted ``@`` and the row appended through
  openpyxl's own write-only sheet (a ``WriteOnlyCell`` bound per value, an lxml element
  written per cell) — gaodi/core/excel.py and gaodi/exchange/template.py as they were;
* **now**: :func:`gaodi.exchange.template.write_data_sheet`, whose sheet writes each row's XML
  itself.

Up to ``--check-max`` rows, both files are read back with openpyxl and compared cell by cell
(value, type, number format). Prints CPU seconds, the ratio before/now and the file sizes.
Machines here are shared: quote the ratios. Results and the command: docs/benchmarks/exports.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from timing import cpu_seconds

from gaodi.core.excel import _as_text, _clean, new_workbook, text_cell
from gaodi.exchange.exporter import cells
from gaodi.exchange.service import entity
from gaodi.exchange.template import Lists, write_data_sheet

WORDS = "工程机械用钢耐磨研发生产销售技术开发咨询货物进出口纺织丝绸加工智能装备新材料电子信息"


class PerCellSheet(WriteOnlyWorksheet):
    """The write-only sheet as it was: openpyxl's row writer, text kept as text per cell."""

    def append(self, row: Any) -> None:
        super().append([_clean(v) for v in row])

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        for cell in super()._values_to_row(values, row_idx):
            yield _as_text(cell)


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def firms(n: int) -> list[dict[str, Any]]:
    rng = random.Random(46)
    return [
        {
            "uscc": f"91430104MA{i:07d}X",
            "name": _text(rng, 10) + "有限公司",
            "region_code": "430104",
            "park": _text(rng, 8) + "园区",
            "industry_code": f"{3000 + i % 900:04d}",
            "founded": dt.date(1990, 1, 1) + dt.timedelta(days=i % 12000),
            "scope_text": _text(rng, 40),
            "products": _text(rng, 12) if i % 3 else None,
            "tags": [_text(rng, 4), _text(rng, 3)] if i % 4 == 0 else [],
            "is_demo": True,
        }
        for i in range(n)
    ]


def write_before(path: Path, rows: list[dict[str, Any]]) -> None:
    spec = entity("enterprises").sheets[0]
    wb = new_workbook(write_only=True)
    ws = PerCellSheet(parent=wb, title=spec.sheet_name)
    wb._add_sheet(ws)
    ws.append([c.header for c in spec.columns])
    text_cols = [j for j, c in enumerate(spec.columns) if c.number_format == "@"]
    for row in cells(spec, rows):
        for j in text_cols:
            if row[j] is not None:
                cell = text_cell(ws, row[j])
                cell.number_format = "@"
                row[j] = cell
        ws.append(row)
    wb.save(str(path))


def write_now(path: Path, rows: list[dict[str, Any]]) -> None:
    spec = entity("enterprises").sheets[0]
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet(spec.sheet_name)
    ws.append([c.header for c in spec.columns])
    formats = [c.number_format if c.number_format == "@" else None for c in spec.columns]
    for row in cells(spec, rows):
        ws.append(row, formats)
    wb.save(str(path))


def write_now_sheet(path: Path, rows: list[dict[str, Any]]) -> None:
    """The export's own sheet writer (header comments, drop-downs): what `gaodi export` runs."""
    spec = entity("enterprises").sheets[0]
    wb = new_workbook(write_only=True)
    write_data_sheet(wb, spec, cells(spec, rows), Lists())
    wb.save(str(path))


def _cells(path: Path, limit: int) -> Iterator[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    for row in wb.worksheets[0].iter_rows(max_row=limit + 1):
        for c in row:
            yield (c.value, c.data_type, c.number_format)
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--check-max", type=int, default=100000)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, openpyxl {openpyxl.__version__}, 10 columns")
    print(
        "| firms | before (CPU s) | now (CPU s) | before/now | export sheet now (CPU s) |"
        " file before | file now | cells checked |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        before_path, now_path = Path(tmp, "before.xlsx"), Path(tmp, "now.xlsx")
        for n in (int(s) for s in args.sizes.split(",")):
            rows = firms(n)
            before = cpu_seconds(write_before, before_path, rows)
            now = cpu_seconds(write_now, now_path, rows)
            sheet = cpu_seconds(write_now_sheet, Path(tmp, "sheet.xlsx"), rows)
            checked = 0
            if args.check_max:
                limit = min(n, args.check_max)
                pairs = zip(_cells(before_path, limit), _cells(now_path, limit), strict=True)
                for a, b in pairs:
                    assert a == b, (a, b)
                    checked += 1
            sizes = [os.path.getsize(p) / 1e6 for p in (before_path, now_path)]
            print(
                f"| {n:,} | {before:.2f} | {now:.2f} | {before / now:.1f}× | {sheet:.2f} |"
                f" {sizes[0]:.1f} MB | {sizes[1]:.1f} MB | {checked:,} |"
            )


if __name__ == "__main__":
    main()
