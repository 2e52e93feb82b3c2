"""similar players: action-start counts per player and competition-season

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "style_partitions",
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("season_id"),
    )
    op.create_table(
        "style_counts",
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("action_group", sa.String(16), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.PrimaryKeyConstraint("season_id", "player_id", "action_group"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("style_counts")
    op.drop_table("style_partitions")
