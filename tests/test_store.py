"""The store: its location, and its schema brought up to date by Alembic migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from loanwatch.api import Loanwatch
from loanwatch.store.engine import DEFAULT_STORE_FILE, alembic_config, resolve_store_url


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
