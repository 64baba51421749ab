"""The error report of an import (``--report errors.xlsx``): one row per bad cell."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Font

from gaodi.core.errors import CellError
from gaodi.core.excel import new_workbook
from gaodi.core.text_safety import csv_cell
from gaodi.exchange.importer import ImportReport

ERROR_HEADER = ("工作表 sheet", "行号 row", "列 column", "值 value", "原因", "reason")


def write_report(
    path: str | Path, errors: Sequence[CellError], report: ImportReport | None = None
) -> Path:
    """Write ``errors`` (and, after a successful import, its counts) to ``path`` (.xlsx/.csv)."""
    p = Path(path)
    rows = [
        [
            e.sheet,
            e.row,
            e.column,
            "" if e.value is None else str(e.value),
            e.reason_zh,
            e.reason_en,
        ]
        for e in errors
    ]
    if p.suffix.lower() == ".csv":
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(ERROR_HEADER)
            writer.writerows([[csv_cell(v) for v in row] for row in rows])
        return p
    wb = new_workbook()
    ws = wb.active
    ws.title = "错误 errors"
    ws.append(ERROR_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (22, 8, 26, 24, 50, 50), strict=True):
        ws.column_dimensions[letter].width = width
    summary = wb.create_sheet("结果 result")
    summary.append(["项目 item", "值 value"])
    if report is None:
        summary.append(
            [
                "结果 outcome",
                f"导入被拒绝，未写入任何数据 (rejected: nothing written); "
                f"{len(errors)} 处错误 (errors)",
            ]
        )
    else:
        for key, value in report.to_dict().items():
            if key != "sheets":
                summary.append([key, str(value)])
        for sheet, counts in report.sheets.items():
            summary.append(
                [
                    f"{sheet}: created/updated/unchanged",
                    f"{counts.created}/{counts.updated}/{counts.unchanged}",
                ]
            )
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 80
    wb.save(p)
    return p
