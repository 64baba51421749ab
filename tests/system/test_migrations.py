"""Migrations build the schema on empty SQLite and PostgreSQL databases and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gaodi import migrate
from gaodi.db import make_engine
from gaodi.enterprises.models import Enterprise, TierDeclaration
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


def test_one_open_declaration_upgrade_stops_naming_twins(backend_url: str) -> None:
    """0015 puts a partial unique index on open declarations; a database that already holds two
    open ones of an enterprise and year (a race of the old code) is left as it was and the
    upgrade says which, in words, instead of failing on the index or closing one itself."""
    engine = make_engine(backend_url)
    migrate.upgrade(engine, "0014_demo_clock_anchor")
    # the tables of 0014 are the models' (0015 adds only the index): the ORM fills them
    with Session(engine) as s, s.begin():
        firm = Enterprise(uscc="91430100MA4L000000", name="示例企业", is_demo=True)
        s.add(firm)
        s.flush()
        eid = firm.id
        for status in ("draft", "submitted", "approved"):
            s.add(TierDeclaration(enterprise_id=eid, year=2023, status=status, facts={}))
    with pytest.raises(RuntimeError, match=rf"enterprise {eid}, 2023: 2.*同一企业同一年"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "0014_demo_clock_anchor"
    with engine.begin() as conn:  # leave one open: the upgrade goes through
        conn.execute(text("UPDATE tier_declaration SET status = 'approved' WHERE status = 'draft'"))
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
