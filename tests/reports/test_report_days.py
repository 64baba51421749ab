"""The monthly report judges what the board judges, on the board's day, and says which day;
it refuses months it cannot speak of; the CLI refuses a file name that contradicts the format;
every date of a report is the city's, written for people; a job's card names its chain and
shows its progress in the page's language. On a copy of the small demo city (whose today,
the city clock, is 2024-01-15)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_factory, session_scope
from gaodi.reports import jobs
from gaodi.reports.model import Paragraph
from gaodi.reports.monthly import build_monthly
from tests.reports.conftest import docx_text

runner = CliRunner()
KNOWN_ON = dt.date(2023, 7, 10)


def people(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def board_json(*args: str) -> dict[str, Any]:
    result = run("plan", "status", "--as-of", "2023-06", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def overdue_periods(board: dict[str, Any]) -> set[tuple[Any, ...]]:
    rows = [r for a in board["actions"] for r in a["rows"]]
    return {(r["indicator_id"], r["owner"], p) for r in rows for p in r["overdue_periods"]}


def about(path: Path) -> dict[str, str]:
    """The 说明 sheet's label → value lines."""
    ws = load_workbook(path)["说明"]
    return {str(r[0]): str(r[1]) for r in ws.iter_rows(values_only=True) if r[0] and r[1]}


def test_known_on_report_judges_overdue_as_the_board_does(demo_db: Engine, tmp_path: Path) -> None:
    today = clock.today()
    assert today == dt.date(2024, 1, 15)  # the demo city's clock
    then = board_json("--known-on", KNOWN_ON.isoformat())
    now = board_json()
    assert then["overdue_total"] != now["overdue_total"]  # the day matters in the demo
    out = tmp_path / "a.docx"
    done = run("report", "monthly", "--period", "2023-06", "--known-on", "2023-07-10", "-o",
               str(out))  # fmt: skip
    assert done.exit_code == 0, done.output
    text = docx_text(out)
    flagged = overdue_periods(then)
    targets = sum(1 for a in then["actions"] for r in a["rows"] if r["overdue_periods"])
    assert f"按{people(KNOWN_ON)}判定，逾期未报数据共{len(flagged)}期，涉及{targets}个目标" in text
    assert f"看板按目标计逾期{then['overdue_total']}期次" in text
    # the provenance names the day of knowledge and judges overdue periods on it
    assert f"数据已知日：{people(KNOWN_ON)}（按该日已报送的数据" in text
    assert f"逾期报送判定日：{people(KNOWN_ON)}" in text
    # section 六 counts the same periods, each once, and they are all the board's
    six = re.search(r"各责任单位逾期未报数据共(\d+)期，涉及(\d+)个责任单位([^。]*)。", text)
    assert six is not None and int(six[1]) == len(flagged)
    assert six[3].startswith("，均为本计划看板跟踪的指标")
    # without --known-on the report says today's day of knowledge, in the workbook too
    xlsx = tmp_path / "b.xlsx"
    done = run("report", "monthly", "--period", "2023-06", "-o", str(xlsx))
    assert done.exit_code == 0, done.output
    lines = about(xlsx)
    assert lines["数据已知日"].startswith(f"{people(today)}（今天")
    assert lines["逾期报送判定日"] == people(dt.date(2023, 6, 30))
    # codes in words: no raw status or method codes in the Chinese sheet
    assert "已报送和已审核" in lines["评价所用数据"] and "submitted" not in lines["评价所用数据"]
    assert lines["预测方法"].startswith("线性趋势") and "linear" not in lines["预测方法"]


def test_the_current_reporting_month_is_judged_today_like_the_board(
    demo_db: Engine, tmp_path: Path
) -> None:
    result = run("plan", "status", "--as-of", "2023-12", "--format", "json")
    board = json.loads(result.output)
    out = tmp_path / "d.docx"
    done = run("report", "monthly", "--period", "2023-12", "-o", str(out))
    assert done.exit_code == 0, done.output
    text = docx_text(out)
    today = people(clock.today())  # the board's day for its current month (docs/plans.md §5)
    assert f"按{today}判定，逾期未报数据共{len(overdue_periods(board))}期" in text
    assert f"看板按目标计逾期{board['overdue_total']}期次" in text
    assert f"逾期报送判定日：{today}" in text


