"""Excel exports of the registries (the rows a list page shows, with its filters applied).

Each sheet starts with a title row; a file holding demo rows says 示例数据 in its title and in a
column of its own, so a synthetic row cannot pass for a real one once it leaves Gaodi.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl.styles import Font, PatternFill

from gaodi.core.excel import citation_cell, new_workbook
from gaodi.core.provenance import Citation, citation_of
from gaodi.smart.schemas import PlatformRow, ProviderRow, RecognitionRow

HEAD_FILL = PatternFill("solid", fgColor="E8ECF2")
Column = tuple[str, Callable[[Any], Any], int]


def _join(values: Sequence[Any]) -> str:
    return "、".join(str(v) for v in values)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def workbook(title: str, sheet: str, columns: Sequence[Column], rows: Sequence[Any]) -> bytes:
    """One sheet: a title row, a header row, one row per record, a 示例 column."""
    demo = any(getattr(r, "is_demo", False) for r in rows)
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    label = f"{title}（共 {len(rows)} 条{'，含示例数据（合成，非真实）' if demo else ''}）"
    ws.cell(1, 1, label).font = Font(bold=True, size=12)
    headers = [*(c[0] for c in columns), "示例 demo"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for i, row in enumerate(rows, start=3):
        for col, (_head, get, _w) in enumerate(columns, start=1):
            value = get(row)
            if isinstance(value, Citation):  # the words, the address a hyperlink
                citation_cell(ws.cell(i, col), value)
            else:
                ws.cell(i, col, value)
        ws.cell(i, len(columns) + 1, "示例" if getattr(row, "is_demo", False) else "")
    for col, (_head, _get, width) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(2, col).column_letter].width = width
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def providers(rows: Sequence[ProviderRow]) -> bytes:
    columns: list[Column] = [
        ("名称 name", lambda r: r.name, 36),
        ("本地 local", lambda r: _yes(r.local), 8),
        ("地区代码 region", lambda r: r.region_code or "", 10),
        ("类别 category", lambda r: r.category or "", 12),
        ("能力子域 capabilities (GB/T 39116)", lambda r: _join(r.capability_names), 40),
        ("能力代码 capability codes", lambda r: _join(r.capabilities), 40),
        ("服务行业 industries (GB/T 4754)", lambda r: _join(r.industries), 20),
        ("参考案例数 references", lambda r: r.references, 10),
        ("认定 recognition", lambda r: r.recognition or "", 30),
    ]
    return workbook("智能制造系统解决方案供应商", "服务商", columns, rows)


def recognitions(rows: Sequence[RecognitionRow]) -> bytes:
    columns: list[Column] = [
        ("类别 kind", lambda r: r.kind_name, 18),
        ("企业 enterprise", lambda r: r.name, 36),
        ("工厂/车间 title", lambda r: r.title or "", 30),
        ("年度 year", lambda r: r.year, 8),
        ("级别 level", lambda r: r.level_name, 8),
        ("认定单位 issuer", lambda r: r.issuer or "", 28),
        ("产业链 chains", lambda r: _join(r.chains), 24),
        ("场景 scenarios", lambda r: _join(r.scenarios), 30),
        ("来源 source", lambda r: r.citation or citation_of(None), 40),
    ]
    return workbook("智能制造标杆企业、示范工厂与示范车间", "认定名单", columns, rows)


def platforms(rows: Sequence[PlatformRow]) -> bytes:
    columns: list[Column] = [
        ("名称 name", lambda r: r.name, 40),
        ("类型 kind", lambda r: r.kind_name, 20),
        ("级别 level", lambda r: r.level_name, 8),
        ("运营单位 operator", lambda r: r.operator or "", 24),
        ("设立年份 year", lambda r: r.year or "", 10),
        ("服务 services", lambda r: _join(r.services), 30),
        ("能力子域 capabilities", lambda r: _join(r.capabilities), 30),
        ("本地 local", lambda r: _yes(r.local), 8),
    ]
    return workbook("公共服务平台", "平台", columns, rows)
