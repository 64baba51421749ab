"""``gaodi serve`` on a SQLite file that does not exist (a typo in GAODI_DATABASE_URL) refuses,
naming the path, and creates nothing: neither the directory nor the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.db import get_engine


def test_serve_refuses_a_missing_sqlite_file_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "typo-dir" / "gaodi.sqlite"
    monkeypatch.setenv("GAODI_DATABASE_URL", f"sqlite:///{missing}")
    reset_settings()
    get_engine.cache_clear()
    calls: list[Any] = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(a))
    result = CliRunner().invoke(app, ["serve"], env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert str(missing) in out and "gaodi db upgrade" in out
    assert calls == []
    assert not missing.parent.exists()
