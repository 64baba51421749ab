"""Schema migrations (Alembic), run programmatically: ``gaodi db upgrade``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from gaodi.core.errors import ConflictError


class MigrationBrokeReferences(RuntimeError):
    """A migration left rows pointing at rows that are gone; nothing of it was kept."""


class NewerSchema(ConflictError):
    """The database's schema revision is not one of this code's migrations: a newer Gaodi
    (or another branch) wrote it. Nothing can upgrade it from here, and reading it with
    this code's models would misread it, so every command stops before touching it."""

    code = "newer_schema"

    def __init__(self, revision: str, head: str | None) -> None:
        super().__init__(
            f"数据库的结构版本 {revision} 不是此版本高地已知的版本（已知最新为 {head}），"
            "应由更新版本的高地写入；数据库未改动，也未复制。请安装写入它的高地版本，"
            "或用 gaodi db restore 恢复升级前的副本。",
            f"The database's schema revision {revision} is not one this Gaodi knows (its "
            f"latest is {head}): a newer Gaodi wrote it. The database is unchanged and was "
            "not copied. Install the Gaodi that wrote it, or restore the copy taken before "
            "its upgrade with gaodi db restore.",
            revision=revision,
            head=head,
        )


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "gaodi:migrations")
    cfg.attributes["url"] = url
    return cfg


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for schema changes, committed when the block ends.

    On SQLite, Alembic changes most of a table by copying it into a new one and dropping the
    old: with foreign keys enforced (every Gaodi connection enforces them) dropping the old
    table deletes, by ``ON DELETE CASCADE``, every row of every table that points at it — a
    reviewer's declarations and scores, a plan's targets — silently. So foreign keys are off
    while the schema changes (as SQLite's documentation prescribes for such changes), every
    reference is checked before the commit (``PRAGMA foreign_key_check``: any row left pointing
    at nothing rolls the whole migration back), and enforcement is back on before the
    connection returns to the pool.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # outside any transaction: inside one SQLite ignores the pragma
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        table, rowid, parent, _ = broken[0]
                        raise MigrationBrokeReferences(
                            f"The migration left {len(broken)} row(s) pointing at rows that "
                            f"are gone (first: {table} row {rowid} -> {parent}); nothing of it "
                            "was kept."
                        )
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    check_known(engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head()


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every schema revision of this code's migrations (read once: every command asks)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(rev.revision for rev in script.walk_revisions())


def check_known(engine: Engine) -> str | None:
    """The database's schema revision (None for a new database); :class:`NewerSchema` when
    this code does not know it. Called before anything copies or upgrades a database:
    Alembic's own "Can't locate revision" came as a traceback, after a copy of the whole
    database had been made for an upgrade that could not run."""
    revision = current_revision(engine)
    if revision is not None and revision not in known_revisions():
        raise NewerSchema(revision, head_revision())
    return revision


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision against ``engine`` (developers: ``gaodi db revision``)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
