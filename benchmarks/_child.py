"""What the benchmarks share: each phase runs in a child process of its own, so that its peak
memory is its own, and reports its result as one JSON line that the parent reads back; and the
plain-text tables they print."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from typing import Any


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def emit(result: dict[str, Any]) -> None:
    """In the child: print the phase's result with the process's peak memory."""
    result["peak_mb"] = peak_mb()
    print("RESULT " + json.dumps(result, default=str))


def run_child(script: str, phase: str, args: list[str]) -> dict[str, Any]:
    """In the parent: run ``script --phase PHASE ARGS`` and return its result and wall time."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, script, "--phase", phase, *args],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"phase {phase} failed (exit {proc.returncode}):\n{proc.stdout}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    result["process_seconds"] = wall
    return result


def _row(cells: list[str], widths: list[int]) -> str:
    pairs = enumerate(zip(cells, widths, strict=True))
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs).rstrip()


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_row(header, widths), _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in rows]
    return "\n".join(lines)
