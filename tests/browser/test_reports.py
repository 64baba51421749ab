"""In a real browser, on the demo city: an analyst asks for the monthly report on the 报告 page,
watches its progress (htmx polling) until the download link appears, downloads the Word file
and finds the board's numbers in it; the board's "导出 Excel" button downloads the filtered
board. Same launch setup as tests/browser/harness.py; the live server serves a copy of the
small demo city."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.plans import service as plans
from gaodi.plans.board import Board
from tests.browser import harness
from tests.browser.harness import PASSWORD, LiveServer, demo_server, shot

pytestmark = pytest.mark.browser


def _setup(s: Session) -> Board:
    """An analyst; the board of 2023-06, read before the server starts (``server.world``)."""
    accounts.create_user(s, "city-user", "analyst", PASSWORD, principal=SYSTEM)
    return plans.board(s, SYSTEM, "2023-06")


live_server = demo_server("browser-reports", _setup)


def _signed_in(browser: Any, server: LiveServer, path: str) -> Any:
    return harness.signed_in(browser, server, "city-user", path, accept_downloads=True)


def test_monthly_report_from_the_reports_page(browser: Any, live_server: LiveServer) -> None:
    board = live_server.world  # the board of 2023-06, read before the server started
    page = _signed_in(browser, live_server, "/reports")
    assert page.locator("[data-nav=reports]").get_attribute("aria-current") == "page"
    page.check("[data-testid=kind-monthly]")
    page.fill("[data-testid=period]", "2023-06")
    page.select_option("[data-testid=format]", "docx")
    page.click("[data-testid=report-submit]")
    page.wait_for_selector("[data-testid=report-job]")
    # htmx replaces the panel every second until the file is ready
    page.wait_for_selector("[data-testid=report-download]", timeout=120_000)
    shot(page, "reports-done-zh-1366.png")
    with page.expect_download() as info:
        page.click("[data-testid=report-download]")
    download = info.value
    # what, whose and of when (gaodi.core.download)
    assert download.suggested_filename == "月度调度报告_全市_2023-06.docx"
    document = docx.Document(download.path())
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    rows = [r for a in board.actions for r in a.rows]
    for r in rows:
        assert f"{r.completion * 100:.1f}%" in cells
    assert "示例数据" in [p.text for p in document.paragraphs]


def test_board_export_button(browser: Any, live_server: LiveServer) -> None:
    page = _signed_in(browser, live_server, "/plans?as_of=2023-06&status=yellow")
    button = page.locator("[data-testid=export-xlsx]")
    assert button.inner_text() == "导出 Excel"
    with page.expect_download() as info:
        button.click()
    wb = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    ws = wb["看板"]
    statuses = {ws.cell(i, 16).value for i in range(2, ws.max_row + 1)}
    assert statuses == {"黄"}
    shown = page.locator("[data-testid=board-table] tr[data-status]").count()
    assert ws.max_row - 1 == shown
