"""A loan spell, match by match: the host club's matches and what the player did in each.

Pure: takes the host club's matches and the player's appearances (as the store returns them),
returns the timeline. A match of the host club with no appearance row for the player means he
was not in the squad (the sheet lists the whole matchday squad: starters and bench).

With the per-match stats of a trained store (``player_match_stats``: xG, xA, VAEP, the role
played), each line carries them too; without them those fields are None and every view falls back
to availability and minutes. ``window`` summarises any run of lines (last 5, last 10, the season so
far, a previous spell): appearances, minutes, the share of the host club's minutes, per-90 output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loanwatch.domain import AppearanceStatus, season_name


@dataclass(frozen=True)
class MatchLine:
    match_id: int | None  # None for a fixture whose match data is not in the store (NO_DATA)
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
    xg: float | None = None  # per-match totals from player_match_stats (None: models not trained)
    xa: float | None = None
    vaep: float | None = None
    role: str = ""  # the role he played (metrics/roles.py), "" when unknown
    role_confidence: float | None = None

    @property
    def result(self) -> str:
        return f"{self.club_goals}-{self.opponent_goals}"

    @property
    def appeared(self) -> bool:
        return self.status in (AppearanceStatus.STARTED, AppearanceStatus.CAME_ON)

    @property
    def share(self) -> float:
        """Share of the match's minutes he played (0-1)."""
        return self.minutes / self.match_minutes if self.match_minutes else 0.0

    @property
    def outcome(self) -> str:
        """W, D or L for the host club."""
        if self.club_goals > self.opponent_goals:
            return "W"
        return "D" if self.club_goals == self.opponent_goals else "L"


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

    @property
    def has_stats(self) -> bool:
        """True when the per-match stats of a trained store are on the lines."""
        return any(line.vaep is not None for line in self.lines)

    def until(self, as_of: date) -> SpellTimeline:
        """The same spell as known on ``as_of``: only the matches played by then."""
        lines = tuple(line for line in self.lines if line.kickoff.date() <= as_of)
        return SpellTimeline(spell=self.spell, lines=lines, has_data=self.has_data)


@dataclass(frozen=True)
class Window:
    """A run of the host club's matches, summed up."""

    label: str
    matches: int
    appearances: int
    starts: int
    minutes: float
    available_minutes: float
    goals: int
    assists: int
    xg_p90: float | None
    xa_p90: float | None
    vaep_p90: float | None

    @property
    def share(self) -> float | None:
        return self.minutes / self.available_minutes if self.available_minutes else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "matches": self.matches,
            "appearances": self.appearances,
            "starts": self.starts,
            "minutes": round(self.minutes, 1),
            "share": None if self.share is None else round(self.share, 3),
            "goals": self.goals,
            "assists": self.assists,
            "xg_p90": self.xg_p90,
            "xa_p90": self.xa_p90,
            "vaep_p90": self.vaep_p90,
        }


def _p90(lines: Sequence[MatchLine], attr: str) -> float | None:
    minutes = sum(line.minutes for line in lines if getattr(line, attr) is not None)
    if not minutes or all(getattr(line, attr) is None for line in lines):
        return None
    return round(sum(getattr(line, attr) or 0.0 for line in lines) / minutes * 90, 3)


def window(lines: Sequence[MatchLine], label: str = "") -> Window:
    return Window(
        label=label,
        matches=len(lines),
        appearances=sum(1 for line in lines if line.appeared),
        starts=sum(1 for line in lines if line.status == AppearanceStatus.STARTED),
        minutes=sum(line.minutes for line in lines),
        available_minutes=sum(line.match_minutes for line in lines),
        goals=sum(line.goals for line in lines),
        assists=sum(line.assists for line in lines),
        xg_p90=_p90(lines, "xg"),
        xa_p90=_p90(lines, "xa"),
        vaep_p90=_p90(lines, "vaep"),
    )


