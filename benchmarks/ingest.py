"""Ingest benchmark: the 380 Serie A 2017/18 matches into a fresh store, against kloppy and the floor.

    .venv/bin/python benchmarks/ingest.py [DATA_FOLDER] [--kloppy-sample N]

Phases, each in its own child process so that one's memory does not count against another's
(peak memory is the child's own peak RSS, ``getrusage(RUSAGE_SELF).ru_maxrss``):

1. ingest: ``Loanwatch(<fresh temp SQLite store>).ingest([...])`` over the competition's match
   files, its match sheets, players and teams -- store writes and appearances included;
2. second run: the same call over the unchanged files, from a new process;
3. kloppy: ``kloppy.wyscout.load(event_data=BytesIO(gunzipped), data_version="V2").to_df()`` for
   each match file (the gunzip is not timed); ``--kloppy-sample N`` times N matches spread over
   the season and extrapolates to all of them (default: all);
4. floor: bare ``orjson.loads`` of the same gunzipped files (also reported: read + gunzip).

"seconds" is the phase's own work, measured inside the child (imports excluded); "process s" is
the child's whole life as the parent sees it (interpreter start and imports included). The
targets on ingest and second run are judged on "process s", the stricter of the two; the ratio
compares the kloppy and ingest "seconds". Exits 1 when a target is missed.

Targets (2-core machine): whole season <= 30 s; >= 5x faster than kloppy load + to_df; peak
memory < 2 GB; second run over unchanged files < 3 s.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _child  # benchmarks/_child.py: phases in child processes

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT / "data" / "wyscout-2017-18"

TARGET_SEASON_S = 30.0
TARGET_RATIO = 5.0
TARGET_PEAK_MB = 2048.0
TARGET_RERUN_S = 3.0


def inputs(data: Path, competition: str) -> tuple[list[Path], list[Path]]:
    """(what to ingest, the match files): the competition's events, its sheets, players, teams."""
    events = data / "events" / competition
    match_files = sorted(p for p in events.glob("*.json*") if p.name.endswith((".json", ".json.gz")))
    sheets = [p for p in (data / "matches").glob(f"matches_{competition}.json*")]
    reference = [p for name in ("players", "teams") for p in data.glob(f"{name}.json*")]
    if not match_files or not sheets or len(reference) < 2:
        raise SystemExit(
            f"{data}: expected events/{competition}/*.json[.gz], matches/matches_{competition}.json[.gz], "
            "players.json[.gz] and teams.json[.gz]"
        )
    return [events, *sheets, *reference], match_files


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.name.endswith(".gz") else raw


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


def phase_kloppy(files: list[str]) -> dict[str, Any]:
    from io import BytesIO

    from kloppy import wyscout

    seconds = 0.0
    events = 0
    for f in files:
        content = _read(Path(f))
        start = time.perf_counter()
        dataset = wyscout.load(event_data=BytesIO(content), data_version="V2")
        df = dataset.to_df()
        seconds += time.perf_counter() - start
        events += len(df)
        del dataset, df, content
    return {"seconds": seconds, "events": events}


def phase_floor(files: list[str]) -> dict[str, Any]:
    import orjson

    start = time.perf_counter()
    contents = [_read(Path(f)) for f in files]
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    events = 0
    for content in contents:
        doc = orjson.loads(content)
        events += len(doc["events"]) if isinstance(doc, dict) else len(doc)
    return {"seconds": time.perf_counter() - start, "read_seconds": read_seconds, "events": events}


def child_main(phase: str, args: list[str]) -> None:
    if phase in ("ingest", "rerun"):
        result = phase_ingest(args[0], args[1:])
    elif phase == "kloppy":
        result = phase_kloppy(args)
    elif phase == "floor":
        result = phase_floor(args)
    else:
        raise SystemExit(f"unknown phase {phase}")
    _child.emit(result)


def run_child(phase: str, args: list[str]) -> dict[str, Any]:
    return _child.run_child(__file__, phase, args)


