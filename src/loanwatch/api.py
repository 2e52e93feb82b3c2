"""loanwatch's Python API. The CLI (and later the web app) are thin layers over this class.

from loanwatch.api import Loanwatch
lw = Loanwatch("loanwatch.db")
lw.ingest(["data/wyscout-2017-18"])
lw.import_portfolio("data/portfolios/juventus-2017-18.csv")
for timeline in lw.player_timelines("Orsolini"):
    print(timeline.spell["host_club_name"], timeline.appearances)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from loanwatch.domain import GOALKEEPER, season_name
from loanwatch.errors import PlayerAmbiguous as PlayerAmbiguous  # re-exported: the old path
from loanwatch.errors import PlayerNotFound as PlayerNotFound
from loanwatch.errors import player_not_found
from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.pipeline import Ingestor, IngestSummary, Progress
from loanwatch.portfolio.names import describe_player, display_name, normalize_name, resolve_players
from loanwatch.settings import MIN_MINUTES, Settings
from loanwatch.store import Store, open_engine, resolve_store_url, writer_lock
from loanwatch.store.engine import describe
from loanwatch.tracking.timeline import SpellTimeline, spell_window

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO_ROOT / "data" / "wyscout-2017-18"
SAMPLE_PORTFOLIO = REPO_ROOT / "data" / "portfolios" / "juventus-2017-18.csv"


_P = ParamSpec("_P")
_R = TypeVar("_R")


def writes(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A method that writes the store: it holds the store's writer lock (store/locking.py), so
    writing runs on one store take turns (a second one says it waits, then waits)."""

    @functools.wraps(method)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        store: Store = args[0].store  # type: ignore[attr-defined]
        with writer_lock(store.engine):
            store.forget_cached_ids()  # another run may have written while this one waited
            return method(*args, **kwargs)

    return locked


