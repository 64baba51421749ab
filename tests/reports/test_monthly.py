"""The monthly report of the small demo city, opened with python-docx and openpyxl and checked
against the services' own numbers (the board, the chain summary, the act digest, the
submissions), as the web app shows them; in English every label is translated; a chain
office's report holds its own chain only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.chains import service as chains
from gaodi.core import clock
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.periods import parse_period
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.plans import service as plans
from gaodi.plans.schemas import Board, BoardRow
from gaodi.plans.submission import tasks
from gaodi.projects import service as projects
from gaodi.reports.model import Heading, Report, Table
from gaodi.reports.monthly import build_monthly
from gaodi.reports.render import render
from tests.reports.conftest import CJK, docx_tables, docx_text

PERIOD = "2023-06"


def pct(x: float | None) -> str:
    """The board page's percentage: one decimal (x × 100)."""
    return "—" if x is None else f"{x * 100:.1f}%"


def num(x: float | None) -> str:
    """The board page's number: no decimals when whole, else two; thousands separated."""
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


LIGHT = {"green": "绿", "yellow": "黄", "red": "红", "not_due": "未到期", "at_risk": "有风险"}


@pytest.fixture(scope="module")
def built(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("monthly")
    with session_scope(demo_engine) as s:
        board = plans.board(s, SYSTEM, PERIOD)
        summary = chains.chain_summary(s, SYSTEM, year=2022)  # a 2023 month reads 2022
        day = min(dt.date(2023, 6, 30), clock.today())
        act = projects.act_summary(s, SYSTEM, day)
        todo = tasks(s, SYSTEM, as_of=day)  # the period's last day, not today
        today_todo = tasks(s, SYSTEM)
        steps: list[tuple[float, str]] = []
        report = build_monthly(
            s, SYSTEM, PERIOD, progress=lambda f, label: steps.append((f, label))
        )
    docx_path = render(report, "docx", out / "m.docx")
    xlsx_path = render(report, "xlsx", out / "m.xlsx")
    return {
        "board": board, "summary": summary, "act": act, "tasks": todo, "report": report,
        "today_tasks": today_todo, "day": day,
        "docx": docx_path, "xlsx": xlsx_path, "steps": steps,
    }  # fmt: skip


def rows_of(board: Board) -> list[BoardRow]:
    return [r for a in board.actions for r in a.rows]


def test_every_target_row_equals_the_board(built: dict[str, Any]) -> None:
    board: Board = built["board"]
    tables = [t for t in docx_tables(built["docx"]) if t[0][:2] == ["指标", "期间"]]
    assert len(tables) == len(board.actions)  # one table per action
    for action, table in zip(board.actions, tables, strict=True):
        assert table[0] == ["指标", "期间", "目标值", "实际值", "完成率", "序时进度", "状态",
                            "预测值", "达成概率"]  # fmt: skip
        assert len(table) == len(action.rows) + 1
        for r, cells in zip(action.rows, table[1:], strict=True):
            assert cells[0].startswith(r.indicator_name) and r.unit in cells[0]
            assert cells[1] == r.window
            # the board page's figures (BoardRow.figure: 0.3645 against a cap of 0.36)
            assert cells[2] == r.figure("target") and cells[3] == r.figure("actual")
            assert cells[4] == pct(r.completion) and cells[5] == pct(r.time_progress)
            assert cells[6] == LIGHT[r.status]
            assert cells[7] == r.figure("forecast") and cells[8] == pct(r.probability)


def test_the_workbook_holds_the_board_numbers_as_numbers(built: dict[str, Any]) -> None:
    board: Board = built["board"]
    wb = load_workbook(built["xlsx"])
    assert wb.sheetnames[0] == "说明"
    info = " ".join(str(c.value) for r in wb["说明"].iter_rows() for c in r if c.value)
    assert "示例数据" in info and board.provenance.rules_version in info and "2023年6月" in info
    for action in board.actions:
        ws = wb[f"行动{action.number}"]
        assert ws.freeze_panes == "A2"
        assert ws["E1"].value == "完成率" and ws["E2"].number_format == "0.0%"
        for i, r in enumerate(action.rows, start=2):
            assert ws.cell(i, 2).value == r.window
            # openpyxl writes 16 significant digits: equal to the board's float within 1e-15
            for col, value in (
                (3, r.target),
                (4, r.actual),
                (5, r.completion),
                (6, r.time_progress),
                (8, r.forecast),
                (9, r.probability),
            ):
                got = ws.cell(i, col).value
                assert got == value if value is None else got == pytest.approx(value, rel=1e-15)


def test_summary_states_the_board_counts_and_the_riskiest_targets(built: dict[str, Any]) -> None:
    board: Board = built["board"]
    text = docx_text(built["docx"])
    c = board.counts
    assert f"共有量化目标{sum(c.values())}个" in text
    assert f"绿灯（达到序时进度）{c['green']}个" in text
    assert f"黄灯（略低于序时进度）{c['yellow']}个" in text
    assert f"红灯（明显落后于序时进度）{c['red']}个" in text
    # each overdue period once, and the board's own count (a period flags every target of its
    # series) named as such
    periods = {(r.indicator_id, r.owner, p) for r in rows_of(board) for p in r.overdue_periods}
    assert f"逾期未报数据共{len(periods)}期" in text
    assert f"看板按目标计逾期{board.overdue_total}期次" in text
    # the three open targets least likely to be met, by the board's probability
    open_rows = [r for r in rows_of(board) if r.probability is not None and
                 (r.status not in ("green", "not_due") or r.probability < 0.5)]  # fmt: skip
    # a milestone has no ratio: it sorts after the targets of equal probability
    expected = sorted(
        open_rows, key=lambda r: (r.probability, 9.0 if r.ratio is None else r.ratio)
    )[:3]
    assert len(expected) == 3
    for i, r in enumerate(expected, start=1):
        lead = f"{i}. {r.indicator_name}（{r.window}）。"
        assert lead in text
        assert f"达成目标的概率为{pct(r.probability)}" in text
        assert f"预测到期值{r.figure('forecast')}{r.unit}" in text
        assert r.reason_zh and r.reason_zh in text  # the light's reason, as on the board


def test_chains_projects_and_submissions_sections(built: dict[str, Any]) -> None:
    summary = built["summary"]
    act = built["act"]
    text = docx_text(built["docx"])
    tables = docx_tables(built["docx"])
    chain_table = next(t for t in tables if t[0][0] == "产业链" and t[0][1] == "环节数")
    assert len(chain_table) == len(summary.chains) + 1
    for row, cells in zip(summary.chains, chain_table[1:], strict=True):
        assert cells[0] == row.chain.name
        assert cells[2] == f"{row.enterprises:,}"
        assert cells[3] == f"{row.output / 10000:,.2f}"  # 万元 → 亿元, as the chains page
        assert cells[4] == pct(row.completeness) and cells[5] == pct(row.strength)
        assert cells[6:8] == [str(row.n_missing), str(row.n_weak)]
    assert f"缺链环节{summary.total_missing}个" in text
    assert f"重大项目{act.projects_total}个，其中进度滞后于计划{act.projects_behind}个" in text
    assert f"揭榜挂帅榜单在办{act.challenges_open}项" in text
    assert f"企业诉求在办{act.appeals_open}件，其中超过办理时限{act.appeals_overdue}件" in text
    behind = next(t for t in tables if t[0][0] == "项目")
    assert len(behind) - 1 == min(10, act.projects_behind)  # Word lists ten
    sheet = load_workbook(built["xlsx"])["滞后项目"]
    assert sheet.max_row - 1 == act.projects_behind  # Excel lists them all
    owners = [o for o in built["tasks"].owners if o.overdue]
    overdue = next(t for t in tables if t[0][0] == "责任单位")
    assert {r[0]: r[1] for r in overdue[1:]} == {o.owner: str(o.overdue) for o in owners}


def test_the_submissions_section_is_the_periods_not_todays(built: dict[str, Any]) -> None:
    day: dt.date = built["day"]
    then, now = built["tasks"], built["today_tasks"]
    assert then.today == day.isoformat() != now.today
    late = [r for o in then.owners for r in o.rows if r.overdue]
    # overdue on the day means due before it, for a period that had ended by then
    assert late and all(r.due < day.isoformat() for r in late)
    last = parse_period(day.strftime("%Y-%m")).last_month
    assert all(parse_period(r.period).last_month <= last for o in then.owners for r in o.rows)
    text = docx_text(built["docx"])
    total = sum(o.overdue for o in then.owners)
    assert f"截至{day.year}年{day.month}月{day.day}日，各责任单位逾期未报数据共{total}期" in text
    # today's list is a different one (the demo city lives at the end of 2023)
    assert sum(o.overdue for o in now.owners) != total


def test_structure_figures_and_provenance(built: dict[str, Any]) -> None:
    report: Report = built["report"]
    heads = [b for b in report.blocks if isinstance(b, Heading) and b.level == 1]
    assert [h.number for h in heads] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"][
        : len(heads)
    ]
    assert heads[0].text == "总体情况" and heads[1].text == "各行动目标完成情况"
    assert len(report.figures) >= 3  # completion, trends, chain scores
    assert all(f.png.startswith(b"\x89PNG") for f in report.figures)
    doc = docx.Document(str(built["docx"]))
    assert len(doc.inline_shapes) == len(report.figures)
    labels = [label for label, _ in report.provenance]
    for needed in ("数据截至", "红黄绿灯规则", "生成时间", "生成人", "数据集"):
        assert needed in labels
    text = docx_text(built["docx"])
    assert f"红黄绿灯规则：v{built['board'].provenance.rules_version}" in text
    fractions = [f for f, _ in built["steps"]]
    assert fractions == sorted(fractions) and fractions[0] < 0.1 and fractions[-1] >= 0.9


