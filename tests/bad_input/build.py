"""Builds the bad-input corpus from the real files shipped in data/, one delivery per case.

Each case is a small real delivery (players, teams, the Serie A match sheets, four real match
files: three good ones and a target, 2575962) with one small mutation, named in ``cases.toml``
beside this file together with the outcome expected and a substring of the message. The corpus is
built at test time, so the repo ships only this script and the table.

    python tests/bad_input/build.py OUT_FOLDER    # writes every case's delivery, to look at them
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLE = REPO / "data" / "wyscout-2017-18"
GOOD = ("2575959", "2575960", "2575961")
TARGET = "2575962"  # Hellas Verona - Napoli 1-3, 2017-08-19
OTHER = "2575959"


def cases() -> list[dict[str, Any]]:
    """The expectations table, in order."""
    table = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
    assert isinstance(table, list)
    return table


@functools.cache
def _reference() -> dict[str, bytes]:
    """The real reference files cut down to the four matches (their sheets, players, clubs): the
    same entries as shipped, fewer of them, so that each case ingests in a fraction of a second."""
    ids = {*GOOD, TARGET}
    sheets = [m for m in Delivery.read(SAMPLE / "matches" / "matches_Italy.json.gz") if str(m["wyId"]) in ids]
    clubs = {str(c) for m in sheets for c in m["teamsData"]}
    players = {
        row["playerId"]
        for m in sheets
        for t in m["teamsData"].values()
        for key in ("lineup", "bench")
        for row in t["formation"][key]
    }
    return {
        "matches/matches_Italy.json.gz": gzip.compress(orjson.dumps(sheets), mtime=0),
        "players.json.gz": gzip.compress(
            orjson.dumps([p for p in Delivery.read(SAMPLE / "players.json.gz") if p["wyId"] in players]),
            mtime=0,
        ),
        "teams.json": orjson.dumps(
            [t for t in Delivery.read(SAMPLE / "teams.json") if str(t["wyId"]) in clubs]
        ),
    }


class Delivery:
    """A real delivery in a folder, with helpers to change one of its files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths: list[Path] = [root]  # what the user passes to `loanwatch ingest`
        root.mkdir(parents=True, exist_ok=True)
        (root / "matches").mkdir(exist_ok=True)
        (root / "events").mkdir(exist_ok=True)
        for name, doc in _reference().items():
            (root / name).write_bytes(doc)
        for mid in (*GOOD, TARGET):
            shutil.copy(SAMPLE / "events" / "Italy" / f"{mid}.json.gz", root / "events")

    # -- reading and writing the real files -----------------------------------------------------

    @staticmethod
    def read(path: Path) -> Any:
        raw = path.read_bytes()
        return orjson.loads(gzip.decompress(raw) if path.name.endswith(".gz") else raw)

    @staticmethod
    def write(path: Path, doc: Any) -> None:
        raw = orjson.dumps(doc)
        path.write_bytes(gzip.compress(raw, mtime=0) if path.name.endswith(".gz") else raw)

    def edit(self, rel: str, change: Callable[[Any], Any]) -> None:
        path = self.root / rel
        doc = self.read(path)
        out = change(doc)
        self.write(path, doc if out is None else out)

    @property
    def target(self) -> str:
        return f"events/{TARGET}.json.gz"

    def edit_events(self, change: Callable[[list[dict[str, Any]]], Any]) -> None:
        def on_doc(doc: dict[str, Any]) -> None:
            out = change(doc["events"])
            if out is not None:
                doc["events"] = out

        self.edit(self.target, on_doc)

    def edit_sheet(self, change: Callable[[dict[str, Any]], Any], match_id: str = TARGET) -> None:
        def on_doc(doc: list[dict[str, Any]]) -> None:
            (sheet,) = [m for m in doc if str(m["wyId"]) == match_id]
            change(sheet)

        self.edit("matches/matches_Italy.json.gz", on_doc)

    def edit_players(self, change: Callable[[list[Any]], Any]) -> None:
        self.edit("players.json.gz", change)


