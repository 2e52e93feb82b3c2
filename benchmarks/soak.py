"""kill -9 soak: a fresh-store ingest killed at random moments, each followed by a rerun, must end
with exactly what a clean run stores.

    .venv/bin/python benchmarks/soak.py [--kills 20] [--matches 10] [--seed 0]

The input is a small real Wyscout folder built from the shipped sample (``data/``, as
tests/conftest.py's ``copy_sample`` does): players, teams, Serie A's match sheets and the first
``--matches`` Serie A match files. Each round:

1. a fresh store; ``loanwatch ingest FOLDER --store STORE`` starts in a child process;
2. the child gets SIGKILL at a random moment, counted from when the store file appears: one
   kill in four within the first 60 ms (the first schema setup takes about 40 ms), the others
   anywhere up to the length of a clean run (a run that finished first is not a kill: rounds go
   on until ``--kills`` runs were killed);
3. ``loanwatch ingest`` again on the same store, to the end (it must exit 0);
4. the store's canonical dump (row counts and content hashes of files, match sheets, clubs,
   players, matches, appearances, events, fixtures: tests/store_dump.py) must equal the clean
   run's.

Prints one line per round (what the kill interrupted, the rerun's status, equal or not) and the
figures: kills, reruns, equal results, time. Exits 1 when any result differs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "src"), str(REPO_ROOT / "tests")]

from sqlalchemy import create_engine  # noqa: E402

from conftest import copy_sample  # noqa: E402  (tests/conftest.py: the real sample folder)
from loanwatch.api import SAMPLE_DATA, Loanwatch  # noqa: E402
from loanwatch.store.engine import head_revision  # noqa: E402
from store_dump import digest  # noqa: E402  (tests/store_dump.py: the canonical dump)

SETUP_WINDOW_S = 0.06
SETUP_EVERY = 4  # one round in four kills within the setup window


@dataclass
class Round:
    number: int
    delay_ms: float  # after the store file appeared
    killed: bool  # still running when the signal came (False: it had finished)
    interrupted: str  # what the kill interrupted: before the store, setup, or the ingest
    rerun_status: int
    equal: bool


def match_ids(count: int) -> list[str]:
    files = sorted((SAMPLE_DATA / "events" / "Italy").glob("*.json.gz"))
    if len(files) < count:
        raise SystemExit(f"{SAMPLE_DATA}: only {len(files)} Serie A match files, {count} asked")
    return [f.name.removesuffix(".json.gz") for f in files[:count]]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["COLUMNS"] = "160"
    return env


def _ingest_cmd(folder: Path, store: Path) -> list[str]:
    return [sys.executable, "-m", "loanwatch.cli", "ingest", str(folder), "--store", str(store)]


def _run(folder: Path, store: Path, in_process: bool = False) -> tuple[int, str]:
    """An ingest to the end: ``loanwatch ingest`` in a child (what a user reruns), or the same
    call through the Python API in this process (``in_process``: the quicker test)."""
    if in_process:
        lw = Loanwatch(str(store))
        try:
            summary = lw.ingest([folder])
        finally:
            lw.store.engine.dispose()
        return (1 if summary.rejected else 0), "\n".join(str(e) for e in summary.errors)
    proc = subprocess.run(
        _ingest_cmd(folder, store), capture_output=True, text=True, env=_child_env(), check=False
    )
    return proc.returncode, proc.stderr


def _timed_clean_run(folder: Path, store: Path) -> tuple[float, float]:
    """A clean ``loanwatch ingest``: (seconds until the store file appeared, seconds in all)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        _ingest_cmd(folder, store), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_child_env()
    )
    appeared = _wait_for(store, proc)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"the clean run failed (exit {proc.returncode}):\n{err.decode()}")
    return appeared - start, time.perf_counter() - start


def _wait_for(store: Path, proc: subprocess.Popen[bytes]) -> float:
    """When the child created the store file (its first connection), or ended without."""
    deadline = time.monotonic() + 120
    while not store.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    return time.perf_counter()


def _dump(store: Path) -> dict[str, tuple[int, str]]:
    engine = create_engine(f"sqlite:///{store}")
    try:
        return digest(engine)
    finally:
        engine.dispose()


