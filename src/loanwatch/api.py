"""loanwatch's Python API: a thin facade over the services (``loanwatch.services``), for scripts
and notebooks. Each method resolves a player's name once (``PlayerService.resolve``) and
delegates; the results are the services' typed models (readable like the dicts they replaced).

from loanwatch.api import Loanwatch
lw = Loanwatch("loanwatch.db")
lw.ingest(["data/wyscout-2017-18"])
lw.import_portfolio("data/portfolios/juventus-2017-18.csv")
for timeline in lw.player_timelines("Orsolini"):
    print(timeline.spell["host_club_name"], timeline.appearances)

It acts as the local user, with the role ``role`` or the settings' (``LOANWATCH_ROLE``; default:
the director, the person at the terminal owns the store).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from loanwatch.access import Role
from loanwatch.errors import PlayerAmbiguous as PlayerAmbiguous  # re-exported: the old path
from loanwatch.errors import PlayerNotFound as PlayerNotFound
from loanwatch.metrics.league import Reference
from loanwatch.services import Context, Services, User
from loanwatch.services.ingest import REPO_ROOT as REPO_ROOT
from loanwatch.services.ingest import SAMPLE_DATA as SAMPLE_DATA
from loanwatch.services.ingest import SAMPLE_PORTFOLIO as SAMPLE_PORTFOLIO
from loanwatch.services.models import (
    AlertView,
    Assessment,
    Career,
    Form,
    GoalkeeperProfile,
    LoanSpell,
    Player,
    SpellProfile,
)
from loanwatch.settings import MIN_MINUTES, Settings
from loanwatch.store import Store
from loanwatch.tracking.timeline import SpellTimeline


class Loanwatch:
    def __init__(
        self, store: str | None = None, *, settings: Settings | None = None, role: Role | None = None
    ) -> None:
        # The settings as of opening (settings.py: argument > environment > loanwatch.toml > default).
        # The role: ``role``, else the settings' (LOANWATCH_ROLE; default: the director).
        self.ctx = Context.open(store, settings=settings, user=User("local", role) if role else None)
        self.services = svc = Services(self.ctx)
        # What takes no player's name is the service's own method.
        self.ingest = svc.ingest.ingest
        self.ingest_file = svc.ingest.ingest_file
        self.demo = svc.ingest.demo
        self.import_portfolio = svc.portfolio.import_loan_list
        self.loan_spells = svc.portfolio.loan_spells
        self.owners = svc.portfolio.owners
        self.owned_player_ids = svc.portfolio.owned_player_ids
        self.loanee_names = svc.portfolio.loanee_names
        self.compute_metrics = svc.metrics.train
        self.club_league = svc.metrics.club_league
        self.configure_alerts = svc.tracking.configure_alerts
        self.default_as_of = svc.tracking.default_as_of
        self.refresh_alerts = svc.tracking.refresh_alerts
        self.alerts = svc.tracking.alerts
        self.digest = svc.tracking.digest
        self.dismiss_alert = svc.tracking.dismiss_alert
        self.watchlist = svc.tracking.watchlist
        self.report_all = svc.reports.write_all

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def url(self) -> str:
        return self.ctx.url

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def location(self) -> str:
        return self.ctx.location

    def find_player(self, name: str) -> Player:
        """One player by name (loanees first), a provider id or "Name (born YYYY-MM-DD)";
        PlayerAmbiguous (a PlayerNotFound) lists namesakes (PlayerService.resolve)."""
        players = self.services.players
        return players.player(players.resolve(name))

    # -- what takes a player's name: resolved once, then the services ----------------------------

    def reference_league(
        self, spell: Mapping[str, object] | LoanSpell, chosen: str | None = None
    ) -> Reference:
        row = spell.model_dump() if isinstance(spell, LoanSpell) else spell
        return self.services.metrics.reference_league(row, chosen)

    def spell_profiles(
        self,
        name: str,
        *,
        as_of: date | None = None,
        min_minutes: float = MIN_MINUTES,
        reference: str | None = None,
    ) -> list[SpellProfile]:
        ref = self.services.players.resolve(name)
        return self.services.metrics.spell_profiles(
            ref, as_of=as_of, min_minutes=min_minutes, reference=reference
        )

    def goalkeeper_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = MIN_MINUTES
    ) -> list[GoalkeeperProfile]:
        ref = self.services.players.resolve(name)
        return self.services.metrics.goalkeeper_profiles(ref, as_of=as_of, min_minutes=min_minutes)

    def export_metrics(
        self, season: str, out: str | Path, fmt: str = "csv", *, min_minutes: float = MIN_MINUTES
    ) -> tuple[Path, int]:
        done = self.services.metrics.export(season, out, fmt, min_minutes=min_minutes)
        return done.path, done.rows

    # -- tracking -----------------------------------------------------------------------------

    def timelines(self, name: str, as_of: date | None = None) -> list[SpellTimeline]:
        return self.services.tracking.timelines(self.services.players.resolve(name), as_of)

    player_timelines = timelines

    def career(self, name: str, as_of: date | None = None) -> Career:
        return self.services.tracking.career(self.services.players.resolve(name), as_of)

    def player_alerts(self, name: str, as_of: date | None = None) -> list[AlertView]:
        return self.services.tracking.player_alerts(self.services.players.resolve(name), as_of)

    def form(self, name: str, as_of: date | None = None) -> Form:
        return self.services.tracking.form(self.services.players.resolve(name), as_of)

    def assessment(
        self, name: str, as_of: date | None = None, spell_id: int | None = None
    ) -> Assessment | None:
        return self.services.tracking.assessment(self.services.players.resolve(name), as_of, spell_id)

    def watch(self, name: str, watchlist: str, note: str = "") -> Player:
        return self.services.tracking.watch(self.services.players.resolve(name), watchlist, note)

    def add_note(self, name: str, author: str, text: str, written_on: date | None = None) -> int:
        return self.services.tracking.add_note(self.services.players.resolve(name), author, text, written_on)

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
        """Write the player's report (ReportService.write): ``edition`` coach (what the coach
        sees: no fees or contract terms) or director."""
        return self.services.reports.write(
            self.services.players.resolve(name),
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
    ) -> dict[str, object]:
        """The content of the player's report (reports.data), as the edition's role sees it."""
        return self.services.reports.report(
            self.services.players.resolve(name),
            as_of=as_of,
            edition=edition,
            min_minutes=min_minutes,
            reference_league=reference_league,
        ).content
