"""ingest quality: matches.warnings becomes a JSON list of named warnings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:20:00

``matches.warnings`` was free text, one line per check the user overrode (0002). It now holds ""
or a JSON list of ``{"code", "params", "text"}`` (``loanwatch.domain.DataWarning``; codes in
``loanwatch.ingest.errors``). No column changes: existing text is rewritten as warnings of code
``score_mismatch`` (the only check that could be overridden before) or ``note``.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_matches = sa.table("matches", sa.column("id", sa.Integer), sa.column("warnings", sa.Text))


def _as_json(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.strip():
            code = "score_mismatch" if "differ from the sheet's score" in line else "note"
            out.append({"code": code, "params": {}, "text": line.strip()})
    return json.dumps(out, ensure_ascii=False) if out else ""


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_matches.c.id, _matches.c.warnings).where(_matches.c.warnings != "")).all()
    for row in rows:
        if not row.warnings.lstrip().startswith("["):
            conn.execute(
                sa.update(_matches).where(_matches.c.id == row.id).values(warnings=_as_json(row.warnings))
            )


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_matches.c.id, _matches.c.warnings).where(_matches.c.warnings != "")).all()
    for row in rows:
        try:
            doc = json.loads(row.warnings)
        except ValueError:
            continue
        if isinstance(doc, list):
            text = "\n".join(str(w.get("text", "")) for w in doc if isinstance(w, dict))
            conn.execute(sa.update(_matches).where(_matches.c.id == row.id).values(warnings=text))
