"""Excel workbooks for people: the import template, and the shape every export shares.

A data sheet has one header row (Chinese name, unit, English key; ``*`` marks a required
column) frozen at the top, a comment on each header with the column's help, sensible widths,
text format on code columns (so Excel keeps the leading 0 of ``0111`` and does not turn
``2023-06`` into a date), and drop-down lists for coded columns, fed from a hidden sheet
``代码表 lists`` (code lists, and the parks, chains, indicators and plans of the database when
one is given). The ``说明`` sheet lists every column: whether it is required, its type, unit,
allowed values and help, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from gaodi.core.excel import new_workbook as inert_workbook
from gaodi.exchange.schema import CHOICES, Column, EntitySpec, SheetSpec

LISTS_SHEET = "代码表 lists"
INFO_SHEET = "说明"
MAX_ROW = 1048576

TYPE_LABELS = {
    "text": ("文本", "text"),
    "int": ("整数", "whole number"),
    "float": ("数字", "number"),
    "date": ("日期 YYYY-MM-DD", "date YYYY-MM-DD"),
    "bool": ("是/否", "yes/no"),
    "list": ("列表（顿号或分号分隔）", "list (separated by 、 or ;)"),
    "choice": ("代码（从下拉列表选择）", "code (pick from the list)"),
    "period": ("期间 YYYY / YYYY-Qn / YYYY-MM", "period YYYY / YYYY-Qn / YYYY-MM"),
    "month": ("月份 YYYY-MM", "month YYYY-MM"),
    "uscc": ("统一社会信用代码（GB 32100）", "USCC (GB 32100)"),
    "region": ("行政区划代码（GB/T 2260）", "region code (GB/T 2260)"),
    "industry": ("行业代码（GB/T 4754-2017）", "industry code (GB/T 4754-2017)"),
    "industries": ("行业代码列表（GB/T 4754-2017）", "industry codes (GB/T 4754-2017)"),
}
REF_LABELS = {
    "park": ("园区名称（须已在系统中）", "park name (must exist)"),
    "chain": ("产业链代码", "chain code"),
    "link": ("环节代码", "link code"),
    "indicator": (
        "指标代码（须已在系统中）；下拉列表为“代码｜指标名称”，可直接选用，导入时取“｜”前的代码",
        'indicator code (must exist); the list shows "code｜indicator name": pick one, the import'
        ' keeps the code before "｜"',
    ),
    "plan": ("规划名称", "plan title"),
    "action": ("行动编号", "action number"),
    "enterprise": (
        "企业须已在系统中（企业表本身除外）",
        "the enterprise must exist (except in the enterprises sheet)",
    ),
    "scope": ("按“范围”填写", "depends on the scope"),
    "project": ("重大项目名称", "major project name"),
}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class Lists:
    """Values offered in drop-downs: code lists, plus database values by reference kind."""

    refs: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)

    columns: list[list[str]] = field(default_factory=list)

    def prepare(self, wanted: Iterable[str]) -> None:
        """Decide the lists' places (their ranges) before the data sheets refer to them."""
        for j, name in enumerate(sorted(set(wanted))):
            values = (
                [c.zh for c in CHOICES[name[7:]]]
                if name.startswith("choice:")
                else self.refs.get(name[4:], [])
            )
            self.columns.append([name, *values])
            letter = get_column_letter(j + 1)
            self.ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(2, len(values) + 1)}"

    def write(self, wb: Workbook) -> None:
        if not self.columns:
            return
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        for r in range(max(len(c) for c in self.columns)):
            ws.append([c[r] if r < len(c) else None for c in self.columns])


def list_name(col: Column, lists: Lists) -> str | None:
    if col.choice_name:
        return f"choice:{col.choice_name}"
    if col.ref and lists.refs.get(col.ref):
        return f"ref:{col.ref}"
    return None


