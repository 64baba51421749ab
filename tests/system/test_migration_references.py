"""Schema changes keep the rows that point at a changed table (SQLite).

Alembic changes a SQLite table by copying it and dropping the old one; with foreign keys
enforced, dropping the old table cascaded to every row pointing at it (found while adding
reviewer membership dates: a rebuild of challenge_reviewer would have deleted every declaration
and score). ``gaodi.migrate.migrating`` runs schema changes with enforcement off and checks every
reference before it commits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from gaodi.db import make_engine
from gaodi.migrate import MigrationBrokeReferences, migrating


def _world(tmp_path: Path) -> sa.Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, "
            "parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE)"
        )
        conn.exec_driver_sql("INSERT INTO parent VALUES (1, 'a'), (2, 'b')")
        conn.exec_driver_sql("INSERT INTO child VALUES (10, 1), (11, 1), (12, 2)")
    return engine


def _rebuild_parent(conn: sa.Connection) -> None:
    """What a migration does to change a column's type or drop a constraint on SQLite."""
    ops = Operations(MigrationContext.configure(conn))
    with ops.batch_alter_table("parent", recreate="always") as batch:
        batch.add_column(sa.Column("note", sa.String(20)))


def test_rebuilding_a_parent_table_keeps_its_children(tmp_path: Path) -> None:
    engine = _world(tmp_path)
    with migrating(engine) as conn:
        _rebuild_parent(conn)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 3
        # enforcement is back on for the connections the application then uses
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_hazard_is_real_with_enforcement_on(tmp_path: Path) -> None:
    """The same rebuild in a plain transaction (what upgrades did) loses the children."""
    engine = _world(tmp_path)
    with engine.begin() as conn:
        _rebuild_parent(conn)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0
    engine.dispose()


def test_a_change_leaving_a_dangling_reference_is_rolled_back(tmp_path: Path) -> None:
    engine = _world(tmp_path)
    with pytest.raises(MigrationBrokeReferences, match="child row"), migrating(engine) as conn:
        conn.exec_driver_sql("DELETE FROM parent WHERE id = 1")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM parent").scalar() == 2
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 3
    engine.dispose()
