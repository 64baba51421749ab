"""A command that upgrades an existing city's schema on its way (``gaodi serve`` and every other
command do) keeps the copy ``gaodi db upgrade`` keeps, and says where: an upgrade has no
downgrade, and 0.1.0 could not open the file afterwards (fifth audit N5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaodi import migrate
from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.db import get_engine, make_engine


def test_an_implicit_upgrade_keeps_a_copy_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "城市 2024.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    migrate.upgrade(engine, "0012_reviewer_membership")  # a city one release behind
    engine.dispose()
    monkeypatch.setenv("GAODI_DATABASE_URL", f"sqlite:///{database}")
    reset_settings()
    get_engine.cache_clear()
    result = CliRunner().invoke(app, ["plan", "list"])
    assert result.exit_code == 0, result.output
    copies = sorted(tmp_path.glob("城市 2024.before-upgrade-*.sqlite"))
    assert len(copies) == 1
    assert copies[0].name in result.output.replace("\n", "")
    behind = make_engine(f"sqlite:///{copies[0]}")
    assert migrate.current_revision(behind) == "0012_reviewer_membership"  # the way back
    behind.dispose()
    assert migrate.is_up_to_date(get_engine())


def test_a_new_database_has_nothing_to_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "new.sqlite"
    sqlite3.connect(database).close()  # an empty file: a city not yet made
    monkeypatch.setenv("GAODI_DATABASE_URL", f"sqlite:///{database}")
    reset_settings()
    get_engine.cache_clear()
    result = CliRunner().invoke(app, ["plan", "list"])
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.before-upgrade-*"))
