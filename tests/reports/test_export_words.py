"""The Excel downloads say what their pages say (audit E #1, #8, and the board's set-aside
values): codes the page shows in words are words in the file, in the file's language; figures
are numbers and dates are dates, so a spreadsheet can sum and sort them. Checked on a copy of
the small demo city by opening each downloaded workbook back."""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.reports.workbooks import book_of, column, demo_site, sheet_rows
from tests.web.helpers import login

PASSWORD = "password-123456"
AS_OF = "2023-06"
#: Codes that never belong in a cell a person reads.
CODES = re.compile(
    r"\b(high_tech|leader|srdi|little_giant|champion|innovative_sme|above_scale|srdi_sme|"
    r"full_output|benefit|cost|expected|submitted|city:0)\b|[（(]ratio[）)]"
)


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    def ana(s: Session) -> None:
        accounts.create_user(s, "ana", "admin", PASSWORD, principal=SYSTEM)

    with demo_site(demo_template, tmp_path_factory, "export-words", ana) as site:
        yield site


def _client(site: Any, lang: str) -> TestClient:
    client = TestClient(site[1], base_url="http://testserver")
    client.cookies.set("gaodi_lang", lang)
    login(client, "ana", PASSWORD)
    return client


def _raw_tags(cells: list[Any]) -> list[str]:
    """The tag codes among the cells' listed tags ("leader、high_tech")."""
    codes = {"leader", "srdi", "little_giant", "champion", "high_tech", "innovative_sme"}
    return [p for c in cells if c for p in re.split(r"、|, ", str(c)) if p in codes]


