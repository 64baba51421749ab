"""``--out`` without ``--format`` writes the file its suffix names (before, the table was printed
and ``--out`` quietly ignored); a suffix that names no format is refused, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()
COMMANDS = [
    ["chains", "list"],
    ["enterprises", "eligibility"],
    ["enterprises", "rank", "--top", "5"],
    ["plan", "status", "--as-of", "2023-06", "--no-forecast"],
    ["parks", "evaluate", "--year", "2023"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_the_suffix_chooses_the_format(demo_db: Engine, tmp_path: Path, command: list[str]) -> None:
    book, data = tmp_path / "out.xlsx", tmp_path / "out.json"
    for path in (book, data):
        result = runner.invoke(app, [*command, "--out", str(path)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
    assert load_workbook(book).sheetnames  # a real workbook
    json.loads(data.read_text(encoding="utf-8"))  # real JSON


@pytest.mark.parametrize("command", COMMANDS[:2], ids=lambda c: " ".join(c[:2]))
def test_a_suffix_naming_no_format_is_refused(
    demo_db: Engine, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out.txt"
    result = runner.invoke(app, [*command, "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert ".json 或 .xlsx" in result.output and not out.exists()
