"""``gaodi chains … --out``: a missing directory is created, an existing file kept unless
--force (the rule of every command that writes a file)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def test_list_xlsx_keeps_an_existing_file_unless_force(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "nodir" / "chains.xlsx"
    args = ["chains", "list", "--format", "xlsx", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    assert load_workbook(out).sheetnames
    out.write_bytes(b"the user's own file")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert out.read_bytes() == b"the user's own file"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert load_workbook(out).sheetnames