def test_section_six_never_says_of_which_more_than_the_total(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        zh = build_monthly(s, SYSTEM, "2023-06")
        en = build_monthly(s, SYSTEM, "2023-06", "en")

    def text(report: Any) -> str:
        return "\n".join(b.text for b in report.blocks if isinstance(b, Paragraph))

    # section 六's sentence: every "of which" is at most its total, in both languages
    six = next(line for line in text(zh).splitlines() if "各责任单位逾期未报数据共" in line)
    total = int(re.search(r"各责任单位逾期未报数据共(\d+)期", six)[1])  # type: ignore[index]
    assert all(int(n) <= total for n in re.findall(r"其中\D*?(\d+)期", six)), six
    eng = next(line for line in text(en).splitlines() if "overdue across" in line)
    assert int(re.search(r"(\d+) reporting periods? (?:is|are) overdue", eng)[1]) == total  # type: ignore[index]
    assert all(int(n) <= total for n in re.findall(r"(\d+) of them", eng)), eng
    lines = dict(en.provenance)
    assert "submitted and approved" in lines["Values used"]
    assert lines["Forecast"].startswith("linear trend")


@pytest.mark.parametrize(
    ("period", "words"),
    [("2030-01", "晚于今天"), ("2019-01", "2021-01 至 2023-12"), ("2024-01", "不在《")],
)
def test_months_after_today_or_outside_the_plan_are_refused(
    demo_db: Engine, tmp_path: Path, period: str, words: str
) -> None:
    out = tmp_path / "m.docx"
    result = run("report", "monthly", "--period", period, "-o", str(out))
    assert result.exit_code == 2 and words in result.output and period in result.output
    assert "Error" in result.output  # both languages
    assert not out.exists()


def test_the_form_refuses_those_months_next_to_the_field(demo_db: Engine, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gaodi.accounts import service as accounts
    from gaodi.config import Settings
    from gaodi.web.app import create_app
    from tests.web.helpers import login, post_form

    with session_scope(demo_db, actor="test") as s:
        accounts.create_user(s, "ana", "analyst", "password-123456", principal=SYSTEM)
    site = create_app(demo_db, Settings(data_dir=tmp_path, secret_key="days-test-secret-0123"))
    client = TestClient(site, base_url="http://testserver")
    csrf = login(client, "ana", "password-123456")
    for period, words in (("2030-01", "晚于今天"), ("2019-01", "2021-01 至 2023-12")):
        page = post_form(client, "/reports", {"kind": "monthly", "format": "docx",
                                              "lang": "zh", "period": period}, csrf)  # fmt: skip
        assert page.status_code == 422 and words in page.text
        assert 'data-testid="error-period"' in page.text
    assert client.get("/api/v1/reports").json()["jobs"] == []  # nothing queued
    # an English chain report from the Chinese page: the card polled at once names the
    # chain, not its id
    chain = client.get("/api/v1/reports").json()["chains"][0]
    started = post_form(client, "/reports", {"kind": "chain", "format": "xlsx", "lang": "en",
                                             "chain_id": chain["value"]}, csrf)  # fmt: skip
    assert started.status_code == 303
    job_id = started.headers["location"].split("job=")[1]
    card = client.get(f"/reports/jobs/{job_id}").text
    assert f"产业链报告 · {chain['label']}</h2>" in card
    assert f"· {chain['value']}</h2>" not in card
    while client.get(f"/api/v1/reports/jobs/{job_id}").json()["status"] in (
        "queued",
        "running",
    ):
        time.sleep(0.3)


def test_format_and_file_name_must_agree(demo_db: Engine, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    pdf_as_docx = run("report", "monthly", "--period", "2023-06", "--format", "pdf", "-o",
                      str(tmp_path / "x.docx"))  # fmt: skip
    assert pdf_as_docx.exit_code == 2 and "--format docx" in pdf_as_docx.output
    text = run("report", "chain", "CM", "-o", str(tmp_path / "x.txt"))
    assert text.exit_code == 2 and ".docx" in text.output and "x.txt" in text.output
    assert not list(tmp_path.iterdir())
    # without --format the suffix says it
    inferred = run("report", "chain", "CM", "-o", str(tmp_path / "c.xlsx"))
    assert inferred.exit_code == 0, inferred.output
    assert load_workbook(tmp_path / "c.xlsx").sheetnames[0] == "说明"


def test_chain_report_has_one_clock_and_an_as_of_day(demo_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "c.docx"
    result = run("report", "chain", "CM", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = docx_text(out)
    today = people(clock.today())
    assert f"截至{today}（企业数据年份：" in text  # the title page's as-of day
    assert f"诊断截至：{today}" in text
    generated = re.search(
        r"生成时间：(\d{4})年(\d{1,2})月(\d{1,2})日 \d{2}:\d{2}（北京时间）", text
    )
    assert generated is not None
    assert dt.date(*map(int, generated.groups())) == clock.today()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)  # no raw ISO stamps


def test_a_job_card_names_its_chain_and_speaks_the_pages_language(
    demo_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaodi.chains import service as chains

    with session_scope(demo_db) as s:
        chain = next(c for c in chains.list_chains(s, SYSTEM) if c.code == "CM")
    store = jobs.JobStore(tmp_path)
    seen: list[tuple[str, str]] = []
    save = store.save

    def record(job: jobs.Job) -> None:
        seen.append((job.stage_zh, job.stage_en))
        save(job)

    monkeypatch.setattr(store, "save", record)
    job = jobs.new_job("ana", "chain", "xlsx", "en", subject=str(chain.id),
                       subject_name=chain.name)  # fmt: skip
    jobs.run(job, store, session_factory(demo_db), SYSTEM)
    assert job.status == "done", (job.error_en, seen)
    # an English report's steps in both languages: a Chinese page shows them in Chinese
    assert ("诊断产业链", "Diagnosing the chain") in seen
    assert ("生成 Excel", "writing Excel") in seen


@pytest.mark.office
@pytest.mark.slow
def test_the_english_pdf_states_the_day_and_consistent_counts(
    demo_db: Engine, tmp_path: Path
) -> None:
    import subprocess

    from tests.reports.conftest import require_tools

    require_tools("soffice", "pdftotext")
    out = tmp_path / "en.pdf"
    result = run("report", "monthly", "--period", "2023-06", "--known-on", "2023-07-10",
                 "--lang", "en", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # fmt: skip
    flagged = overdue_periods(board_json("--known-on", KNOWN_ON.isoformat()))
    six = re.search(r"(\d+) reporting periods? (?:is|are) overdue across [^.]*\.", text)
    assert six is not None and int(six[1]) == len(flagged)
    assert all(int(n) <= int(six[1]) for n in re.findall(r"(\d+) of them", six[0]))
    assert "Known on: 10 July 2023" in text and "Overdue submissions as of: 10 July 2023" in text


def test_targets_whose_period_has_not_begun_are_worded_as_such(demo_engine: Engine) -> None:
    # a report for 2022-06 finds the 2023 targets not yet begun (the board's 未到期, reason
    # not_started); section 一 called every 未到期 "一次达成、尚未到期" (a milestone's words)
    from gaodi.plans.board import board as plan_board

    with session_scope(demo_engine) as s:
        report = build_monthly(s, SYSTEM, "2022-06")
        rows = [r for a in plan_board(s, SYSTEM, "2022-06").actions for r in a.rows]
    later = sum(r.reason == "not_started" for r in rows)
    milestones = sum(r.status == "not_due" for r in rows) - later
    assert later > 0
    text = "\n".join(b.text for b in report.blocks if isinstance(b, Paragraph))
    assert f"未到期（目标期尚未开始）{later}个" in text
    assert ("一次达成、尚未到期" in text) == (milestones > 0)
