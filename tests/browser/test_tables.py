"""Tables as people expect them, in a real browser on the hand-made city of tests/web/seed.py:
sorting (server-side on the paginated enterprise list, in the page elsewhere), filters kept in
the URL, the header search ("/" focuses it; a USCC finds its firm), print (no navigation, the
chart and 示例数据 kept, the title and as-of stamped) and the "导出 Excel" button's workbook
against the table it sits beside.

The seed's 2023 revenues are E1 5000, E2 2500, E3 800, E4 1999 (万元): the independent answer of
the revenue order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.browser.harness import LiveServer, chart_ink, new_page, shot, sign_in, submit_and_wait

pytestmark = pytest.mark.browser

TABLE = "[data-testid=enterprises-table]"


def _page(browser: Any, server: LiveServer, role: str, path: str) -> Any:
    page = new_page(browser, 1366, 900)
    sign_in(page, server, server.world.users[role], path)
    return page


def _names(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(f"{TABLE} tbody tr td:first-child a").all_inner_texts()]


def _revenue_header(page: Any) -> Any:
    return page.locator(f"{TABLE} th[data-sort-key=revenue]")


def test_enterprise_list_sorts_by_revenue_on_the_server(
    browser: Any, live_server: LiveServer
) -> None:
    world = live_server.world
    page = _page(browser, live_server, "admin", "/enterprises")
    header = _revenue_header(page)
    assert header.get_attribute("aria-sort") == "none"
    # keyboard: the header's button takes the focus and Enter sorts
    header.locator("button.th-sort").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=revenue**")
    assert _names(page) == [world.names[k] for k in ("e3", "e4", "e2", "e1")]
    assert _revenue_header(page).get_attribute("aria-sort") == "ascending"
    _revenue_header(page).locator("button").click()
    page.wait_for_url("**sort=-revenue**")
    assert _names(page) == [world.names[k] for k in ("e1", "e2", "e4", "e3")]
    assert _revenue_header(page).get_attribute("aria-sort") == "descending"
    # by USCC: the seed's random codes, in their string order
    page.locator(f"{TABLE} th[data-sort-key=uscc] button").click()
    page.wait_for_url("**sort=uscc**")
    codes = page.locator(f"{TABLE} tbody tr td:nth-child(2)").all_inner_texts()
    assert codes == sorted(world.uscc[k] for k in ("e1", "e2", "e3", "e4"))
    # the order spans the pages: two per page, page 2 holds the two smallest
    page.goto(f"{live_server.url}/enterprises?sort=-revenue&per_page=2")
    submit_and_wait(page, page.locator(".pager a").last)
    assert "sort=-revenue" in page.url and "page=2" in page.url
    assert _names(page) == [world.names[k] for k in ("e4", "e3")]
    # the columns the server cannot sort have no sort button
    assert page.locator(f"{TABLE} thead th").nth(4).locator("button").count() == 0
    page.context.close()


def test_filters_survive_a_reload(browser: Any, live_server: LiveServer) -> None:
    world = live_server.world
    page = _page(browser, live_server, "admin", "/enterprises")
    page.select_option("select[name=park]", str(world.ids["park_a"]))  # 园区, chosen by name
    submit_and_wait(page, "form[data-testid=enterprise-search] button[type=submit]")
    expected = sorted([world.names["e1"], world.names["e3"]])
    assert sorted(_names(page)) == expected
    assert f"park={world.ids['park_a']}" in page.url
    page.reload()
    assert sorted(_names(page)) == expected
    assert page.input_value("select[name=park]") == str(world.ids["park_a"])
    # a sort chosen after the filter keeps the filter, and the filter form keeps the sort
    _revenue_header(page).locator("button").click()
    page.wait_for_url("**sort=revenue**")
    assert f"park={world.ids['park_a']}" in page.url
    assert _names(page) == [world.names["e3"], world.names["e1"]]
    submit_and_wait(page, "form[data-testid=enterprise-search] button[type=submit]")
    assert "sort=revenue" in page.url and _names(page) == [world.names["e3"], world.names["e1"]]
    page.context.close()


def test_a_page_table_sorts_in_the_browser(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    page = _page(browser, live_server, "admin", "/chains")
    table = page.locator("table.table").first
    headers = table.locator("thead th")
    assert headers.count() >= 2
    first = headers.nth(0)
    assert first.get_attribute("aria-sort") == "none"
    before = table.locator("tbody tr td:first-child").all_inner_texts()
    first.locator("button.th-sort").click()
    assert first.get_attribute("aria-sort") == "ascending"
    asc = table.locator("tbody tr td:first-child").all_inner_texts()
    first.locator("button.th-sort").click()
    assert first.get_attribute("aria-sort") == "descending"
    desc = table.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(before) == sorted(asc) and desc == list(reversed(asc))
    # pinyin order: 测试链甲 (jia) before 测试链乙 (yi), though 乙 (U+4E59) sorts first by code
    assert [t.split()[0] for t in asc if t.startswith("测试链")] == ["测试链甲", "测试链乙"]
    # the order is in the URL: a reload shows it again
    assert "tsort=0.-0" in page.url
    page.reload()
    table = page.locator("table.table").first
    assert table.locator("tbody tr td:first-child").all_inner_texts() == desc
    assert table.locator("thead th").nth(0).get_attribute("aria-sort") == "descending"
    # and the export writes the rows in the order shown
    with page.expect_download() as info:
        page.locator("[data-testid=table-export]").first.click()
    path = tmp_path / "chains.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path).worksheets[1].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [t.strip() for t in desc]
    page.context.close()


def test_a_paginated_list_says_its_sort_is_of_the_page(
    browser: Any, live_server: LiveServer
) -> None:
    """The audit log paginates on the server without a server-side sort: sorting there orders
    the rows shown, and the page says so only when there is another page."""
    page = _page(browser, live_server, "admin", "/admin/audit?per_page=200")
    table = "[data-testid=audit-table]"
    assert page.locator(f"{table} thead th button.th-sort").count() >= 4
    assert page.locator(".table-note").count() == 0  # one page: nothing to say
    page.goto(f"{live_server.url}/admin/audit?per_page=25")
    assert page.locator(".pager a").count() >= 1  # the seed writes more than 25 events
    note = page.locator(".table-note")
    assert note.count() == 1 and "仅作用于本页" in note.inner_text()
    actor = page.locator(f"{table} thead th").nth(1)
    actor.locator("button").click()
    actors = page.locator(f"{table} tbody tr td:nth-child(2)").all_inner_texts()
    # the newest events (page 1) are t-admin's sign-in and the seed's rows: s before t
    assert actors == sorted(actors) and actors[0] == "seed" and actors[-1] == "t-admin"
    assert actor.get_attribute("aria-sort") == "ascending"
    page.context.close()


def test_sort_rules_numbers_percentages_missing_and_pinyin(
    browser: Any, live_server: LiveServer
) -> None:
    """The comparison itself, on a table made in the page: numbers as numbers ("1,234" after
    "987"), percentages, "—" last both ways, Chinese text in pinyin order."""
    page = _page(browser, live_server, "viewer", "/account")
    page.evaluate(
        """() => {
      const t = document.createElement('table');
      t.className = 'table'; t.id = 'probe';
      t.innerHTML = '<thead><tr><th>名</th><th>数</th><th>率</th></tr></thead><tbody>' +
        '<tr><td>张</td><td>1,234</td><td>12.5%</td></tr>' +
        '<tr><td>阿</td><td>—</td><td>9%</td></tr>' +
        '<tr><td>王</td><td>987</td><td>—</td></tr>' +
        '<tr><td>李</td><td>-5</td><td>100%</td></tr></tbody>';
      document.getElementById('main').appendChild(t);
      window.gaodiTables.enhance();
    }"""
    )

    def column(i: int) -> list[str]:
        return page.locator(f"#probe tbody tr td:nth-child({i})").all_inner_texts()

    number = page.locator("#probe thead th").nth(1).locator("button")
    number.click()
    assert column(2) == ["-5", "987", "1,234", "—"]
    number.click()
    assert column(2) == ["1,234", "987", "-5", "—"]
    rate = page.locator("#probe thead th").nth(2).locator("button")
    rate.click()
    assert column(3) == ["9%", "12.5%", "100%", "—"]
    name = page.locator("#probe thead th").nth(0).locator("button")
    name.click()
    assert column(1) == ["阿", "李", "王", "张"]  # a, li, wang, zhang
    page.context.close()


def test_slash_focuses_search_and_a_uscc_finds_its_firm(
    browser: Any, live_server: LiveServer
) -> None:
    world = live_server.world
    page = _page(browser, live_server, "park_office", "/chains")
    page.locator("h1").first.click()  # focus on the page, not in a field
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.keyboard.type(world.uscc["e3"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=**")
    hits = page.locator("[data-testid=search-enterprises] li a")
    assert hits.all_inner_texts() == [world.names["e3"]]
    submit_and_wait(page, hits.first)
    assert page.url.endswith(f"/enterprises/{world.ids['e3']}")
    # the park office's search never finds the firm of another park, even by its exact USCC
    page.goto(f"{live_server.url}/search?q={world.uscc['e2']}")
    assert page.locator("[data-testid=search-none]").is_visible()
    assert world.names["e2"] not in page.content()
    # "/" typed inside a field is a character, not the shortcut
    page.fill("form[data-testid=search-form] input[name=q]", "")
    page.locator("form[data-testid=search-form] input[name=q]").press("/")
    assert page.input_value("form[data-testid=search-form] input[name=q]") == "/"
    page.context.close()


def test_print_hides_the_chrome_and_keeps_chart_and_demo_label(
    browser: Any, live_server: LiveServer
) -> None:
    page = _page(browser, live_server, "admin", "/")
    assert chart_ink(page, "#overview-chart") > 2000
    assert page.locator("nav.mainnav").is_visible()
    assert not page.locator("[data-testid=print-stamp]").is_visible()
    page.emulate_media(media="print")
    for hidden in ("nav.mainnav", "header.topbar", "footer.footer", "#global-search"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("[data-testid=demo-banner]").is_visible()
    assert "示例" in page.locator("[data-testid=demo-banner]").inner_text()
    # the 示例数据 label is legible on paper, where backgrounds are not printed
    label = "() => getComputedStyle(document.querySelector('.demo-banner strong')).color"
    assert page.evaluate(label) == "rgb(138, 82, 0)"  # #8a5200: 6.4:1 on white (WCAG AA)
    stamp = page.locator("[data-testid=print-stamp]")
    assert stamp.is_visible()
    assert "总览" in stamp.inner_text() and "截至 " in stamp.inner_text()
    # the chart stays, inked, and fits the paper's width (A4 at 96 dpi: 794 px less margins)
    canvas = page.locator("#overview-chart canvas").first
    assert canvas.is_visible()
    box = canvas.bounding_box()
    assert box is not None and 0 < box["width"] <= 794
    assert chart_ink(page, "#overview-chart") > 2000
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    Path(shot.__globals__["artifact"]("overview-print.pdf")).write_bytes(pdf)
    page.context.close()


def test_print_keeps_table_rows_whole(browser: Any, live_server: LiveServer) -> None:
    page = _page(browser, live_server, "admin", "/enterprises")
    headers = page.locator(f"{TABLE} thead th").all_inner_texts()
    page.emulate_media(media="print")
    # the header labels sit in the sort buttons: on paper the labels stay, the buttons' marks go
    assert page.locator(f"{TABLE} thead th").all_inner_texts() == headers
    assert page.locator(f"{TABLE} thead th button").first.is_visible()
    assert "企业" in headers[0]
    rule = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=enterprises-table] tbody tr'))"
        ".breakInside"
    )
    assert rule == "avoid"
    head = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=enterprises-table] thead'))"
        ".display"
    )
    assert head == "table-header-group"
    assert not page.locator("[data-testid=table-export]").first.is_visible()
    page.context.close()


def test_export_button_downloads_the_rows_of_the_table(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    world = live_server.world
    page = _page(browser, live_server, "park_office", "/enterprises?sort=-revenue")
    button = page.locator("[data-testid=table-export]").first
    assert button.is_visible() and "导出" in button.inner_text()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path)
    sheet = book.worksheets[1]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    shown = page.locator(f"{TABLE} tbody tr")
    assert len(rows) - 1 == shown.count() == 2  # the park office's firms: E1 and E3
    assert [r[0] for r in rows[1:]] == _names(page) == [world.names["e1"], world.names["e3"]]
    assert [r[1] for r in rows[1:]] == [world.uscc["e1"], world.uscc["e3"]]
    assert [r[-1] for r in rows[1:]] == [5000, 800]  # numbers, as the page shows them
    headers = page.locator(f"{TABLE} thead th").all_inner_texts()
    assert [str(h) for h in rows[0]] == [h.strip() for h in headers]
    about = [v for r in book.worksheets[0].iter_rows(values_only=True) for v in r if v]
    assert any("示例数据" in str(v) for v in about)
    page.context.close()
