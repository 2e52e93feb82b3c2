"""Ingesting the real Wyscout sample: counts, scores, minutes, names, and idempotent reruns."""

from __future__ import annotations

import gzip
import shutil
from collections import defaultdict
from pathlib import Path

import orjson
from sqlalchemy import text

from loanwatch.api import Loanwatch


def _rows(lw: Loanwatch, sql: str, **params: object) -> list:
    with lw.store.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _match_files(sample_dir: Path) -> list[Path]:
    return sorted((sample_dir / "events").rglob("*.json.gz"))


# -- the whole shipped sample ---------------------------------------------------------------------


def test_every_match_is_stored(ingested: Loanwatch) -> None:
    rows = _rows(
        ingested,
        "SELECT c.name, c.provider_id, s.name AS season, count(*) AS n FROM matches m "
        "JOIN seasons s ON s.id = m.season_id JOIN competitions c ON c.id = s.competition_id "
        "GROUP BY c.name, c.provider_id, s.name ORDER BY c.name",
    )
    assert [(r.name, r.provider_id, r.season, r.n) for r in rows] == [
        ("Bundesliga", "426", "2017/18", 34),
        ("Serie A", "524", "2017/18", 380),
    ]
    assert ingested.store.counts()["matches"] == 414


def test_schalke_plays_all_34_bundesliga_matches(ingested: Loanwatch) -> None:
    (schalke,) = _rows(ingested, "SELECT id FROM clubs WHERE provider_id = '2449'")
    rows = _rows(
        ingested,
        "SELECT count(*) AS n FROM matches m JOIN seasons s ON s.id = m.season_id "
        "JOIN competitions c ON c.id = s.competition_id "
        "WHERE c.provider_id = '426' AND (m.home_club_id = :c OR m.away_club_id = :c)",
        c=schalke.id,
    )
    assert rows[0].n == 34


def test_goals_in_appearances_equal_the_stored_score(ingested: Loanwatch) -> None:
    matches = _rows(ingested, "SELECT id, home_club_id, away_club_id, home_score, away_score FROM matches")
    sums: dict[tuple[int, int], tuple[int, int]] = {}
    for r in _rows(
        ingested,
        "SELECT match_id, club_id, sum(goals) AS g, sum(own_goals) AS og FROM appearances "
        "GROUP BY match_id, club_id",
    ):
        sums[(r.match_id, r.club_id)] = (r.g, r.og)
    assert len(matches) == 414
    wrong = []
    for m in matches:
        hg, hog = sums.get((m.id, m.home_club_id), (0, 0))
        ag, aog = sums.get((m.id, m.away_club_id), (0, 0))
        if (hg + aog, ag + hog) != (m.home_score, m.away_score):
            wrong.append((m.id, (hg + aog, ag + hog), (m.home_score, m.away_score)))
    assert wrong == []
    # Not vacuous: the sample holds goals and own goals.
    total = _rows(ingested, "SELECT sum(goals) AS g, sum(own_goals) AS og FROM appearances")[0]
    assert total.g > 1000 and total.og > 10


def test_stored_score_matches_the_sheet(ingested: Loanwatch, sample_dir: Path) -> None:
    stored = {
        r.provider_id: (r.home_score, r.away_score)
        for r in _rows(ingested, "SELECT provider_id, home_score, away_score FROM matches")
    }
    for comp in ("Italy", "Germany"):
        sheets = orjson.loads(
            gzip.decompress((sample_dir / "matches" / f"matches_{comp}.json.gz").read_bytes())
        )
        for m in sheets:
            if str(m["wyId"]) not in stored:
                continue
            sides = {d["side"]: int(d["score"]) for d in m["teamsData"].values()}
            assert stored[str(m["wyId"])] == (sides["home"], sides["away"]), m["label"]
    assert stored["2575959"] == (0, 1)  # Atalanta - Roma


def test_no_appearance_exceeds_the_match_length(ingested: Loanwatch) -> None:
    rows = _rows(
        ingested,
        "SELECT a.match_id, a.player_id, a.minutes_played, m.length_minutes FROM appearances a "
        "JOIN matches m ON m.id = a.match_id WHERE a.minutes_played > m.length_minutes + 1e-6 "
        "OR a.minutes_played < 0",
    )
    assert rows == []
    lengths = [r.length_minutes for r in _rows(ingested, "SELECT length_minutes FROM matches")]
    assert min(lengths) > 85 and max(lengths) < 110


