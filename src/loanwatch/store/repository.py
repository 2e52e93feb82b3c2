"""Reading and writing the store. Each match is written in one transaction with its source file.

One :class:`Store`, composed from one class per area (each in its module, on :class:`StoreBase`):
``files`` (ingest runs, source files), ``players`` (players, clubs), ``matches`` (sheets, matches,
appearances, events, fixtures), ``portfolio`` (loan spells), ``squad`` (the owner's squad list),
``tracking`` (alerts, notes, watchlists), ``metrics`` (actions, models, action values, per-match
stats), ``ratings`` (the model versions that rated each match), ``aggregates`` (per-season
aggregates, the partition reads behind them), ``plans`` (the market plan's decisions),
``similarity`` (action-start counts per player and competition-season, for similar players),
``users`` (the web app's users, sessions and tokens, the audit log).
"""

from __future__ import annotations

from sqlalchemy import func, select

from loanwatch.store import schema as t
from loanwatch.store.aggregates import AggregateStore
from loanwatch.store.files import SourceFile
from loanwatch.store.matches import MatchStore
from loanwatch.store.metrics import MetricsStore
from loanwatch.store.plans import PlanStore
from loanwatch.store.portfolio import PortfolioStore
from loanwatch.store.ratings import RatingsStore
from loanwatch.store.similarity import SimilarityStore
from loanwatch.store.squad import SquadStore
from loanwatch.store.tracking import TrackingStore
from loanwatch.store.users import UserStore

__all__ = ["SourceFile", "Store"]


class Store(
    MatchStore,
    PortfolioStore,
    SquadStore,
    TrackingStore,
    MetricsStore,
    RatingsStore,
    AggregateStore,
    PlanStore,
    SimilarityStore,
    UserStore,
):
    """The one way the rest of loanwatch reads and writes the database."""

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in (
                    ("matches", t.matches),
                    ("events", t.events),
                    ("players", t.players),
                    ("clubs", t.clubs),
                    ("appearances", t.appearances),
                    ("loan_spells", t.loan_spells),
                )
            }
