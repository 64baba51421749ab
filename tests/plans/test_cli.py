"""``gaodi plan`` commands through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_status_json_and_xlsx(demo_db: Engine, tmp_path: Path) -> None:
    data = json.loads(run("status", "--as-of", "2023-06", "--format", "json", "--no-forecast"))
    assert data["as_of"] == "2023-06"
    assert sum(len(a["rows"]) for a in data["actions"]) == 31
    out = tmp_path / "board.xlsx"
    run("status", "--as-of", "2023-06", "--format", "xlsx", "--out", str(out))
    ws = load_workbook(out)["看板 board"]
    assert ws.max_row == 32  # header + 31 targets
    lights = {ws.cell(row=r, column=16).value for r in range(2, 33)}
    assert lights <= {"绿", "黄", "红", "未到期", "有风险"}
    assert ws.cell(row=1, column=22).value.startswith("状态说明")
    assert all(ws.cell(row=r, column=22).value for r in range(2, 33))
    table = run("status", "--as-of", "2023-06", "--status", "red", "--no-forecast")
    assert "工业投资" in table and "● 红" in table and "● 绿" not in table


def test_status_json_explains_every_light(demo_db: Engine) -> None:
    # issue [9]: every row of the demo board carries its reason in words, with the numbers
    data = json.loads(run("status", "--as-of", "2023-06", "--format", "json"))
    rows = [r for a in data["actions"] for r in a["rows"]]
    assert len(rows) == 31
    for r in rows:
        assert r["reason"] and r["reason_zh"] and r["reason_en"], r
        assert r["reason_params"] or r["status"] in ("no_data", "invalid"), r
    # 一个 3000 亿级园区 (0 -> 1 over 2021–2023): a milestone, green only once it is there;
    # while 0 of 1 with 30 of 36 months gone, at risk
    park = next(r for r in rows if r["indicator_name"] == "3000亿级园区数量")
    assert park["basis"] == "milestone" and park["ratio"] is None
    if park["actual"] >= 1:
        assert (park["status"], park["reason"]) == ("green", "milestone_achieved")
    else:
        assert park["status"] == "at_risk" and park["reason"].startswith("milestone_at_risk")
        assert "有风险" in park["reason_zh"] and "at risk" in park["reason_en"]
        assert "剩余 6 个月" in park["reason_zh"]
    # a schedule row states completion, 序时进度 and the ratio it was judged by
    invest = next(r for r in rows if r["indicator_name"] == "工业投资" and r["year"] == 2023)
    assert invest["status"] == "red" and invest["reason"] == "schedule"
    assert "序时进度 50.0%" in invest["reason_zh"] and "低于黄灯线 0.90" in invest["reason_zh"]


def test_status_errors(demo_db: Engine) -> None:
    result = runner.invoke(app, ["plan", "status", "--status", "purple"])
    assert result.exit_code == 2 and "purple" in result.output
    result = runner.invoke(app, ["plan", "status", "--format", "xlsx"])
    assert result.exit_code == 2 and "--out" in result.output


def test_load_review_adopt_observe(sqlite_db: Engine, tmp_path: Path) -> None:
    text = tmp_path / "plan.txt"
    text.write_text(
        "某市行动计划(2021—2023年)\n1 实施园区提效行动\n到2023年,打造5个千亿级园区。\n",
        encoding="utf-8",
    )
    out = run("load", str(text))
    assert "plan #1" in out and "hundred_bn_level_parks_count" in out
    run("target", "1", "--baseline", "2", "--baseline-year", "2020")
    run("indicator", "hundred_bn_level_parks_count", "--owner", "市工信局园区处")
    shown = json.loads(run("show", "1", "--json"))
    assert shown["targets"][0]["baseline"] == 2
    assert shown["targets"][0]["indicator"]["owner"] == "市工信局园区处"
    run("adopt", "1")
    assert "adopted" in run("list")
    run("observe", "hundred_bn_level_parks_count", "2022", "3")
    # the same figure sent again (a script run twice): nothing written, said, not a failure
    again = run("observe", "hundred_bn_level_parks_count", "2022", "3")
    assert "unchanged" in again and "revision 2" not in again
    flagged = runner.invoke(app, ["plan", "observe", "hundred_bn_level_parks_count", "2023", "2.5"])
    assert flagged.exit_code == 2 and "whole" in flagged.output
    board = json.loads(run("status", "--as-of", "2022-12", "--format", "json"))
    row = board["actions"][0]["rows"][0]
    # count 2 -> 5 over 2021–2023, as of 2022-12: τ = 24/36, E = floor(2/3·3)/3 = 2/3,
    # c = (3 − 2)/3 = 1/3, r = 0.5 -> red
    assert row["status"] == "red" and abs(row["ratio"] - 0.5) < 1e-9
    assert "key" in run("tasks")
    run("approve", "1:city:0:2022")
    locked = runner.invoke(app, ["plan", "observe", "hundred_bn_level_parks_count", "2022", "4"])
    assert locked.exit_code == 2 and "locked" in locked.output
    run("unlock", "1:city:0:2022", "--reason", "园区认定结果更正")
    run("observe", "hundred_bn_level_parks_count", "2022", "4")
    run("return", "1:city:0:2022", "--comment", "请附认定文件")
    # returned: owed again, so 2022 shows 0 of 1 figures in
    assert "0/1" in run("completeness", "--year", "2022")


def test_rules(sqlite_db: Engine) -> None:
    bad = runner.invoke(app, ["plan", "rule", "add", "x", "a <="])
    assert bad.exit_code == 2 and "incomplete" in bad.output


def test_status_known_on(demo_db: Engine) -> None:
    """``--known-on`` rebuilds the board a report signed that day showed: the demo's June 2023
    values arrive in July, so on 2023-06-30 the June board knows fewer of them than today."""
    today = json.loads(run("status", "--as-of", "2023-06", "--format", "json", "--no-forecast"))
    then = json.loads(
        run(
            "status",
            "--as-of",
            "2023-06",
            "--known-on",
            "2023-06-30",
            "--format",
            "json",
            "--no-forecast",
        )
    )
    assert then["provenance"]["known_on"] == "2023-06-30"
    assert then["known_on"] == "2023-06-30" and today["known_on"] is None
    assert then["provenance"]["n_observations"] < today["provenance"]["n_observations"]
    assert then["provenance"]["data_as_of"] <= "2023-06-30T23:59"
    bad = runner.invoke(app, ["plan", "status", "--known-on", "2023-02-30"])
    assert bad.exit_code == 2 and "--known-on" in bad.output and "2023-02-30" in bad.output


def test_extract_sets_aside_what_the_model_doubts_unless_rules_only(tmp_path: Path) -> None:
    # a plan with a paragraph of last year's results, which the rules take (tests/text/test_learned.py)
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "某市制造业提质行动计划(2024—2026年)\n1 实施园区提效行动\n"
        "到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。\n"
        "据市经信委介绍,去年,重庆工业经济实现较好发展。规模工业增加值增长6.2%,较上年提高5.7个"
        "百分点;工业投资增长8.8%,高于全国平均4.5个百分点;战略性新兴制造业增加值增长11.6%。\n",
        encoding="utf-8",
    )
    judged = json.loads(run("extract", str(plan)))
    rules = json.loads(run("extract", str(plan), "--rules-only"))
    aside = {s["target"]["quote"] for s in judged["set_aside"]}
    assert aside == {"工业投资增长8.8%", "战略性新兴制造业增加值增长11.6%"}
    assert all(s["reason"] and s["reason_en"] for s in judged["set_aside"])
    assert rules["set_aside"] == [] and aside <= {t["quote"] for t in rules["targets"]}
    assert len(rules["targets"]) == len(judged["targets"]) + 2
    out = tmp_path / "plan.json"
    assert "2 set aside" in run("extract", str(plan), "--out", str(out))


def test_extract_lists_the_suggestions_unless_rules_only(tmp_path: Path) -> None:
    # a floor the rules pass over and the model suggests (tests/text/test_learned.py)
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "某市制造业提质行动计划(2024—2026年)\n1 实施园区提效行动\n"
        "到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。\n2 实施集群培育行动\n"
        "到2026年,每个集群至少建成一个共性技术公共服务平台。\n",
        encoding="utf-8",
    )
    judged = json.loads(run("extract", str(plan)))
    (suggested,) = judged["suggested"]
    assert suggested["target"]["quote"] == "每个集群至少建成一个共性技术公共服务平台"
    assert (suggested["target"]["value"], suggested["target"]["comparator"]) == (1, ">=")
    assert suggested["reason"].startswith("规则未将其读作目标")
    assert json.loads(run("extract", str(plan), "--rules-only"))["suggested"] == []
    out = tmp_path / "plan.json"
    assert "0 set aside, 1 suggested" in run("extract", str(plan), "--out", str(out))
