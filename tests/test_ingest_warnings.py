"""Data-quality warnings of stored matches: their stored form, the migration of older text, the
score-mismatch override on the Wyscout path, and the exit statuses of `loanwatch ingest`."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_input"))

import build  # noqa: E402  (tests/bad_input/build.py)

from conftest import copy_sample  # noqa: E402
from loanwatch.api import Loanwatch  # noqa: E402
from loanwatch.cli import app  # noqa: E402
from loanwatch.domain import DataWarning, warnings_from_json, warnings_to_json  # noqa: E402
from loanwatch.store.engine import alembic_config  # noqa: E402

LEGACY = (
    "match 2575959: goals in the events {'3172': 0, '3158': 0} differ from the sheet's score "
    "{'3172': 0, '3158': 1}"
)


def test_warnings_round_trip() -> None:
    ws = [DataWarning("duplicate_events", {"count": 3, "first_event_id": "7"}, "3 repeated events")]
    assert warnings_to_json([]) == ""
    assert warnings_from_json(warnings_to_json(ws)) == ws
    assert warnings_from_json("") == []
    assert warnings_from_json("one\ntwo") == [DataWarning("note", {}, "one"), DataWarning("note", {}, "two")]


def test_migration_0007_rewrites_older_text_warnings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    lw = Loanwatch(url)
    assert lw.ingest([copy_sample(tmp_path / "data", ["2575959"])]).matches == 1
    cfg = alembic_config(url)
    with lw.store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        conn.execute(text("UPDATE matches SET warnings = :w"), {"w": LEGACY})  # as 0002..0006 wrote it
        command.upgrade(cfg, "head")
        stored = conn.execute(text("SELECT warnings FROM matches")).scalar()
    assert warnings_from_json(stored) == [DataWarning("score_mismatch", {}, LEGACY)]
    with lw.store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        assert conn.execute(text("SELECT warnings FROM matches")).scalar() == LEGACY
        command.upgrade(cfg, "head")


def test_accept_score_mismatch_on_the_wyscout_path(tmp_path: Path) -> None:
    """A real match whose first-half goal tags were removed: rejected, then stored with
    ``--accept-score-mismatch``, the sheet's score kept and the difference named."""
    delivery = build.Delivery(tmp_path / "delivery")
    build.MUTATIONS["goal_tag_removed"](delivery)
    db = str(tmp_path / "store.db")
    refused = CliRunner().invoke(app, ["ingest", str(delivery.root), "--store", db])
    assert refused.exit_code == 1 and "--accept-score-mismatch" in " ".join(refused.output.split())
    accepted = CliRunner().invoke(
        app, ["ingest", str(delivery.root), "--store", db, "--accept-score-mismatch"]
    )
    assert accepted.exit_code == 0, accepted.output
    with Loanwatch(db).store.engine.connect() as conn:
        row = conn.execute(
            text("SELECT home_score, away_score, warnings FROM matches WHERE provider_id = :m"),
            {"m": build.TARGET},
        ).one()
    assert (row.home_score, row.away_score) == (1, 3)
    (w,) = warnings_from_json(row.warnings)
    assert w.code == "score_mismatch"
    assert w.params == {"events_home": 1, "events_away": 2, "sheet_home": 1, "sheet_away": 3}


def test_ingest_help_documents_the_exit_statuses() -> None:
    result = CliRunner().invoke(app, ["ingest", "--help"])
    out = " ".join(result.output.split())
    assert "Exit status: 0 when every input landed" in out
    assert "1 when something was rejected" in out
