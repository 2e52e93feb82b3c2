"""Per-player match counts (goals, assists, shots, passes) from a match's events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from loanwatch.domain import Appearance, Event, EventKind


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
