"""loanwatch's Python API. The CLI (and later the web app) are thin layers over this class.

from loanwatch.api import Loanwatch
lw = Loanwatch("loanwatch.db")
lw.ingest(["data/wyscout-2017-18"])
lw.import_portfolio("data/portfolios/juventus-2017-18.csv")
for timeline in lw.player_timelines("Orsolini"):
    print(timeline.spell["host_club_name"], timeline.appearances)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.pipeline import Ingestor, IngestSummary, Progress
from loanwatch.portfolio.names import display_name, find_players, normalize_name
from loanwatch.store import Store, open_engine, resolve_store_url
from loanwatch.store.engine import describe
from loanwatch.store.repository import season_name
from loanwatch.tracking.timeline import SpellTimeline, spell_window

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
        self._tracker_cache: tuple[Any, Any] | None = None

    @property
    def location(self) -> str:
        return describe(self.url)

    # -- ingest -------------------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path], progress: Progress | None = None) -> IngestSummary:
        """Ingest Wyscout files or folders (match files, match sheets, players, teams)."""
        self._store_changed()
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
        self._store_changed()
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

        self._store_changed()
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
        """The player's loan spells, each match by match (only matches played by ``as_of``), with
        xG, xA, VAEP and the role per match when the models are trained. Same as :meth:`timelines`."""
        return self.timelines(name, as_of)

    # -- metrics ------------------------------------------------------------------------------

    def compute_metrics(
        self, *, retrain: bool = False, step: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """SPADL actions for new matches, VAEP / xT / xG models trained and versioned, every action rated."""
        from loanwatch.metrics.compute import compute_all

        self._store_changed()
        return compute_all(self.store, retrain=retrain, step=step)

    def club_league(self, club: str) -> str | None:
        """The league a club plays in the data (its competition with the most matches; tournaments
        of national teams aside), or None when the club is not in the data."""
        leagues = getattr(self, "_club_leagues", None)
        if leagues is None:
            matches = self.store.matches_frame()
            clubs = {c["id"]: normalize_name(c["name"]) for c in self.store.all_clubs()}
            counts: dict[str, dict[str, int]] = {}
            for comp, home, away in matches[["competition", "home_club_id", "away_club_id"]].itertuples(
                index=False
            ):
                for cid in (home, away):
                    per = counts.setdefault(clubs.get(int(cid), ""), {})
                    per[comp] = per.get(comp, 0) + 1
            tournaments = {"European Championship", "World Cup"}
            leagues = self._club_leagues = {
                club_name: max((c for c in per if c not in tournaments), key=per.__getitem__)
                for club_name, per in counts.items()
                if any(c not in tournaments for c in per)
            }
        return leagues.get(normalize_name(club)) if club else None

    def reference_league(self, spell: Mapping[str, Any], chosen: str | None = None) -> Any:
        """The league a spell's figures are adjusted to: ``chosen`` (``--reference-league``), else
        the owner club's (metrics/league.py: from the data, the loan list, or the owner table)."""
        from loanwatch.metrics.league import resolve_reference

        owner = str(spell.get("parent_club") or "")
        return resolve_reference(
            owner,
            chosen=chosen,
            league_in_data=self.club_league(owner),
            league_in_list=spell.get("parent_competition") or spell.get("owner_league"),
        )

    def spell_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = 900, reference: str | None = None
    ) -> list[dict[str, Any]]:
        """Per loan spell: per-90 figures and percentiles against the same role in the same
        competition and season, with the league-strength adjustment (see metrics/league.py) to
        ``reference``, by default the owner club's league (``reference`` in each entry says which)."""
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
                    ref = self.reference_league(spell, reference)
                    out.append(
                        {
                            "spell": spell,
                            "season": season,
                            "profile": adjust(rows, reference=ref.league),
                            "reference": ref,
                        }
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

    # -- tracking -----------------------------------------------------------------------------
    # Careers as of any date: timelines with per-match output, trends, alerts, the weekly digest,
    # watchlists and scout notes (loanwatch.tracking; the store reads are in tracking/service.py).

    def configure_alerts(
        self, path: str | Path | None = None, overrides: dict[str, Any] | None = None
    ) -> Any:
        """Use a club's alert settings (a TOML file over tracking/alerts.toml, and/or overrides such
        as ``{"out_of_squad": {"matches": 2}}``) for this instance's alerts and digests."""
        from loanwatch.tracking.config import load_config

        config = load_config(path)
        self._alert_config = config.with_overrides(overrides) if overrides else config
        return self._alert_config

    def _tracker(self) -> Any:
        """One Tracker per instance: it caches the store's per-match stats, which a report reads
        for its timelines, form and alerts. Anything that changes the store drops it."""
        from loanwatch.tracking.config import load_config
        from loanwatch.tracking.service import Tracker

        chosen = getattr(self, "_alert_config", None)  # None: the default settings
        cached = self._tracker_cache
        if cached is None or cached[0] is not chosen:
            cached = self._tracker_cache = (chosen, Tracker(self.store, chosen or load_config()))
        return cached[1]

    def _store_changed(self) -> None:
        self._tracker_cache = None

    def timelines(self, name: str, as_of: date | None = None) -> list[SpellTimeline]:
        """The player's loan spells match by match, with xG, xA, VAEP and the role played per match
        when the models are trained (``loanwatch models train``); availability and minutes otherwise."""
        return list(self._tracker().timelines(int(self.find_player(name)["id"]), as_of))

    def career(self, name: str, as_of: date | None = None) -> dict[str, Any]:
        """One career: every spell (timeline, last 5 / last 10 / season / previous spell windows,
        trigger progress) and the moves between them (a January recall and new loan)."""
        from loanwatch.tracking.service import career

        return career(self._tracker(), int(self.find_player(name)["id"]), as_of)

    def player_alerts(self, name: str, as_of: date | None = None) -> list[dict[str, Any]]:
        """The player's alerts live on ``as_of``: dicts with kind, severity, title, evidence (a
        dict), raised_on, status (open / dismissed, or new when not yet stored). Reads only."""
        from loanwatch.tracking.service import alert_dict

        tracker = self._tracker()
        player_id = int(self.find_player(name)["id"])
        day = as_of or tracker.default_as_of()
        stored = tracker.stored_by_key(player_id)
        return [alert_dict(a, stored.get(a.key), day) for a in tracker.live_alerts(day, [player_id])]

    def form(self, name: str, as_of: date | None = None) -> dict[str, Any]:
        """The trend verdict (breakout / slump / steady / not enough minutes / no data) for the
        player's current spell, with its numbers and ``words`` explaining it (tracking/trends.py)."""
        from loanwatch.tracking.service import form

        return form(self._tracker(), int(self.find_player(name)["id"]), as_of)

    def refresh_alerts(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Compute every alert live on ``as_of`` and store the new ones (raised_on = as_of)."""
        from loanwatch.tracking.service import refresh_alerts

        tracker = self._tracker()
        return list(refresh_alerts(tracker, as_of or tracker.default_as_of()))

    def alerts(self, as_of: date | None = None, *, include_all: bool = False) -> list[dict[str, Any]]:
        """Open alerts live on ``as_of`` (refreshed first); ``include_all``: every stored alert
        raised by then, dismissed and past ones included."""
        from loanwatch.tracking.service import stored_dict

        rows = self.refresh_alerts(as_of)
        if not include_all:
            return [r for r in rows if r["status"] == "open"]
        day = as_of or self._tracker().default_as_of()
        return [stored_dict(r) for r in self.store.alerts() if r["raised_on"] <= day]

    def digest(self, week: str | None = None, as_of: date | None = None) -> Any:
        """The weekly digest (``week`` as 2018-W03, or the week of ``as_of``): per loanee and
        watched player, the week's matches and what changed, alerts first. Stores new alerts."""
        from loanwatch.tracking.service import digest

        return digest(self._tracker(), week, as_of)

    def dismiss_alert(self, alert_id: int, by: str, reason: str) -> bool:
        """Dismiss an alert, with who and why; it stays dismissed when it is computed again."""
        self._store_changed()
        if not by.strip() or not reason.strip():
            raise ValueError("a dismissal needs who dismissed it and why")
        return self.store.dismiss_alert(alert_id, by.strip(), reason.strip())

    def watch(self, name: str, watchlist: str, note: str = "") -> dict[str, Any]:
        """Add a player (a young talent the club does not own) to a watchlist."""
        self._store_changed()
        player = self.find_player(name)
        self.store.add_to_watchlist(watchlist, int(player["id"]), note)
        return player

    def watchlist(self, watchlist: str | None = None, as_of: date | None = None) -> list[dict[str, Any]]:
        """Watched players with the same timelines as loanees (their clubs this season by as_of)."""
        tracker = self._tracker()
        day = as_of or tracker.default_as_of()
        out = []
        for row in self.store.watchlist_players(watchlist):
            pid = int(row["player_id"])
            spells = tracker.watched_spells(pid, day)
            out.append(
                {
                    "watchlist": row["watchlist"],
                    "note": row["note"],
                    "player": tracker.player(pid),
                    "timelines": [tracker.timeline(s, day) for s in spells],
                    "notes": self.store.scout_notes(pid, day),
                }
            )
        return out

    def add_note(self, name: str, author: str, text: str, written_on: date | None = None) -> int:
        """A scout's note on a player (loanee or watched), dated."""
        self._store_changed()
        player = self.find_player(name)
        return self.store.add_scout_note(int(player["id"]), author, written_on or date.today(), text)

    # -- reports ------------------------------------------------------------------------------

    def report(
        self,
        name: str,
        out_dir: str | Path = "reports",
        as_of: date | None = None,
        *,
        lang: str = "en",
        fmt: str = "html",
        edition: str = "coach",
        min_minutes: float = 900,
        reference_league: str | None = None,
    ) -> Path:
        """Write the player's report: ``lang`` it / en / fr, ``fmt`` html / pdf, ``edition`` coach
        (no fees or contract terms) or director. The season profile, shot and action maps need
        the trained models (`loanwatch models train`); without them the report says so."""
        from loanwatch.reports.data import player_report_data
        from loanwatch.reports.i18n import check_lang
        from loanwatch.reports.render import check_format, write_player_report

        check_lang(lang)
        check_format(fmt)
        data = player_report_data(
            self,
            name,
            as_of=as_of,
            edition=edition,
            lang=lang,
            min_minutes=min_minutes,
            reference_league=reference_league,
        )
        return write_player_report(data, Path(out_dir), lang, fmt)

    def loanee_names(self) -> list[str]:
        """Every player of the portfolio, once, as reports name them."""
        ids = dict.fromkeys(s["player_id"] for s in self.store.loan_spells())
        return [display_name(self.store.player(pid) or {}) for pid in ids]

    def report_all(
        self,
        out_dir: str | Path = "reports",
        as_of: date | None = None,
        *,
        lang: str = "en",
        fmt: str = "html",
        edition: str = "coach",
        min_minutes: float = 900,
        progress: Callable[[str, int, int], None] | None = None,
        reference_league: str | None = None,
    ) -> list[Path]:
        """:meth:`report` for every loanee; ``progress(name, done, total)`` after each one."""
        names = self.loanee_names()
        paths = []
        for done, who in enumerate(names, 1):
            paths.append(
                self.report(
                    who,
                    out_dir,
                    as_of,
                    lang=lang,
                    fmt=fmt,
                    edition=edition,
                    min_minutes=min_minutes,
                    reference_league=reference_league,
                )
            )
            if progress is not None:
                progress(who, done, len(names))
        return paths

    def demo(
        self,
        out_dir: str | Path = "reports",
        progress: Progress | None = None,
        *,
        train: bool = True,
        step: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Ingest the shipped sample, import the example loan list, train the models (unless
        ``train`` is False), and write each loanee's report (HTML, and PDF for the director)."""
        if not SAMPLE_DATA.exists():
            raise IngestError(SAMPLE_DATA, "the sample data shipped with loanwatch is missing")
        summary = self.ingest([SAMPLE_DATA], progress)
        imported = self.import_portfolio(SAMPLE_PORTFOLIO)
        if train:
            self.compute_metrics(step=step)
        reports = []
        for name in self.loanee_names():
            reports.append(self.report(name, out_dir))
            reports.append(self.report(name, out_dir, fmt="pdf", edition="director"))
        return {"ingest": summary, "portfolio": imported, "reports": reports}
