"""One match of any event format kloppy reads (StatsBomb, Opta, Sportec, Stats Perform), ingested.

The Wyscout reader (``loanwatch.ingest.wyscout``) is the fast path for whole seasons; this one is
the general path for the odd match file a scout or a partner club sends, one match at a time:

    loanwatch ingest 15986.json --provider statsbomb --metadata 15986_lineup.json

kloppy does the parsing and the coordinate transform; this module maps kloppy's ``EventDataset``
onto loanwatch's domain model. ``KloppyReader`` puts it behind the one reader interface
(``reader.Reader``), so that ``pipeline.Ingestor`` hashes, skips, checks (``checks.build_record``:
goals in the events == the score on the sheet, nobody plays longer than the match) and writes it
exactly as it does a Wyscout match.

What the providers do not say, and what is assumed instead:

* **Match id**: kloppy's ``game_id``; else the ``<Game id>`` of an Opta F24 feed; else the number
  in the event file's name (StatsBomb's open data names its files ``{match_id}.json``); else the
  event file's name without its extension. A changed file under the same name replaces its match.
* **Kickoff**: kloppy's ``date``; else the start of the first period when the provider gives
  wall-clock timestamps (Opta); else ``UNKNOWN_KICKOFF`` (StatsBomb event and lineup files carry
  no date). That sentinel lies outside every loan spell, so such a match never shows in a
  player's timeline under a made-up date.
* **Score**: kloppy's ``score``; else (StatsBomb) counted from the goals in the events, in which
  case the pipeline's goal check can only confirm the events are self-consistent.
* **Competition**: named in the Sportec and Stats Perform match sheets (read here, kloppy skips
  it); otherwise "<provider> unknown competition" (StatsBomb and Opta F7 files do not name it).
* **Events stored**: every event kloppy reads that belongs to a team. Events without a team
  (Sportec's referee interruptions, some of its ball-out events) cannot be attributed to a club,
  and kloppy cannot orient them for the acting team, so they are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import orjson

from loanwatch import domain  # the match sheet and its parts: domain.MatchSheet, TeamSheet, ...
from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH, Club, Competition, Event, EventKind, Player
from loanwatch.ingest import discover
from loanwatch.ingest.errors import UNEXPECTED, IngestError
from loanwatch.ingest.pipeline import Ingestor, IngestSummary
from loanwatch.ingest.reader import MatchRead, ReferenceRead, Unit
from loanwatch.metrics.boxscore import goals_by_club
from loanwatch.store.repository import Store

# A match whose date no file gives: before any loan spell, so no timeline picks it up.
UNKNOWN_KICKOFF = datetime(1900, 1, 1)

SHOOTOUT_PERIOD = 5
# Nominal match-clock minute at which each period starts (as loanwatch.ingest.minutes reads them).
_PERIOD_CLOCK_START = {1: 0, 2: 45, 3: 90, 4: 105}

_ROLES = {"Goalkeeper": "GK", "Defender": "DF", "Midfielder": "MD", "Attacker": "FW"}


@dataclass(frozen=True)
class _Format:
    """How one provider's pair of files is named, recognised and loaded."""

    label: str  # as people write the provider's name
    metadata_label: str  # what the provider calls the companion file
    event_syntax: str  # json or xml
    metadata_syntax: str
    companions: tuple[tuple[str, str], ...]  # (pattern in the event file name, replacement)
    load: Callable[[bytes, bytes], Any]  # (event bytes, metadata bytes) -> kloppy EventDataset


def _load_statsbomb(events: bytes, metadata: bytes) -> Any:
    from kloppy import statsbomb

    return statsbomb.load(event_data=events, lineup_data=metadata)


def _load_opta(events: bytes, metadata: bytes) -> Any:
    from kloppy import opta

    return opta.load(f7_data=metadata, f24_data=events)


def _load_sportec(events: bytes, metadata: bytes) -> Any:
    from kloppy import sportec

    return sportec.load_event(event_data=events, meta_data=metadata)


def _load_statsperform(events: bytes, metadata: bytes) -> Any:
    from kloppy import statsperform

    return statsperform.load_event(ma1_data=metadata, ma3_data=events)


