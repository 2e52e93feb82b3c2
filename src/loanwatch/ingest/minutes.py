"""Who played, and for how long: appearances from a match sheet and the periods' real length.

Providers give substitutions and red cards as match-clock minutes (46 = first minute of the
second half, 93 = stoppage time of the second half). Minutes played are measured on the real
timeline instead: the sum of the periods actually played, stoppage time included, so a starter
who plays the whole match gets the match's real length, and nobody gets more.
"""

from __future__ import annotations

from collections.abc import Mapping

from loanwatch.domain import Appearance, AppearanceStatus, MatchSheet, TeamSheet

# Nominal clock minute at which each period starts.
_PERIOD_CLOCK_START = {1: 0, 2: 45, 3: 90, 4: 105}


def elapsed_minutes(clock_minute: float, period_minutes: Mapping[int, float]) -> float:
    """Map a match-clock minute onto the real timeline of the match."""
    periods = sorted(p for p in period_minutes if p in _PERIOD_CLOCK_START)
    if not periods:
        return float(clock_minute)
    period = periods[0]
    for p in periods:
        if clock_minute > _PERIOD_CLOCK_START[p] or p == periods[0]:
            period = p
    before = sum(period_minutes[p] for p in periods if p < period)
    offset = max(0.0, clock_minute - _PERIOD_CLOCK_START[period])
    return before + min(offset, period_minutes[period])


def team_appearances(
    team: TeamSheet, period_minutes: Mapping[int, float], positions: Mapping[str, str]
) -> list[Appearance]:
    length = sum(period_minutes.values())
    on: dict[str, float] = {}
    off: dict[str, float] = {}
    for entry in team.entries:
        if entry.starter:
            on[entry.player_id] = 0.0
    for sub in sorted(team.substitutions, key=lambda s: s.minute):
        at = elapsed_minutes(sub.minute, period_minutes)
        if sub.player_out and sub.player_out in on and sub.player_out not in off:
            off[sub.player_out] = at
        if sub.player_in and sub.player_in not in on:
            on[sub.player_in] = at
    appearances = []
    for entry in team.entries:
        pid = entry.player_id
        red = entry.red_card_minute is not None
        if pid in on:
            start = on[pid]
            end = off.get(pid, length)
            if red and entry.red_card_minute is not None:
                end = min(end, elapsed_minutes(entry.red_card_minute, period_minutes))
            end = max(start, min(end, length))
            status = AppearanceStatus.STARTED if entry.starter else AppearanceStatus.CAME_ON
            appearances.append(
                Appearance(
                    player_id=pid,
                    club_id=team.club_id,
                    status=status,
                    minute_on=round(start, 2),
                    minute_off=round(end, 2),
                    minutes_played=round(end - start, 2),
                    position=positions.get(pid, ""),
                    yellow_cards=entry.yellow_cards,
                    red_card=red,
                )
            )
        else:
            appearances.append(
                Appearance(
                    player_id=pid,
                    club_id=team.club_id,
                    status=AppearanceStatus.UNUSED,
                    minute_on=None,
                    minute_off=None,
                    minutes_played=0.0,
                    position=positions.get(pid, ""),
                )
            )
    return appearances


def match_appearances(
    sheet: MatchSheet, period_minutes: Mapping[int, float], positions: Mapping[str, str]
) -> list[Appearance]:
    return [a for team in (sheet.home, sheet.away) for a in team_appearances(team, period_minutes, positions)]
