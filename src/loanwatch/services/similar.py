"""Similar players and replacements (issue 11): every ingested competition searched two ways, by
style (player vectors) and by output (the per-90 percentile profile within the role,
league-adjusted). The computations are market/similarity.py's; this service reads what they need
from the store: the action-start counts per player and competition-season (built once per
partition, rebuilt when its matches change: :meth:`SimilarService.refresh`) and the season
profiles that `models train` stored."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from loanwatch.errors import InvalidInput, NotEnoughData
from loanwatch.market import similarity as sim
from loanwatch.services.context import Service
from loanwatch.services.models import (
    PlayerRef,
    SimilarFeature,
    SimilarPlayer,
    SimilarPlayers,
    StyleBuild,
)
from loanwatch.services.players import player_ref
from loanwatch.store import writer_lock

if TYPE_CHECKING:
    from loanwatch.metrics.compute import Profiles

ANY_ROLE = "any"
STYLE_KIND = "style"  # the model registry's kind of the fitted player-vector NMF


@dataclass(frozen=True)
class StyleSpace:
    """Every stored player-season's style vector, with the NMF it was computed with: cached per
    context, keyed by the partitions' signatures."""

    signature: tuple[tuple[int, str], ...]
    keys: pd.DataFrame  # season_id, player_id, minutes: one row per player-season, in vector order
    vectors: np.ndarray
    model: sim.StyleModel


@dataclass(frozen=True)
class OutputSpace:
    """A season's player-seasons (one row per player, competition and club, as the season profile
    has them) with their per-90 rates adjusted to the reference league and ranked as percentiles
    (``<metric>_mkt``) among the qualified players (``min_minutes``) of the same role across every
    competition of the season: the search by output. Cached per context and (season, minutes)."""

    season: str
    min_minutes: float
    reference: str
    frame: pd.DataFrame
    metrics: list[str]  # the profile's metrics the season has values of (reports.data.PROFILE_METRICS)

    def peers(self, role: str) -> int:
        """How many qualified player-seasons of ``role`` the percentiles are ranked among."""
        f = self.frame
        return int(((f["role"] == role) & (f["minutes"] >= self.min_minutes)).sum())


def _feature(f: sim.Feature, kind: str) -> SimilarFeature:
    return SimilarFeature(
        kind=kind,
        key=f.key,
        group=f.group,
        depth=f.depth,
        width=f.width,
        target=round(f.target, 3),
        other=round(f.other, 3),
        gap=f.gap,
    )


