"""Fixtures of the web tests: a seeded database and the app on it (see seed.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2.profiles import CHEAPEST
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from gaodi import migrate
from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.db import make_engine
from gaodi.web.app import create_app
from tests.web.seed import World, seed


@dataclass
class Site:
    engine: Engine
    world: World
    app: FastAPI
    settings: Settings

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")


def make_site(directory: Path, url: str | None = None, **overrides: object) -> Site:
    engine = make_engine(url or f"sqlite:///{directory / 'web.sqlite'}")
    migrate.upgrade(engine)
    world = seed(engine)
    settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789", **overrides)  # type: ignore[arg-type]
    return Site(engine, world, create_app(engine, settings), settings)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """argon2 at its cheapest: the web tests sign in hundreds of times (real parameters are
    tested in tests/accounts)."""
    accounts.set_hash_parameters(CHEAPEST)
    yield
    accounts.set_hash_parameters(None)


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
