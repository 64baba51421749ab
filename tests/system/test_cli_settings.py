"""The command line's settings and database, run as a user runs it (``python -m gaodi`` in a
fresh process): an invalid GAODI_* setting is one clear error, GAODI_LANGUAGE chooses the
language of the errors, and no command but ``gaodi db upgrade`` (and ``gaodi demo build``)
creates a database; ``gaodi.open()`` reads only a database that exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gaodi.core.errors import NotFoundError

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def gaodi(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GAODI_")}
    environ.update(env)
    environ["COLUMNS"] = "300"  # one message, one line
    return subprocess.run(
        [sys.executable, "-m", "gaodi", *args],
        capture_output=True, text=True, env=environ, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [("GAODI_LANGUAGE", "fr", "'zh' or 'en'"), ("GAODI_TODAY", "2023-13-01", "1-12")],
)
def test_an_invalid_setting_is_one_line_naming_it(
    tmp_path: Path, variable: str, value: str, allowed: str
) -> None:
    for command in (["config", "show"], ["plan", "list"]):
        result = gaodi(*command, GAODI_DATA_DIR=str(tmp_path), **{variable: value})
        out = result.stdout + result.stderr
        assert result.returncode != 0, out
        assert "Traceback" not in out and "pydantic" not in out, out
        (line,) = [x for x in out.splitlines() if x.startswith("Error")]
        assert f"{variable}='{value}'" in line and allowed in line, line


def test_the_errors_speak_gaodi_language(tmp_path: Path) -> None:
    args = ("template", "firms", str(tmp_path / "x.xlsx"), "--no-db")
    english = gaodi(*args, GAODI_DATA_DIR=str(tmp_path), GAODI_LANGUAGE="en")
    assert english.returncode == 2
    assert "Unknown entity 'firms'" in english.stderr
    assert not CHINESE.search(english.stderr.split("known entities")[0]), english.stderr
    chinese = gaodi(*args, GAODI_DATA_DIR=str(tmp_path))  # zh, the default: both, zh first
    assert chinese.returncode == 2
    assert chinese.stderr.index("未知的数据类型") < chinese.stderr.index("Unknown entity")


def test_a_mistyped_database_path_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "nonexist" / "dir" / "x.sqlite"
    url = f"sqlite:///{typo}"
    for command in (["plan", "list"], ["regions", "opportunities"], ["db", "current"]):
        result = gaodi(*command, GAODI_DATA_DIR=str(tmp_path), GAODI_DATABASE_URL=url)
        out = result.stdout + result.stderr
        assert result.returncode != 0, out
        assert "Traceback" not in out
        assert f"There is no database at {typo}" in out and "gaodi db upgrade" in out, out
        assert not (tmp_path / "nonexist").exists()


def test_db_upgrade_creates_the_database_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'city.sqlite'}"
    created = gaodi("db", "upgrade", GAODI_DATA_DIR=str(tmp_path), GAODI_DATABASE_URL=url)
    assert created.returncode == 0, created.stderr
    assert "Database created" in created.stdout and "None" not in created.stdout
    assert (tmp_path / "new" / "city.sqlite").exists()
    again = gaodi("db", "upgrade", GAODI_DATA_DIR=str(tmp_path), GAODI_DATABASE_URL=url)
    assert "already up to date" in again.stdout and "None" not in again.stdout
    listed = gaodi("plan", "list", GAODI_DATA_DIR=str(tmp_path), GAODI_DATABASE_URL=url)
    assert listed.returncode == 0, listed.stderr  # now there is a (blank) city to read


def test_gaodi_open_reads_only_a_database_that_exists(tmp_path: Path) -> None:
    import gaodi as api

    typo = tmp_path / "typo_dir" / "typo.sqlite"
    with pytest.raises(NotFoundError, match="There is no database at") as caught:
        api.open(f"sqlite:///{typo}").enterprises()
    assert str(typo) in str(caught.value) and "gaodi db upgrade" in str(caught.value)
    assert not (tmp_path / "typo_dir").exists()
