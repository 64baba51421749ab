"""Backups of the SQLite database, taken while the web app may be writing to it."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database to ``target`` with SQLite's online backup API; returns pages copied.

    The backup API copies a consistent snapshot even while other connections write (WAL), which
    a plain file copy of ``gaodi.sqlite`` does not guarantee.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    source_path = engine.url.database
    assert source_path, "not a file database"
    copied = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total - remaining

    # closing(): a sqlite3 connection's own context manager commits but does not close, and an
    # open connection left behind keeps the database busy (gaodi db restore refuses it).
    with (
        contextlib.closing(sqlite3.connect(source_path)) as source,
        contextlib.closing(sqlite3.connect(target)) as dest,
    ):
        source.backup(dest, pages=1024, progress=progress)
    return copied
