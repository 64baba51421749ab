"""The plan part of the monthly report: the summary of the board, the three targets most at
risk, each action's table, the charts and the overdue submissions.

Every number comes from :func:`gaodi.plans.service.board` (the board page's own result),
:func:`gaodi.plans.service.target_detail` (the target page's series and forecast fan) and
:func:`gaodi.plans.submission.tasks` (the submissions page); nothing here computes a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal
from gaodi.core.units import unit_words
from gaodi.plans.reasons import FIGURES, figure_texts
from gaodi.plans.schemas import Board, BoardRow, Tasks
from gaodi.reports import charts
from gaodi.reports.lang import Lang
from gaodi.reports.model import Block, Column, Figure, Heading, Paragraph, Table, format_value

COMPARATORS = {">=": "≥", "<=": "≤", "=": "="}
PCT = Column("", fmt="percent")
NUM = Column("", fmt="number")


def board_columns(tr: Lang) -> list[Column]:
    """The columns of an action's table (the board page's columns, in the report's order)."""
    return [
        Column(tr("指标", "Indicator"), width=3.3, key="indicator"),
        Column(tr("期间", "Window"), width=1.85, key="window"),
        Column(tr("目标值", "Target"), fmt="number", significant=4, width=1.35, key="target"),
        Column(tr("实际值", "Actual"), fmt="number", significant=4, width=1.55, key="actual"),
        Column(tr("完成率", "Completion"), fmt="percent", width=1.25, key="completion"),
        Column(tr("序时进度", "Time progress"), fmt="percent", width=1.45, key="time_progress"),
        Column(tr("状态", "Status"), fmt="status", width=0.8, key="status"),
        Column(tr("预测值", "Forecast"), fmt="number", significant=4, width=1.65, key="forecast"),
        Column(tr("达成概率", "Probability"), fmt="percent", width=1.45, key="probability"),
        # every light says why (docs/methods/progress.md): the workbook has each row's reason
        # and forecast note; the document words those of the targets most at risk
        Column(tr("状态说明", "Reason"), key="reason", in_document=False),
        Column(tr("预测说明", "Forecast note"), key="forecast_note", in_document=False),
    ]


def indicator_label(row: BoardRow, tr: Lang) -> str:
    """``名称（单位）``, with ``≤`` for a ceiling (e.g. energy intensity)."""
    bound = "" if row.comparator == ">=" else f"，{COMPARATORS.get(row.comparator, row.comparator)}"
    if not tr.zh:
        bound = bound.replace("，", ", ")
        return f"{row.indicator_name} ({unit_words(row.unit, tr.code)}{bound})"
    return f"{row.indicator_name}（{row.unit}{bound}）"


def board_row_values(row: BoardRow, tr: Lang) -> list[object]:
    return [
        indicator_label(row, tr),
        row.window,
        row.target,
        row.actual,
        row.completion,
        row.time_progress,
        row.status,
        row.forecast,
        row.probability,
        tr(row.reason_zh, row.reason_en),
        tr(row.forecast_note_zh, row.forecast_note_en),
    ]


def all_rows(board: Board) -> list[BoardRow]:
    return [r for a in board.actions for r in a.rows]


def at_risk(board: Board, n: int = 3) -> list[BoardRow]:
    """The ``n`` open targets least likely to be met: those with a forecast, by the board's
    probability of meeting the target (lowest first), then by completion against 序时进度
    (the board's ratio); targets at risk, red and yellow without a forecast follow."""
    judged = ("green", "yellow", "red", "not_due", "at_risk")
    rows = [r for r in all_rows(board) if r.status in judged]
    with_forecast = [r for r in rows if r.probability is not None]
    with_forecast.sort(key=lambda r: (r.probability, r.ratio if r.ratio is not None else 9.0))
    order = {"at_risk": 0, "red": 1, "yellow": 2}
    lagging = [r for r in rows if r.probability is None and r.status in order]
    lagging.sort(key=lambda r: (order[r.status], r.ratio if r.ratio is not None else 9.0))
    chosen = [
        r
        for r in with_forecast
        if r.status not in ("green", "not_due") or (r.probability or 0.0) < 0.5
    ]
    return (chosen + lagging)[:n]


