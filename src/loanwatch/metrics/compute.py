"""The metrics over a whole store: SPADL actions, trained models, action values, player profiles.

The pure computations live in their own modules (``spadl``, ``vaep/``, ``xt``, ``xg``, ``roles``,
``profile``, ``league``), the models' store bookkeeping in the registry (``models``); this module
only sequences them over what the store holds, so the API, the CLI and the benchmark run the same
steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from loanwatch.metrics import models, spadl
from loanwatch.metrics.goalkeeping import (
    GK_MATCH_COLUMNS,
    goalkeeper_match_stats,
    goalkeeper_season_totals,
    rank_goalkeeper_season,
)
from loanwatch.metrics.profile import (
    MATCH_STATS_COLUMNS,
    player_match_stats,
    rank_season,
    season_profile,
    season_totals,
)
from loanwatch.metrics.roles import infer_roles
from loanwatch.settings import MIN_MINUTES
from loanwatch.store.repository import Store

Step = Callable[[str], None]


def compute_all(store: Store, *, retrain: bool = False, step: Step | None = None) -> dict[str, Any]:
    """Bring every match's actions, the models and the action values up to date.

    Incremental: actions are computed only for matches that have none; each model (VAEP, xT, xG:
    ``models.KINDS``) keeps its version when trained on the same actions with the same settings
    (``retrain``: new versions anyway).
    """
    say = step or (lambda _msg: None)
    matches = store.matches_frame()
    todo = sorted(set(matches["match_id"].astype(int)) - store.matches_with_actions())
    say(f"SPADL actions for {len(todo)} matches")
    n_actions = spadl.compute_actions(store, todo) if todo else 0
    labels = [k.label for k in models.KINDS.values()]
    say(f"{', '.join(labels[:-1])} and {labels[-1]} models")
    trained = models.train_and_store(store, force=retrain)
    say(f"rating every action ({', '.join(labels)})")
    for kind in models.KINDS:
        models.rate_and_store(store, kind)
    say("per-match stats, roles and season profiles of every player")
    per_season = persist_match_stats(store)
    return {
        "profiles": per_season,
        "new_actions": n_actions,
        "matches": len(matches),
        "models": {kind: store.latest_model(kind) for kind in models.KINDS},
        "trained": trained,
    }


def model_values(store: Store) -> dict[str, pd.DataFrame | None]:
    """Every action value of the latest model of each kind (``models.KINDS``), one read per kind.

    Pass the result to :func:`action_values` / :func:`profiles` as ``values`` to share the read
    between several sets of matches (e.g. every competition and season)."""
    out: dict[str, pd.DataFrame | None] = {}
    for kind in models.KINDS:
        model = store.latest_model(kind)
        out[kind] = None if model is None else store.action_values_frame(int(model["id"]))
    return out


def action_values(
    store: Store,
    actions: pd.DataFrame,
    match_ids: Sequence[int],
    values: Mapping[str, pd.DataFrame | None] | None = None,
) -> dict[str, pd.DataFrame | None]:
    """The latest model's values per kind, for these matches, and the values derived from them
    (xA from xG). ``values``: :func:`model_values` of the store, when already read (read here
    otherwise)."""
    wanted = set(int(m) for m in match_ids)
    every = model_values(store) if values is None else values
    out: dict[str, pd.DataFrame | None] = {}
    for name, kind in models.KINDS.items():
        frame = every.get(name)
        mine = None if frame is None else frame[frame["match_id"].isin(wanted)].reset_index(drop=True)
        out[name] = mine
        derived = {} if mine is None else kind.derived_values(actions, mine)
        out.update({d: derived.get(d) for d in kind.derives})
    return out


@dataclass(frozen=True)
class Profiles:
    """Everything the per-90 views need for a set of matches."""

    matches: pd.DataFrame
    match_stats: pd.DataFrame
    roles: pd.DataFrame
    season: pd.DataFrame  # season_profile: per player, competition and season
    goalkeepers: pd.DataFrame | None = None  # goalkeeping.goalkeeper_match_stats; None: not computed
    keepers: pd.DataFrame | None = None  # goalkeeping.goalkeeper_season_profile; None: not read


def profiles(
    store: Store,
    *,
    competition_ids: Sequence[int] | None = None,
    season_name: str | None = None,
    min_minutes: float = MIN_MINUTES,
    values: Mapping[str, pd.DataFrame | None] | None = None,
    matches: pd.DataFrame | None = None,
    appearances: pd.DataFrame | None = None,
) -> Profiles:
    """Per-match stats, roles and season profiles for the matches of the given competitions/season.

    ``values`` (:func:`model_values`), ``matches`` (``Store.matches_frame``) and ``appearances``
    (``Store.appearances_frame``): the store's, when already read for another call (see
    :func:`season_profiles`); read here otherwise."""
    matches = store.matches_frame() if matches is None else matches
    if competition_ids is not None:
        matches = matches[matches["competition_id"].isin(list(competition_ids))]
    if season_name is not None:
        matches = matches[matches["season"] == season_name]
    ids = [int(m) for m in matches["match_id"]]
    actions = store.actions_frame(ids)
    appearances = store.appearances_frame() if appearances is None else appearances
    appearances = appearances[appearances["match_id"].isin(ids)]
    events = store.events_frame(ids)
    rated = action_values(store, actions, ids, values)
    stats = player_match_stats(actions, rated, appearances, events, matches=matches)
    roles = infer_roles(actions, matches, appearances)
    season = season_profile(stats, matches, roles, min_minutes=min_minutes)
    keepers = goalkeeper_match_stats(events, actions, rated.get("xg"), appearances, roles, matches=matches)
    return Profiles(matches=matches, match_stats=stats, roles=roles, season=season, goalkeepers=keepers)


def season_profiles(store: Store, *, min_minutes: float = MIN_MINUTES) -> dict[tuple[int, str], Profiles]:
    """:func:`profiles` of every competition and season in the store, keyed by (competition id,
    season name); the models' values, the matches and the appearances are read once for all."""
    matches = store.matches_frame()
    values = model_values(store)
    appearances = store.appearances_frame()
    out: dict[tuple[int, str], Profiles] = {}
    for competition_id, season in sorted(
        {(int(c), str(s)) for c, s in zip(matches["competition_id"], matches["season"], strict=True)}
    ):
        out[(competition_id, season)] = profiles(
            store,
            competition_ids=[competition_id],
            season_name=season,
            min_minutes=min_minutes,
            values=values,
            matches=matches,
            appearances=appearances,
        )
    return out


