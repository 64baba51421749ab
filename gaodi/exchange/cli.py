"""``gaodi template``, ``gaodi import`` and ``gaodi export``: Excel/CSV in and out.

The three are top-level commands (registered in :mod:`gaodi.cli`). Every entity is listed by
``gaodi import --help``; ``docs/exchange.md`` describes their columns.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaodi.core.errors import GaodiError, ImportRejected, ValidationError
from gaodi.core.permissions import Principal
from gaodi.exchange import service
from gaodi.ui.cli.output import AS_USER, FORCE, writable
from gaodi.ui.cli.support import (
    console,
    engine,
    err_console,
    handle_errors,
    operator,
    principal_for,
)

ENTITY_HELP = "数据类型 Entity: " + ", ".join(service.ENTITIES) + "."
FILE_SUFFIXES = (".xlsx", ".csv")


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _xlsx_or_csv(path: Path, what_zh: str, what_en: str) -> Path:
    """Refuse any other file type before anything is read or written (a .txt file was parsed
    as CSV and gave a cell error per row)."""
    if path.suffix.lower() not in FILE_SUFFIXES:
        raise ValidationError(
            f"{what_zh}“{path.name}”须为 .xlsx 或 .csv 文件。",
            f"The {what_en} '{path.name}' must be .xlsx or .csv.",
        )
    return path


def _existing_engine() -> object | None:
    """The configured database when it exists and is up to date (templates never create one)."""
    from gaodi import migrate
    from gaodi.config import get_settings
    from gaodi.db import get_engine

    url = get_settings().effective_database_url
    if url.startswith("sqlite") and "///" in url:
        path = url.split("///", 1)[1]
        if path != ":memory:" and not Path(path).exists():
            return None
    try:
        eng = get_engine()
        return eng if migrate.is_up_to_date(eng) else None
    except Exception:  # an unreachable server: the template is still useful without it
        return None


@handle_errors
def template_cmd(
    entity: str = typer.Argument(..., help=ENTITY_HELP),
    file: Path = typer.Argument(
        ..., help="模板文件 Template file (.xlsx; .csv gives headers only)."
    ),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="说明 sheet language first: zh or en."),
    use_db: bool = typer.Option(
        True,
        "--db/--no-db",
        help="Offer the database's parks, chains, indicators and plans in drop-downs.",
    ),
    force: bool = FORCE,
) -> None:
    """Write an import template: headers, drop-down lists and a 说明 (instructions) sheet.

    An existing FILE is kept (it may hold filled-in data) unless --force.
    """
    service.entity(entity)  # an unknown entity is named before any file is touched
    writable(_xlsx_or_csv(file, "模板文件", "template file"), force)
    eng = _existing_engine() if use_db else None
    path = service.template(entity, file, lang=lang.value, engine=eng, principal=operator())  # type: ignore[arg-type]
    console.print(f"[green]已生成模板[/] Template written: {path}")


def _principal(eng: Any, username: str | None) -> Principal:
    """The operator (an administrator), or the user named with ``--as``."""
    from gaodi.db import session_scope

    with session_scope(eng) as session:
        return principal_for(session, username)  # type: ignore[no-any-return]


@handle_errors
def import_cmd(
    entity: str = typer.Argument(..., help=ENTITY_HELP),
    file: Path = typer.Argument(..., help="数据文件 Data file (.xlsx or .csv)."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check everything and count, but write nothing."
    ),
    mode: str = typer.Option(
        "insert",
        "--mode",
        help="insert: refuse rows already in the database; upsert: update them.",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the errors (or the counts) to this .xlsx/.csv file."
    ),
    as_user: str | None = typer.Option(
        None,
        "--as",
        help="Import as this user, within its rights and scope (default: the operator).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite the --report file if it exists (refused otherwise)."
    ),
) -> None:
    """Import a file: every row is checked first; with any error nothing is written."""
    service.entity(entity)  # an unknown entity is named before the files are looked at
    if not _xlsx_or_csv(file, "数据文件", "data file").exists():
        raise FileNotFoundError(2, "No such file", str(file))  # before --report's directory
    if report is not None:
        writable(_xlsx_or_csv(report, "结果文件", "--report file"), force)
    eng = engine()
    who = _principal(eng, as_user)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("导入 import", total=1.0)

            def step(stage: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=f"导入 import: {stage}")

            result = service.import_file(
                eng,
                entity,
                file,
                who,
                dry_run=dry_run,
                mode=mode,  # type: ignore[arg-type]
                report_path=report,
                progress=step,
            )
    except (ImportRejected, GaodiError):
        if report is not None:
            err_console.print(f"错误清单已写入 Errors written to: {report}")
        raise
    table = Table(title=f"{result.entity}: {result.file}")
    for col in ("sheet", "新增 created", "更新 updated", "未变 unchanged"):
        table.add_column(col, justify="left" if col == "sheet" else "right")
    for sheet, counts in result.sheets.items():
        table.add_row(sheet, str(counts.created), str(counts.updated), str(counts.unchanged))
    console.print(table)
    for zh, en in result.notes:
        console.print(f"{zh} {en}", markup=False)
    if dry_run:
        console.print("[yellow]试运行，未写入任何数据[/] Dry run: nothing was written.")
    else:
        console.print(f"[green]导入完成[/] Imported {result.rows} row(s) in one transaction.")
    if report is not None:
        console.print(f"结果已写入 Report written to: {report}")


@handle_errors
def export_cmd(
    entity: str = typer.Argument(..., help=ENTITY_HELP),
    file: Path = typer.Argument(..., help="导出文件 Output file (.xlsx or .csv)."),
    chain: str | None = typer.Option(None, "--chain", help="Only this chain (chain code)."),
    park: str | None = typer.Option(None, "--park", help="Only this park (park name)."),
    year: int | None = typer.Option(None, "--year", help="Only this year."),
    indicator: str | None = typer.Option(None, "--indicator", help="Only this indicator code."),
    plan: str | None = typer.Option(None, "--plan", help="Only this plan (title or id)."),
    source: str | None = typer.Option(
        None, "--source", help="enterprise_links: manual, rule or all (default all)."
    ),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """Export an entity with the template's columns (re-importable as it is).

    An existing FILE is kept unless --force.
    """
    service.entity(entity)
    writable(_xlsx_or_csv(file, "导出文件", "output file"), force)
    filters = {
        "chain": chain,
        "park": park,
        "year": year,
        "indicator": indicator,
        "plan": plan,
        "source": source,
    }
    eng = engine()
    counts = service.export(eng, entity, file, _principal(eng, as_user), filters=filters)
    for sheet, n in counts.items():
        console.print(f"{sheet}: {n} 行 rows")
    console.print(f"[green]已导出[/] Exported to {file}")
