"""Excel exports of the registries (the rows a list page shows, with its filters applied).

Each file is in the language of the interface it was downloaded from (headers, sheet names,
the registry's kinds and levels, yes/no). Its list sheet starts with a title row; a file
holding demo rows says 示例数据 in its title and in a column of its own, so a synthetic row
cannot pass for a real one once it leaves Gaodi. A second sheet, 说明 (About), says what every
other export's 说明 says: the page and filters it came from, when and by whom it was exported,
whose data it holds and how many rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl.styles import Font, PatternFill

from gaodi.core.excel import citation_cell, new_workbook
from gaodi.core.provenance import Citation, citation_of
from gaodi.smart import registry
from gaodi.smart.schemas import PlatformRow, ProviderRow, RecognitionRow

HEAD_FILL = PatternFill("solid", fgColor="E8ECF2")
#: (Chinese header, English header, value of a row, width)
Column = tuple[str, str, Callable[[Any], Any], int]

#: English names of the registry's codes: the registry's one (Chinese, English) table
#: (the rows come named in the file's language; these name the filters in 说明/About).
KINDS_EN = registry.names(registry.KINDS, "en")
LEVELS_EN = registry.names(registry.LEVELS, "en")
PLATFORM_KINDS_EN = registry.names(registry.PLATFORM_KIND_WORDS, "en")
CATEGORIES_EN = registry.names(registry.CATEGORIES, "en")
TITLES = {
    "providers": ("智能制造系统解决方案供应商", "Smart-manufacturing solution providers"),
    "recognitions": (
        "智能制造标杆企业、示范工厂与示范车间",
        "Smart-manufacturing benchmark enterprises, demonstration factories and workshops",
    ),
    "platforms": ("公共服务平台", "Public service platforms"),
}


def _zh(lang: str) -> bool:
    return lang.startswith("zh")


def _join(values: Sequence[Any], lang: str = "zh") -> str:
    return ("、" if _zh(lang) else ", ").join(str(v) for v in values)


def _yes(value: bool, lang: str = "zh") -> str:
    if _zh(lang):
        return "是" if value else "否"
    return "yes" if value else "no"


def _word(code: str | None, table: dict[str, tuple[str, str]], lang: str) -> str:
    """A code's name in the file's language, from the registry's table (the code itself when
    the table does not know it)."""
    return registry.names(table, lang).get(code or "", code or "")


def title(kind: str, lang: str = "zh") -> str:
    """The registry's name in ``lang`` (the export's title and file name)."""
    zh, en = TITLES[kind]
    return zh if _zh(lang) else en


def workbook(
    title: str,
    sheet: str,
    columns: Sequence[Column],
    rows: Sequence[Any],
    *,
    lang: str = "zh",
    about: Sequence[tuple[str, Any]] = (),
    author: str | None = None,
) -> bytes:
    """The list sheet (a title row, a header row, one row per record, a 示例 column) and the
    说明 sheet (``about``: label and value lines, then the row count); the file's properties
    say ``title`` and ``author`` (who exported it)."""
    zh = _zh(lang)
    demo = any(getattr(r, "is_demo", False) for r in rows)
    wb = new_workbook(title=title, author=author)
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if zh:
        label = f"{title}（共 {len(rows)} 条{'，含示例数据（合成，非真实）' if demo else ''}）"
    else:
        note = ", with synthetic demo data, not real" if demo else ""
        label = f"{title} ({len(rows)} rows{note})"
    ws.cell(1, 1, label).font = Font(bold=True, size=12)
    headers = [*((c[0] if zh else c[1]) for c in columns), "示例" if zh else "Demo"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for i, row in enumerate(rows, start=3):
        for col, (_zh_head, _en_head, get, _w) in enumerate(columns, start=1):
            value = get(row)
            if isinstance(value, Citation):  # the words, the address a hyperlink
                citation_cell(ws.cell(i, col), value, lang)
            else:
                ws.cell(i, col, value)
        mark = ("示例" if zh else "demo") if getattr(row, "is_demo", False) else ""
        ws.cell(i, len(columns) + 1, mark)
    for col, (_zh_head, _en_head, _get, width) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(2, col).column_letter].width = width
    ws.freeze_panes = "A3"
    info = wb.create_sheet("说明" if zh else "About")
    info.append([title])
    info["A1"].font = Font(bold=True, size=14)
    if demo:
        info.append(
            [
                "示例数据：名单中的示例行为系统生成，不是真实的认定或企业。"
                if zh
                else "Synthetic demo data: the demo rows are generated, not real recognitions "
                "or firms."
            ]
        )
        info.cell(info.max_row, 1).font = Font(bold=True, color="C8102E")
    info.append([])
    for key, value in [*about, ("行数" if zh else "Rows", len(rows))]:
        info.append([key, "" if value is None else value])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def providers(
    rows: Sequence[ProviderRow],
    *,
    lang: str = "zh",
    about: Sequence[tuple[str, Any]] = (),
    author: str | None = None,
) -> bytes:
    columns: list[Column] = [
        ("名称", "Name", lambda r: r.name, 36),
        ("本地", "Local", lambda r: _yes(r.local, lang), 8),
        ("地区代码", "Region code", lambda r: r.region_code or "", 10),
        ("类别", "Category",
         lambda r: _word(r.category, registry.CATEGORIES, lang),
         14),
        ("能力子域（GB/T 39116）", "Capabilities (GB/T 39116)",
         lambda r: _join(r.capability_names, lang), 40),
        ("能力代码", "Capability codes", lambda r: _join(r.capabilities, lang), 40),
        ("服务行业（GB/T 4754）", "Industries (GB/T 4754)",
         lambda r: _join(r.industries, lang), 20),
        ("参考案例数", "References", lambda r: r.references, 10),
        ("认定", "Recognition", lambda r: r.recognition or "", 30),
    ]  # fmt: skip
    name = title("providers", lang)
    return workbook(name, "服务商" if _zh(lang) else "Providers", columns, rows,
                    lang=lang, about=about, author=author)  # fmt: skip


def recognitions(
    rows: Sequence[RecognitionRow],
    *,
    lang: str = "zh",
    about: Sequence[tuple[str, Any]] = (),
    author: str | None = None,
) -> bytes:
    columns: list[Column] = [
        ("类别", "Kind", lambda r: _word(r.kind, registry.KINDS, lang), 18),
        ("企业", "Enterprise", lambda r: r.name, 36),
        ("工厂/车间", "Factory / workshop", lambda r: r.title or "", 30),
        ("年度", "Year", lambda r: r.year, 8),
        ("级别", "Level", lambda r: _word(r.level, registry.LEVELS, lang), 10),
        ("认定单位", "Issuer", lambda r: r.issuer or "", 28),
        ("产业链", "Chains", lambda r: _join(r.chains, lang), 24),
        ("场景", "Scenarios", lambda r: _join(r.scenarios, lang), 30),
        ("来源", "Source", lambda r: r.citation or citation_of(None), 40),
    ]
    name = title("recognitions", lang)
    return workbook(name, "认定名单" if _zh(lang) else "Recognitions", columns, rows,
                    lang=lang, about=about, author=author)  # fmt: skip


def platforms(
    rows: Sequence[PlatformRow],
    *,
    lang: str = "zh",
    about: Sequence[tuple[str, Any]] = (),
    author: str | None = None,
) -> bytes:
    columns: list[Column] = [
        ("名称", "Name", lambda r: r.name, 40),
        ("类型", "Kind", lambda r: _word(r.kind, registry.PLATFORM_KIND_WORDS, lang), 24),
        ("级别", "Level", lambda r: _word(r.level, registry.LEVELS, lang), 10),
        ("运营单位", "Operator", lambda r: r.operator or "", 24),
        ("设立年份", "Year set up", lambda r: r.year or "", 10),
        ("服务", "Services", lambda r: _join(r.services, lang), 30),
        ("能力子域", "Capabilities", lambda r: _join(r.capabilities, lang), 30),
        ("本地", "Local", lambda r: _yes(r.local, lang), 8),
    ]
    name = title("platforms", lang)
    return workbook(name, "平台" if _zh(lang) else "Platforms", columns, rows,
                    lang=lang, about=about, author=author)  # fmt: skip
