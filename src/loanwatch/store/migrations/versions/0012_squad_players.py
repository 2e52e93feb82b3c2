"""squad players

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The owner club's squad as the club keeps it (loanwatch squad import): contract end, training
    # status, EU status, wage; NULL is "not known".
    op.create_table(
        "squad_players",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_club", sa.Text(), nullable=False),
        sa.Column("season", sa.String(length=16), nullable=False),
        sa.Column("player_key", sa.Text(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=True),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("club_trained", sa.Boolean(), nullable=True),
        sa.Column("club_trained_years", sa.Integer(), nullable=True),
        sa.Column("association_trained", sa.Boolean(), nullable=True),
        sa.Column("association_trained_years", sa.Integer(), nullable=True),
        sa.Column("eu", sa.Boolean(), nullable=True),
        sa.Column("wage_eur", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "owner_club", "season", "player_key", name="uq_squad_players_owner_season_player"
        ),
    )


def downgrade() -> None:
    op.drop_table("squad_players")
