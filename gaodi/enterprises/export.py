"""Enterprise results as Excel workbooks (``--format xlsx`` of eligibility and rank)."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from gaodi.core.excel import new_workbook
from gaodi.enterprises.schemas import (
    CriterionCheck,
    EligibilityReport,
    RankResult,
    ranked_scope,
)

#: The 说明 sheet's line on the levels sheet's 不适用 column (the SME tiers' size test).
NOT_APPLICABLE_NOTE = (
    "不适用：大型企业，不属于中小企业梯度；“—”：该层级不设企业规模条件（规上、单项冠军）"
)


def _head(ws: object, titles: list[str]) -> None:
    ws.append(titles)  # type: ignore[attr-defined]
    for cell in ws[1]:  # type: ignore[index]
        cell.font = Font(bold=True)


def _figures(c: CriterionCheck) -> tuple[object, float | None, str]:
    """A missed criterion's actual value, shortfall and the shortfall's unit as cells: a ratio's
    actual stays a fraction (shown as a percentage) and its shortfall is in percentage points
    (0.004175 is "0.4175 个百分点", not a bare fraction beside a percentage)."""
    actual: object = c.actual
    if isinstance(actual, bool):
        actual = "是" if actual else "否"
    elif isinstance(actual, list):
        actual = "、".join(str(v) for v in actual)
    if c.unit == "ratio":
        # × 100 on the decimal written (0.004175 -> 0.4175, no 0.41750000000000004)
        points = (
            None
            if c.shortfall is None
            else float(round(Decimal(repr(float(c.shortfall))).scaleb(2), 6))
        )
        return actual, points, "个百分点"
    return actual, c.shortfall, c.unit


def eligibility_workbook(report: EligibilityReport, *, author: str | None = None) -> Workbook:
    wb = new_workbook(title=f"梯度培育（{report.year or '—'}年数据）", author=author)
    ws = wb.active
    assert ws is not None
    ws.title = "层级 levels"
    _head(
        ws,
        [
            "层级 level",
            "名称",
            "版本",
            "文件 document",
            "评估",
            "不适用",
            "达标",
            "接近",
            "数据不足",
            "已认定",
        ],
    )
    for lv in report.levels:
        ws.append(
            [
                lv.level,
                lv.name_zh,
                lv.version,
                lv.document,
                lv.evaluated,
                "—" if lv.not_applicable is None else lv.not_applicable,
                lv.qualifies,
                lv.nearly,
                lv.undetermined,
                lv.holds_tag,
            ]
        )
    if report.level is not None:
        rows = wb.create_sheet("名单 enterprises")
        _head(
            rows,
            [
                "统一社会信用代码",
                "企业",
                "达标",
                "接近",
                "已认定",
                "未达标准",
                "实际值",
                "差距",
                "差距单位",
                "缺失数据项",
            ],
        )
        number = rows.max_row  # the header's; then counted (max_row scans every cell: n²)
        for r in report.rows:
            if not r.missed:
                rows.append([r.uscc, r.name, r.qualifies, r.nearly_qualifies, r.holds_tag])
                number += 1
            for c in r.missed:
                actual, shortfall, unit = _figures(c)
                number += 1
                rows.append(
                    [
                        r.uscc,
                        r.name,
                        r.qualifies,
                        r.nearly_qualifies,
                        r.holds_tag,
                        c.label_zh,
                        actual,
                        shortfall,
                        unit,
                        r.missing_count,
                    ]
                )
                if c.unit == "ratio" and isinstance(actual, float):
                    rows.cell(number, 7).number_format = "0.0%"
    info = wb.create_sheet("说明 about")
    info.append([f"数据年份 year: {report.year}"])
    info.append([f"接近达标：仅差1项且差距不超过 {report.near_margin:.0%}"])
    info.append([NOT_APPLICABLE_NOTE])
    info.append(["规则：gaodi/analytics/rules/tiers/*.yaml；方法：docs/methods/tiers.md"])
    return wb


def rank_workbook(
    result: RankResult, *, author: str | None = None, scoped: bool = False
) -> Workbook:
    """The ranking as a workbook; ``scoped``: ranked for a scoped principal (its firms, not the
    city's)."""
    wb = new_workbook(title=f"头羊排序（{result.year or '—'}年）", author=author)
    ws = wb.active
    assert ws is not None
    ws.title = "排序 ranking"
    topsis = any(r.d_plus is not None for r in result.rows)
    dist = ["D+ 距理想解", "D− 距负理想解"] if topsis else []
    _head(
        ws,
        ["名次", "统一社会信用代码", "企业", "得分", *dist, *(c.label_zh for c in result.criteria)],
    )
    for r in result.rows:
        d = [r.d_plus, r.d_minus] if topsis else []
        ws.append(
            [r.rank, r.uscc, r.name, r.score, *d, *(r.values[c.name] for c in result.criteria)]
        )
    w = wb.create_sheet("权重 weights")
    _head(w, ["指标", "criterion", "方向", "权重", "单位", "来源"])
    for c in result.criteria:
        w.append([c.label_zh, c.name, c.direction, c.weight, c.unit, c.source])
    info = wb.create_sheet("说明 about")
    for line in (
        f"方法 method: {result.method_label_zh}",
        *(
            [f"熵权标准化 normalisation: {result.normalisation_label_zh}"]
            if result.normalisation_label_zh
            else []
        ),
        f"规则 rules: {result.rules}",
        f"年份 year: {result.year}",
        f"范围 scope: {ranked_scope(result.chain, scoped)[0]}",
        result.excluded_reason_zh,
    ):
        info.append([line])
    return wb
