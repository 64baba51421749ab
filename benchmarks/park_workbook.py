"""The 园区 page's 「下载 Excel」 (parks.xlsx) firm sheet against the way it was written before,
in the same run.

Run::

    .venv/bin/python benchmarks/park_workbook.py [--sizes 500,1000,2000,5177] [--old-max 2000]

For each size, a sheet of that many firms with 17 numeric columns (the firm sheet's shape) is
written by :func:`gaodi.parks.export._sheet` as it is now (each appended row's number counted)
and as it was (``ws.cell(ws.max_row, col)`` for every cell: ``max_row`` scans every cell written
so far, so the sheet grew with the square of its rows; run up to ``--old-max`` rows only).
Prints the CPU seconds of each and the ratio before/now. Machines here are shared: quote the
ratios. Results and the command: docs/benchmarks/exports.md.
"""

from __future__ import annotations

import argparse
import platform
from typing import Any

from openpyxl import Workbook
from timing import cpu_seconds

from gaodi.parks.export import _number_format, _sheet

COLUMNS = 17
KINDS = ["number"] * COLUMNS


def _old_sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    """The firm sheet's loop before the fix (gaodi/parks/export.py, 2026-12-07 morning)."""
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
        for col, kind in enumerate(KINDS, start=1):
            cell = ws.cell(ws.max_row, col)
            if kind is not None and isinstance(cell.value, (int, float)):
                cell.number_format = _number_format(kind, cell.value)
    return ws


def _rows(n: int) -> list[list[Any]]:
    return [[i * 1.5 + c for c in range(COLUMNS)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5177")
    parser.add_argument("--old-max", type=int, default=2000)
    args = parser.parse_args()
    header = [f"c{i}" for i in range(COLUMNS)]
    print(f"python {platform.python_version()}, {COLUMNS} numeric columns; CPU seconds")
    print("| firms | before | now | before/now |")
    print("|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        rows = _rows(n)
        now = cpu_seconds(_sheet, Workbook(), "企业", header, rows, KINDS)
        if n <= args.old_max:
            before = cpu_seconds(_old_sheet, Workbook(), "企业", header, rows)
            print(f"| {n:,} | {before:.2f} | {now:.2f} | {before / now:.0f}× |")
        else:
            print(f"| {n:,} | (not run) | {now:.2f} | – |")


if __name__ == "__main__":
    main()
