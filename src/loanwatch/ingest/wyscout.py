"""Wyscout v2 (the public dataset's format): match files, match sheets, players and teams.

This is the fast path. kloppy reads the same match in about 200 ms; reading it here with orjson
takes a few milliseconds, which is what lets a league season ingest in seconds. The events,
players and coordinates it yields are tested against kloppy's reading of the same files
(``tests/test_wyscout_vs_kloppy.py``); coordinates go through kloppy's own pitch transform,
tabulated once for Wyscout's integer grid. ``WyscoutReader`` (at the end) is this format behind
the one reader interface (``reader.Reader``) that ``pipeline.Ingestor`` runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from loanwatch.domain import (
    Club,
    Competition,
    DataWarning,
    Event,
    EventKind,
    MatchSheet,
    Player,
    SheetEntry,
    Substitution,
    TeamSheet,
)
from loanwatch.ingest import discover
from loanwatch.ingest.errors import (
    COORDINATES_OUT_OF_RANGE,
    DUPLICATE_EVENTS,
    EntryError,
    IngestError,
    warning,
)
from loanwatch.ingest.reader import MatchRead, ReferenceRead, Unit
from loanwatch.providers.wyscout_vocab import (
    ON_TARGET_TAGS,
    TAG_ACCURATE,
    TAG_ASSIST,
    TAG_BLOCKED,
    TAG_GOAL,
    TAG_HEAD_BODY,
    TAG_LEFT_FOOT,
    TAG_NOT_ACCURATE,
    TAG_OWN_GOAL,
    TAG_RIGHT_FOOT,
    coordinate_tables,
    to_metres,
)

PROVIDER = "wyscout"

# Wyscout's public competition ids (from its competitions.json), named as clubs name them.
COMPETITION_NAMES = {
    "524": ("Serie A", "Italy"),
    "412": ("Ligue 1", "France"),
    "426": ("Bundesliga", "Germany"),
    "364": ("Premier League", "England"),
    "795": ("La Liga", "Spain"),
    "102": ("European Championship", "Europe"),
    "28": ("World Cup", "World"),
}

PERIODS = {"1H": 1, "2H": 2, "E1": 3, "E2": 4, "P": 5}
SHOOTOUT_PERIOD = 5
# An event's eventSec counts from the start of its period; the longest real period of the data
# set lasts 59 minutes (a half with a long stoppage). Beyond 90 minutes the number is not a time.
MAX_PERIOD_SECONDS = 90 * 60
# The provider's pitch is 0..100 on both axes; the real data has a few positions one unit off the
# line (-1, 101). Further out, a position is not a place on the pitch: stored as unknown.
COORDINATE_TOLERANCE = 5
STARTERS = 11
MAX_CLOCK_MINUTE = 150  # a substitution minute beyond extra time and its stoppage is not a minute

# A goal is tagged on the scorer's shot (or direct free kick / corner) and on the keeper's save
# attempt; only the former is a goal of the event's team.
GOAL_EVENT_NAMES = frozenset({"Shot", "Free Kick"})
SHOT_SUBTYPES = frozenset({"Shot", "Penalty", "Free kick shot"})
PASS_EVENT_NAMES = frozenset({"Pass", "Free Kick"})  # passes and set-piece passes

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def clean_name(raw: str | None) -> str:
    """The dataset writes names with literal ``\\u00e9`` escapes; show them as people write them."""
    if not raw:
        return ""
    if not isinstance(raw, str):
        kind = "a number" if isinstance(raw, int | float) else f"a JSON {type(raw).__name__}"
        raise EntryError(f"{raw!r:.30} is {kind}, not a name")
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw) if "\\u" in raw else raw
    # A soft hyphen is a line-break hint (Gu\u00f0munds\u00adson), not part of the name.
    return text.replace("\u00ad", "").strip()


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "null"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def provider_id(value: Any) -> str | None:
    """A provider id as text, or None when it is missing, null, 0 or not an integer id."""
    if type(value) is int:
        return str(value) if value > 0 else None
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return str(int(value))
    return None


def _required_id(entry: Mapping[str, Any], key: str = "wyId") -> str:
    pid = provider_id(entry.get(key))
    if pid is None:
        raise EntryError(f"no {key}" if entry.get(key) is None else f"{key} {entry.get(key)!r} is not an id")
    return pid


def _name(entry: Mapping[str, Any], key: str) -> str:
    try:
        return clean_name(entry.get(key))
    except EntryError as exc:
        raise EntryError(f"{key} {exc}") from None


def _parse_date(value: Any) -> date | None:
    if not value or value == "null":
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def player_from_json(p: Mapping[str, Any]) -> Player:
    """A player entry; ``EntryError`` says what is wrong with a bad one."""
    if not isinstance(p, dict):
        raise EntryError(f"{p!r:.40} is not a player")
    role = p.get("role") or {}
    passport = p.get("passportArea") or {}
    foot = p.get("foot") or ""
    return Player(
        provider=PROVIDER,
        provider_id=_required_id(p),
        short_name=_name(p, "shortName"),
        first_name=_name(p, "firstName"),
        last_name=_name(p, "lastName"),
        birth_date=_parse_date(p.get("birthDate")),
        foot=foot if isinstance(foot, str) else "",
        height_cm=_int_or_none(p.get("height")) or None,
        role=str(role.get("code2") or "") if isinstance(role, dict) else "",
        nationality=_name(passport, "name") if isinstance(passport, dict) else "",
        passport_area=_area_code(passport),
        birth_area=_area_code(p.get("birthArea")),
    )


def _area_code(area: Any) -> str:
    """An area's ISO alpha-2 code, else Wyscout's alpha-3 (the home nations: XEN, XSC, XWA, XNI)."""
    if not isinstance(area, dict):
        return ""
    return str(area.get("alpha2code") or area.get("alpha3code") or "").strip().upper()


def club_from_json(t: Mapping[str, Any]) -> Club:
    """A team entry; ``EntryError`` says what is wrong with a bad one."""
    if not isinstance(t, dict):
        raise EntryError(f"{t!r:.40} is not a team")
    area = t.get("area") or {}
    return Club(
        provider=PROVIDER,
        provider_id=_required_id(t),
        name=_name(t, "name"),
        official_name=_name(t, "officialName"),
        area=_name(area, "name") if isinstance(area, dict) else "",
    )


def competition(provider_id: str) -> Competition:
    name, area = COMPETITION_NAMES.get(provider_id, (f"Wyscout competition {provider_id}", ""))
    return Competition(provider=PROVIDER, provider_id=provider_id, name=name, area=area)


def _load_json(path: Path, data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise IngestError(path, f"not valid JSON ({exc})") from None


def _entries(path: Path, data: bytes, what: str, read: Any) -> tuple[list[Any], list[IngestError]]:
    """Every good entry of a reference file, and an error naming each bad one by index and wyId."""
    doc = _load_json(path, data)
    if not isinstance(doc, list):
        raise IngestError(path, f"not a Wyscout {what}s file (expected a list of {what}s with wyId)")
    good, bad = [], []
    for i, entry in enumerate(doc):
        try:
            good.append(read(entry))
        except (EntryError, TypeError, AttributeError, ValueError) as exc:
            wy = f" (wyId {entry.get('wyId')})" if isinstance(entry, dict) and entry.get("wyId") else ""
            bad.append(IngestError(path, f"{what} #{i}{wy} rejected: {exc}"))
    if doc and not good:
        raise IngestError(
            path, f"not a Wyscout {what}s file: none of its {len(doc)} entries is a {what} ({bad[0].problem})"
        )
    return good, bad


def read_players(path: Path, data: bytes) -> tuple[list[Player], list[IngestError]]:
    """The players of a players.json, and the bad entries (rejected one by one)."""
    return _entries(path, data, "player", player_from_json)


def read_teams(path: Path, data: bytes) -> tuple[list[Club], list[IngestError]]:
    """The clubs of a teams.json, and the bad entries (rejected one by one)."""
    return _entries(path, data, "team", club_from_json)


def _team_sheet(path: Path, match_id: str, club_id: str, data: Mapping[str, Any], final: int) -> TeamSheet:
    formation = data.get("formation") or {}
    if not isinstance(formation, dict):
        formation = {}
    entries: list[SheetEntry] = []
    where = f"match {match_id}: club {club_id}"
    for key, starter in (("lineup", True), ("bench", False)):
        rows = formation.get(key) or []
        if not isinstance(rows, list):
            rows = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise IngestError(path, f"{where}: {key} row {i} is not a player ({row!r:.40})")
            pid = _int_or_none(row.get("playerId"))
            if not pid or pid < 0:
                raise IngestError(path, f"{where}: {key} row {i} has no playerId")
            # redCards / yellowCards hold the minute of the card ("93"), or "0".
            red = _int_or_none(row.get("redCards")) or None
            yellow = _int_or_none(row.get("yellowCards")) or 0
            entries.append(
                SheetEntry(str(pid), starter, red_card_minute=red, yellow_cards=1 if yellow else 0)
            )
    starters = sum(1 for e in entries if e.starter)
    if formation and starters != STARTERS:
        raise IngestError(path, f"{where}: the lineup lists {starters} starters ({STARTERS} expected)")
    if len({e.player_id for e in entries}) != len(entries):
        raise IngestError(path, f"{where}: a player is listed twice in the lineup and bench")
    subs_raw = formation.get("substitutions")
    subs: list[Substitution] = []
    # "null" (a string) is how the provider writes "no substitutions recorded".
    if isinstance(subs_raw, list):
        for i, s in enumerate(subs_raw):
            if not isinstance(s, dict):
                raise IngestError(path, f"{where}: substitution {i} is not a substitution ({s!r:.40})")
            p_in, p_out = _int_or_none(s.get("playerIn")), _int_or_none(s.get("playerOut"))
            minute = _int_or_none(s.get("minute"))
            if minute is None:
                continue
            if not 0 <= minute <= MAX_CLOCK_MINUTE:
                raise IngestError(
                    path, f"{where}: substitution {i} at minute {minute} (0..{MAX_CLOCK_MINUTE} expected)"
                )
            # playerIn 0 happens in the real data: the substitute is unknown; the player going
            # off still leaves at that minute.
            subs.append(Substitution(minute, str(p_in) if p_in else "", str(p_out) if p_out else ""))
    return TeamSheet(
        club_id=club_id,
        side=str(data.get("side") or ""),
        score=final,
        entries=tuple(entries),
        substitutions=tuple(subs),
    )


def sheet_from_json(path: Path, m: Mapping[str, Any]) -> MatchSheet:
    if not isinstance(m, dict):
        raise IngestError(path, f"{m!r:.40} is not a match sheet")
    match_id = provider_id(m.get("wyId"))
    if match_id is None:
        raise IngestError(
            path, "a match sheet without wyId" + (f" ({m.get('wyId')!r})" if "wyId" in m else "")
        )
    teams = m.get("teamsData") or {}
    if not isinstance(teams, dict) or len(teams) != 2 or not all(isinstance(v, dict) for v in teams.values()):
        raise IngestError(path, f"match {match_id}: the sheet does not name two teams")
    if not all(provider_id(k) for k in teams):
        raise IngestError(
            path, f"match {match_id}: the sheet's teamsData is keyed by something else than team ids"
        )
    duration = str(m.get("duration") or "Regular")
    sides: dict[str, TeamSheet] = {}
    for club_id, data in teams.items():
        # "score" is the score after 90 minutes; "scoreET" the score after extra time.
        key = "scoreET" if duration in ("ExtraTime", "Penalties") else "score"
        final = _int_or_none(data.get(key)) or 0
        sheet = _team_sheet(path, match_id, str(club_id), data, final)
        sides[sheet.side or ("home" if "home" not in sides else "away")] = sheet
    if set(sides) != {"home", "away"}:
        raise IngestError(path, f"match {match_id}: the sheet has no home and away side")
    try:
        kickoff = datetime.fromisoformat(str(m["dateutc"]))
    except (KeyError, ValueError):
        raise IngestError(path, f"match {match_id}: no valid dateutc") from None
    return MatchSheet(
        provider=PROVIDER,
        match_id=match_id,
        competition_id=str(m.get("competitionId", "")),
        season_id=str(m.get("seasonId", "")),
        kickoff=kickoff,
        gameweek=_int_or_none(m.get("gameweek")),
        home=sides["home"],
        away=sides["away"],
        venue=clean_name(m.get("venue")),
        duration=duration,
    )


def read_match_sheets(path: Path, data: bytes) -> list[MatchSheet]:
    doc = _load_json(path, data)
    if not isinstance(doc, list) or (doc and not (isinstance(doc[0], dict) and "teamsData" in doc[0])):
        raise IngestError(path, "not a Wyscout match sheet file (expected a list of matches with teamsData)")
    return [sheet_from_json(path, m) for m in doc]  # strict: the first bad sheet raises


@cache
def _kind(name: str, subtype: str) -> tuple[str, bool, bool]:
    """(canonical kind, is a pass or set-piece pass, can score) of a Wyscout event type."""
    if subtype in SHOT_SUBTYPES:
        kind = EventKind.SHOT
    elif name == "Pass":
        kind = EventKind.PASS
    else:
        kind = name.lower().replace(" ", "_")
    return kind, name in PASS_EVENT_NAMES and subtype not in SHOT_SUBTYPES, name in GOAL_EVENT_NAMES


def _point(
    p: Mapping[str, Any], xs: list[float], ys: list[float], off: list[str]
) -> tuple[float | None, float | None]:
    px, py = p.get("x"), p.get("y")
    if px is None or py is None:
        return None, None
    if type(px) is int and type(py) is int and 0 <= px <= 100 and 0 <= py <= 100:
        return xs[px], ys[py]
    if type(px) not in (int, float) or type(py) not in (int, float):
        raise EntryError(f"position {dict(p)!r:.60} is not a pair of numbers")
    lo, hi = -COORDINATE_TOLERANCE, 100 + COORDINATE_TOLERANCE
    if not (lo <= px <= hi and lo <= py <= hi):
        off.append("")  # counted by the caller; the position is not on the pitch
        return None, None
    return to_metres(px, py)


def _event(e: Mapping[str, Any], xs: list[float], ys: list[float], off: list[str]) -> Event:
    # The hot loop of a Wyscout ingest (650,000 events a season): positional arguments, cached
    # per-type facts, and tag tests on a set.
    sec = e["eventSec"]
    if type(sec) is not float and type(sec) is not int:
        raise EntryError(f"eventSec {sec!r:.30} is not a number of seconds")
    if not 0 <= sec <= MAX_PERIOD_SECONDS:
        raise EntryError(f"eventSec {sec} is not a time inside a period (0..{MAX_PERIOD_SECONDS} s)")
    eid = e["id"]
    if eid is None:
        raise EntryError("the event has no id")
    tags = tuple([t["id"] for t in e.get("tags") or ()])
    tagset = set(tags)
    pos = e.get("positions") or ()
    x = y = end_x = end_y = None
    if pos:
        p0 = pos[0]
        px, py = p0.get("x"), p0.get("y")
        if type(px) is int and type(py) is int and 0 <= px <= 100 and 0 <= py <= 100:
            x, y = xs[px], ys[py]  # the provider's integer grid: a table lookup
        else:
            x, y = _point(p0, xs, ys, off)
        if len(pos) > 1:
            p1 = pos[1]
            qx, qy = p1.get("x"), p1.get("y")
            if type(qx) is int and type(qy) is int and 0 <= qx <= 100 and 0 <= qy <= 100:
                end_x, end_y = xs[qx], ys[qy]
            else:
                end_x, end_y = _point(p1, xs, ys, off)
    name = e.get("eventName") or ""
    subtype = e.get("subEventName") or ""
    kind, passing, can_score = _kind(name, subtype)
    if passing and TAG_BLOCKED in tagset and x is not None:
        # A blocked pass has no end position: the provider writes a placeholder at a corner of
        # the pitch (0,0 or 100,100). Like kloppy, the pass ends where it started.
        end_x, end_y = x, y
    period = PERIODS.get(e.get("matchPeriod") or "", 0)
    if TAG_ACCURATE in tagset:
        outcome: bool | None = True
    elif TAG_NOT_ACCURATE in tagset:
        outcome = False
    else:
        outcome = None
    if TAG_HEAD_BODY in tagset:
        body = "head/body"
    elif TAG_LEFT_FOOT in tagset or TAG_RIGHT_FOOT in tagset:
        body = "foot"
    else:
        body = ""
    pid = e.get("playerId")
    team = e["teamId"]
    if type(team) is not int or team <= 0:
        team = provider_id(team)
        if team is None:
            raise EntryError(f"teamId {e['teamId']!r:.30} is not a team id")
    in_play = period != SHOOTOUT_PERIOD
    return Event(
        str(eid),
        period,
        float(sec),
        str(team),
        str(pid) if pid else None,
        name,
        subtype,
        kind,
        outcome,
        x,
        y,
        end_x,
        end_y,
        TAG_GOAL in tagset and can_score and in_play,
        TAG_OWN_GOAL in tagset and in_play,
        TAG_ASSIST in tagset,
        kind == EventKind.SHOT and not ON_TARGET_TAGS.isdisjoint(tagset),
        body,
        tags,
    )


class WyscoutMatchFile:
    """A parsed match file: events, the clubs and players it names, and the periods' real length."""

    def __init__(self, path: Path, data: bytes) -> None:
        doc = _load_json(path, data)
        if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
            raise IngestError(path, "not a Wyscout v2 match file (no 'events' list)")
        raw_events = doc["events"]
        if not raw_events:
            raise IngestError(path, "the match file holds no events")
        for i, e in enumerate(raw_events):
            if type(e) is not dict:
                raise IngestError(path, f"event #{i} is not an event ({e!r:.40})")
        self.match_id = _single_match_id(path, raw_events)
        self.warnings: list[DataWarning] = []
        xs, ys = coordinate_tables()
        off: list[str] = []
        try:
            events = [_event(e, xs, ys, off) for e in raw_events]
        except (EntryError, KeyError, TypeError, AttributeError, IndexError, ValueError):
            raise _first_bad_event(path, raw_events, xs, ys) from None
        if off:
            first = _first_off_pitch(raw_events, xs, ys)
            self.warnings.append(
                warning(
                    COORDINATES_OUT_OF_RANGE,
                    f"{len(off)} positions outside the provider's pitch (first in event {first}) "
                    "are stored as unknown",
                    count=len(off),
                    first_event_id=first,
                )
            )
        ids = [e.provider_event_id for e in events]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            unique = []
            for e in events:
                if e.provider_event_id not in seen:
                    seen.add(e.provider_event_id)
                    unique.append(e)
            first_dup = next(i for i in _duplicates(ids))
            self.warnings.append(
                warning(
                    DUPLICATE_EVENTS,
                    f"{len(events) - len(unique)} repeated events (first: event {first_dup}) were left out",
                    count=len(events) - len(unique),
                    first_event_id=first_dup,
                )
            )
            events = unique
        self.events = events
        self.period_minutes = _period_minutes(self.events)
        self.clubs = []
        for t in (doc.get("teams") or {}).values():
            if isinstance(t, dict) and isinstance(t.get("team"), dict):
                try:
                    self.clubs.append(club_from_json(t["team"]))
                except EntryError as exc:
                    raise IngestError(path, f"a team of the file is not a team: {exc}") from None
        # Players are described again in players.json: a bad description here is left out.
        self.players = []
        for team_players in (doc.get("players") or {}).values():
            for p in team_players if isinstance(team_players, list) else ():
                if isinstance(p, dict) and isinstance(p.get("player"), dict):
                    try:
                        self.players.append(player_from_json(p["player"]))
                    except (EntryError, TypeError, AttributeError, ValueError):
                        continue