def test_starters_per_match(ingested: Loanwatch) -> None:
    rows = _rows(
        ingested,
        "SELECT match_id, count(*) AS n FROM appearances WHERE status = 'started' GROUP BY match_id",
    )
    assert len(rows) == 414
    assert {r.n for r in rows} == {22}


def test_total_events_equal_the_files(ingested: Loanwatch, sample_dir: Path) -> None:
    per_match: dict[str, int] = {}
    for path in _match_files(sample_dir):
        doc = orjson.loads(gzip.decompress(path.read_bytes()))
        per_match[str(doc["events"][0]["matchId"])] = len(doc["events"])
    assert len(per_match) == 414
    stored = {
        r.provider_id: r.n
        for r in _rows(
            ingested,
            "SELECT m.provider_id, count(e.seq) AS n FROM matches m JOIN events e ON e.match_id = m.id "
            "GROUP BY m.provider_id",
        )
    }
    assert stored == per_match
    assert ingested.store.counts()["events"] == sum(per_match.values())


def _players_named(lw: Loanwatch, fragment: str) -> list[str]:
    return [
        r.short_name
        for r in _rows(lw, "SELECT short_name FROM players WHERE short_name LIKE :f", f=f"%{fragment}%")
    ]


def test_names_as_people_write_them(ingested: Loanwatch, sample_dir: Path) -> None:
    raw = gzip.decompress((sample_dir / "players.json.gz").read_bytes())
    # The raw file writes the escapes literally.
    assert b'"K. Mbapp\\\\u00e9"' in raw
    assert b'"\\\\u015e. Radu"' in raw
    assert b"Gu\\\\u00f0munds\\\\u00adson" in raw

    assert _players_named(ingested, "Mbappé") == ["K. Mbappé"]
    assert "Ş. Radu" in _players_named(ingested, "Radu")  # Ştefan Radu, Lazio
    assert "J. Guðmundsson" in _players_named(ingested, "Guðmundsson")  # the soft hyphen dropped
    (radu,) = _rows(
        ingested, "SELECT first_name, last_name, nationality FROM players WHERE short_name = 'Ş. Radu'"
    )
    assert radu.first_name == "Ştefan Daniel" and radu.last_name == "Radu"

    for r in _rows(ingested, "SELECT short_name, first_name, last_name, nationality FROM players"):
        for value in r:
            assert "\\u" not in value, value
            assert "\u00ad" not in value, value
    for r in _rows(ingested, "SELECT name, official_name, area FROM clubs"):
        for value in r:
            assert "\\u" not in value, value


def test_radu_appears_for_lazio(ingested: Loanwatch) -> None:
    rows = _rows(
        ingested,
        "SELECT count(*) AS n, sum(a.minutes_played) AS mins FROM appearances a "
        "JOIN players p ON p.id = a.player_id JOIN clubs c ON c.id = a.club_id "
        "WHERE p.short_name = 'Ş. Radu' AND c.name = 'Lazio' AND a.status IN ('started', 'came_on')",
    )
    assert rows[0].n > 10 and rows[0].mins > 900


# -- idempotency ----------------------------------------------------------------------------------


def _snapshot(lw: Loanwatch) -> dict[str, object]:
    return {
        "counts": lw.store.counts(),
        "files": _rows(
            lw, "SELECT id, path, sha256, status, run_id, ingested_at FROM source_files ORDER BY id"
        ),
        "matches": _rows(lw, "SELECT * FROM matches ORDER BY id"),
        "appearances": _rows(lw, "SELECT * FROM appearances ORDER BY match_id, player_id"),
        "events": _rows(lw, "SELECT match_id, count(*), sum(second), sum(x) FROM events GROUP BY match_id"),
        "sheets": _rows(lw, "SELECT id, source_file_id FROM match_sheets ORDER BY id"),
    }


def _rewrite_event_second(path: Path, new_second: float) -> str:
    doc = orjson.loads(gzip.decompress(path.read_bytes()))
    event = doc["events"][100]
    assert event["matchPeriod"] == "1H"
    event["eventSec"] = new_second
    path.write_bytes(gzip.compress(orjson.dumps(doc)))
    return str(event["id"])


