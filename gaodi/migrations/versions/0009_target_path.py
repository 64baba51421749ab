"""target path: how a target is judged (auto / linear / compound / milestone), stored

Revision ID: 0009_target_path
Revises: 0008_tier_facts
Create Date: 2026-12-04 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_target_path"
down_revision: str | Sequence[str] | None = "0008_tier_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # additive: existing targets keep 'auto' (the rule file's inference, as before)
    with op.batch_alter_table("target") as batch:
        batch.add_column(
            sa.Column("path", sa.String(length=12), nullable=False, server_default="auto")
        )


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_column("path")
