"""The service layer: every user action, under the CLI, the Python API (``loanwatch.api``) and
the web app to come. Read this package first.

Each service takes a :class:`Context` (the store, the settings, the acting user and his role) and
returns typed models (``models.py``, pydantic) as that user may see them (``loanwatch.access``).
A player's name is resolved once, at the edge (:meth:`PlayerService.resolve` -> ``PlayerRef``);
every other method takes the reference.

==================  ===========================================================================
module              what
==================  ===========================================================================
``context.py``      ``Context``, ``User``, the writer lock of the methods that write (``writes``)
``models.py``       the typed results
``players.py``      resolving names into references, a player's record, match warnings
``portfolio.py``    the loan list: import, spells, owners, the owner filter, loanees
``tracking.py``     timelines, careers, form, assessments, alerts, digest, watchlists, notes
``_tracker.py``     the store reads behind tracking (cached per context; private: the services call it)
``metrics.py``      training, season and goalkeeper profiles, reference league, export
``reports.py``      what a report reads, gathered once; writing reports and the digest
``ingest.py``       ingesting provider files; the demo
``plan.py``         the market plan: decisions per owner and season, decision cards, the plan PDF
``market.py``       the owner's squad, next season's depth per role, the rules check (issue 11)
``market_models``   their typed results
``similar.py``      similar players and replacements: by style (player vectors) and by output
``users.py``        the web app's users, logins (sessions, tokens, the throttle), the audit log
==================  ===========================================================================
"""

from __future__ import annotations

from loanwatch.services.context import Context, User
from loanwatch.services.ingest import IngestService
from loanwatch.services.market import MarketService
from loanwatch.services.metrics import MetricsService
from loanwatch.services.plan import PlanService
from loanwatch.services.players import PlayerService
from loanwatch.services.portfolio import PortfolioService
from loanwatch.services.reports import ReportService
from loanwatch.services.similar import SimilarService
from loanwatch.services.tracking import TrackingService
from loanwatch.services.users import AuditService, UsersService


class Services:
    """Every service over one context: ``Services(ctx).players.resolve("Orsolini")``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.players = PlayerService(ctx)
        self.portfolio = PortfolioService(ctx)
        self.tracking = TrackingService(ctx)
        self.metrics = MetricsService(ctx)
        self.reports = ReportService(ctx)
        self.ingest = IngestService(ctx)
        self.plan = PlanService(ctx)
        self.market = MarketService(ctx)
        self.similar = SimilarService(ctx)
        self.users = UsersService(ctx)
        self.audit = AuditService(ctx)


SERVICES: tuple[type, ...] = (
    PlayerService,
    PortfolioService,
    TrackingService,
    MetricsService,
    ReportService,
    IngestService,
    PlanService,
    MarketService,
    SimilarService,
    UsersService,
    AuditService,
)

__all__ = [
    "SERVICES",
    "AuditService",
    "Context",
    "IngestService",
    "MarketService",
    "MetricsService",
    "PlanService",
    "PlayerService",
    "PortfolioService",
    "ReportService",
    "Services",
    "SimilarService",
    "TrackingService",
    "User",
    "UsersService",
]