def test_english_report_translates_every_label(demo_engine: Engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as s:
        report = build_monthly(s, SYSTEM, PERIOD, "en")
        names = {c.name for c in chains.list_chains(s, SYSTEM)}
    assert report.subtitle == "Progress report for June 2023"
    for block in report.blocks:
        if isinstance(block, Heading):
            # headings name an action or a section: actions are data (the plan's Chinese text)
            assert not CJK.search(block.text) or block.level == 2, block.text
        if isinstance(block, Table):
            for column in block.columns:
                assert not CJK.search(column.header("en")), column.header("en")
            assert not CJK.search(block.caption.replace(block.caption.split(":")[0], ""))
    for label, _value in report.provenance:
        assert not CJK.search(label), label
    path = render(report, "docx", tmp_path / "en.docx")
    text = docx_text(path)
    assert "1. Overview" in text and "Sources and provenance" in text
    assert not any(n in text for n in ("总体情况", "数据来源"))
    assert names  # chains exist, and their names (data) may appear in Chinese


def test_a_chain_office_sees_its_own_chain(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        first = chains.list_chains(s, SYSTEM)[0]
        office = Principal(username="office", role="chain_office", chain_ids=frozenset({first.id}))
        report = build_monthly(s, office, PERIOD)
    table = next(t for t in report.tables if t.columns[0].label == "产业链" and
                 t.columns[1].label == "环节数")  # fmt: skip
    assert [r[0] for r in table.rows] == [first.name]


def test_bad_period_and_missing_plan(demo_engine: Engine, sqlite_db: Engine) -> None:
    with session_scope(demo_engine) as s, pytest.raises(ValidationError, match="YYYY-MM"):
        build_monthly(s, SYSTEM, "2023-13")
    with session_scope(sqlite_db) as s, pytest.raises(NotFoundError, match="plan"):
        build_monthly(s, SYSTEM, PERIOD, "en")
