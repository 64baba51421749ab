"""The board as an Excel workbook (``gaodi plan status --format xlsx``): one sheet of targets
(each light with its reason, each forecast with its interval or the note saying why it has
none), one of provenance. The board page's download is :mod:`gaodi.reports.export_tables`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gaodi.core.excel import new_workbook
from gaodi.plans import provenance_words as words
from gaodi.plans.schemas import Board

FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "at_risk": PatternFill("solid", fgColor="F8CBAD"),
    "not_due": PatternFill("solid", fgColor="DDEBF7"),
}
STATUS_ZH = {
    "green": "绿",
    "yellow": "黄",
    "red": "红",
    "not_due": "未到期",
    "at_risk": "有风险",
    "no_data": "无数据",
    "invalid": "无效",
}
COLUMNS = (
    ("行动", "action"),
    ("指标", "indicator"),
    ("指标代码", "code"),
    ("责任单位", "owner"),
    ("单位", "unit"),
    ("期间", "window"),
    ("比较", "comparator"),
    ("目标值", "target"),
    ("基期值", "baseline"),
    ("实际值", "actual"),
    ("实际值期间", "actual_period"),
    ("完成率", "completion"),
    ("序时进度", "time_progress"),
    ("序时目标值", "expected_value"),
    ("差距", "gap"),
    ("状态", "status"),
    ("预测值", "forecast"),
    ("预测下限", "forecast_lower"),
    ("预测上限", "forecast_upper"),
    ("达成概率", "probability"),
    ("逾期未报期间", "overdue"),
    ("状态说明", "reason"),
    ("Reason", "reason (English)"),
    ("预测说明", "forecast note"),
    ("Forecast note", "forecast note (English)"),
)

#: Column widths in characters, by COLUMNS: names and reasons wide, figures narrow.
WIDTHS = (28, 24, 20, 20, 8, 11, 8, 11, 11, 11, 11, 10, 10, 11, 11, 8, 11, 11, 11, 10, 16,
          48, 48, 36, 36)  # fmt: skip


def board_workbook(board: Board, *, author: str | None = None) -> Workbook:
    """A workbook with the board's rows (traffic lights as fills) and its provenance; its
    properties say what it is and ``author`` (who made it)."""
    wb = new_workbook(title="行动计划看板", author=author)
    ws = wb.active
    assert ws is not None
    ws.title = "看板 board"
    ws.append([f"{zh}\n{en}" for zh, en in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # the two-line header stays in view while 30-odd targets scroll, and each column is wide
    # enough for its words (Excel's default 8.4 characters cut every name and reason)
    ws.freeze_panes = "A2"
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    number = ws.max_row  # the header's; then counted (max_row scans every cell: n² in rows)
    for action in board.actions:
        for r in action.rows:
            number += 1
            ws.append(
                [
                    f"{action.number or ''} {action.title}".strip(),
                    r.indicator_name,
                    r.indicator_code,
                    r.owner,
                    r.unit,
                    r.window,
                    r.comparator,
                    r.target,
                    r.baseline,
                    r.actual,
                    r.actual_period,
                    r.completion,
                    r.time_progress,
                    r.expected_value,
                    r.gap,
                    STATUS_ZH.get(r.status, r.status),
                    r.forecast,
                    r.forecast_lower,
                    r.forecast_upper,
                    r.probability,
                    "、".join(r.overdue_periods),
                    r.reason_zh,
                    r.reason_en,
                    r.forecast_note_zh or None,
                    r.forecast_note_en or None,
                ]
            )
            row = number
            fill = FILLS.get(r.status)
            if fill is not None:
                ws.cell(row=row, column=16).fill = fill
            for col in (12, 13, 20):
                ws.cell(row=row, column=col).number_format = "0.0%"
    info = wb.create_sheet("来源 provenance")
    p = board.provenance
    for key, value in (
        ("计划 plan", board.plan_title),
        ("截至 as of", board.as_of),
        # the city's wall-clock time with its zone, as the page and the monthly report say it
        ("数据截至 data as of", p.data_as_of_words("zh")),
        ("红黄绿灯规则版本 rules version", p.rules_version),
        ("合理性校验规则版本 plausibility version", p.plausibility_version),
        ("观测值数 observations", p.n_observations),
        ("其中未审核 not yet approved", p.n_unapproved),
        # the engine's parameters in words, as the page's download and the monthly report say
        # them (the sheet had "参数 forecast_method | linear")
        ("评价所用数据 values used", _both(words.statuses_words, p.parameters)),
        ("预测方法 forecast", _both(words.forecast_words, p.parameters)),
    ):
        info.append([key, value])
    for v in p.set_aside:
        info.append(["未计入的无效值 value left out", f"{v.reason_zh} {v.reason_en}"])
    return wb


def _both(say: Callable[[Mapping[str, Any], words.Tr], str], params: Mapping[str, Any]) -> str:
    """A phrase in Chinese then English, as the sheet's labels are written."""
    return f"{say(params, words.ZH)} / {say(params, words.EN)}"
