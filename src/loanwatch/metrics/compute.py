"""The metrics over a whole store: SPADL actions, trained models, action values, player profiles.

The pure computations live in their own modules (``spadl``, ``vaep/``, ``xt``, ``xg``, ``roles``,
``profile``, ``league``), the models' store bookkeeping in the registry (``models``); this module
only sequences them over what the store holds, so the API, the CLI and the benchmark run the same
steps.

The work goes by **partition**: a block of at most ``BLOCK_MATCHES`` matches of one competition's
season (:class:`Partition`). Each per-partition step reads only that partition's rows (events,
actions, appearances) and writes its results (actions; action values, per-match stats, the model
versions that rated them): :func:`convert_step`, :func:`rate_step`. An executor (``executor.py``:
serial, or Dask workers that open the store themselves) maps them over the partitions; training is
one global step on a bounded sample (``models.TRAIN_MATCHES``). Memory is bounded by a partition
and the training sample, not by the store.

- :func:`compute_all` (``models train``): actions for new matches, the models trained (kept when
  nothing changed), every match rated with the newest models.
- :func:`update_metrics` (``loanwatch update``): actions for new matches and only the matches not
  yet rated by the newest models rated with them; no training, so past values stay as they are --
  unless the matches grew by ``retrain_growth`` (settings.py) since the models were trained.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from loanwatch.settings import MIN_MINUTES, RETRAIN_GROWTH
from loanwatch.store.repository import Store

if TYPE_CHECKING:
    from loanwatch.metrics.executor import Executor

Step = Callable[[str], None]
BLOCK_MATCHES = 100  # matches per partition at most: what one step holds in memory


# -- partitions and the per-partition steps ------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    """A block of matches of one competition's season: the unit every per-partition step works on."""

    competition_id: int
    season: str
    match_ids: tuple[int, ...]


def partitions(
    matches: pd.DataFrame, match_ids: Iterable[int] | None = None, *, block: int = BLOCK_MATCHES
) -> list[Partition]:
    """The matches (every one of ``matches``, or ``match_ids``) by competition and season, in
    blocks of at most ``block`` matches (by match id)."""
    if match_ids is not None:
        wanted = {int(m) for m in match_ids}
        matches = matches[matches["match_id"].isin(wanted)]
    groups: dict[tuple[int, str], list[int]] = {}
    for m, c, s in zip(matches["match_id"], matches["competition_id"], matches["season"], strict=True):
        groups.setdefault((int(c), str(s)), []).append(int(m))
    out = []
    for (competition_id, season), ids in sorted(groups.items()):
        ids.sort()
        for lo in range(0, len(ids), block):
            out.append(Partition(competition_id, season, tuple(ids[lo : lo + block])))
    return out


_OPEN: dict[str, Store] = {}  # url -> the store, one per process (a Dask worker opens it once)
_FITTED: dict[tuple[str, int], Any] = {}  # (url, model id) -> the fitted model, per process


def open_source(source: Store | str) -> Store:
    """The store a step works on: the open store itself, or (on a worker) the one at this URL."""
    if not isinstance(source, str):
        return source
    store = _OPEN.get(source)
    if store is None:
        from loanwatch.store import open_engine

        store = _OPEN[source] = Store(open_engine(source, migrate=False))
    return store


def _fitted(store: Store, name: str, model_id: int) -> Any:
    key = (store.engine.url.render_as_string(), model_id)
    if key not in _FITTED:
        row = store.model(model_id)
        if row is None or row["kind"] != name:
            raise ValueError(f"no {name} model {model_id} in the store")
        _FITTED[key] = models.kind(name).from_bytes(row["blob"])
    return _FITTED[key]


def convert_step(part: Partition, source: Store | str) -> int:
    """SPADL actions of the partition's matches from their events (replacing any); the count."""
    return spadl.compute_actions(open_source(source), list(part.match_ids))


