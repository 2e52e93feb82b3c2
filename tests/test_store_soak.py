"""The kill -9 soak, short: 5 kills of a fresh-store ingest (two of them within the first schema
setup's window), each followed by a rerun; the store must equal a clean run's every time.
The long one is ``benchmarks/soak.py`` (20 kills, 10 matches)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import soak  # noqa: E402  (benchmarks/soak.py)


def test_five_kills_each_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    rounds = soak.soak(kills=5, matches=3, seed=7, workdir=tmp_path, in_process_rerun=True, out=False)
    assert sum(r.killed for r in rounds) == 5, [r.interrupted for r in rounds]
    assert all(r.rerun_status == 0 for r in rounds)
    assert all(r.equal for r in rounds), [(r.number, r.interrupted) for r in rounds if not r.equal]
    assert any(r.interrupted.startswith("setup") for r in rounds), [r.interrupted for r in rounds]
