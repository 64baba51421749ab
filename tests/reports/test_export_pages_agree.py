"""The Excel downloads of audit six, opened back and held against their pages and JSON twins
for the same user and day (small demo city; its clock says 2024-01-15):

* the 企业 export is the whole list the page pages through (same rows, same order) from a few
  statements whatever its length, states the year, membership day, filters and count, and says
  in words when it is cut at the export's limit; the workbook writer no longer scans every cell
  for every row (R12, R13);
* the English monthly report names appeal categories and digital levels in English (R8);
* the board export says the day its values were known and its filters and forecast in words
  (R11);
* the leader-ranking export: counts as whole numbers, the score with the page's three decimals,
  D+/D−, the method, a Chinese source note in the Chinese file (R18);
* the appeal statistics export uses the page's measures, with 交办逾期 and the satisfaction
  distribution and the page's definition of the overdue share (R21);
* the smart registry downloads follow the interface's language and carry a 说明 (R15).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import event
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.db import session_scope
from tests.reports.workbooks import book_of, column, demo_client, demo_site, sheet_rows

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with demo_site(
        demo_template, tmp_path_factory, "export-pages-agree", accounts.demo_accounts
    ) as site:
        yield site


def _about(book: Any) -> dict[str, Any]:
    return {r[0]: r[1] for r in sheet_rows(book.worksheets[0]) if r and r[0] is not None}


# ---------------------------------------------------------------------------- R12, R13
def _listed(client: TestClient, query: str) -> tuple[list[str], int]:
    """Every USCC of the JSON twin's pages (50 a page), in order, and its total."""
    out: list[str] = []
    number = 1
    while True:
        page = client.get(f"/api/v1/enterprises?{query}&per_page=50&page={number}").json()
        out += [r["uscc"] for r in page["result"]["rows"]]
        if number >= page["result"]["pages"]:
            return out, page["result"]["total"]
        number += 1


def test_enterprise_export_is_the_whole_list_in_its_order_with_its_year_and_filters(
    site: Any,
) -> None:
    client = demo_client(site, "demo-chain")
    chain = client.get("/api/v1/enterprises?per_page=1").json()["chains"][0]
    query = f"chain={chain['value']}&sort=-revenue"
    listed, total = _listed(client, query)
    assert total > 100, "more than two pages of the list"
    book = book_of(client.get(f"/export/xlsx/enterprises?{query}"))
    sheet = book.worksheets[1]
    assert column(sheet, "统一社会信用代码") == listed
    years = set(column(sheet, "年份"))
    assert len(years) == 1
    (year,) = years
    about = _about(book)
    assert about["数据年份"] == f"{year}年（营业收入、产值为该年数据）"
    assert about["产业链归属"] == "按2024年1月15日（今天）的归属"
    assert about["筛选"] == f"产业链：{chain['label']}"
    assert about["排序"] == "按营业收入降序"
    assert about["企业数"] == f"{total:,}家"
    assert "导出上限" not in about
    english = _about(book_of(demo_client(site, "demo-chain", "en").get("/export/xlsx/enterprises")))
    assert english["Figures of"] == f"{year} (revenue and output of that year)"
    assert english["Filters"] == "none (every enterprise you may see)"
    assert english["Chain membership"] == "as of 15 January 2024 (today)"


def _statements(engine: Engine, client: TestClient, url: str) -> tuple[list[str], Any]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        book = book_of(client.get(url))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements, book


def test_enterprise_export_reads_the_list_once_not_a_page_at_a_time(site: Any) -> None:
    """The admin's whole list (every firm of the city) takes as many statements as a list of
    one page: before, the export counted and read the list again for every 200 firms (150
    times for 30,000, each slower than the last)."""
    engine: Engine = site[0]
    client = demo_client(site, "demo-admin")
    total = client.get("/api/v1/enterprises?per_page=1").json()["result"]["total"]
    assert total > 5 * 200, total
    whole, book = _statements(engine, client, "/export/xlsx/enterprises")
    assert book.worksheets[1].max_row == total + 1
    one_page, small = _statements(engine, client, "/export/xlsx/enterprises?tag=leader")
    assert 1 < small.worksheets[1].max_row <= 201
    counts = [s for s in whole if s.lstrip().lower().startswith("select count(")]
    assert len(counts) == 1, counts  # the page's own count, not one per 200 rows
    assert len(whole) <= len(one_page) + 2, (len(whole), len(one_page))


