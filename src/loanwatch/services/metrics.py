"""Numbers from events: training the models, a player's season profiles (per 90, percentiles
against his role's peers, league-adjusted), a goalkeeper's profile and the shots he faced, the
season export for analysts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from loanwatch.access import Permission, sees_terms
from loanwatch.domain import season_name
from loanwatch.metrics.league import Reference
from loanwatch.portfolio.names import display_name, normalize_name
from loanwatch.services.context import Service, writes
from loanwatch.services.models import (
    Export,
    GoalkeeperProfile,
    LoanSpell,
    MetricsUpdate,
    ModelVersion,
    PlayerRef,
    SpellProfile,
    TrainingRun,
)
from loanwatch.services.portfolio import loan_spell
from loanwatch.settings import MIN_MINUTES
from loanwatch.tracking.timeline import SpellTimeline, spell_window

if TYPE_CHECKING:
    from loanwatch.metrics.compute import Partition, Profiles
    from loanwatch.metrics.executor import Executor
    from loanwatch.store.repository import Store

TOURNAMENTS = frozenset({"European Championship", "World Cup"})


def model_version(row: Mapping[str, object] | None) -> ModelVersion | None:
    from loanwatch.metrics.models import KINDS

    if row is None:
        return None
    kind = str(row["kind"])
    return ModelVersion(
        kind=kind,
        version=int(str(row["version"])),
        trained_at=row["trained_at"],  # type: ignore[arg-type]
        quality=dict(row.get("quality") or {}),  # type: ignore[call-overload]
        label=KINDS[kind].label if kind in KINDS else kind,
    )


class MetricsService(Service):
    def _executor(self, workers: int | None, scheduler: str | None) -> Executor:
        """Where the per-partition steps run: ``scheduler`` (else the setting ``dask_scheduler``),
        a local Dask cluster of ``workers`` (> 1), or serially here."""
        from loanwatch.metrics.executor import open_executor

        return open_executor(workers=workers, scheduler=scheduler or self.ctx.settings.dask_scheduler)

    @writes
    def train(
        self,
        *,
        retrain: bool = False,
        step: Callable[[str], None] | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> TrainingRun:
        """SPADL actions for new matches, VAEP / xT / xG models trained and versioned, every action
        rated; the per-partition steps on a Dask cluster when ``workers`` (> 1) or ``scheduler``
        (or the setting ``dask_scheduler``) is given."""
        from loanwatch.metrics.compute import compute_all

        self.ctx.require(Permission.INGEST)
        self.ctx.store_changed()
        executor = self._executor(workers, scheduler)
        try:
            result = compute_all(self.store, retrain=retrain, step=step, executor=executor)
        finally:
            executor.close()
        return TrainingRun(
            matches=int(result["matches"]),
            new_actions=int(result["new_actions"] or 0),
            trained=dict(result.get("trained") or {}),
            models={kind: model_version(m) for kind, m in result["models"].items()},
        )

    @writes
    def update(
        self,
        *,
        step: Callable[[str], None] | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> MetricsUpdate:
        """The incremental step: actions for new matches, and the matches the current models have
        not rated yet rated with them (values, per-match stats, roles); no retraining unless the
        matches grew by the setting ``retrain_growth`` since the models were trained."""
        from loanwatch.metrics.compute import update_metrics

        self.ctx.require(Permission.INGEST)
        self.ctx.store_changed()
        executor = self._executor(workers, scheduler)
        try:
            result = update_metrics(
                self.store, retrain_growth=self.ctx.settings.retrain_growth, step=step, executor=executor
            )
        finally:
            executor.close()
        return MetricsUpdate(
            matches=int(result["matches"]),
            new_actions=int(result["new_actions"] or 0),
            rated=int(result["rated"]),
            retrained=bool(result["retrained"]),
            executor=executor.name,
            ran_on=executor.where,
            models={kind: model_version(m) for kind, m in result["models"].items()},
        )

    def trained(self) -> bool:
        """True once the models are trained (``loanwatch models train``)."""
        return self.store.latest_model("vaep") is not None

    def latest_model(self, kind: str) -> ModelVersion | None:
        """The newest version of a model (vaep, xt, xg), None before training."""
        return model_version(self.store.latest_model(kind))

    def model_versions(self) -> list[ModelVersion]:
        """The model versions the figures come from (the newest of each kind: VAEP, xT, xG, in
        that order); empty before training. What the report and ``player`` say under the figures."""
        from loanwatch.metrics.models import KINDS

        found = (self.latest_model(kind) for kind in KINDS)
        return [m for m in found if m is not None]

    def club_league(self, club: str) -> str | None:
        """The league a club plays in the data (its competition with the most matches; tournaments
        of national teams aside), or None when the club is not in the data."""
        if not club:
            return None
        wanted = normalize_name(club)
        leagues = self.ctx.caches.club_leagues
        if leagues is None:
            leagues = self.ctx.caches.club_leagues = {}
        if wanted not in leagues:
            ids = [int(c["id"]) for c in self.store.all_clubs() if normalize_name(c["name"]) == wanted]
            per = self.store.club_competition_counts(ids) if ids else {}
            leagues[wanted] = max((c for c in per if c not in TOURNAMENTS), key=per.__getitem__, default=None)
        return leagues[wanted]

    def reference_league(self, spell: Mapping[str, object], chosen: str | None = None) -> Reference:
        """The league a spell's figures are adjusted to: ``chosen`` (``--reference-league``), else
        the owner club's (metrics/league.py: from the data, the loan list, or the owner table)."""
        from loanwatch.metrics.league import resolve_reference

        owner = str(spell.get("parent_club") or "")
        in_list = spell.get("parent_competition") or spell.get("owner_league")
        return resolve_reference(
            owner,
            chosen=chosen,
            league_in_data=self.club_league(owner),
            league_in_list=str(in_list) if in_list else None,
            settings=self.ctx.settings,
        )

    def _spell(self, timeline: SpellTimeline) -> LoanSpell:
        return loan_spell(
            timeline.spell, see_terms=sees_terms(self.ctx.role), has_match_data=timeline.has_data
        )

    def _timelines(self, ref: PlayerRef, as_of: date | None) -> list[SpellTimeline]:
        return self.ctx.tracker().timelines(ref.id, as_of)

    def spell_profiles(
        self,
        ref: PlayerRef,
        *,
        as_of: date | None = None,
        min_minutes: float = MIN_MINUTES,
        reference: str | None = None,
        timelines: Sequence[SpellTimeline] | None = None,
    ) -> list[SpellProfile]:
        """Per loan spell: per-90 figures and percentiles against the same role in the same
        competition and season, with the league-strength adjustment (see metrics/league.py) to
        ``reference``, by default the owner club's league (``reference`` in each entry says which).
        ``timelines``: the player's, when the caller has them already."""
        from loanwatch.metrics.league import adjust
        from loanwatch.metrics.profile import spell_profile

        out = []
        cache: dict[str, Profiles] = {}
        for timeline in timelines if timelines is not None else self._timelines(ref, as_of):
            spell = timeline.spell
            if not timeline.has_data:
                continue
            start, end = spell_window(spell, as_of)
            seasons = sorted({season_name(line.kickoff, tournament=False) for line in timeline.lines})
            for season in seasons:
                if season not in cache:
                    cache[season] = self._player_profiles(ref.id, season, min_minutes)
                p = cache[season]
                if p.match_stats.empty:
                    continue
                rows = spell_profile(
                    p.match_stats,
                    p.matches,
                    p.roles,
                    ref.id,
                    start,
                    end,
                    min_minutes=min_minutes,
                    season=p.season,
                )
                if not rows.empty:
                    ref_league = self.reference_league(spell, reference)
                    out.append(
                        SpellProfile(
                            spell=self._spell(timeline),
                            season=season,
                            profile=adjust(rows, reference=ref_league.league),
                            reference=ref_league,
                        )
                    )
        return out

    def _player_profiles(self, player_id: int, season: str, min_minutes: float) -> Profiles:
        """The player's per-match rows of the season and his seasons' stored aggregates
        (metrics/compute.player_profiles); computed from the season's actions on a store that
        holds no per-match stats."""
        from loanwatch.metrics.compute import player_profiles, profiles

        found = player_profiles(self.store, player_id, season_name=season, min_minutes=min_minutes)
        if found is not None:
            return found
        return profiles(self.store, season_name=season, min_minutes=min_minutes)

    def goalkeeper_profiles(
        self,
        ref: PlayerRef,
        *,
        as_of: date | None = None,
        min_minutes: float = MIN_MINUTES,
        timelines: Sequence[SpellTimeline] | None = None,
    ) -> list[GoalkeeperProfile]:
        """Per loan spell of a goalkeeper: his goalkeeping figures and percentiles against the
        keepers of the same competition and season (metrics/goalkeeping.py), his matches in goal
        (``matches``: goalkeeping.GK_MATCH_COLUMNS) and the shots on target he faced (``shots``:
        goalkeeping.SHOT_COLUMNS). Empty when he kept no goal."""
        from loanwatch.metrics.compute import profiles
        from loanwatch.metrics.goalkeeping import goalkeeper_season_profile, goalkeeper_spell_profile

        out = []
        cache: dict[str, tuple[Profiles, pd.DataFrame | None]] = {}
        for timeline in timelines if timelines is not None else self._timelines(ref, as_of):
            if not timeline.has_data:
                continue
            start, end = spell_window(timeline.spell, as_of)
            for season in sorted({season_name(line.kickoff, tournament=False) for line in timeline.lines}):
                if season not in cache:
                    p = self._player_profiles(ref.id, season, min_minutes)
                    keepers = p.keepers
                    if p.match_stats.empty:
                        keepers = None
                    elif keepers is None or keepers.empty:  # trained before the goalkeeper stats
                        p = profiles(self.store, season_name=season, min_minutes=min_minutes)
                        keepers = goalkeeper_season_profile(
                            p.goalkeepers, p.matches, p.season, min_minutes=min_minutes
                        ) if p.goalkeepers is not None else None
                    cache[season] = (p, keepers)
                p, keepers = cache[season]
                if keepers is None or p.goalkeepers is None or keepers.empty:
                    continue
                rows = goalkeeper_spell_profile(
                    p.goalkeepers, p.matches, keepers, ref.id, start, end, min_minutes=min_minutes
                )
                if rows.empty:
                    continue
                kick = p.matches.set_index("match_id")["kickoff"]
                mine = p.goalkeepers.loc[p.goalkeepers["player_id"] == ref.id]
                mine = mine.loc[[start <= kick[m].date() <= end for m in mine["match_id"]]]
                out.append(
                    GoalkeeperProfile(
                        spell=self._spell(timeline),
                        season=season,
                        profile=rows,
                        matches=mine.reset_index(drop=True),
                        shots=self._shots_faced(ref.id, mine["match_id"], p.goalkeepers),
                    )
                )
        return out

    def _shots_faced(self, player_id: int, match_ids: Iterable[int], keepers: pd.DataFrame) -> pd.DataFrame:
        """The shots on target he faced in these matches in goal: read from those matches' shots
        and goals only, and their keepers from the stored goalkeeper stats (``keepers``: the
        season's ``goalkeeper_match_stats``, the roles the training stored), not from every event."""
        from loanwatch.metrics.goalkeeping import shots_faced
        from loanwatch.providers.spadl_vocab import SHOT_TYPES

        ids = sorted({int(m) for m in match_ids})
        if not ids:
            return shots_faced(pd.DataFrame(), pd.DataFrame(), None, pd.DataFrame(), keepers, pd.DataFrame())
        in_goal = keepers.loc[keepers["match_id"].isin(ids), ["match_id", "player_id"]]
        matches = self.store.matches_frame(match_ids=ids)
        actions = self.store.actions_frame(ids, type_ids=list(SHOT_TYPES))
        appearances = self.store.appearances_frame(ids)
        model = self.store.latest_model("xg")
        values = self.store.action_values_frame(int(model["id"]), ids) if model else None
        events, period_seconds = self.store.shot_events_frame(ids)
        shots = shots_faced(events, actions, values, appearances, in_goal, matches, period_seconds)
        return shots[shots["player_id"] == player_id].reset_index(drop=True)

    def player_events(self, player_id: int, match_ids: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The player's SPADL actions in these matches attacking left to right, and the stored xG
        of his shots (match_id, action_id, value; empty before training)."""
        from loanwatch.metrics.roles import left_to_right

        ids = [int(m) for m in match_ids]
        empty = pd.DataFrame(columns=["match_id", "action_id", "value"])
        if not ids:
            return pd.DataFrame(), empty
        actions = self.store.actions_frame(ids)
        if actions.empty:
            return actions, empty
        actions = actions[actions["player_id"] == player_id]
        if actions.empty:
            return actions, empty
        actions = left_to_right(actions, self.store.matches_frame(match_ids=ids))
        model = self.store.latest_model("xg")
        if model is None:
            return actions, empty
        values = self.store.action_values_frame(int(model["id"]), ids)
        return actions, values[["match_id", "action_id", "value"]]

    def export_partitioned(
        self, out_dir: str | Path, *, workers: int | None = None, scheduler: str | None = None
    ) -> Export:
        """Every stored per-match stat of every player as a Parquet data set partitioned by
        competition and season (``DIR/competition=.../season=.../*.parquet``, hive style: pyarrow,
        polars, DuckDB and ``dask.dataframe.read_parquet`` read it back); each partition written by
        the step that reads it (on Dask workers with ``workers`` or ``scheduler``)."""
        from loanwatch.metrics.compute import partitions

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        executor = self._executor(workers, scheduler)
        try:
            rows = executor.map(
                export_partition,
                partitions(self.store.matches_frame()),
                executor.source(self.store),
                str(out),
            )
        finally:
            executor.close()
        return Export(path=out, rows=int(sum(rows)))

    def export(
        self, season: str, out: str | Path, fmt: str = "csv", *, min_minutes: float = MIN_MINUTES
    ) -> Export:
        """Season profiles of every player (per 90, percentiles, roles, names) as CSV or Parquet."""
        import polars as pl

        from loanwatch.metrics.compute import profiles, stored_profiles

        if fmt not in ("csv", "parquet"):
            raise ValueError(f"unknown format {fmt!r}: csv or parquet")
        stored = stored_profiles(self.store, season_name=season, min_minutes=min_minutes)
        table = (stored or profiles(self.store, season_name=season, min_minutes=min_minutes)).season
        players = {p["id"]: p for p in self.store.all_players()}
        clubs = {c["id"]: c["name"] for c in self.store.all_clubs()}
        table.insert(1, "player", [display_name(players.get(int(i), {})) for i in table["player_id"]])
        table.insert(2, "club", [clubs.get(int(i), "") if i == i else "" for i in table["club_id"]])
        frame = pl.from_dict({c: table[c].tolist() for c in table.columns})
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        return Export(path=path, rows=frame.height)


def export_partition(part: Partition, source: Store | str, out_dir: str) -> int:
    """One partition's per-match stats into the Parquet data set at ``out_dir`` (one file per
    partition, named by its first match); the rows written. A step of
    :meth:`MetricsService.export_partitioned`, run where the executor puts it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from loanwatch.metrics.compute import open_source

    store = open_source(source)
    ids = list(part.match_ids)
    stats = store.player_match_stats_frame(ids)
    if stats.empty:
        return 0
    matches = store.matches_frame()
    matches = matches[matches["match_id"].isin(ids)][["match_id", "competition", "season", "kickoff"]]
    players = {int(p["id"]): display_name(p) for p in store.all_players()}
    table = stats.merge(matches, on="match_id", how="left")
    table.insert(2, "player", [players.get(int(i), "") for i in table["player_id"]])
    pq.write_to_dataset(
        pa.Table.from_pandas(table, preserve_index=False),
        out_dir,
        partition_cols=["competition", "season"],
        basename_template=f"part-{ids[0]}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    return int(len(table))