def _single_match_id(path: Path, raw_events: list[dict[str, Any]]) -> str:
    """The file's match; events of another match (or of none) reject the file, named."""
    try:
        (only,) = {e.get("matchId") for e in raw_events}
        if type(only) is int and only > 0:
            return str(only)  # the usual file: one integer matchId throughout
    except (ValueError, TypeError):
        pass  # several matchIds, or one that is not even a value
    ids = [provider_id(e.get("matchId")) for e in raw_events]
    counts = Counter(ids)
    main = counts.most_common(1)[0][0]
    if len(counts) == 1 and main is not None:
        return main
    i = next(i for i, m in enumerate(ids) if m != main or m is None)
    stray = raw_events[i]
    where = f"(first: event #{i}, id {stray.get('id')}, matchId {stray.get('matchId')!r:.30})"
    if main is None or ids[i] is None:
        n = counts[None]
        raise IngestError(path, f"{n} events without a valid matchId {where}")
    others = sum(n for m, n in counts.items() if m != main)
    raise IngestError(path, f"{others} events of another match inside the file of match {main} {where}")


def _first_bad_event(
    path: Path, raw_events: list[dict[str, Any]], xs: list[float], ys: list[float]
) -> IngestError:
    off: list[str] = []
    for i, e in enumerate(raw_events):
        try:
            _event(e, xs, ys, off)
        except KeyError as exc:
            return IngestError(path, f"event #{i} (id {e.get('id')}): no {exc.args[0]}")
        except (EntryError, TypeError, AttributeError, IndexError, ValueError) as exc:
            return IngestError(path, f"event #{i} (id {e.get('id')}): {exc}")
    return IngestError(path, "malformed events")


