"""A second, empty database on the same backend as ``db`` (for export -> import round trips)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gaodi import migrate
from gaodi.db import make_engine


@pytest.fixture
def other_db(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    if db.dialect.name == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
        migrate.upgrade(engine)
        yield engine
        engine.dispose()
        return
    admin_url = os.environ["GAODI_TEST_POSTGRES_URL"]
    name = f"gaodi_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
