"""xG benchmark: train on every ingested Wyscout match of a store, score the held-out matches.

    .venv/bin/python benchmarks/xg.py [DATA_FOLDER] [--store PATH] [--holdout 0.2] [--seed 0]

Without ``--store``, builds a temporary SQLite store from DATA_FOLDER (default: the repository's
``data/wyscout-2017-18``) with ``Loanwatch(...).ingest([...])``. SPADL actions come from
``loanwatch.metrics.spadl.compute_actions(store)`` when that module exists (otherwise
socceraction's own converter, match by match, from the raw files). Then the model registry
(``loanwatch.metrics.models.train_and_store``, then ``rate_and_store``) holds out a share of the
*matches*, trains, and stores the model with its held-out quality, which is printed: shots and
goals in training and held out, log loss and Brier score of the model against the constant
baseline (the training goal rate), and the calibration table (held-out shots in ten equal-count
bins by xG).

Exits 1 when the model's held-out log loss does not beat the baseline's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT / "data" / "wyscout-2017-18"


def _socceraction_actions(store: Any, data: Path) -> int:
    """Fallback when loanwatch's own converter is absent: socceraction per match from the raw
    files, as ``PublicWyscoutLoader.events()`` would feed it, stored under the store's ids."""
    import pandas as pd
    from socceraction.data.wyscout.loader import _convert_events
    from socceraction.spadl.wyscout import convert_to_actions

    matches = store.matches_frame()
    matches = matches[matches["provider"] == "wyscout"]
    clubs = {int(c["provider_id"]): c["id"] for c in store.all_clubs() if c["provider"] == "wyscout"}
    players = {int(p["provider_id"]): p["id"] for p in store.all_players() if p["provider"] == "wyscout"}
    files = {p.name.split(".")[0]: p for p in data.glob("events/*/*.json*")}
    total = 0
    for m in matches.itertuples(index=False):
        path = files[m.provider_id]
        text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        # As the loader: the events indexed by matchId, the match selected, the index put back.
        raw = pd.DataFrame(json.loads(text)["events"]).set_index("matchId")
        home_wyid = next(k for k, v in clubs.items() if v == m.home_club_id)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            acts = convert_to_actions(_convert_events(raw.reset_index()), home_wyid)
        rows = [
            (
                int(m.match_id),
                int(r.action_id),
                None,
                int(r.period_id),
                float(r.time_seconds),
                clubs[int(r.team_id)],
                players.get(int(r.player_id)),
                float(r.start_x),
                float(r.start_y),
                float(r.end_x),
                float(r.end_y),
                int(r.type_id),
                int(r.result_id),
                int(r.bodypart_id),
            )
            for r in acts.itertuples(index=False)
        ]
        store.save_actions([int(m.match_id)], rows)
        total += len(rows)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--store", help="an existing store (its actions are computed if missing)")
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from loanwatch.api import Loanwatch
    from loanwatch.metrics import models

    tmp = tempfile.TemporaryDirectory(prefix="loanwatch-xg-")
    t0 = time.perf_counter()
    if args.store:
        lw = Loanwatch(args.store)
    else:
        lw = Loanwatch(str(Path(tmp.name) / "loanwatch.db"))
        summary = lw.ingest([args.data])
        print(f"ingest: {summary.matches} matches ({summary.rejected} rejected) from {args.data}")
    store = lw.store
    t_ingest = time.perf_counter() - t0

    matches = store.matches_frame()
    wyscout_ids = sorted(int(m) for m in matches.loc[matches["provider"] == "wyscout", "match_id"])
    if not wyscout_ids:
        print("no Wyscout match in the store", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    missing = sorted(set(wyscout_ids) - store.matches_with_actions())
    how = "already stored"
    if missing:
        try:
            from loanwatch.metrics.spadl import compute_actions
        except ImportError:
            how = "socceraction.spadl.wyscout.convert_to_actions"
            _socceraction_actions(store, args.data)
        else:
            how = "loanwatch.metrics.spadl.compute_actions"
            compute_actions(store, missing)
    t_actions = time.perf_counter() - t0

    t0 = time.perf_counter()
    trained = models.train_and_store(
        store, wyscout_ids, kinds=("xg",), holdout=args.holdout, seed=args.seed, force=True
    )
    model_id = trained["xg"]["model_id"]
    models.rate_and_store(store, "xg")
    t_train = time.perf_counter() - t0
    saved = store.latest_model("xg")
    assert saved is not None and saved["id"] == model_id
    q, p, ts = saved["quality"], saved["params"], saved["training_set"]

    comps = ", ".join(ts["competitions"])
    print(f"matches: {len(wyscout_ids)} Wyscout ({comps}; {', '.join(ts['seasons'])})")
    print(f"actions: {how} ({t_actions:.1f} s); ingest {t_ingest:.1f} s; training + rating {t_train:.1f} s")
    print(
        f"split by match (seed {args.seed}): {len(ts['matches'])} training,"
        f" {len(ts['holdout_matches'])} held out"
    )
    print(f"  training: {p['n_train_shots']} shots, {p['n_train_goals']} goals")
    print(f"  held out: {q['n_shots']} shots, {q['n_goals']} goals, xG total {q['xg_total']:.1f}")
    print(
        f"model: {p['model']}  (chosen by grouped-CV log loss on the training matches:"
        f" {p['selection_cv_log_loss']})"
    )
    print(f"penalty xG (training conversion rate): {p['penalty_rate']:.3f}")
    print(f"constant baseline (training goal rate): {p['base_rate']:.4f}")
    print()
    print("held-out          model   baseline   improvement")
    for key, name in (("log_loss", "log loss"), ("brier", "Brier")):
        m, b = q[key], q[f"{key}_baseline"]
        print(f"  {name:<12} {m:9.4f} {b:10.4f}   {100 * (b - m) / b:6.1f} %")
    print()
    print("calibration (held-out shots, 10 equal-count bins by xG)")
    print("  bin  count   xG range          mean xG   observed   goals")
    for row in q["calibration"]:
        print(
            f"  {row['bin']:>3} {row['count']:>6}   {row['xg_min']:.3f} - {row['xg_max']:.3f}"
            f"   {row['mean_xg']:8.3f}   {row['observed']:8.3f}   {row['goals']:>5}"
        )
    ok = q["log_loss"] < q["log_loss_baseline"]
    print()
    print(f"held-out log loss beats the constant baseline: {'yes' if ok else 'NO'}")
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
