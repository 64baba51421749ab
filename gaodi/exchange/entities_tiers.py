"""The tier-facts sheet (梯度培育要素): one row per enterprise, year and source, one column per
tier fact, generated from the tier rules' input contract (``analytics/rules/tiers/_fields.yaml``
via :func:`gaodi.enterprises.facts.fact_fields`), so a fact the rules add is importable at once.
"""

from __future__ import annotations

from gaodi.enterprises.facts import FactField, fact_fields
from gaodi.exchange.columns import USCC
from gaodi.exchange.schema import Column, SheetSpec

C = Column


def _column(f: FactField) -> Column:
    if f.is_bool:
        return C(
            f.name, f.label_zh, f.label_en, "bool", width=12,
            help_zh="是/否；留空表示未知（不是“否”）。",
            help_en="yes/no; blank means unknown (not 'no').",
        )  # fmt: skip
    if f.unit == "ratio":
        return C(
            f.name, f.label_zh, f.label_en, "float", unit="0–1", min_value=0.0, max_value=1.0,
            help_zh="小数，如 0.15 表示 15%；留空表示未知。",
            help_en="A fraction: 0.15 means 15%; blank means unknown.",
        )  # fmt: skip
    if f.is_count:
        return C(
            f.name, f.label_zh, f.label_en, "int", unit=f.unit,
            min_value=1.0 if f.unit == "位" else 0.0,
            help_zh="整数；留空表示未知。", help_en="A whole number; blank means unknown.",
        )  # fmt: skip
    lo, hi = f.bounds
    return C(
        f.name, f.label_zh, f.label_en, "float", unit=f.unit or None,
        min_value=None if lo is None else float(lo), max_value=None if hi is None else float(hi),
        help_zh=f"单位：{f.unit}；留空表示未知。" if f.unit else "留空表示未知。",
        help_en=f"In {f.unit}; blank means unknown." if f.unit else "Blank means unknown.",
    )  # fmt: skip


TIER_FACTS = SheetSpec(
    "tier_facts",
    "梯度培育要素",
    "tier facts",
    (
        USCC,
        C(
            "year",
            "年度",
            "year",
            "int",
            required=True,
            min_value=1949,
            max_value=2100,
            example="2023",
            width=8,
            help_zh="要素所属年度（与企业年度数据的年度一致，评价用上年度数据）。",
            help_en="The year the facts belong to (as in the yearly figures).",
        ),
        C(
            "source",
            "数据来源",
            "source",
            "choice",
            required=True,
            choices="fact_source",
            width=12,
            help_zh="统计数据、企业申报或证书核验；同一企业同一年度不同来源的要素分行填写。",
            help_en="statistics, self_declared or certified; facts of other sources go on "
            "another row.",
        ),
        *(_column(f) for f in fact_fields()),
    ),
    ("uscc", "year", "source"),
    help_zh="企业须已在系统中（先导入企业）。空单元格不改变已有要素；要清除某项要素，请在企业"
    "的“梯度培育要素”页面操作。",
    help_en="Enterprises must exist (import them first). A blank cell leaves a stored fact as it "
    "is; clear a fact on the enterprise's tier-facts page.",
)
