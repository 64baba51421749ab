"""Migrations build the schema on empty SQLite and PostgreSQL databases and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from gaodi import migrate
from gaodi.db import make_engine
from gaodi.models import Base


def test_upgrade_builds_every_table(backend_url: str) -> None:
    engine = make_engine(backend_url)
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_models_and_migrations_agree(backend_url: str) -> None:
    engine = make_engine(backend_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree; run `gaodi db revision`: {diff}"


def test_downgrade_to_base_and_up_again(backend_url: str) -> None:
    engine = make_engine(backend_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert "enterprise" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert "enterprise" in inspect(engine).get_table_names()
    engine.dispose()


def test_audit_log_is_append_only_in_the_database(backend_url: str) -> None:
    engine = make_engine(backend_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (at, actor, entity, action) "
                "VALUES (CURRENT_TIMESTAMP, 'a', 'park', 'create')"
            )
        )
    for statement in ("UPDATE audit_event SET actor = 'b'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_event")).scalar_one() == "a"
    engine.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()
