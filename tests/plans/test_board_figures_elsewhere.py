"""The board's figures read the same in the CLI table, the board workbook and the monthly report
as on the page (audit I #3, verified afterwards): the page said 0.3645 [0.3612, 0.3676] against a
cap of 0.36, while `gaodi plan status`, `/export/xlsx/plans` and the monthly report still wrote
"0.36 [0.36, 0.37]" and "0.37" with two decimals, as if the forecast met the cap."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.reports.lang import Lang
from gaodi.reports.sections_plan import risk_text
from tests.plans.test_views import web  # noqa: F401  (the fixture)

AS_OF = "2023-06"


def _energy(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        board = service.board(s, SYSTEM, as_of=AS_OF)
    return next(r for a in board.actions for r in a.rows if r.unit == "吨标准煤/万元")


def test_the_cli_writes_the_boards_figures(demo_db: Engine) -> None:
    row = _energy(demo_db)
    # the demo's energy row: the page's figures (tests/plans/test_board_figures.py)
    assert (row.figure("forecast"), row.figure("actual")) == ("0.3645", "0.3721")
    out = CliRunner().invoke(app, ["plan", "status", "--as-of", AS_OF], env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "0.3645" in x)
    assert "[0.3612, 0.3676]" in line and "0.3721" in line, line
    assert "0.36 [0.36, 0.37]" not in out.output


def test_the_monthly_reports_words_write_the_boards_figures(demo_db: Engine) -> None:
    row = _energy(demo_db)
    text = risk_text(row, Lang("zh"))
    assert "实际0.3721" in text and "预测到期值0.3645" in text and "0.3612—0.3676" in text, text


def test_the_board_workbook_shows_four_decimals_where_the_figure_has_them(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    book = load_workbook(io.BytesIO(c["ana"].get(f"/export/xlsx/plans?as_of={AS_OF}").content))
    sheet = book.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    rows = [
        r for r in sheet.iter_rows(min_row=2) if r[header.index("单位")].value == "吨标准煤/万元"
    ]
    assert rows
    for name in ("实际值", "预测值", "预测下限", "预测上限"):
        cell = rows[0][header.index(name)]
        assert re.fullmatch(r"#,##0\.00#+", cell.number_format), (name, cell.number_format)
