"""``gaodi report``: the monthly report, a chain's report and a park's report as Word, PDF or
Excel, with a progress bar.

By default the command acts as the machine's operator (an administrator, like the other
administrative commands; the report names it 「系统管理员（命令行）」, not the OS account);
``--as NAME`` (or ``--user NAME``) builds the report as that user sees the data (a chain or
park office gets its own chains or parks only) and names that user.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from gaodi.core.periods import parse_day
from gaodi.ui.cli.support import console, engine, handle_errors, principal_for

#: ``--as`` as every other command that acts for a user; ``--user`` is the older spelling.
AS_USER = typer.Option(
    None, "--as", "--user", help="按该用户权限生成 As this user sees it (--user: the same)."
)

app = typer.Typer(
    help="报告：月度调度报告、产业链报告、园区报告（Word、PDF、Excel）。 "
    "Reports: the monthly report, chain and park reports (Word, PDF, Excel).",
    no_args_is_help=True,
)


class Fmt(StrEnum):
    docx = "docx"
    pdf = "pdf"
    xlsx = "xlsx"


class ReportLang(StrEnum):
    zh = "zh"
    en = "en"


LANG = typer.Option(
    None, "--lang", help="zh or en (默认 default: GAODI_LANGUAGE, which is zh unless set)."
)


def _lang(lang: ReportLang | None) -> str:
    """The report's language: the one asked for, else the configured default (GAODI_LANGUAGE,
    documented as the default report language; it was always zh)."""
    from gaodi.config import get_settings

    return lang.value if lang is not None else str(get_settings().language)


FORMAT_HELP = "docx, pdf or xlsx (默认按 --out 的扩展名 default: from the --out suffix)."


def output_format(fmt: Fmt | None, out: Path) -> Fmt:
    """The format to write: ``--format``, else the ``--out`` file's suffix; a suffix that
    disagrees with ``--format`` is refused (a PDF named .docx opens nowhere)."""
    from gaodi.core.errors import ValidationError

    suffix = out.suffix.lower().lstrip(".")
    known = [f.value for f in Fmt]
    if fmt is None:
        if suffix in known:
            return Fmt(suffix)
        raise ValidationError(
            f"无法从输出文件名“{out.name}”判断报告格式：文件名须以 .docx、.pdf 或 .xlsx 结尾"
            "（或用 --format 指定）。",
            f"Cannot tell the report format from the output file name '{out.name}': end it "
            "with .docx, .pdf or .xlsx (or give --format).",
            field="out",
        )
    if suffix != fmt.value:
        raise ValidationError(
            f"--format {fmt.value} 与输出文件“{out.name}”的扩展名不符：请把文件命名为"
            f" *.{fmt.value}" + (f"，或改用 --format {suffix}" if suffix in known else "") + "。",
            f"--format {fmt.value} does not match the output file '{out.name}': name it "
            f"*.{fmt.value}" + (f", or use --format {suffix}" if suffix in known else "") + ".",
            field="out",
        )
    return fmt


def _run(
    build: Callable[[Any, Any, Callable[[float, str], None]], Any],
    fmt: Fmt | None,
    out: Path,
    username: str | None,
) -> None:
    from gaodi.core.permissions import principal_label
    from gaodi.db import session_scope
    from gaodi.reports.render import render

    fmt = output_format(fmt, out)  # before any work: nothing is built for a wrong name

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("报告 report", total=1.0)

        def step(fraction: float, label: str) -> None:
            bar.update(task, completed=fraction, description=label)

        with session_scope(engine(), actor=username or "cli") as session:
            principal = principal_for(session, username)
            report = build(session, principal, step)
            report.author = principal_label(principal, report.lang == "zh")
        step(0.92, f"{fmt.value}…")
        render(report, fmt.value, out)
        step(1.0, "完成 done")
    console.print(f"已写入 Wrote {out}")


@app.command()
@handle_errors
def monthly(
    period: str | None = typer.Option(
        None,
        "--period",
        "-p",
        help="报告期 YYYY-MM（默认：看板默认月份）. Month (default: the board's).",
    ),
    fmt: Fmt | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 Output file."),
    lang: ReportLang | None = LANG,
    plan_id: int | None = typer.Option(None, "--plan", help="计划编号 Plan id (default: adopted)."),
    user: str | None = AS_USER,
    known_on: str | None = typer.Option(
        None,
        "--known-on",
        help="数据已知日 YYYY-MM-DD：按该日已报送的数据重出当日的报告. The report as it was "
        "on that day (default: every value known today).",
    ),
) -> None:
    """月度调度报告 The monthly report on the plan."""
    from gaodi.reports.monthly import build_monthly, check_period

    check_period(period)
    output_format(fmt, out)
    day = parse_day(known_on, "--known-on")

    def build(session: Any, principal: Any, step: Callable[[float, str], None]) -> Any:
        return build_monthly(
            session, principal, period, _lang(lang), plan_id=plan_id, progress=step, known_on=day
        )

    _run(build, fmt, out, user)


@app.command()
@handle_errors
def chain(
    chain_ref: str = typer.Argument(
        ..., metavar="CHAIN", help="产业链编号、代码或名称 id, code or name."
    ),
    fmt: Fmt | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 Output file."),
    lang: ReportLang | None = LANG,
    year: int | None = typer.Option(None, "--year", help="企业数据年份 Year of figures."),
    user: str | None = AS_USER,
) -> None:
    """产业链报告 A chain's map, diagnosis and recommendations."""
    from gaodi.reports.chain import build_chain

    ref: int | str = int(chain_ref) if chain_ref.isdigit() else chain_ref

    def build(session: Any, principal: Any, step: Callable[[float, str], None]) -> Any:
        return build_chain(session, principal, ref, _lang(lang), year=year, progress=step)

    _run(build, fmt, out, user)


@app.command()
@handle_errors
def park(
    park_ref: str = typer.Argument(..., metavar="PARK", help="园区编号或名称 Park id or name."),
    fmt: Fmt | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 Output file."),
    lang: ReportLang | None = LANG,
    year: int | None = typer.Option(None, "--year", help="评价年份 Year evaluated."),
    user: str | None = AS_USER,
) -> None:
    """园区报告 A park's 亩均 evaluation, enterprises by class and tier progress."""
    from gaodi.reports.park import build_park

    ref: int | str = int(park_ref) if park_ref.isdigit() else park_ref

    def build(session: Any, principal: Any, step: Callable[[float, str], None]) -> Any:
        return build_park(session, principal, ref, _lang(lang), year=year, progress=step)

    _run(build, fmt, out, user)
