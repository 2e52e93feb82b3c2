"""loanwatch's Python API. The CLI (and later the web app) are thin layers over this class.

from loanwatch.api import Loanwatch
lw = Loanwatch("loanwatch.db")
lw.ingest(["data/wyscout-2017-18"])
lw.import_portfolio("data/portfolios/juventus-2017-18.csv")
for timeline in lw.player_timelines("Orsolini"):
    print(timeline.spell["host_club_name"], timeline.appearances)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.pipeline import Ingestor, IngestSummary, Progress
from loanwatch.portfolio.names import display_name, find_players, normalize_name
from loanwatch.store import Store, open_engine, resolve_store_url
from loanwatch.store.engine import describe
from loanwatch.store.repository import season_name
from loanwatch.tracking.timeline import SpellTimeline, spell_timeline, spell_window

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO_ROOT / "data" / "wyscout-2017-18"
SAMPLE_PORTFOLIO = REPO_ROOT / "data" / "portfolios" / "juventus-2017-18.csv"


class PlayerNotFound(LookupError):
    def __init__(self, name: str, candidates: Sequence[str] = ()) -> None:
        self.name = name
        self.candidates = list(candidates)
        hint = f" (did you mean: {', '.join(self.candidates)}?)" if self.candidates else ""
        super().__init__(f"no single player matches {name!r}{hint}")


class Loanwatch:
    def __init__(self, store: str | None = None) -> None:
        self.url = resolve_store_url(store)
        self.store = Store(open_engine(self.url))

    @property
    def location(self) -> str:
        return describe(self.url)

    # -- ingest -------------------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path], progress: Progress | None = None) -> IngestSummary:
        """Ingest Wyscout files or folders (match files, match sheets, players, teams)."""
        return Ingestor(self.store, progress).run([Path(p) for p in paths])

    def ingest_file(
        self,
        path: str | Path,
        provider: str,
        metadata: str | Path | None = None,
        *,
        accept_score_mismatch: bool = False,
    ) -> IngestSummary:
        """Ingest one match of any provider kloppy reads (statsbomb, opta, ...).

        ``accept_score_mismatch`` stores a match whose events do not add up to its score (a
        partial feed), with the mismatch kept as a warning on the match; otherwise it is rejected.
        """
        from loanwatch.ingest.kloppy_reader import ingest_with_kloppy

        return ingest_with_kloppy(
            self.store,
            Path(path),
            provider,
            Path(metadata) if metadata else None,
            accept_score_mismatch=accept_score_mismatch,
        )

    # -- portfolio ----------------------------------------------------------------------------

    def import_portfolio(self, path: str | Path) -> Any:
        """Import a club's loan list (CSV or XLSX). Returns what was imported and what was not."""
        from loanwatch.portfolio.importer import import_loan_list

        return import_loan_list(self.store, Path(path))

    def loan_spells(self) -> list[dict[str, Any]]:
        return self.store.loan_spells()

    # -- players ------------------------------------------------------------------------------

    def find_player(self, name: str) -> dict[str, Any]:
        """One player by name: loanees first (as the club's list writes them), then everyone."""
        spells = self.store.loan_spells()
        loanees = {s["player_id"]: s for s in spells}
        matches = [m for m in find_players(name, (self.store.player(pid) or {} for pid in loanees))]
        if not matches:
            wanted = normalize_name(name)
            listed = [s for s in spells if wanted and wanted in normalize_name(s["player_name"])]
            if len({s["player_id"] for s in listed}) == 1:
                return self.store.player(listed[0]["player_id"]) or {}
            matches = find_players(name, self.store.all_players())
        if len(matches) != 1:
            raise PlayerNotFound(name, [display_name(m.player) for m in matches[:8]])
        return dict(matches[0].player)

    def player_timelines(self, name: str, as_of: date | None = None) -> list[SpellTimeline]:
        """The player's loan spells, each match by match (only matches played by ``as_of``)."""
        player = self.find_player(name)
        timelines = []
        for spell in self.store.loan_spells(player["id"]):
            if as_of is not None and spell["start_date"] > as_of:
                continue
            start, end = spell_window(spell, as_of)
            club_matches = (
                self.store.club_matches(spell["host_club_id"], start, end) if spell["host_club_id"] else []
            )
            appearances = self.store.player_appearances(player["id"], [m["id"] for m in club_matches])
            timelines.append(spell_timeline(spell, club_matches, appearances))
        return timelines

    # -- metrics ------------------------------------------------------------------------------

    def compute_metrics(
        self, *, retrain: bool = False, step: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """SPADL actions for new matches, VAEP / xT / xG models trained and versioned, every action rated."""
        from loanwatch.metrics.compute import compute_all

        return compute_all(self.store, retrain=retrain, step=step)

    def spell_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = 900, reference: str = "Serie A"
    ) -> list[dict[str, Any]]:
        """Per loan spell: per-90 figures and percentiles against the same role in the same
        competition and season, with the league-strength adjustment (see metrics/league.py)."""
        from loanwatch.metrics.compute import profiles, stored_profiles
        from loanwatch.metrics.league import adjust
        from loanwatch.metrics.profile import spell_profile

        player = self.find_player(name)
        out = []
        cache: dict[str, Any] = {}
        for timeline in self.player_timelines(name, as_of):
            spell = timeline.spell
            if not timeline.has_data:
                continue
            start, end = spell_window(spell, as_of)
            seasons = sorted({season_name(line.kickoff, tournament=False) for line in timeline.lines})
            for season in seasons:
                if season not in cache:
                    cache[season] = stored_profiles(
                        self.store, season_name=season, min_minutes=min_minutes
                    ) or profiles(self.store, season_name=season, min_minutes=min_minutes)
                p = cache[season]
                rows = spell_profile(
                    p.match_stats,
                    p.matches,
                    p.roles,
                    int(player["id"]),
                    start,
                    end,
                    min_minutes=min_minutes,
                    season=p.season,
                )
                if not rows.empty:
                    out.append(
                        {"spell": spell, "season": season, "profile": adjust(rows, reference=reference)}
                    )
        return out

    def export_metrics(
        self, season: str, out: str | Path, fmt: str = "csv", *, min_minutes: float = 900
    ) -> tuple[Path, int]:
        """Season profiles of every player (per 90, percentiles, roles, names) as CSV or Parquet."""
        import polars as pl

        from loanwatch.metrics.compute import profiles, stored_profiles

        if fmt not in ("csv", "parquet"):
            raise ValueError(f"unknown format {fmt!r}: csv or parquet")
        stored = stored_profiles(self.store, season_name=season, min_minutes=min_minutes)
        table = (stored or profiles(self.store, season_name=season, min_minutes=min_minutes)).season
        players = {p["id"]: p for p in self.store.all_players()}
        clubs = {c["id"]: c["name"] for c in self.store.all_clubs()}
        table.insert(1, "player", [display_name(players.get(int(i), {})) for i in table["player_id"]])
        table.insert(2, "club", [clubs.get(int(i), "") if i == i else "" for i in table["club_id"]])
        frame = pl.from_dict({c: table[c].tolist() for c in table.columns})
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        return path, frame.height

    # -- reports ------------------------------------------------------------------------------

    def report(self, name: str, out_dir: str | Path = "reports", as_of: date | None = None) -> Path:
        from loanwatch.reports.html import write_player_report

        player = self.find_player(name)
        # The season profile needs the trained models (`loanwatch models train`); without them the
        # report shows availability and the box score only.
        profiles = self.spell_profiles(name, as_of=as_of) if self.store.latest_model("vaep") else []
        return write_player_report(player, self.player_timelines(name, as_of), Path(out_dir), profiles)

    def demo(self, out_dir: str | Path = "reports", progress: Progress | None = None) -> dict[str, Any]:
        """Ingest the shipped sample, import the example loan list, write a report per loanee."""
        if not SAMPLE_DATA.exists():
            raise IngestError(SAMPLE_DATA, "the sample data shipped with loanwatch is missing")
        summary = self.ingest([SAMPLE_DATA], progress)
        imported = self.import_portfolio(SAMPLE_PORTFOLIO)
        reports = []
        for player_id in dict.fromkeys(s["player_id"] for s in self.store.loan_spells()):
            player = self.store.player(player_id) or {}
            reports.append(self.report(display_name(player), out_dir))
        return {"ingest": summary, "portfolio": imported, "reports": reports}
