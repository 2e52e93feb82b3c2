"""Metrics benchmark: every metric for every ingested match, against socceraction's per-match VAEP.

    .venv/bin/python benchmarks/metrics.py [--store PATH] [--data FOLDER] [--plain-sample N]

Without ``--store``, a store is built first (not part of the timed metrics) with
``Loanwatch(<temp>).ingest([...])`` from the Wyscout 2017/18 data: Serie A, Ligue 1, Bundesliga
and Euro 2016, 1,117 matches (``../shared/data/wyscout-2017-18`` beside the repository, else the
repository's own ``data/wyscout-2017-18``, which holds fewer). With ``--store``, that store is used
as it is (it must hold the ingested matches).

Before the metrics phase the ingested store is copied (SQLite backup API) to a temporary file and
any SPADL actions, models and action values in the copy are deleted, so every run starts from
the same, metric-free store. Phases, each in its own child process so that one's memory does not
count against another's (peak memory is the child's own peak RSS,
``getrusage(RUSAGE_SELF).ru_maxrss``):

1. ingest (only without ``--store``): reported, not part of "everything";
2. loanwatch metrics ("everything"): ``metrics.compute.compute_all(store)`` -- SPADL actions for
   every match, VAEP + xT training (VAEP with its held-out quality), rating every action with
   VAEP and xT, xG training (model selection by grouped CV) and rating -- then
   ``compute.season_profiles(store)``: ``compute.profiles(store, competition_ids=[c],
   season_name=s)`` for every competition and season (per-match stats, roles, season profiles
   with percentiles), the models' values read once for all;
3. loanwatch VAEP rating: the same work as the plain pipeline below, on the store the metrics
   phase left: ``vaep.rate_vaep`` of every stored action with the stored VAEP model
   (features + probabilities + formula for all matches at once);
4. plain socceraction: per match, ``VAEP.compute_features(game, actions)`` then the stored model's
   ``VAEP.rate(game, actions, features)`` (socceraction 1.5.3's per-game pipeline, as
   ``tests/test_action_values.py`` calls it), on the same stored actions with the same stored
   model (``models.model_from_bytes('vaep', store.latest_model('vaep')['blob'])``); its values are compared
   with the action values the metrics phase stored. ``--plain-sample N`` times N matches spread
   over the set and extrapolates (default: all; the values are compared on the matches run).

In phases 3 and 4, reading the actions from the store is timed apart ("store read") and left out
of "seconds" on both sides. "seconds" is the phase's own work measured inside the child (imports
excluded); "process s" is the child's whole life as the parent sees it (interpreter start and
imports included).

Targets (2-core machine), judged as follows; exits 1 when one is missed:

* everything (phase 2) in under 3 minutes, on "process s" (the stricter figure);
* peak memory of every loanwatch phase under 4 GB;
* at least 5x faster than the plain pipeline, judged on the same work: VAEP values of every
  action from the stored actions with the same model, phase 4 "seconds" / phase 3 "seconds".
  The ratio of the plain pipeline to the whole of "everything" (which does much more: SPADL,
  training three models, xT, xG, profiles) is printed as well, for information;
* identical values: max |socceraction - loanwatch| <= 1e-6 over offensive, defensive and total
  VAEP value of every action compared, and the same actions on both sides.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import _child  # benchmarks/_child.py: phases in child processes

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wyscout-2017-18"
REPO_DATA = REPO_ROOT / "data" / "wyscout-2017-18"
COMPETITIONS = ("Italy", "France", "Germany", "European_Championship")

TARGET_EVERYTHING_S = 180.0
TARGET_PEAK_MB = 4096.0
TARGET_RATIO = 5.0
TARGET_MAX_DIFF = 1e-6


def _store(path: str) -> Any:
    from loanwatch.api import Loanwatch

    return Loanwatch(path).store


def ingest_inputs(data: Path) -> list[Path]:
    """The competitions' event folders and match sheets, players and teams."""
    paths = [data / "events" / c for c in COMPETITIONS if (data / "events" / c).is_dir()]
    paths += sorted(
        p
        for c in COMPETITIONS
        for p in (data / "matches").glob(f"matches_{c}.json*")
        if p.name.endswith((".json", ".json.gz"))
    )
    paths += [p for name in ("players", "teams") for p in sorted(data.glob(f"{name}.json*"))]
    if not any((data / "events").glob("*/*.json*")):
        raise SystemExit(f"{data}: no events/<competition>/*.json[.gz] match files")
    return paths