def test_enterprise_export_says_in_words_where_it_stops(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaodi.reports import export_tables

    monkeypatch.setattr(export_tables, "MAX_ROWS", 40)
    client = demo_client(site, "demo-admin")
    listed = client.get("/api/v1/enterprises?per_page=40").json()["result"]
    book = book_of(client.get("/export/xlsx/enterprises"))
    assert column(book.worksheets[1], "统一社会信用代码") == [r["uscc"] for r in listed["rows"]]
    total = listed["total"]
    assert _about(book)["导出上限"] == (
        f"共{total:,}家，超过一次导出的上限40家：本文件只有按上述排序的前40家。"
        "请加筛选条件（产业链、园区、标签）分批导出。"
    )


def test_workbook_writer_does_not_scan_the_sheet_for_every_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``ws.max_row`` walks every cell written so far; read once a row, it made a sheet of n
    rows cost n² (30,000 firms: many minutes)."""
    from openpyxl.worksheet.worksheet import Worksheet

    from gaodi.reports.model import Column
    from gaodi.reports.xlsx import Sheet, write_table_workbook

    reads = 0
    original = Worksheet.max_row

    def counted(self: Worksheet) -> int:
        nonlocal reads
        reads += 1
        return original.fget(self)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(Worksheet, "max_row", property(counted))
    rows = [[f"r{i}", i, i / 3] for i in range(300)]
    columns = [Column("名称"), Column("数", fmt="int"), Column("值", fmt="number")]
    data = write_table_workbook([Sheet("表", columns, rows)], [], title="t", is_demo=False)
    assert reads < 10, reads
    monkeypatch.undo()
    sheet = load_workbook(io.BytesIO(data or b""))["表"]
    assert sheet.cell(301, 1).value == "r299" and sheet.cell(301, 2).number_format == "#,##0"
    assert sheet.cell(2, 3).number_format == "#,##0.00"


# ---------------------------------------------------------------------------- R8
def test_english_monthly_report_names_categories_and_levels_in_english(site: Any) -> None:
    from gaodi.core.permissions import Principal
    from gaodi.projects.appeal_queries import appeal_rules
    from gaodi.reports.monthly import build_monthly

    engine: Engine = site[0]
    english = {c: appeal_rules().category_en(c) for c in ("能源", "用地", "融资")}
    assert english == {"能源": "energy", "用地": "land", "融资": "financing"}  # the rules file
    tables = {}
    with session_scope(engine) as s:
        from sqlalchemy import select

        from gaodi.accounts.models import User

        admin = Principal.from_user(s.scalar(select(User).where(User.username == "demo-admin")))
        for lang in ("zh", "en"):
            report = build_monthly(s, admin, "2023-06", lang)
            tables[lang] = {t.sheet: t for t in report.tables}
    zh_late, en_late = tables["zh"]["超时诉求"], tables["en"]["Appeals overdue"]
    assert zh_late.rows and len(zh_late.rows) == len(en_late.rows)
    for zh_row, en_row in zip(zh_late.rows, en_late.rows, strict=True):
        assert en_row[2] == appeal_rules().category_en(zh_row[2]), (zh_row, en_row)
        assert not CJK.search(en_row[2])
    zh_levels = [r[0] for r in tables["zh"]["数字化水平"].rows]
    en_levels = [r[0] for r in tables["en"]["Digital levels"].rows]
    assert zh_levels[:3] == ["未达一级", "一级", "二级"]
    assert en_levels == ["Below level 1", *(f"Level {n}" for n in range(1, len(zh_levels)))]
    counts = [r[1] for r in tables["en"]["Digital levels"].rows]
    assert counts == [r[1] for r in tables["zh"]["数字化水平"].rows]


def test_english_monthly_sentence_on_levels_is_english(site: Any) -> None:
    from gaodi.core.permissions import SYSTEM
    from gaodi.reports.lang import Lang
    from gaodi.reports.model import Paragraph
    from gaodi.reports.sections_more import smart_blocks

    engine: Engine = site[0]
    import datetime as dt

    with session_scope(engine) as s:
        blocks = smart_blocks(s, SYSTEM, dt.date(2023, 6, 30), Lang("en"))
    text = next(b.text for b in blocks if isinstance(b, Paragraph))
    assert "reach Level 2 or above." in text and not CJK.search(text), text


# ---------------------------------------------------------------------------- R11
def test_board_export_says_the_known_on_day_and_its_filters_and_forecast_in_words(
    site: Any,
) -> None:
    url = "/export/xlsx/plans?as_of=2023-06&known_on=2023-07-10&status=red"
    about = _about(book_of(demo_client(site, "demo-admin").get(url)))
    assert about["数据已知日"] == "2023年7月10日（按该日已报送的数据及其当日的审核状态重出）"
    assert about["筛选"] == "状态：红灯"
    assert about["预测方法"] == "线性趋势，90%区间，自助法2000次，随机种子0"
    assert (
        about["评价所用数据"].startswith("已报送数据")
        and "计入已报送和已审核的数据" in (about["评价所用数据"])
    )
    assert not any(re.search(r"forecast_|statuses_used|\{", f"{k} {v}") for k, v in about.items())
    today = _about(
        book_of(demo_client(site, "demo-chain", "en").get("/export/xlsx/plans?as_of=2023-06"))
    )
    assert today["Known on"] == "15 January 2024 (today: every value sent so far)"
    assert today["Filters"] == "none (every target)"
    assert today["Forecast"] == "linear trend, 90% interval, 2000 bootstrap draws, seed 0"
    owner = _about(
        book_of(
            demo_client(site, "demo-admin", "en").get(
                "/export/xlsx/plans?as_of=2023-06&status=not_due&overdue_only=true"
            )
        )
    )
    assert owner["Filters"] == "Status: not due; Overdue only"


# ---------------------------------------------------------------------------- R18
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranking_export_formats_counts_and_score_as_the_page_and_states_the_method(
    site: Any, lang: str
) -> None:
    client = demo_client(site, "demo-park", lang)
    page = client.get("/api/v1/enterprises/rank").json()["result"]
    book = book_of(client.get("/export/xlsx/enterprises/rank"))
    ranking, weights = book.worksheets[1], book.worksheets[2]
    header = sheet_rows(ranking)[0]
    patents = next(i for i, h in enumerate(header) if "发明专利" in h or "patents" in h)
    people = next(i for i, h in enumerate(header) if "从业人员" in h or "Employees" in h)
    score = header.index("得分" if lang == "zh" else "Score")
    assert header[score + 1 : score + 3] == ("D+", "D−")
    first = page["rows"][0]
    assert ranking.cell(2, patents + 1).number_format == "#,##0"
    assert ranking.cell(2, people + 1).number_format == "#,##0"
    assert ranking.cell(2, patents + 1).value == first["values"]["invention_patents"]
    # the page writes the score with three decimals ("%.3f"): the cell holds that figure
    scores = column(ranking, header[score])
    assert scores == [round(r["score"], 3) for r in page["rows"]]
    assert f"{scores[0]:.3f}".rstrip("0") == f"{first['score']:.3f}".rstrip("0")
    assert ranking.cell(2, score + 1).number_format == "#,##0.00##"
    assert column(ranking, "D+") == [round(r["d_plus"], 4) for r in page["rows"]]
    sources = column(weights, "来源" if lang == "zh" else "Source")
    if lang == "zh":
        assert (
            sources.count(
                "高地默认权重（未找到官方的头羊评分方案；依据见规则文件 leader_scoring.yaml 的说明）"
            )
            == 6
        )
        assert not any("this file" in s for s in sources)
    else:
        assert "see the notes of the rule file leader_scoring.yaml" in sources[1]
    about = _about(book)
    assert about["方法" if lang == "zh" else "Method"] == (
        page["method_label_zh"] if lang == "zh" else page["method_label_en"]
    )
    assert ("TOPSIS 贴近度" if lang == "zh" else "TOPSIS closeness") in about[
        "得分" if lang == "zh" else "Score"
    ]


# ---------------------------------------------------------------------------- R21
def test_appeal_statistics_export_has_the_pages_measures_and_distribution(site: Any) -> None:
    client = demo_client(site, "demo-park")
    text = client.get("/appeals/stats").text
    heads = [html.unescape(h) for h in re.findall(r"<th>([^<]*)</th>", text)]
    stats = client.get("/api/v1/appeals/stats").json()["stats"]
    book = book_of(client.get("/export/xlsx/appeals/stats"))
    by_category = book["按类别"]
    header = sheet_rows(by_category)[0]
    assert header[0] == "类别"
    # the page's column names, in the page's order (units added to the day columns)
    page_heads = heads[1:11]
    assert page_heads[5] == "交办逾期"
    assert [h.split("（")[0] for h in header[1:]] == page_heads
    late = column(by_category, "交办逾期")
    assert late == [r["handover_late"] for r in stats["by_category"]] + [
        stats["overall"]["handover_late"]
    ]
    stars = sheet_rows(book["满意度分布"])
    assert stars[0] == ("满意度", "件数")
    assert {r[0]: r[1] for r in stars[1:]} == {
        "★" * int(k): v for k, v in stats["satisfaction"].items()
    }
    about = _about(book)
    assert "交办逾期的诉求即使其后按时办结，仍计为逾期" in about["逾期占比"]
    assert about["一级督办"] == str(stats["by_level"]["1"])


# ---------------------------------------------------------------------------- R15
def test_smart_recognitions_download_follows_the_interface_and_has_an_about_sheet(
    site: Any,
) -> None:
    english = demo_client(site, "demo-park", "en")
    rows = english.get("/api/v1/smart/recognitions").json()["rows"]
    assert rows
    response = english.get("/smart/recognitions.xlsx?level=provincial")
    assert "2024-01-15" in response.headers["content-disposition"]
    book = book_of(response)
    listed = book.worksheets[0]
    assert listed.title == "Recognitions"
    assert listed["A1"].value.startswith("Smart-manufacturing benchmark enterprises")
    header = sheet_rows(listed)[1]
    assert header[:5] == ("Kind", "Enterprise", "Factory / workshop", "Year", "Level")
    provincial = [r for r in rows if r["level"] == "provincial"]
    body = sheet_rows(listed)[2:]
    assert len(body) == len(provincial)
    assert {r[4] for r in body} == {"provincial"}
    assert all(not CJK.search(str(r[0])) for r in body)
    about = {r[0]: r[1] for r in sheet_rows(book["About"]) if r and r[0]}
    assert about["Filters"] == "Level: provincial"
    assert about["Exported by"] == "demo-park (Park office)"
    assert about["Exported at"].startswith("2024-01-15 ")
    assert about["Page"] == "/smart/recognitions"
    assert about["Rows"] == len(provincial)
    assert about["Data scope"].startswith("as the exporting user may see: ")
    chinese = book_of(demo_client(site, "demo-park").get("/smart/providers.xlsx"))
    assert chinese.worksheets[0]["A2"].value == "名称"
    zh_about = {r[0]: r[1] for r in sheet_rows(chinese["说明"]) if r and r[0]}
    assert zh_about["筛选"] == "无（全部）" and zh_about["导出人"] == "demo-park（园区）"
