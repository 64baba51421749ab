"""`gaodi db restore`: the backup's rows exactly, whatever WAL was left beside the database; a
damaged or foreign file refused; never under a running server unless forced."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi import migrate
from gaodi.cli import app
from gaodi.db import make_engine, session_scope
from gaodi.models import Park
from gaodi.system.restore import server_lock

#: A writer that commits into the WAL and dies before any checkpoint (as a killed server does):
#: the change (a copy of a park under a new name) lives only in ``<db>-wal``.
CRASHING_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
cols = [r[1] for r in conn.execute("PRAGMA table_info(park)") if r[1] != "id"]
picks = ", ".join("?" if c == "name" else c for c in cols)
conn.execute(f"INSERT INTO park ({', '.join(cols)}) SELECT {picks} FROM park LIMIT 1", sys.argv[2:])
conn.commit()
os._exit(0)
"""


def parks(path: Path) -> list[str]:
    """Park names, read with plain sqlite3 (independent of the code under test)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return sorted(row[0] for row in conn.execute("SELECT name FROM park"))


def crash_after_writing(path: Path, name: str) -> None:
    subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(path), name], check=True)


def restore(*args: str) -> Any:
    # wide enough that a long temporary path never wraps a line the tests read
    return CliRunner().invoke(app, ["db", "restore", *args], env={"COLUMNS": "400"})


@pytest.fixture
def backed_up(sqlite_db: Engine, tmp_path: Path) -> tuple[Path, Path]:
    """(database, backup): two parks in the backup, a third committed after it, only in the WAL."""
    with session_scope(sqlite_db, actor="t") as s:
        s.add_all([Park(name="示例园区甲"), Park(name="示例园区乙")])
    backup = tmp_path / "backups" / "gaodi-backup.sqlite"
    result = CliRunner().invoke(app, ["db", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    sqlite_db.dispose()
    database = Path(str(sqlite_db.url.database))
    crash_after_writing(database, "备份之后的园区")
    return database, backup


def test_a_plain_file_copy_replays_the_stale_wal(backed_up: tuple[Path, Path]) -> None:
    """The hazard itself: the documented "put the copy in place" picks up the later change."""
    database, backup = backed_up
    wal = database.with_name(database.name + "-wal")
    assert wal.stat().st_size > 0
    assert "备份之后的园区" not in parks(backup)
    shutil.copyfile(backup, database)
    assert "备份之后的园区" in parks(database)


def test_restore_gives_exactly_the_backup_over_a_stale_wal(backed_up: tuple[Path, Path]) -> None:
    database, backup = backed_up
    assert database.with_name(database.name + "-wal").stat().st_size > 0
    result = restore(str(backup))
    assert result.exit_code == 0, result.output
    assert not database.with_name(database.name + "-wal").exists()
    assert parks(database) == ["示例园区乙", "示例园区甲"]
    (before,) = database.parent.glob("test.before-restore-*.sqlite")
    # The copy taken before has the later park too: the WAL's change was not lost.
    assert parks(before) == ["备份之后的园区", "示例园区乙", "示例园区甲"]
    assert str(before) in result.output and "integrity_check: ok" in result.output
    assert not database.with_name(database.name + "-wal").exists()
    with contextlib.closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # Reopened through the app's engine, still the backup's rows.
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM park").scalar_one() == 2
    engine.dispose()


def _refused(database: Path, backup: Path, *words: str) -> None:
    before = parks(database)
    result = restore(str(backup))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    for word in words:
        assert word in said, result.output
    assert "Traceback" not in result.output
    assert parks(database) == before
    assert not list(database.parent.glob("*.before-restore-*"))


def test_a_file_that_is_not_sqlite_is_refused(backed_up: tuple[Path, Path]) -> None:
    database, backup = backed_up
    junk = backup.with_name("notes.sqlite")
    junk.write_bytes(b"these are meeting notes, not a database\n" * 200)
    _refused(database, junk, "cannot be restored", "not a SQLite database")
    _refused(database, backup.with_name("missing.sqlite"), "No such backup file")


def test_a_damaged_backup_is_refused(backed_up: tuple[Path, Path]) -> None:
    database, backup = backed_up
    damaged = backup.with_name("damaged.sqlite")
    data = bytearray(backup.read_bytes())
    page = 4096
    # Overwrite the middle pages (tables and indexes), keeping the header: it still opens.
    for offset in range(3 * page, min(len(data), 12 * page), page):
        data[offset : offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    _refused(database, damaged, "cannot be restored")


def test_a_database_that_is_not_gaodi_is_refused(backed_up: tuple[Path, Path]) -> None:
    database, backup = backed_up
    other = backup.with_name("other.sqlite")
    with contextlib.closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE park (name TEXT)")
        conn.execute("INSERT INTO park VALUES ('别处的园区')")
    _refused(database, other, "not a Gaodi database", "alembic_version")
    newer = backup.with_name("newer.sqlite")
    shutil.copyfile(backup, newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    _refused(database, newer, "9999_from_the_future", "unknown to this Gaodi")


def test_refused_while_another_connection_has_it_open_unless_forced(
    backed_up: tuple[Path, Path],
) -> None:
    database, backup = backed_up
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM park").scalar_one() == 3
        _refused(database, backup, "in use", "--force", f"Held by: {os.getpid()} (this process)")
        forced = restore(str(backup), "--force")
        assert forced.exit_code == 0, forced.output
        conn.rollback()
        # The open connection sees the restored rows on its next read.
        assert conn.exec_driver_sql("SELECT count(*) FROM park").scalar_one() == 2
    engine.dispose()
    assert parks(database) == ["示例园区乙", "示例园区甲"]
    assert len(list(database.parent.glob("test.before-restore-*.sqlite"))) == 1


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM park").fetchone()
print("open", flush=True)
sys.stdin.read()
"""


