"""The column specifications of major projects (重大项目): projects with their stage dates, their
annual planned investment and the investment completed each month.

A project is identified by its name together with its investor (``name`` + ``investor_name``):
project names repeat across investors ("液压件研发及产业化项目"), and an investor's second project
of the same name is its next phase ("（二期）"). The year-plan and progress sheets name the project
the same way. Part of the data dictionary (:mod:`gaodi.exchange.entities`).
"""

from __future__ import annotations

from dataclasses import replace

from gaodi.exchange.columns import IS_DEMO, money
from gaodi.exchange.schema import Column, SheetSpec
from gaodi.projects.projects import MAX_REASON

# A 备注 cell's limit is said in its help only: the projects' batch refuses a longer reason in
# its cell in the form's words (projects.reason_problem), so the column sets no max_length.

C = Column


def _date(
    key: str, zh: str, en: str, help_zh: str = "", help_en: str = "", required: bool = False
) -> Column:
    return C(
        key,
        zh,
        en,
        "date",
        required=required,
        example="2023-03-31",
        help_zh=help_zh,
        help_en=help_en,
        width=13,
    )


PROJECT = C(
    "project",
    "项目名称",
    "project",
    required=True,
    ref="project",
    max_length=200,
    width=30,
    help_zh="与“投资方”一起确定一个重大项目。",
    help_en="With the investor, names one major project.",
)
INVESTOR = C(
    "investor_name",
    "投资方",
    "investor",
    required=True,
    max_length=200,
    width=26,
    help_zh="投资主体名称，与项目名称一起确定一个项目。",
    help_en="The investor's name; with the project name it identifies a project.",
)

PROJECTS = SheetSpec(
    "projects",
    "重大项目",
    "major projects",
    (
        C(
            "name",
            "项目名称",
            "project name",
            required=True,
            max_length=200,
            width=30,
            example="示例液压件生产基地项目",
        ),
        INVESTOR,
        C(
            "investor_uscc",
            "投资方统一社会信用代码",
            "investor USCC",
            "uscc",
            width=22,
            help_zh="可不填；填写时须为18位，末位为校验位（GB 32100-2015）。",
            help_en="Optional; 18 characters, the last a check character (GB 32100-2015).",
        ),
        C("chain_code", "产业链代码", "chain code", required=True, ref="chain", max_length=32),
        C(
            "link_code",
            "环节代码",
            "link code",
            ref="link",
            max_length=32,
            help_zh="项目补强的环节，须属于该产业链；可不填。",
            help_en="The link the project fills; it must belong to the chain. Optional.",
        ),
        C(
            "park",
            "所在园区",
            "park",
            ref="park",
            max_length=200,
            width=24,
            help_zh="园区全称（或唯一的简称），须已在系统中；园区用户只能导入本园区的项目。",
            help_en="The park's full (or unique short) name; the park must exist. A park "
            "office imports only its own parks' projects.",
        ),
        C(
            "total_investment",
            "总投资",
            "total investment",
            "float",
            required=True,
            unit="万元",
            min_value=0.0,
            width=16,
            help_zh="单位：万元，须大于 0。",
            help_en="In 万元 (10,000 yuan); more than 0.",
        ),
        C(
            "stage",
            "阶段",
            "stage",
            "choice",
            choices="project_stage",
            width=10,
            help_zh="须与实际日期相符：最后一个填有实际日期的阶段。留空则按实际日期推定。",
            help_en="Must agree with the actual dates: the last stage with an actual date. "
            "Blank: taken from the actual dates.",
        ),
        _date(
            "signed_on",
            "签约日期",
            "signed on",
            "签约即登记项目，签约日期既是计划日期也是实际日期。",
            "A project is registered when signed: the signing date is both its planned and "
            "actual date.",
            required=True,
        ),
        _date("planned_start_on", "计划开工日期", "planned start"),
        _date("started_on", "实际开工日期", "started on"),
        _date("planned_producing_on", "计划投产日期", "planned production"),
        _date("producing_on", "实际投产日期", "producing since"),
        _date("planned_full_output_on", "计划达效日期", "planned full output"),
        _date("full_output_on", "实际达效日期", "at full output since"),
        C("description", "项目说明", "description", width=30),
        IS_DEMO,
    ),
    ("name", "investor_name"),
    help_zh="阶段依次为签约、开工、投产、达效：后一阶段的实际日期须有前一阶段的实际日期，且不早于它；"
    "实际日期不能晚于今天。已记录的实际日期不能由导入修改；更新（upsert）时新填的实际日期按顺序推进阶段，"
    "并记入项目历史。",
    help_en="Stages run signed, started, producing, at full output: a stage's actual date needs "
    "the earlier stage's and is not before it; actual dates are not in the future. An import "
    "does not change an actual date already recorded; in upsert mode new actual dates advance "
    "the stage in order, each step in the project's history.",
)

PROJECT_YEAR_PLANS = SheetSpec(
    "project_year_plans",
    "年度计划投资",
    "annual planned investment",
    (
        PROJECT,
        INVESTOR,
        C("year", "年度", "year", "int", required=True, min_value=1900, max_value=2100, width=8),
        C(
            "amount",
            "年度计划投资",
            "annual planned investment",
            "float",
            required=True,
            unit="万元",
            min_value=0.0,
            width=16,
            help_zh="单位：万元。",
            help_en="In 万元 (10,000 yuan).",
        ),
        C(
            "note",
            "备注",
            "note",
            width=30,
            help_zh="更正已有的年度计划时必填：更正原因（记入项目历史），"
            f"最多 {MAX_REASON:,} 个字符。",
            help_en="Required when it corrects a stored plan: the reason (kept in the project's "
            f"history), at most {MAX_REASON:,} characters.",
        ),
    ),
    ("project", "investor_name", "year"),
    help_zh="项目须在本文件的“重大项目”表或系统中。更正已有年度计划须在备注中写明原因，"
    "更正前的数额记入项目历史。",
    help_en="Projects come from the projects sheet or the database. Correcting a stored plan "
    "needs the reason in the note; the project's history keeps the amount it replaced.",
)

PROJECT_PROGRESS = SheetSpec(
    "project_progress",
    "月度投资",
    "monthly investment completed",
    (
        PROJECT,
        INVESTOR,
        C(
            "period",
            "月份",
            "month",
            "month",
            required=True,
            example="2023-06",
            width=10,
            help_zh="YYYY-MM，如 2023-06；须是已结束的月份（当月结束后才填报）。",
            help_en="YYYY-MM, e.g. 2023-06; a month that has ended (reported once it is over).",
        ),
        replace(
            money("amount", "当月完成投资", "investment completed in the month"), required=True
        ),
        C(
            "note",
            "备注",
            "note",
            width=30,
            help_zh="更正已填报的月份时必填：更正原因（记入项目历史），"
            f"最多 {MAX_REASON:,} 个字符。",
            help_en="Required when it corrects a month already reported: the reason (kept in the "
            f"project's history), at most {MAX_REASON:,} characters.",
        ),
    ),
    ("project", "investor_name", "period"),
    help_zh="项目须已在系统中（先导入重大项目）。已填报的月份只在更新（upsert）方式下更正，"
    "更正前的数额记入项目历史。",
    help_en="Projects must exist (import them first). A month already reported is corrected "
    "only in upsert mode; the project's history keeps the amount it replaced.",
)