def _validation(col: Column, formula: str, first_row: int, letter: str) -> DataValidation:
    strict = col.choice_name is not None
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not col.required,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle="无效的值 Invalid value",
        error=(
            "请从下拉列表中选择。Pick a value from the list."
            if strict
            else "该值不在系统已有的列表中。The value is not in the database yet."
        ),
    )
    dv.add(f"{letter}{first_row}:{letter}{MAX_ROW}")
    return dv


def write_data_sheet(
    wb: Workbook, spec: SheetSpec, rows: Iterable[Sequence[Any]], lists: Lists
) -> WriteOnlyWorksheet:
    """A data sheet: styled header, then ``rows`` (cell values in column order)."""
    ws = wb.create_sheet(spec.sheet_name)
    for j, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        if col.number_format != "General":
            # a column style: cells typed into the empty template take this format
            ws.column_dimensions[letter].number_format = col.number_format
        name = list_name(col, lists)
        if name and name in lists.ranges:
            ws.data_validations.append(_validation(col, lists.ranges[name], 2, letter))
    ws.freeze_panes = "A2"
    header = []
    for col in spec.columns:
        cell = WriteOnlyCell(ws, col.header)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = WRAP
        cell.comment = Comment(column_help(col), "Gaodi", width=320, height=160)
        header.append(cell)
    ws.append(header)
    # a code column's cells are text-formatted too (a cell's format wins over its column's)
    formats = [c.number_format if c.number_format == "@" else None for c in spec.columns]
    for row in rows:
        ws.append(row, formats)
    return ws


def allowed_values(col: Column) -> str:
    if col.choice_name:
        return "、".join(
            f"{c.zh}（{c.code}）" if c.zh != c.code else c.zh for c in CHOICES[col.choice_name]
        )
    if col.ref in REF_LABELS:
        zh, en = REF_LABELS[col.ref]
        return f"{zh} / {en}"
    return ""


def column_help(col: Column) -> str:
    zh_type, en_type = TYPE_LABELS[col.type]
    parts = [
        f"{col.zh}（{col.key}）{'，必填' if col.required else ''}",
        f"类型 type: {zh_type} / {en_type}",
    ]
    if col.unit:
        parts.append(f"单位 unit: {col.unit}")
    allowed = allowed_values(col)
    if allowed:
        parts.append(f"允许值 allowed: {allowed}")
    if col.help_zh:
        parts.append(col.help_zh)
    if col.help_en:
        parts.append(col.help_en)
    return "\n".join(parts)


INFO_HEADER = (
    "工作表 sheet",
    "列名 header",
    "键 key",
    "必填 required",
    "类型 type",
    "单位 unit",
    "允许值 allowed values",
    "说明",
    "description",
    "示例 example",
)


def info_rows(entity: EntitySpec) -> list[list[Any]]:
    rows: list[list[Any]] = [list(INFO_HEADER)]
    for spec in entity.sheets:
        for col in spec.columns:
            zh_type, en_type = TYPE_LABELS[col.type]
            rows.append(
                [
                    spec.sheet_name,
                    col.zh_header,
                    col.key,
                    "是 yes" if col.required else "否 no",
                    f"{zh_type} / {en_type}",
                    col.unit or "",
                    allowed_values(col),
                    col.help_zh,
                    col.help_en,
                    col.example,
                ]
            )
    return rows


