"""The small domain model every stage shares.

Readers (``loanwatch.ingest``) turn provider files into these objects; the store persists them;
metrics, tracking and reports read them back. Nothing here does I/O.

Coordinates are metres on a 105 x 68 pitch, origin at the bottom-left corner, the acting team
attacking left to right (the SPADL convention), whatever the provider's own system.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime

PITCH_LENGTH = 105.0
PITCH_WIDTH = 68.0

SEASON_START_MONTH = 7  # a club season runs from July to June


def season_start_year(day: date) -> int:
    """The year the club season of ``day`` starts in (July to June)."""
    return day.year if day.month >= SEASON_START_MONTH else day.year - 1


def season_start(day: date) -> date:
    """The first day of the club season of ``day`` (1 July)."""
    return date(season_start_year(day), SEASON_START_MONTH, 1)


def season_name(day: date, tournament: bool = False) -> str:
    """A season as the store and the reports name it: '2017/18'; a tournament by its year ('2016')."""
    if tournament:
        return str(day.year)
    start = season_start_year(day)
    return f"{start}/{(start + 1) % 100:02d}"


# The roles a player plays in a match (metrics/roles.py infers them from where his actions are).
GOALKEEPER = "goalkeeper"
CENTRE_BACK = "centre_back"
FULL_BACK = "full_back"
DEFENSIVE_MIDFIELDER = "defensive_midfielder"
CENTRAL_MIDFIELDER = "central_midfielder"
ATTACKING_MIDFIELDER = "attacking_midfielder"
WINGER = "winger"
STRIKER = "striker"
ROLES: tuple[str, ...] = (
    GOALKEEPER,
    CENTRE_BACK,
    FULL_BACK,
    DEFENSIVE_MIDFIELDER,
    CENTRAL_MIDFIELDER,
    ATTACKING_MIDFIELDER,
    WINGER,
    STRIKER,
)

# What a player did in a match (metrics/profile.py defines each; store table player_match_stats).
MATCH_COUNT_METRICS = (
    "goals",
    "assists",
    "shots",
    "key_passes",
    "progressive_passes",
    "progressive_carries",
    "dribbles",
    "tackles",
    "interceptions",
    "recoveries",
    "duels_won",
    "aerials_won",
)
MATCH_VALUE_METRICS = ("xg", "xa", "vaep", "vaep_offensive", "vaep_defensive", "xt")


class AppearanceStatus(enum.StrEnum):
    STARTED = "started"
    CAME_ON = "came_on"
    UNUSED = "unused"
    NOT_IN_SQUAD = "not_in_squad"
    NO_DATA = "no_data"  # the host club played, but we hold no match data for it
    INELIGIBLE = "ineligible"  # against the club that owns him: a league rule or a loan clause


class EventKind:
    PASS = "pass"
    SHOT = "shot"


class Provider(enum.StrEnum):
    WYSCOUT = "wyscout"
    STATSBOMB = "statsbomb"
    OPTA = "opta"
    SPORTEC = "sportec"


@dataclass(frozen=True)
class ProviderEntity:
    """What a provider describes, known by the provider's own id (unique per provider; the store
    gives each its own integer key beside it)."""

    provider: str
    provider_id: str


@dataclass(frozen=True)
class Competition(ProviderEntity):
    name: str
    area: str = ""


@dataclass(frozen=True)
class Club(ProviderEntity):
    name: str
    official_name: str = ""
    area: str = ""


@dataclass(frozen=True)
class Player(ProviderEntity):
    short_name: str
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    foot: str = ""
    height_cm: int | None = None
    role: str = ""  # the provider's coarse role: GK, DF, MD, FW
    nationality: str = ""
    passport_area: str = ""  # area codes: ISO alpha-2, or the provider's alpha-3 (XEN: England)
    birth_area: str = ""


@dataclass(slots=True)  # not frozen: a season is ~650,000 events, and frozen init is 2x slower
class Event:
    """One on-ball event, as the provider describes it, in canonical coordinates."""

    provider_event_id: str
    period: int
    second: float  # seconds since the start of the period
    team_id: str  # provider club id
    player_id: str | None
    type: str  # provider's event type name (Pass, Shot, Duel, ...)
    subtype: str
    kind: str  # canonical kind across providers: pass, shot, or the provider type in lower case
    outcome: bool | None  # accurate / successful, when the provider says
    x: float | None
    y: float | None
    end_x: float | None
    end_y: float | None
    is_goal: bool = False  # a goal scored by team_id (own goals are not goals of the shooter)
    is_own_goal: bool = False  # the player put the ball in his own net
    is_assist: bool = False
    on_target: bool = False  # a shot that would have gone in without the keeper
    body_part: str = ""  # foot, head, other
    tags: tuple[int | str, ...] = ()  # the provider's qualifiers, kept verbatim


@dataclass(frozen=True)
class SheetEntry:
    """One player on a club's match sheet."""

    player_id: str
    starter: bool
    red_card_minute: int | None = None
    yellow_cards: int = 0