def _team(sheet: dict[str, Any], side: str = "home") -> dict[str, Any]:
    team: dict[str, Any] = next(t for t in sheet["teamsData"].values() if t["side"] == side)
    return team


def _goal_shot(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["eventName"] == "Shot" and {"id": 101} in e["tags"])


# -- the mutations, by case id (cases.toml says what each should give) -----------------------------

MUTATIONS: dict[str, Callable[[Delivery], None]] = {}


def mutation(case_id: str) -> Callable[[Callable[[Delivery], None]], Callable[[Delivery], None]]:
    def register(fn: Callable[[Delivery], None]) -> Callable[[Delivery], None]:
        MUTATIONS[case_id] = fn
        return fn

    return register


@mutation("events_list_of_numbers")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: list(range(len(ev))))


@mutation("events_not_a_list")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: {"count": len(ev)})


@mutation("match_file_list_of_numbers")
def _(d: Delivery) -> None:
    d.edit(d.target, lambda doc: [1, 2, 3])


@mutation("match_file_no_events")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: [])


@mutation("event_number_among_events")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[:700] + [42] + ev[700:])


@mutation("event_team_neither_club")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[300].update(teamId=99999))


@mutation("event_team_null")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[301].update(teamId=None))


@mutation("event_sec_text")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[5].update(eventSec="12.5s"))


@mutation("event_sec_huge")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[-1].update(eventSec=1e9))


@mutation("event_sec_negative")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[20].update(eventSec=-3.0))


@mutation("event_without_id")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[7].__delitem__("id"))


@mutation("event_id_null")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[8].update(id=None))


@mutation("event_tags_numbers")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[9].update(tags=[101, 1801]))


@mutation("event_positions_numbers")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[10].update(positions=[50, 50]))


@mutation("event_coordinate_text")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[11].update(positions=[{"x": "left", "y": 50}]))


@mutation("events_of_another_match")
def _(d: Delivery) -> None:
    other = d.read(d.root / "events" / f"{OTHER}.json.gz")["events"]
    # beyond the first 50 events, where the matchId used to be checked
    d.edit_events(lambda ev: ev[:400] + other[:60] + ev[400:])


@mutation("event_match_id_null")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[900].update(matchId=None))


@mutation("event_match_id_a_list")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[901].update(matchId=[2575962]))


@mutation("duplicate_events")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev + ev[100:600])


@mutation("coordinates_out_of_range")
def _(d: Delivery) -> None:
    def change(ev: list[dict[str, Any]]) -> None:
        for e in ev[200:203]:
            e["positions"] = [{"x": 250, "y": -40}, *e["positions"][1:]]

    d.edit_events(change)


@mutation("goal_coded_as_pass")
def _(d: Delivery) -> None:
    """The real fault: the scorer's shot coded as a simple pass, the goal tag left on the save."""

    def change(ev: list[dict[str, Any]]) -> None:
        shot = _goal_shot(ev)
        shot.update(eventId=8, eventName="Pass", subEventId=85, subEventName="Simple pass")
        shot["tags"] = [t for t in shot["tags"] if t["id"] not in (101, 1201, 1202, 1203, 1204, 1205)]

    d.edit_events(change)


@mutation("goal_tag_removed")
def _(d: Delivery) -> None:
    """A goal of the sheet with no trace in the events at all: the score cannot be explained."""

    def change(ev: list[dict[str, Any]]) -> None:
        for e in ev:
            e["tags"] = [t for t in e["tags"] if t["id"] != 101] if e["matchPeriod"] == "1H" else e["tags"]

    d.edit_events(change)


@mutation("acting_player_not_on_sheet")
def _(d: Delivery) -> None:
    def change(sheet: dict[str, Any]) -> None:
        lineup = _team(sheet)["formation"]["lineup"]
        lineup[4]["playerId"] = 999999

    d.edit_sheet(change)


@mutation("match_without_its_sheet")
def _(d: Delivery) -> None:
    shutil.copy(SAMPLE / "events" / "Germany" / "2516744.json.gz", d.root / "events")


@mutation("match_file_upper_case_name")
def _(d: Delivery) -> None:
    (d.root / d.target).rename(d.root / "events" / f"{TARGET}.JSON.GZ")