GENERAL_NOTES = (
    (
        "第 1 行是表头：中文列名（单位）加英文键；带 * 的列必填。"
        "请勿修改表头，从第 2 行起填写数据。",
        "Row 1 is the header: Chinese name (unit) and English key; * marks a required column. Keep "
        "the header; fill in data from row 2.",
    ),
    (
        "导入时先检查全部行，发现任何错误则不写入任何数据，并列出每个错误单元格（工作表、行号、列、值、原因）。",
        "An import checks every row first; with any error nothing is written and every bad cell is "
        "listed (sheet, row, column, value, reason).",
    ),
    (
        "金额单位为万元；是/否列可填 是、否、Y、N、TRUE、FALSE；列表列用顿号（、）或分号分隔。",
        "Money is in 万元; yes/no columns take 是, 否, Y, N, TRUE or FALSE; list columns are "
        "separated by 、 or ;.",
    ),
    (
        "表头括号里写了别的单位（如“营业收入（亿元）”“资产负债率（%）”）时，按该单位换算为模板单位；"
        "单位种类不同（如金额列写“吨”）则拒绝导入。",
        "A header that names another unit in brackets (营业收入（亿元）, 资产负债率（%）) is "
        "converted to the template's unit; a unit of another kind (吨 in a money column) is "
        "refused.",
    ),
    (
        "公式出错的单元格（#N/A、#DIV/0! 等）和没有计算结果的公式会被拒绝；向下合并的单元格视为"
        "每一行都填了该值，跨列合并的单元格会被拒绝。",
        "Cells showing a formula error (#N/A, #DIV/0! …) and formulas without a result are "
        "refused; a cell merged down a column counts as filled in on every row, a cell merged "
        "across columns is refused.",
    ),
    (
        "CSV 文件可用 UTF-8（带或不带 BOM）、GBK 或 GB18030 编码。",
        "CSV files may be UTF-8 (with or without BOM), GBK or GB18030.",
    ),
    (
        "命令：gaodi import 数据类型 文件.xlsx [--dry-run] [--mode insert|upsert] "
        "[--report errors.xlsx]",
        "Command: gaodi import ENTITY FILE.xlsx [--dry-run] [--mode insert|upsert] "
        "[--report errors.xlsx]",
    ),
)


def write_info_sheet(
    wb: Workbook, entity: EntitySpec, lead: Sequence[tuple[str, str]], lang: str = "zh"
) -> None:
    ws = wb.create_sheet(INFO_SHEET, 0)
    widths = (22, 26, 18, 10, 26, 10, 36, 40, 40, 16)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    title = WriteOnlyCell(ws, f"{entity.zh} {entity.en}")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for zh, en in lead:
        first, second = (en, zh) if lang == "en" else (zh, en)
        ws.append([first, second])
    ws.append([])
    for zh, en in GENERAL_NOTES:
        first, second = (en, zh) if lang == "en" else (zh, en)
        ws.append([first])
        ws.append([second])
    for spec in entity.sheets:
        if spec.help_zh:
            ws.append([f"{spec.sheet_name}：{spec.help_zh}", spec.help_en])
    ws.append([])
    rows = info_rows(entity)
    ws.append([_bold(ws, v) for v in rows[0]])
    for row in rows[1:]:
        ws.append(row)


def _bold(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    return cell


def new_workbook(title: str | None = None, author: str | None = None) -> Workbook:
    """A workbook whose properties say ``title``, ``author`` and the city's now."""
    return inert_workbook(write_only=True, title=title, author=author)


def write_template(
    entity: EntitySpec,
    path: Path,
    lang: str = "zh",
    refs: dict[str, list[str]] | None = None,
    *,
    title: str | None = None,
    author: str | None = None,
) -> None:
    """An empty import template for ``entity`` (xlsx, or a header-only CSV); its properties say
    ``title`` (else the entity's template in ``lang``) and ``author``."""
    if path.suffix.lower() == ".csv":
        from gaodi.exchange.exporter import write_csv

        write_csv(path, entity.sheets[0], [])
        return
    zh = lang.startswith("zh")
    title = title or (
        f"{entity.zh}导入模板" if zh else f"{entity.en[:1].upper()}{entity.en[1:]} import template"
    )
    wb = new_workbook(title=title, author=author)
    lists = Lists(refs=refs or {})
    write_info_sheet(wb, entity, [("导入模板", "Import template")], lang)
    lists.prepare(n for s in entity.sheets for c in s.columns if (n := list_name(c, lists)))
    for spec in entity.sheets:
        write_data_sheet(wb, spec, [], lists)
    lists.write(wb)
    wb.save(path)
