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

    def data_version(self) -> tuple[str, ...]:
        """A stamp that changes when what a page shows may have changed: an ingest run, a model
        trained, a loan spell added or its terms changed, an alert stored or dismissed, a note, a
        watched player or a squad list's player added (one query of a few aggregates: cheap
        enough for every request)."""
        s = t.loan_spells.c
        terms = (
            func.coalesce(s.option_fee_eur, 0)
            + func.coalesce(s.obligation_fee_eur, 0)
            + func.coalesce(s.trigger_appearances, 0)
            + func.length(s.loan_type)
            + func.length(s.obligation_trigger)
            + func.length(s.recall_clause)
            + func.length(s.notes)
            + func.length(s.host_club_name)
        )
        parts = (
            select(func.max(t.ingest_runs.c.id)),
            select(func.max(t.models.c.id)),
            select(func.count()).select_from(t.loan_spells),
            select(func.max(t.loan_spells.c.id)),
            select(func.sum(terms)),
            select(func.max(s.end_date)),
            select(func.max(t.alerts.c.id)),
            select(func.max(t.alerts.c.dismissed_at)),
            select(func.max(t.scout_notes.c.id)),
            select(func.count()).select_from(t.watchlist_players),
            # the squad lists (the market plan's depth chart reads them): rows added, contract ends given
            select(func.count()).select_from(t.squad_players),
            select(func.max(t.squad_players.c.id)),
            select(func.count(t.squad_players.c.contract_end)),
        )
        with self.engine.connect() as conn:
            row = conn.execute(select(*(p.scalar_subquery() for p in parts))).one()
        return tuple("" if v is None else str(v) for v in row)
