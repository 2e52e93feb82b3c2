"""Joining a match as read to its sheet, and checking it: the same for every reader.

``build_record`` turns a reader's ``MatchRead`` into the ``MatchRecord`` the store writes: every
event's club is one of the match's, every player acting is on the sheet, appearances come from the
sheet and the periods' real length (``minutes``) with the box score, nobody plays longer than the
match, and the goals in the events equal the sheet's score (a goal tagged only on the keeper's save
counts, with a warning). What is rejected and what is stored with a warning: ``errors``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from loanwatch.domain import AppearanceStatus, DataWarning, MatchRecord, MatchSheet, Player, TeamSheet
from loanwatch.ingest.errors import (
    GOAL_ON_SAVE_ONLY,
    SCORE_MISMATCH,
    SUBSTITUTIONS_MISSING,
    IngestError,
    warning,
)
from loanwatch.ingest.minutes import match_appearances
from loanwatch.ingest.reader import MatchRead
from loanwatch.metrics.boxscore import goals_by_club, goals_on_saves_only, with_box_score


def build_record(
    path: Path,
    read: MatchRead,
    known_players: Collection[tuple[str, str]],
    *,
    accept_score_mismatch: bool = False,
) -> MatchRecord:
    """Join events to their sheet, derive appearances, and check the result against the sheet.

    The reader's warnings are kept with the match. ``accept_score_mismatch`` stores a match whose
    events cannot explain its score (a partial feed) with a warning.
    """
    sheet, events, clubs, period_minutes = read.sheet, read.events, read.clubs, read.period_minutes
    provider = sheet.provider
    club_ids = {sheet.home.club_id, sheet.away.club_id}
    if {c.provider_id for c in clubs} != club_ids:
        raise IngestError(path, f"match {sheet.match_id}: the clubs in the file do not match its sheet")
    stray = [(i, e) for i, e in enumerate(events) if e.team_id not in club_ids]
    if stray:
        i, e = stray[0]
        raise IngestError(
            path,
            f"match {sheet.match_id}: event #{i} (id {e.provider_event_id}) has teamId {e.team_id}, "
            f"neither club of the match ({len(stray)} such events)",
        )
    on_sheet = {e.player_id for team in (sheet.home, sheet.away) for e in team.entries}
    acting = {e.player_id for e in events if e.player_id}
    if missing := sorted(acting - on_sheet):
        raise IngestError(
            path,
            f"match {sheet.match_id}: players {', '.join(missing)} have events "
            "but are not on the match sheet",
        )
    in_file = {p.provider_id for p in read.players}
    # The real data has a few players on a sheet that no players file describes: keep them under
    # their provider id rather than lose the match (the name can be filled in by a later delivery).
    players = read.players + [
        Player(provider=provider, provider_id=pid, short_name=f"{provider} player {pid}")
        for pid in sorted(on_sheet - in_file)
        if (provider, pid) not in known_players
    ]
    roles = {p.provider_id: p.role for p in players}
    appearances = with_box_score(match_appearances(sheet, period_minutes, roles, events), events)
    length = sum(period_minutes.values())
    for a in appearances:
        if a.minutes_played > length + 1e-6:
            raise IngestError(
                path, f"match {sheet.match_id}: player {a.player_id} plays longer than the match"
            )
    found = list(read.warnings)
    found += _missing_substitutions(sheet, appearances)
    clubs_order = (sheet.home.club_id, sheet.away.club_id)
    scored = goals_by_club(events, clubs_order)
    expected = {sheet.home.club_id: sheet.home.score, sheet.away.club_id: sheet.away.score}
    if scored != expected:
        # The provider also tags a goal on the keeper's save attempt. When a scorer's shot is coded
        # as something else, that tag is the only trace of the goal: read it as the provider does.
        on_saves = goals_on_saves_only(events, clubs_order)
        with_saves = dict(scored)
        for _, club, _ in on_saves:
            with_saves[club] += 1
        if on_saves and with_saves == expected:
            scored = with_saves
            found += [
                warning(
                    GOAL_ON_SAVE_ONLY,
                    f"a goal of club {club} is tagged only on the keeper's save attempt (event {eid}, "
                    f"minute {minute}): it counts in the score, no scorer is credited",
                    event_id=eid,
                    club_id=club,
                    minute=minute,
                )
                for eid, club, minute in on_saves
            ]
    if scored != expected:
        home, away = clubs_order
        problem = (
            f"match {sheet.match_id}: goals in the events {scored[home]}-{scored[away]} "
            f"differ from the sheet's score {expected[home]}-{expected[away]}"
        )
        if not accept_score_mismatch:
            raise IngestError(
                path, problem + " (if the file is known to be an excerpt, pass --accept-score-mismatch)"
            )
        found.append(
            warning(
                SCORE_MISMATCH,
                problem + ", stored as asked (--accept-score-mismatch): the sheet's score is kept",
                events_home=scored[home],
                events_away=scored[away],
                sheet_home=expected[home],
                sheet_away=expected[away],
            )
        )
    played = [a for a in appearances if a.status != AppearanceStatus.NOT_IN_SQUAD]
    return MatchRecord(sheet, period_minutes, events, players, clubs, read.competition, played, found)


def _missing_substitutions(sheet: MatchSheet, appearances: list[Any]) -> list[DataWarning]:
    """A club with no substitutions on its sheet whose bench players acted: minutes are approximate."""
    out = []
    for team in (sheet.home, sheet.away):
        team_sheet: TeamSheet = team
        if team_sheet.substitutions:
            continue
        bench = {e.player_id for e in team_sheet.entries if not e.starter}
        came_on = sorted(
            a.player_id for a in appearances if a.player_id in bench and a.status == AppearanceStatus.CAME_ON
        )
        if came_on:
            out.append(
                warning(
                    SUBSTITUTIONS_MISSING,
                    f"club {team_sheet.club_id}'s sheet gives no substitutions, but {', '.join(came_on)} "
                    "came on (from their first action); the players they replaced keep the whole match",
                    club_id=team_sheet.club_id,
                    players=", ".join(came_on),
                )
            )
    return out
