"""Browser tests: Debian's chromium driven by Playwright against a live server.

The shared pieces (chromium, the live server, sign-in, chart ink, screenshots) are in
tests/browser/harness.py. Here the default ``live_server`` runs the app on a temporary SQLite
database seeded with tests/web/seed.py; modules that need the demo city override it with
``harness.demo_site``. Without chromium the tests are skipped with the reason, unless
GAODI_REQUIRE_BROWSER=1 (set by CI), which turns a missing browser into a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gaodi.db import make_engine
from tests.browser.harness import LiveServer, browser, serve
from tests.web.seed import PASSWORD, seed

__all__ = ["browser"]  # the fixture, shared with every browser test


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[LiveServer]:
    """The app on the small seeded world of tests/web/seed.py (``server.world``)."""
    directory = tmp_path_factory.mktemp("browser")
    # a copy of the session's migrated database (tests/conftest.py), not every migration again
    shutil.copyfile(migrated_sqlite, directory / "browser.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'browser.sqlite'}")
    try:
        world = seed(engine)
        with serve(engine, directory, world, PASSWORD) as server:
            yield server
    finally:
        engine.dispose()
