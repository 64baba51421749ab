"""The generic "导出 Excel" of any table (/export/table/<page>?…&xlsx_table=N) on the hand-made
city of tests/web/seed.py: the workbook holds the rows the page shows the same user (its scope,
its filters), numbers as numbers, text cells never formulas, the 说明 sheet with the page, the
filters, the city's day and 示例数据; and the HTML reader on hand-written tables."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.reports.table_html import parse_number, tables, typed_columns
from tests.reports.workbooks import book_of
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD
from tests.web.test_permissions_suite import _database


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp(f"table-export-{request.param}")
    with _database(request.param, directory) as url:
        yield from _site(directory, url)


def _site(directory: Any, url: str) -> Any:
    site = make_site(directory, url)
    # a hostile name: a formula if a writer ever trusted text
    with session_scope(site.engine, actor="test") as s:
        s.execute(
            update(Enterprise)
            .where(Enterprise.id == site.world.ids["e3"])
            .values(name='=HYPERLINK("http://x","伽马")测试有限公司')
        )
    site.world.names["e3"] = '=HYPERLINK("http://x","伽马")测试有限公司'
    yield site
    site.engine.dispose()


def _client(site: Site, role: str) -> TestClient:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    return client


def _table(book: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)]


def test_enterprise_table_as_the_page_shows_it(site: Site) -> None:
    world = site.world
    client = _client(site, "admin")
    book = book_of(client.get("/export/table/enterprises", params={"xlsx_table": 0}))
    rows = _table(book)
    assert rows[0][0] == "企业" and rows[0][1] == "统一社会信用代码"
    assert rows[0][-1] == "营业收入（万元）"
    # the seed's 2023 revenues (5000, 2500, 800, 1999), in the page's name order
    by_name = {r[0]: r for r in rows[1:]}
    assert {n: r[-1] for n, r in by_name.items()} == {
        world.names["e1"]: 5000, world.names["e2"]: 2500, world.names["e3"]: 800,
        world.names["e4"]: 1999,
    }  # fmt: skip
    assert all(isinstance(r[-1], int) for r in rows[1:])  # numbers, not "5,000"
    assert by_name[world.names["e2"]][1] == world.uscc["e2"]  # codes stay text
    # the hostile name is a string cell, never a formula
    sheet = book.worksheets[1]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == world.names["e3"]]
    assert cells and all(c.data_type == "s" for c in cells)
    about = "\n".join(
        str(v) for r in book.worksheets[0].iter_rows(values_only=True) for v in r if v
    )
    assert "示例数据" in about  # the seed is flagged as the demo
    assert "/enterprises" in about and "城市当前日期" in about


def test_filters_and_sort_of_the_page_apply(site: Site) -> None:
    world = site.world
    client = _client(site, "admin")
    params = {"park": world.ids["park_a"], "sort": "-revenue", "xlsx_table": 0}
    rows = _table(book_of(client.get("/export/table/enterprises", params=params)))
    # park A holds E1 (5000) and E3 (800): highest revenue first
    assert [r[0] for r in rows[1:]] == [world.names["e1"], world.names["e3"]]
    page = client.get("/enterprises", params={"park": world.ids["park_a"], "sort": "-revenue"})
    assert page.text.index(world.names["e1"]) < page.text.index("伽马")


@pytest.mark.parametrize(
    ("role", "keys"),
    [("park_office", {"e1", "e3"}), ("chain_office", {"e1", "e4"}), ("enterprise", {"e1"})],
)
def test_the_export_has_the_scope_of_the_page(site: Site, role: str, keys: set[str]) -> None:
    world = site.world
    client = _client(site, role)
    response = client.get("/export/table/enterprises", params={"xlsx_table": 0})
    rows = _table(book_of(response))
    assert {r[0] for r in rows[1:]} == {world.names[k] for k in keys}
    text = str(rows)
    for hidden in {"e1", "e2", "e3", "e4"} - keys:
        assert world.uscc[hidden] not in text
    # a page the role may not open is not exported either
    if role == "enterprise":
        refused = client.get("/export/table/chains", params={"xlsx_table": 0})
        assert refused.status_code == 403
    # another office's enterprise page: the answer a missing id gets
    if role == "park_office":
        outside = client.get(f"/export/table/enterprises/{world.ids['e2']}")
        assert outside.status_code == 404


def test_the_order_sorted_in_the_browser(site: Site) -> None:
    client = _client(site, "admin")

    def names(order: str | None) -> tuple[list[Any], str]:
        params: dict[str, Any] = {"xlsx_table": 0, "tsort": "0.1"}
        if order is not None:
            params["xlsx_order"] = order
        book = book_of(client.get("/export/table/enterprises", params=params))
        about = " ".join(str(v) for r in book.worksheets[0].iter_rows(values_only=True) for v in r)
        return [r[0] for r in _table(book)[1:]], about

    page_order, about = names(None)
    assert len(page_order) == 4 and "行序" not in about and "tsort" not in about
    shown, about = names("3,1,2,0")
    assert shown == [page_order[3], page_order[1], page_order[2], page_order[0]]
    assert "按页面上选定的排序" in about
    for bad in ("0,0,1,2", "0,1,2", "3,2,1,x", "9,1,2,0"):
        kept, about = names(bad)
        assert kept == page_order and "按页面原始顺序导出" in about, bad


def test_bad_requests_are_4xx(site: Site) -> None:
    client = _client(site, "admin")
    assert client.get("/export/table/enterprises", params={"xlsx_table": "x"}).status_code == 422
    assert client.get("/export/table/enterprises", params={"xlsx_table": 99}).status_code == 404
    # the table's name, when given, wins over a number the page's answer does not agree with
    named = {"xlsx_table": 7, "xlsx_testid": "enterprises-table"}
    assert _table(book_of(client.get("/export/table/enterprises", params=named)))[0][0] == "企业"
    named = {"xlsx_table": 0, "xlsx_testid": "no-such-table"}
    assert client.get("/export/table/enterprises", params=named).status_code == 404
    assert client.get("/export/table/no/such/page").status_code == 404
    assert client.get("/export/table/api/v1/search").status_code == 404
    assert client.get("/export/table/export/table/enterprises").status_code == 404
    anonymous = site.client().get("/export/table/enterprises", follow_redirects=False)
    assert anonymous.status_code == 303


def test_a_page_too_large_is_refused_with_words(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaodi.reports import table_export

    monkeypatch.setattr(table_export, "MAX_PAGE_BYTES", 2000)
    response = _client(site, "admin").get("/export/table/enterprises", params={"xlsx_table": 0})
    assert response.status_code == 422
    assert "页面过大" in response.text


def test_the_enterprise_list_sorts_server_side(site: Site) -> None:
    world = site.world
    client = _client(site, "admin")
    order = {
        "revenue": ["e3", "e4", "e2", "e1"],
        "-revenue": ["e1", "e2", "e4", "e3"],
    }
    for sort, keys in order.items():
        body = client.get("/api/v1/enterprises", params={"sort": sort}).json()
        assert [r["id"] for r in body["result"]["rows"]] == [world.ids[k] for k in keys], sort
        # the order spans the pages: page 2 of 2 holds the last two
        body = client.get("/api/v1/enterprises", params={"sort": sort, "per_page": 2, "page": 2})
        assert [r["id"] for r in body.json()["result"]["rows"]] == [world.ids[k] for k in keys[2:]]
    # (name order happens to be revenue order in the seed: USCC order is the seed's random codes)
    body = client.get("/api/v1/enterprises", params={"sort": "-uscc"}).json()
    codes = [r["uscc"] for r in body["result"]["rows"]]
    assert codes == sorted(world.uscc.values(), reverse=True)
    assert client.get("/api/v1/enterprises", params={"sort": "tax"}).status_code == 422


# ---------------------------------------------------------------------------- the HTML reader
def test_reader_takes_the_table_class_only_and_skips_controls() -> None:
    html = """
    <table><tr><td>layout</td></tr></table>
    <table class="table kv"><tbody><tr><th>键</th><td>值</td></tr></tbody></table>
    <table class="table" data-testid="t">
      <thead><tr><th colspan="2">组</th></tr><tr><th>名称</th><th data-type="text">代码</th>
        <th>比例</th><th>金额</th></tr></thead>
      <tbody>
        <tr><td>甲 <button>删除</button><select><option>x</option></select></td><td>0012</td>
            <td>12.5%</td><td data-sort-value="1234.5">1,234.50 万</td></tr>
        <tr><td>乙<br>二行</td><td>2023</td><td>—</td><td>-3</td></tr>
        <tr><td colspan="4" class="empty">没有数据</td></tr>
      </tbody>
    </table>"""
    found = tables(html)
    assert len(found) == 2  # the layout table is not a data table
    t = found[1]
    assert t.testid == "t" and t.header == ["名称", "代码", "比例", "金额"]
    assert t.rows == [["甲", "0012", "12.5%", "1234.5"], ["乙 二行", "2023", "—", "-3"]]
    cols = typed_columns(t)
    assert [c.fmt for c in cols] == ["text", "text", "percent", "number"]
    assert cols[2].values == [0.125, None]
    assert cols[3].values == [1234.5, -3]


def test_parse_number_cases() -> None:
    assert parse_number("1,234") == (1234, False)
    assert parse_number("−7.5") == (-7.5, False)
    assert parse_number("109.0%") == (pytest.approx(1.09), True)
    assert parse_number("0") == (0, False) and parse_number("0.5") == (0.5, False)
    for text in ("0012", "91430100MA4L00000F", "1234567890123456", "2023-Q1", "12 万元", "1,23"):
        assert parse_number(text) is None, text


def test_the_browser_sort_parameter_never_changes_a_page(site: Site) -> None:
    """``tsort`` (the order sorted in the page, kept in the URL) is the browser's: every page
    without path parameters answers the same with it as without (no 422 from a strict filter)."""
    from gaodi.web.routes import walk

    client = _client(site, "admin")
    pages = [
        r.path
        for r in walk(site.app)
        if "GET" in r.methods
        and not r.is_api
        and "{" not in r.path
        and not r.path.startswith(("/export", "/logout"))
    ]
    assert "/enterprises" in pages and "/admin/audit" in pages
    for path in pages:
        plain = client.get(path, follow_redirects=False).status_code
        sorted_ = client.get(path, params={"tsort": "0.-1"}, follow_redirects=False).status_code
        assert sorted_ == plain, path
