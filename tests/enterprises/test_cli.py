"""``gaodi enterprises`` on the small demo city, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise
from gaodi.parks import service as parks_service

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_eligibility(demo_db: Engine, tmp_path: Path) -> None:
    every = _json(["enterprises", "eligibility", "--format", "json"])
    levels = {lv["level"]: lv for lv in every["levels"]}
    assert set(levels) == {"above_scale", "innovative_sme", "srdi_sme", "little_giant", "champion"}
    assert levels["above_scale"]["evaluated"] == 2000
    near = _json(
        ["enterprises", "eligibility", "--level", "above_scale", "--near", "--format", "json"]
    )
    assert near["rows"] and len(near["rows"]) == levels["above_scale"]["nearly"]
    for row in near["rows"]:
        assert row["nearly_qualifies"] and not row["qualifies"]
        (miss,) = row["missed"]
        # nearly: main revenue short of 2000万元 by at most 20 %
        assert miss["metric"] == "main_revenue" and 0 < miss["shortfall"] <= 400
        assert abs(miss["actual"] + miss["shortfall"] - 2000) < 1e-6
    table = runner.invoke(app, ["enterprises", "eligibility", "--level", "srdi_sme"], env=WIDE)
    assert table.exit_code == 0 and "专精特新中小企业" in table.stdout
    out = tmp_path / "e.xlsx"
    result = runner.invoke(
        app, ["enterprises", "eligibility", "--level", "above_scale", "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    # the demo's workbook opens on a 说明 sheet saying 示例数据 (gaodi.ui.cli.output.label_demo)
    assert load_workbook(out).sheetnames == [
        "说明",
        "层级 levels",
        "名单 enterprises",
        "说明 about",
    ]


def test_rank_and_show(demo_db: Engine) -> None:
    ranked = _json(["enterprises", "rank", "--chain", "CM", "--top", "5", "--format", "json"])
    assert [r["rank"] for r in ranked["rows"]] == [1, 2, 3, 4, 5]
    scores = [r["score"] for r in ranked["rows"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= x <= 1 for x in scores)
    entropy = _json(["enterprises", "rank", "--method", "entropy", "--top", "3", "-f", "json"])
    assert entropy["method"] == "entropy"
    assert abs(sum(c["weight"] for c in entropy["criteria"]) - 1) < 1e-9
    uscc = ranked["rows"][0]["uscc"]
    shown = runner.invoke(app, ["enterprises", "show", uscc], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert ranked["rows"][0]["name"] in shown.stdout and "规模以上工业企业" in shown.stdout
    data = _json(["enterprises", "show", uscc, "--format", "json"])
    assert data["uscc"] == uscc and len(data["tiers"]) == 5
    missing = runner.invoke(app, ["enterprises", "show", "91430100MA0000000X"])
    assert missing.exit_code == 2 and "找不到该企业" in missing.output


def test_search(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        name = s.scalars(select(Enterprise.name).order_by(Enterprise.id)).first()
    result = runner.invoke(app, ["enterprises", "search", name or ""], env=WIDE)
    assert result.exit_code == 0 and name in result.stdout


def test_rank_entropy_topsis_shows_weights_and_distances(demo_db: Engine) -> None:
    args = ["enterprises", "rank", "--method", "entropy_topsis", "--top", "5", "-f", "json"]
    ranked = _json(args)
    assert ranked["method"] == "entropy_topsis" and ranked["normalisation"] == "minmax"
    weights = [c["weight"] for c in ranked["criteria"]]
    assert abs(sum(weights) - 1) < 1e-9
    # entropy weights come from the data, not the rule file's
    given = _json(["enterprises", "rank", "--top", "1", "-f", "json"])
    assert weights != [c["weight"] for c in given["criteria"]]
    for r in ranked["rows"]:
        # TOPSIS closeness C = D- / (D+ + D-)
        assert r["d_plus"] >= 0 and r["d_minus"] >= 0
        assert abs(r["score"] - r["d_minus"] / (r["d_plus"] + r["d_minus"])) < 1e-12
    table = runner.invoke(
        app, ["enterprises", "rank", "-m", "entropy_topsis", "--top", "3"], env=WIDE
    )
    assert table.exit_code == 0, table.output
    assert "熵权TOPSIS" in table.stdout and "D+" in table.stdout and "极差标准化" in table.stdout
    # shares of raw values need non-negative figures; growth can be negative: a clear note,
    # no traceback, and the same answer through JSON
    shares = runner.invoke(
        app, ["enterprises", "rank", "-m", "entropy_topsis", "--normalisation", "sum"], env=WIDE
    )
    assert shares.exit_code == 0, shares.output
    assert "比重标准化" in shares.stdout and "数值不能为负" in shares.stdout
    assert "权重 weights" not in shares.stdout  # no weights were computed
    bad = runner.invoke(app, ["enterprises", "rank", "--normalisation", "zscore"])
    assert bad.exit_code == 2


def test_rank_workbook_carries_distances_and_normalisation(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "rank.xlsx"
    args = [
        "enterprises",
        "rank",
        "-m",
        "entropy_topsis",
        "--top",
        "3",
        "-f",
        "xlsx",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    head = [c.value for c in wb["排序 ranking"][1]]
    assert head[4:6] == ["D+ 距理想解", "D− 距负理想解"]
    first = [c.value for c in wb["排序 ranking"][2]]
    assert abs(first[3] - first[5] / (first[4] + first[5])) < 1e-12  # C = D- / (D+ + D-)
    about = [r[0].value for r in wb["说明 about"].iter_rows()]
    assert any(str(v).startswith("熵权标准化 normalisation: 极差标准化") for v in about)


def test_rank_says_a_scoped_user_ranks_the_firms_it_may_see(
    demo_db: Engine, tmp_path: Path
) -> None:
    """A park office ranks its park's firms, not the city's: the heading and the workbook say
    so in the words of the web page's export (the old heading said 全市 city)."""
    with session_scope(demo_db, actor="test") as s:
        park = parks_service.evaluate(s, SYSTEM).parks[0].name
        accounts.create_user(
            s, "office", "park_office", "password-123456", parks=[park], principal=SYSTEM
        )
    city = runner.invoke(app, ["enterprises", "rank", "--top", "3"], env=WIDE)
    assert city.exit_code == 0, city.output
    assert "头羊排序 Leader ranking 全市 city ·" in city.output
    own = runner.invoke(app, ["enterprises", "rank", "--top", "3", "--as", "office"], env=WIDE)
    assert own.exit_code == 0, own.output
    assert "头羊排序 Leader ranking 全部可见企业 every enterprise you may see ·" in own.output
    assert "全市" not in own.output
    out = tmp_path / "rank.xlsx"
    args = ["enterprises", "rank", "--top", "3", "-o", str(out), "--as", "office"]
    exported = runner.invoke(app, args)
    assert exported.exit_code == 0, exported.output
    about = [r[0].value for r in load_workbook(out)["说明 about"].iter_rows()]
    assert "范围 scope: 全部可见企业" in about
