"""Per-player match counts (goals, assists, shots, passes) from a match's events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from loanwatch.domain import Appearance, Event, EventKind
from loanwatch.providers.wyscout_vocab import TAG_GOAL


def with_box_score(appearances: Iterable[Appearance], events: Iterable[Event]) -> list[Appearance]:
    counts: dict[str, Counter[str]] = {}
    for e in events:
        if e.player_id is None or e.period == 5:  # shoot-out kicks are not match output
            continue
        c = counts.get(e.player_id)
        if c is None:
            c = counts[e.player_id] = Counter()
        if e.kind == EventKind.SHOT:
            c["shots"] += 1
            if e.is_goal or e.on_target:
                c["shots_on_target"] += 1
        elif e.kind == EventKind.PASS:
            c["passes"] += 1
            if e.outcome:
                c["passes_accurate"] += 1
        if e.is_goal:
            c["goals"] += 1
        if e.is_own_goal:
            c["own_goals"] += 1
        if e.is_assist:
            c["assists"] += 1
    empty: Counter[str] = Counter()
    return [
        replace(
            a,
            goals=c["goals"],
            own_goals=c["own_goals"],
            assists=c["assists"],
            shots=c["shots"],
            shots_on_target=c["shots_on_target"],
            passes=c["passes"],
            passes_accurate=c["passes_accurate"],
        )
        if (c := counts.get(a.player_id, empty))
        else a
        for a in appearances
    ]


def goals_by_club(events: Iterable[Event], clubs: tuple[str, str]) -> dict[str, int]:
    """Goals each club scored according to the events: own goals count for the opponent."""
    home, away = clubs
    goals = {home: 0, away: 0}
    for e in events:
        if e.is_goal and e.team_id in goals:
            goals[e.team_id] += 1
        if e.is_own_goal and e.team_id in goals:
            goals[away if e.team_id == home else home] += 1
    return goals


# Wyscout tags a goal (tag 101) on the scorer's shot and again on the keeper's save attempt
# (eventId 9, "Save attempt" / "Reflexes"). The save's tag is a goal conceded by the keeper's club.
SAVE_EVENT_TYPES = frozenset({"Save attempt"})
_PAIRING_SECONDS = 60.0  # the real data pairs a shot and its save within 10 s (31 s at most)
_CLOCK_START = {1: 0, 2: 45, 3: 90, 4: 105}


def goals_on_saves_only(events: Iterable[Event], clubs: tuple[str, str]) -> list[tuple[str, str, int]]:
    """Goals tagged on a keeper's save attempt with no goal of the shooting club (nor own goal)
    just before it: (save event id, club credited with the goal, clock minute).

    The pipeline counts them only when the events do not otherwise add up to the sheet's score
    (a save tagged 101 is also how the provider marks a goal later disallowed)."""
    home, away = clubs
    conceded: dict[str, tuple[int, float]] = {}  # club -> (period, second) of its last goal conceded
    found = []
    for e in events:
        if e.period == 5:
            continue
        if e.is_goal and e.team_id in (home, away):
            conceded[away if e.team_id == home else home] = (e.period, e.second)
        if e.is_own_goal and e.team_id in (home, away):
            conceded[e.team_id] = (e.period, e.second)
        if e.type in SAVE_EVENT_TYPES and TAG_GOAL in e.tags and e.team_id in (home, away):
            last = conceded.get(e.team_id)
            if last is None or last[0] != e.period or not 0 <= e.second - last[1] <= _PAIRING_SECONDS:
                shooter = away if e.team_id == home else home
                minute = _CLOCK_START.get(e.period, 0) + int(e.second // 60) + 1
                found.append((e.provider_event_id, shooter, minute))
                conceded[e.team_id] = (e.period, e.second)
    return found
