"""GAODI_LANGUAGE's documentation says it is also the language of the command line's messages
(errors follow it: en gives English only), in ``gaodi config docs`` and its page."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gaodi.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_the_language_setting_names_the_command_line() -> None:
    result = CliRunner().invoke(app, ["config", "docs"])
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.output.splitlines() if "`GAODI_LANGUAGE`" in line]
    assert "command line's messages" in row and "report" in row
    assert row in DOCS.read_text(encoding="utf-8").splitlines()
