"""Ingesting single matches through kloppy, on the provider files kloppy's wheel ships.

Those files are kloppy's own test fixtures, real provider files that kloppy's maintainers edited to
exercise corner cases. Two edits make a match disagree with its own score, and the pipeline's goal
check rightly rejects them (tested below, not worked around):

* ``opta_f24.xml`` is a 39-event excerpt with hand-made events (a shoot-out, a penalty in the
  first half at an extra-time timestamp, an own goal): its events score 1-2, its F7 sheet 2-1.
* ``sportec_events.xml`` holds an own goal copied from another match (event 182094, whose own
  ``CurrentResult`` is "3:3" in a match that ends 1:0): its events score 2-0, the sheet 1-0.
  Without that one event (a copy written to tmp_path) the match ingests and scores 1-0.

StatsBomb's event and lineup files carry no score, so their score is the events' own count:
``statsbomb_event.json`` (Barcelona 3-0 Alavés in reality) also holds a hand-made own-goal pair
("Own Goal Against" credited to Barcelona, with Alavés's keeper as the player) and reads 3-1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import kloppy
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from loanwatch.api import Loanwatch
from loanwatch.cli import app
from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.kloppy_reader import UNKNOWN_KICKOFF, companion_path

FILES = Path(kloppy.__file__).parent / "tests" / "files"

# event file -> (provider, metadata file, events kloppy reads, events stored, home score, away score)
MATCHES = {
    "statsbomb_event.json": ("statsbomb", "statsbomb_lineup.json", 4061, 4061, 3, 1),
    "statsbomb_15986_event.json": ("statsbomb", "statsbomb_15986_lineup.json", 4067, 4067, 2, 2),
    "statsbomb_3788741_event.json": ("statsbomb", "statsbomb_3788741_lineup.json", 3911, 3911, 0, 3),
    "statsperform_event_ma3.json": ("statsperform", "statsperform_event_ma1.json", 1643, 1643, 2, 1),
}


def _rows(lw: Loanwatch, sql: str, **params: object) -> list:
    with lw.store.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    """Every match that ingests, in one SQLite store (each ingest is checked in the fixture)."""
    lw = Loanwatch(str(tmp_path_factory.mktemp("kloppy") / "s.db"))
    for name, (provider, lineup, _read, stored, _h, _a) in MATCHES.items():
        summary = lw.ingest_file(FILES / name, provider, FILES / lineup)
        assert summary.as_dict() == {
            "matches": 1,
            "events": stored,
            "players": summary.players,
            "skipped": 0,
            "rejected": 0,
        }
    return lw


def _match(lw: Loanwatch, name: str) -> dict:
    rows = _rows(
        lw,
        "SELECT m.* FROM matches m JOIN source_files f ON f.id = m.source_file_id WHERE f.path = :p",
        p=str((FILES / name).resolve()),
    )
    assert len(rows) == 1
    return dict(rows[0]._mapping)


# -- what lands in the store ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MATCHES))
def test_goals_in_the_store_equal_the_score(store: Loanwatch, name: str) -> None:
    _provider, _lineup, _read, _stored, home, away = MATCHES[name]
    m = _match(store, name)
    assert (m["home_score"], m["away_score"]) == (home, away)
    goals = {m["home_club_id"]: 0, m["away_club_id"]: 0}
    for r in _rows(store, "SELECT club_id, is_goal, is_own_goal FROM events WHERE match_id = :m", m=m["id"]):
        if r.is_goal:
            goals[r.club_id] += 1
        if r.is_own_goal:  # counts for the other side
            goals[m["away_club_id"] if r.club_id == m["home_club_id"] else m["home_club_id"]] += 1
    assert (goals[m["home_club_id"]], goals[m["away_club_id"]]) == (home, away)
    (apps,) = _rows(
        store,
        "SELECT sum(goals) AS g, sum(own_goals) AS og FROM appearances WHERE match_id = :m",
        m=m["id"],
    )
    unattributed = _rows(
        store,
        "SELECT count(*) AS n FROM events WHERE match_id = :m AND is_own_goal AND player_id IS NULL",
        m=m["id"],
    )[0].n
    assert apps.g + apps.og + unattributed == home + away


@pytest.mark.parametrize("name", list(MATCHES))
def test_nobody_plays_longer_than_the_match(store: Loanwatch, name: str) -> None:
    m = _match(store, name)
    (r,) = _rows(store, "SELECT max(minutes_played) AS most FROM appearances WHERE match_id = :m", m=m["id"])
    assert 90 <= m["length_minutes"] <= 100
    assert r.most <= m["length_minutes"] + 1e-6


@pytest.mark.parametrize("name", list(MATCHES))
def test_every_event_kloppy_reads_is_stored(store: Loanwatch, name: str) -> None:
    provider, lineup, read, stored, _h, _a = MATCHES[name]
    m = _match(store, name)
    (r,) = _rows(store, "SELECT count(*) AS n FROM events WHERE match_id = :m", m=m["id"])
    assert r.n == stored == read


def test_statsbomb_numbers_agree_with_kloppy(store: Loanwatch) -> None:
    dataset = kloppy.statsbomb.load(
        FILES / "statsbomb_15986_event.json", FILES / "statsbomb_15986_lineup.json"
    )
    m = _match(store, "statsbomb_15986_event.json")
    (r,) = _rows(store, "SELECT count(*) AS n FROM events WHERE match_id = :m", m=m["id"])
    assert r.n == len(dataset.records)
    assert m["provider_id"] == "15986"  # from the file name, as StatsBomb's open data names files
    assert m["kickoff"] == UNKNOWN_KICKOFF or str(m["kickoff"]).startswith("1900-01-01")


def test_own_goal_counts_for_the_opponent(store: Loanwatch) -> None:
    """Turkey 0-3 Italy (Euro 2020): Demiral's own goal is Italy's first."""
    m = _match(store, "statsbomb_3788741_event.json")
    (og,) = _rows(
        store,
        "SELECT p.short_name, c.name FROM events e JOIN players p ON p.id = e.player_id "
        "JOIN clubs c ON c.id = e.club_id WHERE e.match_id = :m AND e.is_own_goal",
        m=m["id"],
    )
    assert (og.short_name, og.name) == ("Merih Demiral", "Turkey")
    (app_,) = _rows(
        store,
        "SELECT a.own_goals, a.goals, a.shots FROM appearances a JOIN players p ON p.id = a.player_id "
        "WHERE a.match_id = :m AND p.short_name = 'Merih Demiral'",
        m=m["id"],
    )
    assert (app_.own_goals, app_.goals) == (1, 0)


def test_minutes_follow_substitutions_and_red_cards(store: Loanwatch) -> None:
    m = _match(store, "statsbomb_15986_event.json")
    rows = {
        r.short_name: r
        for r in _rows(
            store,
            "SELECT p.short_name, a.status, a.minutes_played, a.red_card, a.minute_on FROM appearances a "
            "JOIN players p ON p.id = a.player_id WHERE a.match_id = :m",
            m=m["id"],
        )
    }
    lenglet = rows["Clément Lenglet"]  # sent off in the 33rd minute
    assert lenglet.red_card and 32 <= lenglet.minutes_played <= 33
    umtiti = rows["Samuel Umtiti"]  # on at half time: the 46th minute on the match clock
    first_half = m["length_minutes"] - 48.14
    assert umtiti.status == "came_on" and first_half <= umtiti.minute_on <= first_half + 1


def test_coordinates_are_canonical(store: Loanwatch) -> None:
    """Metres on 105 x 68, acting team attacking left to right, y up: a left back lives at high y."""
    m = _match(store, "statsbomb_15986_event.json")
    (r,) = _rows(
        store,
        "SELECT min(x) AS x0, max(x) AS x1, min(y) AS y0, max(y) AS y1 FROM events WHERE match_id = :m",
        m=m["id"],
    )
    assert r.x0 >= -2 and r.x1 <= 107 and r.y0 >= -2 and r.y1 <= 70
    (alba,) = _rows(
        store,
        "SELECT avg(e.y) AS y FROM events e JOIN players p ON p.id = e.player_id "
        "WHERE e.match_id = :m AND p.provider_id = '5211'",
        m=m["id"],
    )
    assert alba.y > 45
    (shots,) = _rows(store, "SELECT avg(x) AS x FROM events WHERE match_id = :m AND kind = 'shot'", m=m["id"])
    assert shots.x > 80


def test_players_have_names_and_roles(store: Loanwatch) -> None:
    rows = _rows(
        store,
        "SELECT short_name, first_name, last_name, role FROM players WHERE provider = 'statsbomb' "
        "AND provider_id = '5503'",
    )
    assert [tuple(r) for r in rows] == [("Lionel Messi", "Lionel", "Andrés Messi Cuccittini", "FW")]
    roles = {r.role for r in _rows(store, "SELECT role FROM players WHERE provider = 'statsperform'")}
    assert {"GK", "DF", "MD", "FW"} <= roles


def test_competition_from_the_stats_perform_sheet(store: Loanwatch) -> None:
    rows = _rows(
        store,
        "SELECT c.name, s.name AS season, m.kickoff FROM matches m JOIN seasons s ON s.id = m.season_id "
        "JOIN competitions c ON c.id = s.competition_id WHERE m.provider = 'statsperform'",
    )
    assert [(r.name, r.season) for r in rows] == [("2. Bundesliga", "2021/22")]
    assert str(rows[0].kickoff).startswith("2021-09-11 18:30")


# -- reruns ---------------------------------------------------------------------------------------


def test_second_ingest_is_skipped(tmp_path: Path) -> None:
    lw = Loanwatch(str(tmp_path / "s.db"))
    first = lw.ingest_file(
        FILES / "statsbomb_15986_event.json", "statsbomb", FILES / "statsbomb_15986_lineup.json"
    )
    assert first.matches == 1
    again = lw.ingest_file(FILES / "statsbomb_15986_event.json", "statsbomb")  # lineup found by its name
    assert again.as_dict() == {"matches": 0, "events": 0, "players": 0, "skipped": 1, "rejected": 0}
    assert lw.store.counts()["matches"] == 1


def test_same_match_under_another_name_is_a_duplicate_and_every_run_is_recorded(tmp_path: Path) -> None:
    """The one Ingestor's bookkeeping, as for Wyscout: content hashed over both files, a copy
    skipped, and each run recorded with its summary (the skipping one too)."""
    for name in ("statsbomb_15986_event.json", "statsbomb_15986_lineup.json"):
        shutil.copy(FILES / name, tmp_path / f"copy_{name}")
    lw = Loanwatch(str(tmp_path / "s.db"))
    assert lw.ingest_file(FILES / "statsbomb_15986_event.json", "statsbomb").matches == 1
    again = lw.ingest_file(tmp_path / "copy_statsbomb_15986_event.json", "statsbomb")
    assert again.as_dict() == {"matches": 0, "events": 0, "players": 0, "skipped": 1, "rejected": 0}
    assert [Path(r.path).name for r in _rows(lw, "SELECT path FROM source_files")] == [
        "statsbomb_15986_event.json"
    ]
    runs = _rows(lw, "SELECT source, finished_at FROM ingest_runs ORDER BY id")
    assert len(runs) == 2 and all(r.finished_at is not None for r in runs)
    assert runs[1].source.endswith("copy_statsbomb_15986_lineup.json (statsbomb)")


def test_changed_delivery_of_a_match_replaces_it(tmp_path: Path) -> None:
    """Stats Perform delivers the same match as JSON and as XML: one match in the store, the latest."""
    lw = Loanwatch(str(tmp_path / "s.db"))
    lw.ingest_file(FILES / "statsperform_event_ma3.json", "statsperform")
    lw.ingest_file(FILES / "statsperform_event_ma3.xml", "statsperform")
    rows = _rows(
        lw, "SELECT m.provider_id, f.path FROM matches m JOIN source_files f ON f.id = m.source_file_id"
    )
    assert [(r.provider_id, Path(r.path).name) for r in rows] == [
        ("71pif9hi2vwzp6q0xzilyxst0", "statsperform_event_ma3.xml")
    ]
    (n,) = _rows(lw, "SELECT count(*) AS n FROM events")
    assert n.n == 1643


def test_changed_delivery_that_is_now_bad_keeps_the_match_and_its_bookkeeping(tmp_path: Path) -> None:
    for name in ("statsbomb_15986_event.json", "statsbomb_15986_lineup.json"):
        shutil.copy(FILES / name, tmp_path / name)
    events = tmp_path / "statsbomb_15986_event.json"
    lw = Loanwatch(str(tmp_path / "s.db"))
    assert lw.ingest_file(events, "statsbomb").matches == 1
    (before,) = _rows(lw, "SELECT sha256, status FROM source_files")
    events.write_text("[1, 2, 3]", encoding="utf-8")  # the provider re-sends a broken file
    with pytest.raises(IngestError) as err:
        lw.ingest_file(events, "statsbomb")
    assert err.value.path == str(events) and "the version ingested before is kept" in err.value.problem
    (after,) = _rows(lw, "SELECT sha256, status, error FROM source_files")
    assert (after.sha256, after.status) == (before.sha256, "ingested")  # as the data the store holds
    assert "the version ingested before is kept" in after.error
    assert lw.store.counts()["matches"] == 1


# -- files the check rejects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "name", "problem"),
    [
        ("opta", "opta_f24.xml", "differ from the sheet's score"),
        (
            "sportec",
            "sportec_events.xml",
            "goals in the events 2-0 differ from the sheet's score 1-0",
        ),
    ],
)
def test_edited_fixtures_fail_the_goal_check(tmp_path: Path, provider: str, name: str, problem: str) -> None:
    lw = Loanwatch(str(tmp_path / "s.db"))
    with pytest.raises(IngestError) as err:
        lw.ingest_file(FILES / name, provider)  # the F7 / meta file is found next to it
    assert err.value.path == str(FILES / name) and problem in err.value.problem
    rows = _rows(lw, "SELECT status, error FROM source_files")
    assert [r.status for r in rows] == ["rejected"] and problem in rows[0].error
    assert lw.store.counts()["matches"] == 0


def test_opta_excerpt_ingests_when_the_user_accepts_the_mismatch(tmp_path: Path) -> None:
    """The Opta F24 the kloppy wheel ships is a 39-event excerpt: its events cannot add up to the
    F7's 2-1. Rejected by default; stored, flagged, when the user says the file is an excerpt."""
    lw = Loanwatch(str(tmp_path / "s.db"))
    summary = lw.ingest_file(FILES / "opta_f24.xml", "opta", accept_score_mismatch=True)
    assert summary.matches == 1 and summary.rejected == 0
    (match,) = _rows(lw, "SELECT home_score, away_score, warnings FROM matches")
    assert (match.home_score, match.away_score) == (2, 1)  # the match sheet's score is kept
    assert "score_mismatch" in match.warnings and "differ from the sheet's score" in match.warnings
    assert lw.store.counts()["events"] == summary.events > 0