def _first_off_pitch(raw_events: list[dict[str, Any]], xs: list[float], ys: list[float]) -> str:
    """The id of the first event with a position off the provider's pitch (for the warning)."""
    for raw in raw_events:
        off: list[str] = []
        _event(raw, xs, ys, off)
        if off:
            return str(raw["id"])
    return ""


def _duplicates(ids: list[str]) -> Iterator[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            yield i
        seen.add(i)


def _period_minutes(events: Iterable[Event]) -> dict[int, float]:
    """The real length of each period played: the time of its last event (shoot-outs excluded)."""
    last: dict[int, float] = {}
    for e in events:
        if 0 < e.period < SHOOTOUT_PERIOD and e.second > last.get(e.period, 0.0):
            last[e.period] = e.second
    return {p: round(s / 60.0, 2) for p, s in sorted(last.items())}


# -- the reader ---------------------------------------------------------------------------------

TOURNAMENTS = {"102", "28"}  # Wyscout ids of the Euro and the World Cup: seasons named by year
_ORDER = {"teams": 0, "players": 1, "sheets": 2, "match": 3}
_NOT_MINE = "not a Wyscout file name (*.json or *.json.gz, any case)"


def file_kind(path: Path) -> str | None:
    """What a Wyscout file is by its name: teams, players, sheets (matches_*.json), match; None
    for the data set's other files (competitions, coaches, referees, the id tables) and non-JSON."""
    name = path.name.lower()
    if not (name.endswith(".json") or name.endswith(".json.gz")):
        return None
    stem = name.removesuffix(".gz").removesuffix(".json")
    if stem == "teams":
        return "teams"
    if stem == "players":
        return "players"
    if stem.startswith("matches_") or stem == "matches":
        return "sheets"
    if stem in ("competitions", "coaches", "referees", "eventid2name", "tags2name"):
        return None
    return "match"


class WyscoutReader:
    """Folders and files of the public Wyscout v2 data set: teams, players, match sheets, matches.

    Reference files come first, so that each match file is read against its sheet: one of this
    run's sheet files, else the sheet the store keeps verbatim (``stored_sheet``), so a match file
    can arrive in a later delivery than its sheet.
    """

    provider = PROVIDER

    def __init__(self, stored_sheet: Callable[[str, str], bytes | None]) -> None:
        self._stored_sheet = stored_sheet
        self._sheets: dict[str, bytes] = {}
        self._bad_sheets: dict[str, str] = {}  # match id -> why its sheet was rejected in this run

    def units(self, paths: Sequence[Path], refused: list[IngestError]) -> list[Unit]:
        missing = [IngestError(p, "no such file or folder") for p in paths if not p.exists()]
        not_read: list[IngestError] = []
        found = discover.find(paths, file_kind, _NOT_MINE, not_read)
        refused += missing + not_read
        return [Unit(p, kind) for p, kind in sorted(found, key=lambda f: (_ORDER[f[1]], str(f[0])))]

    def run_source(self, paths: Sequence[Path]) -> str:
        return ", ".join(str(p) for p in paths)

    def content(self, unit: Unit, raw: list[bytes]) -> list[bytes]:
        return raw  # the file as delivered, compressed or not

    def read(self, unit: Unit, content: list[bytes]) -> MatchRead | ReferenceRead:
        path = unit.path
        data = discover.decompress(path, content[0])
        if unit.kind == "match":
            return self._match(path, WyscoutMatchFile(path, data))
        if unit.kind == "teams":
            clubs, bad = read_teams(path, data)
            return ReferenceRead(clubs=clubs, bad=bad)
        if unit.kind == "players":
            players, bad = read_players(path, data)
            return ReferenceRead(players=players, bad=bad)
        return self._index_sheets(path, data)

    def _match(self, path: Path, parsed: WyscoutMatchFile) -> MatchRead:
        sheet = self._sheet(path, parsed.match_id)
        return MatchRead(
            sheet,
            competition(sheet.competition_id),
            parsed.period_minutes,
            parsed.events,
            parsed.players,
            parsed.clubs,
            warnings=parsed.warnings,
            tournament=sheet.competition_id in TOURNAMENTS,
        )

    def _index_sheets(self, path: Path, content: bytes) -> ReferenceRead:
        try:
            doc = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise IngestError(path, f"not valid JSON ({exc})") from None
        if not isinstance(doc, list) or (
            doc and not any(isinstance(m, dict) and "teamsData" in m for m in doc)
        ):
            raise IngestError(
                path, "not a Wyscout match sheet file (expected a list of matches with teamsData)"
            )
        found = ReferenceRead(sheets={})
        sheets: dict[str, bytes] = {}
        for i, m in enumerate(doc):
            try:
                sheet = sheet_from_json(path, m)
            except IngestError as err:
                wy = provider_id(m.get("wyId")) if isinstance(m, dict) else None
                if wy is not None:
                    self._bad_sheets[wy] = err.problem
                found.bad.append(IngestError(path, f"match sheet #{i} rejected: {err.problem}"))
                continue
            self._bad_sheets.pop(sheet.match_id, None)
            sheets[sheet.match_id] = orjson.dumps(m)
            found.fixtures.append(
                {
                    "provider_match_id": sheet.match_id,
                    "kickoff": sheet.kickoff,
                    "competition_name": competition(sheet.competition_id).name,
                    "home_club_pid": sheet.home.club_id,
                    "away_club_pid": sheet.away.club_id,
                    "home_score": sheet.home.score,
                    "away_score": sheet.away.score,
                }
            )
        if doc and not sheets:
            raise IngestError(
                path, f"none of its {len(doc)} match sheets can be read ({found.bad[0].problem})"
            )
        self._sheets.update(sheets)
        found.sheets = sheets
        return found

    def _sheet(self, path: Path, match_id: str) -> MatchSheet:
        raw = self._sheets.get(match_id) or self._stored_sheet(PROVIDER, match_id)
        if raw is None and match_id in self._bad_sheets:
            raise IngestError(
                path, f"the match sheet of match {match_id} was rejected ({self._bad_sheets[match_id]})"
            )
        if raw is None:
            raise IngestError(
                path, f"no match sheet for match {match_id}: ingest the matches_*.json file that lists it"
            )
        return sheet_from_json(path, orjson.loads(raw))
