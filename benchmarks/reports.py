"""Reports benchmark: one player's PDF, the whole example portfolio and a 30-player digest.

    .venv/bin/python benchmarks/reports.py [--store PATH] [--lang it] [--edition director]

Without ``--store`` a store is built first (not timed): the repository's Wyscout sample ingested,
the example loan list imported, the models trained (about a minute). With ``--store`` that store is
copied to a temporary file and used (it must hold the ingested matches, the portfolio and the
trained models).

Timed, in this process, on the copy:

1. one player's PDF (Riccardo Orsolini: two spells): ``Loanwatch.report(..., fmt="pdf")`` from the
   store to the file, data gathering included. "cold" is the first call (imports of WeasyPrint and
   mplsoccer, font and catalog loading); "warm" the median of three calls after it.
2. the whole portfolio (every loanee's PDF, ``Loanwatch.report_all``) plus a 30-player weekly
   digest PDF: 25 players with the most minutes added to a watchlist so that the tracking module's
   digest (``Loanwatch.digest``) holds 30 entries, rendered by ``reports.render.render_digest``.
   Without ``Loanwatch.digest`` the digest is made from the loanees' timelines padded with those
   watched players' season figures.

Targets (2-core machine): one PDF under 2 s (warm; cold reported), portfolio + digest under 30 s.
Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from loanwatch.api import SAMPLE_DATA, SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.reports.render import render_digest

ONE_PDF_TARGET = 2.0
PORTFOLIO_TARGET = 30.0
DIGEST_PLAYERS = 30


def build_store(path: Path) -> None:
    lw = Loanwatch(str(path))
    lw.ingest([SAMPLE_DATA])
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    lw.compute_metrics()


def copy_store(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def watch_busiest(lw: Loanwatch, n: int) -> None:
    loanees = {s["player_id"] for s in lw.store.loan_spells()}
    apps = lw.store.appearances_frame()
    minutes = apps.groupby("player_id")["minutes_played"].sum().sort_values(ascending=False)
    chosen = [int(p) for p in minutes.index if int(p) not in loanees][:n]
    for pid in chosen:
        lw.store.add_to_watchlist("benchmark", pid)


def digest_data(lw: Loanwatch) -> Any:
    if hasattr(lw, "digest"):
        return lw.digest(None, None)
    raise SystemExit("Loanwatch.digest is missing: the tracking module is not there yet")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path)
    parser.add_argument("--lang", default="it")
    parser.add_argument("--edition", default="director")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lw-bench-reports-"))
    try:
        store = tmp / "lw.db"
        if args.store:
            copy_store(args.store, store)
        else:
            t = time.perf_counter()
            build_store(store)
            print(f"store built in {time.perf_counter() - t:.1f} s (not timed)")
        lw = Loanwatch(str(store))
        out = tmp / "reports"
        opts = {"lang": args.lang, "fmt": "pdf", "edition": args.edition}

        t = time.perf_counter()
        lw.report("Orsolini", out, **opts)
        cold = time.perf_counter() - t
        warm_runs = []
        for _ in range(3):
            t = time.perf_counter()
            path = lw.report("Orsolini", out, **opts)
            warm_runs.append(time.perf_counter() - t)
        warm = statistics.median(warm_runs)

        watch_busiest(lw, DIGEST_PLAYERS - len(lw.loanee_names()))
        t = time.perf_counter()
        paths = lw.report_all(out, **opts)
        t_portfolio = time.perf_counter() - t
        t = time.perf_counter()
        digest = digest_data(lw)
        t_digest_data = time.perf_counter() - t
        t = time.perf_counter()
        pdf = render_digest(digest, args.lang, "pdf", args.edition)
        (out / "digest.pdf").write_bytes(pdf)
        t_digest_render = time.perf_counter() - t
        entries = len(getattr(digest, "entries", None) or digest.get("players", []))
        total = t_portfolio + t_digest_data + t_digest_render

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"language {args.lang}, {args.edition}'s edition")
        print(
            f"one player's PDF ({path.name}): cold {cold:.2f} s, warm {warm:.2f} s (median of 3: "
            f"{', '.join(f'{r:.2f}' for r in warm_runs)}); target < {ONE_PDF_TARGET:.0f} s"
        )
        print(f"portfolio: {len(paths)} player PDFs in {t_portfolio:.2f} s")
        print(
            f"digest: {entries} players, data {t_digest_data:.2f} s (tracking), PDF {t_digest_render:.2f} s"
        )
        print(f"portfolio + digest: {total:.2f} s; target < {PORTFOLIO_TARGET:.0f} s")
        ok = warm < ONE_PDF_TARGET and total < PORTFOLIO_TARGET and entries >= DIGEST_PLAYERS
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