def test_cli_accept_score_mismatch(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            str(FILES / "opta_f24.xml"),
            "--provider",
            "opta",
            "--accept-score-mismatch",
            "--store",
            str(tmp_path / "cli.db"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Ingest summary" in result.output


def test_sportec_without_the_foreign_own_goal_ingests(tmp_path: Path) -> None:
    raw = (FILES / "sportec_events.xml").read_text(encoding="utf-8")
    start = raw.index('<Event Y-Source-Position="37.11" Y-Position="34.05" EventId="182094"')
    end = raw.index("</Event>", start) + len("</Event>")
    assert 'CurrentResult="3:3"' in raw[start:end]
    (tmp_path / "sportec_events.xml").write_text(raw[:start] + raw[end:], encoding="utf-8")
    shutil.copy(FILES / "sportec_meta.xml", tmp_path / "sportec_meta.xml")
    lw = Loanwatch(str(tmp_path / "s.db"))
    summary = lw.ingest_file(tmp_path / "sportec_events.xml", "sportec")
    # 28 events read, 4 without a team (referee interruptions, ball out) left out.
    assert summary.as_dict() == {"matches": 1, "events": 24, "players": 40, "skipped": 0, "rejected": 0}
    (m,) = _rows(
        lw,
        "SELECT m.home_score, m.away_score, m.length_minutes, c.name AS competition, s.name AS season "
        "FROM matches m JOIN seasons s ON s.id = m.season_id JOIN competitions c ON c.id = s.competition_id",
    )
    assert (m.home_score, m.away_score, m.competition, m.season) == (1, 0, "Bundesliga", "2019/20")
    (most,) = _rows(lw, "SELECT max(minutes_played) AS n FROM appearances")
    assert most.n <= m.length_minutes


# -- bad input ------------------------------------------------------------------------------------


def test_truncated_event_file_is_rejected(tmp_path: Path) -> None:
    raw = (FILES / "statsbomb_event.json").read_bytes()
    bad = tmp_path / "statsbomb_event.json"
    bad.write_bytes(raw[: len(raw) // 2])
    lw = Loanwatch(str(tmp_path / "s.db"))
    with pytest.raises(IngestError) as err:
        lw.ingest_file(bad, "statsbomb", FILES / "statsbomb_lineup.json")
    assert err.value.path == str(bad) and "not valid JSON" in err.value.problem
    assert str(bad) in str(err.value)
    assert [r.status for r in _rows(lw, "SELECT status FROM source_files")] == ["rejected"]


def test_truncated_xml_is_rejected(tmp_path: Path) -> None:
    raw = (FILES / "sportec_events.xml").read_bytes()
    bad = tmp_path / "sportec_events.xml"
    bad.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(IngestError) as err:
        Loanwatch(str(tmp_path / "s.db")).ingest_file(bad, "sportec", FILES / "sportec_meta.xml")
    assert err.value.path == str(bad) and "kloppy cannot read it as Sportec data" in err.value.problem


def test_wyscout_file_given_as_statsbomb_is_rejected(tmp_path: Path) -> None:
    wyscout = FILES / "wyscout_events_v2.json"
    with pytest.raises(IngestError) as err:
        Loanwatch(str(tmp_path / "s.db")).ingest_file(wyscout, "statsbomb", FILES / "statsbomb_lineup.json")
    assert err.value.path == str(wyscout)
    assert "Wyscout data, not a StatsBomb event file" in err.value.problem


def test_event_file_without_its_lineup_is_rejected(tmp_path: Path) -> None:
    alone = tmp_path / "statsbomb_15986_event.json"
    shutil.copy(FILES / "statsbomb_15986_event.json", alone)
    assert companion_path(alone, "statsbomb") is None
    with pytest.raises(IngestError) as err:
        Loanwatch(str(tmp_path / "s.db")).ingest_file(alone, "statsbomb")
    assert err.value.path == str(alone) and "needs its lineup file: pass --metadata FILE" in err.value.problem


def test_unknown_provider_names_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        Loanwatch(str(tmp_path / "s.db")).ingest_file(FILES / "statsbomb_event.json", "statsbombz")
    assert "statsbomb, opta, sportec, statsperform" in err.value.problem


def test_companion_files_by_their_usual_names() -> None:
    assert (
        companion_path(FILES / "statsbomb_15986_event.json", "statsbomb")
        == FILES / "statsbomb_15986_lineup.json"
    )
    assert companion_path(FILES / "opta_f24.xml", "opta") == FILES / "opta_f7.xml"
    assert companion_path(FILES / "opta_f73.xml", "opta") == FILES / "opta_f7.xml"
    assert companion_path(FILES / "sportec_events.xml", "sportec") == FILES / "sportec_meta.xml"
    assert (
        companion_path(FILES / "statsperform_event_ma3.xml", "statsperform")
        == FILES / "statsperform_event_ma1.xml"
    )


# -- the command line -----------------------------------------------------------------------------


def test_cli_ingests_a_statsbomb_match(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            str(FILES / "statsbomb_15986_event.json"),
            "--provider",
            "statsbomb",
            "--metadata",
            str(FILES / "statsbomb_15986_lineup.json"),
            "--store",
            str(tmp_path / "cli.db"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Ingest summary" in result.output
    assert "4,067" in result.output  # events


def test_cli_reports_a_rejected_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["ingest", str(FILES / "opta_f24.xml"), "--provider", "opta", "--store", str(tmp_path / "cli.db")],
    )
    assert result.exit_code == 1
    assert "rejected" in result.output