# -- phases (run in a child process each) ---------------------------------------------------------


def phase_ingest(store: str, paths: list[str]) -> dict[str, Any]:
    from loanwatch.api import Loanwatch

    start = time.perf_counter()
    lw = Loanwatch(store)
    summary = lw.ingest(paths)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "summary": summary.as_dict(),
        "errors": [str(e) for e in summary.errors[:5]],
        "counts": lw.store.counts(),
    }


def phase_metrics(store_path: str) -> dict[str, Any]:
    """Everything: compute_all + the profiles of every competition and season."""
    from loanwatch.metrics import compute

    store = _store(store_path)
    steps: list[tuple[str, float]] = []
    start = time.perf_counter()

    def step(message: str) -> None:
        steps.append((message, time.perf_counter()))

    summary = compute.compute_all(store, step=step)  # its last step: per-match stats of every partition
    step("season profiles of every competition and season")
    per_season = compute.season_profiles(store)
    profile_rows = [
        {
            "competition": str(p.matches["competition"].iloc[0]),
            "season": season,
            "matches": int(len(p.matches)),
            "player_matches": int(len(p.match_stats)),
            "players": int(len(p.season)),
            "qualified": int(p.season["qualified"].sum()),
        }
        for (_, season), p in per_season.items()
    ]
    end = time.perf_counter()
    bounds = [*steps, ("end", end)]
    sub = [(msg, b[1] - a[1]) for (msg, _), a, b in zip(steps, steps, bounds[1:], strict=True)]
    models = summary["models"]
    counts = {
        kind: len(store.action_values_frame(int(models[kind]["id"]))) if models.get(kind) else 0
        for kind in ("vaep", "xt", "xg")
    }
    return {
        "seconds": end - start,
        "steps": sub,
        "profiles": profile_rows,
        "matches": summary["matches"],
        "actions": summary["new_actions"],
        "values": counts,
        "models": {
            k: {"id": v["id"], "version": v["version"], "quality": v["quality"]} if v else None
            for k, v in models.items()
        },
    }


def phase_vaep_rating(store_path: str) -> dict[str, Any]:
    """loanwatch's side of the like-for-like comparison: every action's VAEP value at once."""
    from loanwatch.metrics import models, vaep

    store = _store(store_path)
    last = store.latest_model("vaep")
    model = models.model_from_bytes("vaep", last["blob"])
    start = time.perf_counter()
    actions = store.actions_frame()
    matches = store.matches_frame()
    read = time.perf_counter() - start
    start = time.perf_counter()
    values = vaep.rate_vaep(model, actions, matches)
    seconds = time.perf_counter() - start
    stored = store.action_values_frame(int(last["id"]))
    same = len(stored) == len(values) and bool(
        (stored["match_id"].to_numpy() == values["match_id"].to_numpy()).all()
        and (stored["action_id"].to_numpy() == values["action_id"].to_numpy()).all()
    )
    diff = (
        float(
            abs(
                stored[["offensive", "defensive", "value"]].to_numpy()
                - values[["offensive", "defensive", "value"]].to_numpy()
            ).max()
        )
        if same and len(values)
        else float("nan")
    )
    return {
        "seconds": seconds,
        "read_seconds": read,
        "matches": int(values["match_id"].nunique()),
        "actions": len(values),
        "max_diff_vs_stored": diff,
    }


