"""Shared fixtures.

Database fixtures run on SQLite always and on PostgreSQL when ``GAODI_TEST_POSTGRES_URL`` is set
(``.ci/run`` starts a server and sets it, plus ``GAODI_REQUIRE_POSTGRES=1`` so that a missing
server fails the run instead of skipping).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gaodi import migrate
from gaodi.config import reset_settings
from gaodi.db import get_engine, make_engine
from tests.snapshots import create_database

# Rich consoles take their width from COLUMNS when created (at import); tests read CLI output,
# so give it a fixed wide width whatever the terminal (CI has none).
os.environ["COLUMNS"] = "200"

# A property test asserts behaviour, not speed (speed lives in benchmarks/): Hypothesis's
# default 200 ms deadline per example failed a test on a loaded two-core machine (272 ms).
settings.register_profile("gaodi", deadline=None)
settings.load_profile("gaodi")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Passwords are hashed with argon2's cheapest parameters for the whole run, set before
    anything is collected. The real ones cost about 0.2 s a hash or a sign-in; they are tested in
    tests/accounts (its ``real_argon2`` marker), which sets and restores them per test. Fixtures
    that set the cheap ones and restored argon2-cffi's defaults after them left every later test
    of their worker signing in at full cost: 535 real hashes and sign-ins, about 105 s, in half of
    the suite."""
    from argon2.profiles import CHEAPEST

    from gaodi.accounts import service as accounts

    accounts.set_hash_parameters(CHEAPEST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test has a node id of its own. Schemathesis's parametrized items (tests/web/
    test_fuzz.py, one per API operation) share one node id, and ``--dist loadscope`` (make test)
    keys its work by node id: it ran one of the 90 and reported the rest as never collected. Each
    such item takes its name (``test_no_server_errors[GET /api/v1/ping]``); any duplicate left
    stops the run instead of shrinking it."""
    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and not item.nodeid.endswith("]"):
            _rename(item, f"{item.nodeid.rsplit('::', 1)[0]}::{item.name}")
    left = sorted(n for n, c in Counter(item.nodeid for item in items).items() if c > 1)
    if left:
        raise pytest.UsageError(f"tests sharing a node id (one would not run): {left[:5]}")


def _rename(item: pytest.Item, nodeid: str) -> None:
    """Give ``item`` another node id. pytest keeps no public setter: 9.x holds a structured id
    (``_id``), earlier releases the string (``_nodeid``); a release doing neither leaves the
    duplicate, and the check above stops the run."""
    try:
        from _pytest.nodes import coerce_node_id
    except ImportError:
        item._nodeid = nodeid  # type: ignore[attr-defined]
    else:
        item._id = coerce_node_id(nodeid)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test gets its own data directory, so nothing touches the user's database."""
    data_dir = tmp_path_factory.mktemp("gaodi-data")
    monkeypatch.setenv("GAODI_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GAODI_DATABASE_URL", raising=False)
    monkeypatch.delenv("GAODI_SECRET_KEY", raising=False)
    reset_settings()
    get_engine.cache_clear()
    yield
    reset_settings()
    get_engine.cache_clear()


def _postgres_admin_url() -> str | None:
    url = os.environ.get("GAODI_TEST_POSTGRES_URL")
    if not url and os.environ.get("GAODI_REQUIRE_POSTGRES") == "1":
        pytest.fail("GAODI_REQUIRE_POSTGRES=1 but GAODI_TEST_POSTGRES_URL is not set")
    return url


def _postgres_admin_url_or_skip() -> str:
    """The server's admin URL; without one the test is skipped here (CI sets
    GAODI_REQUIRE_POSTGRES=1, so there a missing server fails instead of skipping)."""
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip("PostgreSQL tests run in CI (set GAODI_TEST_POSTGRES_URL to run them here)")
    return admin


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    admin = _postgres_admin_url_or_skip()
    name = f"gaodi_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        create_database(conn, name)
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine.cache_clear()
        with admin_engine.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin_engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per session (and xdist worker); ``db`` and
    ``sqlite_db`` copy it instead of running every migration for every test."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session (and worker): the template the
    ``db`` fixture's PostgreSQL databases are created from (CREATE DATABASE … TEMPLATE)."""
    admin = _postgres_admin_url()
    assert admin, "only requested for PostgreSQL tests"
    name = f"gaodi_tpl_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        create_database(conn, name)
    engine = make_engine(make_url(admin).set(database=name).render_as_string(hide_password=False))
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield name
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin_engine.dispose()


def _copy_migrated(url: str, request: pytest.FixtureRequest) -> None:
    """Make the SQLite file at ``url`` a copy of the migrated one."""
    parsed = make_url(url)
    assert parsed.get_backend_name() == "sqlite" and parsed.database
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), parsed.database)


@pytest.fixture
def migrated_postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new PostgreSQL database made from the migrated template in one step (CREATE DATABASE …
    TEMPLATE: about a fifth of creating an empty one from template1 and copying over it)."""
    admin = _postgres_admin_url_or_skip()
    template = request.getfixturevalue("migrated_postgres")
    name = f"gaodi_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        create_database(conn, name, template=template)
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        get_engine.cache_clear()
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A migrated database on each backend, also made the configured default."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
        _copy_migrated(url, request)
    else:
        url = request.getfixturevalue("migrated_postgres_url")
    monkeypatch.setenv("GAODI_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Engine]:
    """A migrated SQLite database (for tests that do not need to run on both backends)."""
    url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    monkeypatch.setenv("GAODI_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    _copy_migrated(url, request)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo city, built once per test session (and xdist worker) into a SQLite file.

    Tests never write to it: use ``demo_db`` for a private copy.
    """
    from gaodi.demo.build import build

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    build(engine, size="small", seed=2021)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def demo_db(
    demo_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Engine]:
    """A private copy of the small demo city, also made the configured default database."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("GAODI_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _database_snapshots() -> Iterator[None]:
    """Drop the session's database snapshots (tests/snapshots.py) when the session ends."""
    from tests.snapshots import SNAPSHOTS

    yield
    SNAPSHOTS.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Any]:
    """The seeded web world of tests/web/seed.py (``tests.web.conftest.Site``) for one test.
    tests/web has its own, and a module may define its own."""
    from tests.web.conftest import make_site

    made = make_site(tmp_path)
    try:
        yield made
    finally:
        made.engine.dispose()
