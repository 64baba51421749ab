"""``gaodi plan``: extract, load, review and adopt a plan; the board; data entry and review."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import pydantic
import typer
import yaml

from gaodi.core.errors import ValidationError
from gaodi.core.periods import parse_day
from gaodi.plans.choices import PLAN_STATUS
from gaodi.plans.reasons import FIGURES, figure_texts
from gaodi.ui.cli.output import FORCE, Format, export, format_for, writable
from gaodi.ui.cli.support import cli_session, console, handle_errors, lang

app = typer.Typer(
    help="行动计划 Plans: extract targets from a plan's text, load it, follow its progress.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    json = "json"
    yaml = "yaml"


# Encodings a bureau's text files come in: UTF-8 (with or without BOM), then GB18030 (which
# covers GBK and GB2312). UTF-8 is tried first because GB18030 decodes almost any byte string.
_ENCODINGS = ("utf-8-sig", "gb18030")


def read_plan_text(path: Path, shown: str | None = None) -> str:
    """The text of a plan file, decoded as UTF-8 (with or without BOM) or GB18030. ``shown``:
    the file's name as the user knows it (an upload's own name, not the server's copy)."""
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 or a binary file: decodable bytes, not a text we can read
        return text
    name = shown or path
    raise ValidationError(
        f"无法读取文件 {name}：编码不是 UTF-8 或 GB18030（GBK）。请另存为 UTF-8 文本后重试。",
        f"Cannot read {name}: the encoding is neither UTF-8 nor GB18030 (GBK). "
        "Save it as UTF-8 text and try again.",
    )


