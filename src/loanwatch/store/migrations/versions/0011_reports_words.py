"""reports words

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The player's passport and birth areas as the provider codes them (ISO alpha-2, or Wyscout's
    # alpha-3 for the home nations: XEN England, XSC Scotland, ...): nationality shown in the reader's
    # language, and a second nationality where they differ. Filled by the next ingest of players.json.
    # Plain ALTER TABLE (SQLite and PostgreSQL both add and drop columns in place): a batch copy of
    # ``players`` would drop a table that every other table references.
    op.add_column("players", sa.Column("passport_area", sa.String(8), server_default="", nullable=False))
    op.add_column("players", sa.Column("birth_area", sa.String(8), server_default="", nullable=False))


def downgrade() -> None:
    op.drop_column("players", "birth_area")
    op.drop_column("players", "passport_area")