def phase_plain(store_path: str, sample: int) -> dict[str, Any]:
    """socceraction's per-game pipeline: compute_features + rate, match by match."""
    import numpy as np
    import pandas as pd

    from loanwatch.metrics import models
    from loanwatch.metrics.socceraction_names import game, to_socceraction

    store = _store(store_path)
    last = store.latest_model("vaep")
    model = models.model_from_bytes("vaep", last["blob"])
    start = time.perf_counter()
    actions = to_socceraction(store.actions_frame())
    matches = store.matches_frame()
    read = time.perf_counter() - start
    ids = sorted(int(m) for m in actions["game_id"].unique())
    run = ids
    if 0 < sample < len(ids):
        step = len(ids) / sample
        run = [ids[int(i * step)] for i in range(sample)]
    info = matches.set_index("match_id")
    # Per-game frames cut before the clock starts: socceraction gets each game's actions as a
    # frame indexed 0..n-1, as its loaders give them.
    bounds = np.flatnonzero(
        np.r_[True, actions["game_id"].to_numpy()[1:] != actions["game_id"].to_numpy()[:-1]]
    )
    starts = dict(zip(actions["game_id"].to_numpy()[bounds].tolist(), bounds.tolist(), strict=True))
    ends = dict(
        zip(actions["game_id"].to_numpy()[bounds].tolist(), [*bounds[1:].tolist(), len(actions)], strict=True)
    )
    games = [
        (
            game(m, int(info.at[m, "home_club_id"]), int(info.at[m, "away_club_id"])),
            actions.iloc[starts[m] : ends[m]].reset_index(drop=True),
        )
        for m in run
    ]
    frames = []
    with warnings.catch_warnings():
        # socceraction 1.5.3 on pandas 2.x warns about groupby.apply and downcasting on every game.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        start = time.perf_counter()
        for game, game_actions in games:
            features = model.vaep.compute_features(game, game_actions)
            frames.append(model.vaep.rate(game, game_actions, features))
        seconds = time.perf_counter() - start
    theirs = pd.concat(frames, ignore_index=True)
    keys = pd.concat([a[["game_id", "action_id"]] for _, a in games], ignore_index=True)
    stored = store.action_values_frame(int(last["id"]))
    stored = stored[stored["match_id"].isin(run)].reset_index(drop=True)
    same = len(stored) == len(theirs) == len(keys) and bool(
        (stored["match_id"].to_numpy() == keys["game_id"].to_numpy()).all()
        and (stored["action_id"].to_numpy() == keys["action_id"].to_numpy()).all()
    )
    diffs = {}
    for ours, col in (
        ("offensive", "offensive_value"),
        ("defensive", "defensive_value"),
        ("value", "vaep_value"),
    ):
        diffs[ours] = (
            float(np.nanmax(np.abs(stored[ours].to_numpy() - theirs[col].to_numpy(dtype=float))))
            if same and len(theirs)
            else float("nan")
        )
    return {
        "seconds": seconds,
        "read_seconds": read,
        "matches": len(run),
        "all_matches": len(ids),
        "actions": len(theirs),
        "all_actions": len(actions),
        "same_actions": same,
        "nan_values": int(theirs["vaep_value"].isna().sum()),
        "max_diff": diffs,
    }


