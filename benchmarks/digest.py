"""The weekly workflow over a season: the digest and every alert for a 30-player portfolio,
replayed week by week (one as-of date per ISO week, ~40), on the shipped 2017/18 sample.

    python benchmarks/digest.py [--store path.db] [--players 30]

Builds a store from the sample (ingest, not timed) unless --store names one (a trained store gives
the metric-based trends too), imports a portfolio of the first N young players by minutes across
the sample's clubs (loans from 2017-07-01 to 2018-06-30, a trigger of 15 appearances on every third
row), then times the replay. Target: under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from loanwatch.api import SAMPLE_DATA, Loanwatch
from loanwatch.portfolio.names import display_name


def build_portfolio(lw: Loanwatch, path: Path, players: int) -> None:
    apps = lw.store.appearances_frame()
    people = {p["id"]: p for p in lw.store.all_players()}
    clubs = {c["id"]: c["name"] for c in lw.store.all_clubs()}
    young = [
        pid
        for pid, p in people.items()
        if p["birth_date"] is not None and p["birth_date"] >= date(1995, 1, 1)
    ]
    played = apps[apps["player_id"].isin(young)].groupby(["player_id", "club_id"])["minutes_played"].sum()
    chosen = played.sort_values(ascending=False).head(players)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "player",
                "birth_date",
                "parent_club",
                "host_club",
                "competition",
                "loan_start",
                "loan_end",
                "loan_type",
                "obligation_trigger",
            ]
        )
        for i, ((pid, club), _) in enumerate(chosen.items()):
            p = people[int(pid)]
            comp = "Bundesliga" if clubs[int(club)] == "Schalke 04" else "Serie A"
            w.writerow(
                [
                    display_name(p),
                    p["birth_date"],
                    "Juventus",
                    clubs[int(club)],
                    comp,
                    "2017-07-01",
                    "2018-06-30",
                    "loan with obligation" if i % 3 == 0 else "dry loan",
                    "15 appearances" if i % 3 == 0 else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store")
    parser.add_argument("--players", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    lw = Loanwatch(args.store or str(tmp / "bench.db"))
    if not args.store:
        lw.ingest([SAMPLE_DATA])
    build_portfolio(lw, tmp / "portfolio.csv", args.players)
    imported = lw.import_portfolio(tmp / "portfolio.csv")
    sundays = [date(2017, 8, 20) + timedelta(weeks=i) for i in range(40)]
    started = time.perf_counter()
    alerts = entries = 0
    for sunday in sundays:
        year, week, _ = sunday.isocalendar()
        digest = lw.digest(week=f"{year}-W{week:02d}")
        entries += len(digest.entries)
        alerts += sum(len(e.alerts) for e in digest.entries)
    elapsed = time.perf_counter() - started
    trained = "trained (trends on)" if lw.store.latest_model("vaep") else "untrained (availability only)"
    print(
        f"digest replay: {len(sundays)} weeks x {len(imported.imported)} loan spells, {trained}: "
        f"{elapsed:.1f} s ({elapsed / len(sundays) * 1000:.0f} ms a week); {entries} digest entries, "
        f"{alerts} alert lines, {len(lw.store.alerts())} alerts stored (target < 30 s)"
    )


if __name__ == "__main__":
    main()
