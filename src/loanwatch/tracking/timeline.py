"""A loan spell, match by match: the host club's matches and what the player did in each.

Pure: takes the host club's matches and the player's appearances (as the store returns them),
returns the timeline. A match of the host club with no appearance row for the player means he
was not in the squad (the sheet lists the whole matchday squad: starters and bench).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loanwatch.domain import AppearanceStatus


@dataclass(frozen=True)
class MatchLine:
    match_id: int
    kickoff: datetime
    competition: str
    opponent: str
    home: bool
    club_goals: int
    opponent_goals: int
    status: AppearanceStatus
    minutes: float
    match_minutes: float
    position: str = ""
    goals: int = 0
    assists: int = 0
    shots: int = 0
    passes: int = 0
    passes_accurate: int = 0
    yellow_cards: int = 0
    red_card: bool = False

    @property
    def result(self) -> str:
        return f"{self.club_goals}-{self.opponent_goals}"

    @property
    def appeared(self) -> bool:
        return self.status in (AppearanceStatus.STARTED, AppearanceStatus.CAME_ON)


@dataclass(frozen=True)
class SpellTimeline:
    spell: Mapping[str, Any]
    lines: tuple[MatchLine, ...]
    has_data: bool  # False when no match of the host club in that period is in the store

    @property
    def appearances(self) -> int:
        return sum(1 for line in self.lines if line.appeared)

    @property
    def starts(self) -> int:
        return sum(1 for line in self.lines if line.status == AppearanceStatus.STARTED)

    @property
    def minutes(self) -> float:
        return sum(line.minutes for line in self.lines)

    @property
    def available_minutes(self) -> float:
        return sum(line.match_minutes for line in self.lines)

    @property
    def goals(self) -> int:
        return sum(line.goals for line in self.lines)

    @property
    def assists(self) -> int:
        return sum(line.assists for line in self.lines)

    def count(self, status: AppearanceStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)


def spell_timeline(
    spell: Mapping[str, Any],
    club_matches: Sequence[Mapping[str, Any]],
    appearances: Mapping[int, Mapping[str, Any]],
) -> SpellTimeline:
    club_id = spell["host_club_id"]
    lines = []
    for m in club_matches:
        home = m["home_club_id"] == club_id
        a = appearances.get(m["id"])
        status = AppearanceStatus(a["status"]) if a else AppearanceStatus.NOT_IN_SQUAD
        lines.append(
            MatchLine(
                match_id=m["id"],
                kickoff=m["kickoff"],
                competition=m["competition"],
                opponent=m["away_name"] if home else m["home_name"],
                home=home,
                club_goals=m["home_score"] if home else m["away_score"],
                opponent_goals=m["away_score"] if home else m["home_score"],
                status=status,
                minutes=float(a["minutes_played"]) if a else 0.0,
                match_minutes=float(m["length_minutes"]),
                position=a["position"] if a else "",
                goals=a["goals"] if a else 0,
                assists=a["assists"] if a else 0,
                shots=a["shots"] if a else 0,
                passes=a["passes"] if a else 0,
                passes_accurate=a["passes_accurate"] if a else 0,
                yellow_cards=a["yellow_cards"] if a else 0,
                red_card=bool(a["red_card"]) if a else False,
            )
        )
    return SpellTimeline(spell=spell, lines=tuple(lines), has_data=bool(lines))


def spell_window(spell: Mapping[str, Any], as_of: date | None = None) -> tuple[date, date]:
    """The dates the spell covers, cut at ``as_of`` when the club asks as of a past date."""
    start, end = spell["start_date"], spell["end_date"]
    if as_of is not None and as_of < end:
        end = as_of
    return start, end
