"""Chain results as Excel workbooks (``gaodi chains diagnose --format xlsx``, the pages'
downloads): a 说明 sheet with the provenance, then one sheet per table.

The chain definitions themselves (chains, links, enterprise links) are exchanged through
:mod:`gaodi.exchange` (``gaodi export chains``), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from gaodi.chains.schemas import ChainDiagnosisResult, ChainSummary, Provenance, RecommendResult
from gaodi.core import clock, words
from gaodi.core.excel import citation_cell, new_workbook

FILLS = {
    "missing": PatternFill("solid", fgColor="FFC7CE"),
    "weak": PatternFill("solid", fgColor="FFEB9C"),
    "strong": PatternFill("solid", fgColor="C6EFCE"),
}
SEGMENT_ZH = {"up": "上游", "mid": "中游", "down": "下游"}

LINK_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("产业链", "chain", "chain"),
    ("环节编码", "code", "code"),
    ("环节", "link", "name"),
    ("上中下游", "segment", "segment"),
    ("层级", "depth", "depth"),
    ("关键环节", "key link", "key_link"),
    ("企业数", "enterprises", "enterprises"),
    ("规上企业", "above scale", "above_scale"),
    ("产值（万元）", "output (10k yuan)", "output"),
    ("链内占比", "share of chain", "output_share"),
    ("龙头企业", "leaders", "leaders"),
    ("专精特新", "SRDI", "srdi"),
    ("发明专利", "invention patents", "invention_patents"),
    ("产值增速", "output growth", "growth"),
    ("第一大企业占比", "top-1 share", "top1_share"),
    ("HHI", "HHI", "hhi"),
    ("依赖风险", "dependency risk", "risk_level_zh"),
    ("对标占比", "benchmark share", "benchmark_share"),
    ("弱链阈值", "weak threshold", "threshold_share"),
    ("状态", "status", "status_zh"),
    ("原因", "reason", "reason_zh"),
    ("reason", "reason (English)", "reason_en"),
)
REC_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("产业链", "chain", "chain"),
    ("类型", "kind", "kind_zh"),
    ("措施", "action", "action"),
    ("优先级", "priority", "priority"),
    ("环节", "link", "link_name"),
    ("培育企业", "to cultivate", "enterprises"),
    ("原因", "reason", "reason_zh"),
    ("reason", "reason (English)", "reason_en"),
)
STATUS_COLUMN = [k for _, _, k in LINK_COLUMNS].index("status_zh") + 1
PERCENT = {"output_share", "growth", "top1_share", "benchmark_share", "threshold_share"}


def _sheet(wb: Workbook, title: str, columns: Sequence[tuple[str, str, str]]) -> Any:
    ws = wb.create_sheet(title)
    ws.append([f"{zh}\n{en}" for zh, en, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def _info(wb: Workbook, lines: list[tuple[str, str]]) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "说明 about"
    for zh, en in lines:
        ws.append([zh, en])
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 60


def _computed_at(at: datetime | None) -> tuple[str, str]:
    """The 说明 line of when the diagnosis was computed: stored naive UTC, said in the city's
    time with its zone named, as every moment a person reads (a bare naive UTC time was read as
    the city's, 8 hours off)."""
    if at is None:
        return "计算时间：—", "Computed at: —"
    text = f"{clock.local(at):%Y-%m-%d %H:%M:%S}"
    return (
        f"计算时间：{text}（{clock.zone_label(True)}）",
        f"Computed at: {text} ({clock.zone_label(False)})",
    )


#: The words of each benchmark kind (whole codes, so the words catalog's check sees them used).
_BENCHMARK_WORDS = {"median": "chains.benchmark_median", "national": "chains.benchmark_national"}


def _benchmark_line(prov: Provenance) -> tuple[str, str]:
    """The 说明 line of what a link's share is compared with, in words (链中位数环节占比), not
    the code (median); the words of its kind when no diagnosis labelled it."""
    code = _BENCHMARK_WORDS.get(prov.benchmark, "chains.benchmark_peer")
    params = {"city_zh": "", "city_en": ""} if code == "chains.benchmark_peer" else {}
    zh, en = words.both(code, **params)
    return f"对标：{prov.benchmark_label_zh or zh}", f"Benchmark: {prov.benchmark_label_en or en}"


def diagnosis_workbook(
    results: Sequence[ChainDiagnosisResult], *, author: str | None = None
) -> Workbook:
    """Links and recommendations of one or more chains, with their provenance (``author``:
    who made it, in the properties)."""
    wb = new_workbook(title="产业链诊断", author=author)
    prov = results[0].provenance if results else None
    lines = [("产业链诊断", "Chain diagnosis")]
    if prov is not None:
        lines += [
            (f"数据年份：{prov.year}", f"Year of figures: {prov.year}"),
            (f"参数：{prov.rules}", f"Rules: {prov.rules}"),
            _benchmark_line(prov),
            _computed_at(prov.computed_at),
        ]
        if prov.is_demo:
            lines.append(("示例数据，不是真实统计。", "Synthetic demo data, not statistics."))
    lines.append(("方法：docs/methods/chains.md", "Method: docs/methods/chains.md"))
    for r in results:
        lines.append(
            (
                f"{r.chain.name}：完整度 {r.completeness:.1%}，强度 {r.strength:.1%}；"
                f"{r.completeness_reason_zh}",
                f"{r.chain.code}: completeness {r.completeness:.1%}, strength {r.strength:.1%}",
            )
        )
    _info(wb, lines)
    about, first = wb.active, len(lines) - len(results) + 1
    for i, r in enumerate(results):  # on the chain's line: its public source, address a link
        citation_cell(about.cell(first + i, 3), r.chain.citation, "zh")
        citation_cell(about.cell(first + i, 4), r.chain.citation, "en")
    about.column_dimensions["C"].width = about.column_dimensions["D"].width = 50
    ws = _sheet(wb, "环节 links", LINK_COLUMNS)
    number = ws.max_row  # the header's; then counted (max_row scans every cell: n² in rows)
    for r in results:
        for row in r.links:
            data = row.model_dump() | {"chain": r.chain.name}
            data["segment"] = SEGMENT_ZH.get(row.segment, row.segment)
            data["key_link"] = "是" if row.key_link else ""
            ws.append([data[k] for _, _, k in LINK_COLUMNS])
            number += 1
            ws.cell(number, STATUS_COLUMN).fill = FILLS[row.status]
            for i, (_, _, key) in enumerate(LINK_COLUMNS, start=1):
                if key in PERCENT:
                    ws.cell(number, i).number_format = "0.0%"
    ws = _sheet(wb, "建议 recommendations", REC_COLUMNS)
    for r in results:
        for rec in r.recommendations:
            data = rec.model_dump() | {"chain": r.chain.name}
            data["enterprises"] = "、".join(e.name for e in rec.enterprises)
            ws.append([data[k] for _, _, k in REC_COLUMNS])
    return wb


CANDIDATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("环节", "link", "link"),
    ("环节状态", "link status", "status"),
    ("名次", "rank", "rank"),
    ("企业", "enterprise", "name"),
    ("统一社会信用代码", "USCC", "uscc"),
    ("城市", "city", "city"),
    ("综合得分", "score", "score"),
    ("匹配", "match", "f_match"),
    ("规模", "scale", "f_scale"),
    ("增速", "growth", "f_growth"),
    ("技术", "technology", "f_technology"),
    ("关联", "ties", "f_ties"),
    ("营业收入（万元）", "revenue (10k yuan)", "revenue"),
    ("营收增速", "revenue growth", "revenue_growth"),
    ("发明专利", "invention patents", "invention_patents"),
    ("原因", "reason", "reason_zh"),
    ("reason", "reason (English)", "reason_en"),
)


