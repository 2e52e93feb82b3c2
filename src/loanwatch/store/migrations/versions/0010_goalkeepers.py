"""goalkeepers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


COUNTS = (
    "shots_faced",
    "saves",
    "goals_conceded",
    "own_goals_conceded",
    "penalties_faced",
    "penalty_goals",
    "xg_faced",
    "claims",
    "sweeps",
    "passes",
    "passes_accurate",
    "long_passes",
    "long_passes_accurate",
)


def upgrade() -> None:
    op.create_table(
        "goalkeeper_match_stats",
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in COUNTS),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.PrimaryKeyConstraint("match_id", "player_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_goalkeeper_match_stats_player", "goalkeeper_match_stats", ["player_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_goalkeeper_match_stats_player", table_name="goalkeeper_match_stats")
    op.drop_table("goalkeeper_match_stats")
