"""``gaodi regions specialise``: a repeated key, a non-number and a fractional year are named
with their lines, exit code 2, nothing written (issues found by the third audit, 2026-12-06:
a repeated reference row ended in a numpy reshape traceback; a year 2020.7 was "not a number",
while the Python functions truncated it)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()

PANEL = (
    "region,industry,year,value\n"
    "a,x,2020,10\na,y,2020,10\nb,x,2020,10\nb,y,2020,30\n"
    "a,x,2021,12\na,y,2021,14\nb,x,2021,10\nb,y,2021,36\n"
)


def specialise(tmp_path: Path, panel: str, reference: str | None = None):
    (tmp_path / "p.csv").write_text(panel, encoding="utf-8")
    args = ["regions", "specialise", str(tmp_path / "p.csv"), "--out", str(tmp_path / "o")]
    if reference is not None:
        (tmp_path / "ref.csv").write_text(reference, encoding="utf-8")
        args += ["--reference", str(tmp_path / "ref.csv")]
    return runner.invoke(app, args)


def test_a_repeated_reference_row_names_both_lines(tmp_path: Path) -> None:
    ref = "industry,year,value\nx,2020,100\ny,2020,100\nx,2021,110\ny,2021,120\nx,2021,5\n"
    result = specialise(tmp_path, PANEL, ref)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "reshape" not in result.output
    assert "参照文件 ref.csv 第 6 行与第 4 行重复" in result.output
    assert "line 6 repeats line 4" in " ".join(result.output.split())
    assert not (tmp_path / "o").exists()


def test_a_repeated_input_row_names_both_lines(tmp_path: Path) -> None:
    result = specialise(tmp_path, PANEL + "b,y,2020,31\n")
    assert result.exit_code == 2
    assert "输入文件 p.csv 第 10 行与第 5 行重复" in result.output


def test_a_non_numeric_reference_value_names_line_and_column(tmp_path: Path) -> None:
    ref = "industry,year,value\nx,2020,100\ny,2020,abc\nx,2021,110\ny,2021,120\n"
    result = specialise(tmp_path, PANEL, ref)
    assert result.exit_code == 2
    assert "ref.csv 第 3 行 value 列的值“abc”不是数值" in result.output


def test_a_fractional_year_is_not_a_whole_year(tmp_path: Path) -> None:
    result = specialise(tmp_path, PANEL.replace("a,y,2020,10", "a,y,2020.7,10"))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "p.csv 第 3 行 year 列的值“2020.7”不是整数年份" in text
    assert "is not a whole year" in text and "不是数值" not in text
    assert not (tmp_path / "o").exists()


def test_a_whole_year_written_with_a_decimal_point_is_that_year(tmp_path: Path) -> None:
    # the Python functions read 2021.0 as 2021; the CLI reads the same file the same way
    ref = "industry,year,value\nx,2020.0,100\ny,2020,100\nx,2021,110\ny,2021.0,120\n"
    result = specialise(tmp_path, PANEL, ref)
    assert result.exit_code == 0, result.output
    out = pl.read_csv(tmp_path / "o" / "specialisation.csv")
    assert sorted(set(out["year"].to_list())) == [2020, 2021]
    # LQ of a in x, 2020: (10/20) / (100/200) = 1
    row = out.filter(
        (pl.col("region") == "a") & (pl.col("industry") == "x") & (pl.col("year") == 2020)
    )
    assert row["lq"].to_list() == [1.0]
