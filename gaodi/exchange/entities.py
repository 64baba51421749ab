"""The column specifications of every entity Gaodi exchanges with Excel/CSV.

This module (with :mod:`~gaodi.exchange.entities_projects` for major projects) is the data
dictionary: ``docs/exchange.md`` describes the same columns, and a test checks that every column
here appears there.
"""

from __future__ import annotations

from gaodi.core.errors import ValidationError
from gaodi.exchange.columns import IS_DEMO, USCC, money
from gaodi.exchange.entities_projects import PROJECT_PROGRESS, PROJECT_YEAR_PLANS, PROJECTS
from gaodi.exchange.entities_tiers import INDUSTRY_MARGINS, TIER_AWARDS, TIER_FACTS, TIER_HONOURS
from gaodi.exchange.schema import Column, EntitySpec, SheetSpec

C = Column

ENTERPRISES = SheetSpec(
    "enterprises",
    "企业",
    "enterprises",
    (
        USCC,
        C(
            "name",
            "企业名称",
            "name",
            required=True,
            max_length=200,
            width=30,
            example="示例智造有限公司",
        ),
        C(
            "region_code",
            "所在区县代码",
            "region code",
            "region",
            help_zh="GB/T 2260 六位行政区划代码，如 430104（岳麓区）。",
            help_en="Six-digit GB/T 2260 division code, e.g. 430104.",
            example="430104",
        ),
        C(
            "park",
            "所在园区",
            "park",
            ref="park",
            max_length=200,
            width=24,
            help_zh="园区全称，须已在系统中（先导入园区）。",
            help_en="The park's full name; the park must exist (import parks first).",
        ),
        C(
            "industry_code",
            "国民经济行业代码",
            "industry code",
            "industry",
            help_zh="GB/T 4754-2017 代码（门类字母或 2/3/4 位数字），如 3670。",
            help_en="GB/T 4754-2017 code (section letter or 2/3/4 digits), e.g. 3670.",
            example="3670",
        ),
        C(
            "founded",
            "成立日期",
            "founded",
            "date",
            example="2015-06-30",
            help_zh="日期，如 2015-06-30。",
            help_en="A date, e.g. 2015-06-30.",
        ),
        C("scope_text", "经营范围", "business scope", width=40),
        C("products", "主要产品", "main products", width=30),
        C(
            "tags",
            "企业标签",
            "tags",
            "list",
            width=20,
            help_zh="多个用顿号或分号分隔；常用：srdi（专精特新）、little_giant（小巨人）、champion"
            "（单项冠军）、leader（头羊）、high_tech（高新技术企业）。",
            help_en="Several separated by 、 or ;. Common: srdi, little_giant, champion, leader, "
            "high_tech.",
        ),
        IS_DEMO,
    ),
    ("uscc",),
)

ENTERPRISE_YEARS = SheetSpec(
    "enterprise_years",
    "企业年度数据",
    "enterprise yearly figures",
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
        ),
        money("revenue", "营业收入", "revenue"),
        money("main_revenue", "主营业务收入", "main-business revenue"),
        money("output", "工业总产值", "gross industrial output"),
        money("value_added", "工业增加值", "industrial value added", non_negative=False),
        money("tax", "税收", "tax paid", non_negative=False),
        money("profit", "利润总额", "total profit", non_negative=False),
        C("employees", "从业人员", "employees", "int", unit="人", min_value=0),
        money("rd_spend", "研发经费支出", "R&D spending"),
        C(
            "invention_patents",
            "有效发明专利",
            "invention patents in force",
            "int",
            unit="件",
            min_value=0,
        ),
        C("land_mu", "用地面积", "land", "float", unit="亩", min_value=0.0),
        C("energy_tce", "综合能耗", "energy use", "float", unit="吨标准煤", min_value=0.0),
        C("electricity_mwh", "用电量", "electricity use", "float", unit="兆瓦时", min_value=0.0),
        C(
            "emissions_t",
            "主要污染物排放量",
            "main pollutant emissions",
            "float",
            unit="吨",
            min_value=0.0,
        ),
        C(
            "debt_ratio",
            "资产负债率",
            "debt ratio",
            "float",
            unit="0–1",
            min_value=0.0,
            # liabilities above assets (资不抵债) do happen, so not 1.0; twice the assets is no
            # longer a plausible entry, and 45 (meant as 45 %) must not pass as 4,500 %
            max_value=2.0,
            help_zh="小数，如 0.45 表示 45%。",
            help_en="A fraction: 0.45 means 45%.",
        ),
    ),
    ("uscc", "year"),
    help_zh="企业须已在系统中（先导入企业）。",
    help_en="Enterprises must exist (import them first).",
)

