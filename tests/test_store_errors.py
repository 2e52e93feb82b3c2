"""Store problems are one line naming the store and a non-zero status (3), never a traceback.

Full disk is simulated with SQLite's ``PRAGMA max_page_count`` (set on every new connection
through SQLAlchemy's ``connect`` event for the test's duration): SQLite then fails exactly as on
a full disk (SQLITE_FULL, "database or disk is full"). A read-only store is a file on a tmpfs
remounted read-only when the tests run as root (root writes through file permissions), or a file
and folder without write permission otherwise.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from typer.testing import CliRunner

from conftest import copy_sample
from loanwatch.api import SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.cli import app
from loanwatch.store.errors import StoreError, StoreFull, UnknownStoreKind

STORE_ERROR_STATUS = StoreError.exit_status


def _cli(args: list[str]) -> Any:
    return CliRunner().invoke(app, args, env={"COLUMNS": "400"})


def _one_line_error(result: Any, *words: str) -> str:
    assert result.exit_code == STORE_ERROR_STATUS, result.output
    assert "Traceback" not in result.output
    # One line (after the progress bar, for a command that shows one).
    lines = [line for line in result.output.splitlines() if line.strip() and "━" not in line]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_folder_as_the_store(tmp_path: Path) -> None:
    _one_line_error(_cli(["portfolio", "list", "--store", str(tmp_path)]), str(tmp_path), "is a folder")


def test_a_junk_file_as_the_store(tmp_path: Path) -> None:
    junk = tmp_path / "players.csv"
    junk.write_text("name,club\nOrsolini,Atalanta\n" * 50)
    _one_line_error(_cli(["portfolio", "list", "--store", str(junk)]), str(junk), "not a loanwatch store")
    assert junk.read_text().startswith("name,club")  # left as it was


def test_an_unknown_url_scheme() -> None:
    _one_line_error(_cli(["portfolio", "list", "--store", "mongodb://localhost/lw"]), "mongodb")
    with pytest.raises(UnknownStoreKind):
        Loanwatch("ftp://example.invalid/store.db")


def test_an_unreachable_postgresql() -> None:
    url = "postgresql+psycopg://loanwatch:secret@127.0.0.1:1/loanwatch"  # port 1: nothing listens
    line = _one_line_error(_cli(["portfolio", "list", "--store", url]), "cannot reach", "127.0.0.1:1")
    assert "secret" not in line


@pytest.fixture()
def read_only_store(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        store = folder / "loanwatch.db"
        Loanwatch(str(store)).store.engine.dispose()
        store.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield store
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)]).returncode:
        pytest.skip("running as root and cannot mount a tmpfs to make a read-only store")
    try:
        store = folder / "loanwatch.db"
        Loanwatch(str(store)).store.engine.dispose()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield store
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_store(read_only_store: Path) -> None:
    args = ["portfolio", "import", str(SAMPLE_PORTFOLIO), "--store", str(read_only_store)]
    _one_line_error(_cli(args), str(read_only_store), "cannot be written")


@pytest.fixture()
def size_limit() -> Iterator[None]:
    """Every SQLite connection opened meanwhile may grow its file to 120 pages (480 kB)."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=120")

    event.listen(Engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(Engine, "connect", limit)


def test_a_full_store(tmp_path: Path, size_limit: None) -> None:
    folder = copy_sample(tmp_path / "data", ["2575959", "2575960"])
    store = tmp_path / "loanwatch.db"
    _one_line_error(_cli(["ingest", str(folder), "--store", str(store)]), str(store), "is full")
    with pytest.raises(StoreFull):
        Loanwatch(str(store)).ingest([folder])


def test_a_full_store_keeps_what_was_stored(tmp_path: Path) -> None:
    """Out of space at the first setup or in mid-ingest: once there is room, a rerun completes."""
    folder = copy_sample(tmp_path / "data", ["2575959"])
    store = tmp_path / "loanwatch.db"

    def tiny(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=8")  # less than the schema needs

    event.listen(Engine, "connect", tiny)
    try:
        _one_line_error(_cli(["portfolio", "list", "--store", str(store)]), "is full")
    finally:
        event.remove(Engine, "connect", tiny)
    result = _cli(["ingest", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert Loanwatch(str(store)).store.counts()["matches"] == 1
