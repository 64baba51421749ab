"""Adopting a plan again says the day it was adopted: the city's day, not the UTC date of the
stored stamp (a plan adopted at 04:00 on 1 July in the city was "already adopted on 2023-06-30")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core import clock

runner = CliRunner()
TEXT = "某市制造业提质行动计划(2024—2026年)\n1 实施园区提效行动\n到2026年,打造5个千亿级园区。\n"
ADOPTED = datetime(2023, 6, 30, 20, 0)  # naive UTC: 2023-07-01 04:00 in the city (UTC+8)


def test_already_adopted_names_the_citys_day(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "计划.txt"
    path.write_text(TEXT, encoding="utf-8")
    env = {"COLUMNS": "200"}
    with clock.frozen(ADOPTED):
        assert runner.invoke(app, ["plan", "load", str(path)], env=env).exit_code == 0
        first = runner.invoke(app, ["plan", "adopt", "1"], env=env)
        assert first.exit_code == 0, first.output
        again = runner.invoke(app, ["plan", "adopt", "1"], env=env)
    assert again.exit_code != 0
    said = " ".join(again.output.split())
    day = clock.local_date(ADOPTED).isoformat()
    assert day == "2023-07-01"
    assert f"已于 {day} 印发" in said, said
    assert "2023-06-30" not in said
