"""``gaodi plan adopt`` beside another adopted plan says which plan the board follows, and warns
of a plan loaded twice (the README's tour, run on the demo city, silently replaced its board)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()
TEXT = "某市制造业提质行动计划(2024—2026年)\n1 实施园区提效行动\n到2026年,打造5个千亿级园区。\n"


def run(*args: str) -> str:
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_adopting_beside_another_plan_says_which_the_board_follows(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "计划.txt"
    path.write_text(TEXT, encoding="utf-8")
    run("load", str(path))
    first = run("adopt", "1")
    assert "另有已印发的计划" not in first  # alone: nothing to say
    run("load", str(path))
    second = run("adopt", "2")
    assert "另有已印发的计划 #1 某市制造业提质行动计划" in second, second
    assert "默认显示 #2" in second and "--plan" in second
    assert "与 #1 同名同期" in second and "Same title and period as #1" in second
    # the board indeed follows #2 unless asked
    assert json.loads(run("status", "--format", "json", "--no-forecast"))["plan_id"] == 2
    assert json.loads(run("status", "--plan", "1", "--format", "json"))["plan_id"] == 1
