"""reads per player: indexes, per-season aggregates

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-02 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

COUNT_METRICS = (
    "goals",
    "assists",
    "shots",
    "key_passes",
    "progressive_passes",
    "progressive_carries",
    "dribbles",
    "tackles",
    "interceptions",
    "recoveries",
    "duels_won",
    "aerials_won",
)
VALUE_METRICS = ("xg", "xa", "vaep", "vaep_offensive", "vaep_defensive", "xt")
GOALKEEPER_COUNTS = (
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
INDEXES = (
    ("ix_matches_home_club_kickoff", "matches", ["home_club_id", "kickoff"]),
    ("ix_matches_away_club_kickoff", "matches", ["away_club_id", "kickoff"]),
    ("ix_matches_season", "matches", ["season_id"]),
    ("ix_fixtures_home_club_kickoff", "fixtures", ["home_club_id", "kickoff"]),
    ("ix_fixtures_away_club_kickoff", "fixtures", ["away_club_id", "kickoff"]),
)


def _per_player_season(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.ForeignKeyConstraint(["competition_id"], ["competitions.id"]),
        sa.PrimaryKeyConstraint("season_id", "player_id"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    # Empty until the metrics step writes them (models train, update): a store trained before
    # 0015 reads its season's per-match stats instead (metrics/compute.season_reference).
    _per_player_season(
        "season_player_totals",
        *(sa.Column(n, sa.Float(), nullable=True) for n in (*COUNT_METRICS, *VALUE_METRICS)),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("role_share", sa.Float(), nullable=True),
    )
    _per_player_season(
        "season_goalkeeper_totals", *(sa.Column(n, sa.Float(), nullable=True) for n in GOALKEEPER_COUNTS)
    )


def downgrade() -> None:
    op.drop_table("season_goalkeeper_totals")
    op.drop_table("season_player_totals")
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
