"""In a real browser, on the demo city: an enterprise user assesses its enterprise end to end
(questionnaire → stored result with the hand-computed score, radar and history charts, gap,
printable summary labelled 自评结果 and 示例数据), and the city's level distribution by chain
is drawn — for a chain office, its chain only. Same launch setup as tests/browser/conftest.py
(its ``browser`` fixture); the live server serves a copy of the small demo city."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2.profiles import CHEAPEST
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.chains.models import Chain
from gaodi.config import Settings
from gaodi.db import make_engine, session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.smart import service
from gaodi.web.app import create_app
from tests.browser.conftest import LiveServer, _free_port, _require_browser
from tests.smart.test_service import ITEMS, SCENARIOS

pytestmark = pytest.mark.browser
PASSWORD = "browser-password-1"

CANVAS_INK = """
(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return -1;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; }
  return ink;
}
"""


class _World:
    def __init__(self, chain_name: str, enterprise_id: int) -> None:
        self.chain_name = chain_name
        self.enterprise_id = enterprise_id


@pytest.fixture(scope="module")
def live_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app on a private copy of the small demo city, with an enterprise user (enterprise 1)
    and a chain office (the first chain)."""
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser-smart")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    accounts.set_hash_parameters(CHEAPEST)
    with session_scope(engine, actor="test") as s:
        uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == 1))
        chain_code, chain_name = s.execute(
            select(Chain.code, Chain.name).order_by(Chain.id)
        ).first()
        accounts.create_user(s, "ent-user", "enterprise", PASSWORD, enterprise=uscc)
        accounts.create_user(s, "chain-user", "chain_office", PASSWORD, chains=[chain_code])
        accounts.create_user(s, "city-user", "analyst", PASSWORD)
    app = create_app(engine, Settings(data_dir=directory, secret_key="browser-smart-secret-0123"))
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
    yield LiveServer(f"http://127.0.0.1:{port}", _World(chain_name, 1))  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(timeout=10)
    accounts.set_hash_parameters(None)
    engine.dispose()


def _signed_in(browser: Any, server: LiveServer, user: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    page.fill("#login-username", user)
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _ink(page: Any, selector: str) -> int:
    page.wait_for_selector(f"{selector}[data-chart-ready='1'] canvas", timeout=15000)
    page.wait_for_timeout(200)
    return int(page.evaluate(CANVAS_INK, selector))


def test_enterprise_assesses_itself_in_the_browser(
    browser: Any, live_server: LiveServer, artifacts: Path
) -> None:
    eid = live_server.world.enterprise_id  # type: ignore[attr-defined]
    page = _signed_in(browser, live_server, "ent-user", "/smart")
    page.click("[data-testid=own-enterprise]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/smart/enterprises/{eid}")
    before = page.locator("[data-testid=history] tr").count()
    assert before == 3  # the demo firm's 2021-2023 assessments
    page.click("[data-testid=start-assessment]")
    page.wait_for_load_state("networkidle")
    form = page.locator("[data-testid=questionnaire]")
    # "无" and the other options of a multiple-choice item exclude each other
    page.check("[data-testid=opt-b_network-B]")
    page.check("[data-testid=opt-b_network-A]")
    assert not page.is_checked("[data-testid=opt-b_network-B]")
    scheme = service.scheme()
    for it in scheme.items:
        answer = ITEMS[it.code]
        if it.kind == "single":
            page.check(f"[data-testid=opt-{it.code}-{answer}]")
            continue
        for o in it.options:
            box = f"[data-testid=opt-{it.code}-{o.code}]"
            if o.code in answer:
                page.check(box)
            else:
                page.uncheck(box)
    for code, grade in SCENARIOS.items():
        page.check(f"[data-testid=scen-{code}-{grade}]")
    page.fill("input[name=assessor]", "浏览器测试")
    form.locator("[data-testid=submit-assessment]").click()
    page.wait_for_load_state("networkidle")
    assert f"/smart/enterprises/{eid}?assessment_id=" in page.url
    # the stored result is the hand-computed one (tests/smart/test_service.py)
    assert page.locator("[data-testid=total]").inner_text() == "51.925"
    assert page.locator("[data-testid=level]").inner_text() == "二级"
    assert page.locator("[data-testid=history] tr").count() == before + 1
    assert page.locator("[data-testid=moves] tr[data-plan='1']").count() == 2
    assert _ink(page, "[data-testid=radar]") > 1000
    assert _ink(page, "[data-testid=history-chart]") > 1000
    page.screenshot(path=str(artifacts / "smart-result-zh-1366.png"), full_page=True)
    # the printable summary: labelled, demo-marked, without the site's navigation
    page.emulate_media(media="print")
    cert = page.locator("[data-testid=certificate]")
    assert cert.is_visible()
    assert "自评结果，非官方认定" in cert.inner_text() and "示例数据" in cert.inner_text()
    assert not page.locator("nav.mainnav").is_visible()
    assert not page.locator("[data-testid=providers]").is_visible()
    page.pdf(path=str(artifacts / "smart-certificate.pdf"))
    page.context.close()


def test_city_levels_by_chain(browser: Any, live_server: LiveServer, artifacts: Path) -> None:
    page = _signed_in(browser, live_server, "city-user", "/smart?by=chain&as_of=2023-12-31")
    rows = page.locator("[data-testid=groups-table] tbody tr")
    assert rows.count() >= 15
    assert rows.last.get_attribute("data-group") == "none"
    assert _ink(page, "[data-testid=levels-chart]") > 3000
    page.screenshot(path=str(artifacts / "smart-levels-zh-1366.png"), full_page=True)
    page.context.close()
    page = _signed_in(browser, live_server, "chain-user", "/smart?by=chain&as_of=2023-12-31")
    rows = page.locator("[data-testid=groups-table] tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == live_server.world.chain_name  # type: ignore[attr-defined]
    assert _ink(page, "[data-testid=levels-chart]") > 500
    page.context.close()