def rolling(timeline: SpellTimeline, previous: SpellTimeline | None = None) -> dict[str, Window | None]:
    """Last 5 and last 10 matches against the season so far and the previous spell."""
    lines = timeline.lines
    season = season_name(lines[-1].kickoff) if lines else None
    return {
        "last_5": window(lines[-5:], "last 5") if lines else None,
        "last_10": window(lines[-10:], "last 10") if lines else None,
        "season": window([ln for ln in lines if season_name(ln.kickoff) == season], f"season {season}")
        if lines
        else None,
        "previous_spell": window(previous.lines, f"at {previous.spell['host_club_name']}")
        if previous is not None and previous.lines
        else None,
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else value  # NaN: the model was absent


def status_label(status: AppearanceStatus) -> str:
    """A match status in plain English for the terminal (the reports translate ``vocab.STATUS``)."""
    if status == AppearanceStatus.INELIGIBLE:
        return "ineligible (owner club)"
    return status.value.replace("_", " ")


def _club_words(name: str) -> frozenset[str]:
    from loanwatch.portfolio.names import normalize_name

    return frozenset(w for w in normalize_name(name).split() if w not in _CLUB_NOISE)


_CLUB_NOISE = frozenset({"fc", "ac", "as", "ss", "us", "afc", "cf", "sc", "calcio", "club", "football"})


def is_owner_club(opponent: str, parent_club: str) -> bool:
    """True when the opponent is the club that owns the player (names as the data and the loan
    list write them: "Juventus" and "Juventus FC" are one club)."""
    a, b = _club_words(opponent), _club_words(parent_club)
    return bool(a and b) and (a <= b or b <= a)


def barred_vs_owner(spell: Mapping[str, Any], competition: str, owner_rules: frozenset[str]) -> bool:
    """Whether the player may not play against his owner club in a match of ``competition``: the
    loan's own terms (``eligible_vs_owner``: True / False) decide; without them, the competition's
    setting (``eligibility.toml``)."""
    terms = spell.get("eligible_vs_owner")
    if terms is not None:
        return not bool(terms)
    return competition.strip().casefold() in owner_rules


def spell_timeline(
    spell: Mapping[str, Any],
    club_matches: Sequence[Mapping[str, Any]],
    appearances: Mapping[int, Mapping[str, Any]],
    stats: Mapping[int, Mapping[str, Any]] | None = None,
    fixtures: Sequence[Mapping[str, Any]] = (),
    owner_rules: frozenset[str] = frozenset(),
) -> SpellTimeline:
    """``stats``: the player's ``player_match_stats`` rows by match id, when models are trained.
    ``fixtures``: the club's matches that the store holds no data for (``no_data`` rows of
    ``Store.club_fixtures_without_data``): shown as NO_DATA, with no minutes to share.
    ``owner_rules``: the competitions whose rules bar a loanee from playing his owner club; a match
    against the owner club he did not play, where he was barred (``barred_vs_owner``), is
    INELIGIBLE: neither an absence nor minutes available."""
    club_id = spell["host_club_id"]
    parent = str(spell.get("parent_club") or "")
    lines = []
    merged = sorted([*club_matches, *fixtures], key=lambda m: m["kickoff"])
    for m in merged:
        home = m["home_club_id"] == club_id
        a = appearances.get(m["id"]) if m["id"] is not None else None
        st = stats.get(m["id"]) if stats is not None and m["id"] is not None else None
        played = a is not None and a["status"] in ("started", "came_on")
        opponent = m["away_name"] if home else m["home_name"]
        length = float(m["length_minutes"])
        if m.get("no_data"):
            status = AppearanceStatus.NO_DATA
        else:
            status = AppearanceStatus(a["status"]) if a else AppearanceStatus.NOT_IN_SQUAD
            if (
                not played
                and parent
                and is_owner_club(opponent, parent)
                and barred_vs_owner(spell, str(m["competition"]), owner_rules)
            ):
                status, length = AppearanceStatus.INELIGIBLE, 0.0
        lines.append(
            MatchLine(
                match_id=m["id"],
                kickoff=m["kickoff"],
                competition=m["competition"],
                opponent=opponent,
                home=home,
                club_goals=m["home_score"] if home else m["away_score"],
                opponent_goals=m["away_score"] if home else m["home_score"],
                status=status,
                minutes=float(a["minutes_played"]) if a else 0.0,
                match_minutes=length,
                position=a["position"] if a else "",
                goals=a["goals"] if a else 0,
                assists=a["assists"] if a else 0,
                shots=a["shots"] if a else 0,
                passes=a["passes"] if a else 0,
                passes_accurate=a["passes_accurate"] if a else 0,
                yellow_cards=a["yellow_cards"] if a else 0,
                red_card=bool(a["red_card"]) if a else False,
                xg=_number(st.get("xg")) if st else (0.0 if stats is not None and not played else None),
                xa=_number(st.get("xa")) if st else (0.0 if stats is not None and not played else None),
                vaep=_number(st.get("vaep")) if st else (0.0 if stats is not None and not played else None),
                role=(st.get("role") or "") if st else "",
                role_confidence=_number(st.get("role_confidence")) if st else None,
            )
        )
    return SpellTimeline(
        spell=spell,
        lines=tuple(lines),
        has_data=any(line.status != AppearanceStatus.NO_DATA for line in lines),
    )


def spell_window(spell: Mapping[str, Any], as_of: date | None = None) -> tuple[date, date]:
    """The dates the spell covers, cut at ``as_of`` when the club asks as of a past date."""
    start, end = spell["start_date"], spell["end_date"]
    if as_of is not None and as_of < end:
        end = as_of
    return start, end
