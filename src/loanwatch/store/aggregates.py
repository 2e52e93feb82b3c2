"""Per-season aggregates (per player, competition and season: the totals his percentiles are
ranked against) and the partition reads that write them: what a player's profile reads instead of
every per-match row of the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, exists, select

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase

KINDS: dict[str, Table] = {
    "players": t.season_player_totals,
    "goalkeepers": t.season_goalkeeper_totals,
}
_PER_MATCH: dict[str, Table] = {
    "players": t.player_match_stats,
    "goalkeepers": t.goalkeeper_match_stats,
}


class AggregateStore(StoreBase):
    """The stored season aggregates (``season_player_totals``, ``season_goalkeeper_totals``)."""

    def season_ids(self, competition_id: int, season: str) -> list[int]:
        """The ids of a competition's seasons named ``season`` (2017/18)."""
        q = select(t.seasons.c.id).where(
            t.seasons.c.competition_id == competition_id, t.seasons.c.name == season
        )
        with self.engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(q)]

    def save_season_aggregates(self, season_id: int, kind: str, frame: Any) -> None:
        """Replace one competition-season's aggregates of a kind (players, goalkeepers) by the rows
        of ``frame`` (the table's columns), in one transaction."""
        table = KINDS[kind]
        cols = [c.name for c in table.columns]
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.season_id == season_id))
            if len(frame):
                rows = frame[cols].astype(object).where(frame[cols].notna(), None)
                self._bulk_insert(conn, table.name, cols, rows.itertuples(index=False, name=None))

    def season_aggregates_frame(self, kind: str, season_ids: Sequence[int]) -> Any:
        """The stored aggregates of these competition-seasons, with the competition's and the
        season's names (``competition``, ``season``), ordered by season and player."""
        import pandas as pd

        table = KINDS[kind]
        q = (
            select(table, t.competitions.c.name.label("competition"), t.seasons.c.name.label("season"))
            .join(t.seasons, t.seasons.c.id == table.c.season_id)
            .join(t.competitions, t.competitions.c.id == table.c.competition_id)
            .where(table.c.season_id.in_([int(s) for s in season_ids]))
            .order_by(table.c.season_id, table.c.player_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=list(q.selected_columns.keys()))

    def seasons_with_aggregates(self, season_ids: Sequence[int]) -> set[int]:
        """Which of these competition-seasons have their aggregates stored (players kind)."""
        table = t.season_player_totals
        q = select(table.c.season_id).where(table.c.season_id.in_([int(s) for s in season_ids])).distinct()
        with self.engine.connect() as conn:
            return {int(r[0]) for r in conn.execute(q)}

    def has_per_match_stats(self, season_id: int, kind: str = "players") -> bool:
        """True when per-match stats of that kind are stored for a match of the season."""
        per = _PER_MATCH[kind]
        q = select(
            exists().where(per.c.match_id == t.matches.c.id, t.matches.c.season_id == season_id)
        )
        with self.engine.connect() as conn:
            return bool(conn.execute(q).scalar())

    def has_any_match_stats(self) -> bool:
        """True once per-match stats are stored (a trained store)."""
        with self.engine.connect() as conn:
            any_row = exists().where(t.player_match_stats.c.match_id.isnot(None))
            return bool(conn.execute(select(any_row)).scalar())

    def competition_season_stats_frame(self, competition: str, season: str) -> Any:
        """The stored per-match stats of a competition's (by name) season (by name, 2017/18), with
        each match's kickoff: the pool a spell's role priors read (tracking/trends.py)."""
        import pandas as pd

        per = t.player_match_stats
        q = (
            select(per, t.matches.c.kickoff)
            .join(t.matches, t.matches.c.id == per.c.match_id)
            .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
            .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
            .where(t.competitions.c.name == competition, t.seasons.c.name == season)
            .order_by(per.c.match_id, per.c.player_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=list(q.selected_columns.keys()))

    def season_match_stats_frame(self, season_id: int, kind: str = "players") -> Any:
        """The stored per-match stats of one competition-season's matches (its partition)."""
        import pandas as pd

        per = _PER_MATCH[kind]
        cols = [c.name for c in per.columns]
        q = (
            select(per)
            .join(t.matches, t.matches.c.id == per.c.match_id)
            .where(t.matches.c.season_id == season_id)
            .order_by(per.c.match_id, per.c.player_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=cols)
