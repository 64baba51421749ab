"""``gaodi smart levels --as-of`` answers a bad or out-of-range day in one line, as /smart and
the projects commands do: a bare ``fromisoformat`` answered a traceback, and a day after the
city's today judged a future nobody knows."""

from __future__ import annotations

from datetime import datetime

import pytest
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core import clock

runner = CliRunner()


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2023-02-30", "--as-of must be a date as YYYY-MM-DD"),
        ("2024-03-01", "is after today (2024-02-01)"),
        ("1900-01-01", "It must be between 1949-01-01 and 2024-02-01"),
    ],
)
def test_levels_refuses_a_bad_day_in_one_line(sqlite_db, day: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen(datetime(2024, 2, 1, 4, 0)):
        result = runner.invoke(app, ["smart", "levels", "--as-of", day], env={"COLUMNS": "300"})
    assert result.exit_code != 0
    assert words in result.output and "Traceback" not in result.output