def _state(store: Path) -> str:
    """What a killed run left, read with sqlite3 (opening it with loanwatch would complete it).
    Read-write: a killed writer's WAL is recovered by the first connection, as any reader does."""
    if not store.exists():
        return "before the store"
    con = sqlite3.connect(store)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return f"setup ({len(tables)} tables kept)"
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if not version or version[0] != head_revision():
            return "setup (migrating)"
        matches = con.execute("SELECT count(*) FROM matches").fetchone()[0]
        return f"ingest ({matches} matches stored)"
    finally:
        con.close()


def _kill_round(
    number: int,
    folder: Path,
    store: Path,
    delay_s: float,
    expected: dict[str, tuple[int, str]],
    in_process: bool,
) -> Round:
    proc = subprocess.Popen(
        _ingest_cmd(folder, store),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_child_env(),
    )
    _wait_for(store, proc)
    time.sleep(delay_s)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted = _state(store) if killed else "nothing (it had finished)"
    status, err = _run(folder, store, in_process)
    if status != 0:
        print(f"  round {number}: the rerun failed (exit {status}):\n{err}", file=sys.stderr)
    got = _dump(store) if status == 0 else {}
    equal = status == 0 and got == expected
    if status == 0 and not equal:
        diff = {k: (got.get(k, (0, ""))[0], v[0]) for k, v in expected.items() if got.get(k) != v}
        print(f"  round {number}: differs in {diff} (rows: got, clean); store kept: {store}", file=sys.stderr)
    return Round(number, delay_s * 1000, killed, interrupted, status, equal)


def soak(
    kills: int, matches: int, seed: int, workdir: Path, *, in_process_rerun: bool = False, out: bool = True
) -> list[Round]:
    """The soak in ``workdir``; returns one Round per kill."""
    say = print if out else (lambda *_a, **_k: None)
    folder = copy_sample(workdir / "data", match_ids(matches))
    clean = workdir / "clean.db"
    appeared_s, clean_s = _timed_clean_run(folder, clean)
    expected = _dump(clean)
    say(
        f"clean run: {clean_s:.2f} s ({clean_s - appeared_s:.2f} s after the store appeared), "
        f"{expected['matches'][0]} matches, {expected['events'][0]} events"
    )
    rng = random.Random(seed)
    rounds: list[Round] = []
    # Rounds go on until ``kills`` runs were really killed: under load a run may finish before
    # its moment comes (that round is still rerun and compared, and listed).
    while sum(r.killed for r in rounds) < kills and len(rounds) < 3 * kills:
        i = len(rounds)
        store = workdir / f"kill-{i:02d}.db"
        in_setup = sum(r.killed for r in rounds) % SETUP_EVERY == 0
        delay = rng.uniform(0, SETUP_WINDOW_S if in_setup else clean_s - appeared_s)
        r = _kill_round(i + 1, folder, store, delay, expected, in_process_rerun)
        rounds.append(r)
        say(
            f"round {r.number:2d}: kill at +{r.delay_ms:7.1f} ms, interrupted {r.interrupted:<28} "
            f"rerun exit {r.rerun_status}, {'equal' if r.equal else 'DIFFERENT'}"
        )
        if r.equal:
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--matches", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (stores, data).")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="loanwatch-soak-"))
    start = time.perf_counter()
    try:
        rounds = soak(args.kills, args.matches, args.seed, workdir)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - start
    killed = sum(r.killed for r in rounds)
    in_setup = sum(r.killed and r.interrupted.startswith("setup") for r in rounds)
    reruns_ok = sum(r.rerun_status == 0 for r in rounds)
    equal = sum(r.equal for r in rounds)
    print(
        f"\nkills: {killed} in {len(rounds)} rounds ({in_setup} in the first schema setup's window); "
        f"reruns: {reruns_ok}/{len(rounds)} exit 0; equal results: {equal}/{len(rounds)}; "
        f"time: {elapsed:.1f} s"
    )
    sys.exit(0 if equal == len(rounds) else 1)


if __name__ == "__main__":
    main()
