"""Issue 12's figures, side by side in one run, on real data (../shared: 1,117 matches).

    python benchmarks/scale.py [--store UNTRAINED.db] [--work /tmp/scale]

The stores: the store of all of ``../shared`` (``--store``: ingested, both example loan lists
imported, not trained; without it, built in ``--work``: ``ingest`` + ``portfolio import``, about a
minute) and its half, the same store with the 562 matches played before 2017-12-21 only (a copy
with the later matches deleted). Every step works on copies in ``--work``.

1. Before training: the commands a user runs first (``player``, a goalkeeper's ``player``,
   ``report``, ``portfolio list``, ``alerts list``, ``digest``, ``market depth``) on both stores,
   wall time and peak memory: no command may load the whole store.
2. The full metrics (``models train --retrain``: SPADL actions, the models trained on their bounded
   sample, every match rated and its per-match stats and season aggregates stored, per partition):
   on the full store serially and on a 2-worker local Dask cluster, and on the half store serially
   (memory must stay flat when the store doubles). Peak memory: the largest resident set of the
   command's process tree (client and workers), sampled every 0.1 s with psutil. The serial and the
   Dask store are then compared value for value (action values, per-match stats): identical.
3. ``loanwatch update FOLDER`` with one Bundesliga matchday (9 matches) on both trained stores: the
   half store gets the first matchday it does not hold; the full store, which holds every match,
   gets its last matchday (34) back after it was deleted from the copy. Timed as a command (Python's
   start included) and, in-process, the ``IngestService.update`` call alone.
4. ``player NAME`` read time and peak memory (``_scale_reads``: cold, then warm with the caches
   cleared) on the trained full store, its half and its Serie A matches only (380: the players read
   play in Serie A, so their own rows are the same as in the full store, 2.9 times its size).
5. A projection for 20,000 matches on 1 and on 8 workers, from the measured per-match cost of the
   per-partition steps and the fixed cost of training on the bounded sample: a projection, not a
   measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _child import table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# the real data: ../shared beside the repo (SCALE_SHARED elsewhere)
SHARED = Path(os.environ.get("SCALE_SHARED", REPO.parent / "shared" / "data" / "wyscout-2017-18"))
LOAN_LISTS = (
    REPO / "data" / "portfolios" / "juventus-2017-18.csv",
    REPO / "data" / "portfolios" / "group-2017-18.csv",
)
HALF_BEFORE = "2017-12-21"  # the half store: the matches played before this day
LEAGUE = "Germany"  # the matchday: one Bundesliga round, 9 matches
PLAYERS = ("Orsolini", "Caldara", "Meret")  # a winger, a defender, a goalkeeper
PROJECTED = 20_000


def peak_tree_mb(proc: subprocess.Popen[Any], stop: threading.Event, out: list[float]) -> None:
    """The largest total RSS of ``proc`` and its descendants while it runs (MB)."""
    import psutil

    try:
        root = psutil.Process(proc.pid)
    except psutil.NoSuchProcess:
        return
    best = 0.0
    while not stop.is_set():
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
        except psutil.NoSuchProcess:
            break
        best = max(best, total / 2**20)
        time.sleep(0.1)
    out.append(best)


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; its wall time, the peak memory of its process tree, and its stderr lines
    with the second each arrived (the steps ``models train`` announces)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    stop = threading.Event()
    peak: list[float] = []
    sampler = threading.Thread(target=peak_tree_mb, args=(proc, stop, peak))
    sampler.start()
    steps: list[tuple[float, str]] = []
    assert proc.stderr is not None and proc.stdout is not None
    for line in proc.stderr:
        steps.append((time.perf_counter() - start, line.rstrip()))
    stdout = proc.stdout.read()
    proc.wait()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{stdout}\n" + "\n".join(s for _, s in steps)
        )
    return {"seconds": wall, "peak_mb": peak[0] if peak else float("nan"), "steps": steps, "stdout": stdout}


def loanwatch(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    return run([sys.executable, "-m", "loanwatch.cli", *args], env)


def copy_store(source: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with sqlite3.connect(dest) as out:
        src.backup(out)
    src.close()
    return dest


def sheets(league: str) -> list[dict[str, Any]]:
    path = SHARED / "matches" / f"matches_{league}.json"
    data = path.read_bytes()
    return list(json.loads(gzip.decompress(data) if path.suffix == ".gz" else data))


def stored_provider_ids(store: Path) -> set[str]:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        return {str(r[0]) for r in conn.execute("SELECT provider_id FROM matches")}


def matchday_folder(dest: Path, ids: list[str]) -> Path:
    """A Wyscout folder of these Bundesliga matches: reference files, the match sheets, events."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "matches").mkdir(parents=True)
    (dest / "events").mkdir()
    for name in ("players.json", "teams.json"):
        (dest / name).symlink_to(SHARED / name)
    (dest / "matches" / f"matches_{LEAGUE}.json").symlink_to(SHARED / "matches" / f"matches_{LEAGUE}.json")
    for mid in ids:
        (dest / "events" / f"{mid}.json.gz").symlink_to(SHARED / "events" / LEAGUE / f"{mid}.json.gz")
    return dest


