"""The monthly dispatch report (调度报告) on the plan, built from the services' results.

Contents, in order (a part the principal may not read, or whose feature is not installed, is
left out and the numbering closes up):

一、总体情况 — the board's counts (green/yellow/red), the three targets most at risk with
   their forecasts;
二、各行动目标完成情况 — completion against 序时进度 (chart), the risky targets' trends with
   forecasts (chart), one table per action (target, actual, completion, 序时进度, status,
   forecast, probability);
三、产业链 — every chain's completeness, strength, gaps; the top recommendations;
四、园区 — 亩均 classes and tier progress (when the parks feature is present);
五、重大项目、揭榜挂帅与企业诉求 — projects behind plan, open challenges, overdue appeals;
六、数据报送 — overdue submissions by owner;
七、数字化转型 — the smart-manufacturing level distribution (when present);
then the provenance.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import Principal, allowed
from gaodi.plans import provenance_words
from gaodi.reports import sections_act, sections_chain, sections_more, sections_plan
from gaodi.reports.common import (
    Progress,
    generated_lines,
    is_demo_dataset,
    no_progress,
    period_end,
    readable,
)
from gaodi.reports.lang import Lang, check_lang
from gaodi.reports.model import Heading, Paragraph, Report

if TYPE_CHECKING:
    from gaodi.plans.models import Plan

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_period(period: str | None) -> str | None:
    if period is not None and not PERIOD.match(period):
        raise ValidationError(
            f"报告期须为 YYYY-MM 格式的月份，收到“{period}”。",
            f"The report period must be a month as YYYY-MM; got '{period}'.",
            field="period",
        )
    return period


def report_plan(session: Session, principal: Principal, plan_id: int | None = None) -> Plan | None:
    """The plan a monthly report is on (``plan_id``, else the board's: the latest adopted),
    as the principal may see it; None when there is none."""
    from sqlalchemy import select

    from gaodi.core.permissions import restrict
    from gaodi.plans.models import Plan
    from gaodi.plans.outputs import current_plan_id

    plan_id = plan_id if plan_id is not None else current_plan_id(session, principal)
    if plan_id is None:
        return None
    return session.scalars(
        restrict(select(Plan).where(Plan.id == plan_id), principal)
    ).one_or_none()


def check_report_period(
    session: Session, principal: Principal, period: str, plan_id: int | None = None
) -> str:
    """Refuse a month a report cannot speak of: one after the city's today (nothing is known
    about it yet, as ``--known-on`` after today is refused) or outside the plan's years (the
    board has no target to judge then; the default month is never after the plan's end)."""
    check_period(period)
    today = clock.today()
    if period > f"{today.year:04d}-{today.month:02d}":
        raise ValidationError(
            f"报告期 {period} 晚于今天（{today.year}年{today.month}月{today.day}日）所在的月份："
            "还没有这个月的数据。",
            f"The report period {period} is after the current month (today is "
            f"{Lang('en').date(today)}): nothing is known about it yet.",
            field="period",
        )
    plan = report_plan(session, principal, plan_id)
    if plan is not None and not (
        f"{plan.period_start:04d}-01" <= period <= f"{plan.period_end:04d}-12"
    ):
        raise ValidationError(
            f"报告期 {period} 不在《{plan.title}》的期限（{plan.period_start}—{plan.period_end}"
            f"年）内：请选择 {plan.period_start}-01 至 {plan.period_end}-12 之间的月份。",
            f"The report period {period} is outside the plan '{plan.title}' "
            f"({plan.period_start}–{plan.period_end}): choose a month from "
            f"{plan.period_start}-01 to {plan.period_end}-12.",
            field="period",
        )
    return period


def overdue_day(
    session: Session,
    principal: Principal,
    period: str,
    plan_id: int | None = None,
    known_on: date | None = None,
) -> date:
    """The day a report judges overdue submissions, by the board's own rule
    (:func:`gaodi.plans.board.board`, docs/plans.md §5–6), so the report and the board cannot
    disagree: the known-on day when one is asked for; else the month's last day for a month
    before the current reporting month, and today for the current one."""
    from gaodi.core.periods import parse_period
    from gaodi.plans.board import default_as_of

    if known_on is not None:
        return known_on
    current = parse_period(default_as_of(report_plan(session, principal, plan_id))).last_month
    if parse_period(period).last_month < current:
        return period_end(period)
    return clock.today()


