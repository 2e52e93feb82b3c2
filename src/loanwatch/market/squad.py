"""The owner club's squad for a season: the club's own file where it has one, the match data for
who played (by role and minutes), the provider for ages and nationalities.

Pure: the service reads the store and gives this module rows. What neither the file nor the data
can know (a contract end, a training status, EU status, a wage) stays ``None``: shown "unknown",
never guessed, and a rule that needs it says it cannot be checked (``market.check``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from loanwatch.domain import ROLES, SEASON_START_MONTH

UNKNOWN = "unknown"  # how a None is shown


def season_first_day(season: str) -> date:
    """1 July of the season's first year ('2018/19' -> 2018-07-01)."""
    return date(int(season[:4]), SEASON_START_MONTH, 1)


def next_season(season: str) -> str:
    year = int(season[:4]) + 1
    return f"{year}/{(year + 1) % 100:02d}"


def previous_season(season: str) -> str:
    year = int(season[:4]) - 1
    return f"{year}/{(year + 1) % 100:02d}"


def age_on(birth_date: date | None, day: date) -> int | None:
    """Age in whole years on ``day``; None when the birth date is not known."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def shown(value: object) -> str:
    """A squad value as the CLI prints it: ``None`` is "unknown"; yes / no for booleans."""
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class Played:
    """What the data says a player did for the owner club in the season (all its competitions in
    the store): minutes, matches, starts, the role of most of his minutes and its share."""

    player_id: int
    minutes: float
    matches: int
    starts: int
    role: str | None
    role_share: float | None
    competitions: tuple[str, ...]


@dataclass(frozen=True)
class SquadMember:
    """One player of the owner's squad in a season. ``None`` is "unknown" (never no or zero);
    ``wage_eur`` is a contract term (None for a role that may not see terms: access.py)."""

    player_id: int | None
    name: str  # as people know him (the data), else as the club's file writes it
    birth_date: date | None
    age: int | None  # on 1 July of the season
    nationality: str  # the provider's (players.json passport); "" when not given
    passport_area: str
    provider_role: str  # the provider's coarse role (GK, DF, MD, FW)
    role: str | None  # the role of most of his minutes for the owner (metrics/roles.py); None: did not play
    role_share: float | None
    minutes: float
    file_role: str | None  # the role the club's squad file gives him (domain.ROLES); None: not given
    matches: int
    starts: int
    competitions: tuple[str, ...]
    contract_end: date | None
    club_trained: bool | None
    club_trained_years: int | None
    association_trained: bool | None
    association_trained_years: int | None
    eu: bool | None
    wage_eur: int | None
    loan_in_from: str | None  # he plays for the owner on loan from this club (the loan list)
    on_loan_to: str | None  # the owner has him on loan at this club (his latest spell of the season)
    in_file: bool  # the club's squad file lists him
    in_data: bool  # he played for the owner in the season's matches in the store
    source: str  # the file's row, or "match data"

    @property
    def unknown(self) -> tuple[str, ...]:
        """The fields of his the club has not given (what a rule needing them cannot check)."""
        names = ("contract_end", "club_trained", "association_trained", "eu")
        return tuple(n for n in names if getattr(self, n) is None)


def build_squad(
    season: str,
    played: Iterable[Played],
    players: Mapping[int, Mapping[str, Any]],
    file_rows: Sequence[Mapping[str, Any]] = (),
    *,
    loans_in: Mapping[int, str] | None = None,
    loans_out: Mapping[int, str] | None = None,
    names: Mapping[int, str] | None = None,
) -> list[SquadMember]:
    """The squad: every player the club's file lists (``file_rows``, stored squad rows) and every
    player who played for the owner in the season (``played``), once; ``players``: the store's
    players rows by id; ``loans_in``: player id -> the club he is on loan from; ``loans_out``:
    player id -> the club the owner has him on loan at (a loanee the file lists); ``names``: the
    names people know (portfolio.names.display_name) by id. Ordered by role, then minutes."""
    first_day = season_first_day(season)
    loans_in = loans_in or {}
    loans = (loans_in, loans_out or {})
    names = names or {}
    by_id = {p.player_id: p for p in played}
    out: list[SquadMember] = []
    listed: set[int] = set()
    for row in file_rows:
        pid = row.get("player_id")
        record = players.get(int(pid)) if pid is not None else None
        if pid is not None:
            listed.add(int(pid))
        out.append(
            _member(first_day, by_id.get(int(pid)) if pid is not None else None, record, row, loans, names)
        )
    for pid, p in by_id.items():
        if pid not in listed:
            out.append(_member(first_day, p, players.get(pid), None, loans, names))
    return sorted(out, key=squad_order)


def squad_order(member: SquadMember) -> tuple[int, float, str]:
    """Goalkeepers to strikers (domain.ROLES), who did not play last; most minutes first."""
    role = ROLES.index(member.role) if member.role in ROLES else len(ROLES)
    return (role, -member.minutes, member.name)


def _member(
    first_day: date,
    played: Played | None,
    record: Mapping[str, Any] | None,
    row: Mapping[str, Any] | None,
    loans: tuple[Mapping[int, str], Mapping[int, str]],
    names: Mapping[int, str],
) -> SquadMember:
    record = record or {}
    row = row or {}
    pid = record.get("id") if record else row.get("player_id")
    birth = row.get("birth_date") or record.get("birth_date")
    return SquadMember(
        player_id=int(pid) if pid is not None else None,
        name=(names.get(int(pid), "") if pid is not None else "")
        or str(row.get("player_name") or record.get("short_name") or ""),
        birth_date=birth,
        age=age_on(birth, first_day),
        nationality=str(record.get("nationality") or ""),
        passport_area=str(record.get("passport_area") or ""),
        provider_role=str(record.get("role") or ""),
        role=played.role if played else None,
        role_share=played.role_share if played else None,
        minutes=float(played.minutes) if played else 0.0,
        file_role=row.get("role") or None,
        matches=played.matches if played else 0,
        starts=played.starts if played else 0,
        competitions=played.competitions if played else (),
        contract_end=row.get("contract_end"),
        club_trained=row.get("club_trained"),
        club_trained_years=row.get("club_trained_years"),
        association_trained=row.get("association_trained"),
        association_trained_years=row.get("association_trained_years"),
        eu=row.get("eu"),
        wage_eur=row.get("wage_eur"),
        loan_in_from=loans[0].get(int(pid)) if pid is not None else None,
        on_loan_to=loans[1].get(int(pid)) if pid is not None else None,
        in_file=bool(row),
        in_data=played is not None,
        source=str(row.get("source") or "") if row else "match data",
    )
