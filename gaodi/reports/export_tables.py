"""Excel exports of the existing pages' tables (registered through :mod:`gaodi.reports.exports`).

Each export writes what its page shows, from the page function's own result (so the same
filters and permissions apply); a paginated list (enterprises, appeals) is written whole, with
the page's filters. Units are in the headers; money columns keep the page's unit. A page whose
feature is not installed is skipped. The parks and smart-manufacturing features ship their
own workbooks (``/parks.xlsx``, the smart registries' exports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from gaodi.core import clock
from gaodi.core.units import unit_words
from gaodi.reports.common import optional_module
from gaodi.reports.exports import TextFn, register_export
from gaodi.reports.lang import Lang
from gaodi.reports.model import STATUS_CHOICES, Column
from gaodi.reports.xlsx import Sheet
from gaodi.ui.web.context import PageContext

MAX_ROWS = 100_000


def _tr(ctx: PageContext) -> Lang:
    return Lang("zh" if ctx.lang == "zh" else "en")


def _page(module: str, name: str) -> Callable[..., Any] | None:
    found = optional_module(module)
    fn = getattr(found, name, None) if found is not None else None
    return fn if fn is not None and hasattr(fn, "__gaodi_page__") else None


# The words a code has on its page, so a download never shows a code its page shows in words:
# the pages' own msgids, read through the catalog in the export's language.
def _tags(ctx: PageContext, tags: list[str]) -> list[str]:
    """Enterprise tags as /enterprises shows them (gaodi.enterprises.views.TAG_LABELS)."""
    labels = getattr(optional_module("gaodi.enterprises.views"), "TAG_LABELS", {})
    return [ctx._(labels[t]) if t in labels else t for t in tags]


#: Submission statuses and observation scopes as /plans/submissions and /plans/entry name them.
_SUBMISSION_STATUS = {
    "expected": "expected",
    "submitted": "state|submitted",
    "approved": "approved",
    "returned": "state|returned",
}
_SCOPES = {
    "city": "scope|city",
    "chain": "scope|chain",
    "park": "scope|park",
    "cluster": "scope|cluster",
    "enterprise": "scope|enterprise",
}


def _unit(ctx: PageContext, unit: str | None) -> str | None:
    """An indicator's stored unit as the plans pages show it (gaodi.core.units)."""
    return unit_words(unit, ctx.lang) if unit else unit


def _scope(ctx: PageContext, scope: str, scope_id: int) -> str:
    word = ctx._(_SCOPES[scope]) if scope in _SCOPES else scope
    return word if scope == "city" or not scope_id else f"{word} #{scope_id}"


