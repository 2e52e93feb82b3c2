"""The weekly digest: per loanee (and watched player), the week's matches and what changed,
alerts first. Pure: built from timelines cut at the as-of date and the alerts live then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from loanwatch.domain import AppearanceStatus
from loanwatch.tracking.alerts import SEVERITY_ORDER
from loanwatch.tracking.timeline import MatchLine, SpellTimeline, Window, window


def iso_week(week: str) -> tuple[date, date]:
    """'2018-W03' -> (Monday, Sunday) of that ISO week."""
    text = week.strip().upper()
    try:
        year, num = text.split("-W")
        monday = date.fromisocalendar(int(year), int(num), 1)
    except ValueError:
        raise ValueError(f"{week!r} is not an ISO week (YYYY-Www, e.g. 2018-W03)") from None
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    year, num, _ = day.isocalendar()
    return f"{year}-W{num:02d}"


@dataclass
class DigestEntry:
    player_id: int
    player_name: str
    club: str
    spell: Mapping[str, Any]
    watchlist: str | None  # None for a loanee
    alerts: list[dict[str, Any]]  # new this week first, then still open
    matches: list[MatchLine]
    changes: list[str]
    season: Window | None
    form: dict[str, Any] | None = (
        None  # the spell's trend verdict (assessment.py): verdict, direction, source
    )

    @property
    def top_severity(self) -> int:
        return min((SEVERITY_ORDER.get(a["severity"], 9) for a in self.alerts), default=9)


@dataclass
class Digest:
    week: str
    start: date
    end: date
    as_of: date
    entries: list[DigestEntry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "entries": [
                {
                    "player": e.player_name,
                    "club": e.club,
                    "watchlist": e.watchlist,
                    "alerts": e.alerts,
                    "matches": [
                        {
                            "date": ln.kickoff.date().isoformat(),
                            "opponent": ln.opponent,
                            "home": ln.home,
                            "result": ln.result,
                            "status": ln.status.value,
                            "minutes": round(ln.minutes, 1),
                            "goals": ln.goals,
                            "assists": ln.assists,
                            "role": ln.role,
                            "vaep": ln.vaep,
                        }
                        for ln in e.matches
                    ],
                    "changes": e.changes,
                    "form": e.form,
                }
                for e in self.entries
            ],
        }


def _describe(line: MatchLine) -> str:
    where = "vs" if line.home else "at"
    status = line.status.value.replace("_", " ")
    return f"{status}, {line.minutes:.0f} min {where} {line.opponent} ({line.result})"


def week_changes(timeline: SpellTimeline, start: date, end: date) -> list[str]:
    """What changed this week, in words: first appearance or start for the club, goals, a return to
    the squad, a change in playing time against the season so far."""
    lines = timeline.lines
    week = [ln for ln in lines if start <= ln.kickoff.date() <= end]
    before = [ln for ln in lines if ln.kickoff.date() < start]
    club = timeline.spell.get("host_club_name") or "his club"
    out: list[str] = []
    if not week:
        return out
    if not any(ln.appeared for ln in before) and (first := next((ln for ln in week if ln.appeared), None)):
        out.append(f"first appearance for {club}: {first.kickoff.date()} ({_describe(first)})")
    if not any(ln.status == AppearanceStatus.STARTED for ln in before) and (
        first_start := next((ln for ln in week if ln.status == AppearanceStatus.STARTED), None)
    ):
        out.append(f"first start for {club}: {first_start.kickoff.date()} vs {first_start.opponent}")
    goals, assists = sum(ln.goals for ln in week), sum(ln.assists for ln in week)
    if goals or assists:
        out.append(f"{goals} goal(s), {assists} assist(s) this week")
    out_run = 0
    for ln in reversed(before):
        if ln.status != AppearanceStatus.NOT_IN_SQUAD:
            break
        out_run += 1
    if out_run >= 2 and week[0].status != AppearanceStatus.NOT_IN_SQUAD:
        out.append(f"back in the squad after {out_run} matches out")
    if before:
        now, then = window(week), window(before)
        if now.share is not None and then.share is not None and abs(now.share - then.share) >= 0.3:
            out.append(f"played {now.share:.0%} of the minutes this week (season so far {then.share:.0%})")
    return out


def digest_entry(
    player_id: int,
    player_name: str,
    timeline: SpellTimeline,
    alerts: Sequence[dict[str, Any]],
    start: date,
    end: date,
    watchlist: str | None = None,
) -> DigestEntry:
    def order(a: Mapping[str, Any]) -> tuple[int, int, str]:
        new = 0 if a.get("new") else 1
        return (new, SEVERITY_ORDER.get(a["severity"], 9), str(a["key"]))

    return DigestEntry(
        player_id=player_id,
        player_name=player_name,
        club=str(timeline.spell.get("host_club_name") or ""),
        spell=timeline.spell,
        watchlist=watchlist,
        alerts=sorted(alerts, key=order),
        matches=[ln for ln in timeline.lines if start <= ln.kickoff.date() <= end],
        changes=week_changes(timeline, start, end),
        season=window(timeline.lines, "so far") if timeline.lines else None,
    )


def order_entries(entries: list[DigestEntry]) -> list[DigestEntry]:
    """Alerts first: players with the most severe alerts on top, then the rest by name."""
    return sorted(
        entries,
        key=lambda e: (e.watchlist is not None, e.top_severity, not e.alerts, e.player_name),
    )
