"""Where ``gaodi template / import / export`` write and what they read: a missing output
directory is created (as ``gaodi db backup`` and the reports do), an existing file is kept
unless --force (a blank template over a filled 报送.xlsx lost the user's data), and a file that
is not .xlsx or .csv, or a template language other than zh/en, is one clear refusal."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from tests.exchange.helpers import CITY, table_counts, write_csv, write_xlsx

runner = CliRunner()


def test_a_template_goes_into_a_new_directory(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nodir" / "报送.xlsx"
    result = runner.invoke(app, ["template", "parks", str(path)])
    assert result.exit_code == 0, result.output
    assert "File not found" not in result.output
    assert load_workbook(path).sheetnames[:2] == ["说明", "园区 parks"]


def test_a_template_never_overwrites_a_filled_file_without_force(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    filled = write_xlsx(tmp_path / "报送.xlsx", CITY["parks"])
    before = filled.read_bytes()
    refused = runner.invoke(app, ["template", "parks", str(filled)])
    assert refused.exit_code == 2
    assert f"The file already exists: {filled}" in refused.output and "--force" in refused.output
    assert filled.read_bytes() == before  # the user's rows are still there
    forced = runner.invoke(app, ["template", "parks", str(filled), "--force"])
    assert forced.exit_code == 0, forced.output
    assert load_workbook(filled).sheetnames[0] == "说明"
    assert "--force" in runner.invoke(app, ["template", "--help"]).output


def test_export_keeps_an_existing_file_unless_force(sqlite_db: Engine, tmp_path: Path) -> None:
    runner.invoke(app, ["import", "parks", str(write_xlsx(tmp_path / "p.xlsx", CITY["parks"]))])
    out = tmp_path / "new" / "parks.csv"
    assert runner.invoke(app, ["export", "parks", str(out)]).exit_code == 0
    out.write_text("mine", encoding="utf-8")
    again = runner.invoke(app, ["export", "parks", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(app, ["export", "parks", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes().count(b"\r\n") == 3  # header + the two parks


def test_an_import_report_goes_into_a_new_directory_and_keeps_an_old_one(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    data = write_csv(
        tmp_path / "p.csv", [["园区名称", "级别", "规划面积（亩）"], ["示例园区", "市级", "很大"]]
    )
    report = tmp_path / "nodir" / "errors.xlsx"
    first = runner.invoke(app, ["import", "parks", str(data), "--report", str(report)])
    assert first.exit_code == 2 and "File not found" not in first.output
    assert load_workbook(report)["错误 errors"].max_row == 3
    good = write_xlsx(tmp_path / "parks.xlsx", CITY["parks"])
    kept = runner.invoke(app, ["import", "parks", str(good), "--report", str(report)])
    assert kept.exit_code == 2 and "already exists" in kept.output
    assert table_counts(sqlite_db)["park"] == 0  # refused before anything was imported
    assert load_workbook(report)["错误 errors"].max_row == 3


def test_only_xlsx_and_csv_are_imported(sqlite_db: Engine, tmp_path: Path) -> None:
    text = write_csv(tmp_path / "parks.csv", CITY["parks"]).rename(tmp_path / "parks.txt")
    result = runner.invoke(app, ["import", "parks", str(text)])
    assert result.exit_code == 2
    assert "The data file 'parks.txt' must be .xlsx or .csv." in result.output
    assert "Errors (" not in result.output  # no cell-by-cell table
    assert table_counts(sqlite_db)["park"] == 0


def test_a_template_language_is_zh_or_en(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "parks.xlsx"
    result = runner.invoke(app, ["template", "parks", str(path), "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'zh', 'en'" in result.output
    assert not path.exists()
    english = runner.invoke(app, ["template", "parks", str(path), "--lang", "en"])
    assert english.exit_code == 0, english.output
