"""Similar-players benchmark: does each search find a player from one half of his season among
everyone's other halves?

    .venv/bin/python benchmarks/similarity.py [--store PATH] [--season 2017/18] [--min-minutes 450]

Each player's matches of the season (every competition of it, his matches in date order) are cut
in two halves. From each half, the three representations ``market similar`` compares are built
the same way: the style vector (market/similarity.py: heatmaps of where each action group starts,
per 90, smoothed, NMF per group, fitted on every half; Manhattan distance), the output profile
(the per-90 rates of metrics/profile.py, league-adjusted with metrics/league.py, as percentiles
within the role over every competition; mean absolute gap) and, as the baseline, the plain box
score per 90 (appearances: goals, assists, shots, shots on target, passes, accurate passes, yellow
cards; standardised, Euclidean). Players with at least ``--min-minutes`` in both halves take part:
for each, his first half is the query and every participant's second half the pool (and the other
way round); the figures are top-1 and top-10 accuracy (his own other half nearest, among the ten
nearest) and his other half's mean rank, with the number of players.

Without ``--store``, a temporary store is built from the shipped sample (``data/``: ingest and
SPADL actions, no model training; the output profile then has no xG / VAEP figures), ``--rounds``
Serie A rounds of it (default: all). A ``--store`` is read, never written (copy it first).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

BOX_SCORE = ("goals", "assists", "shots", "shots_on_target", "passes", "passes_accurate", "yellow_cards")


def build_sample(root: Path, rounds: int | None) -> Path:
    import gzip
    import json
    import shutil

    from loanwatch.api import SAMPLE_DATA, Loanwatch
    from loanwatch.metrics import spadl

    data = SAMPLE_DATA
    if rounds is not None:
        data = root / "data"
        sheets = json.loads(
            gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes())
        )
        (data / "matches").mkdir(parents=True)
        (data / "events").mkdir()
        for name in ("players.json.gz", "teams.json"):
            shutil.copy(SAMPLE_DATA / name, data / name)
        shutil.copy(SAMPLE_DATA / "matches" / "matches_Italy.json.gz", data / "matches")
        for m in sheets:
            if m["gameweek"] <= rounds:
                shutil.copy(SAMPLE_DATA / "events" / "Italy" / f"{m['wyId']}.json.gz", data / "events")
    path = root / "lw.db"
    lw = Loanwatch(str(path))
    lw.ingest([data])
    spadl.compute_actions(lw.store, sorted(int(m) for m in lw.store.matches_frame()["match_id"]))
    return path


def half_frames(store: Any, season: str) -> dict[str, Any]:
    """Every participant's per-match rows with their half: actions (left to right), per-match
    stats and roles, appearances, matches."""
    from loanwatch.market import similarity as sim
    from loanwatch.metrics.compute import profiles
    from loanwatch.metrics.roles import left_to_right

    matches = store.matches_frame()
    matches = matches[matches["season"] == season]
    ids = [int(m) for m in matches["match_id"]]
    stored = store.player_match_stats_frame(ids)
    if stored.empty:  # an untrained store: the stats from the actions and events
        p = profiles(store, season_name=season)
        stats, roles = p.match_stats, p.roles[["match_id", "player_id", "role"]]
    else:
        from loanwatch.metrics.profile import MATCH_STATS_COLUMNS

        stats = stored[MATCH_STATS_COLUMNS].astype({c: float for c in MATCH_STATS_COLUMNS[3:]})
        roles = stored[["match_id", "player_id", "role"]]
    actions = []
    for season_id in sorted(set(matches["season_id"].astype(int))):
        m, a, _minutes = store.style_inputs(season_id, sim.TYPE_GROUP)
        if not a.empty:
            actions.append(left_to_right(a, m))
    acts = pd.concat(actions, ignore_index=True)
    apps = store.appearances_frame()
    apps = apps[apps["match_id"].isin(ids) & (apps["minutes_played"] > 0)]
    played = apps[["player_id", "match_id", "minutes_played"]].merge(
        matches[["match_id", "kickoff"]], on="match_id"
    )
    played["half"] = sim.season_halves(played).to_numpy()
    return {
        "matches": matches,
        "stats": stats,
        "roles": roles,
        "actions": acts,
        "apps": apps,
        "played": played,
    }


def representations(
    f: dict[str, Any], min_minutes: float
) -> tuple[list[int], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The participants and, per half (0, 1), their style vectors, output profiles and box scores."""
    from loanwatch.market import similarity as sim
    from loanwatch.metrics.league import adjust
    from loanwatch.metrics.profile import percentiles_in_groups, season_profile
    from loanwatch.reports.data import PROFILE_METRICS

    played = f["played"]
    minutes = played.groupby(["player_id", "half"])["minutes_played"].sum().unstack(fill_value=0.0)
    players = sorted(
        int(p)
        for p in minutes.index[(minutes.get(0, 0) >= min_minutes) & (minutes.get(1, 0) >= min_minutes)]
    )
    half_of = played.set_index(["match_id", "player_id"])["half"]

    def tag(frame: pd.DataFrame) -> pd.Series:
        idx = pd.MultiIndex.from_arrays([frame["match_id"].astype(int), frame["player_id"].astype(int)])
        return pd.Series(half_of.reindex(idx).to_numpy(), index=frame.index)

    acts = f["actions"]
    acts = acts[acts["player_id"].notna()].copy()
    acts["player_id"] = acts["player_id"].astype(int)
    acts = acts[acts["player_id"].isin(players)]
    acts["half"] = tag(acts)
    counts = sim.action_counts(acts, by=("player_id", "half"))
    keys = [(p, h) for h in (0, 1) for p in players]
    pos = {k: i for i, k in enumerate(keys)}
    counts["key"] = [
        pos.get((int(p), int(h)), -1) for p, h in zip(counts["player_id"], counts["half"], strict=True)
    ]
    counts = counts[counts["key"] >= 0]
    mins = pd.Series([float(minutes.loc[p, h]) for p, h in keys], index=range(len(keys)))
    heat = {g: sim.heatmap_matrix(counts, mins, g) for g in sim.ACTION_GROUPS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sim.fit_style(heat)
    vectors = sim.style_vectors(model, heat)
    n = len(players)
    style = {"0": vectors[:n], "1": vectors[n:]}

    metrics = [m for m, _g in PROFILE_METRICS]
    output: dict[str, np.ndarray] = {}
    box: dict[str, np.ndarray] = {}
    for h in (0, 1):
        stats = f["stats"][tag(f["stats"]) == h]
        prof = season_profile(
            stats, f["matches"], f["roles"][tag(f["roles"]) == h], min_minutes=min_minutes
        )
        prof = adjust(prof)
        metrics = [m for m in metrics if prof[f"{m}_p90"].notna().any()]
        cols = [(f"{m}_mkt", f"{m}_p90_adj", 1.0) for m in metrics]
        # a player of several competitions in a half: his rows summed would mix leagues; his
        # competition with the most minutes is his half
        prof = prof.sort_values("minutes", ascending=False).drop_duplicates("player_id")
        prof = percentiles_in_groups(prof, prof[prof["minutes"] >= min_minutes], ["role"], cols)
        prof = prof.set_index("player_id").reindex(players)
        output[str(h)] = prof[[c for c, _v, _s in cols]].to_numpy(dtype=float)
        apps = f["apps"][tag(f["apps"]) == h]
        per = apps.groupby("player_id")[["minutes_played", *BOX_SCORE]].sum().reindex(players)
        box[str(h)] = per[list(BOX_SCORE)].to_numpy(dtype=float) * 90.0 / per[["minutes_played"]].to_numpy()
    return players, style, output | {"box0": box["0"], "box1": box["1"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", help="a store to read (copy it first); default: built from data/")
    parser.add_argument("--season", default="2017/18")
    parser.add_argument("--min-minutes", type=float, default=450.0, help="minutes in each half")
    parser.add_argument("--rounds", type=int, default=None, help="without --store: Serie A rounds of data/")
    args = parser.parse_args(argv)
    from loanwatch.market import similarity as sim
    from loanwatch.store import Store, open_engine, resolve_store_url

    start = time.perf_counter()
    tmp = None
    path = args.store
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = str(build_sample(Path(tmp.name), args.rounds))
        print(f"built a store from data/ in {time.perf_counter() - start:.1f} s")
    store = Store(open_engine(resolve_store_url(path)))
    t0 = time.perf_counter()
    frames = half_frames(store, args.season)
    players, style, rest = representations(frames, args.min_minutes)
    read = time.perf_counter() - t0
    if len(players) < 2:
        print(
            f"{len(players)} player with {args.min_minutes:.0f} minutes in both halves: nothing to measure"
        )
        return 1
    box = {"0": rest["box0"], "1": rest["box1"]}
    output = {"0": rest["0"], "1": rest["1"]}
    scale = np.nanstd(np.vstack([box["0"], box["1"]]), axis=0)
    print(
        f"season {args.season}: {len(players)} players with at least {args.min_minutes:.0f} minutes in both "
        f"halves of their season (representations built in {read:.1f} s)"
    )
    print(f"{'search':<28}{'top-1':>8}{'top-10':>8}{'mean rank':>11}")
    for label, reps, distance in (
        ("style (player vectors)", style, "manhattan"),
        ("output (percentile profile)", output, "output"),
        ("baseline (box score per 90)", box, "euclidean"),
    ):
        ranks = np.concatenate(
            [
                sim.retrieval_ranks(reps["0"], reps["1"], distance, scale),
                sim.retrieval_ranks(reps["1"], reps["0"], distance, scale),
            ]
        )
        acc = sim.accuracy(ranks)
        print(f"{label:<28}{acc['top1']:>8.1%}{acc['top10']:>8.1%}{acc['mean_rank']:>11.1f}")
    print(f"chance: top-1 {1 / len(players):.1%}, top-10 {min(10, len(players)) / len(players):.1%}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