FORMATS: dict[str, _Format] = {
    "statsbomb": _Format(
        "StatsBomb",
        "lineup file",
        "json",
        "json",
        # statsbomb_15986_event.json -> statsbomb_15986_lineup.json; events/15986.json -> lineups/15986.json
        ((r"events?(?=[^/]*$)", "lineup"), (r"(^|/)events/(?=[^/]*$)", r"\1lineups/")),
        _load_statsbomb,
    ),
    "opta": _Format(
        "Opta",
        "F7 lineup file",
        "xml",
        "xml",
        ((r"f(24|73)(?=[^/]*$)", "f7"), (r"F(24|73)(?=[^/]*$)", "F7")),
        _load_opta,
    ),
    "sportec": _Format(
        "Sportec",
        "match information (meta) file",
        "xml",
        "xml",
        ((r"events?(?=[^/]*$)", "meta"),),
        _load_sportec,
    ),
    "statsperform": _Format(
        "Stats Perform",
        "MA1 lineup file",
        "json or xml",
        "json or xml",
        ((r"ma3(?=[^/]*$)", "ma1"), (r"MA3(?=[^/]*$)", "MA1")),
        _load_statsperform,
    ),
}


# -- files --------------------------------------------------------------------------------------


def companion_path(path: Path, provider: str) -> Path | None:
    """The metadata file that goes with an event file, by the provider's usual naming, if it exists."""
    text = path.as_posix()
    for pattern, replacement in FORMATS[provider].companions:
        candidate = Path(re.sub(pattern, replacement, text))
        if candidate != path and candidate.is_file():
            return candidate
    return None


def _looks_like_wyscout(doc: Any) -> bool:
    if isinstance(doc, dict):
        return "events" in doc or "teamsData" in doc
    first = doc[0] if isinstance(doc, list) and doc else None
    return isinstance(first, dict) and ("eventName" in first or "wyId" in first or "teamsData" in first)


def _check_syntax(path: Path, content: bytes, fmt: _Format, role: str) -> None:
    """Reject a file that cannot be this provider's before kloppy sees it: kloppy's own errors on
    such files are tracebacks from deep inside its parsers, which tell a user nothing."""
    syntax = fmt.event_syntax if role == "event" else fmt.metadata_syntax
    what = f"{fmt.label} {'event file' if role == 'event' else fmt.metadata_label}"
    head = content.lstrip()[:1]
    if not head:
        raise IngestError(path, f"the file is empty (expected a {what})")
    if syntax == "xml" and head != b"<":
        raise IngestError(path, f"not XML, so not a {what}")
    if syntax == "json" and head not in (b"[", b"{"):
        raise IngestError(path, f"not JSON, so not a {what}")
    if head in (b"[", b"{"):
        try:
            doc = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise IngestError(path, f"not valid JSON: truncated or corrupt? ({exc})") from None
        if _looks_like_wyscout(doc):
            raise IngestError(
                path, f"this is Wyscout data, not a {what}: ingest Wyscout files with --provider wyscout"
            )
        if fmt.label == "StatsBomb":
            _check_statsbomb_shape(path, doc, role, what)


def _check_statsbomb_shape(path: Path, doc: Any, role: str, what: str) -> None:
    items = doc if isinstance(doc, list) else []
    first = items[0] if items else None
    if role == "event" and not (isinstance(first, dict) and "type" in first and "period" in first):
        raise IngestError(path, f"not a {what} (expected a JSON list of events with type and period)")
    if role == "metadata" and not (isinstance(first, dict) and "lineup" in first and "team_id" in first):
        raise IngestError(path, f"not a {what} (expected a JSON list of two teams with their lineup)")