def test_the_refusal_names_the_other_program_that_has_it_open(
    backed_up: tuple[Path, Path],
) -> None:
    database, backup = backed_up
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        _refused(database, backup, "in use", f"Held by: {holder.pid} {sys.executable} -c")
        assert f"打开着它的进程：{holder.pid}" in "".join(restore(str(backup)).output.split())
    finally:
        holder.communicate("")
    # Gone: the restore goes through.
    assert restore(str(backup)).exit_code == 0
    assert parks(database) == ["示例园区乙", "示例园区甲"]


def test_a_connection_that_closes_within_the_settling_time_is_waited_for(
    backed_up: tuple[Path, Path],
) -> None:
    database, backup = backed_up
    closing = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER.replace("sys.stdin.read()", "time.sleep(1.5)"),
            str(database),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert closing.stdout is not None and closing.stdout.readline() == "open\n"
        result = restore(str(backup))
    finally:
        closing.wait(30)
    assert result.exit_code == 0, result.output
    assert parks(database) == ["示例园区乙", "示例园区甲"]


def test_refused_while_a_server_holds_the_lock_unless_forced(
    backed_up: tuple[Path, Path],
) -> None:
    database, backup = backed_up
    with server_lock(database) as held:
        assert held
        _refused(database, backup, "in use")
        assert restore(str(backup), "--force").exit_code == 0
    assert parks(database) == ["示例园区乙", "示例园区甲"]


def test_gaodi_serve_holds_the_lock_while_it_runs(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    database = Path(str(sqlite_db.url.database))
    seen: list[bool] = []

    def fake_run(_app: Any, **_kwargs: Any) -> None:
        with server_lock(database, exclusive=True) as alone:
            seen.append(alone)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    with server_lock(database, exclusive=True) as alone:
        assert alone  # released when the server stops
        refused = CliRunner().invoke(app, ["serve"])
        assert refused.exit_code == 2 and "being restored" in refused.output


def test_an_older_backup_is_upgraded_on_request(sqlite_db: Engine, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    migrate.upgrade(engine, "0006_login_throttle")
    engine.dispose()
    sqlite_db.dispose()
    database = Path(str(sqlite_db.url.database))
    result = restore(str(old))
    assert result.exit_code == 0, result.output
    assert "gaodi db upgrade" in result.output
    upgraded = restore(str(old), "--upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    engine = make_engine(f"sqlite:///{database}")
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_postgresql_is_restored_with_its_own_tools(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gaodi.config import reset_settings
    from gaodi.db import get_engine

    monkeypatch.setenv("GAODI_DATABASE_URL", "postgresql+psycopg://gaodi@127.0.0.1:1/gaodi")
    reset_settings()
    get_engine.cache_clear()
    backup = tmp_path / "gaodi.dump"
    backup.write_bytes(b"PGDMP")
    result = restore(str(backup))
    reset_settings()
    get_engine.cache_clear()
    assert result.exit_code == 2, result.output
    assert "pg_restore" in result.output and "pg_dump -Fc" in result.output