def first_missing_round(store: Path) -> list[str]:
    have = stored_provider_ids(store)
    rounds: dict[int, list[str]] = {}
    for m in sheets(LEAGUE):
        if (SHARED / "events" / LEAGUE / f"{m['wyId']}.json.gz").exists():
            rounds.setdefault(int(m["gameweek"]), []).append(str(m["wyId"]))
    for gw in sorted(rounds):
        if not set(rounds[gw]) & have:
            return sorted(rounds[gw])
    raise SystemExit("every Bundesliga round is in the store")


def delete_round(store: Path, gameweek: int) -> list[str]:
    """Delete one Bundesliga round from a copy of a store, so that `update` can bring it back."""
    ids = sorted(str(m["wyId"]) for m in sheets(LEAGUE) if int(m["gameweek"]) == gameweek)
    delete_matches(store, f"m.provider_id IN ({','.join('?' * len(ids))})", tuple(ids))
    return ids


UPDATE_CALL = """
import json, sys, time
from loanwatch.api import Loanwatch
# A warm process (a server, a notebook): the libraries the step uses are imported before the clock
# starts (socceraction's VAEP alone takes 3-6 s to import, pandera with it); the command's figure
# includes them.
import lightgbm, sklearn, socceraction.vaep, socceraction.xthreat
import loanwatch.metrics.compute, loanwatch.metrics.xg, loanwatch.services.tracking
lw = Loanwatch(sys.argv[1])
start = time.perf_counter()
run = lw.update([sys.argv[2]])
print("RESULT " + json.dumps({"seconds": time.perf_counter() - start, "rated": run.metrics.rated,
      "retrained": run.metrics.retrained, "matches": run.metrics.matches, "ingested": run.ingest.matches}))
"""


def update_matchday(store: Path, folder: Path, label: str) -> dict[str, Any]:
    """`update` of the matchday: in-process (the service call alone) on one copy, as a command on another."""
    twin = copy_store(store, store.with_name(store.stem + "-twin.db"))
    inproc = run([sys.executable, "-c", UPDATE_CALL, str(twin), str(folder)])
    line = [ln for ln in inproc["stdout"].splitlines() if ln.startswith("RESULT ")][-1]
    call = json.loads(line.removeprefix("RESULT "))
    cmd = loanwatch("update", str(folder), "--store", str(store))
    return {"label": label, "command": cmd, "call": call, "call_peak_mb": inproc["peak_mb"]}


def player_reads(stores: list[Path]) -> list[dict[str, Any]]:
    from _scale_reads import measure_player_reads

    return list(measure_player_reads([str(s) for s in stores], list(PLAYERS)))


