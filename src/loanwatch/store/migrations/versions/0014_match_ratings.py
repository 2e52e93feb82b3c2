"""match ratings: which model version rated each match

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_ratings",
        sa.Column("match_id", sa.Integer, sa.ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rated_at", sa.DateTime, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_match_ratings_model", "match_ratings", ["model_id"])
    # A store trained before 0014 rated every match with the newest model of each kind: say so, so
    # that the incremental step (`loanwatch update`) does not take every match for a new one.
    bind = op.get_bind()
    latest = bind.execute(
        sa.text(
            "SELECT m.kind, m.id, m.trained_at FROM models m WHERE m.version = "
            "(SELECT MAX(n.version) FROM models n WHERE n.kind = m.kind)"
        )
    ).all()
    for kind, model_id, trained_at in latest:
        bind.execute(
            sa.text(
                "INSERT INTO match_ratings (match_id, kind, model_id, rated_at) "
                "SELECT DISTINCT match_id, :kind, :model_id, :rated_at FROM action_values "
                "WHERE model_id = :model_id"
            ),
            {"kind": kind, "model_id": model_id, "rated_at": trained_at},
        )


def downgrade() -> None:
    op.drop_index("ix_match_ratings_model", table_name="match_ratings")
    op.drop_table("match_ratings")