class Loanwatch:
    def __init__(self, store: str | None = None, *, settings: Settings | None = None) -> None:
        # The settings as of opening (settings.py: argument > environment > loanwatch.toml > default).
        self.settings = settings if settings is not None else Settings.load(store=store)
        self.url = resolve_store_url(store or self.settings.store)
        self.store = Store(open_engine(self.url))
        self._tracker_cache: tuple[Any, Any] | None = None

    @property
    def location(self) -> str:
        return describe(self.url)

    # -- ingest -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        *,
        accept_score_mismatch: bool = False,
    ) -> IngestSummary:
        """Ingest Wyscout files or folders (match files, match sheets, players, teams).

        ``accept_score_mismatch`` stores a match whose events cannot explain its score (a partial
        feed), with a ``score_mismatch`` warning; otherwise it is rejected."""
        self._store_changed()
        ingestor = Ingestor(self.store, progress, accept_score_mismatch=accept_score_mismatch)
        return ingestor.run([Path(p) for p in paths])

    @writes
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

    @writes
    def import_portfolio(
        self, path: str | Path, *, sheet: str | None = None, remove_missing: bool = False
    ) -> Any:
        """Import a club's loan list (CSV, TSV or XLSX) as its ledger: rows update the spells they
        are (player, owner, host, season) or add one; spells of an earlier import of the file that
        it no longer lists are reported, and removed with ``remove_missing``. Returns an
        ``ImportResult`` (portfolio/importer.py): added, updated, unchanged, problems, warnings."""
        from loanwatch.portfolio.importer import import_loan_list

        self._store_changed()
        return import_loan_list(self.store, Path(path), sheet=sheet, remove_missing=remove_missing)

    def loan_spells(self, owner: str | None = None) -> list[dict[str, Any]]:
        """The loan spells (of one owner club with ``owner``). Each dict carries ``owner_name`` (the
        club that owns the player), ``has_match_data`` (False: "no match data for this
        competition", a loan still counted) and ``warnings``: what the import noticed, as dicts
        with a ``kind`` ("appearance_before_start": he played for the host club before the listed
        start, with ``first_match``, ``matches``, ``loan_start``; "trigger_unread": a trigger kept
        as text and not counted; "encoding": a byte of the file read as Windows-1252)."""
        competitions, clubs = self._with_data()
        spells = []
        for s in self.owned_by(self.store.loan_spells(), owner):
            if s["competition_name"]:
                has_data = normalize_name(s["competition_name"]) in competitions
            else:
                has_data = s["host_club_id"] in clubs
            spells.append(s | {"owner_name": s["parent_club"], "has_match_data": has_data})
        return spells

    def _with_data(self) -> tuple[set[str], set[int]]:
        """The competitions (normalised names) and clubs (ids) the store holds matches of."""
        competitions, clubs = set(), set()
        for c in self.store.competitions():
            playing = self.store.clubs_in_competition(int(c["id"]))
            if playing:
                competitions.add(normalize_name(c["name"]))
                clubs |= playing
        return competitions, clubs

    def owners(self) -> list[str]:
        """The owner clubs of the store's loans, as the lists write them (a group or an agency
        keeps several)."""
        return sorted({s["parent_club"] for s in self.store.loan_spells() if s["parent_club"]})

    def owned_by(self, spells: Sequence[dict[str, Any]], owner: str | None) -> list[dict[str, Any]]:
        """THE owner filter: the spells whose owner club is ``owner`` (None: every spell). An owner
        no spell has raises ValueError naming the owners there are."""
        if owner is None:
            return list(spells)
        from loanwatch.portfolio.importer import same_club

        kept = [s for s in spells if same_club(s["parent_club"] or "", owner)]
        if not kept and not any(same_club(o, owner) for o in self.owners()):
            raise ValueError(f"no loan is owned by {owner!r} (owners: {', '.join(self.owners()) or 'none'})")
        return kept

    def owned_player_ids(self, owner: str | None) -> set[int] | None:
        """The players on loan from ``owner`` (None when no owner is given: no filter)."""
        if owner is None:
            return None
        return {int(s["player_id"]) for s in self.owned_by(self.store.loan_spells(), owner)}

    # -- players ------------------------------------------------------------------------------

    def find_player(self, name: str) -> dict[str, Any]:
        """One player by name: loanees first (as the club's list writes them), then everyone.

        Also accepted: a provider id ("265673") and "Name (born YYYY-MM-DD)". A name that fits
        several players raises PlayerAmbiguous (a PlayerNotFound) listing them (birth date, club,
        role, id)."""
        spells = self.store.loan_spells()
        loanees = {s["player_id"]: s for s in spells}
        matches = resolve_players(name, [self.store.player(pid) or {} for pid in loanees])
        if not matches:
            wanted = normalize_name(name)
            listed = [s for s in spells if wanted and wanted in normalize_name(s["player_name"])]
            if len({s["player_id"] for s in listed}) == 1:
                return self.store.player(listed[0]["player_id"]) or {}
            matches = resolve_players(name, self.store.all_players())
        if len(matches) != 1:
            chosen = [m.player for m in matches[:8]]
            clubs = self.store.latest_clubs([int(p["id"]) for p in chosen])
            described = [describe_player(p, clubs.get(int(p["id"]), "")) for p in chosen]
            if len(matches) > len(chosen):
                described.append(f"and {len(matches) - len(chosen)} more")
            raise player_not_found(name, described, matches=len(matches))
        return dict(matches[0].player)

    def player_timelines(self, name: str, as_of: date | None = None) -> list[SpellTimeline]:
        """The player's loan spells, each match by match (only matches played by ``as_of``), with
        xG, xA, VAEP and the role per match when the models are trained. Same as :meth:`timelines`."""
        return self.timelines(name, as_of)

    # -- metrics ------------------------------------------------------------------------------

    @writes
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
            settings=self.settings,
        )

    def spell_profiles(
        self,
        name: str,
        *,
        as_of: date | None = None,
        min_minutes: float = MIN_MINUTES,
        reference: str | None = None,
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

    def goalkeeper_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = MIN_MINUTES
    ) -> list[dict[str, Any]]:
        """Per loan spell of a goalkeeper: his goalkeeping figures and percentiles against the
        keepers of the same competition and season (metrics/goalkeeping.py), his matches in goal
        (``matches``: goalkeeping.GK_MATCH_COLUMNS) and the shots on target he faced (``shots``:
        goalkeeping.SHOT_COLUMNS). Empty when he kept no goal."""
        from loanwatch.metrics.compute import profiles, stored_profiles
        from loanwatch.metrics.goalkeeping import goalkeeper_season_profile, goalkeeper_spell_profile

        player = self.find_player(name)
        out = []
        cache: dict[str, Any] = {}
        for timeline in self.player_timelines(name, as_of):
            if not timeline.has_data:
                continue
            start, end = spell_window(timeline.spell, as_of)
            for season in sorted({season_name(line.kickoff, tournament=False) for line in timeline.lines}):
                if season not in cache:
                    p = stored_profiles(self.store, season_name=season, min_minutes=min_minutes)
                    if p is None or p.goalkeepers is None:  # trained before the goalkeeper stats
                        p = profiles(self.store, season_name=season, min_minutes=min_minutes)
                    keepers = goalkeeper_season_profile(
                        p.goalkeepers, p.matches, p.season, min_minutes=min_minutes
                    ) if p.goalkeepers is not None else None
                    cache[season] = (p, keepers)
                p, keepers = cache[season]
                if keepers is None or p.goalkeepers is None:
                    continue
                rows = goalkeeper_spell_profile(
                    p.goalkeepers, p.matches, keepers, int(player["id"]), start, end, min_minutes=min_minutes
                )
                if rows.empty:
                    continue
                kick = p.matches.set_index("match_id")["kickoff"]
                mine = p.goalkeepers.loc[p.goalkeepers["player_id"] == int(player["id"])]
                mine = mine.loc[[start <= kick[m].date() <= end for m in mine["match_id"]]]
                out.append(
                    {
                        "spell": timeline.spell,
                        "season": season,
                        "profile": rows,
                        "matches": mine.reset_index(drop=True),
                        "shots": self._shots_faced(int(player["id"]), [int(m) for m in mine["match_id"]]),
                    }
                )
        return out

    def _shots_faced(self, player_id: int, match_ids: Sequence[int]) -> Any:
        from loanwatch.metrics.goalkeeping import shots_faced
        from loanwatch.metrics.roles import infer_roles

        ids = [int(m) for m in match_ids]
        matches = self.store.matches_frame()
        matches = matches[matches["match_id"].isin(ids)]
        actions = self.store.actions_frame(ids)
        appearances = self.store.appearances_frame()
        appearances = appearances[appearances["match_id"].isin(ids)]
        model = self.store.latest_model("xg")
        values = self.store.action_values_frame(int(model["id"])) if model else None
        if values is not None:
            values = values[values["match_id"].isin(ids)]
        roles = infer_roles(actions, matches, appearances)
        keepers = roles.loc[(roles["role"] == GOALKEEPER), ["match_id", "player_id"]]
        shots = shots_faced(self.store.events_frame(ids), actions, values, appearances, keepers, matches)
        return shots[shots["player_id"] == player_id].reset_index(drop=True)

    def export_metrics(
        self, season: str, out: str | Path, fmt: str = "csv", *, min_minutes: float = MIN_MINUTES
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

        config = load_config(path, settings=self.settings)
        self._alert_config = config.with_overrides(overrides) if overrides else config
        return self._alert_config

    def _tracker(self) -> Any:
        """One Tracker per instance: it caches the store's per-match stats, which a report reads
        for its timelines, form and alerts. Anything that changes the store drops it."""
        from loanwatch.services.tracker import Tracker
        from loanwatch.tracking.config import load_config

        chosen = getattr(self, "_alert_config", None)  # None: the default settings
        cached = self._tracker_cache
        if cached is None or cached[0] is not chosen:
            config = chosen or load_config(settings=self.settings)
            cached = self._tracker_cache = (chosen, Tracker(self.store, config))
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
        from loanwatch.services.tracker import career

        return career(self._tracker(), int(self.find_player(name)["id"]), as_of)

    def player_alerts(self, name: str, as_of: date | None = None) -> list[dict[str, Any]]:
        """The player's alerts live on ``as_of``: dicts with kind, severity, title, evidence (a
        dict), raised_on, status (open / dismissed, or new when not yet stored). Reads only."""
        from loanwatch.services.tracker import alert_dict

        tracker = self._tracker()
        player_id = int(self.find_player(name)["id"])
        day = as_of or tracker.default_as_of()
        stored = tracker.stored_by_key(player_id)
        return [alert_dict(a, stored.get(a.key), day) for a in tracker.live_alerts(day, [player_id])]

    def form(self, name: str, as_of: date | None = None) -> dict[str, Any]:
        """The trend verdict (breakout / slump / steady / not enough minutes / no data) for the
        player's current spell, with its numbers and ``words`` explaining it (tracking/trends.py)."""
        from loanwatch.services.tracker import form

        return form(self._tracker(), int(self.find_player(name)["id"]), as_of)

    def assessment(self, name: str, as_of: date | None = None, spell_id: int | None = None) -> Any:
        """The player's current spell (or ``spell_id``) judged once as of the date: availability,
        trend verdict, trigger progress, calendar (tracking/assessment.py); None without a spell.
        The form section, the alerts and the recommendation all read it."""
        from loanwatch.services.tracker import assessment

        return assessment(self._tracker(), int(self.find_player(name)["id"]), as_of, spell_id)

    @writes
    def refresh_alerts(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Compute every alert live on ``as_of`` and store the new ones (raised_on = the match that
        made each true)."""
        from loanwatch.services.tracker import refresh_alerts

        tracker = self._tracker()
        return list(refresh_alerts(tracker, as_of or tracker.default_as_of()))

    @writes
    def alerts(
        self, as_of: date | None = None, *, include_all: bool = False, owner: str | None = None
    ) -> list[dict[str, Any]]:
        """Open alerts live on ``as_of`` (refreshed first); ``include_all``: every alert raised by
        then, dismissed and ended ones included; ``owner``: only that owner's loanees. Computed from
        the data up to ``as_of``: the same answer whatever ran before (the store keeps ids and
        dismissals)."""
        from loanwatch.services.tracker import refresh_alerts

        wanted = self.owned_player_ids(owner)
        if not include_all:
            rows = [r for r in self.refresh_alerts(as_of) if r["status"] == "open"]
        else:
            tracker = self._tracker()
            rows = list(refresh_alerts(tracker, as_of or tracker.default_as_of(), everything=True))
        return [r for r in rows if wanted is None or int(r["player_id"]) in wanted]

    def default_as_of(self) -> date:
        """The date an answer is as of when none is asked: the last match of the competitions the
        portfolio's host clubs play in (or today, when earlier)."""
        return self._tracker().default_as_of()  # type: ignore[no-any-return]

    @writes
    def digest(self, week: str | None = None, as_of: date | None = None, owner: str | None = None) -> Any:
        """The weekly digest (``week`` as 2018-W03, or the week of ``as_of``): per loanee and
        watched player, the week's matches and what changed, alerts first. Stores new alerts.
        With ``owner``: only that owner club's loanees (no watched players)."""
        from loanwatch.services.tracker import digest

        wanted = self.owned_player_ids(owner)
        out = digest(self._tracker(), week, as_of)
        if wanted is not None:
            out.entries = [e for e in out.entries if e.watchlist is None and e.player_id in wanted]
        return out

    @writes
    def dismiss_alert(self, alert_id: int, by: str, reason: str) -> bool:
        """Dismiss an alert, with who and why; it stays dismissed when it is computed again."""
        self._store_changed()
        if not by.strip() or not reason.strip():
            raise ValueError("a dismissal needs who dismissed it and why")
        return self.store.dismiss_alert(alert_id, by.strip(), reason.strip())

    @writes
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

    @writes
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
        min_minutes: float = MIN_MINUTES,
        reference_league: str | None = None,
    ) -> Path:
        """Write the player's report: ``lang`` it / en / fr, ``fmt`` html / pdf, ``edition`` coach
        (no fees or contract terms) or director. The season profile, shot and action maps need
        the trained models (`loanwatch models train`); without them the report says so."""
        return self._services().reports.write(
            self._services().players.resolve(name),
            out_dir,
            as_of,
            lang=lang,
            fmt=fmt,
            edition=edition,
            min_minutes=min_minutes,
            reference_league=reference_league,
        )

    def report_data(
        self,
        name: str,
        *,
        as_of: date | None = None,
        edition: str = "coach",
        min_minutes: float = MIN_MINUTES,
        reference_league: str | None = None,
    ) -> dict[str, Any]:
        """The content of the player's report (reports.data), as the edition's role sees it."""
        services = self._services()
        return services.reports.report(
            services.players.resolve(name),
            as_of=as_of,
            edition=edition,
            min_minutes=min_minutes,
            reference_league=reference_league,
        ).content

    def _services(self) -> Any:
        from loanwatch.services import Context, Services

        ctx = Context(self.store, self.settings, url=self.url)
        ctx.caches.alert_config = getattr(self, "_alert_config", None)
        if self._tracker_cache is not None and self._tracker_cache[0] is ctx.caches.alert_config:
            ctx.caches.tracker = self._tracker_cache
        return Services(ctx)

    def loanee_names(self, owner: str | None = None) -> list[str]:
        """Every player of the portfolio (of one owner club with ``owner``), once, as reports name them."""
        ids = dict.fromkeys(s["player_id"] for s in self.owned_by(self.store.loan_spells(), owner))
        return [display_name(self.store.player(pid) or {}) for pid in ids]

    def report_all(
        self,
        out_dir: str | Path = "reports",
        as_of: date | None = None,
        *,
        lang: str = "en",
        fmt: str = "html",
        edition: str = "coach",
        min_minutes: float = MIN_MINUTES,
        progress: Callable[[str, int, int], None] | None = None,
        owner: str | None = None,
        reference_league: str | None = None,
    ) -> list[Path]:
        """:meth:`report` for every loanee (of ``owner``); ``progress(name, done, total)`` after each one."""
        names = self.loanee_names(owner)
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
