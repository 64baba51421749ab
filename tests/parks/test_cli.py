"""``gaodi parks`` through the root app on the small demo city (and its errors).

The demo's seven parks (gaodi/demo/data/city.yaml) are evaluated with the default rule set; the
tests check the command contracts (table, json, xlsx, scheme choice, benchmarks file, exit
codes) rather than the synthetic figures, whose arithmetic tests/parks/test_service.py checks
by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.parks import service as parks_service

runner = CliRunner()
PARKS = 7


def test_evaluate_table(demo_db: Engine) -> None:
    out = runner.invoke(app, ["parks", "evaluate"], env={"COLUMNS": "260"})
    assert out.exit_code == 0, out.output
    for text in ("园区亩均效益", "长沙经开区", "千亿级园区", "两主一特", "示例数据", "2023年"):
        assert text in out.output


def test_evaluate_table_says_whose_firms_it_counts_and_ranks_among_the_city(
    demo_db: Engine,
) -> None:
    """A park office's table counts the firms it may read and says so; its rank is among the
    city's parks and the park-count targets are the city's (as the web page labels them)."""
    with session_scope(demo_db, actor="test") as s:
        ranked = parks_service.evaluate(s, SYSTEM)
        first = ranked.parks[0]
        accounts.create_user(
            s, "office", "park_office", "password-123456", parks=[first.name], principal=SYSTEM
        )
    city = runner.invoke(app, ["parks", "evaluate"], env={"COLUMNS": "260"})
    assert city.exit_code == 0, city.output
    assert "企业数范围 firms counted: 全市" in city.output
    own = runner.invoke(app, ["parks", "evaluate", "--as", "office"], env={"COLUMNS": "260"})
    assert own.exit_code == 0, own.output
    assert "企业数范围 firms counted: 本账号可查看的企业" in own.output
    scored = sum(1 for p in ranked.parks if p.rank is not None)
    assert f"排名 rank: 全市{scored}个参评园区中的名次" in own.output
    assert f"全市{ranked.targets[0].label_zh}：" in own.output


def test_evaluate_table_names_levels_in_chinese(demo_db: Engine) -> None:
    """The 级别 column says 国家级/省级 as the web page does (audit D, bug 10), never the codes;
    each park's row carries the word of its level in the JSON twin."""
    out = runner.invoke(app, ["parks", "evaluate", "--year", "2023"], env={"COLUMNS": "260"})
    assert out.exit_code == 0, out.output
    levels = {
        p["short_name"] or p["name"]: p["level"]
        for p in json.loads(
            runner.invoke(app, ["parks", "evaluate", "--year", "2023", "-f", "json"]).output
        )["parks"]
    }
    assert set(levels.values()) == {"national", "provincial"}
    words = {"national": "国家级", "provincial": "省级"}
    rows = [line for line in out.output.splitlines() if any(n in line for n in levels)]
    for name, level in levels.items():
        row = next(line for line in rows if name in line)
        assert words[level] in row, row
    ranking = out.output.split("园区能级进度")[0]
    assert "national" not in ranking and "provincial" not in ranking


def test_evaluate_json_is_the_service_result(demo_db: Engine) -> None:
    out = runner.invoke(app, ["parks", "evaluate", "--format", "json", "--year", "2022"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["provenance"]["year"] == 2022 and data["provenance"]["scheme"] == "default"
    assert data["provenance"]["is_demo"] is True
    assert len(data["parks"]) == PARKS
    assert sorted(p["rank"] for p in data["parks"]) == list(range(1, PARKS + 1))
    # classes partition each park's evaluated enterprises
    for p in data["parks"]:
        assert sum(p["classes"].values()) == p["n_evaluated"]
    assert {t["key"] for t in data["targets"]} == {"t1000", "t3000"}


def test_evaluate_xlsx(demo_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "parks.xlsx"
    out = runner.invoke(app, ["parks", "evaluate", "--format", "xlsx", "--out", str(path)])
    assert out.exit_code == 0, out.output
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "园区排名", "能级进度", "功能定位", "企业"]
    assert wb["园区排名"].max_row == PARKS + 1
    assert wb["说明"]["A1"].value == "示例数据"
    classes = {row[4] for row in wb["企业"].iter_rows(min_row=2, values_only=True)}
    assert classes <= {"A", "B", "C", "D"} and "A" in classes


def test_schemes_and_their_errors(demo_db: Engine, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["parks", "evaluate", "--scheme", "huangyan_2022", "-f", "json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["provenance"]["scheme"] == "huangyan_2022"
    bad = runner.invoke(app, ["parks", "evaluate", "--scheme", "nowhere"])
    assert bad.exit_code == 2 and "linhai_2016" in bad.output
    # 临海's < 3 亩 scheme has no published base values: a clear error, then a benchmarks file
    linhai = runner.invoke(app, ["parks", "evaluate", "--scheme", "linhai_2016"])
    assert linhai.exit_code == 2 and "benchmark" in linhai.output
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        "under_3_mu: {tax_per_mu: 10, sales_per_mu: 200, tax_per_electricity: 0.2}\n",
        encoding="utf-8",
    )
    run = runner.invoke(
        app,
        ["parks", "evaluate", "--scheme", "linhai_2016", "--benchmarks", str(bench), "-f", "json"],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    # the demo has no COD or water figures: every >= 3 亩 firm is reported, not scored
    assert data["not_evaluated"]["missing:value_added_per_cod"] > 0
    assert data["n_evaluated"] > 0  # the < 3 亩 firms
    broken = tmp_path / "broken.yaml"
    broken.write_text("under_3_mu: [1, 2]\n", encoding="utf-8")
    err = runner.invoke(app, ["parks", "evaluate", "--benchmarks", str(broken)])
    assert err.exit_code == 2


def test_a_benchmarks_file_that_is_not_yaml_is_named(demo_db: Engine, tmp_path: Path) -> None:
    # an Excel file given by mistake, and a YAML file cut short: both a sentence naming the
    # file (exit 2), neither a decoding nor a parser traceback
    book = tmp_path / "bench.xlsx"
    book.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x80\x81")
    cut = tmp_path / "cut.yaml"
    cut.write_text("under_3_mu: {tax_per_mu: 10\n", encoding="utf-8")
    for path, words in ((book, "is not UTF-8 text"), (cut, "is not valid YAML")):
        err = runner.invoke(
            app, ["parks", "evaluate", "--benchmarks", str(path)], env={"GAODI_LANGUAGE": "en"}
        )
        assert err.exit_code == 2, err.output
        assert isinstance(err.exception, SystemExit)
        said = " ".join(err.output.split())
        assert f"{path.name} {words}" in said
        assert "Traceback" not in err.output


def test_enterprises_of_a_park(demo_db: Engine) -> None:
    out = runner.invoke(app, ["parks", "enterprises", "1", "--class", "A", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["class_filter"] == "A" and data["rows"]
    assert {r["class"] for r in data["rows"]} == {"A"}
    assert data["total"] == data["counts"]["A"]
    missing = runner.invoke(app, ["parks", "enterprises", "999"])
    assert missing.exit_code == 2
