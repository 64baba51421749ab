"""``gaodi plan observe`` and ``status`` speak to people: a bad period in words (it printed the
regex of the pattern), the confirmation names the indicator, an unknown owner is refused with the
owners there are, and a filtered board says its counts are the whole board's."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def test_a_bad_period_is_said_in_words(demo_db: Engine) -> None:
    result = runner.invoke(app, ["plan", "observe", "esm_output", "2023-13", "500"])
    assert result.exit_code == 2, result.output
    assert "无法识别的期间“2023-13”" in result.output
    assert "^\\d{4}" not in result.output and "pattern" not in result.output


def test_the_confirmation_names_the_indicator(demo_db: Engine) -> None:
    args = ["plan", "observe", "above_scale_firms", "2023-11", "2250", "--confirm", "--reason",
            "核实"]  # fmt: skip
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "规模以上工业企业数（above_scale_firms）2023-11" in result.output


def test_an_owner_no_target_has_is_refused_with_the_owners(demo_db: Engine) -> None:
    args = ["plan", "status", "--owner", "nobody", "--no-forecast"]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert "本计划没有责任单位“nobody”的目标" in result.output and "市工信局" in result.output


def test_a_filtered_board_says_its_counts_are_the_whole_boards(demo_db: Engine) -> None:
    args = ["plan", "status", "--status", "red", "--no-forecast", "--as-of", "2023-06"]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "以上计数为全部目标" in result.output