@mutation("match_file_gzip_named_json")
def _(d: Delivery) -> None:
    (d.root / d.target).rename(d.root / "events" / f"{TARGET}.json")


@mutation("truncated_gzip")
def _(d: Delivery) -> None:
    path = d.root / d.target
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


@mutation("not_json")
def _(d: Delivery) -> None:
    path = d.root / "events" / f"{TARGET}.json"
    (d.root / d.target).unlink()
    path.write_text("Hellas Verona - Napoli 1-3: the match report, not its events\n", encoding="utf-8")


@mutation("fifo_in_the_folder")
def _(d: Delivery) -> None:
    (d.root / d.target).unlink()
    os.mkfifo(d.root / "events" / f"{TARGET}.json.gz")


@mutation("fifo_given_as_path")
def _(d: Delivery) -> None:
    (d.root / d.target).unlink()
    pipe = d.root.parent / "delivery.json"
    os.mkfifo(pipe)
    d.paths.append(pipe)


@mutation("device_given_as_path")
def _(d: Delivery) -> None:
    (d.root / d.target).unlink()
    d.paths.append(Path("/dev/null"))


@mutation("sheet_without_wyid")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: sheet.__delitem__("wyId"))


@mutation("sheet_lineup_row_number")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: _team(sheet)["formation"]["lineup"].__setitem__(3, 7))


@mutation("sheet_lineup_player_null")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: _team(sheet, "away")["formation"]["lineup"][2].update(playerId=None))


@mutation("sheet_twelve_starters")
def _(d: Delivery) -> None:
    def change(sheet: dict[str, Any]) -> None:
        formation = _team(sheet)["formation"]
        formation["lineup"].append(formation["bench"].pop())

    d.edit_sheet(change)


@mutation("sheet_one_team")
def _(d: Delivery) -> None:
    def change(sheet: dict[str, Any]) -> None:
        away = next(k for k, t in sheet["teamsData"].items() if t["side"] == "away")
        del sheet["teamsData"][away]

    d.edit_sheet(change)


@mutation("sheet_bad_date")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: sheet.update(dateutc="the 20th of August"))


@mutation("sheet_substitutions_null")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: _team(sheet)["formation"].update(substitutions="null"))


@mutation("sheet_substitution_negative_minute")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: _team(sheet)["formation"]["substitutions"][0].update(minute=-5))


@mutation("sheet_substitution_number")
def _(d: Delivery) -> None:
    d.edit_sheet(lambda sheet: _team(sheet, "away")["formation"]["substitutions"].__setitem__(1, 61))


@mutation("players_list_of_numbers")
def _(d: Delivery) -> None:
    d.edit_players(lambda players: list(range(3)))


@mutation("player_name_a_number")
def _(d: Delivery) -> None:
    d.edit_players(lambda players: players[10].update(shortName=12345))


@mutation("player_wyid_null")
def _(d: Delivery) -> None:
    d.edit_players(lambda players: players[11].update(wyId=None))


@mutation("player_entry_a_number")
def _(d: Delivery) -> None:
    d.edit_players(lambda players: players.insert(12, 42))


@mutation("team_wyid_null")
def _(d: Delivery) -> None:
    d.edit("teams.json", lambda teams: teams[5].update(wyId=None))


@mutation("teams_not_a_list")
def _(d: Delivery) -> None:
    d.edit("teams.json", lambda teams: {"teams": teams})


@mutation("changed_match_file_now_bad")
def _(d: Delivery) -> None:
    d.edit_events(lambda ev: ev[30].update(eventSec="soon"))


def build(case: dict[str, Any], root: Path) -> Delivery:
    """The case's delivery under ``root`` (mutated; for a ``rerun_of_clean`` case, the clean one
    is built first by the caller with ``Delivery(root)`` and this is applied on top)."""
    delivery = Delivery(root)
    MUTATIONS[case["id"]](delivery)
    return delivery


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_input_corpus")
    for c in cases():
        build(c, out / c["id"] / "delivery")
        print(out / c["id"])
