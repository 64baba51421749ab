"""tier lists: science awards, honours with their validity, industry profit margins

Revision ID: 0010_tier_lists
Revises: 0009_target_path
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_tier_lists"
down_revision: str | Sequence[str] | None = "0009_target_path"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enterprise_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["enterprise_id"],
        ["enterprise.id"],
        name=op.f(f"fk_{table}_enterprise_id_enterprise"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "tier_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("unit_rank", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _enterprise_fk("tier_award"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_award")),
    )
    with op.batch_alter_table("tier_award", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_award_enterprise_id"), ["enterprise_id"], unique=False
        )
    op.create_table(
        "tier_honour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _enterprise_fk("tier_honour"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_honour")),
    )
    with op.batch_alter_table("tier_honour", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_honour_enterprise_id"), ["enterprise_id"], unique=False
        )
    op.create_table(
        "industry_margin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("industry_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_margin")),
        sa.UniqueConstraint(
            "industry_code", "year", name=op.f("uq_industry_margin_industry_code_year")
        ),
    )


def downgrade() -> None:
    op.drop_table("industry_margin")
    with op.batch_alter_table("tier_honour", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_honour_enterprise_id"))
    op.drop_table("tier_honour")
    with op.batch_alter_table("tier_award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_award_enterprise_id"))
    op.drop_table("tier_award")
