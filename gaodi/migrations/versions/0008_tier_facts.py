"""tier facts: enterprise-year inputs of the tier rules with their source, declarations (申报)
with their history, evidence files

Revision ID: 0008_tier_facts
Revises: 0007_link_proposals
Create Date: 2026-12-04 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_tier_facts"
down_revision: str | Sequence[str] | None = "0007_link_proposals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tier_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_tier_declaration_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_declaration")),
    )
    with op.batch_alter_table("tier_declaration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_declaration_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tier_declaration_status"), ["status"], unique=False)

    op.create_table(
        "tier_declaration_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["tier_declaration.id"],
            name=op.f("fk_tier_declaration_event_declaration_id_tier_declaration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_declaration_event")),
    )
    with op.batch_alter_table("tier_declaration_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_declaration_event_declaration_id"), ["declaration_id"], unique=False
        )

    op.create_table(
        "tier_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("declaration_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["tier_declaration.id"],
            name=op.f("fk_tier_evidence_declaration_id_tier_declaration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_tier_evidence_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_evidence")),
    )
    with op.batch_alter_table("tier_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_evidence_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tier_evidence_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "tier_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["tier_declaration.id"],
            name=op.f("fk_tier_fact_declaration_id_tier_declaration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_tier_fact_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_fact")),
        sa.UniqueConstraint(
            "enterprise_id", "year", "field", name=op.f("uq_tier_fact_enterprise_id_year_field")
        ),
    )
    with op.batch_alter_table("tier_fact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_fact_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tier_fact_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tier_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_fact_year"))
        batch_op.drop_index(batch_op.f("ix_tier_fact_enterprise_id"))

    op.drop_table("tier_fact")
    with op.batch_alter_table("tier_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_evidence_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tier_evidence_declaration_id"))

    op.drop_table("tier_evidence")
    with op.batch_alter_table("tier_declaration_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_declaration_event_declaration_id"))

    op.drop_table("tier_declaration_event")
    with op.batch_alter_table("tier_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_declaration_status"))
        batch_op.drop_index(batch_op.f("ix_tier_declaration_enterprise_id"))

    op.drop_table("tier_declaration")
