"""Bad input and crashes: the good files still land, the bad ones are named, the store stays consistent."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from conftest import copy_sample
from loanwatch.api import SAMPLE_DATA, Loanwatch

KLOPPY_FILES = (
    Path(sys.prefix)
    / "lib"
    / f"python{sys.version_info.major}.{sys.version_info.minor}"
    / ("site-packages/kloppy/tests/files")
)
GOOD = ["2575959", "2575960", "2575961"]


def _rows(lw: Loanwatch, sql: str, **params: object) -> list:
    with lw.store.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _events_in_file(path: Path) -> tuple[str, int]:
    raw = path.read_bytes()
    doc = orjson.loads(gzip.decompress(raw) if path.name.endswith(".gz") else raw)
    return str(doc["events"][0]["matchId"]), len(doc["events"])


def assert_consistent(lw: Loanwatch) -> None:
    with lw.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert _rows(lw, "SELECT match_id FROM events WHERE match_id NOT IN (SELECT id FROM matches)") == []
    assert _rows(lw, "SELECT match_id FROM appearances WHERE match_id NOT IN (SELECT id FROM matches)") == []
    orphan = _rows(
        lw,
        "SELECT m.id FROM matches m LEFT JOIN source_files f ON f.id = m.source_file_id "
        "WHERE f.id IS NULL OR f.status != 'ingested' OR f.kind != 'match'",
    )
    assert orphan == []
    # Every match has events and its 22 starters.
    assert _rows(lw, "SELECT id FROM matches WHERE id NOT IN (SELECT match_id FROM events)") == []
    bad_starters = _rows(
        lw,
        "SELECT match_id FROM appearances WHERE status = 'started' GROUP BY match_id HAVING count(*) != 22",
    )
    assert bad_starters == []


def _matches(lw: Loanwatch) -> set[str]:
    return {r.provider_id for r in _rows(lw, "SELECT provider_id FROM matches")}


def _rejected_once(summary, path: Path, *words: str) -> None:
    assert summary.rejected == 1, summary.errors
    (err,) = summary.errors
    assert err.path == str(path)
    assert str(path) in str(err)
    for word in words:
        assert word in err.problem, err.problem


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "data", GOOD)


@pytest.fixture()
def lw(tmp_path: Path) -> Loanwatch:
    return Loanwatch(str(tmp_path / "store.db"))


def test_truncated_gzip(sample: Path, lw: Loanwatch) -> None:
    bad = sample / "events" / "2575962.json.gz"
    original = (SAMPLE_DATA / "events" / "Italy" / "2575962.json.gz").read_bytes()
    bad.write_bytes(original[: len(original) // 2])
    summary = lw.ingest([sample])
    _rejected_once(summary, bad, "truncated or corrupt gzip")
    assert summary.matches == 3
    assert _matches(lw) == set(GOOD)
    assert_consistent(lw)
    (row,) = _rows(lw, "SELECT status, error FROM source_files WHERE path = :p", p=str(bad.resolve()))
    assert row.status == "rejected" and "gzip" in row.error

    bad.write_bytes(original)
    rerun = lw.ingest([sample])
    assert rerun.rejected == 0 and rerun.matches == 1
    assert _matches(lw) == {*GOOD, "2575962"}
    assert_consistent(lw)


def test_not_json(sample: Path, lw: Loanwatch) -> None:
    bad = sample / "events" / "2575962.json"
    bad.write_text("this is the match report, not JSON\n")
    summary = lw.ingest([sample])
    _rejected_once(summary, bad, "not valid JSON")
    assert summary.matches == 3
    assert_consistent(lw)

    bad.write_bytes(gzip.decompress((SAMPLE_DATA / "events" / "Italy" / "2575962.json.gz").read_bytes()))
    rerun = lw.ingest([sample])
    assert rerun.rejected == 0 and rerun.matches == 1
    assert _matches(lw) == {*GOOD, "2575962"}
    assert_consistent(lw)


def test_another_providers_json(sample: Path, lw: Loanwatch) -> None:
    statsbomb = KLOPPY_FILES / "statsbomb_event.json"
    if not statsbomb.exists():
        pytest.skip("kloppy's test files are not installed")
    bad = sample / "events" / "12345.json"
    shutil.copy(statsbomb, bad)
    summary = lw.ingest([sample])
    _rejected_once(summary, bad, "not a Wyscout v2 match file")
    assert summary.matches == 3
    assert _matches(lw) == set(GOOD)
    assert_consistent(lw)

    bad.unlink()
    rerun = lw.ingest([sample])
    assert rerun.rejected == 0 and rerun.skipped == 6
    assert_consistent(lw)


def test_acting_player_missing_from_the_sheet(sample: Path, lw: Loanwatch) -> None:
    sheets_path = sample / "matches" / "matches_Italy.json.gz"
    sheets = orjson.loads(gzip.decompress(sheets_path.read_bytes()))
    sheet = next(m for m in sheets if m["wyId"] == 2575959)
    lineup = sheet["teamsData"]["3172"]["formation"]["lineup"]
    # Another id in his place: the lineup keeps its 11 starters, Petagna's events have no player.
    sheet["teamsData"]["3172"]["formation"]["lineup"] = [
        {**p, "playerId": 999999} if p["playerId"] == 246175 else p for p in lineup
    ]
    sheets_path.write_bytes(gzip.compress(orjson.dumps(sheets)))
    match_file = sample / "events" / "2575959.json.gz"

    summary = lw.ingest([sample])
    _rejected_once(summary, match_file, "246175", "not on the match sheet", "2575959")
    assert summary.matches == 2
    assert _matches(lw) == {"2575960", "2575961"}
    assert_consistent(lw)

    shutil.copy(SAMPLE_DATA / "matches" / "matches_Italy.json.gz", sheets_path)
    rerun = lw.ingest([sample])
    assert rerun.rejected == 0, rerun.errors
    assert rerun.matches == 1
    assert _matches(lw) == set(GOOD)
    (petagna,) = _rows(
        lw,
        "SELECT a.status FROM appearances a JOIN players p ON p.id = a.player_id "
        "JOIN matches m ON m.id = a.match_id WHERE p.provider_id = '246175' AND m.provider_id = '2575959'",
    )
    assert petagna.status == "started"
    assert_consistent(lw)


def test_match_without_its_sheet(sample: Path, lw: Loanwatch) -> None:
    german = sample / "events" / "2516744.json.gz"
    shutil.copy(SAMPLE_DATA / "events" / "Germany" / "2516744.json.gz", german)
    summary = lw.ingest([sample])
    _rejected_once(summary, german, "no match sheet for match 2516744")
    assert summary.matches == 3
    assert_consistent(lw)

    shutil.copy(SAMPLE_DATA / "matches" / "matches_Germany.json.gz", sample / "matches")
    rerun = lw.ingest([sample])
    assert rerun.rejected == 0 and rerun.matches == 1
    assert _matches(lw) == {*GOOD, "2516744"}
    assert_consistent(lw)


def test_several_bad_files_in_one_run(sample: Path, lw: Loanwatch) -> None:
    (sample / "events" / "junk.json").write_text("{")
    (sample / "events" / "empty.json.gz").write_bytes(b"")
    summary = lw.ingest([sample, sample / "nowhere"])
    assert summary.rejected == 3
    assert summary.matches == 3
    problems = {Path(e.path).name: e.problem for e in summary.errors}
    assert set(problems) == {"junk.json", "empty.json.gz", "nowhere"}
    assert "no such file" in problems["nowhere"]
    assert_consistent(lw)


# -- kill -9 mid-ingest ---------------------------------------------------------------------------

N_KILL = 40


def _store_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute("SELECT count(*) FROM matches").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _fingerprint(lw: Loanwatch) -> dict[str, tuple]:
    rows = _rows(
        lw,
        "SELECT m.provider_id, m.home_score, m.away_score, m.length_minutes, "
        "(SELECT count(*) FROM events e WHERE e.match_id = m.id) AS events, "
        "(SELECT count(*) FROM appearances a WHERE a.match_id = m.id) AS apps, "
        "(SELECT sum(a.minutes_played) FROM appearances a WHERE a.match_id = m.id) AS minutes, "
        "(SELECT sum(a.passes) FROM appearances a WHERE a.match_id = m.id) AS passes "
        "FROM matches m",
    )
    return {r.provider_id: tuple(r)[1:] for r in rows}


def test_kill_9_mid_ingest(tmp_path: Path) -> None:
    ids = sorted(p.name.removesuffix(".json.gz") for p in (SAMPLE_DATA / "events" / "Italy").iterdir())[
        :N_KILL
    ]
    folder = copy_sample(tmp_path / "data", ids)
    in_files = dict(_events_in_file(p) for p in sorted((folder / "events").iterdir()))
    db = tmp_path / "killed.db"
    code = f"from loanwatch.api import Loanwatch; Loanwatch({str(db)!r}).ingest([{str(folder)!r}])"

    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while _store_count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    lw = Loanwatch(str(db))
    written = _matches(lw)
    assert 0 < len(written) < N_KILL
    assert_consistent(lw)
    # Every match written has all its events, and only matches written have a match file row.
    for pid, n in _fingerprint(lw).items():
        assert n[3] == in_files[pid], pid
    match_rows = _rows(lw, "SELECT path, status FROM source_files WHERE kind = 'match'")
    assert {Path(r.path).name.removesuffix(".json.gz") for r in match_rows} == written
    assert all(r.status == "ingested" for r in match_rows)

    rerun = lw.ingest([folder])
    assert rerun.rejected == 0, rerun.errors
    assert rerun.matches == N_KILL - len(written)
    assert_consistent(lw)

    clean = Loanwatch(str(tmp_path / "clean.db"))
    assert clean.ingest([folder]).matches == N_KILL
    assert _fingerprint(lw) == _fingerprint(clean)
    assert {k: v[3] for k, v in _fingerprint(lw).items()} == in_files
    assert lw.store.counts() == clean.store.counts()
