"""``gaodi db …`` and ``gaodi config …``: schema migrations and settings."""

from __future__ import annotations

import typer
from rich.table import Table

from gaodi import migrate
from gaodi.config import Settings, get_settings, settings_markdown
from gaodi.db import get_engine
from gaodi.ui.cli.support import console, err_console, existing_engine, fail, handle_errors

db_app = typer.Typer(
    help="Database schema: upgrade, current revision. 数据库结构迁移。", no_args_is_help=True
)
config_app = typer.Typer(
    help="Settings in effect and their reference. 配置。", no_args_is_help=True
)


@db_app.command("upgrade")
@handle_errors
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision."),
    force: bool = typer.Option(
        False, "--force", help="Upgrade even while a server or another program has it open."
    ),
) -> None:
    """Create or upgrade the database schema to the latest revision.

    A SQLite database that needs migrations is refused while `gaodi serve` or another program
    has it open (unless --force), and is first copied to <name>.before-upgrade-<time>.sqlite:
    an upgrade has no downgrade, and that copy is the way back (gaodi db restore).
    """
    from pathlib import Path

    from gaodi.core.storage import StorageUnavailable
    from gaodi.system.backup import NotWritten, before_upgrade_copy
    from gaodi.system.restore import alone_with

    engine = get_engine()  # the one command (with demo build) that may create the database
    before = migrate.check_known(engine)  # a newer database is neither copied nor touched
    wanted = migrate.head_revision() if revision == "head" else revision
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if before is not None and before != wanted and database and database != ":memory:":
        engine.dispose()  # this process holds no connection of its own while it checks
        try:
            with alone_with(Path(database), force=force, action="upgrade"):
                try:
                    copy = before_upgrade_copy(Path(database))
                except NotWritten as exc:
                    exc.zh = f"未升级，数据库未改动：{exc.zh}"
                    exc.en = f"Not upgraded, the database is unchanged: {exc.en}"
                    raise
                console.print(
                    f"升级前的副本 Copy of the database before the upgrade: {copy}\n"
                    "  （升级不可撤销；要退回旧版本，停止服务器后用 gaodi db restore 恢复此副本 / "
                    "an upgrade cannot be undone: to go back, stop the server and restore this "
                    "copy with gaodi db restore）"
                )
                migrate.upgrade(engine, revision)
        except StorageUnavailable as exc:
            fail(exc, code=1)
    else:
        migrate.upgrade(engine, revision)
    after = migrate.current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    if before is None:
        console.print(f"[green]已创建数据库 Database created[/]: {url} (schema {after})")
    elif before == after:
        console.print(f"[green]数据库已是最新 Database already up to date[/]: {url} ({after})")
    else:
        console.print(f"[green]数据库已升级 Database upgraded[/]: {url} ({before} → {after})")


@db_app.command("current")
@handle_errors
def db_current() -> None:
    """Show the database's schema revision and the latest one."""
    engine = existing_engine()
    current = migrate.current_revision(engine)
    console.print(f"current: {current}  head: {migrate.head_revision()}")
    if current is not None and current not in migrate.known_revisions():
        console.print(
            "[yellow]此版本的高地不认识该结构版本：它由更新的高地写入[/] "
            "(this Gaodi does not know that revision: a newer Gaodi wrote the database)"
        )


@db_app.command("revision")
@handle_errors
def db_revision(message: str = typer.Option(..., "-m", "--message")) -> None:
    """(Developers) autogenerate a migration from the models against the configured database."""
    migrate.revision(get_engine(), message)


@config_app.command("show")
@handle_errors
def config_show() -> None:
    """Print every setting and the value in effect (the secret key is masked)."""
    settings = get_settings()
    table = Table(title="Gaodi settings")
    table.add_column("variable")
    table.add_column("value")
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name == "secret_key":
            value = "(set)" if value else "(generated, stored in data_dir/secret_key)"
        if name == "database_url" and not value:
            value = f"(default) {settings.effective_database_url}"
        table.add_row(f"GAODI_{name.upper()}", str(value))
    console.print(table)