# -- report ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="Wyscout data folder")
    parser.add_argument("--competition", default="Italy", help="events/<competition>, matches_<competition>")
    parser.add_argument(
        "--kloppy-sample",
        type=int,
        default=0,
        metavar="N",
        help="time kloppy on N matches spread over the season and extrapolate (default: all)",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.phase:
        child_main(ns.phase, [str(ns.data), *ns.args])
        return 0

    paths, match_files = inputs(ns.data.resolve(), ns.competition)
    n = len(match_files)
    tmp = Path(tempfile.mkdtemp(prefix="loanwatch-bench-"))
    store = str(tmp / "bench.db")
    print(
        f"loanwatch ingest benchmark: {n} matches from {ns.data} ({ns.competition}); "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, store {store}",
        flush=True,
    )
    try:
        print("  ingest (fresh store) ...", flush=True)
        first = run_child("ingest", [store, *map(str, paths)])
        print("  second run (unchanged files) ...", flush=True)
        second = run_child("rerun", [store, *map(str, paths)])
        store_mb = sum(p.stat().st_size for p in tmp.iterdir()) / 2**20
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    sample = match_files
    if 0 < ns.kloppy_sample < n:
        step = n / ns.kloppy_sample
        sample = [match_files[int(i * step)] for i in range(ns.kloppy_sample)]
    print(f"  kloppy load + to_df ({len(sample)} matches) ...", flush=True)
    kloppy = run_child("kloppy", [str(f) for f in sample])
    scale = n / len(sample)
    kloppy_seconds = kloppy["seconds"] * scale
    kloppy_events = kloppy["events"] * scale
    print("  orjson floor ...", flush=True)
    floor = run_child("floor", [str(f) for f in match_files])

    events = first["summary"]["events"]

    def ms(seconds: float) -> str:
        return f"{1000 * seconds / n:.1f}"

    def rate(count: float, seconds: float) -> str:
        return f"{count / seconds:,.0f}" if seconds > 0 and count else "-"

    extrapolated = f" (x{scale:.1f}, from {len(sample)})" if len(sample) < n else ""
    rows = [
        [
            "loanwatch ingest, fresh store",
            f"{first['seconds']:.2f}",
            f"{first['process_seconds']:.2f}",
            ms(first["seconds"]),
            rate(events, first["seconds"]),
            f"{first['peak_mb']:.0f}",
        ],
        [
            "loanwatch second run, unchanged",
            f"{second['seconds']:.2f}",
            f"{second['process_seconds']:.2f}",
            ms(second["seconds"]),
            "-",
            f"{second['peak_mb']:.0f}",
        ],
        [
            f"kloppy load + to_df{extrapolated}",
            f"{kloppy_seconds:.2f}",
            f"{kloppy['process_seconds']:.2f}",
            ms(kloppy_seconds),
            rate(kloppy_events, kloppy_seconds),
            f"{kloppy['peak_mb']:.0f}",
        ],
        [
            "read + gunzip (not in kloppy/floor)",
            f"{floor['read_seconds']:.2f}",
            "",
            ms(floor["read_seconds"]),
            "-",
            "",
        ],
        [
            "orjson.loads (the floor)",
            f"{floor['seconds']:.2f}",
            f"{floor['process_seconds']:.2f}",
            ms(floor["seconds"]),
            rate(floor["events"], floor["seconds"]),
            f"{floor['peak_mb']:.0f}",
        ],
    ]
    print()
    print(_child.table(["phase", "seconds", "process s", "ms/match", "events/s", "peak MB"], rows))
    s = first["summary"]
    print(
        f"\nfirst run: {s['matches']} matches, {s['events']:,} events, {s['players']} players, "
        f"{s['rejected']} rejected; store {store_mb:.0f} MB; counts {first['counts']}"
    )
    print(f"second run: {second['summary']}")
    ratio = kloppy_seconds / first["seconds"]
    over_floor = first["seconds"] / floor["seconds"]
    print(f"kloppy / loanwatch: {ratio:.1f}x   loanwatch / orjson floor: {over_floor:.1f}x")

    rerun_ok = second["summary"]["matches"] == 0 and second["summary"]["rejected"] == 0
    all_in = s["matches"] == n and s["rejected"] == 0
    checks = [
        ("every match ingested, none rejected", all_in, f"{s['matches']}/{n}"),
        (
            "season ingest <= 30 s (process)",
            first["process_seconds"] <= TARGET_SEASON_S,
            f"{first['process_seconds']:.2f} s",
        ),
        (">= 5x faster than kloppy load + to_df", ratio >= TARGET_RATIO, f"{ratio:.1f}x"),
        ("peak memory of the ingest < 2 GB", first["peak_mb"] < TARGET_PEAK_MB, f"{first['peak_mb']:.0f} MB"),
        (
            "second run < 3 s (process), skips all",
            second["process_seconds"] < TARGET_RERUN_S and rerun_ok,
            f"{second['process_seconds']:.2f} s, skipped {second['summary']['skipped']}",
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