def test_rerun_and_changed_and_duplicate_files(tmp_path: Path, small_sample: Path) -> None:
    lw = Loanwatch(str(tmp_path / "store.db"))

    first = lw.ingest([small_sample])
    assert first.rejected == 0, first.errors
    assert (first.matches, first.skipped, first.players) == (3, 0, 3603)
    n_events = sum(
        len(orjson.loads(gzip.decompress(p.read_bytes()))["events"]) for p in _match_files(small_sample)
    )
    assert first.events == n_events
    counts = lw.store.counts()
    assert counts["matches"] == 3 and counts["events"] == n_events
    before = _snapshot(lw)

    # Second run: every file (teams, players, sheets, 3 matches) skipped, nothing written.
    second = lw.ingest([small_sample])
    assert second.as_dict() == {"matches": 0, "events": 0, "players": 0, "skipped": 6, "rejected": 0}
    assert _snapshot(lw) == before

    # A fresh Loanwatch on the same store (a new process) skips too.
    again = Loanwatch(str(tmp_path / "store.db")).ingest([small_sample])
    assert again.as_dict()["skipped"] == 6 and again.matches == 0
    assert _snapshot(lw) == before

    # A changed match file replaces its match.
    changed = small_sample / "events" / "2575959.json.gz"
    event_id = _rewrite_event_second(changed, 1234.5)
    third = lw.ingest([small_sample])
    assert third.rejected == 0, third.errors
    assert (third.matches, third.skipped) == (1, 5)
    assert lw.store.counts() == counts
    (row,) = _rows(
        lw,
        "SELECT e.second FROM events e JOIN matches m ON m.id = e.match_id "
        "WHERE m.provider_id = '2575959' AND e.provider_event_id = :i",
        i=event_id,
    )
    assert row.second == 1234.5
    (match,) = _rows(lw, "SELECT source_file_id FROM matches WHERE provider_id = '2575959'")
    (src,) = _rows(lw, "SELECT path, sha256, status FROM source_files WHERE id = :i", i=match.source_file_id)
    assert src.path == str(changed.resolve()) and src.status == "ingested"
    assert len(_rows(lw, "SELECT id FROM source_files WHERE path = :p", p=src.path)) == 1

    # The same content under another name: a duplicate, skipped.
    shutil.copy(
        small_sample / "events" / "2575960.json.gz", small_sample / "events" / "copy-of-2575960.json.gz"
    )
    fourth = lw.ingest([small_sample])
    assert fourth.as_dict() == {"matches": 0, "events": 0, "players": 0, "skipped": 7, "rejected": 0}
    assert lw.store.counts() == counts
    assert _rows(lw, "SELECT count(*) AS n FROM source_files WHERE path LIKE '%copy-of%'")[0].n == 0

    # Every run is recorded with its summary.
    runs = _rows(lw, "SELECT finished_at, summary FROM ingest_runs ORDER BY id")
    assert len(runs) == 5 and all(r.finished_at is not None for r in runs)


def test_match_file_ingested_in_a_later_run_than_its_sheet(tmp_path: Path, small_sample: Path) -> None:
    lw = Loanwatch(str(tmp_path / "store.db"))
    later = tmp_path / "later"
    later.mkdir()
    shutil.move(small_sample / "events" / "2575961.json.gz", later / "2575961.json.gz")
    assert lw.ingest([small_sample]).matches == 2
    summary = lw.ingest([later])  # its sheet comes from the store
    assert summary.rejected == 0, summary.errors
    assert summary.matches == 1
    assert lw.store.counts()["matches"] == 3


def test_appearances_per_club_match_the_sheet(ingested: Loanwatch, sample_dir: Path) -> None:
    sheets = orjson.loads(gzip.decompress((sample_dir / "matches" / "matches_Italy.json.gz").read_bytes()))
    m = next(s for s in sheets if s["wyId"] == 2575959)
    expected: dict[str, int] = defaultdict(int)
    for club, data in m["teamsData"].items():
        expected[club] = len(data["formation"]["lineup"]) + len(data["formation"]["bench"])
    rows = _rows(
        ingested,
        "SELECT c.provider_id, count(*) AS n FROM appearances a JOIN matches m ON m.id = a.match_id "
        "JOIN clubs c ON c.id = a.club_id WHERE m.provider_id = '2575959' GROUP BY c.provider_id",
    )
    assert {r.provider_id: r.n for r in rows} == dict(expected) == {"3172": 23, "3158": 22}
