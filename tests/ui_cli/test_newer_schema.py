"""A database a newer Gaodi wrote (a schema revision this code's migrations do not hold: the
package was rolled back after an upgrade) is refused by every command with a sentence naming
the revision, before anything is copied or changed. Before, each command first copied the
whole database "before its upgrade" and then died in Alembic's "Can't locate revision"
traceback: three commands, three full copies, no word of what to do."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaodi import migrate
from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.db import get_engine, make_engine

NEWER = "9f3e21aa7c00"  # not one of gaodi/migrations/versions


@pytest.fixture
def newer_city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "city.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    migrate.upgrade(engine)
    engine.dispose()
    with sqlite3.connect(database) as conn:  # what the newer release's upgrade left
        conn.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    monkeypatch.setenv("GAODI_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("GAODI_LANGUAGE", "en")
    reset_settings()
    get_engine.cache_clear()
    yield database
    get_engine().dispose()
    get_engine.cache_clear()


def _digest(database: Path) -> str:
    return hashlib.sha256(database.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command",
    [["plan", "list"], ["chains", "list"], ["db", "upgrade"], ["demo", "build", "--size", "small"]],
)
def test_every_command_refuses_a_newer_database_and_leaves_it_alone(
    newer_city: Path, command: list[str]
) -> None:
    before = _digest(newer_city)
    result = CliRunner().invoke(app, command)
    assert result.exit_code not in (0, 1), result.output  # a refusal, not a crash or success
    assert isinstance(result.exception, SystemExit), result.exception
    said = " ".join(result.output.split())
    assert f"schema revision {NEWER} is not one this Gaodi knows" in said
    assert migrate.head_revision() in said
    assert "gaodi db restore" in said
    assert "Traceback" not in result.output
    assert not list(newer_city.parent.glob("*.before-upgrade-*"))  # nothing copied
    assert _digest(newer_city) == before
    assert migrate.current_revision(get_engine()) == NEWER


def test_db_current_says_the_revision_is_unknown(newer_city: Path) -> None:
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"current: {NEWER} head: {migrate.head_revision()}" in said
    assert "a newer Gaodi wrote the database" in said


def test_a_known_revision_is_not_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'behind.sqlite'}")
    migrate.upgrade(engine, "0012_reviewer_membership")
    assert migrate.check_known(engine) == "0012_reviewer_membership"
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
    engine.dispose()
