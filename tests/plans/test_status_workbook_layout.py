"""``gaodi plan status --format xlsx`` wrote its board of 30-odd targets and 25 columns with
the two-line header scrolling out of view and every column at Excel's default 8.4 characters,
which cut each action, indicator, owner and reason to its first words. The header row is now
frozen and the columns are as wide as their words."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def test_the_board_keeps_its_header_in_view_and_its_words_readable(
    demo_db: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "board.xlsx"
    result = runner.invoke(
        app, ["plan", "status", "--as-of", "2023-12", "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["看板 board"]
    assert ws.freeze_panes == "A2"  # row 1 is the header
    header = [c.value for c in ws[1]]
    assert header[0] == "行动\naction" and header[21] == "状态说明\nreason"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) >= 30
    width = {h: ws.column_dimensions[get_column_letter(i)].width for i, h in enumerate(header, 1)}
    # the demo's action titles run to 19 characters ("4 实施产业基础高级化产业链现代化行动")
    longest_action = max(len(str(r[0])) for r in rows)
    assert longest_action == 19
    for name in ("行动\naction", "指标\nindicator", "责任单位\nowner"):
        assert width[name] >= longest_action, (name, width[name])
    assert width["状态说明\nreason"] > width["行动\naction"]