def _fmt(value: float | None, column: Column) -> str:
    return format_value(value, column)


def risk_text(row: BoardRow, tr: Lang) -> str:
    comparator = COMPARATORS.get(row.comparator, row.comparator)
    # the row's figures as the board writes them: the digits that tell each from the others
    shown = figure_texts({name: getattr(row, name) for name in FIGURES})

    def fig(name: str) -> str:
        return shown.get(name, "—")

    status = format_value(row.status, Column("", fmt="status"), tr.code)
    unit = unit_words(row.unit, tr.code)
    actual_when = (
        f"（{row.actual_period}）"
        if row.actual_period and tr.zh
        else (f" ({row.actual_period})" if row.actual_period else "")
    )
    # the light's reason in the board's own words (gaodi.plans.reasons), as on the page and CLI
    text = tr(
        f"目标{comparator}{fig('target')}{row.unit}，实际{fig('actual')}{row.unit}"
        f"{actual_when}；{status}：{row.reason_zh}。",
        f"Target {comparator} {fig('target')} {unit}; actual "
        f"{fig('actual')} {unit}{actual_when}; {status}: {row.reason_en}.",
    )
    if row.forecast is not None and row.forecast_lower is None:
        # one observation or an exact fit: no interval was estimated, and none is claimed
        text += tr(
            f"按当前趋势预测到期值{fig('forecast')}{row.unit}"
            f"（{(row.forecast_note_zh or '无区间').rstrip('。')}）。",
            f" At the current trend it is forecast to reach {fig('forecast')} "
            f"{unit} by the deadline ({(row.forecast_note_en or 'no interval').rstrip('.')}).",
        )
    elif row.forecast is not None:
        text += tr(
            f"按当前趋势预测到期值{fig('forecast')}{row.unit}"
            f"（90%区间{fig('forecast_lower')}—{fig('forecast_upper')}），"
            f"达成目标的概率为{_fmt(row.probability, PCT)}。",
            f" At the current trend it is forecast to reach {fig('forecast')} "
            f"{unit} by the deadline (90% interval {fig('forecast_lower')}–"
            f"{fig('forecast_upper')}); probability of meeting the target "
            f"{_fmt(row.probability, PCT)}.",
        )
    else:
        text += tr(
            "暂无到期预测（已到期或数据不足）。",
            " No forecast (the deadline has passed or data are too few).",
        )
    return text


def overdue_keys(board: Board) -> set[tuple[int | None, str | None, str]]:
    """The overdue periods the board flags, each once: (indicator, owner, period). The board
    flags a period on every target its series serves (a 2021, a 2022 and a 2023 target of the
    same indicator each show it), so its ``overdue_total`` counts target-periods."""
    return {
        (r.indicator_id, r.owner, period) for r in all_rows(board) for period in r.overdue_periods
    }


def overdue_sentence(board: Board, tr: Lang, day: date) -> str:
    """How many periods are overdue, judged on ``day`` (the board's day), and the board's own
    count of target-periods when a period serves several targets."""
    periods = len(overdue_keys(board))
    targets = sum(1 for r in all_rows(board) if r.overdue_periods)
    if not periods:
        return tr(f"按{tr.date(day)}判定，没有逾期未报的数据", f"judged on {tr.date(day)}, no "
                  "reporting period is overdue")  # fmt: skip
    text = tr(
        f"按{tr.date(day)}判定，逾期未报数据共{periods}期，涉及{targets}个目标",
        f"judged on {tr.date(day)}, {tr.count(periods, '期', 'reporting period')} "
        f"{'is' if periods == 1 else 'are'} overdue, affecting {tr.count(targets, '个', 'target')}",
    )
    if board.overdue_total != periods:
        text += tr(
            f"（看板按目标计逾期{board.overdue_total}期次：一期数据支撑几个目标即计几次）",
            f" (the board counts {board.overdue_total} target-periods: a period counts once "
            "for each target it serves)",
        )
    return text


