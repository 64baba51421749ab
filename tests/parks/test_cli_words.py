"""``gaodi parks evaluate`` words who was left out and the rules as the workbook does (it printed
``below_land: 1587`` and the rule files as a Python dict)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def test_the_evaluation_footer_is_in_words(demo_db: Engine) -> None:
    result = runner.invoke(app, ["parks", "evaluate", "--year", "2023"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "below_land" not in out and "{'" not in out and "rank_share" not in out
    assert "用地低于评价门槛：" in out and "亩均评价方案（版本 " in out
    assert "按组内排名比例：前20%为A类" in out
