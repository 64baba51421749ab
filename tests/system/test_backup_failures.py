"""`gaodi db backup`, `restore` and `upgrade` when things go wrong: a full disk, a place that
cannot be written, a damaged backup, a database another program has open. Each is told in one
sentence (no traceback), leaves no partial file under a name a person would trust, and leaves
the live database as it was."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi import migrate
from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.db import get_engine, make_engine, session_scope
from gaodi.models import Park

FULL = "database or disk is full"


def gaodi(*args: str) -> Any:
    # wide enough that a long temporary path never wraps a line the tests read
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})


def flat(text: str) -> str:
    """``text`` without white space: the console wraps long lines, Chinese ones anywhere."""
    return "".join(text.split())


def said(result: Any) -> str:
    return flat(result.output)


def parks(path: Path) -> list[str]:
    """Park names, read with plain sqlite3 (independent of the code under test)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return sorted(row[0] for row in conn.execute("SELECT name FROM park"))


def journal_mode(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def revision_of(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


class _Connection:
    """A sqlite3 connection whose backup into a chosen destination stops half-way with SQLite's
    "disk is full" (a few pages already written), as a full disk does."""

    def __init__(self, real: sqlite3.Connection, name: str, fails: Callable[[str, str], bool]):
        self._real, self._name, self._fails = real, name, fails

    def backup(self, target: Any, **kwargs: Any) -> None:
        real_target = getattr(target, "_real", target)
        if not self._fails(self._name, getattr(target, "_name", "")):
            self._real.backup(real_target, **kwargs)
            return
        steps = 0

        def progress(_status: int, _remaining: int, _total: int) -> None:
            nonlocal steps
            steps += 1
            if steps >= 3:
                raise sqlite3.OperationalError(FULL)

        self._real.backup(real_target, pages=8, progress=progress)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def fill_the_disk(
    monkeypatch: pytest.MonkeyPatch, module: str, fails: Callable[[str, str], bool]
) -> None:
    """Make ``module``'s sqlite3 run out of space in the backups ``fails(source, target)``."""
    import importlib

    shim = types.ModuleType("sqlite3")
    shim.__getattr__ = lambda name: getattr(sqlite3, name)  # type: ignore[attr-defined]

    def connect(database: Any, *args: Any, **kwargs: Any) -> _Connection:
        return _Connection(sqlite3.connect(database, *args, **kwargs), str(database), fails)

    shim.connect = connect  # type: ignore[attr-defined]
    monkeypatch.setattr(importlib.import_module(module), "sqlite3", shim)


@pytest.fixture
def two_parks(sqlite_db: Engine) -> Path:
    with session_scope(sqlite_db, actor="t") as s:
        s.add_all([Park(name="示例园区甲"), Park(name="示例园区乙")])
    sqlite_db.dispose()
    return Path(str(sqlite_db.url.database))


# --- backup ---------------------------------------------------------------------------------


def test_a_disk_full_mid_backup_leaves_no_file_and_the_retry_works(
    two_parks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "备份 盘" / "备份 2024.sqlite"
    with monkeypatch.context() as m:
        fill_the_disk(m, "gaodi.system.backup", lambda _source, _target: True)
        result = gaodi("db", "backup", str(target))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # words, no traceback
    assert flat("磁盘空间不足") in said(result) and flat("The disk is full") in said(result), (
        result.output
    )
    # Nothing under the backup's name, nothing half-written beside it, no directory made for it.
    assert not target.exists()
    assert not target.parent.exists(), list(target.parent.iterdir())
    # The nightly job's retry goes through and gives a backup that opens with the rows.
    again = gaodi("db", "backup", str(target))
    assert again.exit_code == 0, again.output
    assert parks(target) == ["示例园区乙", "示例园区甲"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["备份 2024.sqlite"]


def test_a_place_that_cannot_be_written_is_said_in_words(two_parks: Path) -> None:
    for target in (Path("/proc/gaodi-backup.sqlite"), Path("/sys/gaodi-backup.sqlite")):
        result = gaodi("db", "backup", str(target))
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert flat(f"Cannot write {target.name} in {target.parent}") in said(result), result.output
        assert flat(f"无法在 {target.parent} 写入") in said(result), result.output
        zh_part = said(result).split("错误:", 1)[1].split("Error:", 1)[0]
        assert "Nosuchfile" not in zh_part and "Permission" not in zh_part  # no English there
        assert not target.exists()


def test_a_parent_path_that_is_a_file_is_said_in_words(two_parks: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "fresh.sqlite"
    blocker.write_bytes(b"a file, not a directory")
    for target in (blocker / "备份.sqlite", blocker / "深" / "备份.sqlite"):
        result = gaodi("db", "backup", str(target))
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert flat(f"{blocker} 是一个文件，不是目录") in said(result), result.output
        assert flat(f"{blocker} is a file, not a directory") in said(result), result.output
    assert blocker.read_bytes() == b"a file, not a directory"


# --- restore --------------------------------------------------------------------------------


@pytest.fixture
def backed_up(two_parks: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(database, backup): the backup has two parks; the database a third added after it."""
    backup = tmp_path / "backups" / "gaodi-backup.sqlite"
    assert gaodi("db", "backup", str(backup)).exit_code == 0
    engine = make_engine(f"sqlite:///{two_parks}")
    with session_scope(engine, actor="t") as s:
        s.add(Park(name="备份之后的园区"))
    engine.dispose()
    return two_parks, backup


def _restore_stopped_by_a_full_disk(database: Path, backup: Path) -> None:
    before = parks(database)
    assert journal_mode(database) == "wal"
    result = gaodi("db", "restore", str(backup))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    words = said(result)
    assert flat("磁盘空间不足，未恢复，当前数据库未改动") in words, result.output
    assert (
        flat("The disk is full: nothing was restored and the current database is unchanged")
        in words
    )
    # The live data untouched, its journal mode back to WAL, no partial copy left beside it.
    assert parks(database) == before
    assert journal_mode(database) == "wal"
    assert not list(database.parent.glob("*.before-restore-*")), list(database.parent.iterdir())


def test_a_disk_full_while_copying_the_database_aside_restores_nothing(
    backed_up: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, backup = backed_up
    with monkeypatch.context() as m:
        fill_the_disk(m, "gaodi.system.restore", lambda _s, target: "before-restore" in target)
        _restore_stopped_by_a_full_disk(database, backup)
    # Space again: the same command restores.
    assert gaodi("db", "restore", str(backup)).exit_code == 0
    assert parks(database) == ["示例园区乙", "示例园区甲"]


def test_a_disk_full_while_copying_the_backup_in_restores_nothing(
    backed_up: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, backup = backed_up
    with monkeypatch.context() as m:
        fill_the_disk(m, "gaodi.system.restore", lambda source, _t: "gaodi-backup" in source)
        _restore_stopped_by_a_full_disk(database, backup)


def _damaged_index(backup: Path) -> Path:
    """A copy of ``backup`` whose index on park says it holds one column but holds another:
    SQLite opens it, and its integrity check finds one problem per park (two)."""
    damaged = backup.with_name("damaged.sqlite")
    shutil.copyfile(backup, damaged)
    with contextlib.closing(sqlite3.connect(damaged)) as conn:
        conn.execute("CREATE INDEX ix_damage ON park(name)")
        conn.commit()
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_damage ON park(short_name)' "
            "WHERE name = 'ix_damage'"
        )
        conn.commit()
    return damaged


def _scrambled_pages(backup: Path) -> Path:
    """A copy of ``backup`` with the middle of its pages overwritten (the header kept): SQLite
    opens it but cannot read it through."""
    damaged = backup.with_name("scrambled.sqlite")
    data = bytearray(backup.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 40 * page), page):
        data[offset + 200 : offset + 1200] = bytes((i * 37) % 251 for i in range(1000))
    damaged.write_bytes(bytes(data))
    return damaged


def _refused_in_one_sentence(database: Path, damaged: Path, zh: str, en: str) -> None:
    before = parks(database)
    result = gaodi("db", "restore", str(damaged))
    assert result.exit_code == 2, result.output
    words = said(result)
    assert flat(f"备份文件 {damaged} 已损坏（{zh}），未恢复，当前数据库未改动。") in words, (
        result.output
    )
    assert (
        flat(f"{damaged} cannot be restored: the backup file is damaged ({en}); nothing was ")
        in words
    )
    assert flat("the current database is unchanged") in words, result.output
    # SQLite's own report (English, a line per page or row) is not poured out; --verbose has it.
    for raw in ("*** in database", "btreeInitPage", "out of order", "missing from index"):
        assert raw not in result.output, result.output
    assert result.output.count("错误") == 1 and result.output.count("Error") == 1
    verbose = gaodi("db", "restore", str(damaged), "--verbose")
    assert verbose.exit_code == 2 and "SQLite integrity_check" in verbose.output
    assert parks(database) == before
    assert not list(database.parent.glob("*.before-restore-*"))


def test_a_damaged_backup_is_refused_in_one_sentence(backed_up: tuple[Path, Path]) -> None:
    database, backup = backed_up
    damaged = _damaged_index(backup)
    _refused_in_one_sentence(
        database, damaged, "完整性检查发现 2 处问题", "the integrity check found 2 problems"
    )
    verbose = gaodi("db", "restore", str(damaged), "--verbose")
    assert "row 1 missing from index ix_damage" in verbose.output, verbose.output
    _refused_in_one_sentence(
        database, _scrambled_pages(backup), "SQLite 无法读完它", "SQLite cannot read it through"
    )


def test_a_directory_given_as_the_backup_is_called_a_directory(
    backed_up: tuple[Path, Path],
) -> None:
    _database, backup = backed_up
    result = gaodi("db", "restore", str(backup.parent))
    assert result.exit_code == 2, result.output
    assert flat(f"{backup.parent} 是一个目录，不是备份文件") in said(result), result.output
    assert flat("is a directory, not a backup file") in said(result)
    assert "找不到" not in result.output and "No such" not in result.output


# --- upgrade --------------------------------------------------------------------------------


@pytest.fixture
def older(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database two releases old (schema 0006) with a park, made the configured one."""
    path = tmp_path / "city.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0006_login_throttle")
    engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO park (name, level, main_industries, special_industries, is_demo, "
            "created_at, updated_at) VALUES ('升级前的园区', 'national', '[]', '[]', 0, "
            "'2023-01-01 00:00:00', '2023-01-01 00:00:00')"
        )
    monkeypatch.setenv("GAODI_DATABASE_URL", f"sqlite:///{path}")
    reset_settings()
    get_engine.cache_clear()
    return path


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM park").fetchone()
print("open", flush=True)
sys.stdin.read()
"""


def test_upgrade_is_refused_while_another_program_has_the_database_open(older: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(older)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        result = gaodi("db", "upgrade")
        assert result.exit_code == 2, result.output
        words = said(result)
        assert (
            flat("in use") in words and flat(f"Held by: {holder.pid} {sys.executable} -c") in words
        )
        assert (
            flat("Stop the server") in words and flat("--force") in words and flat("升级") in words
        )
        assert revision_of(older) == "0006_login_throttle"
        assert not list(older.parent.glob("*.before-upgrade-*"))
        forced = gaodi("db", "upgrade", "--force")
        assert forced.exit_code == 0, forced.output
    finally:
        holder.communicate("")
    assert revision_of(older) == migrate.head_revision()


def test_upgrade_is_refused_while_gaodi_serve_runs(older: Path) -> None:
    from gaodi.system.restore import server_lock

    with server_lock(older) as held:  # what a running `gaodi serve` holds
        assert held
        result = gaodi("db", "upgrade")
        assert result.exit_code == 2 and flat("in use") in said(result), result.output
        assert revision_of(older) == "0006_login_throttle"


def test_upgrade_keeps_a_copy_of_the_database_before_and_says_where(older: Path) -> None:
    result = gaodi("db", "upgrade")
    assert result.exit_code == 0, result.output
    (copy,) = older.parent.glob("city.before-upgrade-*.sqlite")
    assert flat(str(copy)) in said(result) and flat("gaodi db restore") in said(result), (
        result.output
    )
    # The copy is the database as it was: the old schema, the same rows; the database upgraded.
    assert revision_of(copy) == "0006_login_throttle"
    assert parks(copy) == ["升级前的园区"] == parks(older)
    assert revision_of(older) == migrate.head_revision()
    # Going back: the copy restores (an older schema is accepted; it says to upgrade).
    back = gaodi("db", "restore", str(copy))
    assert back.exit_code == 0, back.output
    assert revision_of(older) == "0006_login_throttle"
    # Nothing to migrate: no copy.
    for leftover in older.parent.glob("city.before-*.sqlite"):
        leftover.unlink()
    assert gaodi("db", "upgrade").exit_code == 0
    assert gaodi("db", "upgrade").exit_code == 0
    assert len(list(older.parent.glob("city.before-upgrade-*.sqlite"))) == 1


def test_upgrade_stops_before_changing_anything_when_the_copy_does_not_fit(
    older: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        fill_the_disk(m, "gaodi.system.backup", lambda _source, _target: True)
        result = gaodi("db", "upgrade")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert flat("未升级，数据库未改动：磁盘空间不足") in said(result), result.output
    assert flat("Not upgraded, the database is unchanged: The disk is full") in said(result)
    assert revision_of(older) == "0006_login_throttle"
    assert sorted(p.name for p in older.parent.iterdir() if "city" in p.name) == [
        "city.sqlite",
        "city.sqlite.serve-lock",
    ]
