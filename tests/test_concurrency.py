"""Two loanwatch runs on one SQLite store at once: both complete, or the second waits for the first
and says so; the store ends equal to one clean run (tests/store_dump.py). PostgreSQL: the same in
tests/test_postgres.py."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import copy_sample
from loanwatch.api import Loanwatch
from loanwatch.store import WAIT_MESSAGE, writer_lock
from store_dump import digest

MATCH_IDS = ["2575959", "2575960", "2575961"]  # Serie A 2017/18, round 1


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("concurrency") / "data", MATCH_IDS)


@pytest.fixture(scope="module")
def clean(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """What one clean run stores."""
    lw = Loanwatch(str(tmp_path_factory.mktemp("clean") / "loanwatch.db"))
    assert lw.ingest([sample]).rejected == 0
    return digest(lw.store.engine)


def start_ingest(folder: Path, store: str) -> subprocess.Popen[str]:
    """``loanwatch ingest FOLDER --store STORE`` in its own process."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "loanwatch.cli", "ingest", str(folder), "--store", store],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "COLUMNS": "200"},
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


def test_two_ingests_on_a_new_store_end_as_one_clean_run(
    sample: Path, clean: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    """Both start on a store that does not exist yet: one sets it up, the other waits; both exit 0."""
    store = tmp_path / "loanwatch.db"
    procs = [start_ingest(sample, str(store)) for _ in range(2)]
    results = [finish(p) for p in procs]
    for status, output in results:
        assert status == 0, output
        assert "Traceback" not in output
    assert digest(Loanwatch(str(store)).store.engine) == clean


def test_a_writing_run_waits_for_the_one_holding_the_store(
    sample: Path, clean: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    store = tmp_path / "loanwatch.db"
    lw = Loanwatch(str(store))
    stderr: list[str] = []
    with writer_lock(lw.store.engine):  # another run holds the store
        proc = start_ingest(sample, str(store))
        assert proc.stderr is not None
        reader = threading.Thread(target=lambda: stderr.extend(proc.stderr or []), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any(WAIT_MESSAGE in line for line in stderr) and time.monotonic() < deadline:
            assert proc.poll() is None, "".join(stderr)
            time.sleep(0.05)
        assert any(WAIT_MESSAGE in line for line in stderr), "".join(stderr)
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting
        assert lw.store.counts()["matches"] == 0
    assert proc.wait(timeout=300) == 0, "".join(stderr)
    reader.join(timeout=10)
    assert digest(lw.store.engine) == clean


def test_the_lock_is_reentrant_and_shared_by_threads(tmp_path: Path) -> None:
    """Inside a writing call, another one (demo: ingest, import, train) does not wait for itself;
    another thread of the same process waits like another process."""
    lw = Loanwatch(str(tmp_path / "loanwatch.db"))
    order: list[str] = []
    waits: list[str] = []

    def other_run() -> None:
        with writer_lock(lw.store.engine, on_wait=waits.append):
            order.append("other")

    with writer_lock(lw.store.engine), writer_lock(lw.store.engine):
        other = threading.Thread(target=other_run)
        other.start()
        time.sleep(0.2)
        order.append("first")
    other.join(timeout=10)
    assert order == ["first", "other"]
    assert waits == [WAIT_MESSAGE]
