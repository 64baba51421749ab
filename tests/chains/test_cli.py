"""``gaodi chains`` on the small demo city, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.permissions import SYSTEM

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_and_diagnose_every_demo_chain(demo_db: Engine, tmp_path: Path) -> None:
    summary = _json(["chains", "list", "--format", "json"])
    assert isinstance(summary, dict)
    rows = summary["chains"]
    assert len(rows) == 22
    for r in rows:
        assert 0.0 <= r["strength"] <= r["completeness"] <= 1.0
        assert r["n_missing"] + r["n_weak"] + r["n_strong"] == r["n_scored"]
    table = runner.invoke(app, ["chains", "list"], env=WIDE)
    assert table.exit_code == 0 and "工程机械" in table.stdout
    diag = _json(["chains", "diagnose", "CM", "--format", "json"])
    assert isinstance(diag, dict)
    assert diag["chain"]["code"] == "CM" and len(diag["links"]) == 20
    for link in diag["links"]:
        assert link["status"] in ("missing", "weak", "strong")
        assert link["reason_zh"].endswith(("缺链", "弱链", "强链"))
    out = tmp_path / "diag.xlsx"
    result = runner.invoke(app, ["chains", "diagnose", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明 about", "环节 links", "建议 recommendations"]
    assert wb["环节 links"].max_row == 1 + sum(r["n_links"] for r in rows)
    for kind in ("peer", "national"):
        other = _json(["chains", "diagnose", "CM", "--benchmark", kind, "--format", "json"])
        assert isinstance(other, dict) and other["provenance"]["benchmark"] == kind


def test_map_reports_and_is_idempotent(demo_db: Engine) -> None:
    dry = _json(["chains", "map", "CM", "--dry-run", "--format", "json"])
    assert isinstance(dry, dict) and dry["dry_run"] is True
    first = _json(["chains", "map", "CM", "--format", "json"])
    assert isinstance(first, dict)
    assert (first["added"], first["removed"], first["changed"]) == (
        dry["added"],
        dry["removed"],
        dry["changed"],
    )
    second = _json(["chains", "map", "CM", "--format", "json"])
    assert isinstance(second, dict)
    assert (second["added"], second["removed"], second["changed"]) == (0, 0, 0)
    assert second["unchanged"] == first["chains"][0]["current"]
    table = runner.invoke(app, ["chains", "map", "CM"], env=WIDE)
    assert table.exit_code == 0 and "合计" in table.stdout


def test_recommend(demo_db: Engine) -> None:
    result = _json(["chains", "recommend", "CM", "--top", "2", "--format", "json"])
    assert isinstance(result, dict) and result["pool_size"] == 20_000
    assert result["links"], "the demo's CM chain has missing or weak links"
    for link in result["links"]:
        assert link["status"] in ("missing", "weak")
        scores = [c["score"] for c in link["candidates"]]
        assert len(scores) <= 2 and scores == sorted(scores, reverse=True)
        for c in link["candidates"]:
            assert c["city"] != "长沙市" and c["reason_zh"].startswith("第")
    table = runner.invoke(
        app, ["chains", "recommend", "CM", "--link", "CM-01", "--top", "3"], env=WIDE
    )
    assert table.exit_code == 0 and "招商候选" in table.stdout


def test_errors_exit_2_with_both_languages(demo_db: Engine) -> None:
    result = runner.invoke(app, ["chains", "diagnose", "NOPE"])
    assert result.exit_code == 2
    assert "找不到产业链" in result.output and "No chain" in result.output
    result = runner.invoke(app, ["chains", "diagnose", "--format", "xlsx"])
    assert result.exit_code == 2 and "--out" in result.output


def test_as_a_chain_office(demo_db: Engine) -> None:
    from gaodi.accounts import service as accounts
    from gaodi.db import session_scope

    with session_scope(demo_db) as s:
        accounts.create_user(
            s, "cm-office", "chain_office", "a-long-password-1", chains=["CM"], principal=SYSTEM
        )
    summary = _json(["chains", "list", "--as", "cm-office", "--format", "json"])
    assert isinstance(summary, dict)
    assert [r["chain"]["code"] for r in summary["chains"]] == ["CM"]
    result = runner.invoke(app, ["chains", "diagnose", "AUTO", "--as", "cm-office"])
    assert result.exit_code == 2