def _load(path: Path, metadata: Path, provider: str, events_raw: bytes, meta_raw: bytes) -> Any:
    fmt = FORMATS[provider]
    _check_syntax(path, events_raw, fmt, "event")
    _check_syntax(metadata, meta_raw, fmt, "metadata")
    try:
        dataset = fmt.load(events_raw, meta_raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault: report it, no traceback
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        raise IngestError(
            path,
            f"kloppy cannot read it as {fmt.label} data with {metadata.name} "
            f"({type(exc).__name__}{': ' + detail if detail else ''})",
        ) from None
    teams = list(dataset.metadata.teams or [])
    if len(teams) != 2:
        raise IngestError(path, f"the {fmt.label} files do not name a home and an away team")
    if not dataset.records:
        raise IngestError(path, "the event file holds no events")
    return dataset


# -- mapping kloppy onto the domain -------------------------------------------------------------


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value) or "")


def _role(player: Any) -> str:
    """GK / DF / MD / FW from the player's first known position, if kloppy knows one."""
    position = player.starting_position
    if position is None:
        # A substitute has no starting position: take the first he was given (a TimeContainer).
        for pos in getattr(player.positions, "items", {}).values():
            if pos is not None:
                position = pos
                break
    if position is None:
        return ""
    group = getattr(position, "position_group", None) or position
    return _ROLES.get(_enum_name(group), "")


def _split_name(player: Any) -> tuple[str, str, str]:
    """(short name, first name, last name): kloppy's own split when it has one, else the full name
    cut at its first space (StatsBomb gives "Lionel Andrés Messi Cuccittini" as one string)."""
    first, last = (player.first_name or "").strip(), (player.last_name or "").strip()
    name = (player.name or "").strip() or f"{first} {last}".strip()
    if not (first or last) and " " in name:
        first, last = name.split(" ", 1)
    elif not (first or last):
        last = name
    return name or f"player {player.player_id}", first, last


def _statsbomb_nicknames(meta_raw: bytes) -> dict[str, str]:
    """StatsBomb's lineup names players in full and by the name people use ("Lionel Messi"),
    which kloppy drops: keep the latter as the short name, it is what a loan list writes."""
    try:
        doc = orjson.loads(meta_raw)
    except orjson.JSONDecodeError:
        return {}
    return {
        str(p["player_id"]): str(p["player_nickname"])
        for team in doc
        if isinstance(team, dict)
        for p in team.get("lineup") or ()
        if isinstance(p, dict) and p.get("player_nickname") and "player_id" in p
    }


def _attributes(element: bytes) -> dict[str, str]:
    return {k.decode(): v.decode("utf-8", "replace") for k, v in re.findall(rb'(\w+)="([^"]*)"', element)}


def _first_element(raw: bytes, tag: bytes) -> dict[str, str]:
    m = re.search(rb"<" + tag + rb"\b[^>]*>", raw)
    return _attributes(m.group(0)) if m else {}


def sheet_info(provider: str, meta_raw: bytes) -> dict[str, str]:
    """What the provider's match sheet says that kloppy skips: match id, competition, season.

    Keys (all optional): match_id, competition_id, competition_name, area, season_id.
    """
    if provider == "sportec":
        general = _first_element(meta_raw, b"General")
        return {
            "match_id": general.get("MatchId", ""),
            "competition_id": general.get("CompetitionId", ""),
            "competition_name": general.get("CompetitionName", ""),
            "season_id": general.get("SeasonId", ""),
        }
    if provider == "statsperform":
        match: dict[str, Any]
        comp: dict[str, Any]
        season: dict[str, Any]
        if meta_raw.lstrip()[:1] == b"<":
            match, comp = _first_element(meta_raw, b"matchInfo"), _first_element(meta_raw, b"competition")
            season = _first_element(meta_raw, b"tournamentCalendar")
            area = ""
        else:
            try:
                doc = orjson.loads(meta_raw)
            except orjson.JSONDecodeError:
                return {}
            info: dict[str, Any] = (doc.get("matchInfo") or {}) if isinstance(doc, dict) else {}
            match, comp, season = info, info.get("competition") or {}, info.get("tournamentCalendar") or {}
            area = str((comp.get("country") or {}).get("name") or "")
        return {
            "match_id": str(match.get("id") or ""),
            "competition_id": str(comp.get("id") or ""),
            "competition_name": str(comp.get("name") or ""),
            "area": area,
            "season_id": str(season.get("id") or ""),
        }
    return {}


def _seconds(value: Any) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value or 0.0)