@config_app.command("docs")
def config_docs() -> None:
    """Print the configuration reference (Markdown) generated from the settings registry."""
    typer.echo(settings_markdown(), nl=False)


@db_app.command("backup")
@handle_errors
def db_backup(
    path: str = typer.Argument(..., help="Where to write the copy (a new file)."),
) -> None:
    """Copy the SQLite database to PATH while it is in use (SQLite's online backup).

    PostgreSQL databases are backed up with the server's own tool: pg_dump.
    """
    from pathlib import Path

    from gaodi.core.errors import ConflictError, ValidationError
    from gaodi.system.backup import NotWritten, backup_sqlite

    engine = existing_engine()
    if engine.dialect.name != "sqlite":
        raise ValidationError(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f gaodi.dump 数据库名",
            "Back up a PostgreSQL database with pg_dump, e.g. pg_dump -Fc -f gaodi.dump DBNAME",
        )
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise ConflictError(f"文件已存在：{target}", f"The file already exists: {target}")
    try:
        pages = backup_sqlite(engine, target)
    except NotWritten as exc:  # disk full, a place that cannot be written: exit 1, no file
        fail(exc, code=1)
    console.print(f"[green]已备份 Backed up[/]: {target} ({pages} pages)")


@db_app.command("restore")
@handle_errors
def db_restore(
    path: str = typer.Argument(..., help="The backup to restore (a file from gaodi db backup)."),
    force: bool = typer.Option(
        False, "--force", help="Restore even while a server or another program has it open."
    ),
    upgrade: bool = typer.Option(
        False, "--upgrade", help="Upgrade the restored database to this release's schema."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="With a damaged backup, print SQLite's integrity report."
    ),
) -> None:
    """Replace the SQLite database by a backup, safely (no stale WAL replayed onto it).

    Refused while `gaodi serve` runs (unless --force). The backup must pass SQLite's integrity
    check and be a Gaodi database; the current database is first copied to
    <name>.before-restore-<time>.sqlite. PostgreSQL: use pg_restore (see docs/administration.md).
    """
    from pathlib import Path

    from gaodi.core.errors import ValidationError
    from gaodi.core.storage import StorageUnavailable
    from gaodi.system.restore import (
        PG_RESTORE_HELP_EN,
        PG_RESTORE_HELP_ZH,
        DamagedBackup,
        restore_sqlite,
    )

    engine = get_engine()
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise ValidationError(PG_RESTORE_HELP_ZH, PG_RESTORE_HELP_EN)
    engine.dispose()  # this process holds no connection of its own while it restores
    try:
        report = restore_sqlite(Path(database), Path(path), force=force)
    except DamagedBackup as exc:
        if verbose:
            err_console.print("SQLite integrity_check:", markup=False)
            for line in exc.report:
                err_console.print(f"  {line}", markup=False, highlight=False)
        else:
            exc.zh += "（加 --verbose 可查看 SQLite 的检查报告）"
            exc.en += " (--verbose prints SQLite's report.)"
        raise
    except StorageUnavailable as exc:  # disk full: nothing restored, exit 1
        fail(exc, code=1)
    if report.before_copy:
        console.print(f"恢复前的副本 Copy of the database before: {report.before_copy}")
    for leftover in report.removed:
        console.print(f"已删除旧的 Removed stale: {leftover}")
    console.print(
        f"[green]已恢复 Restored[/]: {report.source} → {report.target} "
        f"(integrity_check: {report.integrity}; schema {report.revision})"
    )
    if report.needs_upgrade:
        if upgrade:
            migrate.upgrade(engine)
            console.print(f"[green]数据库已升级 Database upgraded[/]: → {report.head}")
        else:
            console.print(
                f"[yellow]备份的结构版本 {report.revision} 旧于 {report.head}："
                "请运行 gaodi db upgrade[/] "
                f"(The backup's schema {report.revision} is older than {report.head}: run "
                "gaodi db upgrade, or restore with --upgrade.)"
            )
    engine.dispose()
