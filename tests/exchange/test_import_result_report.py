"""``gaodi import --report`` after a successful import: the counts, in words, in both formats
(the CSV held only the error header; the xlsx listed dry_run False, encoding None …)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from tests.exchange.helpers import CITY, write_xlsx

runner = CliRunner()


def test_csv_report_of_a_successful_import_holds_the_counts(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", CITY["parks"])
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["import", "parks", str(path), "--report", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = dict(csv.reader(fh))
    assert rows["新增 created"] == "2" and rows["更新 updated"] == "0"
    assert rows["试运行 dry run"] == "否" and rows["编码 encoding"] == "—"
    assert rows["工作表 园区 parks"] == "新增 2，更新 0，未变 0"


def test_xlsx_report_of_a_successful_import_is_in_words(sqlite_db: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", CITY["parks"])
    runner.invoke(app, ["import", "parks", str(path)])
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["import", "parks", str(path), "--mode", "upsert", "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["结果 result"]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert not cells & {"None", "False", "True", "dry_run", "encoding", "created", "entity"}
    values = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    assert values["未变 unchanged"] == "2" and values["导入方式 mode"] == "新增或更新 upsert"