def period_minutes_of(dataset: Any, events: Sequence[Any]) -> dict[int, float]:
    """Real length of each period played, from kloppy's period bounds (the last event's time when
    a bound is missing). The shoot-out is not playing time and is left out."""
    last: dict[int, float] = {}
    for e in events:
        last[e.period.id] = max(last.get(e.period.id, 0.0), _seconds(e.timestamp))
    minutes: dict[int, float] = {}
    for p in dataset.metadata.periods:
        if p.id not in _PERIOD_CLOCK_START:
            continue
        if p.start_timestamp is not None and p.end_timestamp is not None:
            length = (p.end_timestamp - p.start_timestamp).total_seconds()
        else:
            length = last.get(p.id, 0.0)
        if length > 0:
            minutes[p.id] = round(length / 60.0, 2)
    return minutes


def clock_minute(period: int, seconds: float, period_minutes: dict[int, float]) -> int:
    """The match-clock minute of a moment, as match sheets (and Wyscout's) give it.

    Periods start at 0, 45, 90 and 105 and the clock shows the minute under way: the first
    minute of the second half is 46 (domain.Substitution), a red card at 32:36 is in the 33rd.
    Stoppage time of a half stays in that half (45 for a first-half stoppage-time substitution)
    when another period follows; otherwise ``minutes.elapsed_minutes`` would read the nominal
    minute as the next period's and place the moment in the wrong half.
    """
    start = _PERIOD_CLOCK_START.get(period, 120)
    minute = start + int(max(seconds, 0.0) // 60) + 1
    following = _PERIOD_CLOCK_START.get(period + 1)
    if following is not None and (period + 1) in period_minutes:
        minute = min(minute, following)
    return minute


def _metres(point: Any, flip_y: bool) -> tuple[float | None, float | None]:
    if point is None or point.x is None or point.y is None:
        return None, None
    x, y = float(point.x), float(point.y)
    return x, (PITCH_WIDTH - y if flip_y else y)


def _end_point(e: Any) -> Any:
    for attr in ("receiver_coordinates", "result_coordinates", "end_coordinates"):
        point = getattr(e, attr, None)
        if point is not None:
            return point
    return None


def _tags(qualifiers: Sequence[Any]) -> tuple[str, ...]:
    """kloppy's qualifiers as words without spaces (the store joins tags with spaces):
    an enum qualifier by its value (RIGHT_FOOT, CORNER_KICK), a true flag by its name."""
    tags: list[str] = []
    for q in qualifiers:
        value = q.value
        if isinstance(value, bool):
            if value:
                tags.append(str(q.name))
        else:
            tags.append(str(getattr(value, "value", value)))
    return tuple(t.replace(" ", "_") for t in tags)


def _body_part(qualifiers: Sequence[Any]) -> str:
    for q in qualifiers:
        if type(q).__name__ == "BodyPartQualifier":
            name = _enum_name(q.value)
            if name.endswith("FOOT"):
                return "foot"
            return "head" if name == "HEAD" else "other"
    return ""


def _subtype(e: Any, qualifiers: Sequence[Any]) -> str:
    for q in qualifiers:
        if type(q).__name__ == "SetPieceQualifier":
            return _enum_name(q.value)
    card = getattr(e, "card_type", None)
    return _enum_name(card) if card is not None else ""


def _to_event(e: Any, flip_y: bool) -> Event:
    kind_name = e.event_type.name
    result = getattr(e, "result", None)
    result_name = _enum_name(result) if result is not None else ""
    qualifiers = list(e.qualifiers or ())
    period = int(e.period.id)
    if kind_name == "SHOT" and result_name == "OWN_GOAL":
        # kloppy models an own goal as a "shot" of the conceding player: it is neither his shot
        # nor his goal, so it must not reach the box score as one.
        kind = "own_goal"
    elif kind_name == "SHOT":
        kind = EventKind.SHOT
    elif kind_name == "PASS":
        kind = EventKind.PASS
    else:
        kind = kind_name.lower()
    try:
        outcome: bool | None = bool(result.is_success) if result is not None else None
    except (AttributeError, NotImplementedError):
        outcome = None
    x, y = _metres(e.coordinates, flip_y)
    end_x, end_y = _metres(_end_point(e), flip_y)
    counted = period != SHOOTOUT_PERIOD  # shoot-out kicks decide a tie, they are not goals
    return Event(
        provider_event_id=str(e.event_id),
        period=period,
        second=round(_seconds(e.timestamp), 3),
        team_id=str(e.team.team_id),
        player_id=str(e.player.player_id) if e.player is not None else None,
        type=str(e.event_name or kind_name.lower()),
        subtype=_subtype(e, qualifiers),
        kind=kind,
        outcome=outcome,
        x=x,
        y=y,
        end_x=end_x,
        end_y=end_y,
        is_goal=kind == EventKind.SHOT and result_name == "GOAL" and counted,
        is_own_goal=kind == "own_goal" and counted,
        on_target=kind == EventKind.SHOT and result_name in ("GOAL", "SAVED"),
        body_part=_body_part(qualifiers),
        tags=_tags(qualifiers),
    )


# Actions by which a team has the ball: one of these by the opponent ends the search for an assist.
_POSSESSION_ACTIONS = frozenset(
    {"PASS", "SHOT", "CARRY", "TAKE_ON", "CLEARANCE", "INTERCEPTION", "RECOVERY", "GOALKEEPER"}
)


def _marked_assist(record: Any) -> bool:
    return any(
        type(q).__name__ == "PassQualifier" and _enum_name(q.value) == "ASSIST"
        for q in record.qualifiers or ()
    )


def _assists(records: Sequence[Any], events: list[Event]) -> set[int]:
    """Indexes of the passes that assisted a goal.

    The provider's own assist qualifier when it marks any (StatsBomb, Opta); otherwise (Sportec,
    Stats Perform) the scorer's team's last pass before the goal, when its receiver is the scorer
    and the opponent did not have the ball in between.
    """
    marked = {i for i, r in enumerate(records) if r.event_type.name == "PASS" and _marked_assist(r)}
    if marked:
        return marked
    found: set[int] = set()
    for i, ev in enumerate(events):
        if not ev.is_goal or ev.player_id is None:
            continue
        for j in range(i - 1, max(-1, i - 40), -1):
            prev = records[j]
            if events[j].period != ev.period:
                break
            kind = prev.event_type.name
            if events[j].team_id != ev.team_id:
                if kind in _POSSESSION_ACTIONS:
                    break
                continue
            if kind == "PASS":
                receiver = getattr(prev, "receiver_player", None)
                if (
                    receiver is not None
                    and str(receiver.player_id) == ev.player_id
                    and events[j].player_id != ev.player_id
                ):
                    found.add(j)
                break
    return found


def _team_sheets(
    dataset: Any, records: Sequence[Any], events: list[Event], period_minutes: dict[int, float]
) -> tuple[domain.TeamSheet, domain.TeamSheet]:
    reds: dict[str, int] = {}
    yellows: Counter[str] = Counter()
    subs: dict[str, list[domain.Substitution]] = {}
    for r, ev in zip(records, events, strict=True):
        name = r.event_type.name
        if name == "CARD" and r.player is not None and ev.period != SHOOTOUT_PERIOD:
            card = _enum_name(r.card_type)
            pid = str(r.player.player_id)
            if card in ("FIRST_YELLOW", "SECOND_YELLOW"):
                yellows[pid] += 1
            if card in ("RED", "SECOND_YELLOW") and pid not in reds:
                reds[pid] = clock_minute(ev.period, ev.second, period_minutes)
        elif name == "SUBSTITUTION" and r.player is not None:
            replacement = getattr(r, "replacement_player", None)
            subs.setdefault(ev.team_id, []).append(
                domain.Substitution(
                    minute=clock_minute(ev.period, ev.second, period_minutes),
                    player_in=str(replacement.player_id) if replacement is not None else "",
                    player_out=str(r.player.player_id),
                )
            )
    home_team, away_team = dataset.metadata.teams
    scored = goals_by_club(events, (str(home_team.team_id), str(away_team.team_id)))
    score = dataset.metadata.score
    sheets = []
    for side, team in (("home", home_team), ("away", away_team)):
        club_id = str(team.team_id)
        # No score from the provider (StatsBomb): the events' own count.
        goals = int(score.home if side == "home" else score.away) if score is not None else scored[club_id]
        entries = tuple(
            domain.SheetEntry(
                player_id=str(p.player_id),
                starter=bool(p.starting),
                red_card_minute=reds.get(str(p.player_id)),
                yellow_cards=yellows[str(p.player_id)],
            )
            for p in team.players
        )
        sheets.append(domain.TeamSheet(club_id, side, goals, entries, tuple(subs.get(club_id, ()))))
    return sheets[0], sheets[1]


def _kickoff(dataset: Any) -> datetime:
    """UTC, without tzinfo, as Wyscout's dateutc: the store compares kickoffs across providers.

    kloppy's ``date`` first; but when it holds only the day (Stats Perform: midnight) or nothing
    (Opta), the wall-clock start of the first period, where the provider gives one, is the kickoff.
    """
    when = _utc(dataset.metadata.date)
    periods = dataset.metadata.periods
    start = _utc(periods[0].start_timestamp) if periods else None
    if start is not None and (when is None or (when.time() == time(0) and when.date() == start.date())):
        when = start
    return when if when is not None else UNKNOWN_KICKOFF


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None  # StatsBomb's period bounds are offsets (timedelta), not times of day
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


_OPTA_GAME_ID = re.compile(rb'<Game\b[^>]*?\bid="(\d+)"')


def _match_id(dataset: Any, path: Path, provider: str, events_raw: bytes) -> str:
    if dataset.metadata.game_id:
        return str(dataset.metadata.game_id)
    if provider == "opta" and (m := _OPTA_GAME_ID.search(events_raw[:4096])):
        return m.group(1).decode()
    stem = path.name.removesuffix(".gz").rsplit(".", 1)[0]
    number = re.search(r"\d{4,}", stem)
    return number.group(0) if number else stem


def _duration(dataset: Any) -> str:
    ids = {p.id for p in dataset.metadata.periods}
    if SHOOTOUT_PERIOD in ids:
        return "Penalties"
    if ids & {3, 4}:
        return "ExtraTime"
    return "Regular"


def _gameweek(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # a cup stage ("8th Finals") rather than a round number


def read_match(path: Path, provider: str, metadata: Path, events_raw: bytes, meta_raw: bytes) -> MatchRead:
    """Read one match with kloppy and map it onto the domain model (no store, no checks)."""
    from kloppy.domain import Dimension, MetricPitchDimensions, Orientation, VerticalOrientation

    dataset = _load(path, metadata, provider, events_raw, meta_raw)
    try:
        # kloppy can orient an event for "the team acting" only if the event has a team.
        dataset = dataset.filter(lambda e: e.team is not None)
        dataset = dataset.transform(
            to_orientation=Orientation.ACTION_EXECUTING_TEAM,
            to_pitch_dimensions=MetricPitchDimensions(
                x_dim=Dimension(0, PITCH_LENGTH),
                y_dim=Dimension(0, PITCH_WIDTH),
                pitch_length=PITCH_LENGTH,
                pitch_width=PITCH_WIDTH,
                standardized=True,
            ),
        )
    except Exception as exc:  # noqa: BLE001 - a file kloppy read but cannot orient is still a bad file
        raise IngestError(path, f"kloppy cannot orient its events ({type(exc).__name__}: {exc})") from None
    records = list(dataset.records)
    # kloppy's y runs from the top touchline down; loanwatch's from the bottom up.
    flip_y = dataset.metadata.coordinate_system.vertical_orientation == VerticalOrientation.TOP_TO_BOTTOM
    events = [_to_event(r, flip_y) for r in records]
    for i in _assists(records, events):
        events[i] = replace(events[i], is_assist=True)
    period_minutes = period_minutes_of(dataset, records)
    home, away = _team_sheets(dataset, records, events, period_minutes)

    nicknames = _statsbomb_nicknames(meta_raw) if provider == "statsbomb" else {}
    players = []
    for team in dataset.metadata.teams:
        for p in team.players:
            short, first, last = _split_name(p)
            players.append(
                Player(
                    provider=provider,
                    provider_id=str(p.player_id),
                    short_name=nicknames.get(str(p.player_id), short),
                    first_name=first,
                    last_name=last,
                    role=_role(p),
                )
            )
    clubs = [
        Club(provider=provider, provider_id=str(t.team_id), name=str(t.name or t.team_id))
        for t in dataset.metadata.teams
    ]

    info = sheet_info(provider, meta_raw)
    label = FORMATS[provider].label
    competition = Competition(
        provider=provider,
        provider_id=info.get("competition_id") or "unknown",
        name=info.get("competition_name") or f"{label} unknown competition",
        area=info.get("area", ""),
    )
    sheet = domain.MatchSheet(
        provider=provider,
        match_id=info.get("match_id") or _match_id(dataset, path, provider, events_raw),
        competition_id=competition.provider_id,
        season_id=info.get("season_id", ""),
        kickoff=_kickoff(dataset),
        gameweek=_gameweek(dataset.metadata.game_week),
        home=home,
        away=away,
        duration=_duration(dataset),
    )
    return MatchRead(sheet, competition, period_minutes, events, players, clubs, describes_players=True)


# -- the reader ---------------------------------------------------------------------------------


class KloppyReader:
    """One match of a provider kloppy reads: its event file, with its metadata file (given, or
    found beside it by the provider's usual naming). Both files are the match's content: a
    corrected lineup changes the match as much as a corrected event file."""

    def __init__(self, provider: str, metadata: Path | None = None) -> None:
        self.provider = provider
        self.format = FORMATS[provider]
        self.metadata = metadata

    def units(self, paths: Sequence[Path], refused: list[IngestError]) -> list[Unit]:
        units = []
        for path in paths:
            if path.exists() and not path.is_file() and not path.is_dir():
                refused.append(IngestError(path, "not a regular file (a FIFO or device?): nothing read"))
                continue
            if not path.is_file():
                refused.append(IngestError(path, "no such file"))
                continue
            metadata = self.metadata or companion_path(path, self.provider)
            if metadata is None:
                fmt = self.format
                refused.append(
                    IngestError(
                        path, f"a {fmt.label} event file needs its {fmt.metadata_label}: pass --metadata FILE"
                    )
                )
                continue
            if not metadata.exists():
                refused.append(IngestError(metadata, "no such file"))
                continue
            units.append(Unit(path, "match", (metadata,)))
        return units

    def run_source(self, paths: Sequence[Path]) -> str:
        described = (f"{p} + {self.metadata or companion_path(p, self.provider)}" for p in paths)
        return f"{', '.join(described)} ({self.provider})"

    def content(self, unit: Unit, raw: list[bytes]) -> list[bytes]:
        return [discover.decompress(path, data) for path, data in zip(unit.files, raw, strict=True)]

    def read(self, unit: Unit, content: list[bytes]) -> MatchRead | ReferenceRead:
        (metadata,) = unit.companions
        events_raw, meta_raw = content
        try:
            return read_match(unit.path, self.provider, metadata, events_raw, meta_raw)
        except UNEXPECTED as exc:
            # kloppy read the files but left something this mapping relies on malformed.
            problem = f"unexpected content in the {self.format.label} files ({exc!r})"
            raise IngestError(unit.path, problem) from None


def ingest_with_kloppy(
    store: Store, path: Path, provider: str, metadata: Path | None, *, accept_score_mismatch: bool = False
) -> IngestSummary:
    """Ingest one match: skipped if the same content is in the store, replaced if it changed.

    Raises IngestError, naming the file, when it cannot be ingested; the rejection is also
    recorded in the store when the files could be read.
    """
    provider = provider.strip().lower()
    if provider not in FORMATS:
        raise IngestError(
            path,
            f"unknown provider {provider!r}: kloppy ingest supports {', '.join(FORMATS)} "
            "(Wyscout folders ingest with --provider wyscout)",
        )
    reader = KloppyReader(provider, metadata)
    summary = Ingestor(store, accept_score_mismatch=accept_score_mismatch, reader=reader).run([path])
    if summary.errors:
        raise summary.errors[0]
    return summary