@dataclass(frozen=True)
class Substitution:
    minute: int  # match clock minute as the provider gives it (46 = start of second half)
    player_in: str
    player_out: str


@dataclass(frozen=True)
class TeamSheet:
    club_id: str
    side: str  # home / away
    score: int
    entries: tuple[SheetEntry, ...]
    substitutions: tuple[Substitution, ...]


@dataclass(frozen=True)
class MatchSheet:
    provider: str
    match_id: str
    competition_id: str
    season_id: str
    kickoff: datetime
    gameweek: int | None
    home: TeamSheet
    away: TeamSheet
    venue: str = ""
    duration: str = "Regular"  # Regular, ExtraTime, Penalties


@dataclass(frozen=True)
class Appearance:
    player_id: str
    club_id: str
    status: AppearanceStatus
    minute_on: float | None
    minute_off: float | None
    minutes_played: float
    position: str = ""
    goals: int = 0
    own_goals: int = 0
    assists: int = 0
    shots: int = 0
    shots_on_target: int = 0
    passes: int = 0
    passes_accurate: int = 0
    yellow_cards: int = 0
    red_card: bool = False


@dataclass(frozen=True)
class DataWarning:
    """A data-quality problem of a stored match: a stable code, its parameters, an English text.

    Stored in ``matches.warnings`` as a JSON list of ``{"code", "params", "text"}`` objects
    (``warnings_to_json`` / ``warnings_from_json``). Reports translate by ``code`` and ``params``;
    ``text`` is for logs and the CLI. The codes are listed in ``loanwatch.ingest.errors``.
    """

    code: str
    params: dict[str, str | int | float] = field(default_factory=dict)
    text: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params), "text": self.text}


def warnings_to_json(warnings: list[DataWarning]) -> str:
    """The stored form of a match's warnings: "" when there are none, else a JSON list."""
    return json.dumps([w.as_dict() for w in warnings], ensure_ascii=False) if warnings else ""


def warnings_from_json(stored: str | None) -> list[DataWarning]:
    """Read ``matches.warnings`` back; text stored before migration 0007 reads as code "note"."""
    if not stored:
        return []
    try:
        doc = json.loads(stored)
    except ValueError:
        return [DataWarning("note", {}, line) for line in stored.splitlines() if line.strip()]
    if not isinstance(doc, list):
        return [DataWarning("note", {}, stored)]
    return [
        DataWarning(str(w.get("code", "note")), dict(w.get("params") or {}), str(w.get("text", "")))
        for w in doc
        if isinstance(w, dict)
    ]


@dataclass
class MatchRecord:
    """Everything one match file yields: what the store writes in one transaction."""

    sheet: MatchSheet
    period_minutes: dict[int, float]  # real length of each period played, from the events
    events: list[Event]
    players: list[Player]
    clubs: list[Club]
    competition: Competition
    appearances: list[Appearance] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)  # stored with the match, shown beside it

    @property
    def length_minutes(self) -> float:
        return sum(self.period_minutes.values())


class LoanType(enum.StrEnum):
    DRY = "dry_loan"
    WITH_OPTION = "loan_with_option"
    WITH_OBLIGATION = "loan_with_obligation"
    LOAN_BACK = "loan_back"


@dataclass(frozen=True)
class LoanTerms:
    loan_type: LoanType
    option_fee_eur: int | None = None
    obligation_fee_eur: int | None = None
    obligation_trigger: str = ""  # the contract's words, e.g. "10 appearances"
    trigger_appearances: int | None = None  # parsed from the trigger when it counts appearances
    recall_clause: str = ""
    notes: str = ""
