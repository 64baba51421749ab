"""`gaodi db backup` copies a live SQLite database into a file that opens with the same rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.db import make_engine, session_scope
from gaodi.models import Park


def test_backup_copies_every_row(sqlite_db: Engine, tmp_path: Path) -> None:
    with session_scope(sqlite_db, actor="t") as s:
        s.add_all([Park(name="示例园区甲"), Park(name="示例园区乙")])
    target = tmp_path / "copy.sqlite"
    result = CliRunner().invoke(app, ["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = make_engine(f"sqlite:///{target}")
    with copy.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Park)).scalar_one() == 2
    copy.dispose()
    again = CliRunner().invoke(app, ["db", "backup", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output