def moment(stamp: str | None, tr: Lang) -> str:
    """A stored time (naive UTC, ISO) as the city's date and time for people, its zone named
    (``2023年7月6日 00:36（北京时间）``) as the board's page and exports name it."""
    if not stamp:
        return "—"
    try:
        at = clock.local(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp
    zone = clock.zone_label(tr.zh)
    return f"{tr.date(at.date())} {at:%H:%M}" + tr(f"（{zone}）", f" ({zone})")


def figures_year(session: Session, period: str) -> int | None:
    """The enterprise figures a period's report may use: annual figures of a year are complete
    only after it ends, so a month of year Y reads the latest year up to Y − 1; None when no
    year that old is held. A 2021-06 report never shows 2023's chains."""
    from gaodi.chains.loaders import latest_year

    return latest_year(session, int(period[:4]) - 1)


def no_figures_blocks(session: Session, month: str, tr: Lang) -> list[Paragraph]:
    """What the chain and park parts say when no year of enterprise figures had ended by the
    report's month (empty when the city holds no figures at all: nothing to leave out)."""
    from gaodi.enterprises.loaders import years

    held = years(session)
    if not held:
        return []
    first, last = held[0], held[-1]
    return [
        Paragraph(
            tr(
                f"截至{month}尚无已结束年度的企业年度数据（现有{first}—{last}年），"
                "产业链诊断与园区亩均效益评价从略。",
                f"No year of enterprise figures had ended by {month} (the city holds "
                f"{first}–{last}): the chain diagnosis and the parks' per-mu evaluation are "
                "left out.",
            )
        )
    ]


def build_monthly(
    session: Session,
    principal: Principal,
    period: str | None = None,
    lang: str = "zh",
    *,
    plan_id: int | None = None,
    progress: Progress = no_progress,
    known_on: date | None = None,
) -> Report:
    """The monthly report of ``period`` (default: the board's default month) for
    ``principal``: every number as the web app shows it to that user. With ``known_on``, the
    report as it was on that day: the values known then (``gaodi.plans.board``'s known-on)."""
    from gaodi.plans import service as plans
    from gaodi.plans.board import check_known_on, default_month
    from gaodi.plans.submission import tasks

    tr = Lang(check_lang(lang))
    check_period(period)
    progress(0.05, tr.stage("读取计划看板", "Reading the plan board"))
    check_known_on(known_on)
    period = period or default_month(session, principal, plan_id)
    check_report_period(session, principal, period, plan_id)
    # projects, appeals and levels are judged on the period's last day (today while the month
    # runs); overdue submissions on the board's day for the same (period, known-on)
    day = min(period_end(period), known_on or clock.today())
    overdue_on = overdue_day(session, principal, period, plan_id, known_on)
    board = plans.board(
        session, principal, period, plan_id=plan_id, overdue_as_of=overdue_on, known_on=known_on
    )
    if board.plan_id is None:
        raise NotFoundError(
            "还没有可报告的行动计划：请先载入并印发计划。",
            "There is no plan to report on yet: load and adopt a plan first.",
        )
    month = tr.month(board.as_of)
    report = Report(
        kind="monthly",
        lang=tr.code,
        title=board.plan_title or tr("行动计划", "Action plan"),
        subtitle=tr(f"{month}推进情况调度报告", f"Progress report for {month}"),
        issuer=tr("高地平台（Gaodi）生成", "Generated by Gaodi"),
        date=clock.today(),
        is_demo=is_demo_dataset(session),
        filename=f"monthly-{board.as_of}-{tr.code}",
    )
    report.add(Heading(1, tr("总体情况", "Overview")))
    report.extend(sections_plan.summary_blocks(board, tr, month, overdue_on))

    progress(0.2, tr.stage("绘制目标图表", "Drawing the target charts"))
    report.add(Heading(1, tr("各行动目标完成情况", "Targets by action")))
    figure = sections_plan.completion_figure(board, tr)
    if figure is not None:
        report.add(figure)
    risky = sections_plan.at_risk(board)
    trend = sections_plan.trend_figure(session, principal, risky, board.as_of, tr, known_on)
    if trend is not None:
        report.add(trend)
    report.extend(sections_plan.action_blocks(board, tr))

    progress(0.45, tr.stage("诊断产业链", "Diagnosing the chains"))
    year = figures_year(session, board.as_of)
    chains = None
    # no year of figures had ended by the month: a later year's figures are not shown in it
    unknown = no_figures_blocks(session, month, tr) if year is None else []
    if unknown:
        report.add(Heading(1, tr("产业链与园区", "Chains and parks")))
        report.extend(unknown)
    elif allowed(principal, "read", "chain"):
        from gaodi.chains import service as chain_service

        # the membership in force on the report's day (the period's end, or the known-on day):
        # a link edited after it does not rewrite this month's chains
        chains = readable(
            lambda: chain_service.chain_summary(session, principal, year=year, on=day)
        )
        diagnoses = (
            readable(lambda: chain_service.diagnose_all(session, principal, year=year, on=day))
            or []
        )
        if chains is not None and chains.chains:
            report.add(Heading(1, tr("产业链发展情况", "Industrial chains")))
            report.extend(sections_chain.summary_blocks(chains, tr))
            report.add(Heading(2, tr("补链强链延链重点建议", "Top recommendations")))
            report.extend(sections_chain.top_recommendations(diagnoses, tr))

    progress(0.6, tr.stage("汇总园区", "Summarising the parks"))
    parks = [] if unknown else sections_more.park_blocks(session, principal, year, tr)
    if parks:
        report.add(Heading(1, tr("园区亩均效益与能级", "Parks: per-mu returns and tiers")))
        report.extend(parks)

    progress(0.7, tr.stage("汇总项目与诉求", "Summarising projects and appeals"))
    act = sections_act.act_blocks(session, principal, day, tr)
    if act:
        report.add(
            Heading(1, tr("重大项目、揭榜挂帅与企业诉求", "Major projects, challenges and appeals"))
        )
        report.extend(act)

    progress(0.8, tr.stage("汇总数据报送", "Summarising submissions"))
    # who owed what on the board's day, rebuilt from the submissions' history: a value sent
    # after it was still owed then, a period not yet due is not listed
    owed = readable(lambda: tasks(session, principal, as_of=overdue_on))
    if owed is not None:
        report.add(Heading(1, tr("数据报送情况", "Data submissions")))
        report.extend(sections_plan.overdue_blocks(owed, board, tr))

    smart = sections_more.smart_blocks(session, principal, day, tr)
    if smart:
        report.add(Heading(1, tr("企业数字化转型", "Digital transformation")))
        report.extend(smart)

    p = board.provenance
    params = p.parameters
    report.provenance = [
        (
            tr("计划", "Plan"),
            f"{board.plan_title}（#{board.plan_id}）"
            if tr.zh
            else f"{board.plan_title} (#{board.plan_id})",
        ),
        (tr("报告期", "Period"), month),
        (
            tr("数据已知日", "Known on"),
            tr(
                f"{tr.date(known_on)}（按该日已报送的数据及其当日的审核状态重出）",
                f"{tr.date(known_on)} (as the report stood that day: the values sent by then, "
                "each with the review status it had then)",
            )
            if known_on is not None
            else tr(
                f"{tr.date(clock.today())}（今天：使用至今已报送的全部数据）",
                f"{tr.date(clock.today())} (today: every value sent so far)",
            ),
        ),
        (
            tr("数据截至", "Data as of"),
            tr(
                f"{moment(p.data_as_of, tr)}，所用数据的最晚报送时间",
                f"{moment(p.data_as_of, tr)}, the latest submission used",
            ),
        ),
        (
            tr("评价所用数据", "Values used"),
            provenance_words.used_words(p.n_observations, p.n_unapproved, params, tr),
        ),
        (tr("红黄绿灯规则", "Traffic-light rules"), f"v{p.rules_version}"),
        (tr("数据合理性校验规则", "Plausibility rules"), f"v{p.plausibility_version}"),
        (
            tr("预测方法", "Forecast"),
            provenance_words.forecast_words(params, tr),
        ),
    ]
    if chains is not None:
        cp = chains.provenance
        report.provenance.append(
            (
                tr("产业链诊断", "Chain diagnosis"),
                tr(
                    f"规则 {cp.rules}；对标：{cp.benchmark_label_zh or cp.benchmark}；"
                    f"企业数据年份 {cp.year}；链上企业按{tr.date(day)}的归属与企业标签",
                    f"rules {cp.rules}; benchmark: {cp.benchmark_label_en or cp.benchmark}; "
                    f"enterprise figures of {cp.year}; chain membership and enterprise tags as "
                    f"of {tr.date(day)}",
                ),
            )
        )
    if act:
        report.provenance.append(
            (tr("项目与诉求统计日", "Projects and appeals as of"), tr.date(day))
        )
    report.provenance.append(
        (tr("逾期报送判定日", "Overdue submissions as of"), tr.date(overdue_on))
    )
    report.provenance.extend(generated_lines(session, principal, tr))
    progress(0.9, tr.stage("排版", "Laying out"))
    return report
