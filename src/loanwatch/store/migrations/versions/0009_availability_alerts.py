"""availability alerts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # availability: may the loanee play against the club that owns him (the loan's terms; NULL:
    # the competition's rule, tracking/eligibility.toml)
    with op.batch_alter_table("loan_spells", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligible_vs_owner", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loan_spells", schema=None) as batch_op:
        batch_op.drop_column("eligible_vs_owner")
