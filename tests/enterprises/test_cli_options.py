"""``gaodi enterprises`` options a user meets: --limit refuses a count below 1 (0 quietly showed
one row), and --out keeps an existing file unless --force, as every command that writes one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_eligibility_limit_below_one_is_refused(demo_db: Engine, limit: str) -> None:
    args = ["enterprises", "eligibility", "--level", "srdi_sme", "--limit", limit]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert (
        "Invalid value for '--limit'" in result.output
        and "greater than or equal to 1" in result.output
    )


def test_rank_out_keeps_an_existing_file_unless_force(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "new" / "rank.json"
    args = ["enterprises", "rank", "--top", "3", "--format", "json", "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output  # the missing directory is created
    assert len(json.loads(out.read_text(encoding="utf-8"))["rows"]) == 3
    out.write_text("mine", encoding="utf-8")
    again = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert again.exit_code == 2
    assert f"The file already exists: {out}. Add --force to overwrite it." in again.output
    assert out.read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["rows"]) == 3