def step_seconds(steps: list[tuple[float, str]], total: float) -> dict[str, float]:
    """Seconds per announced step of `models train` (``… message`` lines on stderr)."""
    marks = [(t, s.split("… ", 1)[1]) for t, s in steps if "… " in s]
    out: dict[str, float] = {}
    for (t, msg), nxt in zip(marks, [*marks[1:], (total, "")], strict=True):
        key = (
            "actions"
            if msg.startswith("SPADL")
            else "train"
            if "models" in msg
            else "rate"
            if msg.startswith("rating")
            else msg
        )
        out[key] = out.get(key, 0.0) + nxt[0] - t
    return out


def build_store(dest: Path) -> Path:
    """The store of all of ``../shared``: ingested, both example loan lists imported, not trained."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    print(f"building {dest}: ingest {SHARED} and the two example loan lists ...", flush=True)
    r = loanwatch("ingest", str(SHARED), "--store", str(dest))
    for loans in LOAN_LISTS:
        loanwatch("portfolio", "import", str(loans), "--store", str(dest))
    print(f"  ingest {r['seconds']:.0f} s, peak {r['peak_mb']:.0f} MB", flush=True)
    return dest


def trained(store: Path) -> bool:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        return bool(conn.execute("SELECT count(*) FROM models").fetchone()[0])


def delete_matches(store: Path, where: str, params: tuple[Any, ...] = ()) -> int:
    """Delete the matches ``where`` says (SQL on ``matches m``) from a store, with what cascades,
    their source files and alerts, and the aggregates of the seasons left without a match; then
    VACUUM. Benchmark-only surgery, on copies."""
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA foreign_keys=ON")
        rows = conn.execute(f"SELECT m.id, m.source_file_id FROM matches m WHERE {where}", params).fetchall()
        ids, files = [r[0] for r in rows], [r[1] for r in rows if r[1] is not None]
        conn.executemany("DELETE FROM alerts WHERE match_id = ?", [(i,) for i in ids])
        conn.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
        conn.executemany("DELETE FROM source_files WHERE id = ?", [(f,) for f in files])
        for table_name in ("season_player_totals", "season_goalkeeper_totals"):
            conn.execute(f"DELETE FROM {table_name} WHERE season_id NOT IN (SELECT season_id FROM matches)")
    with sqlite3.connect(store) as conn:
        conn.execute("VACUUM")
    return len(ids)


def serie_a_of(trained_full: Path, dest: Path) -> Path:
    """The trained full store with Serie A's matches only (380): the loanees read below play there,
    so their rows are the same as in the full store and only the rest of the store is smaller."""
    copy_store(trained_full, dest)
    where = "m.season_id IN (SELECT s.id FROM seasons s JOIN competitions c ON c.id = s.competition_id "
    delete_matches(dest, where + "WHERE c.name != 'Serie A')")
    return dest


def half_of(full: Path, dest: Path) -> Path:
    """A copy of the store with the matches played on or after HALF_BEFORE deleted."""
    copy_store(full, dest)
    delete_matches(dest, "m.kickoff >= ?", (HALF_BEFORE,))
    return dest


UNTRAINED_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("player", "Orsolini"),
    ("player", "Meret"),
    ("report", "Orsolini"),
    ("portfolio", "list"),
    ("alerts", "list"),
    ("digest",),
    ("market", "depth", "--owner", "Juventus"),
)


def before_training(stores: dict[str, Path], work: Path) -> str:
    rows = []
    for label, store in stores.items():
        for command in UNTRAINED_COMMANDS:
            extra = ["--out", str(work / "reports")] if command[0] == "report" else []
            r = loanwatch(*command, *extra, "--store", str(store))
            rows.append([label, " ".join(command), f"{r['seconds']:.2f}", f"{r['peak_mb']:.0f}"])
    return table(["store (not trained)", "command", "seconds", "peak MB"], rows)


def same_values(a: Path, b: Path) -> str:
    """Do two trained stores hold the same action values and per-match stats (the serial and the
    Dask run)? Joined row for row in SQL: the rows on one side only, the rows whose numbers differ
    at all, and the largest difference."""
    value_cols = ("offensive", "defensive", "value")
    with sqlite3.connect(f"file:{a}?mode=ro", uri=True) as conn:
        stat_cols = [
            r[1]
            for r in conn.execute("PRAGMA table_info(player_match_stats)")
            if r[2].upper() in ("FLOAT", "REAL", "INTEGER") and r[1] not in ("match_id", "player_id")
        ]
        conn.execute(f"ATTACH DATABASE 'file:{b}?mode=ro' AS other")
        values = (
            "(SELECT m.kind, v.* FROM {db}.action_values v JOIN {db}.models m ON m.id = v.model_id)",
            ("kind", "match_id", "action_id"),
            value_cols,
        )
        stats = ("{db}.player_match_stats", ("match_id", "player_id"), tuple(stat_cols))
        out = []
        for name, (source, key, cols) in (("action values", values), ("per-match stats", stats)):
            left, right = source.format(db="main"), source.format(db="other")
            on = " AND ".join(f"l.{k} = r.{k}" for k in key)
            n_left = conn.execute(f"SELECT count(*) FROM {left}").fetchone()[0]
            n_right = conn.execute(f"SELECT count(*) FROM {right}").fetchone()[0]
            diffs = ", ".join(f"max(abs(coalesce(l.{c}, 0) - coalesce(r.{c}, 0)))" for c in cols)
            differ = " OR ".join(f"l.{c} IS NOT r.{c}" for c in cols)
            row = conn.execute(
                f"SELECT count(*), sum({differ}), max({diffs}) FROM {left} l JOIN {right} r ON {on}"
                if len(cols) > 1
                else f"SELECT count(*), sum({differ}), {diffs} FROM {left} l JOIN {right} r ON {on}"
            ).fetchone()
            joined, changed, largest = int(row[0]), int(row[1] or 0), float(row[2] or 0.0)
            alone = n_left + n_right - 2 * joined
            verdict = (
                "identical"
                if changed == 0 and alone == 0
                else f"{changed} differ (largest difference {largest:.1e}), {alone} on one side only"
            )
            out.append(f"{name}: {joined:,} rows, {verdict}")
    return "; ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, help="the untrained store of all of ../shared (default: built)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    source = args.store or build_store(work / "source.db")
    if trained(source):
        raise SystemExit(f"{source} is trained: pass the store before `models train` (or none: it is built)")
    full = copy_store(source, work / "full.db")
    run(
        [
            sys.executable,
            "-c",
            "import sys; from loanwatch.api import Loanwatch; Loanwatch(sys.argv[1])",
            str(full),
        ]
    )
    half = half_of(full, work / "half.db")
    sizes = {"full": len(stored_provider_ids(full)), "half": len(stored_provider_ids(half))}
    print(
        f"stores: full {sizes['full']} matches, half {sizes['half']} (before {HALF_BEFORE}), in {work}",
        flush=True,
    )

    # 1. before training
    print("before training: the first commands on each store ...", flush=True)
    untrained_table = before_training(
        {
            f"half ({sizes['half']})": copy_store(half, work / "half-u.db"),
            f"full ({sizes['full']})": copy_store(full, work / "full-u.db"),
        },
        work,
    )
    print(untrained_table, flush=True)

    # 2. the full metrics
    dask_store = copy_store(full, work / "full-dask.db")
    train_rows: list[list[str]] = []
    runs: dict[str, dict[str, Any]] = {}
    for label, store, extra in (
        ("full, serial", full, []),
        ("full, 2 Dask workers", dask_store, ["--workers", "2"]),
        ("half, serial", half, []),
    ):
        print(f"models train --retrain: {label} ...", flush=True)
        r = loanwatch("models", "train", "--retrain", "--store", str(store), *extra)
        steps = step_seconds(r["steps"], r["seconds"])
        runs[label] = {**r, "split": steps}
        n = sizes["full"] if store != half else sizes["half"]
        train_rows.append(
            [
                label,
                str(n),
                f"{r['seconds']:.0f}",
                f"{steps.get('actions', 0):.0f}",
                f"{steps.get('train', 0):.0f}",
                f"{steps.get('rate', 0):.0f}",
                f"{1000 * (steps.get('actions', 0) + steps.get('rate', 0)) / n:.0f}",
                f"{r['peak_mb']:.0f}",
            ]
        )
        print("  " + " | ".join(train_rows[-1]), flush=True)  # as it comes: each run is long
    train_table = table(
        [
            "models train --retrain",
            "matches",
            "total s",
            "actions s",
            "train s",
            "rate s",
            "ms/match",
            "peak MB",
        ],
        train_rows,
    )
    print(train_table, flush=True)
    flat = runs["full, serial"]["peak_mb"] / runs["half, serial"]["peak_mb"] - 1
    print(f"peak memory full vs half: {flat:+.0%} (target: within 20%; under 2 GB)", flush=True)
    print(f"serial vs 2 Dask workers: {same_values(full, dask_store)}", flush=True)

    serie_a = serie_a_of(full, work / "serie-a.db")  # before the update changes the full store

    # 3. the incremental matchday
    print("update: one Bundesliga matchday on each trained store ...", flush=True)
    half_round = first_missing_round(half)
    full_round = delete_round(full, 34)
    updates = [
        update_matchday(
            half, matchday_folder(work / "matchday-half", half_round), f"half ({sizes['half']} + 9)"
        ),
        update_matchday(
            full, matchday_folder(work / "matchday-full", full_round), f"full ({sizes['full'] - 9} + 9)"
        ),
    ]
    rows = []
    for u in updates:
        c = u["call"]
        rows.append(
            [
                u["label"],
                str(c["ingested"]),
                str(c["rated"]),
                "yes" if c["retrained"] else "no",
                f"{c['seconds']:.2f}",
                f"{u['command']['seconds']:.2f}",
                f"{u['command']['peak_mb']:.0f}",
            ]
        )
    print(
        table(
            ["update (trained store)", "ingested", "rated", "retrained", "call s", "command s", "peak MB"],
            rows,
        ),
        flush=True,
    )

    # 4. player reads
    print("player reads ...", flush=True)
    read_rows = [
        [
            f"{Path(str(r['store'])).stem} ({r['matches']})",
            str(r["player"]),
            f"{1000 * float(r['cold_s']):.0f}",
            f"{1000 * float(r['warm_s']):.0f}",
            f"{float(r['peak_mb']):.0f}",
        ]
        for r in player_reads([serie_a, half, full])
    ]
    print(table(["store (trained)", "player", "cold ms", "warm ms", "peak MB"], read_rows), flush=True)

    # 5. the projection
    serial = runs["full, serial"]["split"]
    dask2 = runs["full, 2 Dask workers"]["split"]
    per_match = (serial.get("actions", 0) + serial.get("rate", 0)) / sizes["full"]
    per_match2 = (dask2.get("actions", 0) + dask2.get("rate", 0)) / sizes["full"]
    speedup2 = per_match / max(per_match2, 1e-9)
    efficiency = min(1.0, speedup2 / 2)
    fixed = serial.get("train", 0)
    one = fixed + PROJECTED * per_match
    eight = fixed + PROJECTED * per_match / (8 * efficiency)
    print(
        f"PROJECTION (not measured) for {PROJECTED:,} matches, `models train --retrain`: SPADL actions, "
        f"rating and per-match stats {per_match * 1000:.0f} ms a match (measured: full store, serial), "
        f"training fixed at {fixed:.0f} s (the bounded sample of 600 matches): 1 worker ~{one / 60:.0f} min; "
        f"8 workers ~{eight / 60:.0f} min at the 2-worker efficiency measured here ({efficiency:.0%}: "
        f"speed-up {speedup2:.2f} on 2 workers of a 2-core machine, the client on the same cores). "
        f"Peak memory stays that of one partition per worker (<= 100 matches) plus the training sample.",
        flush=True,
    )


if __name__ == "__main__":
    main()
