"""a challenge reviewer's membership: when they joined, when and why they left the panel

Revision ID: 0012_reviewer_membership
Revises: 0011_target_reading
Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012_reviewer_membership"
down_revision: str | Sequence[str] | None = "0011_target_reading"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the tables as this revision knows them (not the models, which move on)
reviewer = sa.table(
    "challenge_reviewer",
    sa.column("id", sa.Integer()),
    sa.column("challenge_id", sa.Integer()),
    sa.column("username", sa.String()),
    sa.column("added_at", sa.DateTime()),
)
challenge = sa.table(
    "challenge", sa.column("id", sa.Integer()), sa.column("created_at", sa.DateTime())
)
audit_event = sa.table(
    "audit_event",
    sa.column("at", sa.DateTime()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("after", sa.JSON()),
)


def _joined(conn: Any) -> list[dict[str, Any]]:
    """When each existing reviewer joined: the audit log's ``create`` entry of the row (the
    latest one naming the same challenge and account: an id can come back after a delete or a
    demo rebuild, and the log outlives both), else the challenge's creation."""
    created: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
    for entity_id, at, after in conn.execute(
        sa.select(audit_event.c.entity_id, audit_event.c.at, audit_event.c.after).where(
            audit_event.c.entity == "challenge_reviewer", audit_event.c.action == "create"
        )
    ):
        created.setdefault(str(entity_id), []).append((at, after or {}))
    opened = dict(conn.execute(sa.select(challenge.c.id, challenge.c.created_at)).all())
    out = []
    for rid, cid, username in conn.execute(
        sa.select(reviewer.c.id, reviewer.c.challenge_id, reviewer.c.username)
    ):
        seen = [
            at
            for at, after in created.get(str(rid), [])
            if after.get("challenge_id") == cid and after.get("username") == username
        ]
        out.append({"rid": rid, "at": max(seen) if seen else opened.get(cid)})
    return out


def upgrade() -> None:
    # recreate="never": on SQLite a rebuilt table is dropped first, and dropping it with
    # foreign keys on cascade-deletes every declaration and score of the panel. So the columns
    # are only added (added_at stays nullable in the schema; every row gets a value here)
    with op.batch_alter_table("challenge_reviewer", recreate="never") as batch:
        batch.add_column(sa.Column("added_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removal_reason", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = [r for r in _joined(conn) if r["at"] is not None]
    if rows:
        conn.execute(
            reviewer.update()
            .where(reviewer.c.id == sa.bindparam("rid"))
            .values(added_at=sa.bindparam("at")),
            rows,
        )


def downgrade() -> None:
    # before this revision a removed reviewer was deleted with their declarations and scores
    # (the audit log keeps them); kept rows would otherwise come back onto the current panel
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM challenge_reviewer WHERE removed_at IS NOT NULL"))
    with op.batch_alter_table("challenge_reviewer", recreate="never") as batch:
        batch.drop_column("removal_reason")
        batch.drop_column("removed_at")
        batch.drop_column("added_at")
