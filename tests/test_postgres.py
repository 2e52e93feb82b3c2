"""The store on a real PostgreSQL server: migrations, ingest, idempotence, same content as SQLite.

The server is the one at ``LOANWATCH_TEST_PG_URL`` (``make test`` starts a throwaway one, see
scripts/with-postgres.sh). Each module gets a fresh database, dropped at the end. Without the
variable these tests skip, except under CI (``CI=true``) where they fail.
"""

from __future__ import annotations

import gzip
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from conftest import copy_sample  # tests/ is on sys.path (pytest's rootdir conftest)
from loanwatch.api import Loanwatch
from loanwatch.ingest.pipeline import IngestSummary
from loanwatch.store import WAIT_MESSAGE, writer_lock
from loanwatch.store import schema as t
from store_dump import snapshot
from test_concurrency import finish, start_ingest

PG_URL_ENV = "LOANWATCH_TEST_PG_URL"
MATCH_IDS = ["2575959", "2575960", "2575961"]  # Serie A 2017/18, round 1
FILES = len(MATCH_IDS) + 3  # the match files, the match sheets, players, teams


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@contextmanager
def fresh_database() -> Iterator[str]:
    """A fresh, empty database on the test server, dropped at the end."""
    admin_url = os.environ.get(PG_URL_ENV)
    if not admin_url:
        why = f"{PG_URL_ENV} is not set: `make test` starts a throwaway PostgreSQL, or point it at a server"
        if _in_ci():
            pytest.fail(f"CI=true but {why}", pytrace=False)
        pytest.skip(why)
    name = f"loanwatch_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            force = " WITH (FORCE)" if (conn.dialect.server_version_info or (0,)) >= (13,) else ""
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
        admin.dispose()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """The module's database."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("pg") / "data", MATCH_IDS)


@pytest.fixture(scope="module")
def pg_ingest(pg_url: str, sample: Path) -> Iterator[tuple[Loanwatch, IngestSummary]]:
    """The small sample ingested once into the module's PostgreSQL database (by a first run)."""
    lw = Loanwatch(pg_url)
    summary = lw.ingest([sample])
    yield lw, summary
    lw.store.engine.dispose()


