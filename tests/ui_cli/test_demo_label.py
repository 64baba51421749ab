"""The demo city's data is labelled 示例数据 wherever the command line hands it out: a line
under every terminal table and a 说明 sheet in every workbook; a real city's data is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings

runner = CliRunner()
LABEL = "示例数据：演示城市的企业和数值为模拟生成"

TABLES = [
    ["plan", "status", "--as-of", "2023-06", "--no-forecast"],
    ["chains", "diagnose", "CM"],
    ["chains", "recommend", "CM", "--top", "2"],
    ["enterprises", "eligibility"],
    ["enterprises", "rank"],
    ["projects", "list"],
    ["projects", "rollup"],
    ["plan", "tasks"],
    ["plan", "completeness"],
    ["parks", "enterprises", "1"],
]

WORKBOOKS = [
    ["plan", "status", "--as-of", "2023-06", "--no-forecast"],
    ["enterprises", "eligibility"],
    ["enterprises", "rank"],
    ["chains", "list"],
    ["chains", "recommend", "CM", "--top", "2"],
]


def run(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, (args, result.output)
    return result.output


def texts(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize("args", TABLES, ids=lambda a: " ".join(a[:2]))
def test_demo_tables_say_demo_data_under_each_table(demo_db: Engine, args: list[str]) -> None:
    out = run(args)
    assert LABEL in out
    assert "Demo data: the demo city's enterprises and figures are synthetic" in out
    # the line sits under the table: after its bottom border
    assert out.index(LABEL) > out.index("└")


def test_demo_tables_in_english(demo_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_LANGUAGE", "en")
    reset_settings()
    out = run(["enterprises", "rank"])
    assert "Demo data: the demo city's enterprises and figures are synthetic" in out
    assert LABEL not in out


@pytest.mark.parametrize("args", WORKBOOKS, ids=lambda a: " ".join(a[:2]))
def test_demo_workbooks_open_on_a_note_saying_demo_data(
    demo_db: Engine, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out.xlsx"
    run([*args, "--format", "xlsx", "--out", str(out)])
    wb = load_workbook(out)
    first = wb.worksheets[0]
    assert first.title.startswith("说明") and wb.active.title == first.title
    assert any("示例数据" in text for text in texts(out))


def test_a_note_sheet_that_already_says_demo_data_is_not_doubled(
    demo_db: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "diagnosis.xlsx"
    run(["chains", "diagnose", "CM", "--format", "xlsx", "--out", str(out)])
    assert sum("示例数据" in text for text in texts(out)) == 1


def test_a_real_citys_tables_and_workbooks_have_no_label(sqlite_db: Engine, tmp_path: Path) -> None:
    for args in (["projects", "list"], ["enterprises", "eligibility"], ["plan", "completeness"]):
        out = run(args)
        assert "┏" in out or "─" in out, out  # a table was printed
        assert "示例数据" not in out and "Demo data" not in out
    out = tmp_path / "tiers.xlsx"
    run(["enterprises", "eligibility", "--format", "xlsx", "--out", str(out)])
    assert not any("示例数据" in text for text in texts(out))
    assert not load_workbook(out).worksheets[0].title.startswith("说明")
