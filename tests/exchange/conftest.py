"""A second, empty database on the same backend as ``db`` (for export -> import round trips)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gaodi.db import make_engine
from tests.snapshots import create_database


@pytest.fixture
def other_db(db: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    # a copy of the session's migrated database (tests/conftest.py), as ``db`` is: running every
    # migration again per test cost seconds and checks nothing the migration tests don't
    if db.dialect.name == "sqlite":
        path = tmp_path / "other.sqlite"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    template = request.getfixturevalue("migrated_postgres")
    admin_url = os.environ["GAODI_TEST_POSTGRES_URL"]
    name = f"gaodi_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        create_database(conn, name, template=template)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