PARKS = SheetSpec(
    "parks",
    "园区",
    "parks",
    (
        C("name", "园区名称", "name", required=True, max_length=200, width=28),
        C("short_name", "简称", "short name", max_length=100),
        C("level", "级别", "level", "choice", required=True, choices="park_level"),
        C("kind", "园区类型", "kind", "choice", choices="park_kind", width=20),
        C("region_code", "所在区县代码", "region code", "region", example="430104"),
        C("area_mu", "规划面积", "area", "float", unit="亩", min_value=0.0),
        C("founded_year", "设立年份", "year founded", "int", min_value=1949, max_value=2100),
        C("main_industries", "主导产业", "main industries", "list", width=24),
        C("special_industries", "特色产业", "special industries", "list", width=24),
        C("source", "信息来源", "source", width=24),
        IS_DEMO,
    ),
    ("name",),
)

CHAINS = SheetSpec(
    "chains",
    "产业链",
    "chains",
    (
        C(
            "code",
            "产业链代码",
            "chain code",
            required=True,
            max_length=32,
            help_zh="简短英文代码，如 construction_machinery。",
            help_en="A short code.",
        ),
        C("name", "产业链名称", "name", required=True, max_length=100, width=20),
        C("kind", "类型", "kind", "choice", choices="chain_kind", width=16),
        C("office", "链办", "chain office", max_length=200, width=20),
        C("chief", "链长", "chain chief", max_length=100),
        C(
            "name_status",
            "名称状态",
            "name status",
            "choice",
            choices="name_status",
            default="assumed",
        ),
        C("source", "信息来源", "source", width=24),
        C("description", "说明", "description", width=30),
        IS_DEMO,
    ),
    ("code",),
)

LINKS = SheetSpec(
    "links",
    "产业链环节",
    "chain links",
    (
        C("chain_code", "产业链代码", "chain code", required=True, ref="chain", max_length=32),
        C("code", "环节代码", "link code", required=True, max_length=32),
        C(
            "parent_code",
            "上级环节代码",
            "parent link code",
            ref="link",
            max_length=32,
            help_zh="同一产业链中的上级环节；空表示顶层环节。",
            help_en="The parent link in the same chain; blank for a top-level link.",
        ),
        C("name", "环节名称", "name", required=True, max_length=100, width=20),
        C("segment", "上中下游", "segment", "choice", required=True, choices="segment"),
        C(
            "industry_codes",
            "行业代码",
            "industry codes",
            "industries",
            width=20,
            help_zh="GB/T 4754-2017 代码，多个用顿号分隔。",
            help_en="GB/T 4754-2017 codes, several.",
        ),
        C("keywords", "关键词", "keywords", "list", width=24),
        C("exclude_keywords", "排除关键词", "exclude keywords", "list", width=20),
        C("key_link", "关键环节", "key link", "bool", default=False, width=10),
        C("sort_order", "排序", "sort order", "int", default=0, width=8),
        C("description", "说明", "description", width=30),
    ),
    ("chain_code", "code"),
    help_zh="产业链须在本文件的“产业链”表或系统中。",
    help_en="Chains come from the chains sheet or the database.",
)

ENTERPRISE_LINKS = SheetSpec(
    "enterprise_links",
    "企业-环节",
    "enterprise to link assignments",
    (
        USCC,
        C("chain_code", "产业链代码", "chain code", required=True, ref="chain", max_length=32),
        C("link_code", "环节代码", "link code", required=True, ref="link", max_length=32),
        C(
            "source",
            "来源",
            "source",
            "choice",
            choices="link_source",
            default="manual",
            help_zh="导入只能是“人工”；“规则”行由映射生成。",
            help_en="Imports are manual; rule rows come from the mapping.",
        ),
        C(
            "confidence",
            "置信度",
            "confidence",
            "float",
            unit="0–1",
            min_value=0.0,
            max_value=1.0,
            default=1.0,
        ),
        C(
            "excluded",
            "排除",
            "excluded",
            "bool",
            default=False,
            help_zh="“是”表示人工判定该企业不属于此环节。",
            help_en="'是' (yes): the enterprise does not belong to this link.",
        ),
        C("note", "备注", "note", width=30),
    ),
    ("uscc", "chain_code", "link_code"),
)

