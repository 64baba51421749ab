"""Database snapshots: build a state once per session (and xdist worker), copy it per test.

Many tests start from the same expensive state (the synthetic city of tests/exchange, imported
entity by entity through the one write path: seconds per test and backend). ``restore_or_build``
runs the builder the first time a key is asked for on a backend, keeps a copy of the result,
and from then on makes the test's own database a *copy* of it — an SQLite file copy, or a
PostgreSQL ``CREATE DATABASE … TEMPLATE`` — so every test still writes to a private database
and sees exactly the rows the builder wrote (same ids, same sequences).

A builder must depend only on the database (not on files it leaves behind or on process state),
and is only used on a freshly migrated database: callers assert that (see helpers.load_city).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url


class Snapshots:
    """Copies of built databases by (backend, key), dropped at the end of the session."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._sqlite: dict[str, Path] = {}
        self._postgres: dict[str, str] = {}

    def restore_or_build(self, engine: Engine, key: str, build: Callable[[], object]) -> None:
        """Make ``engine``'s database the state ``build`` writes, building it only once."""
        if engine.dialect.name == "sqlite":
            self._sqlite_restore_or_build(engine, key, build)
        else:
            self._postgres_restore_or_build(engine, key, build)

    # SQLite: the file, checkpointed (WAL folded in) while no connection is open
    def _sqlite_restore_or_build(
        self, engine: Engine, key: str, build: Callable[[], object]
    ) -> None:
        database = engine.url.database
        assert database and database != ":memory:", "snapshots need an SQLite file"
        path = Path(database)
        saved = self._sqlite.get(key)
        if saved is not None:
            engine.dispose()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(saved, path)
            return
        build()
        with engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
        # a busy checkpoint leaves rows in the WAL: the copy would miss them, so build again
        # next time rather than keep an incomplete copy
        engine.dispose()
        if busy:
            return
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="gaodi-snapshots-"))
        copy = self._folder / f"{key}.sqlite"
        shutil.copyfile(path, copy)
        self._sqlite[key] = copy

    # PostgreSQL: a template database (nobody may be connected to the source while copying)
    def _postgres_restore_or_build(
        self, engine: Engine, key: str, build: Callable[[], object]
    ) -> None:
        name = engine.url.database
        assert name
        saved = self._postgres.get(key)
        if saved is None:
            build()
            saved = f"gaodi_snap_{uuid.uuid4().hex[:10]}"
            engine.dispose()
            with _admin().connect() as conn:
                _disconnect(conn, name)
                create_database(conn, saved, template=name)
            self._postgres[key] = saved
            return
        engine.dispose()
        with _admin().connect() as conn:
            _disconnect(conn, name)
            conn.execute(text(f'DROP DATABASE "{name}"'))
            create_database(conn, name, template=saved)

    def close(self) -> None:
        """Drop every copy (called once at the end of the session)."""
        if self._postgres:
            admin = _admin()
            with admin.connect() as conn:
                for name in self._postgres.values():
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder = None
        self._sqlite.clear()
        self._postgres.clear()


_ADMIN: dict[str, Engine] = {}


def _admin() -> Engine:
    """One AUTOCOMMIT engine on the server's admin database (CREATE/DROP DATABASE)."""
    url = os.environ["GAODI_TEST_POSTGRES_URL"]
    if url not in _ADMIN:
        _ADMIN[url] = create_engine(
            make_url(url).render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
    return _ADMIN[url]


def create_database(conn: Connection, name: str, template: str | None = None) -> None:
    """``CREATE DATABASE name [TEMPLATE template]`` on an AUTOCOMMIT connection to the server,
    copying the template's files (``STRATEGY FILE_COPY``, PostgreSQL 15 and later) rather than
    writing every block of it to the WAL (15's default): 0.65 of the time with the server's
    files in memory, as scripts/services.sh keeps them (benchmarks/create_database.py; on a
    disk both take about the same). The test server runs with fsync off, so the checkpoints a
    file copy asks for cost little."""
    statement = f'CREATE DATABASE "{name}"'
    if template is not None:
        statement += f' TEMPLATE "{template}"'
    version = conn.dialect.server_version_info or (0,)
    if version >= (15,):
        statement += " STRATEGY FILE_COPY"
    conn.execute(text(statement))


def _disconnect(conn: object, name: str) -> None:
    """End every session on database ``name`` (a TEMPLATE copy or a DROP needs it alone)."""
    conn.execute(  # type: ignore[attr-defined]
        text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
        {"n": name},
    )


#: The session's snapshots (one per process, so one per xdist worker); conftest closes it.
SNAPSHOTS = Snapshots()
