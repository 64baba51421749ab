"""``gaodi db …`` and ``gaodi config …``: schema migrations and settings."""

from __future__ import annotations

import typer
from rich.table import Table

from gaodi import migrate
from gaodi.config import Settings, get_settings, settings_markdown
from gaodi.core.cli_support import console, handle_errors
from gaodi.db import get_engine

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
    engine = get_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    console.print(f"[green]数据库已升级 Database upgraded[/]: {url}  {before} → {after}")


@db_app.command("current")
@handle_errors
def db_current() -> None:
    """Show the database's schema revision and the latest one."""
    engine = get_engine()
    console.print(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


@db_app.command("revision")
@handle_errors
def db_revision(message: str = typer.Option(..., "-m", "--message")) -> None:
    """(Developers) autogenerate a migration from the models against the configured database."""
    migrate.revision(get_engine(), message)


@config_app.command("show")
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

    engine = get_engine()
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
