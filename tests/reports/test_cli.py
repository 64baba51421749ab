"""``gaodi report`` through typer's CliRunner on a copy of the small demo city."""

from __future__ import annotations

from pathlib import Path

import docx
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.chains import service as chains
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope

runner = CliRunner()


def test_monthly_chain_and_errors(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    result = runner.invoke(
        app, ["report", "monthly", "--period", "2023-06", "-f", "xlsx", "-o", str(out),
              "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "About" and "Action 1" in wb.sheetnames
    bad = runner.invoke(app, ["report", "monthly", "--period", "2023-6", "-o", str(out)])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
    missing = runner.invoke(app, ["report", "chain", "NOPE", "-o", str(tmp_path / "x.docx")])
    assert missing.exit_code == 2 and "NOPE" in missing.output
    chain = tmp_path / "c.docx"
    ok = runner.invoke(app, ["report", "chain", "CM", "-o", str(chain)])
    assert ok.exit_code == 0, ok.output
    assert "工程机械产业链发展诊断报告" in [p.text for p in docx.Document(str(chain)).paragraphs]


def test_as_a_chain_office_user(demo_db: Engine, tmp_path: Path) -> None:
    with session_scope(demo_db, actor="test") as s:
        first, second = chains.list_chains(s, SYSTEM)[:2]
        accounts.create_user(
            s, "office", "chain_office", "password-123456", chains=[first.code], principal=SYSTEM
        )
    out = tmp_path / "m.docx"
    result = runner.invoke(app, ["report", "monthly", "--period", "2023-06", "-o", str(out),
                                 "--user", "office"])  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = {c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells}
    assert first.name in cells and second.name not in cells
    # --as, as every other command that acts for a user (--user above is the older spelling)
    own = runner.invoke(app, ["report", "chain", first.code, "-o", str(out), "--as", "office"])
    assert own.exit_code == 0, own.output
    denied = runner.invoke(app, ["report", "chain", second.code, "-o", str(out), "--as",
                                 "office"])  # fmt: skip
    assert denied.exit_code == 2
    assert "No such option" not in denied.output, denied.output
    nobody = runner.invoke(app, ["report", "chain", "CM", "-o", str(out), "--user", "ghost"])
    assert nobody.exit_code == 2 and "ghost" in nobody.output