class SimilarService(Service):
    def refresh(self, *, step: Callable[[str], None] | None = None) -> StyleBuild:
        """Bring the action-start counts of every competition-season up to date: a partition whose
        matches (or their SPADL actions) changed since it was counted is counted again, the others
        are kept. Derived data, like a cache: any role's query may build it (under the writer lock)."""
        say = step or (lambda _msg: None)
        start = time.perf_counter()
        store = self.store
        current = store.style_signatures()
        stale = sorted(s for s, sig in current.items() if store.stored_style_signatures().get(s) != sig)
        built = 0
        if stale:
            with writer_lock(store.engine):
                stored = store.stored_style_signatures()  # another run may have built while this one waited
                for season_id in stale:
                    if stored.get(season_id) == current[season_id]:
                        continue
                    say(f"counting where the actions start: competition-season {season_id}")
                    store.save_style_counts(season_id, current[season_id], self._count(season_id))
                    built += 1
        self.ctx.caches.similar = None if built else self.ctx.caches.similar
        return StyleBuild(partitions=len(current), built=built, seconds=round(time.perf_counter() - start, 2))

    def _count(self, season_id: int) -> list[tuple[int, str, float, dict[int, int]]]:
        from loanwatch.metrics.roles import left_to_right

        matches, actions, minutes = self.store.style_inputs(season_id, sim.TYPE_GROUP)
        if actions.empty:
            return []
        counts = sim.action_counts(left_to_right(actions, matches))
        mins = dict(zip(minutes["player_id"].astype(int), minutes["minutes"].astype(float), strict=True))
        rows = []
        for (player, group), g in counts.groupby(["player_id", "group"]):
            played = float(mins.get(int(str(player)), 0.0))
            if played > 0:
                cells = {int(c): int(n) for c, n in zip(g["cell"], g["count"], strict=True)}
                rows.append((int(str(player)), str(group), played, cells))
        return rows

    def _space(self) -> StyleSpace:
        self.refresh()
        signature = tuple(sorted(self.store.stored_style_signatures().items()))
        cached = self.ctx.caches.similar
        if isinstance(cached, StyleSpace) and cached.signature == signature:
            return cached
        stored = self._stored_model(signature)
        if stored is None:
            counts, minutes = self.store.style_counts_frame()
            if minutes.empty:
                raise NotEnoughData(
                    "no SPADL actions in the store: run `loanwatch models train` first, then search again"
                )
            keys = minutes.sort_values(["season_id", "player_id"]).reset_index(drop=True)
            model, vectors = self._fit(signature, keys, self._heatmaps(counts, keys))
        else:
            keys, model, vectors = stored
        space = StyleSpace(signature, keys, vectors, model)
        self.ctx.caches.similar = space
        return space

    @staticmethod
    def _heatmaps(counts: pd.DataFrame, keys: pd.DataFrame) -> dict[str, np.ndarray]:
        """Each group's heatmaps (market.similarity.heatmap_matrix), one row per row of ``keys``."""
        position = pd.Series(
            np.arange(len(keys)), index=pd.MultiIndex.from_frame(keys[["season_id", "player_id"]])
        )
        at = position.reindex(pd.MultiIndex.from_frame(counts[["season_id", "player_id"]])).to_numpy()
        counts = counts.assign(key=at)
        per = pd.Series(keys["minutes"].to_numpy(), index=np.arange(len(keys)))
        return {g: sim.heatmap_matrix(counts, per, g) for g in sim.ACTION_GROUPS}

    def _heatmaps_at(self, space: StyleSpace, positions: Sequence[int]) -> dict[int, dict[str, list[float]]]:
        """The heatmaps of a few player-seasons (positions in ``space.keys``), read from their
        stored counts alone."""
        keys = space.keys.iloc[list(positions)].reset_index(drop=True)
        counts, _ = self.store.style_counts_frame(
            sorted({int(x) for x in keys["season_id"]}), sorted({int(x) for x in keys["player_id"]})
        )
        maps = self._heatmaps(counts.merge(keys[["season_id", "player_id"]]), keys)
        return {
            int(pos): {g: [round(float(v), 4) for v in maps[g][i]] for g in sim.ACTION_GROUPS}
            for i, pos in enumerate(positions)
        }

    def _stored_model(
        self, signature: tuple[tuple[int, str], ...]
    ) -> tuple[pd.DataFrame, sim.StyleModel, np.ndarray] | None:
        """The player-seasons, the NMF and the vectors fitted on these very counts, from the
        model registry (kind ``style``), or None."""
        import io

        row = self.store.latest_model(STYLE_KIND)
        if row is None or row["training_set"].get("signature") != [list(p) for p in signature]:
            return None
        with np.load(io.BytesIO(row["blob"])) as blob:
            if not {"season_id", "player_id", "minutes", "vectors"} <= set(blob.files):
                return None  # kept by an older version: fitted again
            keys = pd.DataFrame(
                {"season_id": blob["season_id"], "player_id": blob["player_id"], "minutes": blob["minutes"]}
            )
            model = sim.StyleModel({g: blob[f"components_{g}"] for g in sim.ACTION_GROUPS})
            return keys, model, blob["vectors"]

    def _fit(
        self, signature: tuple[tuple[int, str], ...], keys: pd.DataFrame, heatmaps: dict[str, np.ndarray]
    ) -> tuple[sim.StyleModel, np.ndarray]:
        """Fit the NMF on the stored counts (the player-seasons with ``FIT_MINUTES``), compute every
        vector, and keep both in the model registry for the next query on the same counts."""
        import io

        fit = keys["minutes"].to_numpy() >= sim.FIT_MINUTES
        if fit.sum() < max(sim.COMPONENTS.values()):
            fit = keys["minutes"].to_numpy() > 0
        model = sim.fit_style({g: m[fit] for g, m in heatmaps.items()})
        vectors = sim.style_vectors(model, heatmaps)
        buf = io.BytesIO()
        np.savez(
            buf,
            season_id=keys["season_id"].to_numpy(),
            player_id=keys["player_id"].to_numpy(),
            minutes=keys["minutes"].to_numpy(),
            vectors=vectors,
            **{f"components_{g}": c for g, c in model.components.items()},
        )
        with writer_lock(self.store.engine):
            self.store.save_model(
                STYLE_KIND,
                buf.getvalue(),
                {
                    "signature": [list(p) for p in signature],
                    "player_seasons": len(keys),
                    "fitted_on": int(fit.sum()),
                },
                {
                    "grid": list(sim.GRID),
                    "sigma": sim.SIGMA,
                    "components": sim.COMPONENTS,
                    "fit_minutes": sim.FIT_MINUTES,
                },
                {},
            )
        return model, vectors

    def _profiles(self, season: str, min_minutes: float) -> Profiles:
        from loanwatch.metrics.compute import profiles, stored_profiles

        cache = self.ctx.caches.similar_profiles
        key = (season, min_minutes)
        if key not in cache:
            cache[key] = stored_profiles(self.store, season_name=season, min_minutes=min_minutes) or profiles(
                self.store, season_name=season, min_minutes=min_minutes
            )
        return cache[key]

    def output_space(
        self, season: str, min_minutes: float | None = None, *, profiles: Profiles | None = None
    ) -> OutputSpace:
        """The season's output percentiles within the role, league-adjusted (:class:`OutputSpace`),
        computed once per context; ``profiles``: the season's profiles when the caller read them
        already (the market plan's depth chart: the same stored profiles, read once)."""
        from loanwatch.metrics.league import DEFAULT_REFERENCE, adjust, load_strengths
        from loanwatch.metrics.profile import percentiles_in_groups
        from loanwatch.reports.data import PROFILE_METRICS

        minutes = self.ctx.settings.min_minutes if min_minutes is None else float(min_minutes)
        cache = self.ctx.caches.similar_output
        key = (season, minutes)
        if key in cache:
            return cache[key]  # type: ignore[no-any-return]
        prof = (profiles if profiles is not None else self._profiles(season, minutes)).season.copy()
        strengths = load_strengths(settings=self.ctx.settings)
        reference = DEFAULT_REFERENCE if DEFAULT_REFERENCE in strengths else next(iter(strengths))
        metrics: list[str] = []
        if not prof.empty:
            prof = adjust(prof, strengths, reference=reference)
            metrics = [
                m for m, _g in PROFILE_METRICS if f"{m}_p90" in prof and prof[f"{m}_p90"].notna().any()
            ]
            qualified = prof.loc[prof["minutes"] >= minutes]
            prof = percentiles_in_groups(
                prof, qualified, ["role"], [(f"{m}_mkt", f"{m}_p90_adj", 1.0) for m in metrics]
            )
        space = OutputSpace(season, minutes, reference, prof, metrics)
        cache[key] = space
        return space

    def similar(
        self,
        ref: PlayerRef,
        *,
        role: str | None = None,
        max_age: int | None = None,
        min_minutes: float | None = None,
        competitions: Sequence[str] = (),
        season: str | None = None,
        top: int = 10,
    ) -> SimilarPlayers:
        """The players closest to ``ref`` by style and by output, each explained (the features
        that make him close, those that differ most), among the player-seasons of ``season``
        (default: the target's latest) with at least ``min_minutes`` (default: the setting), of
        ``role`` (default: the target's; ``any``: every role), at most ``max_age`` at the
        season's end (his last match in it), in ``competitions`` (default: every one)."""
        from loanwatch.domain import ROLES

        min_minutes = self.ctx.settings.min_minutes if min_minutes is None else float(min_minutes)
        if role is not None and role != ANY_ROLE and role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}: one of {', '.join(ROLES)} or {ANY_ROLE}")
        space = self._space()
        matches = self.store.matches_frame()
        mine = space.keys.loc[space.keys["player_id"] == ref.id]
        if mine.empty:
            raise NotEnoughData(f"{ref.display_name} has no actions in the store: nothing to compare")
        if season is None:
            last = matches.loc[matches["season_id"].isin(mine["season_id"])].iloc[-1]
            season = str(last["season"])
        output = self.output_space(season, min_minutes)
        prof, metrics = output.frame, output.metrics
        target_rows = prof.loc[prof["player_id"] == ref.id].sort_values("minutes", ascending=False)
        if target_rows.empty:
            raise NotEnoughData(f"{ref.display_name} did not play in {season}: choose another --season")
        target = target_rows.iloc[0]
        if target["minutes"] < min_minutes:
            raise NotEnoughData(
                f"{ref.display_name} played {target['minutes']:.0f} minutes in {season} "
                f"({target['competition']}): at least {min_minutes:.0f} are needed to compare him "
                "(--min-minutes)"
            )
        wanted_role = str(target["role"]) if role is None else role
        last_day = matches.groupby("season_id")["kickoff"].max()
        players = {int(p["id"]): p for p in self.store.all_players()}
        clubs = {int(c["id"]): str(c["name"]) for c in self.store.all_clubs()}

        def age(player_id: int, season_id: int) -> int | None:
            born = players.get(player_id, {}).get("birth_date")
            if not isinstance(born, date):
                return None
            end = pd.Timestamp(last_day[season_id]).date()
            return end.year - born.year - ((end.month, end.day) < (born.month, born.day))

        pool = prof.loc[(prof["minutes"] >= min_minutes) & (prof["player_id"] != ref.id)].copy()
        if wanted_role != ANY_ROLE:
            pool = pool.loc[pool["role"] == wanted_role]
        if competitions:
            names = {c.casefold() for c in competitions}
            known = set(prof["competition"].str.casefold())
            unknown = sorted(names - known)
            if unknown:
                choices = ", ".join(sorted(set(prof["competition"])))
                raise InvalidInput(f"no competition {', '.join(unknown)} in {season}: one of {choices}")
            pool = pool.loc[pool["competition"].str.casefold().isin(names)]
        pool["age"] = [age(int(p), int(s)) for p, s in zip(pool["player_id"], pool["season_id"], strict=True)]
        if max_age is not None:
            pool = pool.loc[pool["age"].notna() & (pool["age"] <= max_age)]

        # style: the stored vectors of the pool's player-seasons
        position = pd.Series(
            np.arange(len(space.keys)),
            index=pd.MultiIndex.from_frame(space.keys[["season_id", "player_id"]]),
        )

        def at(rows: pd.DataFrame) -> np.ndarray:
            idx = pd.MultiIndex.from_arrays([rows["season_id"].astype(int), rows["player_id"].astype(int)])
            return position.reindex(idx).to_numpy()

        pool_pos = at(pool)
        pool = pool.loc[~np.isnan(pool_pos)].copy()
        pool_pos = pool_pos[~np.isnan(pool_pos)].astype(int)
        target_pos = int(at(target_rows.iloc[[0]])[0])
        tv = space.vectors[target_pos]
        pv = space.vectors[pool_pos]
        style_d = sim.manhattan(tv, pv)
        feature_keys = [f"{g}:{i}" for g, i in space.model.features]
        zones = {
            f"{g}:{i}": sim.component_zone(space.model.components[g][i]) for g, i in space.model.features
        }
        style_spread = pv.std(axis=0) if len(pv) > 1 else np.ones(pv.shape[1])

        out_cols = [f"{m}_mkt" for m in metrics]
        to = target[out_cols].to_numpy(dtype=float)
        po = pool[out_cols].to_numpy(dtype=float)
        output_d = sim.output_distance(to, po)
        out_spread = np.nanstd(po, axis=0) if len(po) > 1 else np.ones(len(metrics))

        top_style = np.argsort(style_d, kind="stable")[:top]
        top_output = np.argsort(output_d, kind="stable")[:top]
        shown = sorted({target_pos, *(int(pool_pos[i]) for i in (*top_style, *top_output))})
        maps = self._heatmaps_at(space, shown)

        def entry(i: int | None, rank: int, d_style: float, d_output: float) -> SimilarPlayer:
            row = target if i is None else pool.iloc[i]
            vec = tv if i is None else pv[i]
            pos = target_pos if i is None else int(pool_pos[i])
            close: list[SimilarFeature] = []
            apart: list[SimilarFeature] = []
            if i is not None:
                s_close, s_apart = sim.explain(feature_keys, tv, vec, style_spread, zones=zones, floor=0.01)
                o_close, o_apart = sim.explain(metrics, to, po[i], out_spread, floor=-1.0)
                close = [_feature(f, "style") for f in s_close] + [_feature(f, "output") for f in o_close]
                apart = [_feature(f, "style") for f in s_apart] + [_feature(f, "output") for f in o_apart]
            pid = int(row["player_id"])
            club = row.get("club_id")
            return SimilarPlayer(
                rank=rank,
                player=player_ref(players.get(pid, {"id": pid})),
                club=clubs.get(int(club), "") if club == club and club is not None else "",
                competition=str(row["competition"]),
                season=str(row["season"]),
                role=str(row["role"]),
                age=age(pid, int(row["season_id"])),
                minutes=float(row["minutes"]),
                style_distance=round(float(d_style), 3),
                output_distance=round(float(d_output), 2) if np.isfinite(d_output) else None,
                close=close,
                apart=apart,
                profile={
                    m: (None if v != v else float(v))
                    for m, v in zip(metrics, (to if i is None else po[i]), strict=True)
                },
                style_vector=[round(float(v), 4) for v in vec],
                heatmaps=maps[pos],
            )

        def ranked(
            order: np.ndarray, d: np.ndarray, other: np.ndarray, by_style: bool
        ) -> list[SimilarPlayer]:
            return [
                entry(int(i), n + 1, *((d[i], other[i]) if by_style else (other[i], d[i])))
                for n, i in enumerate(order)
            ]

        return SimilarPlayers(
            target=entry(None, 0, 0.0, 0.0),
            season=season,
            role=wanted_role,
            min_minutes=min_minutes,
            max_age=max_age,
            competitions=sorted(set(pool["competition"])) if len(pool) else list(competitions),
            pool=len(pool),
            metrics=metrics,
            features=feature_keys,
            zones={k: list(v) for k, v in zones.items()},
            style=ranked(top_style, style_d, output_d, True),
            output=ranked(top_output, output_d, style_d, False),
        )

    def write(self, result: SimilarPlayers, out: str | Path, *, lang: str = "en") -> list[Path]:
        """The comparison as PNG files (side-by-side radar, both players' heatmaps, per
        candidate) and an HTML page that shows them, in ``out``; returns the files written."""
        from loanwatch.reports.similar import write_page

        return write_page(result.model_dump(), Path(out), lang=lang)