INDICATORS = SheetSpec(
    "indicators",
    "指标",
    "indicators",
    (
        C("code", "指标代码", "indicator code", required=True, max_length=64, width=22),
        C("name", "指标名称", "name", required=True, max_length=200, width=28),
        C("unit", "单位", "unit", required=True, max_length=32, example="亿元", width=10),
        C(
            "aggregation",
            "汇总方式",
            "aggregation",
            "choice",
            choices="aggregation",
            default="cumulative",
        ),
        C("direction", "方向", "direction", "choice", choices="direction", default="higher"),
        C("kind", "类型", "kind", "choice", choices="indicator_kind", default="level"),
        C("owner", "责任单位", "owner", max_length=100, width=20),
        C("frequency", "报送频度", "frequency", "choice", choices="frequency", default="monthly"),
        C(
            "deadline_day",
            "报送截止日",
            "deadline day",
            "int",
            min_value=1,
            max_value=31,
            default=5,
            help_zh="次月几日前报送。",
            help_en="Day of the following month.",
        ),
        C("description", "说明", "description", width=30),
        IS_DEMO,
    ),
    ("code",),
)

PLANS = SheetSpec(
    "plans",
    "规划",
    "plans",
    (
        C("title", "规划名称", "title", required=True, max_length=300, width=40),
        C("region_code", "地区代码", "region code", "region", example="430100"),
        C(
            "period_start",
            "起始年份",
            "first year",
            "int",
            required=True,
            min_value=1949,
            max_value=2100,
        ),
        C(
            "period_end",
            "终止年份",
            "last year",
            "int",
            required=True,
            min_value=1949,
            max_value=2100,
        ),
        C(
            "status",
            "状态",
            "status",
            "choice",
            choices="plan_status",
            default="draft",
            help_zh="新计划填“草稿”；导入目标后在计划页“印发”（gaodi plan adopt），"
            "印发前逐一检查目标。已印发的计划导入时保持“已印发”。",
            help_en="A new plan is a draft; after importing its targets, adopt it on the plan "
            "page (gaodi plan adopt), which checks every target. An adopted plan stays adopted.",
        ),
        C("source_name", "文件名称/文号", "source document", max_length=300, width=30),
        IS_DEMO,
    ),
    ("title",),
)

ACTIONS = SheetSpec(
    "actions",
    "行动",
    "actions",
    (
        C("plan", "规划名称", "plan", required=True, ref="plan", width=40),
        C("number", "行动编号", "number", required=True, max_length=16, width=10),
        C("title", "行动名称", "title", required=True, max_length=300, width=30),
        C("text", "原文", "text", width=40),
        C("sort_order", "排序", "sort order", "int", default=0, width=8),
    ),
    ("plan", "number"),
)

TARGETS = SheetSpec(
    "targets",
    "目标",
    "targets",
    (
        C(
            "plan",
            "规划",
            "plan",
            required=True,
            ref="plan",
            width=30,
            help_zh="规划名称（或系统中的规划编号）。",
            help_en="The plan's title (or its id).",
        ),
        C("action", "行动编号", "action number", ref="action", max_length=16, width=10),
        C("indicator", "指标代码", "indicator code", ref="indicator", max_length=64, width=20),
        C(
            "indicator_name",
            "指标名称",
            "indicator name",
            max_length=200,
            width=24,
            help_zh="无指标代码时必填。",
            help_en="Required when there is no indicator code.",
        ),
        C("value", "目标值", "value", "float", required=True),
        C(
            "value_max",
            "目标上限",
            "upper value",
            "float",
            help_zh="区间目标的上限。",
            help_en="Upper end of a range target.",
        ),
        C("unit", "单位", "unit", required=True, max_length=32, width=10),
        C("year", "目标年份", "year", "int", required=True, min_value=1949, max_value=2100),
        C(
            "comparator",
            "比较",
            "comparator",
            "choice",
            choices="comparator",
            default=">=",
            width=8,
        ),
        C("baseline", "基期值", "baseline", "float"),
        C("baseline_year", "基期年份", "baseline year", "int", min_value=1949, max_value=2100),
        C("scope", "范围", "scope", "choice", choices="target_scope", default="city"),
        C(
            "scope_ref",
            "范围对象",
            "scope object",
            ref="scope",
            width=20,
            help_zh="产业链代码、园区名称、集群名称或统一社会信用代码；全市为空。",
            help_en="Chain code, park name, cluster name or USCC; blank for the city.",
        ),
        C("quote", "规划原文", "quote", width=40),
        C("note", "备注", "note", width=24),
        C(
            "path",
            "评价路径",
            "expected path",
            "choice",
            choices="target_path",
            default="auto",
            width=12,
            help_zh="自动（按规则推断）、线性、复合增长（如“年均增长”）或一次达成（里程碑）。",
            help_en="auto (inferred by the rules), linear, compound growth (e.g. 年均增长) or "
            "met at once (milestone).",
        ),
    ),
    # the indicator is its code, or its name when there is no code
    ("plan", "indicator", "scope", "scope_ref", "year"),
)

