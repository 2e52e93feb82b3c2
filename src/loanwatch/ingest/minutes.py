"""Who played, and for how long: appearances from a match sheet and the periods' real length.

Providers give substitutions and red cards as match-clock minutes (46 = first minute of the
second half, 93 = stoppage time of the second half). Minutes played are measured on the real
timeline instead: the sum of the periods actually played, stoppage time included, so a starter
who plays the whole match gets the match's real length, and nobody gets more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from loanwatch.domain import Appearance, AppearanceStatus, Event, MatchSheet, TeamSheet

# Nominal clock minute at which each period starts.
_PERIOD_CLOCK_START = {1: 0, 2: 45, 3: 90, 4: 105}


def elapsed_minutes(
    clock_minute: float, period_minutes: Mapping[int, float], *, at_break: bool = False
) -> float:
    """Map a match-clock minute onto the real timeline of the match.

    ``at_break``: the minute is a substitution's. One recorded at the very minute a later period
    starts on the clock (45, 90, 105) is read as made at the break, as one at 46, 91 or 106 is:
    at that period's start, after the stoppage time of the period before (``team_appearances``
    keeps the clock minute when the player coming on acted before the break).
    """
    periods = sorted(p for p in period_minutes if p in _PERIOD_CLOCK_START)
    if not periods:
        return float(clock_minute)
    if at_break:
        for p in periods[1:]:
            if clock_minute == _PERIOD_CLOCK_START[p]:
                return sum(period_minutes[q] for q in periods if q < p)
    period = periods[0]
    for p in periods:
        if clock_minute > _PERIOD_CLOCK_START[p] or p == periods[0]:
            period = p
    before = sum(period_minutes[p] for p in periods if p < period)
    offset = max(0.0, clock_minute - _PERIOD_CLOCK_START[period])
    if period != periods[0] and clock_minute <= _PERIOD_CLOCK_START[period] + 1:
        # The first minute of a later period (46, 91, 106) is how the provider marks a change made
        # at the break: it happens at the period's start, not a minute into it.
        offset = 0.0
    return before + min(offset, period_minutes[period])


def first_action_minutes(events: Iterable[Event], period_minutes: Mapping[int, float]) -> dict[str, float]:
    """When each player first touched the ball, on the real timeline of the match."""
    starts, elapsed = {}, 0.0
    for p in sorted(period_minutes):
        starts[p] = elapsed
        elapsed += period_minutes[p]
    first: dict[str, float] = {}
    for e in events:
        if e.player_id and e.period in starts:
            at = starts[e.period] + e.second / 60.0
            if at < first.get(e.player_id, float("inf")):
                first[e.player_id] = at
    return first


def team_appearances(
    team: TeamSheet,
    period_minutes: Mapping[int, float],
    positions: Mapping[str, str],
    first_action: Mapping[str, float] | None = None,
) -> list[Appearance]:
    length = sum(period_minutes.values())
    on: dict[str, float] = {}
    off: dict[str, float] = {}
    for entry in team.entries:
        if entry.starter:
            on[entry.player_id] = 0.0
    unknown_in: list[float] = []  # substitutions whose incoming player the sheet does not name
    for sub in sorted(team.substitutions, key=lambda s: s.minute):
        at = elapsed_minutes(sub.minute, period_minutes, at_break=True)
        if first_action and first_action.get(sub.player_in, at) < at - 1e-9:
            # Minute 45 (90, 105) is also written for a change in the stoppage time before the
            # break (7 of the 11 at 45 in the 2017/18 data): the player coming on touched the ball
            # before the break, so the change was made then, at the clock minute.
            at = elapsed_minutes(sub.minute, period_minutes)
        if sub.player_out and sub.player_out in on and sub.player_out not in off:
            off[sub.player_out] = at
        if sub.player_in and sub.player_in not in on:
            on[sub.player_in] = at
        elif not sub.player_in:
            unknown_in.append(at)
    # The real data has substitutions with playerIn 0, and bench players with events but no
    # substitution at all. A bench player who touched the ball did come on: give him the earliest
    # unnamed substitution made before his first action, else the minute of that first action.
    acted = sorted(
        (first_action[e.player_id], e.player_id)
        for e in team.entries
        if first_action and e.player_id not in on and e.player_id in first_action
    )
    for first, pid in acted:
        slot = next((m for m in unknown_in if m <= first + 1e-9), None)
        if slot is not None:
            unknown_in.remove(slot)
            on[pid] = slot
        else:
            on[pid] = float(int(first))
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
    sheet: MatchSheet,
    period_minutes: Mapping[int, float],
    positions: Mapping[str, str],
    events: Iterable[Event] = (),
) -> list[Appearance]:
    first = first_action_minutes(events, period_minutes)
    return [
        a
        for team in (sheet.home, sheet.away)
        for a in team_appearances(team, period_minutes, positions, first)
    ]
