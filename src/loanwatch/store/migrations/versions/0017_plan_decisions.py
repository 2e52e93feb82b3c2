"""market plan decisions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The market plan's decisions (issue 11): one row per player of a named plan of an owner club
    # for a season (recall, extend, sell, loan-out, sign, integrate, develop), with who and when.
    op.create_table(
        "plan_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("season", sa.String(length=7), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "season", "plan", "player_id", name="uq_plan_decisions_player"),
    )


def downgrade() -> None:
    op.drop_table("plan_decisions")
