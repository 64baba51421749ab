"""``gaodi parks evaluate`` words who was left out and the rules as the workbook does (it printed
``below_land: 1587`` and the rule files as a Python dict); ``gaodi chains diagnose`` keeps small
shares apart (every small link printed 0.0%)."""

from __future__ import annotations

import re

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


def test_a_chain_diagnosis_tells_small_shares_apart(demo_db: Engine) -> None:
    # a link's share of the chain printed 0.0% for every small link (the reasons already did not)
    result = runner.invoke(app, ["chains", "diagnose", "ESM"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    # (output in 亿元, share) of each link row: a share shown as 0.0% is a link with no output
    rows = re.findall(r"│\s+([\d,]+\.\d\d)\s+│\s+(\d+\.\d+)%\s+│", result.output)
    assert rows
    assert all(output == "0.00" for output, share in rows if float(share) == 0), rows
    assert any(0 < float(share) < 0.05 for _, share in rows), rows  # small ones kept apart
