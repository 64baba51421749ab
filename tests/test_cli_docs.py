"""docs/cli.md is what ``make docs`` writes from the commands themselves, so it cannot fall
behind them (it had: three import entities and ``report monthly --known-on`` were missing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_reference_is_generated_from_the_commands(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "--app",
            "app",
            "gaodi.cli",
            "utils",
            "docs",
            "--name",
            "gaodi",
            "--title",
            "Gaodi command line",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == out.read_text(encoding="utf-8"), "regenerate: make docs"
