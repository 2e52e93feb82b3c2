"""The store: its location, and its schema brought up to date by Alembic migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from loanwatch.api import Loanwatch
from loanwatch.store import writer_lock
from loanwatch.store.engine import DEFAULT_STORE_FILE, alembic_config, head_revision, resolve_store_url


def test_store_location_from_flag_env_or_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOANWATCH_STORE", raising=False)
    assert resolve_store_url() == f"sqlite:///{tmp_path / DEFAULT_STORE_FILE}"
    monkeypatch.setenv("LOANWATCH_STORE", "elsewhere.db")
    assert resolve_store_url() == f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert resolve_store_url("flag.db") == f"sqlite:///{tmp_path / 'flag.db'}"
    url = "postgresql+psycopg://user:secret@localhost/lw"
    assert resolve_store_url(url) == url


def test_an_older_store_is_migrated_with_its_data(tmp_path: Path) -> None:
    """A store made by the first schema (0001) gains the later columns and keeps its rows."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO watchlists (name) VALUES ('U21 forwards')"))
    assert "warnings" not in {c["name"] for c in inspect(engine).get_columns("matches")}

    lw = Loanwatch(url)  # opening a store brings it to the latest schema
    with lw.store.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM watchlists")).scalar() == "U21 forwards"
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert "warnings" in {c["name"] for c in inspect(lw.store.engine).get_columns("matches")}
    assert version == ScriptDirectory.from_config(cfg).get_current_head()


def test_migrations_build_exactly_the_schema(tmp_path: Path) -> None:
    """The tables the code describes (schema.py) are the ones the Alembic migrations create."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from loanwatch.store.schema import metadata

    lw = Loanwatch(str(tmp_path / "new.db"))
    with lw.store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_players_and_clubs_are_stored_field_for_field() -> None:
    """The store writes a Player or a Club as its row, one column per field (store/players.py):
    a field and a column must not drift apart."""
    from dataclasses import fields

    from loanwatch.domain import Club, Player
    from loanwatch.store import schema as t

    for record, table in ((Player, t.players), (Club, t.clubs)):
        assert [f.name for f in fields(record)] == [c.name for c in table.columns if c.name != "id"]


# A child that opens a new store and kills itself (SIGKILL) right after its Nth CREATE statement.
_KILL_AT_CREATE = """
import os, signal, sys
from sqlalchemy import Engine, event
seen = [0]
def after(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("CREATE"):
        seen[0] += 1
        if seen[0] == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
event.listen(Engine, "after_cursor_execute", after)
from loanwatch.api import Loanwatch
Loanwatch(sys.argv[1])
"""


@pytest.mark.parametrize("creates", [1, 12, 26])  # 26: the last CREATE of 0001..0005
def test_a_kill_during_the_first_setup_leaves_nothing_and_the_next_open_completes(
    tmp_path: Path, creates: int
) -> None:
    """Schema setup is one transaction: killed after its first, 12th or last CREATE, the store
    holds no table at all (SQLite rolls the transaction back), and opening it again sets it up."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from loanwatch.store.schema import metadata

    store = tmp_path / "new.db"
    child = subprocess.run([sys.executable, "-c", _KILL_AT_CREATE, str(store), str(creates)], check=False)
    assert child.returncode == -9
    con = sqlite3.connect(store)
    assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    con.close()

    lw = Loanwatch(str(store))
    with lw.store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


def test_an_up_to_date_store_is_opened_without_the_writer_lock(tmp_path: Path) -> None:
    """Reading commands never wait for a long ingest: the lock is taken only to migrate."""
    lw = Loanwatch(str(tmp_path / "loanwatch.db"))
    with writer_lock(lw.store.engine):
        opened: list[Loanwatch] = []
        reader = threading.Thread(target=lambda: opened.append(Loanwatch(lw.url)))
        reader.start()
        reader.join(timeout=30)
        assert opened, "opening an up-to-date store waited for the writer lock"
        assert opened[0].store.counts()["matches"] == 0
