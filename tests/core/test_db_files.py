"""What ``make_engine`` creates on disk for a SQLite URL: the directory of a plain file path,
nothing for a URI filename (its text is not a path) or an in-memory database."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaodi.db import make_engine


def test_a_plain_file_path_gets_its_directory(tmp_path: Path) -> None:
    target = tmp_path / "data" / "city" / "city.sqlite"
    make_engine(f"sqlite:///{target}").dispose()
    assert target.parent.is_dir()


def test_a_uri_filename_creates_nothing_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    database = tmp_path / "elsewhere" / "city.sqlite"
    engine = make_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    engine.dispose()
    assert list(work.iterdir()) == []  # it made file:/tmp/... here before
    assert not database.parent.exists()  # and nothing is made for a read-only database


def test_memory_databases_touch_no_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_engine("sqlite://").dispose()
    make_engine("sqlite:///:memory:").dispose()
    assert list(tmp_path.iterdir()) == []
