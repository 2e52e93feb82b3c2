"""loan ledger

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # What the import noticed about a spell (JSON list of {"kind": ..., ...}): an appearance for
    # the host club before the listed start, a trigger it could not read, a byte not in UTF-8.
    with op.batch_alter_table("loan_spells", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("loan_spells", schema=None) as batch_op:
        batch_op.drop_column("warnings")
