"""``gaodi plan`` commands of the submission cycle: observe, tasks, approve, return, unlock,
completeness, and user validation rules. Registered on :data:`gaodi.plans.cli.app`."""

from __future__ import annotations

import typer
from rich.table import Table

from gaodi.core.errors import ConflictError
from gaodi.plans.cli import _num, app
from gaodi.ui.cli.support import cli_session, console, handle_errors

rule_app = typer.Typer(
    help="User validation rules run on submission. 报送校验规则。", no_args_is_help=True
)
app.add_typer(rule_app, name="rule")

STATUS_COLOURS = {
    "expected": "[dim]待报送[/]",
    "submitted": "[cyan]已报送[/]",
    "approved": "[green]已审核[/]",
    "returned": "[red]已退回[/]",
}


@app.command()
@handle_errors
def observe(
    indicator: str = typer.Argument(..., help="Indicator code."),
    period: str = typer.Argument(..., help="YYYY-MM, YYYY-Qn or YYYY."),
    value: float = typer.Argument(..., help="Value in the indicator's unit."),
    kind: str | None = typer.Option(None, help="cumulative, current or yoy (default: natural)."),
    scope: str = typer.Option("city", help="city, chain or park."),
    scope_id: int = typer.Option(0, "--scope-id", help="Chain or park id (0 for the city)."),
    comment: str | None = typer.Option(None, help="Comment."),
    source: str | None = typer.Option(None, help="Data source."),
    confirm: bool = typer.Option(
        False, "--confirm", help="Accept flagged values (needs --reason)."
    ),
    reason: str | None = typer.Option(None, help="Why a flagged value is right."),
) -> None:
    """Report (submit) a value: checked for plausibility, stored as a new revision."""
    from sqlalchemy import select

    from gaodi.core.periods import parse_period
    from gaodi.plans import service
    from gaodi.plans.models import Indicator
    from gaodi.plans.schemas import ObservationIn

    parse_period(period)  # a bad period in words (YYYY, YYYY-Qn or YYYY-MM), not as a pattern
    data = ObservationIn(
        indicator=indicator,
        period=period,
        value=value,
        kind=kind,  # type: ignore[arg-type]
        scope=scope,
        scope_id=scope_id,
        comment=comment,
        source=source,  # type: ignore[arg-type]
    )
    with cli_session() as (session, principal):
        try:
            result = service.add_observation(
                session, principal, data, confirm=confirm, reason=reason, source="cli",
                same_figure=True,
            )  # fmt: skip
        except ConflictError as exc:
            if not exc.context.get("unchanged"):
                raise
            # the figure on record sent again (a script run twice): nothing to do, not a failure
            console.print(f"{exc.zh}\n{exc.en}")
            return
        # confirmed by name (as the form does), the code beside it for scripts
        code = result.observation.indicator_code
        name = session.scalar(select(Indicator.name).where(Indicator.code == code))
    o = result.observation
    console.print(
        f"已报送 Submitted {name}（{o.indicator_code}）{o.period} = {_num(o.value)} ({o.kind}, "
        f"revision {o.revision})" + (" [yellow]— flags confirmed[/]" if result.confirmed else "")
    )


def _rows_table(rows: list) -> Table:  # type: ignore[type-arg]
    table = Table()
    for col in ("key", "指标", "期间", "截止 due", "状态", "逾期", "数值", "报送人", "意见"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.key,
            r.indicator_name,
            r.period,
            r.due,
            STATUS_COLOURS.get(r.status, r.status),
            "[red]逾期[/]" if r.overdue else ("迟报" if r.late else ""),
            _num(r.value),
            r.submitted_by or "",
            r.review_comment or "",
        )
    return table