def _texts(book: Any) -> list[str]:
    return [
        str(v)
        for ws in book.worksheets[1:]
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enterprise_tags_are_the_words_of_the_enterprise_list(site: Any, lang: str) -> None:
    client = _client(site, lang)
    page = client.get("/enterprises?tag=srdi&per_page=200").text
    words = {
        tag: html.unescape(text)
        for tag, text in re.findall(r'data-tag="([a-z_]+)">([^<]+)</span>', page)
    }
    assert "srdi" in words and words["srdi"] != "srdi"
    book = book_of(client.get("/export/xlsx/enterprises?tag=srdi"))
    tags = [t for t in column(book.worksheets[1], "标签" if lang == "zh" else "Tags") if t]
    assert tags and all(words["srdi"] in t for t in tags)
    assert not _raw_tags(tags)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranking_export_has_no_codes_and_ratios_are_percentages(site: Any, lang: str) -> None:
    client = _client(site, lang)
    book = book_of(client.get("/export/xlsx/enterprises/rank"))
    ranking, weights = book.worksheets[1], book.worksheets[2]
    header = sheet_rows(ranking)[0]
    assert not any(CODES.search(str(h)) for h in header), header
    tags = column(ranking, "标签" if lang == "zh" else "Tags")
    units = column(weights, "单位" if lang == "zh" else "Unit")
    assert not _raw_tags(tags) and "ratio" not in units
    # a ratio criterion (R&D intensity) is a percentage, as the rank page shows it ("1.4%")
    r_and_d = next(i for i, h in enumerate(header) if "研发" in h or "R&D" in h)
    assert ranking.cell(row=2, column=r_and_d + 1).number_format == "0.0%"
    directions = set(column(weights, "方向" if lang == "zh" else "Direction"))
    assert directions <= {"越高越好", "越低越好", "higher is better", "lower is better"}


def test_submissions_export_names_scope_and_status_and_dates_its_deadlines(site: Any) -> None:
    client = _client(site, "zh")
    page = client.get("/plans/submissions").text
    book = book_of(client.get("/export/xlsx/plans/submissions"))
    to_report, to_review = book.worksheets[1], book.worksheets[2]
    assert set(column(to_report, "范围")) == {"全市"}
    for sheet in (to_report, to_review):
        for status in set(column(sheet, "状态")):
            assert f"<td>{status}</td>" in page  # the page's own word for it
        due = column(sheet, "截止日")
        assert due and all(isinstance(d, dt.datetime) for d in due)
    assert "待报送" in column(to_report, "状态") and "已报送待审核" in column(to_review, "状态")
    assert to_report.cell(row=2, column=7).number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("lang, total", [("zh", "合计"), ("en", "Total")])
def test_appeal_statistics_total_row_is_named_as_on_the_page(
    site: Any, lang: str, total: str
) -> None:
    client = _client(site, lang)
    book = book_of(client.get("/export/xlsx/appeals/stats"))
    assert book.worksheets[3]["A2"].value == total
    assert f"<td>{total}</td>" in client.get("/appeals/stats").text


def test_english_plan_exports_say_units_as_the_english_board_does(site: Any) -> None:
    client = _client(site, "en")
    page = client.get(f"/plans?as_of={AS_OF}").text
    board = book_of(client.get(f"/export/xlsx/plans?as_of={AS_OF}")).worksheets[1]
    units = {u for u in column(board, "Unit") if u}
    assert "100m yuan" in units and not any(re.search(r"[\u4e00-\u9fff]", u) for u in units)
    assert all(f"· {u}</div>" in page for u in units)  # the board page's own words
    tasks = book_of(client.get("/export/xlsx/plans/submissions")).worksheets[1]
    assert "100m yuan" in set(column(tasks, "Unit"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tier_and_stage_exports_name_them(site: Any, lang: str) -> None:
    client = _client(site, lang)
    tiers = book_of(client.get("/export/xlsx/enterprises/eligibility?level=srdi_sme"))
    assert not any(CODES.search(t) for t in _texts(tiers))
    level = column(tiers.worksheets[1], "层级" if lang == "zh" else "Level")
    assert level == (["专精特新中小企业"] if lang == "zh" else [level[0]]) and "_" not in level[0]
    # the page's 不适用 count (large firms outside the SME tier) is in the workbook too
    shown = client.get("/api/v1/enterprises/eligibility?level=srdi_sme").json()["report"]["levels"]
    header = "不适用" if lang == "zh" else "Not applicable"
    assert column(tiers.worksheets[1], header) == [lv["not_applicable"] for lv in shown]
    projects = book_of(client.get("/export/xlsx/projects"))
    stages = set(column(projects.worksheets[1], "阶段" if lang == "zh" else "Stage"))
    assert not any(CODES.search(s) for s in stages)
    if lang == "en":
        assert "at full output" in stages


def test_board_export_names_the_values_it_leaves_out(site: Any) -> None:
    from gaodi.plans.models import Observation
    from gaodi.plans.service import BOARDS
    from tests.plans.test_set_aside_values import a_value_the_board_uses

    engine: Engine = site[0]
    with session_scope(engine, actor="test") as s:
        obs = a_value_the_board_uses(s, AS_OF)
        oid, old = obs.id, obs.value
        s.execute(update(Observation).where(Observation.id == oid).values(value=math.inf))
    # written past the services (as another tool would): the data version does not move, so the
    # boards computed before are dropped by hand
    BOARDS.clear()
    try:
        for lang, word in (("zh", "为 inf"), ("en", "not a finite number")):
            client = _client(site, lang)
            about = sheet_rows(
                book_of(client.get(f"/export/xlsx/plans?as_of={AS_OF}")).worksheets[0]
            )
            named = [r for r in about if r[1] and word in str(r[1])]
            assert len(named) == 1, about
            assert named[0][0] == ("未计入的无效值" if lang == "zh" else "Value left out")
            assert f"{oid}" in str(named[0][1])
    finally:
        with session_scope(engine, actor="test") as s:
            s.execute(update(Observation).where(Observation.id == oid).values(value=old))
        BOARDS.clear()


def test_board_table_export_has_numbers_where_the_page_has_figures(site: Any) -> None:
    client = _client(site, "en")
    book = book_of(
        client.get(f"/export/table/plans?as_of={AS_OF}&xlsx_table=0&xlsx_testid=board-table")
    )
    rows = sheet_rows(book.worksheets[1])
    actual = [r[rows[0].index("Actual")] for r in rows[1:] if r[1]]  # action rows aside
    figures = [a for a in actual if a not in (None, "—")]
    assert figures and all(isinstance(a, (int, float)) for a in figures), figures
    window = [r[rows[0].index("Window")] for r in rows[1:] if r[1]]
    assert all(isinstance(w, str) for w in window)  # "2021" is a period, not a figure


def test_peer_table_export_holds_every_figure_as_a_number(site: Any) -> None:
    client = _client(site, "zh")
    response = client.get("/export/table/regions/peers?xlsx_table=0&xlsx_testid=peer-table")
    # the demo city has a peer table (the plan's benchmark cities): a 404 here is a failure,
    # not a reason to skip
    assert response.status_code == 200, response.text[:300]
    sheet = book_of(response).worksheets[1]
    as_text = [
        c.value
        for row in sheet.iter_rows(min_row=2)
        for c in row[1:]
        if isinstance(c.value, str) and re.fullmatch(r"-?[\d,]+(\.\d+)?%?", c.value)
    ]
    assert as_text == []
    numbers = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, float)]
    assert numbers
    shares = [c for c in numbers if c.number_format.endswith("%")]
    assert shares and all(abs(c.value) < 1 for c in shares)  # 9.0% is 0.09, shown 9.0%


def test_reader_types_each_figure_of_a_mixed_column_and_keeps_codes_text() -> None:
    from gaodi.reports.table_html import tables, typed_columns

    (table,) = tables(
        '<table class="table"><thead><tr><th>指标</th><th>长沙</th><th>代码</th><th>截止日</th>'
        "</tr></thead><tbody>"
        "<tr><td>总量</td><td>14,871.8</td><td>1393</td><td>2023-08-05</td></tr>"
        "<tr><td>增速</td><td>9.0%</td><td>0512</td><td>—</td></tr>"
        "<tr><td>实际</td><td>338 (2022-11)</td><td>3834</td><td>2023-09-05</td></tr>"
        "<tr><td>排名</td><td>6 / 12</td><td>2913</td><td>2023-10-05</td></tr>"
        "</tbody></table>"
    )
    _, city, code, due = typed_columns(table)
    assert city.values == [14871.8, 0.09, 338, "6 / 12"]
    assert city.formats == ["#,##0.0", "0.0%", '0" (2022-11)"', None]
    assert code.fmt == "text" and code.values == ["1393", "0512", "3834", "2913"]
    assert due.fmt == "date" and due.values[0] == dt.date(2023, 8, 5) and due.values[1] is None


def test_formatting_figures_keeps_text_cells_inert() -> None:
    """The per-figure formats (``Sheet.cell_formats``) keep a text cell that looks like a
    formula a text cell."""
    from gaodi.reports.model import Column
    from gaodi.reports.xlsx import Sheet, write_table_workbook

    rows = [['=HYPERLINK("http://x","y")', 5], ["@SUM(A1)", "—"]]
    sheet = Sheet("t", [Column("a"), Column("b")], rows, cell_formats={(0, 1): "0.0"})
    data = write_table_workbook([sheet], [], title="t", is_demo=False)
    assert data is not None
    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    assert sheet["A2"].data_type == "s" and sheet["A3"].data_type == "s"
    assert sheet["B2"].value == 5 and sheet["B2"].number_format == "0.0"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tier_shortfalls_are_written_as_the_page_writes_them(site: Any, lang: str) -> None:
    # the workbook wrote a shortfall with Python's %g ("short by 1.2345e+04 10k yuan") where the
    # eligibility page writes "12,345" and, in English, million yuan
    client = _client(site, lang)
    texts = _texts(book_of(client.get("/export/xlsx/enterprises/eligibility?level=srdi_sme")))
    shortfalls = [t for t in texts if ("（差" if lang == "zh" else "short by") in t]
    assert shortfalls
    assert not any(re.search(r"\de[+-]?\d", t) for t in shortfalls), shortfalls
    if lang == "en":
        assert not any(re.search(r"[\u4e00-\u9fff]|10k yuan", t) for t in shortfalls), shortfalls
        assert any("million yuan" in t for t in shortfalls), shortfalls
