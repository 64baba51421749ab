"""In a real browser, on the demo city: an analyst asks for the monthly report on the 报告 page,
watches its progress (htmx polling) until the download link appears, downloads the Word file
and finds the board's numbers in it; the board's "导出 Excel" button downloads the filtered
board. Same launch setup as tests/browser/conftest.py; the live server serves a copy of the
small demo city."""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from argon2.profiles import CHEAPEST
from openpyxl import load_workbook

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.plans import service as plans
from gaodi.web.app import create_app
from tests.browser.conftest import LiveServer, _free_port, _require_browser

pytestmark = pytest.mark.browser
PASSWORD = "browser-password-1"


@pytest.fixture(scope="module")
def live_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-reports")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "city-user", "analyst", PASSWORD)
        board = plans.board(s, SYSTEM, "2023-06")
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-reports-secret-01"))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", board)  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(timeout=10)
    accounts.set_hash_parameters(None)
    engine.dispose()


def _signed_in(browser: Any, server: LiveServer, path: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    page.fill("#login-username", "city-user")
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_monthly_report_from_the_reports_page(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
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
    page.screenshot(path=str(artifacts / "reports-done-zh-1366.png"), full_page=True)
    with page.expect_download() as info:
        page.click("[data-testid=report-download]")
    download = info.value
    assert download.suggested_filename == "monthly-2023-06-zh.docx"
    document = docx.Document(download.path())
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    rows = [r for a in board.actions for r in a.rows]  # type: ignore[attr-defined]
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
