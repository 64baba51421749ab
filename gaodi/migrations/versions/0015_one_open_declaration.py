"""one open declaration: an enterprise has at most one open 梯度申报 (draft, submitted or
returned) a year, held by a partial unique index as well as by the service's check, which two
people opening one at the same moment could both pass

A database that already holds two open declarations of one enterprise and year (only such a
race could make them) is not changed: the upgrade stops and names them, so a person decides
which one stays open before upgrading again.

Revision ID: 0015_one_open_declaration
Revises: 0014_demo_clock_anchor
Create Date: 2026-12-07 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_one_open_declaration"
down_revision: str | Sequence[str] | None = "0014_demo_clock_anchor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('draft', 'submitted', 'returned')"


def upgrade() -> None:
    twins = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT enterprise_id, year, COUNT(*) AS n FROM tier_declaration "
                f"WHERE {OPEN} GROUP BY enterprise_id, year HAVING COUNT(*) > 1 "
                "ORDER BY enterprise_id, year"
            )
        )
        .all()
    )
    if twins:
        listed = "; ".join(f"enterprise {e}, {y}: {n}" for e, y, n in twins)
        raise RuntimeError(
            "tier_declaration holds more than one open declaration of an enterprise and year "
            f"({listed}); leave one of each open and upgrade again. / 同一企业同一年有多份"
            f"未完成的申报（{listed}），请只保留一份未完成的申报后再升级。"
        )
    with op.batch_alter_table("tier_declaration", schema=None) as batch_op:
        batch_op.create_index(
            "uq_tier_declaration_open",
            ["enterprise_id", "year"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )


def downgrade() -> None:
    with op.batch_alter_table("tier_declaration", schema=None) as batch_op:
        batch_op.drop_index("uq_tier_declaration_open")
