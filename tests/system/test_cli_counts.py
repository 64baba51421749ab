"""Count options of the command line refuse a count below 1 (0 printed an empty table, -1 every
row but one), as --top and --limit elsewhere do."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [
        ["projects", "appeals", "list", "--limit", "0"],
        ["projects", "appeals", "list", "--limit", "-1"],
        ["smart", "providers", "--for", "91430100MA4L0000X0", "--limit", "0"],
        ["parks", "enterprises", "1", "--per-page", "0"],
        ["parks", "enterprises", "1", "--page", "0"],
    ],
)
def test_a_count_below_one_is_refused(demo_db: Engine, args: list[str]) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert "greater than or equal to 1" in result.output


def test_a_count_of_one_is_shown(demo_db: Engine) -> None:
    result = runner.invoke(app, ["projects", "appeals", "list", "--limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 1
