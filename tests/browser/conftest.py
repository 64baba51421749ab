"""Browser tests: Debian's chromium driven by Playwright against a live server.

The app runs under uvicorn in a thread on a free loopback port, on a temporary SQLite database
seeded with tests/web/seed.py. Screenshots go to test-artifacts/browser/ (git-ignored; CI keeps
them). Without chromium the tests are skipped with the reason, unless GAODI_REQUIRE_BROWSER=1
(set by CI), which turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2.profiles import CHEAPEST

from gaodi import migrate
from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.db import make_engine
from gaodi.web.app import create_app
from tests.web.seed import World, seed

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


def _require_browser() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("GAODI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GAODI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


class LiveServer:
    def __init__(self, url: str, world: World) -> None:
        self.url = url
        self.world = world


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    import uvicorn

    directory = tmp_path_factory.mktemp("browser")
    engine = make_engine(f"sqlite:///{directory / 'browser.sqlite'}")
    migrate.upgrade(engine)
    accounts.set_hash_parameters(CHEAPEST)
    world = seed(engine)
    settings = Settings(data_dir=directory, secret_key="browser-test-secret-key-0123")
    app = create_app(engine, settings)
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
    yield LiveServer(f"http://127.0.0.1:{port}", world)
    server.should_exit = True
    thread.join(timeout=10)
    accounts.set_hash_parameters(None)
    engine.dispose()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