def rate_step(
    part: Partition, source: Store | str, model_ids: Mapping[str, int], convert: Sequence[int] = ()
) -> dict[str, Any]:
    """Rate the partition's actions with these models ({kind: model id}), store their values, the
    per-match stats and roles computed from them, and which models rated the matches (last: a
    partition cut short is rated again by the next run). ``convert``: matches of the partition
    whose SPADL actions are computed first (their events read once for both)."""
    store = open_source(source)
    ids = list(part.match_ids)
    matches = store.matches_frame()
    matches = matches[matches["match_id"].isin(ids)]
    events = store.events_frame(ids)
    new = sorted(set(ids) & {int(m) for m in convert})
    if new:
        mine = events[events["match_id"].isin(new)]
        store.save_actions(new, spadl.actions_from_events(mine, matches))
    actions = store.actions_frame(ids)
    values: dict[str, pd.DataFrame | None] = {}
    for name, model_id in model_ids.items():
        k = models.kind(name)
        rated = k.rate(_fitted(store, name, int(model_id)), actions, matches) if len(actions) else None
        if rated is None:
            rated = pd.DataFrame(columns=models.VALUE_COLUMNS)
        rated = rated.sort_values(["match_id", "action_id"]).reset_index(drop=True)
        store.save_action_values(int(model_id), rated, match_ids=ids)
        values[name] = rated
    prof = match_level(store, actions, with_derived(actions, values), matches, events=events)
    save_match_level(store, prof)
    store.save_match_ratings(ids, {k: int(v) for k, v in model_ids.items()})
    return {
        "competition_id": part.competition_id,
        "season": part.season,
        "matches": len(ids),
        "actions": int(len(actions)),
        "new_actions": int(len(actions[actions["match_id"].isin(new)])) if new else 0,
        "player_matches": int(len(prof.match_stats)),
    }


def aggregate_step(season: tuple[int, str], source: Store | str) -> int:
    """The stored per-season aggregates of one competition's season (competition id, season
    name), from its stored per-match stats (:func:`refresh_season_aggregates`): run once every
    block of the season is rated."""
    return refresh_season_aggregates(open_source(source), season[0], season[1])


def _refresh_seasons(ex: Executor, store: Store, done: Sequence[Mapping[str, Any]]) -> None:
    seasons = sorted({(int(d["competition_id"]), str(d["season"])) for d in done})
    ex.map(aggregate_step, seasons, ex.source(store))


def _without_aggregates(store: Store, matches: pd.DataFrame) -> list[dict[str, Any]]:
    """The competition-seasons rated but without their stored aggregates (a store trained before
    revision 0015): the next ``update`` (or ``models train``) stores them, once, so reads of a
    player never aggregate a season's per-match stats again."""
    seasons = matches[["season_id", "competition_id", "season"]].drop_duplicates()
    stored = store.seasons_with_aggregates([int(s) for s in seasons["season_id"]])
    return [
        {"competition_id": int(competition), "season": str(season)}
        for season_id, competition, season in seasons.itertuples(index=False, name=None)
        if int(season_id) not in stored and store.has_per_match_stats(int(season_id))
    ]


def _newest(store: Store) -> dict[str, dict[str, Any] | None]:
    return {kind: store.latest_model(kind) for kind in models.KINDS}