def summary_blocks(board: Board, tr: Lang, month: str, overdue_on: date) -> list[Block]:
    c = board.counts
    total = sum(c.values())
    parts_zh = [
        f"绿灯（达到序时进度）{c.get('green', 0)}个",
        f"黄灯（略低于序时进度）{c.get('yellow', 0)}个",
        f"红灯（明显落后于序时进度）{c.get('red', 0)}个",
    ]
    parts_en = [
        f"{c.get('green', 0)} green (at or ahead of time progress)",
        f"{c.get('yellow', 0)} yellow (slightly behind)",
        f"{c.get('red', 0)} red (well behind)",
    ]
    # 未到期 is two things: a milestone whose deadline is ahead, and a target whose period has
    # not begun by the report month (reason not_started); each is worded as what it is
    later = sum(r.reason == "not_started" for a in board.actions for r in a.rows)
    if c.get("not_due", 0) - later > 0:
        n = c["not_due"] - later
        parts_zh.append(f"未到期（一次达成、尚未到期）{n}个")
        parts_en.append(f"{n} not yet due (met at once, deadline ahead)")
    if later:
        parts_zh.append(f"未到期（目标期尚未开始）{later}个")
        parts_en.append(f"{later} not yet due (their period has not begun)")
    if c.get("at_risk"):
        parts_zh.append(f"有风险（一次达成、可能无法按期达成）{c['at_risk']}个")
        parts_en.append(f"{c['at_risk']} at risk (met at once, likely missed)")
    if c.get("no_data"):
        parts_zh.append(f"无数据{c['no_data']}个")
        parts_en.append(f"{c['no_data']} without data")
    if c.get("invalid"):
        parts_zh.append(f"无法评价{c['invalid']}个")
        parts_en.append(f"{c['invalid']} that cannot be judged")
    p = board.provenance
    known = tr.date(date.fromisoformat(p.known_on)) if p.known_on else "—"
    text = tr(
        f"截至{month}，《{board.plan_title}》共有量化目标{total}个，其中{'、'.join(parts_zh)}。"
        f"本期评价使用截至{known}已报送的数据{p.n_observations}条（其中尚未审核"
        f"{p.n_unapproved}条）；{overdue_sentence(board, tr, overdue_on)}。",
        f"As of {month}, the plan '{board.plan_title}' has {total} quantified targets: "
        f"{', '.join(parts_en)}. The assessment uses the {p.n_observations} values reported "
        f"by {known} ({p.n_unapproved} not yet approved); "
        f"{overdue_sentence(board, tr, overdue_on)}.",
    )
    blocks: list[Block] = [Paragraph(text)]
    risky = at_risk(board)
    if risky:
        blocks.append(Heading(2, tr("需重点关注的目标", "Targets most at risk")))
        blocks.append(
            Paragraph(
                tr(
                    "按达成目标的概率由低到高（无预测的按完成率与序时进度之比），以下三项目标风险最高：",
                    "By the probability of meeting the target, lowest first (without a forecast, "
                    "by completion against time progress), these targets are most at risk:",
                )
            )
        )
        for i, row in enumerate(risky, start=1):
            lead = (
                f"{i}. {row.indicator_name}（{row.window}）。"
                if tr.zh
                else (f"{i}. {row.indicator_name} ({row.window}). ")
            )
            blocks.append(Paragraph(risk_text(row, tr), lead=lead))
    return blocks


def action_blocks(board: Board, tr: Lang) -> list[Block]:
    blocks: list[Block] = []
    for action in board.actions:
        # the targets under no action: the board names the group in both languages; a report
        # says it in its own
        title = tr("未归入行动", "No action") if action.number is None else action.title
        blocks.append(Heading(2, title))
        rows = [board_row_values(r, tr) for r in action.rows]
        blocks.append(
            Table(
                board_columns(tr),
                rows,
                caption=tr(f"{title}目标完成情况", f"{title}: targets"),
                sheet=tr(f"行动{action.number or ''}", f"Action {action.number or ''}").strip(),
            )
        )
    return blocks


def completion_figure(board: Board, tr: Lang) -> Figure | None:
    rows = [r for r in all_rows(board) if r.completion is not None]
    if not rows:
        return None
    bars = [
        charts.CompletionBar(
            f"{r.indicator_name} {r.window}", r.completion, r.expected_completion, r.status
        )
        for r in rows
    ]
    return Figure(
        charts.completion_chart(bars, tr),
        tr("各目标完成率与序时进度", "Completion of each target against time progress"),
        width_mm=156,
    )


