"""The 亩均 evaluation as an Excel workbook (``gaodi parks evaluate --format xlsx``, the park
page's download): 说明 (provenance and notes), 园区排名, 能级进度, 功能定位, 企业."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from gaodi.core.excel import citation_cell, new_workbook
from gaodi.parks.schemas import EnterpriseRow, IndicatorInfo, ParkEvaluation, TierProgress

CLASS_FILLS = {
    "A": PatternFill("solid", fgColor="C6EFCE"),
    "B": PatternFill("solid", fgColor="DDEBF7"),
    "C": PatternFill("solid", fgColor="FFEB9C"),
    "D": PatternFill("solid", fgColor="FFC7CE"),
}
BOLD = Font(bold=True)


def tier_text(t: TierProgress, lang: str = "zh") -> str:
    """A tier's status in words: 已达到 / n 年（约 YYYY 年）/ 按当前增速无法达到 / 无数据."""
    if t.status == "reached":
        return "已达到" if lang == "zh" else "already there"
    if t.status == "years" and t.years is not None:
        if lang == "zh":
            return f"{t.years:.1f} 年（约 {t.reach_year} 年）"
        return f"{t.years:.1f} years (by {t.reach_year})"
    if t.status == "not_at_growth":
        return "按当前增速无法达到" if lang == "zh" else "not at current growth"
    return "无数据" if lang == "zh" else "no data"


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, min(40, len(name) * 2))
    return ws


def workbook(
    ev: ParkEvaluation,
    enterprises: Sequence[EnterpriseRow] = (),
    enterprise_indicators: Sequence[IndicatorInfo] = (),
) -> Workbook:
    wb = new_workbook()
    info = wb.active
    info.title = "说明"
    p = ev.provenance
    lines: list[tuple[str, Any]] = [
        ("数据年份 year", p.year),
        ("数据截至 as of", p.as_of),
        ("评价方案 scheme", f"{p.scheme} v{p.scheme_version}（{p.scheme_status}）"),
        ("方案名称", p.scheme_name_zh),
        ("分类规则 classes", p.classes),
        ("规则文件 rule sets", "; ".join(f"{k} {v}" for k, v in p.rule_sets.items())),
        ("参数 parameters", "; ".join(f"{k}: {v}" for k, v in p.parameters.items())),
        ("参评企业 evaluated", ev.n_evaluated),
        ("未参评 not evaluated", "; ".join(f"{k}: {v}" for k, v in ev.not_evaluated.items())),
        ("计算时间 computed at", p.computed_at),
    ]
    if p.is_demo:
        lines.insert(0, ("示例数据", "synthetic demo data — not official statistics"))
    for k, v in lines:
        info.append([k, v])
    for zh, en in zip(ev.notes_zh, ev.notes_en, strict=False):
        info.append(["方法说明 method", f"{zh}\n{en}"])
    for note in ev.notes:  # the rule file's own notes: sources and reasoning, for auditors
        info.append(["说明 note", note])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    ind = ev.indicators
    ranking = _sheet(
        wb,
        "园区排名",
        [
            "排名",
            "园区",
            "级别",
            "参评企业",
            "A",
            "B",
            "C",
            "D",
            *[f"{i.label_zh}（{i.unit}）" for i in ind],
            "综合得分",
            "产值（亿元）",
        ],
        [
            [
                r.rank,
                r.name,
                r.level,
                r.n_evaluated,
                *[r.classes.get(k, 0) for k in "ABCD"],
                *[r.values.get(i.id) for i in ind],
                r.score,
                r.output,
            ]
            for r in ev.parks
        ],
    )
    cited = ranking.max_column + 1  # each park's public source: words, the address a link
    ranking.cell(1, cited, "来源 source").font = BOLD
    ranking.column_dimensions[ranking.cell(1, cited).column_letter].width = 40
    for i, r in enumerate(ev.parks, start=2):
        citation_cell(ranking.cell(i, cited), r.citation)
    tiers = ev.parks[0].tiers if ev.parks else []
    _sheet(
        wb,
        "能级进度",
        [
            "园区",
            "产值（亿元）",
            "年均增速",
            "增速起始年",
            *[f"{t.label_zh}（{t.threshold:g}亿元）" for t in tiers],
        ],
        [
            [r.name, r.output, r.growth, r.growth_start, *[tier_text(t) for t in r.tiers]]
            for r in ev.parks
        ],
    )
    _sheet(
        wb,
        "功能定位",
        [
            "园区",
            "级别",
            "功能定位",
            "主导产业",
            "特色产业",
            "主导产业占比",
            "特色产业占比",
            "声明产业合计占比",
            "个数符合",
            "聚焦",
        ],
        [
            [
                r.name,
                r.level,
                (r.positioning.function_zh if r.positioning else None),
                "、".join(
                    i.name
                    for i in (r.positioning.industries if r.positioning else [])
                    if i.kind == "main"
                ),
                "、".join(
                    i.name
                    for i in (r.positioning.industries if r.positioning else [])
                    if i.kind == "special"
                ),
                r.positioning.main_share if r.positioning else None,
                r.positioning.special_share if r.positioning else None,
                r.positioning.focus_share if r.positioning else None,
                r.positioning.conforms_count if r.positioning else None,
                r.positioning.focused if r.positioning else None,
            ]
            for r in ev.parks
        ],
    )
    if enterprises:
        names = {r.id: r.name for r in ev.parks}
        ws = _sheet(
            wb,
            "企业",
            [
                "企业",
                "统一社会信用代码",
                "园区",
                "评价分组",
                "等级",
                "得分",
                "组内排名",
                "组内企业数",
                "用地（亩）",
                *[f"{i.label_zh}（{i.unit}）" for i in enterprise_indicators],
                "评价依据",
            ],
            [
                [
                    e.name,
                    e.uscc,
                    names.get(e.park_id or -1, ""),
                    e.segment_label,
                    e.klass,
                    e.score,
                    e.rank,
                    e.segment_size,
                    e.land_mu,
                    *[e.values.get(i.id) for i in enterprise_indicators],
                    e.reason_zh,
                ]
                for e in enterprises
            ],
        )
        for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
            for cell in row:
                fill = CLASS_FILLS.get(str(cell.value))
                if fill is not None:
                    cell.fill = fill
    return wb