def persist_match_stats(store: Store) -> dict[tuple[int, str], Profiles]:
    """Store every player's per-match stats and role (player_match_stats), for timelines and
    profiles; returns the season profiles computed on the way."""
    per_season = season_profiles(store)
    for prof in per_season.values():
        roles = prof.roles[["match_id", "player_id", "role", "confidence"]].rename(
            columns={"confidence": "role_confidence"}
        )
        frame = prof.match_stats.merge(roles, on=["match_id", "player_id"], how="left")
        store.save_player_match_stats(frame)
        if prof.goalkeepers is not None:
            store.save_goalkeeper_match_stats(prof.goalkeepers)
    for competition_id, season in per_season:
        refresh_season_aggregates(store, competition_id, season)
    return per_season


def _stored_stats(stored: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stored per-match stats (player_match_stats rows) as the per-match stats and the roles the
    profiles take."""
    stats = stored[MATCH_STATS_COLUMNS].astype({c: float for c in MATCH_STATS_COLUMNS[3:]})
    roles = stored[["match_id", "player_id", "role", "role_confidence"]].rename(
        columns={"role_confidence": "confidence"}
    )
    return stats, roles


def _stored_keepers(stored: pd.DataFrame) -> pd.DataFrame:
    return stored[GK_MATCH_COLUMNS].astype({c: float for c in GK_MATCH_COLUMNS[3:]})


def season_aggregates(store: Store, season_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One competition-season's aggregates from its stored per-match stats (a partition read):
    every player's :func:`~loanwatch.metrics.profile.season_totals` and every keeper's
    :func:`~loanwatch.metrics.goalkeeping.goalkeeper_season_totals`."""
    matches = store.matches_frame(season_ids=[season_id])
    stored = store.season_match_stats_frame(season_id)
    if stored.empty:
        return pd.DataFrame(), pd.DataFrame()
    stats, roles = _stored_stats(stored)
    totals = season_totals(stats, matches, roles)
    keepers = store.season_match_stats_frame(season_id, "goalkeepers")
    gk = goalkeeper_season_totals(_stored_keepers(keepers), matches) if len(keepers) else pd.DataFrame()
    return totals, gk


def refresh_season_aggregates(store: Store, competition_id: int, season: str) -> int:
    """Store the per-season aggregates of one competition and season (its name, 2017/18) from the
    per-match stats stored for its matches: what a player's percentiles are ranked against
    (season_reference). Call it after writing a partition's per-match stats. Returns the number
    of player rows written."""
    written = 0
    for season_id in store.season_ids(competition_id, season):
        totals, keepers = season_aggregates(store, season_id)
        store.save_season_aggregates(season_id, "players", totals.assign(season_id=season_id))
        store.save_season_aggregates(season_id, "goalkeepers", keepers.assign(season_id=season_id))
        written += len(totals)
    return written


def _typed(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Stored aggregates read back: NULLs as NaN in the number columns."""
    out = frame.astype({c: float for c in columns if c in frame.columns})
    if "role" in out.columns:
        out["role"] = out["role"].where(out["role"].notna(), np.nan)
    return out


def season_reference(
    store: Store, season_ids: Sequence[int], *, min_minutes: float = MIN_MINUTES, ranked: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The season profiles (every player) and the goalkeepers' season profiles of these
    competition-seasons, from their stored aggregates; a season stored before them (a store
    trained before revision 0015) is aggregated from its per-match stats instead.
    ``ranked=False``: without the season's own percentiles (what a spell is ranked against)."""
    from loanwatch.metrics.goalkeeping import COUNT_COLUMNS
    from loanwatch.metrics.profile import METRICS

    ids = sorted({int(s) for s in season_ids})
    stored = store.seasons_with_aggregates(ids)
    players = [store.season_aggregates_frame("players", sorted(stored))]
    keepers = [store.season_aggregates_frame("goalkeepers", sorted(stored))]
    for season_id in ids:
        if season_id not in stored:
            totals, gk = season_aggregates(store, season_id)
            players.append(totals)
            keepers.append(gk)
    every = pd.concat([p for p in players if len(p)], ignore_index=True) if any(map(len, players)) else None
    if every is None:
        return pd.DataFrame(), pd.DataFrame()
    every = _typed(every, ["minutes", *METRICS, "role_share"])
    season = rank_season(every, min_minutes=min_minutes, ranked=ranked)
    gks = [k for k in keepers if len(k)]
    if not gks:
        return season, pd.DataFrame()
    gk = _typed(pd.concat(gks, ignore_index=True), ["minutes", *COUNT_COLUMNS])
    return season, rank_goalkeeper_season(gk, season, min_minutes=min_minutes, ranked=ranked)


def player_profiles(
    store: Store, player_id: int, *, season_name: str, min_minutes: float = MIN_MINUTES
) -> Profiles | None:
    """What one player's spell profiles read, for a season (its name): his stored per-match
    stats and roles (``matches``: his), and the season profiles of the competition-seasons he
    played in (:func:`season_reference`, ``season`` and ``keepers``): his rows and his seasons'
    aggregates, never the store's every per-match row. None when the store holds no per-match
    stats at all (not trained)."""
    mine = store.player_match_stats_frame(player_ids=[player_id])
    matches = store.matches_frame(match_ids=[int(m) for m in mine["match_id"]]) if len(mine) else None
    if matches is None or not len(matches):
        return None if not store.has_any_match_stats() else _no_profiles()
    matches = matches[matches["season"] == season_name]
    mine = mine[mine["match_id"].isin(matches["match_id"])]
    if mine.empty:
        return _no_profiles()
    stats, roles = _stored_stats(mine)
    season, keepers = season_reference(  # the peers' rates: a spell is ranked against them
        store, sorted({int(s) for s in matches["season_id"]}), min_minutes=min_minutes, ranked=False
    )
    gk = store.goalkeeper_match_stats_frame([int(m) for m in matches["match_id"]], player_ids=[player_id])
    return Profiles(
        matches=matches,
        match_stats=stats,
        roles=roles,
        season=season,
        goalkeepers=_stored_keepers(gk) if len(gk) else pd.DataFrame(columns=GK_MATCH_COLUMNS),
        keepers=keepers,
    )


def _no_profiles() -> Profiles:
    empty = pd.DataFrame()
    return Profiles(matches=empty, match_stats=empty, roles=empty, season=empty)


def stored_profiles(store: Store, *, season_name: str, min_minutes: float = MIN_MINUTES) -> Profiles | None:
    """:func:`profiles` from the per-match stats and roles that `models train` stored: a read and
    an aggregation instead of recomputing from the actions. None when nothing is stored yet."""
    matches = store.matches_frame()
    matches = matches[matches["season"] == season_name]
    stored = store.player_match_stats_frame([int(m) for m in matches["match_id"]])
    if stored.empty:
        return None
    stats = stored[MATCH_STATS_COLUMNS].astype({c: float for c in MATCH_STATS_COLUMNS[3:]})
    roles = stored[["match_id", "player_id", "role", "role_confidence"]].rename(
        columns={"role_confidence": "confidence"}
    )
    season = season_profile(stats, matches, roles, min_minutes=min_minutes)
    keepers = store.goalkeeper_match_stats_frame([int(m) for m in matches["match_id"]])
    if len(keepers):
        keepers = keepers[GK_MATCH_COLUMNS].astype({c: float for c in GK_MATCH_COLUMNS[3:]})
    else:
        keepers = None
    return Profiles(matches=matches, match_stats=stats, roles=roles, season=season, goalkeepers=keepers)