def child_main(phase: str, args: list[str]) -> None:
    if phase == "ingest":
        result = phase_ingest(args[0], args[1:])
    elif phase == "metrics":
        result = phase_metrics(args[0])
    elif phase == "vaep":
        result = phase_vaep_rating(args[0])
    elif phase == "plain":
        result = phase_plain(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown phase {phase}")
    _child.emit(result)


def run_child(phase: str, args: list[str]) -> dict[str, Any]:
    return _child.run_child(__file__, phase, args)


# -- the store copy ------------------------------------------------------------------------------


def fresh_copy(source: Path, target: Path) -> dict[str, int]:
    """``source`` copied to ``target`` (backup API: a consistent copy even with a WAL), with no
    actions, models or action values left in the copy. Returns what was removed."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        removed = {}
        for table in ("action_values", "models", "actions"):
            removed[table] = dst.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            dst.execute(f"DELETE FROM {table}")
        dst.commit()
        if any(removed.values()):
            dst.execute("VACUUM")
        matches = dst.execute("SELECT COUNT(*) FROM matches").fetchone()[0]
    finally:
        src.close()
        dst.close()
    return {**removed, "matches": matches}


# -- report ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store with the matches ingested")
    parser.add_argument("--data", type=Path, help="Wyscout data folder to ingest (without --store)")
    parser.add_argument(
        "--plain-sample",
        type=int,
        default=0,
        metavar="N",
        help="run the plain socceraction pipeline on N matches and extrapolate (default: all)",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.phase:
        child_main(ns.phase, ns.args)
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="loanwatch-metrics-bench-"))
    print(
        f"loanwatch metrics benchmark: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"temp {tmp}",
        flush=True,
    )
    try:
        return run(ns, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(ns: argparse.Namespace, tmp: Path) -> int:
    ingest: dict[str, Any] | None = None
    if ns.store is not None:
        source = ns.store.resolve()
        if not source.is_file():
            raise SystemExit(f"{source}: no such store file")
        print(f"  store: {source} (given)", flush=True)
    else:
        data = ns.data
        if data is None:
            data = SHARED_DATA
            if not (data / "events").is_dir():
                print(
                    f"  note: {SHARED_DATA} not found; using the repository's {REPO_DATA}, which holds "
                    "fewer matches than the 1,117 of the full set",
                    flush=True,
                )
                data = REPO_DATA
        source = tmp / "ingested.db"
        paths = ingest_inputs(data.resolve())
        print(f"  ingest {data.resolve()} into a fresh store (not part of the metrics) ...", flush=True)
        ingest = run_child("ingest", [str(source), *map(str, paths)])

    work = tmp / "metrics.db"
    removed = fresh_copy(source, work)
    note = ", ".join(f"{v:,} {k}" for k, v in removed.items() if k != "matches" and v)
    print(
        f"  fresh copy: {removed['matches']:,} matches"
        + (f" (removed {note} from the copy)" if note else ""),
        flush=True,
    )
    print("  loanwatch metrics: compute_all + profiles of every competition/season ...", flush=True)
    metrics = run_child("metrics", [str(work)])
    print("  loanwatch VAEP rating (the plain pipeline's work, all matches at once) ...", flush=True)
    ours = run_child("vaep", [str(work)])
    sample = f" ({ns.plain_sample} matches sampled)" if ns.plain_sample else ""
    print(f"  plain socceraction per-match VAEP{sample} ...", flush=True)
    plain = run_child("plain", [str(work), str(ns.plain_sample)])

    n = metrics["matches"]
    scale = plain["all_matches"] / plain["matches"] if plain["matches"] else float("nan")
    plain_seconds = plain["seconds"] * scale

    def ms(seconds: float) -> str:
        return f"{1000 * seconds / n:.1f}" if n else "-"

    rows = []
    if ingest is not None:
        rows.append(
            [
                "ingest (not in 'everything')",
                f"{ingest['seconds']:.1f}",
                f"{ingest['process_seconds']:.1f}",
                ms(ingest["seconds"]),
                f"{ingest['peak_mb']:.0f}",
            ]
        )
    rows.append(
        [
            "loanwatch metrics: everything",
            f"{metrics['seconds']:.1f}",
            f"{metrics['process_seconds']:.1f}",
            ms(metrics["seconds"]),
            f"{metrics['peak_mb']:.0f}",
        ]
    )
    rows += [[f"  {msg}", f"{s:.1f}", "", ms(s), ""] for msg, s in metrics["steps"]]
    rows.append(
        [
            "loanwatch VAEP rating, all at once",
            f"{ours['seconds']:.1f}",
            f"{ours['process_seconds']:.1f}",
            ms(ours["seconds"]),
            f"{ours['peak_mb']:.0f}",
        ]
    )
    rows.append(["  store read (not in seconds)", f"{ours['read_seconds']:.1f}", "", "", ""])
    extrapolated = (
        f" (x{scale:.1f}, from {plain['matches']})" if plain["matches"] < plain["all_matches"] else ""
    )
    rows.append(
        [
            f"plain socceraction per match{extrapolated}",
            f"{plain_seconds:.1f}",
            f"{plain['process_seconds']:.1f}",
            ms(plain_seconds),
            f"{plain['peak_mb']:.0f}",
        ]
    )
    rows.append(["  store read (not in seconds)", f"{plain['read_seconds']:.1f}", "", "", ""])
    print()
    print(_child.table(["phase", "seconds", "process s", "ms/match", "peak MB"], rows))

    print()
    print(
        _child.table(
            ["competition", "season", "matches", "player-matches", "players", "qualified"],
            [
                [
                    p["competition"],
                    p["season"],
                    str(p["matches"]),
                    f"{p['player_matches']:,}",
                    f"{p['players']:,}",
                    f"{p['qualified']:,}",
                ]
                for p in metrics["profiles"]
            ],
        )
    )
    values = metrics["values"]
    print(
        f"\n{n:,} matches, {metrics['actions']:,} SPADL actions; action values stored: "
        f"VAEP {values['vaep']:,}, xT {values['xt']:,}, xG {values['xg']:,} (shots)"
    )
    for kind, model in metrics["models"].items():
        if model is None:
            continue
        q = model["quality"]
        if kind == "vaep":
            detail = ", ".join(
                f"{label} Brier {q[label]['brier']:.4f} AUC {q[label]['auc']:.3f}"
                for label in ("scores", "concedes")
                if label in q
            )
        elif kind == "xg":
            loss, base = q.get("log_loss", float("nan")), q.get("log_loss_baseline", float("nan"))
            detail = f"held-out log loss {loss:.4f} (baseline {base:.4f})"
        else:
            detail = ""
        print(f"  {kind} model id {model['id']} v{model['version']}" + (f": {detail}" if detail else ""))

    ratio_same = plain_seconds / ours["seconds"] if ours["seconds"] > 0 else float("inf")
    ratio_all = plain_seconds / metrics["seconds"] if metrics["seconds"] > 0 else float("inf")
    diff = max(plain["max_diff"].values())
    print(
        f"\nplain socceraction VAEP: {plain_seconds:.1f} s; loanwatch VAEP rating: {ours['seconds']:.1f} s; "
        f"loanwatch everything: {metrics['seconds']:.1f} s"
    )
    print(f"  plain / loanwatch VAEP rating (same work; the 5x target): {ratio_same:.1f}x")
    print(f"  plain / loanwatch everything (VAEP, xT, xG, SPADL, 3 trainings, profiles): {ratio_all:.1f}x")
    print(
        f"  max |socceraction - stored loanwatch| over {plain['actions']:,} actions "
        f"of {plain['matches']} matches: "
        + ", ".join(f"{k} {v:.2e}" for k, v in plain["max_diff"].items())
        + f"; loanwatch re-rating vs stored: {ours['max_diff_vs_stored']:.2e}"
    )

    peak = max(metrics["peak_mb"], ours["peak_mb"])
    everything_all = (
        metrics["matches"] == plain["all_matches"] == ours["matches"] and values["vaep"] == ours["actions"]
    )
    checks = [
        (
            "every match has actions and VAEP values",
            everything_all and values["vaep"] == plain["all_actions"],
            f"{ours['matches']}/{n} matches, {values['vaep']:,} values",
        ),
        (
            "everything < 3 min (process)",
            metrics["process_seconds"] < TARGET_EVERYTHING_S,
            f"{metrics['process_seconds']:.1f} s",
        ),
        ("peak memory < 4 GB (loanwatch phases)", peak < TARGET_PEAK_MB, f"{peak:.0f} MB"),
        (
            ">= 5x faster than plain socceraction (same work)",
            ratio_same >= TARGET_RATIO,
            f"{ratio_same:.1f}x",
        ),
        (
            "identical values (max abs diff <= 1e-6)",
            plain["same_actions"] and plain["nan_values"] == 0 and diff <= TARGET_MAX_DIFF,
            f"{diff:.2e}",
        ),
    ]
    print()
    print(
        _child.table(
            ["target", "result", "measured"], [[c, "PASS" if ok else "FAIL", m] for c, ok, m in checks]
        )
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
