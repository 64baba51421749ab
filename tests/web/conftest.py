"""Fixtures of the web tests: a seeded database and the app on it (see seed.py)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from gaodi import migrate
from gaodi.accounts import service as accounts
from gaodi.config import Settings, reset_settings
from gaodi.core import clock
from gaodi.db import make_engine
from gaodi.web.app import create_app
from tests.snapshots import SNAPSHOTS
from tests.web.seed import World, seed, seed_features

#: Roles whose route cases run on SQLite only (see pytest_collection_modifyitems).
SQLITE_ONLY_ROLES = frozenset({"anonymous", "analyst", "viewer"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL the permission suite's route × role cases run for the admin, who may open
    every page (so every page's queries run on PostgreSQL), and for the scoped roles, whose scope
    filters are the SQL that differs by role. Anonymous asks nothing of the database, and the
    analyst and the viewer read unscoped, the admin's queries: on PostgreSQL those cases would
    run the same SQL again, so they run on SQLite only (about 900 cases of a 15-minute suite)."""
    kept, dropped = [], []
    for item in items:
        spec = getattr(item, "callspec", None)
        if (
            spec is not None
            and getattr(item, "originalname", "") == "test_route_for_role"
            and spec.params.get("shared_sites") == "postgres"
            and spec.params.get("role") in SQLITE_ONLY_ROLES
        ):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@dataclass
class Site:
    engine: Engine
    world: World
    app: FastAPI
    settings: Settings
    #: The event loop thread the clients' requests run on; without one each request starts
    #: (and ends) a thread and an event loop of its own.
    portal: BlockingPortal | None = None

    def client(self) -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")
        client.portal = self.portal
        return client


#: The seeded world of each snapshot key (its database is in tests/snapshots.SNAPSHOTS).
_WORLDS: dict[str, World] = {}


def seeded_world(engine: Engine) -> World:
    """Migrate and seed a new SQLite file: done once per session and password-hash parameters
    (the seed stores hashes, and a login rehashes a hash made with other parameters), then
    copied (tests/snapshots.py) with a private copy of its world."""
    hasher = accounts._hasher
    key = "web-site-" + "-".join(
        str(v) for v in (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len)
    )
    built: list[World] = []

    def build() -> None:
        migrate.upgrade(engine)
        built.append(seed(engine))

    SNAPSHOTS.restore_or_build(engine, key, build)
    if built:
        _WORLDS[key] = built[0]
        return built[0]
    return copy.deepcopy(_WORLDS[key])


def make_site(directory: Path, url: str | None = None, **overrides: object) -> Site:
    if url is None:
        engine = make_engine(f"sqlite:///{directory / 'web.sqlite'}")
        world = seeded_world(engine)
    else:  # a database the caller made (maybe not empty): migrate and seed it for real
        engine = make_engine(url)
        migrate.upgrade(engine)
        world = seed(engine)
    settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789", **overrides)  # type: ignore[arg-type]
    return Site(engine, world, create_app(engine, settings), settings)


@contextmanager
def featured_site(
    factory: pytest.TempPathFactory,
    name: str,
    now: datetime | None = None,
    *,
    url: str | None = None,
) -> Iterator[Site]:
    """The seeded world with its feature objects (seed_features: projects, challenges, appeals,
    declarations; their attachments in the site's own data folder), on the city's clock frozen
    at ``now`` (naive UTC) when given, so the objects were received before the city's today;
    for a module-scoped fixture (``with featured_site(...) as site: yield site``). ``url``: a
    database the caller made (see :func:`make_site`), else a new SQLite file."""
    if now is not None:
        clock.set_source(lambda: now)
    directory = factory.mktemp(name)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("GAODI_DATA_DIR", str(directory))  # where the seed's attachments go
            reset_settings()
            site = make_site(directory, url)
            seed_features(site.engine, site.world)
        reset_settings()
        try:
            yield site
        finally:
            site.engine.dispose()
    finally:
        if now is not None:
            clock.set_source(None)


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One seeded site per test module (for tests that do not change accounts)."""
    site = make_site(tmp_path_factory.mktemp("web-shared"))
    yield site
    site.engine.dispose()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A fresh seeded site for one test."""
    site = make_site(tmp_path)
    yield site
    site.engine.dispose()
