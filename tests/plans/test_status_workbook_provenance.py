"""``gaodi plan status --format xlsx`` listed the board's engine parameters as codes in its
来源 provenance sheet ("参数 forecast_method | linear", "参数 statuses_used |
submitted/approved"); it now says them in words, as the page's download and the monthly report
do (gaodi.plans.provenance_words, one home for those words)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.plans.board import FORECAST

runner = CliRunner()


def test_the_provenance_sheet_says_the_parameters_in_words(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "board.xlsx"
    result = runner.invoke(
        app, ["plan", "status", "--as-of", "2023-12", "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = {r[0]: r[1] for r in load_workbook(out)["来源 provenance"].iter_rows(values_only=True)}
    assert not [k for k in rows if str(k).startswith("参数")], rows
    assert rows["评价所用数据 values used"] == (
        "计入已报送和已审核的数据 / counting submitted and approved values"
    )
    level = f"{FORECAST['level']:.0%}"
    assert rows["预测方法 forecast"] == (
        f"线性趋势，{level}区间，自助法{FORECAST['n_boot']}次，随机种子{FORECAST['seed']} / "
        f"linear trend, {level} interval, {FORECAST['n_boot']} bootstrap draws, "
        f"seed {FORECAST['seed']}"
    )
    cells = " ".join(str(v) for v in rows.values())
    for code in ("forecast_method", "statuses_used", "submitted/approved"):
        assert code not in cells
