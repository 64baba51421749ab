"""``gaodi plan list`` and ``plan show`` say a plan's status in the words the pages use (草稿
draft, 已印发 adopted), not its stored code: the list's 状态 column read ``draft`` or
``adopted`` alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_a_plans_status_is_said_in_both_languages(sqlite_db: Engine, tmp_path: Path) -> None:
    text = tmp_path / "plan.txt"
    text.write_text(
        "某市行动计划(2021—2023年)\n1 实施园区提效行动\n到2023年,打造5个千亿级园区。\n",
        encoding="utf-8",
    )
    run("load", str(text))
    listed = run("list")
    assert "草稿 draft" in listed
    assert "状态 status: 草稿 draft" in run("show", "1")
    run("adopt", "1")
    listed = run("list")
    assert "已印发 adopted" in listed and "草稿" not in listed
    assert "状态 status: 已印发 adopted" in run("show", "1")
