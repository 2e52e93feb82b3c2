"""store robustness

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # reserved for: the store's setup and locking
    pass


def downgrade() -> None:
    pass
