"""loanwatch's Python API: a thin facade over the services (``loanwatch.services``), for scripts
and notebooks. Each method resolves a player's name once (``PlayerService.resolve``) and
delegates; the results are the services' typed models (pydantic, read by attribute).

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

import functools
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar, Unpack

from loanwatch.access import Role
from loanwatch.errors import PlayerAmbiguous as PlayerAmbiguous  # re-exported: the old path
from loanwatch.errors import PlayerNotFound as PlayerNotFound
from loanwatch.metrics.league import Reference
from loanwatch.services import Context, Services, User
from loanwatch.services.ingest import REPO_ROOT as REPO_ROOT
from loanwatch.services.ingest import SAMPLE_DATA as SAMPLE_DATA
from loanwatch.services.ingest import SAMPLE_PORTFOLIO as SAMPLE_PORTFOLIO
from loanwatch.services.models import LoanSpell, Player, PlayerRef
from loanwatch.services.reports import ReportOptions
from loanwatch.settings import MIN_MINUTES, Settings
from loanwatch.store import Store

_P = ParamSpec("_P")
_R = TypeVar("_R")


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
        self.update = svc.ingest.update  # the weekly routine: ingest, rate the new matches, alerts
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
        self.market_plan = svc.plan.plan  # the market plan (issue 11): decisions, cards, squad
        self.plan_decisions = svc.plan.decisions
        self.decision_cards = svc.plan.cards
        self.write_plan = svc.plan.write
        self.import_squad = svc.market.import_squad
        self.squad = svc.market.squad
        self.depth = svc.market.depth
        self.rules_check = svc.market.rules_check
        # What takes a player's name: the name resolved once (PlayerService.resolve), then the service.
        self.timelines = self.player_timelines = self._by_name(svc.tracking.timelines)
        self.career = self._by_name(svc.tracking.career)
        self.player_alerts = self._by_name(svc.tracking.player_alerts)
        self.form = self._by_name(svc.tracking.form)
        self.assessment = self._by_name(svc.tracking.assessment)
        self.watch = self._by_name(svc.tracking.watch)
        self.add_note = self._by_name(svc.tracking.add_note)
        self.spell_profiles = self._by_name(svc.metrics.spell_profiles)
        self.goalkeeper_profiles = self._by_name(svc.metrics.goalkeeper_profiles)
        self.report = self._by_name(svc.reports.write)
        self.decide = self._by_name(svc.plan.decide)
        self.undecide = self._by_name(svc.plan.undecide)
        self.similar = self._by_name(svc.similar.similar)  # market similar: by style and by output
        self.write_similar = svc.similar.write
        self.settings: Settings = self.ctx.settings
        self.url: str = self.ctx.url
        self.store: Store = self.ctx.store
        self.location: str = self.ctx.location

    def _by_name(
        self, method: Callable[Concatenate[PlayerRef, _P], _R]
    ) -> Callable[Concatenate[str, _P], _R]:
        """``method`` of a service, taking a player's name (or provider id, or "Name (born
        YYYY-MM-DD)") where the service takes a reference: the name is resolved once, here."""
        resolve = self.services.players.resolve

        @functools.wraps(method)
        def named(name: str, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            return method(resolve(name), *args, **kwargs)

        return named

    def find_player(self, name: str) -> Player:
        """One player by name (loanees first), a provider id or "Name (born YYYY-MM-DD)";
        PlayerAmbiguous (a PlayerNotFound) lists namesakes (PlayerService.resolve)."""
        players = self.services.players
        return players.player(players.resolve(name))

    def reference_league(
        self, spell: Mapping[str, object] | LoanSpell, chosen: str | None = None
    ) -> Reference:
        """The league a spell's figures are adjusted to (MetricsService.reference_league)."""
        row = spell.model_dump() if isinstance(spell, LoanSpell) else spell
        return self.services.metrics.reference_league(row, chosen)

    def export_metrics(
        self, season: str, out: str | Path, fmt: str = "csv", *, min_minutes: float = MIN_MINUTES
    ) -> tuple[Path, int]:
        done = self.services.metrics.export(season, out, fmt, min_minutes=min_minutes)
        return done.path, done.rows

    def report_data(
        self, name: str, *, as_of: date | None = None, **options: Unpack[ReportOptions]
    ) -> dict[str, object]:
        """The content of the player's report (reports.data), as the edition's role sees it."""
        return self.services.reports.report(self.services.players.resolve(name), as_of, **options).content
