"""``gaodi plan extract/status/annotation`` write their files as every command does
(gaodi.ui.cli.output.writable): a missing directory is created, an existing file refused
unless ``--force`` (annotation: never overwritten)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.text.extract import extract_plan

runner = CliRunner()
TEXT = (
    "某市制造业提质行动计划(2024—2026年)\n1 实施园区提效行动\n"
    "到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。\n"
)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_extract_out_creates_the_directory_and_refuses_to_overwrite(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "new" / "dir" / "plan.json"
    code, output = invoke("extract", str(plan), "--rules-only", "--out", str(out))
    assert code == 0, output
    first = json.loads(out.read_text(encoding="utf-8"))
    assert first["targets"]
    out.write_text("kept", encoding="utf-8")
    code, output = invoke("extract", str(plan), "--rules-only", "--out", str(out))
    assert code == 2 and "--force" in output
    assert out.read_text(encoding="utf-8") == "kept"
    code, output = invoke("extract", str(plan), "--rules-only", "--out", str(out), "--force")
    assert code == 0, output
    assert json.loads(out.read_text(encoding="utf-8")) == first


def test_status_out_creates_the_directory_and_refuses_to_overwrite(
    demo_db: Engine, tmp_path: Path
) -> None:
    args = ("status", "--as-of", "2023-06", "--no-forecast", "--format", "xlsx")
    out = tmp_path / "reports" / "board.xlsx"
    code, output = invoke(*args, "--out", str(out))
    assert code == 0, output
    assert "看板 board" in load_workbook(out).sheetnames
    out.write_bytes(b"kept")
    code, output = invoke(*args, "--out", str(out))
    assert code == 2 and "--force" in output
    assert out.read_bytes() == b"kept"
    code, output = invoke(*args, "--out", str(out), "--force")
    assert code == 0, output
    assert "看板 board" in load_workbook(out).sheetnames
    js = tmp_path / "json" / "board.json"
    code, output = invoke("status", "--as-of", "2023-06", "--format", "json", "-o", str(js))
    assert code == 0, output
    assert json.loads(js.read_text(encoding="utf-8"))["as_of"] == "2023-06"


def test_annotation_creates_a_missing_directory_and_overwrites_nothing(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    admin = Principal(username="t", role="admin")
    with session_scope(sqlite_db, actor="t") as s:
        plan_id = service.load_plan(
            s, admin, extract_plan(TEXT), source_name="t.txt", source_text=TEXT
        ).id
    out_dir = tmp_path / "corpus" / "new"
    code, output = invoke("annotation", str(plan_id), "mock-city", "--out-dir", str(out_dir))
    assert code == 0, output
    assert (out_dir / "mock-city.txt").read_text(encoding="utf-8") == TEXT
    assert json.loads((out_dir / "mock-city.json").read_text(encoding="utf-8"))["targets"]
    (out_dir / "other.json").write_text("kept", encoding="utf-8")
    code, output = invoke("annotation", str(plan_id), "other", "--out-dir", str(out_dir))
    assert code != 0 and "not overwritten" in output
    assert not (out_dir / "other.txt").exists()  # neither file written
    assert (out_dir / "other.json").read_text(encoding="utf-8") == "kept"