def trend_figure(
    session: Session,
    principal: Principal,
    rows: Sequence[BoardRow],
    as_of: str,
    tr: Lang,
    known_on: date | None = None,
) -> Figure | None:
    """The target pages' series and forecast fans of ``rows`` (the targets most at risk)."""
    from gaodi.plans.service import target_detail

    panels: list[charts.TrendPanel] = []
    for row in rows:
        detail = target_detail(session, principal, row.target_id, as_of, known_on=known_on)
        if not detail.series:
            continue
        panels.append(
            charts.TrendPanel(
                title=f"{row.indicator_name} {row.window}",
                unit=unit_words(row.unit, tr.code),
                periods=[p.period for p in detail.series],
                actual=[p.actual for p in detail.series],
                expected=[p.expected for p in detail.series],
                target=row.target,
                forecast=[(f.period, f.point, f.lower, f.upper) for f in detail.fan],
            )
        )
    if not panels:
        return None
    return Figure(
        charts.trend_chart(panels, tr),
        tr(
            "重点目标走势与到期预测（虚线为序时进度，点线为目标）",
            "Targets most at risk: trend and forecast (dashed: time progress; dotted: target)",
        ),
        width_mm=156,
    )


def overdue_blocks(tasks: Tasks, board: Board, tr: Lang) -> list[Block]:
    """Overdue submissions per owner (the submissions page's counts, on the board's day), and
    how many of them are the board's: a subset, each period counted once."""
    owners = [o for o in tasks.owners if o.overdue]
    total = sum(o.overdue for o in owners)
    day = tr.date(date.fromisoformat(tasks.today))
    flagged = overdue_keys(board)
    late = [r for o in owners for r in o.rows if r.overdue]
    tracked = sum(1 for r in late if (r.indicator_id, r.owner, r.period) in flagged)
    targets = sum(1 for r in all_rows(board) if r.overdue_periods)
    text = tr(
        f"截至{day}，各责任单位逾期未报数据共{total}期，涉及{len(owners)}个责任单位",
        f"As of {day}, {tr.count(total, '期', 'reporting period')} "
        f"{'is' if total == 1 else 'are'} overdue across {tr.count(len(owners), '个', 'owner')}",
    )
    if tracked and tracked == total:
        text += tr(
            f"，均为本计划看板跟踪的指标，涉及看板上{targets}个目标",
            f", all for indicators the plan board follows, affecting {targets} of its targets",
        )
    elif tracked:
        text += tr(
            f"，其中本计划看板跟踪的指标{tracked}期，涉及看板上{targets}个目标",
            f", {tracked} of them for indicators the plan board follows, affecting {targets} of "
            "its targets",
        )
    text += tr("。", ".")
    if not owners:
        return [Paragraph(text)]
    rows = []
    for o in sorted(owners, key=lambda o: (-o.overdue, o.owner)):
        late = [r for r in o.rows if r.overdue]
        earliest = min(late, key=lambda r: r.due)
        names = sorted({r.indicator_name for r in late})
        rows.append(
            [
                o.owner,
                o.overdue,
                len(o.rows),
                f"{earliest.period}（{earliest.due}）"
                if tr.zh
                else f"{earliest.period} (due {earliest.due})",
                names,
            ]
        )
    columns = [
        Column(tr("责任单位", "Owner"), width=2.2),
        Column(tr("逾期未报", "Overdue"), unit=tr("期", "periods"), fmt="int", width=1.0),
        Column(tr("待报送", "Open"), unit=tr("期", "periods"), fmt="int", width=1.0),
        Column(tr("最早逾期期间（截止日）", "Earliest overdue"), width=1.8),
        Column(tr("涉及指标", "Indicators"), width=4.0),
    ]
    return [
        Paragraph(text),
        Table(
            columns,
            rows,
            caption=tr("逾期未报数据", "Overdue submissions"),
            sheet=tr("逾期报送", "Overdue submissions"),
        ),
    ]