def _day(text: str | None) -> dt.date | str | None:
    """An ISO date as a date (an Excel date cell), anything else as it is."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return text


def _criterion_unit(tr: Lang, unit: str) -> str | None:
    """A ranking criterion's unit in the header: a ratio is written as a percentage (the rank
    page shows 1.4%), so its column is formatted as one and needs no unit word."""
    if not unit or unit == "ratio":
        return None
    return unit_words(unit, tr.code)


def _shortfall(m: Any, tr: Lang) -> str:
    """What a missed tier criterion falls short by, with its unit in words (a ratio in
    percentage points, as the criterion's threshold is read), written as the eligibility page
    writes it (enterprises.criteria_format.plain_number: grouping, no e-notation)."""
    if m.shortfall is None:
        return ""
    plain = getattr(optional_module("gaodi.enterprises.criteria_format"), "plain_number", None)

    def number(value: float, scale: int = 0) -> str:
        return plain(value, 2, scale=scale) if plain else f"{value * 10**scale:g}"

    if m.unit == "ratio":
        points = number(m.shortfall, scale=2)
        return tr(f"（差{points}个百分点）", f" (short by {points} percentage points)")
    if m.unit == "万元" and not tr.zh:
        # as the page says it in English: 349.7 万元 is 3.497 million yuan
        millions = plain(m.shortfall, 3, scale=-2) if plain else f"{m.shortfall / 100:g}"
        return f" (short by {millions} million yuan)"
    amount = number(m.shortfall)
    unit = unit_words(m.unit, tr.code)
    return tr(f"（差{amount}{unit}）", f" (short by {amount} {unit})".rstrip())


# ---------------------------------------------------------------------------- plans
def _board_sheets(ctx: PageContext, board: Any) -> list[Sheet]:
    tr = _tr(ctx)
    # figures with the digits that tell them from their target (0.3645 beside 0.36): up to four
    # decimals where the figure has them, as the board page writes them
    c = [
        Column(tr("行动", "Action"), width=2),
        Column(tr("指标", "Indicator")),
        Column(tr("指标代码", "Code")),
        Column(tr("责任单位", "Owner")),
        Column(tr("单位", "Unit")),
        Column(tr("期间", "Window")),
        Column(tr("比较", "Comparator")),
        Column(tr("目标值", "Target"), fmt="number", significant=4),
        Column(tr("基期值", "Baseline"), fmt="number", significant=4),
        Column(tr("实际值", "Actual"), fmt="number", significant=4),
        Column(tr("实际值期间", "Actual period")),
        Column(tr("完成率", "Completion"), fmt="percent"),
        Column(tr("序时进度", "Time progress"), fmt="percent"),
        Column(tr("序时目标值", "Expected value"), fmt="number", significant=4),
        Column(tr("差距", "Gap"), fmt="number", significant=4),
        Column(tr("状态", "Status"), fmt="status"),
        Column(tr("预测值", "Forecast"), fmt="number", significant=4),
        Column(tr("预测下限", "Forecast lower"), fmt="number", significant=4),
        Column(tr("预测上限", "Forecast upper"), fmt="number", significant=4),
        Column(tr("达成概率", "Probability"), fmt="percent"),
        Column(tr("逾期未报期间", "Overdue periods")),
        # every light says why, and a forecast without an interval says why it has none
        # (docs/methods/progress.md), in the export's language as on the page
        Column(tr("状态说明", "Reason")),
        Column(tr("预测说明", "Forecast note")),
    ]
    rows = [
        [f"{a.number} {a.title}" if a.number is not None else tr("未归入行动", "No action"),
         r.indicator_name, r.indicator_code, r.owner,
         _unit(ctx, r.unit), r.window, r.comparator, r.target, r.baseline, r.actual,
         r.actual_period,
         r.completion, r.time_progress, r.expected_value, r.gap, r.status, r.forecast,
         r.forecast_lower, r.forecast_upper, r.probability, r.overdue_periods,
         tr(r.reason_zh, r.reason_en), tr(r.forecast_note_zh, r.forecast_note_en)]
        for a in board.actions
        for r in a.rows
    ]  # fmt: skip
    return [Sheet(tr("看板", "Board"), c, rows)]


#: The board's status filter values as its page names them (plans/templates/plans/board.html).
_BOARD_STATUS = {
    "green": "green",
    "yellow": "yellow",
    "red": "red",
    "not_due": "light|not due",
    "at_risk": "light|at risk",
    "no_data": "no data",
}


def _board_filters(ctx: PageContext, f: Any) -> str:
    """The board's filters in the page's words (「状态：红灯；责任单位：市工信局」)."""
    tr = _tr(ctx)
    sep = tr("：", ": ")
    parts = []
    if f.status:
        word = ctx._(_BOARD_STATUS[f.status]) if f.status in _BOARD_STATUS else None
        parts.append(f"{ctx._('Status')}{sep}{word or STATUS_CHOICES.label(f.status, tr.code)}")
    if f.owner:
        parts.append(f"{ctx._('Owner')}{sep}{f.owner}")
    if f.action:
        parts.append(f"{ctx._('plan action|Action')}{sep}{f.action}")
    if f.overdue_only:
        parts.append(ctx._("Overdue only"))
    return tr("；", "; ").join(parts) or tr("无（全部目标）", "none (every target)")


def _board_provenance(ctx: PageContext, board: Any) -> list[tuple[str, Any]]:
    """As the monthly report states the board it uses: the day the values were known, what was
    counted and the forecast in words, not the engine's parameter codes."""
    from gaodi.plans import provenance_words as words

    tr = _tr(ctx)
    p = board.provenance
    params = p.parameters
    known = _day(board.known_on)
    if isinstance(known, dt.date):
        known_words = tr(
            f"{tr.date(known)}（按该日已报送的数据及其当日的审核状态重出）",
            f"{tr.date(known)} (as the board stood that day: the values sent by then, each "
            "with the review status it had then)",
        )
    else:
        today = tr.date(clock.today())
        known_words = tr(f"{today}（今天：使用至今已报送的全部数据）",
                         f"{today} (today: every value sent so far)")  # fmt: skip
    return [
        (tr("计划", "Plan"), board.plan_title),
        (tr("截至", "As of"), board.as_of),
        (tr("数据已知日", "Known on"), known_words),
        (tr("数据截至", "Data as of"), p.data_as_of_words(tr.code)),
        (tr("红黄绿灯规则版本", "Traffic-light rules"), p.rules_version),
        (tr("合理性校验规则版本", "Plausibility rules"), p.plausibility_version),
        (tr("评价所用数据", "Values used"),
         words.used_words(p.n_observations, p.n_unapproved, params, tr)),
        (tr("预测方法", "Forecast"), words.forecast_words(params, tr)),
        (tr("筛选", "Filters"), _board_filters(ctx, board.filters)),
        # stored values the board leaves out (not finite numbers), named so they get corrected,
        # as the board page and the CLI workbook name them
        *((tr("未计入的无效值", "Value left out"), tr(v.reason_zh, v.reason_en))
          for v in p.set_aside),
    ]  # fmt: skip


def _tasks_sheets(ctx: PageContext, tasks: Any) -> list[Sheet]:
    tr = _tr(ctx)
    c = [
        Column(tr("责任单位", "Owner")),
        Column(tr("指标", "Indicator")),
        Column(tr("指标代码", "Code")),
        Column(tr("单位", "Unit")),
        Column(tr("范围", "Scope")),
        Column(tr("期间", "Period")),
        Column(tr("截止日", "Due"), fmt="date"),
        Column(tr("状态", "Status")),
        Column(tr("逾期", "Overdue")),
        Column(tr("退回意见", "Review comment")),
    ]
    yes, no = tr("是", "yes"), tr("否", "no")

    def row(owner: str | None, r: Any) -> list[Any]:
        status = ctx._(_SUBMISSION_STATUS[r.status]) if r.status in _SUBMISSION_STATUS else r.status
        scope = _scope(ctx, r.scope, r.scope_id)
        return [owner, r.indicator_name, r.indicator_code, _unit(ctx, r.unit), scope, r.period,
                _day(r.due), status, yes if r.overdue else no, r.review_comment]  # fmt: skip

    rows = [row(o.owner, r) for o in tasks.owners for r in o.rows]
    review = [row(r.owner, r) for r in tasks.to_review]
    return [Sheet(tr("待报送", "To report"), c, rows), Sheet(tr("待审核", "To review"), c, review)]


def _completeness_sheets(ctx: PageContext, comp: Any) -> list[Sheet]:
    tr = _tr(ctx)
    c = [
        Column(tr("责任单位", "Owner")),
        Column(tr("期间", "Period")),
        Column(tr("应报", "Expected"), fmt="int"),
        Column(tr("已报", "Submitted"), fmt="int"),
        Column(tr("已审核", "Approved"), fmt="int"),
        Column(tr("退回", "Returned"), fmt="int"),
        Column(tr("逾期", "Overdue"), fmt="int"),
    ]
    rows = [
        [owner, period, cell.expected, cell.submitted, cell.approved, cell.returned, cell.overdue]
        for owner in comp.owners
        for period in comp.periods
        if (cell := comp.cells.get(owner, {}).get(period)) is not None
    ]
    return [Sheet(tr("报送完整性", "Completeness"), c, rows)]


# ---------------------------------------------------------------------------- chains
def _chains_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    from gaodi.reports.sections_chain import summary_columns

    tr = _tr(ctx)
    rows = [
        [r.chain.name, r.n_links, r.enterprises, r.output, r.completeness, r.strength,
         r.n_missing, r.n_weak, r.missing_key_links]
        for r in page.summary.chains
    ]  # fmt: skip
    return [Sheet(tr("产业链", "Chains"), summary_columns(tr), rows)]


def _chain_provenance(p: Any, tr: Lang) -> list[tuple[str, Any]]:
    return [
        (tr("企业数据年份", "Figures of"), p.year),
        (tr("诊断规则", "Rules"), p.rules),
        (tr("对标方式", "Benchmark"), p.benchmark_label_zh if tr.zh else p.benchmark_label_en),
        # the city's today, not the service's wall-clock stamp (one clock for every figure)
        (tr("诊断截至", "Diagnosed as of"), tr.date(clock.today())),
    ]


def _chain_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    from gaodi.reports import sections_chain as sc

    tr = _tr(ctx)
    d = page.diagnosis
    recs = [sc._rec_row(r, tr) for r in d.recommendations]
    return [
        Sheet(tr("环节诊断", "Links"), sc.link_columns(tr), sc.link_rows(d, tr)),
        Sheet(tr("建议", "Recommendations"), sc.recommendation_columns(tr, False), recs),
    ]


# ---------------------------------------------------------------------------- parks
#: The reason kinds of the 亩均 evaluation's left-out firms, in the page's words
#: (gaodi/parks/templates/parks/_parts.html, ``reason``).
_EXCLUDED_REASONS = {
    "not_industrial": "not an industrial enterprise",
    "no_land": "no land recorded",
    "missing": "figures missing",
    "below_land": "below the land threshold",
    "no_scheme": "no scheme applies",
}


def _excluded_provenance(ctx: PageContext, page: Any) -> list[tuple[str, Any]]:
    """Year, scheme, the park and reason filters in words, the row count, and the export's
    limit when the list is longer than one file holds."""
    tr = _tr(ctx)
    reason = None
    if page.reason:
        kind = page.reason.split(":", 1)[0]
        reason = ctx._(_EXCLUDED_REASONS[kind]) if kind in _EXCLUDED_REASONS else page.reason
    lines: list[tuple[str, Any]] = [
        (tr("年份", "Year"), page.year),
        (tr("评价方案", "Scheme"), page.scheme_labels.get(page.scheme, page.scheme)),
        (tr("园区", "Park"), page.park_name or tr("全部园区", "every park")),
        (tr("原因", "Reason"), reason or tr("全部原因", "every reason")),
        (tr("企业数", "Enterprises"), page.total),
    ]
    if page.total > MAX_ROWS:
        lines.append((
            tr("导出上限", "Export limit"),
            tr(f"共{page.total:,}家，超过一次导出的上限{MAX_ROWS:,}家：本文件只有前{MAX_ROWS:,}家。"
               "请按园区或原因筛选后分批导出。",
               f"{page.total:,} enterprises, more than the {MAX_ROWS:,} one export holds: this "
               f"file has the first {MAX_ROWS:,}. Choose a park or a reason and export in parts."),
        ))  # fmt: skip
    return lines


def _excluded_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    """Every firm the 亩均 evaluation leaves out (the page shows them a page at a time)."""
    from gaodi.parks import service

    tr = _tr(ctx)
    assert ctx.principal is not None
    state = service.compute(ctx.session, ctx.principal, year=page.year, scheme=page.scheme)
    # the page's park too: /parks/excluded?park=2 is that park's list, not the city's
    rows = service.excluded_enterprises(
        ctx.session, ctx.principal, park_id=page.park_id, state=state
    )
    if page.reason:
        rows = [r for r in rows if r.reason.split(":", 1)[0] == page.reason]
    records = [
        {
            "uscc": r.uscc,
            "name": r.name,
            "land_mu": r.land_mu,
            "reason": tr(r.reason_zh, r.reason_en),
        }
        for r in rows[:MAX_ROWS]
    ]
    c = [
        Column(tr("统一社会信用代码", "USCC"), key="uscc"),
        Column(tr("企业", "Enterprise"), key="name"),
        Column(tr("用地", "Land"), unit=tr("亩", "mu"), fmt="number", key="land_mu"),
        Column(tr("原因", "Reason"), key="reason"),
    ]
    return [Sheet(tr("未参评企业", "Not evaluated"), c, records)]


# ---------------------------------------------------------------------------- enterprises
def _enterprise_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    """The whole list the page pages through, in its order: one query (the page's scope and
    filters), its rows written as they are read, at most MAX_ROWS (说明 says so when cut)."""
    from gaodi.enterprises import service

    tr = _tr(ctx)
    assert ctx.principal is not None
    c = [
        Column(tr("统一社会信用代码", "USCC"), key="uscc"),
        Column(tr("企业", "Enterprise"), key="name"),
        Column(tr("园区", "Park"), key="park"),
        Column(tr("行业代码", "Industry code"), key="industry_code"),
        Column(tr("行业", "Industry"), key="industry_name"),
        Column(tr("标签", "Tags"), key="tags"),
        Column(tr("产业链", "Chains"), key="chains"),
        Column(tr("年份", "Year"), key="year"),
        Column(tr("营业收入", "Revenue"), unit=tr("万元", "10k yuan"), fmt="number", key="revenue"),
        Column(tr("产值", "Output"), unit=tr("万元", "10k yuan"), fmt="number", key="output"),
    ]
    rows = service.search_all(ctx.session, ctx.principal, page.filters, MAX_ROWS)
    records = ({**r.model_dump(), "tags": _tags(ctx, r.tags)} for r in rows)
    return [Sheet(tr("企业", "Enterprises"), c, records)]


#: The list's orders (EnterpriseFilter.sort) in words.
_ENTERPRISE_SORTS = {
    "name": ("企业名称", "name"),
    "uscc": ("统一社会信用代码", "USCC"),
    "park": ("园区", "park"),
    "industry": ("行业代码", "industry code"),
    "revenue": ("营业收入", "revenue"),
}


def _option_label(options: list[Any], value: Any) -> str | None:
    return next((o.label for o in options if str(o.value) == str(value)), None)


def _enterprise_provenance(ctx: PageContext, page: Any) -> list[tuple[str, Any]]:
    """Which year's figures, which day's chain membership, the filters and the row count."""
    tr = _tr(ctx)
    f, result = page.filters, page.result
    year = next((r.year for r in result.rows if r.year is not None), None)
    filters: list[str] = []
    if f.q and f.q.strip():
        q = f.q.strip()
        filters.append(tr(f"名称或代码含“{q}”", f"name or USCC containing '{q}'"))
    if f.chain:
        chain = _option_label(page.chains, f.chain) or f.chain
        filters.append(tr(f"产业链：{chain}", f"chain: {chain}"))
    if f.park is not None:
        park = _option_label(getattr(page, "parks", []), f.park) or f"#{f.park}"
        filters.append(tr(f"园区：{park}", f"park: {park}"))
    if f.tag and f.tag.strip():
        tag = _tags(ctx, [f.tag.strip()])[0]
        filters.append(tr(f"标签：{tag}", f"tag: {tag}"))
    key = (f.sort or "name").lstrip("-")
    order = tr(*_ENTERPRISE_SORTS.get(key, (key, key)))
    descending = bool(f.sort and f.sort.startswith("-"))
    today = tr.date(clock.today())
    none = tr("无（全部可见企业）", "none (every enterprise you may see)")
    lines: list[tuple[str, Any]] = [
        (tr("数据年份", "Figures of"),
         tr(f"{year}年（营业收入、产值为该年数据）", f"{year} (revenue and output of that year)")
         if year is not None else "—"),
        (tr("产业链归属", "Chain membership"),
         tr(f"按{today}（今天）的归属", f"as of {today} (today)")),
        (tr("筛选", "Filters"), tr("；", "; ").join(filters) or none),
        (tr("排序", "Order"), tr(f"按{order}{'降序' if descending else '升序'}",
                                f"by {order}, {'descending' if descending else 'ascending'}")),
        # as the list page counts them (共 30,000 家企业)
        (tr("企业数", "Enterprises"), tr(f"{result.total:,}家", f"{result.total:,}")),
    ]  # fmt: skip
    if result.total > MAX_ROWS:
        lines.append((
            tr("导出上限", "Export limit"),
            tr(f"共{result.total:,}家，超过一次导出的上限{MAX_ROWS:,}家：本文件只有按上述排序的前"
               f"{MAX_ROWS:,}家。请加筛选条件（产业链、园区、标签）分批导出。",
               f"{result.total:,} enterprises, more than the {MAX_ROWS:,} one export holds: this "
               f"file has the first {MAX_ROWS:,} in the order above. Add a filter (chain, park, "
               "tag) and export in parts."),
        ))  # fmt: skip
    return lines


#: Criterion units that count things (patents, people): whole numbers, as the page shows them.
_COUNT_UNITS = frozenset({"件", "人", "个", "项", "家"})


def _criterion_column(tr: Lang, k: Any) -> Column:
    """A ranking criterion's column, formatted as the rank page writes it: a ratio as a
    percentage, a count as a whole number, an amount with its decimals."""
    label, unit = tr(k.label_zh, k.label_en), _criterion_unit(tr, k.unit)
    if k.unit == "ratio":
        return Column(label, fmt="percent")
    return Column(label, unit=unit, fmt="int" if k.unit in _COUNT_UNITS else "number")


def _weight_source(tr: Lang, text: str) -> str:
    """Where a weight comes from, in the file's language: the rule file's own "Gaodi default"
    note points at "this file" (the YAML), which the reader of a workbook does not hold."""
    from gaodi.enterprises.params import load_leader_rules

    rules = load_leader_rules()
    key = next((k for k, v in rules.sources.items() if v == text), None)
    if key == "gaodi_default":
        return tr(
            f"高地默认权重（未找到官方的头羊评分方案；依据见规则文件 {rules.name}.yaml 的说明）",
            f"Gaodi default weight (no official scheme was found; see the notes of the rule "
            f"file {rules.name}.yaml)",
        )
    return text


def _rank_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    tr = _tr(ctx)
    r = page.result
    # TOPSIS methods give each firm its distances, which the page shows (D+, D−)
    topsis = bool(r.rows) and r.rows[0].d_plus is not None
    # the score with the page's three decimals, the distances with its four
    c = [Column(tr("名次", "Rank"), fmt="int"), Column(tr("统一社会信用代码", "USCC")),
         Column(tr("企业", "Enterprise")),
         Column(tr("得分", "Score"), fmt="number", significant=3),
         *([Column("D+", fmt="number", significant=4), Column("D−", fmt="number", significant=4)]
           if topsis else []),
         Column(tr("标签", "Tags")), *[_criterion_column(tr, k) for k in r.criteria]]  # fmt: skip
    rows = [[x.rank, x.uscc, x.name, round(x.score, 3),
             *([_round(x.d_plus, 4), _round(x.d_minus, 4)] if topsis else []),
             _tags(ctx, x.tags), *[x.values.get(k.name) for k in r.criteria]]
            for x in r.rows]  # fmt: skip
    direction = {"benefit": tr("越高越好", "higher is better"),
                 "cost": tr("越低越好", "lower is better")}  # fmt: skip
    weights = [[tr(k.label_zh, k.label_en), direction.get(k.direction, k.direction),
                "%" if k.unit == "ratio" else _criterion_unit(tr, k.unit), round(k.weight, 3),
                _weight_source(tr, k.source)]
               for k in r.criteria]  # fmt: skip
    wc = [Column(tr("指标", "Criterion")), Column(tr("方向", "Direction")),
          Column(tr("单位", "Unit")), Column(tr("权重", "Weight"), fmt="number", significant=3),
          Column(tr("来源", "Source"))]  # fmt: skip
    return [Sheet(tr("头羊排名", "Ranking"), c, rows), Sheet(tr("权重", "Weights"), wc, weights)]


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _rank_provenance(ctx: PageContext, page: Any) -> list[tuple[str, Any]]:
    """The method the page ranked by, so the figures can be derived again from the sheets."""
    from gaodi.enterprises.schemas import RANKED_VISIBLE

    tr = _tr(ctx)
    r = page.result
    topsis = bool(r.rows) and r.rows[0].d_plus is not None
    chain = _option_label(page.chains, r.chain) if r.chain else None
    lines: list[tuple[str, Any]] = [
        (tr("规则", "Rules"), r.rules),
        (tr("年份", "Year"), r.year),
        (tr("方法", "Method"), tr(r.method_label_zh, r.method_label_en)),
    ]
    if r.normalisation:
        lines.append((tr("熵权标准化", "Entropy normalisation"),
                      tr(r.normalisation_label_zh or r.normalisation,
                         r.normalisation_label_en or r.normalisation)))  # fmt: skip
    if topsis:
        score = tr("TOPSIS 贴近度 C = D− / (D+ + D−)（向量标准化）；D+、D− 为到正、负理想解的"
                   "加权距离",
                   "TOPSIS closeness C = D− / (D+ + D−) (vector normalisation); D+ and D− are "
                   "the weighted distances to the ideal and anti-ideal points")  # fmt: skip
        lines.append((tr("得分", "Score"), score))
    lines += [
        (tr("范围", "Ranked"),
         tr(f"产业链：{chain or r.chain}", f"chain: {chain or r.chain}") if r.chain
         else tr(*RANKED_VISIBLE)),
        (tr("参与排序", "Ranked firms"),
         tr(f"{r.population - r.excluded}家（列出前{len(r.rows)}名）",
            f"{r.population - r.excluded} (the first {len(r.rows)} listed)")),
        (tr("未参与排序", "Not ranked"), tr(r.excluded_reason_zh, r.excluded_reason_en)),
    ]  # fmt: skip
    if r.note_zh:
        lines.append((tr("说明", "Note"), tr(r.note_zh, r.note_en or r.note_zh)))
    return lines


def _eligibility_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    tr = _tr(ctx)
    rep = page.report
    yes, no = tr("是", "yes"), tr("否", "no")
    lc = [Column(tr("层级", "Level")), Column(tr("版本", "Version")),
          Column(tr("文件", "Document")), Column(tr("评估", "Evaluated"), fmt="int"),
          Column(tr("不适用", "Not applicable")),
          Column(tr("达标", "Qualify"), fmt="int"), Column(tr("接近", "Nearly"), fmt="int"),
          Column(tr("无法判定", "Undetermined"), fmt="int"),
          Column(tr("已有称号", "Hold the title"), fmt="int")]  # fmt: skip
    # — for a tier without a size test (规上, 单项冠军): the column does not apply to it
    levels = [[tr(lv.name_zh, lv.name_en), lv.version, lv.document, lv.evaluated,
               "—" if lv.not_applicable is None else lv.not_applicable,
               lv.qualifies, lv.nearly, lv.undetermined, lv.holds_tag]
              for lv in rep.levels]  # fmt: skip
    rc = [Column(tr("统一社会信用代码", "USCC")), Column(tr("企业", "Enterprise")),
          Column(tr("达标", "Qualifies")), Column(tr("接近", "Nearly")),
          Column(tr("得分", "Score"), fmt="number"), Column(tr("未达标项", "Missed"))]  # fmt: skip
    rows = [
        [r.uscc, r.name, yes if r.qualifies else no, yes if r.nearly_qualifies else no, r.score,
         [tr(m.label_zh, m.label_en) + _shortfall(m, tr) for m in r.missed]]
        for r in rep.rows
    ]  # fmt: skip
    return [Sheet(tr("层级", "Levels"), lc, levels), Sheet(tr("企业", "Enterprises"), rc, rows)]


# ---------------------------------------------------------------------------- act
def _projects_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    tr = _tr(ctx)
    wan = tr("万元", "10k yuan")
    c = [Column(tr("项目", "Project")), Column(tr("产业链", "Chain")), Column(tr("环节", "Link")),
         Column(tr("园区", "Park")), Column(tr("投资方", "Investor")), Column(tr("阶段", "Stage")),
         Column(tr("总投资", "Total investment"), unit=wan, fmt="number"),
         Column(tr("年度计划投资", "Annual plan"), unit=wan, fmt="number"),
         Column(tr("本年完成", "Completed this year"), unit=wan, fmt="number"),
         Column(tr("累计完成", "Completed to date"), unit=wan, fmt="number"),
         Column(tr("滞后", "Delayed")), Column(tr("滞后原因", "Why delayed"))]  # fmt: skip
    rows = [
        [p.name, p.chain_name, p.link_name, p.park_name, p.investor_name,
         tr(p.stage_zh, p.stage_en), p.total_investment, p.year_plan, p.completed_year,
         p.completed_total,
         tr("是", "yes") if p.delayed else tr("否", "no"),
         [d.reason_zh if tr.zh else d.reason_en for d in p.delays]]
        for p in page.rows
    ]  # fmt: skip
    rc = [Column(tr("分组", "Group")), Column(tr("项目数", "Projects"), fmt="int"),
          Column(tr("滞后", "Delayed"), fmt="int"),
          Column(tr("总投资", "Total investment"), unit=wan, fmt="number"),
          Column(tr("年度计划投资", "Annual plan"), unit=wan, fmt="number"),
          Column(tr("本年完成", "Completed this year"), unit=wan, fmt="number"),
          Column(tr("累计完成", "Completed to date"), unit=wan, fmt="number")]  # fmt: skip
    roll = [[r.label, r.count, r.delayed, r.total_investment, r.year_plan, r.completed_year,
             r.completed_total] for r in page.rollup]  # fmt: skip
    return [Sheet(tr("重大项目", "Projects"), c, rows), Sheet(tr("汇总", "Roll-up"), rc, roll)]


def _as_of(ctx: PageContext, page: Any) -> list[tuple[str, Any]]:
    return [(_tr(ctx)("判定日期", "As of"), page.as_of.day)]


def _challenges_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    tr = _tr(ctx)
    c = [Column(tr("榜单", "Challenge")), Column(tr("产业链", "Chain")),
         Column(tr("环节", "Link")), Column(tr("榜额", "Budget"), unit=tr("万元", "10k yuan"),
                                            fmt="number"),
         Column(tr("截止日期", "Deadline"), fmt="date"), Column(tr("状态", "Status")),
         Column(tr("申请数", "Applications"), fmt="int"),
         Column(tr("节点", "Milestones"), fmt="int"),
         Column(tr("逾期节点", "Milestones overdue"), fmt="int"),
         Column(tr("揭榜方", "Awardee"))]  # fmt: skip
    rows = [[x.title, x.chain_name, x.link_name, x.budget, x.deadline, tr(x.status_zh, x.status_en),
             x.applications, x.milestones, x.milestones_overdue, x.awardee]
            for x in page.rows]  # fmt: skip
    return [Sheet(tr("揭榜挂帅", "Challenges"), c, rows)]


def _appeals_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    from gaodi.projects import appeal_queries
    from gaodi.projects.schemas import AppealFilter

    tr = _tr(ctx)
    assert ctx.principal is not None
    params = ctx.request.query_params
    fields = ("status", "category", "department", "chain_id", "park_id", "year", "overdue",
              "level", "q")  # fmt: skip
    flt = AppealFilter.model_validate({k: params[k] for k in fields if params.get(k)})
    rows_in = appeal_queries.list_appeals(ctx.session, ctx.principal, flt, page.as_of.day,
                                          limit=MAX_ROWS, lang=ctx.lang)  # fmt: skip
    c = [Column(tr("编号", "Id"), fmt="int"), Column(tr("诉求", "Appeal")),
         Column(tr("类别", "Category")), Column(tr("企业", "Enterprise")),
         Column(tr("园区", "Park")), Column(tr("产业链", "Chain")),
         Column(tr("承办部门", "Department")), Column(tr("状态", "Status")),
         Column(tr("受理时间", "Received")), Column(tr("办理时限", "Due"), fmt="date"),
         Column(tr("超时", "Overdue"), unit=tr("天", "days"), fmt="int"),
         Column(tr("督办级别", "Escalation")),
         Column(tr("满意度", "Satisfaction"), fmt="int")]  # fmt: skip
    # the category as the page names it in the file's language (pick(category, category_en))
    rows = [[a.id, a.title, tr(a.category, a.category_en or a.category), a.enterprise_name,
             a.park_name, a.chain_name, a.department, tr(a.status_zh, a.status_en),
             a.received_at, a.due_on, a.overdue_days, a.level_label, a.satisfaction]
            for a in rows_in]  # fmt: skip
    return [Sheet(tr("企业诉求", "Appeals"), c, rows)]


#: The statistics page's definition of its overdue share (projects/appeal_stats.html), which
#: the file repeats so its share can be reconciled with its own columns.
_OVERDUE_SHARE = (
    "Overdue share = appeals that missed a time limit (open and overdue now, resolved late, or "
    "handed over late; each counted once) / count. A late hand-over counts as late even when "
    "the handling after it was on time. Days from receipt to resolution (calendar), median and "
    "90th percentile by linear interpolation."
)


def _appeal_stats_sheets(ctx: PageContext, page: Any) -> list[Sheet]:
    """The page's tables with its own column names (the page's msgids), its 交办逾期 column and
    its satisfaction distribution."""
    tr = _tr(ctx)
    _ = ctx._

    def columns(first: str) -> list[Column]:
        return [Column(first), Column(_("Count"), fmt="int"), Column(_("Open"), fmt="int"),
                Column(_("Overdue now"), fmt="int"), Column(_("state|Resolved"), fmt="int"),
                Column(_("Resolved late"), fmt="int"), Column(_("Handed over late"), fmt="int"),
                Column(_("Overdue share"), fmt="percent"),
                # the English name says days already
                Column(_("Median days"), unit=tr("天", "") or None, fmt="number"),
                Column(_("90th percentile"), unit=tr("天", "days"), fmt="number"),
                Column(_("Satisfaction"), fmt="number")]  # fmt: skip

    # the page's words for a group: its category's name, 合计 for the whole ("all")
    names = {**page.category_labels, **page.department_labels, "all": _("sum|all")}

    def rows(items: list[Any]) -> list[list[Any]]:
        return [[names.get(s.key, s.key), s.count, s.open, s.overdue_now, s.resolved,
                 s.resolved_late, s.handover_late, s.overdue_share, s.median_days, s.p90_days,
                 s.mean_satisfaction]
                for s in items]  # fmt: skip

    st = page.stats
    stars = [["★" * k, n] for k, n in sorted(st.satisfaction.items())]
    count = Column(_("Count"), fmt="int")
    # each table ends with the whole (合计), as on the page
    by_category = rows([*st.by_category, st.overall])
    by_department = rows([*st.by_department, st.overall])
    return [
        Sheet(_("By category"), columns(_("Category")), by_category),
        Sheet(_("By department"), columns(_("short|Department")), by_department),
        Sheet(_("sum|all"), columns(_("Category")), rows([st.overall])),
        Sheet(_("distribution|Satisfaction"), [Column(_("Satisfaction")), count], stars),
    ]


def _appeal_stats_provenance(ctx: PageContext, page: Any) -> list[tuple[str, Any]]:
    tr = _tr(ctx)
    year = page.year if page.year is not None else tr("全部", "all")
    st = page.stats
    return [
        *_as_of(ctx, page),
        (ctx._("Year received"), year),
        # the page's headline figures: appeals and how many are escalated
        (ctx._("short|Appeals"), st.total),
        (ctx._("Level 1"), st.by_level.get(1, 0)),
        (ctx._("Level 2"), st.by_level.get(2, 0)),
        (tr("规则版本", "Rules"), page.stats.rules_version),
        (ctx._("Overdue share"), ctx._(_OVERDUE_SHARE)),
    ]


def register_builtin() -> None:
    """Register the exports of the pages that exist now."""
    specs: list[tuple[str, str, str, str, Any, Any, Any, str]] = [
        ("gaodi.plans.views", "board_page", "/plans", "plan", _board_sheets, _board_provenance,
         ("行动计划看板", "Plan board"), "plan-board"),
        ("gaodi.plans.views", "tasks_page", "/plans/submissions", "plan", _tasks_sheets, None,
         ("报送任务", "Submissions"), "submissions"),
        ("gaodi.plans.views", "completeness_page", "/plans/completeness", "plan",
         _completeness_sheets, None, ("报送完整性", "Submission completeness"), "completeness"),
        ("gaodi.chains.views", "chains_page", "/chains", "chain", _chains_sheets,
         lambda ctx, p: _chain_provenance(p.summary.provenance, _tr(ctx)),
         ("产业链", "Chains"), "chains"),
        ("gaodi.chains.views", "chain_page", "/chains/{chain_id}", "chain", _chain_sheets,
         lambda ctx, p: _chain_provenance(p.diagnosis.provenance, _tr(ctx)),
         ("产业链诊断", "Chain diagnosis"), "chain"),
        ("gaodi.parks.views", "excluded_page", "/parks/excluded", "park", _excluded_sheets,
         _excluded_provenance, ("未参评企业", "Enterprises not evaluated"), "not-evaluated"),
        ("gaodi.enterprises.views", "enterprises_page", "/enterprises", "enterprise",
         _enterprise_sheets, _enterprise_provenance, ("企业", "Enterprises"), "enterprises"),
        ("gaodi.enterprises.views", "rank_page", "/enterprises/rank", "enterprise", _rank_sheets,
         _rank_provenance,
         ("头羊企业排名", "Leader ranking"), "leader-ranking"),
        ("gaodi.enterprises.views", "eligibility_page", "/enterprises/eligibility", "enterprise",
         _eligibility_sheets, lambda ctx, p: [(_tr(ctx)("年份", "Year"), p.report.year)],
         ("企业梯度培育", "Enterprise tiers"), "eligibility"),
        ("gaodi.projects.views.projects", "projects_page", "/projects", "project",
         _projects_sheets, lambda ctx, p: [*_as_of(ctx, p),
                                           (_tr(ctx)("规则版本", "Rules"), p.rules_version)],
         ("重大项目", "Major projects"), "projects"),
        ("gaodi.projects.views.challenges", "challenges_page", "/challenges", "challenge",
         _challenges_sheets, _as_of, ("揭榜挂帅", "Challenges"), "challenges"),
        ("gaodi.projects.views.appeals", "appeals_page", "/appeals", "appeal", _appeals_sheets,
         _as_of, ("企业诉求", "Enterprise appeals"), "appeals"),
        ("gaodi.projects.views.appeals", "appeal_stats_page", "/appeals/stats", "appeal",
         _appeal_stats_sheets, _appeal_stats_provenance,
         ("企业诉求统计", "Appeal statistics"), "appeal-stats"),
    ]  # fmt: skip

    def _title_of(pair: tuple[str, str]) -> TextFn:
        return lambda ctx, _page: _tr(ctx)(*pair)

    for module, name, path, domain, sheets, provenance, title, filename in specs:
        fn = _page(module, name)
        if fn is None:
            continue
        register_export(
            fn,
            path,
            domain=domain,
            sheets=sheets,
            provenance=provenance,
            title=_title_of(title),
            filename=filename,
        )
