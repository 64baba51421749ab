"""The report of an import (``--report errors.xlsx``): one row per bad cell, or, after a
successful import, what it did (counts per sheet, values converted), in words."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Font

from gaodi.core.errors import CellError
from gaodi.core.excel import new_workbook
from gaodi.core.text_safety import csv_cell
from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.importer import ImportReport

ERROR_HEADER = ("工作表 sheet", "行号 row", "列 column", "值 value", "原因", "reason")
SUMMARY_HEADER = ("项目 item", "值 value")
_MODES = {"insert": "只新增 insert", "upsert": "新增或更新 upsert"}


def summary_rows(report: ImportReport) -> list[list[str]]:
    """What a successful import did, labelled in Chinese (and English) for a person to read."""
    spec = ENTITIES.get(report.entity)
    sheets = {s.key: s.sheet_name for s in spec.sheets} if spec else {}
    rows = [
        [
            "结果 outcome",
            "试运行，未写入任何数据 (dry run)" if report.dry_run else "导入完成 imported",
        ],
        ["数据 entity", f"{spec.zh} {spec.key}" if spec else report.entity],
        ["文件 file", report.file],
        ["导入方式 mode", _MODES.get(report.mode, report.mode)],
        ["试运行 dry run", "是" if report.dry_run else "否"],
        ["编码 encoding", report.encoding or "—"],
        ["操作人 actor", report.actor],
        ["行数 rows", f"{report.rows:,}"],
        ["新增 created", f"{report.created:,}"],
        ["更新 updated", f"{report.updated:,}"],
        ["未变 unchanged", f"{report.unchanged:,}"],
    ]
    for key, counts in report.sheets.items():
        rows.append(
            [
                f"工作表 {sheets.get(key, key)}",
                f"新增 {counts.created:,}，更新 {counts.updated:,}，未变 {counts.unchanged:,}",
            ]
        )
    for zh, en in report.notes:
        rows.append(["说明 note", f"{zh} {en}"])
    rows.append(["校验值 sha256", report.sha256])
    return rows


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
            if report is not None and not errors:
                # a successful import: the counts (the errors header alone said nothing)
                writer.writerow(SUMMARY_HEADER)
                writer.writerows([[csv_cell(v) for v in r] for r in summary_rows(report)])
                return p
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
    summary.append(list(SUMMARY_HEADER))
    if report is None:
        summary.append(
            [
                "结果 outcome",
                f"导入被拒绝，未写入任何数据 (rejected: nothing written); "
                f"{len(errors)} 处错误 (errors)",
            ]
        )
    else:
        for line in summary_rows(report):
            summary.append(line)
        wb.move_sheet(summary, offset=-1)  # the outcome first: there are no errors to show
        wb.active = 0
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 80
    wb.save(p)
    return p