@app.command()
@handle_errors
def tasks(owner: str | None = typer.Option(None, help="Only this owner.")) -> None:
    """What each owner still has to report (overdue first), and what waits for review."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        result = service.tasks(session, principal, owner)
    for group in result.owners:
        console.print(
            f"[bold]{group.owner}[/]  待报 open {len(group.rows)}，逾期 overdue "
            f"[red]{group.overdue}[/]"
        )
        console.print(_rows_table(group.rows))
    console.print(f"[bold]待审核 To review: {len(result.to_review)}[/]")
    if result.to_review:
        console.print(_rows_table(result.to_review[:50]))


@app.command()
@handle_errors
def approve(
    key: str = typer.Argument(..., help="Submission key indicator:scope:scope_id:period."),
    comment: str | None = typer.Option(None, help="Comment."),
) -> None:
    """Approve a submission (it is then locked)."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        row = service.approve(session, principal, key, comment)
    console.print(f"已审核 Approved {row.key} (locked).")


@app.command("return")
@handle_errors
def return_cmd(
    key: str = typer.Argument(..., help="Submission key."),
    comment: str = typer.Option(..., help="What must be corrected."),
) -> None:
    """Return a submission to its owner with a comment."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        row = service.return_submission(session, principal, key, comment)
    console.print(f"已退回 Returned {row.key}: {comment}")


@app.command()
@handle_errors
def unlock(
    key: str = typer.Argument(..., help="Submission key."),
    reason: str = typer.Option(..., help="Why the approved figure must be reopened."),
) -> None:
    """(Administrators) reopen an approved submission for correction."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        row = service.unlock(session, principal, key, reason)
    console.print(f"已解锁 Unlocked {row.key}: {reason}")


@app.command()
@handle_errors
def completeness(year: int | None = typer.Option(None, help="Year (default: latest).")) -> None:
    """Who has submitted what: owners x periods (approved+submitted / expected)."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        result = service.completeness(session, principal, year)
    table = Table(title=f"报送完整性 completeness (today {result.today})")
    table.add_column("责任单位 owner")
    for p in result.periods:
        table.add_column(p[2:], justify="center")
    for owner in result.owners:
        cells = []
        for p in result.periods:
            c = result.cells[owner].get(p)
            if c is None:
                cells.append("")
                continue
            total = c.expected + c.submitted + c.approved + c.returned
            done = c.submitted + c.approved
            colour = "red" if c.overdue else ("green" if done == total else "yellow")
            cells.append(f"[{colour}]{done}/{total}[/]")
        table.add_row(owner, *cells)
    console.print(table)


@rule_app.command("add")
@handle_errors
def rule_add(
    name: str = typer.Argument(..., help="Rule name."),
    expression: str = typer.Argument(
        ..., help="e.g. 'sum(chain_output@park) <= chain_output@city'"
    ),
    severity: str = typer.Option("warning", help="warning (confirmable) or error (refuses)."),
    description: str | None = typer.Option(None, help="Description."),
) -> None:
    """Add a validation rule (see docs/plans.md for the rule language)."""
    from gaodi.plans import intake

    with cli_session() as (session, principal):
        rule = intake.add_rule(session, principal, name, expression, severity, description)
        rule_id = rule.id
    console.print(f"已添加规则 Rule #{rule_id} added: {expression}")


@rule_app.command("list")
@handle_errors
def rule_list() -> None:
    """List validation rules."""
    from gaodi.plans import intake

    with cli_session() as (session, principal):
        rules = [
            (r.id, r.name, r.expression, r.severity, r.active)
            for r in intake.list_rules(session, principal)
        ]
    table = Table()
    for col in ("#", "名称", "表达式 expression", "严重程度", "启用"):
        table.add_column(col)
    for r in rules:
        table.add_row(str(r[0]), r[1], r[2], r[3], "是" if r[4] else "否")
    console.print(table)


@rule_app.command("disable")
@handle_errors
def rule_disable(rule_id: int = typer.Argument(..., help="Rule id.")) -> None:
    """Deactivate a validation rule."""
    from gaodi.plans import intake

    with cli_session() as (session, principal):
        intake.deactivate_rule(session, principal, rule_id)
    console.print(f"已停用 Rule #{rule_id} disabled.")
