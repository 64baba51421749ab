"""``gaodi projects …``: major projects, and (nested) 揭榜挂帅 challenges and appeals.

The CLI acts as the machine's operator (the ``system`` principal, every row visible); each
change is audited under ``cli:<login>``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from gaodi.core import asof
from gaodi.core.errors import NotFoundError
from gaodi.core.periods import parse_day
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import appeal_queries, challenge_queries, projects, service
from gaodi.projects.schemas import AppealFilter, ChallengeFilter, ProjectFilter
from gaodi.ui.cli.support import console, engine, handle_errors, operator_name

app = typer.Typer(
    help="Major projects, 揭榜挂帅 challenges, enterprise appeals. 重大项目、揭榜挂帅、企业诉求。",
    no_args_is_help=True,
)
challenges_app = typer.Typer(help="揭榜挂帅 challenges. 揭榜挂帅榜单。", no_args_is_help=True)
appeals_app = typer.Typer(help="Enterprise appeals. 企业诉求。", no_args_is_help=True)
app.add_typer(challenges_app, name="challenges")
app.add_typer(appeals_app, name="appeals")

AS_OF = typer.Option(
    None,
    "--as-of",
    help="As this day stood (YYYY-MM-DD); default: the city's today (GAODI_TODAY, else the "
    "demo's day, else the date).",
)
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _day(text: str | None) -> date | None:
    """The ``--as-of`` day; None: the city's today (one clock, see gaodi.core.clock). A day
    after today or before any period is refused with the allowed range, as on the pages."""
    day = parse_day(text, "--as-of")
    if day is not None:
        asof.check_day(day, field="as_of")
    return day


def _chain(session: Session, ref: str | None) -> int | None:
    from gaodi.chains import loaders as chain_loaders

    if not ref:
        return None
    ref = ref.strip()
    found = chain_loaders.find_chain_id(session, ref)
    if found is None:
        raise NotFoundError(f"找不到产业链“{ref}”。", f"No chain '{ref}' (id, code or name).")
    return found


def _park(session: Session, ref: str | None) -> int | None:
    from gaodi.parks import loaders as park_loaders

    if not ref:
        return None
    ref = ref.strip()
    found = park_loaders.find_park_id(session, ref)
    if found is None:
        raise NotFoundError(f"找不到园区“{ref}”。", f"No park '{ref}' (id or name).")
    return found


def _dump(rows: list[Any]) -> None:
    typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=1))


@app.command("list")
@handle_errors
def list_cmd(
    chain: str | None = typer.Option(None, "--chain", help="Chain id, code or name."),
    park: str | None = typer.Option(None, "--park", help="Park id, name or short name."),
    stage: str | None = typer.Option(None, "--stage", help="signed/started/producing/full_output"),
    delayed: bool = typer.Option(False, "--delayed", help="Only projects behind schedule."),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """List major projects with their delay flags. 列出重大项目及进度预警。"""
    with session_scope(engine()) as session:
        flt = ProjectFilter(
            chain_id=_chain(session, chain),
            park_id=_park(session, park),
            stage=stage,
            delayed=True if delayed else None,
        )
        rows = projects.list_projects(session, SYSTEM, flt, _day(as_of))
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"重大项目 Major projects ({len(rows)})")
    for col in (
        "id",
        "项目 name",
        "链 chain",
        "园区 park",
        "阶段 stage",
        "总投资(万元)",
        "年度计划",
        "本年完成",
        "预警 delay",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        flags = "; ".join(d.reason_zh for d in r.delays)
        table.add_row(
            str(r.id),
            r.name,
            r.chain_name,
            r.park_name or "—",
            r.stage_zh,
            f"{r.total_investment:,.0f}",
            f"{r.year_plan:,.0f}" if r.year_plan else "—",
            f"{r.completed_year:,.0f}",
            f"[red]{flags}[/]" if flags else "",
        )
    console.print(table)


@app.command("show")
@handle_errors
def show(project_id: int = typer.Argument(...), as_of: str | None = AS_OF) -> None:
    """One project: stages, investment by month, delays, history (JSON)."""
    with session_scope(engine()) as session:
        detail = projects.project_detail(session, SYSTEM, project_id, _day(as_of))
    typer.echo(detail.model_dump_json(indent=1))


@app.command("advance")
@handle_errors
def advance(
    project_id: int = typer.Argument(...),
    stage: str = typer.Option(..., "--stage", help="started (开工), producing (投产), full_output"),
    on: str = typer.Option(..., "--date", help="The day the stage was reached (YYYY-MM-DD)."),
    comment: str | None = typer.Option(None, "--comment"),
) -> None:
    """Move a project to its next stage. 推进项目阶段。"""
    with session_scope(engine(), actor=operator_name()) as session:
        p = projects.advance(session, SYSTEM, project_id, stage, date.fromisoformat(on), comment)
        name, now = p.name, p.stage
    console.print(f"[green]已推进 Advanced[/]: {project_id} {name} → {now} ({on})")


@app.command("progress")
@handle_errors
def progress(
    project_id: int = typer.Argument(...),
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    amount: float = typer.Option(..., "--amount", help="Investment completed that month, 万元."),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Record the investment completed in one month. 填报月度完成投资。"""
    with session_scope(engine(), actor=operator_name()) as session:
        projects.report_progress(session, SYSTEM, project_id, period, amount, note)
    console.print(f"[green]已记录 Recorded[/]: {project_id} {period} {amount:g} 万元")


