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


# The lists the tier rules derive yes/no inputs from (gaodi.enterprises.tier_lists).
_YEAR_HELP = ("获奖年度（证书或公告的年份）。", "The year of the award (certificate or notice).")
_SOURCE = C(
    "source", "数据来源", "source", "choice", required=True, choices="fact_source", width=12,
    help_zh="统计数据、企业申报或证书核验。", help_en="statistics, self_declared or certified.",
)  # fmt: skip
TIER_AWARDS = SheetSpec(
    "tier_awards",
    "科技奖励",
    "science awards",
    (
        USCC,
        C("year", "获奖年度", "award year", "int", required=True, min_value=1949,
          max_value=2100, example="2022", width=10, help_zh=_YEAR_HELP[0], help_en=_YEAR_HELP[1]),
        C("name", "奖励名称", "award name", "text", required=True, max_length=200, width=30,
          example="湖南省科学技术进步奖",
          help_zh="科技奖励的名称（如“国家科学技术进步奖”“××省科学技术进步奖”）。",
          help_en="The award's name."),
        C("level", "奖励级别", "level", "choice", required=True, choices="award_level",
          width=10, help_zh="国家级、省级、市级或其他；部门、行业协会设立的奖励填“其他”。",
          help_en="national, provincial, municipal or other (ministry or association awards: "
          "other)."),
        C("grade", "奖励等级", "grade", "choice", choices="award_grade", width=10,
          help_zh="特等奖、一等奖、二等奖、三等奖；无等级留空。",
          help_en="special, first, second or third prize; blank when the award has none."),
        C("unit_rank", "获奖单位排名", "place among the winning units", "int", min_value=1,
          max_value=1000, width=12, example="2",
          help_zh="本企业在获奖单位中的排名（1 为第一完成单位）；“排名前三/前五”按此判断。留空表示"
          "未知。",
          help_en="The enterprise's place among the winning units (1 = first); the rules' "
          "'top 3 / top 5' read it. Blank: unknown."),
        _SOURCE,
    ),
    ("uscc", "year", "name"),
    help_zh="每行一项科技奖励；同一企业、年度、奖励名称为一行。已有的奖励按这三项更新；要删除奖励，"
    "请在企业页面操作。",
    help_en="One award per row, keyed by enterprise, year and name; a stored award is updated. "
    "Delete awards on the enterprise page.",
)  # fmt: skip
TIER_HONOURS = SheetSpec(
    "tier_honours",
    "荣誉",
    "honours",
    (
        USCC,
        C("kind", "荣誉类别", "honour", "choice", required=True, choices="honour_kind", width=22,
          help_zh="如 专精特新“小巨人”企业、制造业单项冠军、省级专精特新中小企业、高新技术企业。",
          help_en="e.g. little giant, champion, provincial SRDI SME, High-Tech Enterprise."),
        C("valid_from", "生效日期", "valid from", "date", required=True, example="2023-07-01",
          width=12, help_zh="认定（公告）之日。", help_en="The day it was granted."),
        C("valid_to", "截止日期", "valid to", "date", example="2026-06-30", width=12,
          help_zh="有效期最后一天；留空表示未载明有效期。过期的荣誉在评价日不再“有效”。",
          help_en="The last valid day; blank: no expiry given. An expired honour is not in force."),
        _SOURCE,
    ),
    ("uscc", "kind", "valid_from"),
    help_zh="每行一项荣誉及其有效期；同一企业、类别、生效日期为一行。",
    help_en="One honour with its validity per row, keyed by enterprise, kind and valid-from.",
)  # fmt: skip
INDUSTRY_MARGINS = SheetSpec(
    "industry_margins",
    "行业利润率",
    "industry margins",
    (
        C("industry_code", "行业代码", "industry code", "text", required=True, width=10,
          example="39",
          help_zh="国民经济行业代码（GB/T 4754-2017，门类字母或 2–4 位代码）；企业按最长匹配的"
          "代码取值。",
          help_en="A GB/T 4754-2017 code (section letter or 2-4 digits); a firm takes the "
          "longest matching code."),
        C("year", "年度", "year", "int", required=True, min_value=1949, max_value=2100,
          example="2023", width=8, help_zh="利润率所属年度。", help_en="The year of the margin."),
        C("margin", "营业收入利润率", "profit margin", "float", required=True, unit="0–1",
          min_value=-1.0, max_value=1.0, example="0.051",
          help_zh="利润总额 ÷ 营业收入，小数（0.051 表示 5.1%）。",
          help_en="Total profit / revenue as a fraction (0.051 means 5.1%)."),
        C("source_name", "出处", "source", "text", required=True, max_length=200, width=30,
          example="国家统计局《中国统计年鉴2024》表13-…",
          help_zh="发布机构、出版物和表名。", help_en="Publisher, publication and table."),
        C("source_url", "出处网址", "source URL", "text", max_length=500, width=30,
          help_zh="可选。", help_en="Optional."),
    ),
    ("industry_code", "year"),
    help_zh="行业的营业收入利润率（“盈利能力高于行业水平”的比较基准），须注明出处。",
    help_en="Industries' profit margins (what 'profitability above the industry' compares "
    "with), each with its source.",
)  # fmt: skip