def candidates_workbook(result: RecommendResult, *, author: str | None = None) -> Workbook:
    wb = new_workbook(title=f"{result.chain.name}招商候选", author=author)
    p = result.provenance
    _info(
        wb,
        [
            (f"招商候选企业：{result.chain.name}", f"Attraction candidates: {result.chain.code}"),
            (f"企业池：{result.pool_size}家", f"Pool: {result.pool_size} enterprises"),
            (f"参数：{p.rules}；数据年份：{p.year}", f"Rules: {p.rules}; year: {p.year}"),
            ("方法：docs/methods/chains.md §3", "Method: docs/methods/chains.md §3"),
        ],
    )
    ws = _sheet(wb, "候选 candidates", CANDIDATE_COLUMNS)
    for link in result.links:
        for c in link.candidates:
            data = c.model_dump() | {"link": link.link_name, "status": link.status_zh}
            ws.append([data[k] for _, _, k in CANDIDATE_COLUMNS])
    return wb


SUMMARY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("编码", "code", "code"),
    ("产业链", "chain", "name"),
    ("环节数", "links", "n_links"),
    ("企业数", "enterprises", "enterprises"),
    ("产值（万元）", "output (10k yuan)", "output"),
    ("完整度", "completeness", "completeness"),
    ("强度", "strength", "strength"),
    ("缺链", "missing", "n_missing"),
    ("弱链", "weak", "n_weak"),
    ("强链", "strong", "n_strong"),
    ("缺失关键环节", "missing key links", "missing_key_links"),
)


def summary_workbook(summary: ChainSummary, *, author: str | None = None) -> Workbook:
    wb = new_workbook(title="产业链概览", author=author)
    p = summary.provenance
    _info(
        wb,
        [
            ("产业链总览", "Chains overview"),
            (f"数据年份：{p.year}；参数：{p.rules}", f"Year: {p.year}; rules: {p.rules}"),
            ("方法：docs/methods/chains.md", "Method: docs/methods/chains.md"),
        ],
    )
    ws = _sheet(wb, "产业链 chains", SUMMARY_COLUMNS)
    for number, r in enumerate(summary.chains, start=ws.max_row + 1):
        data = r.model_dump() | {"code": r.chain.code, "name": r.chain.name}
        data["missing_key_links"] = "、".join(r.missing_key_links)
        ws.append([data[k] for _, _, k in SUMMARY_COLUMNS])
        for i in (6, 7):
            ws.cell(number, i).number_format = "0.0%"
    return wb
