"""``gaodi regions`` options and messages a user meets: --top refuses a count below 1 (0 printed
an empty table, -1 all rows but one), and each language's sentence names the file in its own
language ('The 输入 input input file … is empty' mixed them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


@pytest.mark.parametrize("top", ["0", "-1"])
def test_opportunities_top_below_one_is_refused(demo_db: Engine, top: str) -> None:
    result = runner.invoke(app, ["regions", "opportunities", "--top", top], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert (
        "Invalid value for '--top'" in result.output
        and "greater than or equal to 1" in result.output
    )
    assert "Opportunities" not in result.output


def test_opportunities_top_prints_that_many_rows(demo_db: Engine) -> None:
    result = runner.invoke(app, ["regions", "opportunities", "--top", "3"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    ranks = [line.split("│")[1].strip() for line in result.output.splitlines() if "│" in line]
    assert [r for r in ranks if r.isdigit()] == ["1", "2", "3"]


def test_an_empty_input_file_is_named_in_each_language(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["regions", "specialise", str(empty), "--out", str(tmp_path / "o")],
        env={"COLUMNS": "300"},
    )  # fmt: skip
    assert result.exit_code == 2
    (english,) = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert f"The input file {empty} is empty." in english
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert f"输入文件 {empty} 是空的。" in result.output
