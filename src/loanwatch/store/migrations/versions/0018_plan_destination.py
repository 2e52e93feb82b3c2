"""market plan: a loan-out's destination club; the squad file's role of a player

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 04:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Where a decision sends the player (issue 11): the host club of a loan-out (``--to``), the
    # host kept by an extension; NULL: not given. The rules check reads its country.
    with op.batch_alter_table("plan_decisions") as batch:
        batch.add_column(sa.Column("destination", sa.Text(), nullable=True))
    # The role the club's squad file gives a player (domain.ROLES; NULL: not given): where the data
    # has no match of his (a goalkeeper on loan in Serie B), the depth chart places him by it.
    with op.batch_alter_table("squad_players") as batch:
        batch.add_column(sa.Column("role", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("squad_players") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("plan_decisions") as batch:
        batch.drop_column("destination")
