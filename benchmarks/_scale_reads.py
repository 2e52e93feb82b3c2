"""Reads per player on stores of two sizes (issue 12): what ``loanwatch player NAME`` reads, timed
in a process of its own per store, and the commands that must not load the whole store.

    python benchmarks/_scale_reads.py --store half.db --store full.db [--name Orsolini ...]
    python benchmarks/_scale_reads.py --store untrained.db --commands   # player, portfolio, alerts, digest

``measure_player_reads(store_paths, names)`` (what ``benchmarks/scale.py`` calls) returns one dict
per store and name: ``cold_s`` (the first read in a fresh process, after the store is opened and
the name resolved: nothing cached), ``warm_s`` (the median of three reads after it, the context's
caches cleared before each, so every store read is made again: what a warm web process pays per
page), ``warm_cpu_s`` (the same in CPU time: less sensitive to a loaded machine), ``peak_mb`` (the
child process's peak RSS) and the store's match count. The read is the ``player`` command's, with
the profile: the timelines, the default date, the data warnings of his matches, the spell
profiles (percentiles against the stored season aggregates), a keeper's goalkeeping profile and
the model versions. ``measure_commands(store, commands)`` runs CLI commands as child processes and
returns their wall time and peak RSS (``os.wait4``). The stores given are used as they are: pass
copies (``alerts`` and ``digest`` store the alerts they raise).

Target (issue 12): under 300 ms warm on the 1,117-match store, no slower on one twice the size;
before training, no command loads the whole store (flat peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _child import emit, run_child  # noqa: E402

NAMES = ("Orsolini", "Meret", "Kean")
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("player", "Orsolini"),
    ("portfolio", "list"),
    ("alerts", "list"),
    ("digest",),
)


def _player_read(svc: Any, ref: Any) -> int:
    """What ``loanwatch player NAME`` (with the profile) reads; returns the profile rows found."""
    from loanwatch.domain import GOALKEEPER

    svc.players.player(ref)
    timelines = svc.tracking.timelines(ref)
    svc.tracking.default_as_of()
    svc.players.match_warnings([ln.match_id for t in timelines for ln in t.lines if ln.match_id])
    rows = 0
    if timelines and svc.metrics.trained():
        entries = svc.metrics.spell_profiles(ref, timelines=timelines)
        rows += len(entries)
        if any(e.profile.iloc[0]["role"] == GOALKEEPER for e in entries):
            rows += len(svc.metrics.goalkeeper_profiles(ref, timelines=timelines))
        svc.metrics.model_versions()
    return rows


def _child(store: str, names: Sequence[str]) -> None:
    from loanwatch.services import Context, Services

    ctx = Context.open(store)
    svc = Services(ctx)
    matches = ctx.store.counts()["matches"]
    out = []
    for name in names:
        ref = svc.players.resolve(name)
        ctx.store_changed()
        start = time.perf_counter()
        rows = _player_read(svc, ref)
        cold = time.perf_counter() - start
        warm, cpu = [], []
        for _ in range(3):
            ctx.store_changed()  # no cached read: every store read is made again
            w, c = time.perf_counter(), time.process_time()
            _player_read(svc, ref)
            warm.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        out.append(
            {
                "name": name,
                "player": ref.display_name,
                "profiles": rows,
                "cold_s": cold,
                "warm_s": statistics.median(warm),
                "warm_cpu_s": statistics.median(cpu),
            }
        )
    emit({"store": store, "matches": matches, "reads": out})


def measure_player_reads(
    store_paths: Sequence[str | Path], names: Sequence[str] = NAMES
) -> list[dict[str, Any]]:
    """Per store (each in a child process of its own) and name: cold and warm read times, warm
    CPU time, the child's peak RSS and the store's matches (see the module docstring)."""
    rows = []
    for store in store_paths:
        result = run_child(__file__, "reads", ["--store", str(store), *(f"--name={n}" for n in names)])
        for read in result["reads"]:
            rows.append(
                {"store": str(store), "matches": result["matches"], "peak_mb": result["peak_mb"], **read}
            )
    return rows


def measure_commands(store: str | Path, commands: Sequence[Sequence[str]] = COMMANDS) -> list[dict[str, Any]]:
    """Each CLI command on the store in a child process: wall time, peak RSS, exit status."""
    out = []
    for command in commands:
        args = [sys.executable, "-m", "loanwatch.cli", *command, "--store", str(store)]
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.append(
            {
                "store": str(store),
                "command": " ".join(command),
                "seconds": time.perf_counter() - start,
                "peak_mb": usage.ru_maxrss / 1024,
                "exit": proc.returncode,
            }
        )
    return out


def _trained(store: str | Path) -> bool:
    with sqlite3.connect(store) as con:
        return bool(con.execute("SELECT count(*) FROM models WHERE kind = 'vaep'").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True)
    parser.add_argument("--name", action="append")
    parser.add_argument("--commands", action="store_true", help="time the CLI commands instead")
    parser.add_argument("--phase")
    args = parser.parse_args()
    names = args.name or list(NAMES)
    if args.phase == "reads":
        _child(args.store[0], names)
        return
    if args.commands:
        for store in args.store:
            print(f"{store} ({'trained' if _trained(store) else 'not trained'})")
            for row in measure_commands(store):
                took = f"{row['seconds']:6.2f} s  {row['peak_mb']:6.0f} MB"
                print(f"  {row['command']:<16} {took}  exit {row['exit']}")
        return
    rows = measure_player_reads(args.store, names)
    print(f"{'store':<34} {'matches':>7}  {'player':<22} {'cold':>7} {'warm':>7} {'warm cpu':>8} {'peak':>7}")
    for r in rows:
        print(
            f"{Path(r['store']).name:<34} {r['matches']:>7}  {r['player'][:22]:<22} "
            f"{r['cold_s'] * 1000:5.0f}ms {r['warm_s'] * 1000:5.0f}ms {r['warm_cpu_s'] * 1000:6.0f}ms "
            f"{r['peak_mb']:5.0f}MB"
        )
    print("RESULTS " + json.dumps(rows, default=str))


if __name__ == "__main__":
    main()