@pytest.fixture(scope="module")
def sqlite_lw(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    """The same files in a SQLite store: what PostgreSQL must agree with."""
    lw = Loanwatch(str(tmp_path_factory.mktemp("sqlite") / "loanwatch.db"))
    summary = lw.ingest([sample])
    assert summary.rejected == 0, summary.errors
    return lw


def _rows(lw: Loanwatch, query: Any) -> list[Any]:
    with lw.store.engine.connect() as conn:
        return list(conn.execute(query))


def goals(lw: Loanwatch) -> dict[str, Any]:
    """Goals as the reports read them: each match's score, each player's goals, goal events."""
    m, a, p, e = t.matches, t.appearances, t.players, t.events
    scores = _rows(lw, select(m.c.provider_id, m.c.home_score, m.c.away_score))
    scorers = _rows(
        lw,
        select(m.c.provider_id, p.c.provider_id, a.c.goals, a.c.own_goals, a.c.assists)
        .join(m, m.c.id == a.c.match_id)
        .join(p, p.c.id == a.c.player_id)
        .where((a.c.goals > 0) | (a.c.own_goals > 0) | (a.c.assists > 0)),
    )
    goal_events = _rows(
        lw,
        select(m.c.provider_id, e.c.seq, e.c.is_own_goal).join(m, m.c.id == e.c.match_id).where(e.c.is_goal),
    )
    return {
        "scores": sorted(tuple(r) for r in scores),
        "scorers": sorted(tuple(r) for r in scorers),
        "goal_events": sorted(tuple(r) for r in goal_events),
    }


# -- tests --------------------------------------------------------------------------------------


def test_migrations_create_the_schema(pg_url: str) -> None:
    lw = Loanwatch(pg_url)  # runs the Alembic migrations on the empty database
    try:
        tables = set(inspect(lw.store.engine).get_table_names())
        assert set(t.metadata.tables) <= tables
        with lw.store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert lw.store.engine.dialect.name == "postgresql"
        reopened = Loanwatch(pg_url)  # a second open: the upgrade finds nothing to do
        assert reopened.store.counts()["matches"] >= 0
        reopened.store.engine.dispose()
    finally:
        lw.store.engine.dispose()


def test_ingest_lands_every_match(pg_ingest: tuple[Loanwatch, IngestSummary]) -> None:
    lw, summary = pg_ingest
    assert summary.rejected == 0, [str(e) for e in summary.errors]
    assert summary.matches == len(MATCH_IDS)
    assert summary.events > 3000
    counts = lw.store.counts()
    assert counts["matches"] == len(MATCH_IDS)
    assert counts["events"] == summary.events
    assert counts["appearances"] > 0


def test_same_counts_and_goals_as_sqlite(
    pg_ingest: tuple[Loanwatch, IngestSummary], sqlite_lw: Loanwatch
) -> None:
    pg, _ = pg_ingest
    assert pg.store.counts() == sqlite_lw.store.counts()
    pg_goals, sqlite_goals = goals(pg), goals(sqlite_lw)
    assert pg_goals == sqlite_goals
    assert sum(h + a for _, h, a in pg_goals["scores"]) == len(pg_goals["goal_events"]) > 0


def test_same_content_as_sqlite(pg_ingest: tuple[Loanwatch, IngestSummary], sqlite_lw: Loanwatch) -> None:
    pg, _ = pg_ingest
    pg_snap, sqlite_snap = snapshot(pg.store.engine), snapshot(sqlite_lw.store.engine)
    for table in sqlite_snap:
        assert len(pg_snap[table]) == len(sqlite_snap[table]), table
        assert pg_snap[table] == sqlite_snap[table], table


def test_second_ingest_skips_everything(pg_ingest: tuple[Loanwatch, IngestSummary], sample: Path) -> None:
    pg, _ = pg_ingest
    before = pg.store.counts()
    again = Loanwatch(pg.url)  # a new process's view: nothing cached
    try:
        summary = again.ingest([sample])
    finally:
        again.store.engine.dispose()
    assert summary.as_dict() == {"matches": 0, "events": 0, "players": 0, "skipped": FILES, "rejected": 0}
    assert pg.store.counts() == before


def test_changed_file_replaces_its_match(
    pg_ingest: tuple[Loanwatch, IngestSummary], sample: Path, tmp_path: Path
) -> None:
    """Other bytes for a match already stored (re-compressed here): the match is replaced, not doubled."""
    pg, _ = pg_ingest
    before = pg.store.counts()
    goals_before = goals(pg)
    original = sample / "events" / f"{MATCH_IDS[0]}.json.gz"
    changed = tmp_path / "redelivered" / original.name
    changed.parent.mkdir()
    changed.write_bytes(gzip.compress(gzip.decompress(original.read_bytes()), compresslevel=1, mtime=0))
    shutil.copy(sample / "matches" / "matches_Italy.json.gz", changed.parent)
    summary = pg.ingest([changed.parent])
    assert summary.rejected == 0, [str(e) for e in summary.errors]
    assert summary.matches == 1
    assert pg.store.counts() == before
    assert goals(pg) == goals_before


def test_two_ingests_on_a_new_database_end_as_one_clean_run(sample: Path, sqlite_lw: Loanwatch) -> None:
    """Both set up the empty database and ingest at once (before: UniqueViolation on
    alembic_version): one waits for the other (pg_advisory_lock); both exit 0."""
    with fresh_database() as url:
        procs = [start_ingest(sample, url) for _ in range(2)]
        for status, output in [finish(p) for p in procs]:
            assert status == 0, output
            assert "Traceback" not in output
        lw = Loanwatch(url)
        try:
            assert snapshot(lw.store.engine) == snapshot(sqlite_lw.store.engine)
        finally:
            lw.store.engine.dispose()


def test_an_ingest_waits_for_the_run_holding_the_database(sample: Path, sqlite_lw: Loanwatch) -> None:
    with fresh_database() as url:
        lw = Loanwatch(url)
        stderr: list[str] = []
        try:
            with writer_lock(lw.store.engine):
                proc = start_ingest(sample, url)
                reader = threading.Thread(target=lambda: stderr.extend(proc.stderr or []), daemon=True)
                reader.start()
                deadline = time.monotonic() + 120
                while not any(WAIT_MESSAGE in line for line in stderr) and time.monotonic() < deadline:
                    assert proc.poll() is None, "".join(stderr)
                    time.sleep(0.05)
                assert proc.poll() is None and lw.store.counts()["matches"] == 0, "".join(stderr)
            assert proc.wait(timeout=300) == 0, "".join(stderr)
            reader.join(timeout=10)
            assert snapshot(lw.store.engine) == snapshot(sqlite_lw.store.engine)
        finally:
            lw.store.engine.dispose()


def test_plan_decisions_on_postgresql(pg_ingest: tuple[Loanwatch, IngestSummary]) -> None:
    """The market plan's decisions (migrations 0017, 0018): stored, replaced and removed as on SQLite."""
    lw, _ = pg_ingest
    player_id = int(_rows(lw, select(t.players.c.id).limit(1))[0][0])
    key = {"owner": "Juventus", "season": "2018/19", "plan": "main", "player_id": player_id}
    first = lw.store.set_decision(**key, decision="sell", note="bid", decided_by="DS")
    again = lw.store.set_decision(**key, decision="recall", note="", decided_by="DS")
    assert first[1] and not again[1] and first[0] == again[0]
    rows = lw.store.decisions(owner="Juventus", season="2018/19", plan="main")
    assert [(r["player_id"], r["decision"], r["destination"]) for r in rows] == [(player_id, "recall", None)]
    lw.store.set_decision(**key, decision="loan-out", note="", decided_by="DS", destination="Sassuolo")
    rows = lw.store.decisions(owner="Juventus", season="2018/19", plan="main")
    assert [(r["decision"], r["destination"]) for r in rows] == [("loan-out", "Sassuolo")]  # migration 0018
    assert lw.store.remove_decision(owner="Juventus", season="2018/19", plan="main", player_id=player_id)
    assert lw.store.decisions(owner="Juventus") == []
def test_similar_players_on_postgresql(sample: Path, tmp_path: Path) -> None:
    """`market similar`'s counts (migration 0013, store/similarity.py) and a search: the same on
    PostgreSQL as on SQLite."""
    from loanwatch.metrics import spadl

    with fresh_database() as url:
        stores = [Loanwatch(url), Loanwatch(str(tmp_path / "lw.db"))]
        try:
            found = []
            for lw in stores:
                lw.ingest([sample])
                spadl.compute_actions(lw.store, sorted(int(m) for m in lw.store.matches_frame()["match_id"]))
                assert lw.services.similar.refresh().built == 1
                counts, minutes = lw.store.style_counts_frame()
                result = lw.similar("Belotti", min_minutes=60, role="any", top=3)
                found.append(
                    (
                        counts.groupby("group")["count"].sum().to_dict(),
                        round(float(minutes["minutes"].sum()), 1),
                        [c.player.provider_id for c in result.style],
                        [c.player.provider_id for c in result.output],
                    )
                )
            assert found[0] == found[1] and len(found[0][2]) == 3
        finally:
            stores[0].store.engine.dispose()
