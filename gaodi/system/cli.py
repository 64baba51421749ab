"""``gaodi db …`` and ``gaodi config …``: schema migrations and settings."""

from __future__ import annotations

import typer
from rich.table import Table

from gaodi import migrate
from gaodi.config import Settings, get_settings, settings_markdown
from gaodi.db import get_engine
from gaodi.ui.cli.support import console, existing_engine, handle_errors

db_app = typer.Typer(
    help="Database schema: upgrade, current revision. 数据库结构迁移。", no_args_is_help=True
)
config_app = typer.Typer(
    help="Settings in effect and their reference. 配置。", no_args_is_help=True
)


@db_app.command("upgrade")
@handle_errors
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or upgrade the database schema to the latest revision."""
    engine = get_engine()  # the one command (with demo build) that may create the database
    before = migrate.current_revision(engine)
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
    console.print(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


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
    from gaodi.system.backup import backup_sqlite

    engine = existing_engine()
    if engine.dialect.name != "sqlite":
        raise ValidationError(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f gaodi.dump 数据库名",
            "Back up a PostgreSQL database with pg_dump, e.g. pg_dump -Fc -f gaodi.dump DBNAME",
        )
    target = Path(path)
    if target.exists():
        raise ConflictError(f"文件已存在：{target}", f"The file already exists: {target}")
    pages = backup_sqlite(engine, target)
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
) -> None:
    """Replace the SQLite database by a backup, safely (no stale WAL replayed onto it).

    Refused while `gaodi serve` runs (unless --force). The backup must pass SQLite's integrity
    check and be a Gaodi database; the current database is first copied to
    <name>.before-restore-<time>.sqlite. PostgreSQL: use pg_restore (see docs/administration.md).
    """
    from pathlib import Path

    from gaodi.core.errors import ValidationError
    from gaodi.system.restore import PG_RESTORE_HELP_EN, PG_RESTORE_HELP_ZH, restore_sqlite

    engine = get_engine()
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise ValidationError(PG_RESTORE_HELP_ZH, PG_RESTORE_HELP_EN)
    engine.dispose()  # this process holds no connection of its own while it restores
    report = restore_sqlite(Path(database), Path(path), force=force)
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
