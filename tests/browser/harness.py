"""What every browser test shares: Debian's chromium, a live server, sign-in, charts, screenshots.

- ``require_browser()``: skip without chromium, fail instead when GAODI_REQUIRE_BROWSER=1 (CI).
  Only the ``browser`` fixture calls it.
- ``serve(...)``: the app under uvicorn in a thread on a free loopback port.
- ``demo_site(...)``: the same on a private copy of the small demo city, after a ``setup`` step
  that adds the module's users (and returns what the tests want to know as ``server.world``);
  ``demo_server(name, setup)`` makes it a module's ``live_server`` fixture.
- ``signed_in(...)``/``sign_in(...)``: a page logged in through the log-in form.
- ``chart_ink(page, selector)``: waits until the ECharts chart is drawn and counts its inked
  pixels; ``shot(page, name)``: a screenshot in test-artifacts/browser/ (git-ignored; CI keeps
  them), ``artifact(name)``: the path of another file there.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gaodi.config import Settings
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app

CHROMIUM = os.environ.get("GAODI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "browser-password-1"  # of the users the demo-city modules create
SECRET_KEY = "browser-test-secret-key-0123"

# Non-transparent pixels of the chart's canvas (ECharts draws on a transparent background).
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


def require_browser() -> None:
    """Skip the test without chromium, or fail it when GAODI_REQUIRE_BROWSER=1 (set by CI)."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("GAODI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GAODI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class LiveServer:
    """Where the app listens, what the module's setup returned, and its users' password."""

    url: str
    world: Any
    password: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(engine: Engine, directory: Path, world: Any, password: str) -> Iterator[LiveServer]:
    """The app on ``engine`` under uvicorn in a daemon thread, stopped on exit."""
    import uvicorn

    app = create_app(engine, Settings(data_dir=directory, secret_key=SECRET_KEY))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", world, password)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def demo_site(
    demo_template: Path,
    directory: Path,
    setup: Callable[[Session], Any],
    password: str = PASSWORD,
) -> Iterator[LiveServer]:
    """The app on a private copy of the small demo city in ``directory``; ``setup`` runs in one
    session first (it creates the module's users) and its result is ``server.world``."""
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with session_scope(engine, actor="test") as s:
            world = setup(s)
        with serve(engine, directory, world, password) as server:
            yield server
    finally:
        engine.dispose()


def demo_server(
    name: str, setup: Callable[[Session], Any], password: str = PASSWORD
) -> Callable[..., Iterator[LiveServer]]:
    """A module-scoped ``live_server`` fixture: :func:`demo_site` in a folder named ``name``.

    In a test module: ``live_server = demo_server("browser-plans", _users)``.
    """

    @pytest.fixture(scope="module", name="live_server")
    def fixture(
        demo_template: Path, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[LiveServer]:
        with demo_site(demo_template, tmp_path_factory.mktemp(name), setup, password) as server:
            yield server

    return fixture


def new_page(
    browser: Any, width: int = 1366, height: int = 900, locale: str = "zh-CN", **options: Any
) -> Any:
    """A page in a fresh browser context (its own cookies)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, **options
    )
    return context.new_page()


#: the page has run its scripts: loaded (every DOMContentLoaded chart drawn) and every map — the
#: one chart that fetches its data — has answered (``data-map-ready``: drawn, empty, none or an
#: error; gaodi/regions/static/map.js). Waiting for this instead of ``networkidle`` saves the
#: 500 ms of quiet that ``networkidle`` waits for after every page.
PAGE_READY = """
() => document.readyState === "complete" &&
  !document.querySelector("[data-map-src]:not([data-map-ready])")
"""


def wait_ready(page: Any, timeout: float = 20_000) -> None:
    """Wait until the page is loaded and its charts and maps are drawn (:data:`PAGE_READY`)."""
    page.wait_for_load_state("load", timeout=timeout)
    page.wait_for_function(PAGE_READY, timeout=timeout)


def submit_and_wait(page: Any, target: Any, timeout: float = 20_000) -> None:
    """Click ``target`` (a selector or a locator: a submit button or a link, a navigation) and
    wait for the next page to be ready."""
    with page.expect_navigation(wait_until="load", timeout=timeout):
        (page.locator(target) if isinstance(target, str) else target).click()
    wait_ready(page, timeout)


#: cookies of a signed-in session per (server, user): the log-in form is filled once per user and
#: server; later pages of that user start from these cookies in their own fresh context
_SESSIONS: dict[tuple[str, str], list[Any]] = {}


def sign_in(page: Any, server: LiveServer, user: str, path: str = "/") -> None:
    """Open ``path`` as ``user``: from the user's saved session cookies when there are some and
    the server still accepts them, else anonymously, landing on the log-in form, logging in."""
    key = (server.url, user)
    if key in _SESSIONS:
        page.context.add_cookies(_SESSIONS[key])
        page.goto(f"{server.url}{path}")
        if "/login" not in page.url:
            wait_ready(page)
            return
        page.context.clear_cookies()  # the session ended (signed out, expired): log in again
        del _SESSIONS[key]
    page.goto(f"{server.url}{path}")
    assert "/login" in page.url  # anonymous: sent to the log-in page
    page.fill("#login-username", user)
    page.fill("#login-password", server.password)
    submit_and_wait(page, "form[action='/login'] button[type=submit]")
    if "/login" not in page.url:  # signed in (a wrong password stays on the form)
        _SESSIONS[key] = page.context.cookies()


def signed_in(browser: Any, server: LiveServer, user: str, path: str, **options: Any) -> Any:
    """A 1366×900 zh-CN page logged in as ``user`` on ``path``."""
    page = new_page(browser, **options)
    sign_in(page, server, user, path)
    return page


def wait_for_chart(page: Any, selector: str) -> None:
    """Wait until the chart at ``selector`` has drawn its canvas (``data-chart-ready``)."""
    page.wait_for_selector(f"{selector}[data-chart-ready='1'] canvas", timeout=15000)


def chart_ink(page: Any, selector: str, settle_ms: int = 200) -> int:
    """Inked pixels of the chart at ``selector``, once drawn and settled."""
    wait_for_chart(page, selector)
    page.wait_for_timeout(settle_ms)
    return int(page.evaluate(CANVAS_INK, selector))


def artifact(name: str) -> Path:
    """test-artifacts/browser/``name``, its folder made."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def shot(page: Any, name: str, full_page: bool = True) -> None:
    """Save a screenshot as test-artifacts/browser/``name``."""
    page.screenshot(path=str(artifact(name)), full_page=full_page)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, one per test module (a session-scoped one clashes with
    tests/projects/test_browser.py, which imports this fixture: two sync Playwrights at once)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
