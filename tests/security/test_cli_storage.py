"""The command line on a database that cannot take a write (issue 12, item 11): a read-only
database and a missing one give their words and exit code 1, never a traceback. Run as a user
runs it: ``python -m gaodi`` in a fresh process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine

from gaodi import migrate


def gaodi(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GAODI_DATABASE_URL": url, "GAODI_LANGUAGE": "en"}
    return subprocess.run(
        [sys.executable, "-m", "gaodi", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_a_write_on_a_read_only_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "city.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:  # no WAL left beside it: a read-only mount has none
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"

    listed = gaodi(read_only, "user", "list")
    assert listed.returncode == 0, listed.stderr  # reading still works

    added = gaodi(read_only, "user", "add", "clerk", "--role", "viewer", "--password-stdin",
                  stdin="a-long-password-1\n")  # fmt: skip
    out = added.stdout + added.stderr
    assert added.returncode == 1, out
    assert "Traceback" not in out
    assert "The database is read-only" in out
    assert "数据库当前为只读" not in out  # GAODI_LANGUAGE=en: the English sentence only
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM user_account").fetchone()[0] == 0


def test_a_database_server_that_cannot_be_reached_says_so() -> None:
    url = "postgresql+psycopg://gaodi@127.0.0.1:9/gaodi?connect_timeout=5"  # port 9: discard
    result = gaodi(url, "user", "list")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert "The database cannot be reached" in out
