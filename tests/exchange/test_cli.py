"""``gaodi template / import / export`` through the Typer app."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from tests.exchange.helpers import CITY, table_counts, write_csv, write_xlsx

runner = CliRunner()


def test_template_command(sqlite_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "parks.xlsx"
    result = runner.invoke(app, ["template", "parks", str(path)])
    assert result.exit_code == 0, result.output
    assert load_workbook(path).sheetnames[:2] == ["说明", "园区 parks"]


def test_import_then_export(sqlite_db: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "parks.xlsx", CITY["parks"])
    result = runner.invoke(app, ["import", "parks", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.output
    assert table_counts(sqlite_db)["park"] == 0
    result = runner.invoke(app, ["import", "parks", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 row(s)" in result.output and table_counts(sqlite_db)["park"] == 2
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "parks", str(out), "--park", "示例经济开发区"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().count(b"\r\n") == 2  # header + one park (read_text folds CRLF)


def test_rejected_import_exits_2_and_prints_the_cells(sqlite_db: Engine, tmp_path: Path) -> None:
    rows = [["园区名称", "级别", "规划面积（亩）"], ["示例园区", "市级", "很大"]]
    report = tmp_path / "errors.xlsx"
    result = runner.invoke(
        app, ["import", "parks", str(write_csv(tmp_path / "p.csv", rows)), "--report", str(report)]
    )
    assert result.exit_code == 2
    out = result.output
    assert "错误 Errors (2)" in out and "Import rejected: 2 error(s) found" in out
    assert "规划面积（亩）" in out and "'很大' is not a" in out
    assert "Errors written to" in out
    assert load_workbook(report)["错误 errors"].max_row == 3
    assert table_counts(sqlite_db)["park"] == 0


def test_upsert_mode_and_bad_mode(sqlite_db: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "parks.xlsx", CITY["parks"])
    assert runner.invoke(app, ["import", "parks", str(path)]).exit_code == 0
    again = runner.invoke(app, ["import", "parks", str(path)])
    assert again.exit_code == 2 and "--mode upsert" in again.output
    upsert = runner.invoke(app, ["import", "parks", str(path), "--mode", "upsert"])
    assert upsert.exit_code == 0 and "│ parks │            0 │            0 │              2 │" in (
        upsert.output
    )
    bad = runner.invoke(app, ["import", "parks", str(path), "--mode", "replace"])
    assert bad.exit_code == 2 and "must be insert or upsert" in bad.output


def test_file_level_problems_exit_2(sqlite_db: Engine, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", "parks", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2 and "File not found" in missing.output
    unknown = runner.invoke(app, ["import", "firms", str(tmp_path / "none.xlsx")])
    assert unknown.exit_code == 2 and "Unknown entity 'firms'" in unknown.output
    fake = tmp_path / "fake.xlsx"
    fake.write_text("园区名称,级别\n示例,省级\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "parks", str(fake)])
    assert result.exit_code == 2 and "not a valid Excel workbook" in result.output
