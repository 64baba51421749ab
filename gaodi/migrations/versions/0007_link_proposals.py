"""link proposals: a chain office proposes an enterprise for a link, the bureau approves

Revision ID: 0007_link_proposals
Revises: 0006_login_throttle
Create Date: 2026-12-04 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_link_proposals"
down_revision: str | Sequence[str] | None = "0006_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_link_proposal_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["link.id"], name=op.f("fk_link_proposal_link_id_link"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_proposal")),
    )
    with op.batch_alter_table("link_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_proposal_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_link_proposal_link_status", ["link_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_link_proposal_link_status")
        batch_op.drop_index(batch_op.f("ix_link_proposal_enterprise_id"))
    op.drop_table("link_proposal")
