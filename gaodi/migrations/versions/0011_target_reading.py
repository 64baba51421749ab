"""target size class and annual mark, as the extraction read them (issue [10])

Revision ID: 0011_target_reading
Revises: 0010_tier_lists
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_target_reading"
down_revision: str | Sequence[str] | None = "0010_tier_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # additive: existing targets have no class and are not annual (as they were judged)
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("size_class", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("annual", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_column("annual")
        batch.drop_column("size_class")