def compute_all(
    store: Store,
    *,
    retrain: bool = False,
    step: Step | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Bring every match's actions, the models and the action values up to date.

    Actions are computed only for matches that have none; each model (VAEP, xT, xG:
    ``models.KINDS``) keeps its version when trained on the same actions with the same settings
    (``retrain``: new versions anyway); every match is then rated with the newest models.
    ``executor``: where the per-partition steps run (default: serially, here).
    """
    from loanwatch.metrics.executor import SerialExecutor

    say = step or (lambda _msg: None)
    ex = executor or SerialExecutor()
    matches = store.matches_frame()
    todo = store.matches_without_actions()
    say(f"SPADL actions for {len(todo)} matches")
    n_actions = sum(ex.map(convert_step, partitions(matches, todo), ex.source(store)))
    labels = [k.label for k in models.KINDS.values()]
    say(f"{', '.join(labels[:-1])} and {labels[-1]} models")
    trained = models.train_and_store(store, force=retrain)
    newest = _newest(store)
    model_ids = {kind: int(m["id"]) for kind, m in newest.items() if m is not None}
    parts = partitions(matches, store.matches_with_actions())
    say(
        f"rating every action ({', '.join(labels)}), per-match stats and roles: {len(parts)} partitions"
        f" on {ex.where}"
    )
    done = ex.map(rate_step, parts, ex.source(store), model_ids)
    _refresh_seasons(ex, store, done)
    return {
        "partitions": done,
        "new_actions": n_actions,
        "matches": len(matches),
        "rated": sum(d["matches"] for d in done),
        "models": newest,
        "trained": trained,
        "retrained": True,
    }


def training_growth(store: Store, n_matches: int) -> float | None:
    """How much the matches grew since the newest VAEP model was trained (0.2: by 20%); None
    before training."""
    last = store.latest_model("vaep")
    if last is None:
        return None
    ts = last["training_set"]
    base = int(ts.get("store_matches") or len(ts.get("matches") or ()) or 0)
    return float("inf") if base == 0 else (n_matches - base) / base


def update_metrics(
    store: Store,
    *,
    retrain_growth: float = RETRAIN_GROWTH,
    step: Step | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """The incremental step after an ingest: SPADL actions for the new matches, and every match the
    newest models have not rated yet rated with them (its values, per-match stats and roles
    stored). No training, so nothing already stored changes -- unless there is no model yet, or the
    matches grew by ``retrain_growth`` (0: never) since the models were trained: then
    :func:`compute_all` trains new versions and rates every match."""
    from loanwatch.metrics.executor import SerialExecutor

    say = step or (lambda _msg: None)
    ex = executor or SerialExecutor()
    matches = store.matches_frame()
    todo = store.matches_without_actions()
    growth = training_growth(store, len(matches))
    if growth is None or (retrain_growth > 0 and growth >= retrain_growth):
        why = "no models yet" if growth is None else f"the matches grew by {growth:.0%} since training"
        say(f"training the models: {why}")
        return compute_all(store, retrain=growth is not None, step=step, executor=ex)
    newest = _newest(store)
    model_ids = {kind: int(m["id"]) for kind, m in newest.items() if m is not None}
    rated = set.intersection(*(store.rated_matches(mid) for mid in model_ids.values()))
    unrated = sorted((set(matches["match_id"].astype(int)) - rated) | set(todo))
    say(f"SPADL actions for {len(todo)} new matches; {len(unrated)} matches rated with the current models")
    done = ex.map(rate_step, partitions(matches, unrated), ex.source(store), model_ids, todo)
    _refresh_seasons(ex, store, [*done, *_without_aggregates(store, matches)])
    n_actions = sum(d["new_actions"] for d in done)
    return {
        "partitions": done,
        "new_actions": n_actions,
        "matches": len(matches),
        "rated": sum(d["matches"] for d in done),
        "models": newest,
        "trained": {},
        "retrained": False,
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


def with_derived(
    actions: pd.DataFrame, values: Mapping[str, pd.DataFrame | None]
) -> dict[str, pd.DataFrame | None]:
    """Each kind's values and the values derived from them (xA from xG), for these actions."""
    out: dict[str, pd.DataFrame | None] = {}
    for name, kind in models.KINDS.items():
        mine = values.get(name)
        out[name] = mine
        derived = {} if mine is None else kind.derived_values(actions, mine)
        out.update({d: derived.get(d) for d in kind.derives})
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
    mine = {
        name: None if frame is None else frame[frame["match_id"].isin(wanted)].reset_index(drop=True)
        for name, frame in every.items()
    }
    return with_derived(actions, mine)


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
    level = match_level(
        store,
        actions,
        action_values(store, actions, ids, values),
        matches,
        appearances[appearances["match_id"].isin(ids)],
    )
    season = season_profile(level.match_stats, matches, level.roles, min_minutes=min_minutes)
    return Profiles(
        matches=matches,
        match_stats=level.match_stats,
        roles=level.roles,
        season=season,
        goalkeepers=level.goalkeepers,
    )


@dataclass(frozen=True)
class MatchLevel:
    """What each player did in each match of a set: what `models train` and `update` store."""

    match_stats: pd.DataFrame  # profile.MATCH_STATS_COLUMNS
    roles: pd.DataFrame  # roles.infer_roles
    goalkeepers: pd.DataFrame | None  # goalkeeping.goalkeeper_match_stats


def match_level(
    store: Store,
    actions: pd.DataFrame,
    rated: Mapping[str, pd.DataFrame | None],
    matches: pd.DataFrame,
    appearances: pd.DataFrame | None = None,
    *,
    events: pd.DataFrame | None = None,
) -> MatchLevel:
    """Per-match stats, roles and goalkeeping of the ``matches`` (their ``actions`` and values
    ``rated``, with the derived ones: :func:`with_derived`); reads their events and appearances
    unless given."""
    ids = [int(m) for m in matches["match_id"]]
    if appearances is None:
        appearances = store.appearances_frame(ids)
    if events is None:
        events = store.events_frame(ids)
    stats = player_match_stats(actions, dict(rated), appearances, events, matches=matches)
    roles = infer_roles(actions, matches, appearances)
    keepers = goalkeeper_match_stats(events, actions, rated.get("xg"), appearances, roles, matches=matches)
    return MatchLevel(match_stats=stats, roles=roles, goalkeepers=keepers)


def save_match_level(store: Store, level: MatchLevel | Profiles) -> None:
    """Store the per-match stats with each player's role (player_match_stats) and the goalkeepers'."""
    roles = level.roles[["match_id", "player_id", "role", "confidence"]].rename(
        columns={"confidence": "role_confidence"}
    )
    store.save_player_match_stats(level.match_stats.merge(roles, on=["match_id", "player_id"], how="left"))
    if level.goalkeepers is not None:
        store.save_goalkeeper_match_stats(level.goalkeepers)


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