@app.command("rollup")
@handle_errors
def rollup(
    by: str = typer.Option("chain", "--by", help="chain, park or stage"),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Counts, delays and planned vs completed investment by chain, park or stage."""
    with session_scope(engine()) as session:
        rows = projects.rollup(session, SYSTEM, by, _day(as_of))
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"重大项目汇总 by {by}")
    for col in (
        "key",
        "名称",
        "项目数",
        "预警",
        "总投资(万元)",
        "年度计划",
        "本年完成",
        "累计完成",
    ):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.key,
            r.label,
            str(r.count),
            str(r.delayed),
            f"{r.total_investment:,.0f}",
            f"{r.year_plan:,.0f}",
            f"{r.completed_year:,.0f}",
            f"{r.completed_total:,.0f}",
        )
    console.print(table)


@app.command("summary")
@handle_errors
def summary(as_of: str | None = AS_OF) -> None:
    """Projects behind schedule, challenges open, appeals overdue (JSON)."""
    from dataclasses import asdict

    with session_scope(engine()) as session:
        s = service.act_summary(session, SYSTEM, _day(as_of))
    typer.echo(json.dumps(asdict(s), ensure_ascii=False, indent=1, default=str))


@challenges_app.command("list")
@handle_errors
def challenges_list(
    status: str | None = typer.Option(None, "--status", help="A status, or 'open'."),
    chain: str | None = typer.Option(None, "--chain"),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """List 揭榜挂帅 challenges. 列出榜单。"""
    with session_scope(engine()) as session:
        flt = ChallengeFilter(status=status, chain_id=_chain(session, chain))
        rows = challenge_queries.list_challenges(session, SYSTEM, flt, _day(as_of))
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"揭榜挂帅 Challenges ({len(rows)})")
    for col in (
        "id",
        "榜单 title",
        "链 chain",
        "预算(万元)",
        "截止 deadline",
        "状态 status",
        "申请",
        "揭榜方",
        "逾期节点",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            r.title,
            r.chain_name,
            f"{r.budget:,.0f}",
            str(r.deadline),
            r.status_zh,
            str(r.applications),
            r.awardee or "—",
            str(r.milestones_overdue or ""),
        )
    console.print(table)


@appeals_app.command("list")
@handle_errors
def appeals_list(
    status: str | None = typer.Option(None, "--status", help="A status, or 'open'."),
    category: str | None = typer.Option(None, "--category"),
    department: str | None = typer.Option(None, "--department"),
    overdue: bool = typer.Option(False, "--overdue", help="Only appeals past their due date."),
    level: int | None = typer.Option(None, "--level", help="Escalation level at least (1, 2)."),
    limit: int = typer.Option(100, "--limit", min=1, help="Rows shown (at least 1)."),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """List appeals with due dates and escalation. 列出企业诉求（含逾期与督办）。"""
    flt = AppealFilter(
        status=status,
        category=category,
        department=department,
        overdue=True if overdue else None,
        level=level,
    )
    with session_scope(engine()) as session:
        rows = appeal_queries.list_appeals(session, SYSTEM, flt, _day(as_of), limit=limit)
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"企业诉求 Appeals (≤{limit})")
    for col in ("id", "类别", "诉求", "企业", "部门", "状态", "到期", "逾期(工作日)", "督办"):
        table.add_column(col, overflow="fold")
    for r in rows:
        style = "red" if r.level >= 2 else "yellow" if r.level == 1 else ""
        table.add_row(
            str(r.id),
            r.category,
            r.title,
            r.enterprise_name,
            r.department or "—",
            r.status_zh,
            str(r.due_on or "—"),
            str(r.overdue_days or ""),
            r.level_label,
            style=style,
        )
    console.print(table)


@appeals_app.command("stats")
@handle_errors
def appeals_stats(
    year: int | None = typer.Option(None, "--year", help="Appeals received in this year."),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Appeal statistics by category and department. 诉求统计。"""
    with session_scope(engine()) as session:
        stats = appeal_queries.appeal_stats(session, SYSTEM, AppealFilter(year=year), _day(as_of))
    if as_json:
        typer.echo(stats.model_dump_json(indent=1))
        return
    for title, rows in (
        ("按类别 by category", stats.by_category),
        ("按部门 by department", stats.by_department),
    ):
        table = Table(title=f"诉求统计 {title} (as of {stats.as_of})")
        for col in (
            "",
            "件数",
            "在办",
            "当前逾期",
            "已办结",
            "超期办结",
            "逾期占比",
            "办结天数中位数",
            "P90",
            "满意度",
        ):
            table.add_column(col)
        for r in [*rows, stats.overall]:
            table.add_row(
                r.key,
                str(r.count),
                str(r.open),
                str(r.overdue_now),
                str(r.resolved),
                str(r.resolved_late),
                f"{r.overdue_share:.0%}" if r.overdue_share is not None else "—",
                _num(r.median_days),
                _num(r.p90_days),
                _num(r.mean_satisfaction),
            )
        console.print(table)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