OBSERVATIONS = SheetSpec(
    "observations",
    "指标实际值",
    "observations",
    (
        C("indicator", "指标代码", "indicator code", required=True, ref="indicator", width=22),
        C("scope", "范围", "scope", "choice", choices="observation_scope", default="city"),
        C(
            "scope_ref",
            "范围对象",
            "scope object",
            ref="scope",
            width=20,
            help_zh="产业链代码或园区名称；全市为空。",
            help_en="Chain code or park name; blank for the city.",
        ),
        C(
            "period",
            "期间",
            "period",
            "period",
            required=True,
            example="2023-06",
            help_zh="YYYY、YYYY-Qn 或 YYYY-MM，如 2023、2023-Q2、2023-06。",
            help_en="YYYY, YYYY-Qn or YYYY-MM, e.g. 2023, 2023-Q2, 2023-06.",
        ),
        C(
            "value",
            "数值",
            "value",
            "float",
            required=True,
            unit="按指标单位",
            help_zh="单位为指标的单位。",
            help_en="In the indicator's unit.",
        ),
        C(
            "kind",
            "口径",
            "kind",
            "choice",
            choices="observation_kind",
            help_zh="留空则按指标的口径：累计值、当期值或同比增速。",
            help_en="Empty: the indicator's own kind (running total, current value or growth).",
        ),
        C("comment", "说明", "comment", width=30),
        C("source", "数据来源", "source", max_length=200, width=20),
        IS_DEMO,
    ),
    ("indicator", "scope", "scope_ref", "period", "kind"),
    help_zh="已有数值不会被覆盖：数值变化时新增一个修订版本。",
    help_en="Existing values are never overwritten: a changed value becomes a new revision.",
)

E = EntitySpec
ENTITIES: dict[str, EntitySpec] = {
    e.key: e
    for e in (
        E("enterprises", "企业", "enterprises", (ENTERPRISES,), "enterprise"),
        E(
            "enterprise_years",
            "企业年度数据",
            "enterprise yearly figures",
            (ENTERPRISE_YEARS,),
            "enterprise",
        ),
        E("tier_facts", "梯度培育要素", "tier facts", (TIER_FACTS,), "enterprise"),
        E(
            "tier_awards",
            "科技奖励与荣誉",
            "science awards and honours",
            (TIER_AWARDS, TIER_HONOURS),
            "enterprise",
        ),
        E(
            "industry_margins",
            "行业利润率",
            "industry profit margins",
            (INDUSTRY_MARGINS,),
            "region",
        ),
        E("parks", "园区", "parks", (PARKS,), "park"),
        E("chains", "产业链及环节", "chains and their links", (CHAINS, LINKS), "chain"),
        E("links", "产业链环节", "chain links", (LINKS,), "chain"),
        E(
            "enterprise_links",
            "企业-环节",
            "enterprise to link assignments",
            (ENTERPRISE_LINKS,),
            "chain",
            history=True,
        ),
        E("indicators", "指标", "indicators", (INDICATORS,), "plan"),
        E("plans", "规划及行动", "plans and their actions", (PLANS, ACTIONS), "plan"),
        E("actions", "行动", "actions", (ACTIONS,), "plan"),
        E("targets", "目标", "targets", (TARGETS,), "plan"),
        E(
            "observations",
            "指标实际值",
            "observations",
            (OBSERVATIONS,),
            "plan",
            import_action="submit",
            history=True,
        ),
        E(
            "projects",
            "重大项目及年度计划",
            "major projects and their annual plans",
            (PROJECTS, PROJECT_YEAR_PLANS),
            "project",
        ),
        E(
            "project_year_plans",
            "重大项目年度计划投资",
            "annual planned investment of major projects",
            (PROJECT_YEAR_PLANS,),
            "project",
        ),
        E(
            "project_progress",
            "重大项目月度投资",
            "monthly investment of major projects",
            (PROJECT_PROGRESS,),
            "project",
        ),
    )
}


def entity(key: str) -> EntitySpec:
    """The spec of entity ``key``; a clear error naming the known entities otherwise."""
    spec = ENTITIES.get(key.strip().lower().replace("-", "_"))
    if spec is None:
        known = ", ".join(ENTITIES)
        raise ValidationError(
            f"未知的数据类型“{key}”；可用：{known}。",
            f"Unknown entity '{key}'; known entities: {known}.",
        )
    return spec
