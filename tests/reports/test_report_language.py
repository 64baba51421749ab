"""``gaodi report`` without ``--lang`` writes the configured language (GAODI_LANGUAGE, documented
as the default report language; it always wrote Chinese), and ``--lang`` still wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings

runner = CliRunner()


@pytest.mark.parametrize(("setting", "asked", "first_sheet"), [
    ("en", None, "About"), ("en", "zh", "说明"), ("zh", None, "说明"),
])  # fmt: skip
def test_the_configured_language_is_the_default(
    demo_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    setting: str, asked: str | None, first_sheet: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("GAODI_LANGUAGE", setting)
    reset_settings()
    out = tmp_path / "m.xlsx"
    args = ["report", "monthly", "--period", "2023-06", "-o", str(out)]
    result = runner.invoke(app, [*args, *(["--lang", asked] if asked else [])])
    reset_settings()
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == first_sheet