@app.command()
@handle_errors
def extract(
    file: Path = typer.Argument(..., help="The plan's text file (.txt, UTF-8 or GB18030)."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.json, "--format", "-f", help="Output format: json or yaml."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file, not stdout."),
    rules_only: bool = typer.Option(
        False,
        "--rules-only",
        help="The rules' targets alone: no learned second opinion, nothing set aside or suggested.",
    ),
    force: bool = FORCE,
) -> None:
    """Extract the title, actions, quantitative targets and qualitative goals of a plan text.

    Offline: rules, and a learned model that sets aside the targets it judges unlikely (under
    "set_aside", with its reason) and suggests numbers the rules passed over that it judges may
    be targets (under "suggested", with its reason; not loaded as targets). Review the result
    before loading it: see docs/plan-extraction.md.
    """
    from gaodi.text.extract import extract_plan

    text = read_plan_text(file)
    if not text.strip():
        raise ValidationError(
            f"文件 {file} 是空的，没有可提取的文本。",
            f"The file {file} is empty: nothing to extract.",
        )
    if out is not None:
        writable(out, force)  # an existing file is refused before the extraction's work
    data = extract_plan(text, second_opinion=not rules_only).model_dump(mode="json")
    if output_format is OutputFormat.json:
        rendered = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        rendered = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(rendered, nl=False)
        return
    writable(out, force).write_text(rendered, encoding="utf-8")
    console.print(
        f"已写入 Wrote {out}: {len(data['actions'])} actions, {len(data['targets'])} targets, "
        f"{len(data['qualitative'])} qualitative goals, {len(data['set_aside'])} set aside, "
        f"{len(data['suggested'])} suggested."
    )


# ============================================================================ load, review, adopt
# The commands below act as the machine's operator (an administrator principal named after the
# OS user, gaodi.ui.cli.support.cli_session), like the other administrative commands; every
# change is audited under that name.


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    if float(value).is_integer() and abs(value) < 1e12:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


LIGHTS = {
    "green": "[green]● 绿[/]",
    "yellow": "[yellow]● 黄[/]",
    "red": "[red]● 红[/]",
    "not_due": "[blue]◔ 未到期[/]",
    "at_risk": "[bold red]◔ 有风险[/]",
    "no_data": "[dim]○ 无数据[/]",
    "invalid": "[magenta]✕ 无效[/]",
}


def _status(code: str) -> str:
    """A plan's status in both languages, the words its pages use (草稿 draft)."""
    return f"{PLAN_STATUS.label(code, 'zh')} {PLAN_STATUS.label(code, 'en')}"


def _print_plan(plan: Any) -> None:
    from rich.table import Table

    console.print(
        f"[bold]#{plan.id} {plan.title}[/] （{plan.period_start}–{plan.period_end}，"
        f"状态 status: {_status(plan.status)}）"
    )
    table = Table(show_lines=False)
    for col in (
        "目标#",
        "行动",
        "指标 indicator",
        "代码 code",
        "目标值",
        "单位",
        "年份",
        "口径 agg.",
        "类型 kind",
        "方向",
        "责任单位 owner",
        "频率",
        "指标来源 match",
    ):
        table.add_column(col)
    for t in plan.targets:
        ind = t.indicator
        table.add_row(
            str(t.id),
            t.action_number or "—",
            t.indicator_name,
            ind.code if ind else "—",
            f"{t.comparator} {_num(t.value)}" + (f"–{_num(t.value_max)}" if t.value_max else ""),
            t.unit,
            str(t.year),
            ind.aggregation if ind else "—",
            ind.kind if ind else "—",
            ind.direction if ind else "—",
            (ind.owner or "—") if ind else "—",
            ind.frequency if ind else "—",
            {"existing": "已有 existing", "new": "新建 new"}.get(t.indicator_origin or "", "—"),
        )
    console.print(table)
    for t in plan.targets:
        if t.indicator_match_zh:
            console.print(f"目标 #{t.id} {t.indicator_name}：{t.indicator_match_zh}")
            console.print(f"  [dim]{t.indicator_match_en}[/]")
    for problem in plan.problems:
        console.print(f"[yellow]待处理 To fix:[/] {problem}")


@app.command()
@handle_errors
def load(
    file: Path = typer.Argument(..., help="The plan text (.txt) or its extraction (.json)."),
    name: str | None = typer.Option(None, "--name", help="Source name (default: the file name)."),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user (default: operator)."),
) -> None:
    """Create a DRAFT plan from a text (extracted) or a reviewed extraction JSON.

    Review it (gaodi plan show ID, or the web page /plans/ID/review), correct it, then adopt
    it with gaodi plan adopt ID."""
    from gaodi.plans import service

    extraction, text = service.read_source(file)
    with cli_session(as_user) as (session, principal):
        plan = service.load_plan(
            session, principal, extraction, source_name=name or file.name, source_text=text
        )
        # read back with its adoption problems in the language of the messages
        plan = service.get_plan(session, principal, plan.id, lang())
    _print_plan(plan)
    console.print(
        f"已创建草稿 Draft created: plan #{plan.id} with {len(plan.actions)} actions, "
        f"{len(plan.targets)} targets, {len(plan.goals)} qualitative goals. "
        f"Review it, then: gaodi plan adopt {plan.id}"
    )


@app.command("list")
@handle_errors
def list_cmd() -> None:
    """List plans (drafts and adopted)."""
    from rich.table import Table

    from gaodi.plans import service

    with cli_session() as (session, principal):
        plans = service.list_plans(session, principal)
    table = Table()
    for col in ("#", "标题 title", "期间", "状态 status", "行动", "目标"):
        table.add_column(col)
    for p in plans:
        table.add_row(
            str(p.id),
            p.title,
            f"{p.period_start}–{p.period_end}",
            _status(p.status),
            str(p.n_actions),
            str(p.n_targets),
        )
    console.print(table)


@app.command()
@handle_errors
def show(
    plan_id: int = typer.Argument(..., help="Plan id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show a plan's targets with their indicators (for review)."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        plan = service.get_plan(session, principal, plan_id, lang())
    if as_json:
        typer.echo(plan.model_dump_json(indent=2))
    else:
        _print_plan(plan)


@app.command()
@handle_errors
def target(
    target_id: int = typer.Argument(..., help="Target id (see gaodi plan show)."),
    value: float | None = typer.Option(None, help="Target value."),
    value_max: float | None = typer.Option(None, "--value-max", help="Upper end of a range."),
    year: int | None = typer.Option(None, help="Target year."),
    unit: str | None = typer.Option(None, help="Unit."),
    comparator: str | None = typer.Option(None, help=">=, <= or =."),
    baseline: float | None = typer.Option(None, help="Baseline value."),
    baseline_year: int | None = typer.Option(None, "--baseline-year", help="Baseline year."),
    indicator_name: str | None = typer.Option(None, "--name", help="Indicator wording."),
    indicator_code: str | None = typer.Option(
        None, "--indicator", help="Re-link to this existing indicator code."
    ),
    action: str | None = typer.Option(None, "--action", help="Action number."),
    note: str | None = typer.Option(None, help="Note."),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user (default: operator)."),
) -> None:
    """Correct a draft target."""
    from gaodi.plans import service
    from gaodi.plans.schemas import TargetUpdate

    given = {
        "value": value,
        "value_max": value_max,
        "year": year,
        "unit": unit,
        "comparator": comparator,
        "baseline": baseline,
        "baseline_year": baseline_year,
        "indicator_name": indicator_name,
        "indicator_code": indicator_code,
        "action_number": action,
        "note": note,
    }
    changes = TargetUpdate(**{k: v for k, v in given.items() if v is not None})
    with cli_session(as_user) as (session, principal):
        out = service.update_target(session, principal, target_id, changes)
    console.print(
        f"已更新 Updated target #{out.id}: {out.indicator_name} {out.comparator} "
        f"{_num(out.value)} {out.unit} ({out.year})"
    )


@app.command()
@handle_errors
def indicator(
    code: str = typer.Argument(..., help="Indicator code."),
    new_code: str | None = typer.Option(None, "--code", help="New code (a-z, 0-9, _)."),
    name: str | None = typer.Option(None, help="Name."),
    unit: str | None = typer.Option(None, help="Unit."),
    aggregation: str | None = typer.Option(None, help="cumulative, point or average."),
    direction: str | None = typer.Option(None, help="higher or lower."),
    kind: str | None = typer.Option(None, help="level, growth or count."),
    owner: str | None = typer.Option(None, help="Owner department / office."),
    frequency: str | None = typer.Option(None, help="monthly, quarterly or yearly."),
    deadline_day: int | None = typer.Option(None, "--deadline-day", help="Day of next month."),
) -> None:
    """Change an indicator's code, unit, aggregation, direction, kind, owner or frequency."""
    from sqlalchemy import select

    from gaodi.core.errors import NotFoundError
    from gaodi.plans import service
    from gaodi.plans.models import Indicator
    from gaodi.plans.schemas import IndicatorUpdate

    given = {
        "code": new_code,
        "name": name,
        "unit": unit,
        "aggregation": aggregation,
        "direction": direction,
        "kind": kind,
        "owner": owner,
        "frequency": frequency,
        "deadline_day": deadline_day,
    }
    try:
        changes = IndicatorUpdate(**{k: v for k, v in given.items() if v is not None})
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        raise ValidationError(
            f"参数 {first['loc'][0]} 无效：{first['msg']}。",
            f"Invalid {first['loc'][0]}: {first['msg']}.",
        ) from None
    with cli_session() as (session, principal):
        ind_id = session.scalar(select(Indicator.id).where(Indicator.code == code))
        if ind_id is None:
            raise NotFoundError(f"没有代码为“{code}”的指标。", f"No indicator {code!r}.")
        out = service.update_indicator(session, principal, ind_id, changes)
    console.print(
        f"已更新 Updated indicator {out.code}: {out.aggregation}/{out.kind}/"
        f"{out.direction}, {out.owner}, {out.frequency}"
    )


@app.command()
@handle_errors
def merge(
    keep: int = typer.Argument(..., help="The target to keep."),
    others: list[int] = typer.Argument(..., help="Targets merged into it (deleted)."),
) -> None:
    """Merge duplicate draft targets into one."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        out = service.merge_targets(session, principal, keep, others)
    console.print(f"已合并 Merged {len(others)} target(s) into #{out.id}.")


@app.command("delete-target")
@handle_errors
def delete_target(target_id: int = typer.Argument(..., help="Target id.")) -> None:
    """Delete a draft target."""
    from gaodi.plans import service

    with cli_session() as (session, principal):
        service.delete_target(session, principal, target_id)
    console.print(f"已删除 Deleted target #{target_id}.")


@app.command()
@handle_errors
def adopt(plan_id: int = typer.Argument(..., help="Plan id.")) -> None:
    """Adopt (印发) a reviewed draft. The board, reports and overview show the adopted plan with
    the highest id by default (--plan ID for another); adopting beside another plan says so."""
    from gaodi.plans import service
    from gaodi.plans.outputs import current_plan_id

    with cli_session() as (session, principal):
        plan = service.adopt_plan(session, principal, plan_id)
        others = [
            p
            for p in service.list_plans(session, principal)
            if p.status == "adopted" and p.id != plan.id
        ]
        followed = current_plan_id(session, principal)
    console.print(f"已印发 Adopted plan #{plan.id}: {plan.title} ({len(plan.targets)} targets).")
    if others:
        # the board, reports and overview follow one plan by default: say which, so that a
        # second plan adopted beside the first does not silently replace what they show
        same = [p for p in others if (p.title, p.period_start, p.period_end) ==
                (plan.title, plan.period_start, plan.period_end)]  # fmt: skip
        listed = "、".join(f"#{p.id} {p.title}（{p.period_start}–{p.period_end}）" for p in others)
        console.print(
            f"注意：另有已印发的计划 {listed}。看板、报告和总览默认显示 #{followed}；"
            "其他计划用 --plan 编号 查看。\n"
            f"Note: other adopted plans: {', '.join(f'#{p.id}' for p in others)}. The board, "
            f"reports and overview show #{followed} by default; use --plan ID for another."
        )
        if same:
            ids = "、".join(f"#{p.id}" for p in same)
            console.print(
                f"与 {ids} 同名同期：如为重复载入，请只保留一个。\n"
                f"Same title and period as {ids}: if it was loaded twice, keep only one."
            )


@app.command()
@handle_errors
def annotation(
    plan_id: int = typer.Argument(..., help="Plan id (loaded with its text, then reviewed)."),
    name: str = typer.Argument(..., help="File name, such as hunan-changsha-2021."),
    out_dir: Path = typer.Option(
        Path("."),
        "--out-dir",
        "-o",
        help="Write NAME.txt and NAME.json here (created if missing).",
    ),
) -> None:
    """Write a reviewed plan as an annotated text in the extraction corpus's format.

    NAME.txt is the plan's source text; NAME.json its targets as the reviewers left them (see
    tests/data/extraction_corpus/README.md). Add them to the corpus under its fixed split
    (SPLIT.md), then retrain the model: docs/plan-extraction.md. Existing files are not
    overwritten."""
    from gaodi.plans.annotation import annotation as annotate

    with cli_session() as (session, principal):
        text, data = annotate(session, principal, plan_id, name)
    paths = (out_dir / f"{name}.txt", out_dir / f"{name}.json")
    for path in paths:  # both checked before either is written: never half an annotation
        if path.exists():
            raise ValidationError(
                f"{path} 已存在：不覆盖已有文件，请换一个名称或目录。",
                f"{path} exists: an existing file is not overwritten; choose another name or "
                "directory.",
            )
    for path in paths:
        writable(path, force=False)  # a missing directory is created, as every --out does
    paths[0].write_text(text, encoding="utf-8")
    paths[1].write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    console.print(
        f"已写入 Wrote {paths[0]} and {paths[1]}: {len(data['targets'])} targets. "
        "Fill in source.province, source.date and source.url before adding them to the corpus."
    )


# ============================================================================ the board
@app.command()
@handle_errors
def status(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM (default: last month)."),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file."),
    plan_id: int | None = typer.Option(None, "--plan", help="Plan id (default: latest adopted)."),
    only: str | None = typer.Option(
        None, "--status", help="Only green/yellow/red/not_due/at_risk/no_data/invalid."
    ),
    owner: str | None = typer.Option(None, "--owner", help="Only this owner department."),
    no_forecast: bool = typer.Option(False, "--no-forecast", help="Skip the forecasts."),
    known_on: str | None = typer.Option(
        None,
        "--known-on",
        help="YYYY-MM-DD: the values known at the end of that day (what a report signed then "
        "showed); default: every revision known today.",
    ),
    force: bool = FORCE,
) -> None:
    """The board: every target against 序时进度, with traffic lights and forecasts."""
    output_format = format_for(output_format, out)
    from gaodi.plans import service
    from gaodi.plans.schemas import BoardFilter

    try:
        filters = BoardFilter(status=only, owner=owner)  # type: ignore[arg-type]
    except pydantic.ValidationError:
        raise ValidationError(
            f"状态“{only}”无效：可选 green、yellow、red、not_due、at_risk、no_data、invalid。",
            f"Invalid status {only!r}: choose green, yellow, red, not_due, at_risk, no_data "
            "or invalid.",
        ) from None
    with cli_session() as (session, principal):
        board = service.board(
            session,
            principal,
            as_of,
            filters,
            plan_id=plan_id,
            forecasts=not no_forecast,
            known_on=parse_day(known_on, "--known-on"),
        )
    if owner and board.plan_id is not None and owner not in board.owners:
        # a typo would show an empty table under the whole board's counts
        known = "、".join(board.owners) or "（无）"
        raise ValidationError(
            f"本计划没有责任单位“{owner}”的目标。已有的责任单位：{known}。",
            f"No target of this plan has the owner {owner!r}. Owners: {', '.join(board.owners)}.",
        )
    if output_format is not Format.table:
        from gaodi.plans.export import board_workbook

        export(
            output_format,
            out,
            board,
            lambda author: board_workbook(board, author=author),
            principal,
            overwrite=force,
        )
        return
    _print_board(board)


def _figures(r: Any) -> dict[str, str]:
    """A board row's figures as the board page writes them (gaodi.plans.reasons.figure_texts):
    the digits that tell each from the others of its row (0.3645 against ≤ 0.36, not 0.36)."""
    return figure_texts({name: getattr(r, name, None) for name in FIGURES})


def _forecast_cell(r: Any) -> str:
    """The forecast with its interval, or the point alone and why it has none (one observation,
    an exact fit): an interval of zero width would claim certainty the data cannot give."""
    if r.forecast is None:
        return "—"
    shown = _figures(r)
    text = shown["forecast"]
    if r.forecast_lower is not None and r.forecast_upper is not None:
        text += f" [{shown['forecast_lower']}, {shown['forecast_upper']}]"
    elif r.forecast_note_zh:
        text += "（无区间）"  # the reason column says why, in words
    return text


def _reason_cell(r: Any) -> str:
    """The light's reason, and the forecast's note when the forecast has one."""
    from rich.markup import escape

    text = escape(r.reason_zh)
    if r.forecast is not None and r.forecast_note_zh:
        text += f"\n[dim]预测：{escape(r.forecast_note_zh)}[/]"
    return text


def _print_board(board: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    if board.plan_id is None:
        console.print("还没有计划。 No plan yet: load one with gaodi plan load FILE.")
        return
    counts = board.counts
    console.print(
        f"[bold]{board.plan_title}[/]  截至 as of {board.as_of}  "
        f"[green]绿 {counts['green']}[/]  [yellow]黄 {counts['yellow']}[/]  "
        f"[red]红 {counts['red']}[/]  未到期 {counts['not_due']}  "
        f"[bold red]有风险 {counts['at_risk']}[/]  无数据 {counts['no_data']}  "
        f"逾期未报 overdue {board.overdue_total}"
    )
    if board.filters.status or board.filters.owner or board.filters.action:
        shown = sum(len(a.rows) for a in board.actions)
        console.print(
            f"[dim]筛选后显示 {shown} 个目标；以上计数为全部目标。 "
            f"{shown} targets shown by the filter; the counts above are all targets.[/]"
        )
    table = Table(show_lines=False)
    for col in (
        "指标 indicator",
        "期间",
        "目标",
        "实际",
        "完成率",
        "序时进度",
        "状态",
        "预测 forecast",
        "达成概率",
        "逾期",
        "说明 reason",
    ):
        left = ("指标 indicator", "状态", "说明 reason")
        # a sentence in Chinese has no spaces to wrap at: fold it rather than cut it off with …
        table.add_column(
            col,
            justify="left" if col in left else "right",
            overflow="fold" if col == "说明 reason" else "ellipsis",
        )
    for action in board.actions:
        table.add_section()
        table.add_row(f"[bold]{action.number or ''} {action.title}[/]", *[""] * 10)
        for r in action.rows:
            figures = _figures(r)
            table.add_row(
                f"{r.indicator_name}（{r.unit}）",
                r.window,
                f"{r.comparator} {figures.get('target', '—')}",
                figures.get("actual", "—") + (f" [dim]({r.actual_period})[/]" if r.stale else ""),
                _pct(r.completion),
                _pct(r.time_progress),
                LIGHTS.get(r.status, r.status),
                _forecast_cell(r),
                _pct(r.probability),
                f"[red]{len(r.overdue_periods)}[/]" if r.overdue_periods else "",
                _reason_cell(r),
            )
    console.print(table)
    p = board.provenance
    console.print(
        f"[dim]数据已知至 values known on {p.known_on}; "
        f"最新报送 data as of {p.data_as_of_words('zh')}; 规则 rules v{p.rules_version}; "
        f"{p.n_observations} observations ({p.n_unapproved} not yet approved)[/]"
    )
    for v in p.set_aside:
        console.print(f"[red]⛔ {escape(v.reason_zh)}[/]\n   {escape(v.reason_en)}")


from gaodi.plans import cli_submit  # noqa: E402, F401  (registers the submission commands)
