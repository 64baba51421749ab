"""The web app's table download (「导出 Excel」 of any table, :func:`write_table_workbook`)
written to a write-only workbook (now) against the workbook held in memory (before), same run.

Run::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/table_xlsx.py [--sizes 1000,30000,100000] \\
        [--check-max 30000]

For each size, a synthetic table of N rows shaped like the 企业 list's (name, code, park,
industry, a status with its fill, whole numbers, figures, shares, a date, a moment, empty cells
and text that looks like a formula, "+86…", "0012") goes through the table download's writer
both ways:

* **before**: ``gaodi/reports/xlsx.py`` of commit 99f506a0 (an in-memory openpyxl workbook,
  each cell's format and fill set on the cell, shared strings), loaded from git;
* **now**: :func:`gaodi.reports.xlsx.write_table_workbook` (a write-only workbook whose sheet
  writes each row's XML itself).

Up to ``--check-max`` rows both files are read back with openpyxl and compared cell by cell
(value, type, number format, font, fill, alignment) with the column widths, frozen panes,
auto-filter, merged cells, sheet names and document properties. Prints CPU seconds and the
ratio before/now. Machines here are shared: quote the ratios. Results: docs/benchmarks/exports.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import openpyxl
from timing import cpu_seconds

from gaodi.reports import xlsx
from gaodi.reports.model import Column

BEFORE = "99f506a0"
WORDS = "工程机械用钢耐磨研发生产销售技术开发咨询货物进出口纺织丝绸加工智能装备新材料电子信息"
COLUMNS = [
    Column("企业"),
    Column("统一社会信用代码"),
    Column("园区"),
    Column("行业"),
    Column("状态", fmt="status"),
    Column("从业人员", unit="人", fmt="int"),
    Column("营业收入", unit="万元", fmt="number"),
    Column("亩均税收", unit="万元/亩", fmt="number", significant=4),
    Column("研发投入占比", fmt="percent"),
    Column("产值", unit="亿元", fmt="yi"),
    Column("成立日期", fmt="date"),
    Column("更新时间"),
    Column("电话"),
]
AWKWARD = ["=1+1", "+8613800000000", "0012", "-3", "@SUM(A1)", " 前后空格 ", "a&b<c>", "x" * 300]


def table(n: int) -> list[list[Any]]:
    rng = random.Random(46)

    def text(k: int) -> str:
        return "".join(rng.choice(WORDS) for _ in range(k))

    rows = []
    for i in range(n):
        rows.append(
            [
                text(10) + "有限公司" if i % 50 else AWKWARD[i // 50 % len(AWKWARD)],
                f"91430104MA{i:07d}X",
                text(6) + "园区",
                text(4),
                ("green", "yellow", "red", None)[i % 4],
                i % 900 if i % 7 else None,
                rng.random() * 100000 if i % 5 else None,
                rng.random() * 50,
                rng.random() / (1 if i % 9 else 2000),
                rng.randint(0, 10**6),
                dt.date(1990, 1, 1) + dt.timedelta(days=i % 12000),
                dt.datetime(2024, 1, 15, 1, 2) + dt.timedelta(minutes=i) if i % 3 else None,
                "+86 731 8888 " + f"{i:04d}" if i % 2 else AWKWARD[i % len(AWKWARD)],
            ]
        )
    return rows


def old_writer() -> Any:
    """``write_table_workbook`` as it was (commit 99f506a0), loaded from git."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:gaodi/reports/xlsx.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    module = types.ModuleType("gaodi_reports_xlsx_before")
    sys.modules[module.__name__] = module
    exec(compile(source, "xlsx_before.py", "exec"), module.__dict__)
    return module.write_table_workbook


def _write(fn: Any, path: Path, rows: list[list[Any]]) -> None:
    provenance = [("页面", "/enterprises"), ("城市当前日期", "2024-01-15"), ("空", None)]
    sheet = xlsx.Sheet("企业", COLUMNS, rows)
    fn([sheet], provenance, path, title="企业", is_demo=True, lang="zh", author="demo-admin")


def _color(c: Any) -> Any:
    if c is None:
        return None
    return c.rgb if isinstance(c.rgb, str) else ("theme", c.theme, c.tint)


def readback(path: Path, limit: int) -> dict[str, Any]:
    """What a user sees of the workbook at ``path`` (its first ``limit`` body rows)."""
    wb = openpyxl.load_workbook(path)
    p = wb.properties
    out: dict[str, Any] = {"props": (p.title, p.creator, p.lastModifiedBy, p.created, p.modified)}
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows(max_row=limit + 1):
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                f, fill, a = c.font, c.fill, c.alignment
                cells.append(
                    (
                        c.coordinate,
                        c.value,
                        c.data_type,
                        c.number_format,
                        (f.b, f.sz, _color(f.color)),
                        (fill.fill_type, _color(fill.fgColor) if fill.fill_type else None),
                        (a.wrap_text, a.vertical, a.horizontal),
                    )
                )
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        merged = sorted(map(str, ws.merged_cells.ranges))
        out[ws.title] = (cells, widths, ws.freeze_panes, ws.auto_filter.ref, merged, ws.max_row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,30000,100000")
    parser.add_argument("--check-max", type=int, default=30000)
    args = parser.parse_args()
    before_fn = old_writer()
    print(f"python {platform.python_version()}, openpyxl {openpyxl.__version__}, 13 columns")
    print("| rows | before (CPU s) | now (CPU s) | before/now | cells compared |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        before_path, now_path = Path(tmp, "before.xlsx"), Path(tmp, "now.xlsx")
        for n in (int(s) for s in args.sizes.split(",")):
            rows = table(n)
            before = cpu_seconds(_write, before_fn, before_path, rows)
            now = cpu_seconds(_write, xlsx.write_table_workbook, now_path, rows)
            checked = 0
            if args.check_max:
                limit = min(n, args.check_max)
                a, b = readback(before_path, limit), readback(now_path, limit)
                assert a.keys() == b.keys(), (a.keys(), b.keys())
                assert a["props"][:3] == b["props"][:3], (a["props"], b["props"])
                for name in list(a)[1:]:
                    assert a[name][1:] == b[name][1:], (name, a[name][1:], b[name][1:])
                    for x, y in zip(a[name][0], b[name][0], strict=True):
                        assert x == y, (name, x, y)
                    checked += len(a[name][0])
            print(f"| {n:,} | {before:.2f} | {now:.2f} | {before / now:.1f}× | {checked:,} |")


if __name__ == "__main__":
    main()
