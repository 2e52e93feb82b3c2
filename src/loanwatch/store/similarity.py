"""Similar players: the action-start counts per player and competition-season (market/similarity.py's
groups and grid), and what each partition was built from."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, exists, func, insert, select

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class SimilarityStore(StoreBase):
    """``style_counts`` and ``style_partitions`` (migration 0013)."""

    def style_signatures(self) -> dict[int, str]:
        """Per competition-season (``seasons.id``): what its counts depend on, read from the matches
        table alone: its matches, those with SPADL actions, the sum of their source file ids (a
        changed file replaces its match)."""
        has_actions = exists().where(t.actions.c.match_id == t.matches.c.id)
        q = select(
            t.matches.c.season_id,
            func.count(),
            func.sum(case((has_actions, 1), else_=0)),
            func.sum(t.matches.c.source_file_id),
        ).group_by(t.matches.c.season_id)
        with self.engine.connect() as conn:
            return {int(s): f"{n}:{int(a or 0)}:{int(f or 0)}" for s, n, a, f in conn.execute(q)}

    def stored_style_signatures(self) -> dict[int, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.style_partitions.c.season_id, t.style_partitions.c.signature))
            return {int(s): str(sig) for s, sig in rows}

    def style_inputs(self, season_id: int, type_ids: Iterable[int]) -> tuple[Any, Any, Any]:
        """What a partition's counts are built from, only the columns needed: its matches
        (``match_id, home_club_id``), the actions of these types (``match_id, club_id, player_id,
        period_id, type_id, start_x, start_y, end_x, end_y``) and each player's minutes
        (``player_id, minutes``)."""
        import pandas as pd

        ids = select(t.matches.c.id).where(t.matches.c.season_id == season_id)
        a = t.actions.c
        cols = (
            a.match_id,
            a.club_id,
            a.player_id,
            a.period_id,
            a.type_id,
            a.start_x,
            a.start_y,
            a.end_x,
            a.end_y,
        )
        acts = select(*cols).where(a.match_id.in_(ids), a.type_id.in_(sorted(type_ids)))
        ap = t.appearances.c
        mins = (
            select(ap.player_id, func.sum(ap.minutes_played).label("minutes"))
            .where(ap.match_id.in_(ids))
            .group_by(ap.player_id)
        )
        matches = select(t.matches.c.id.label("match_id"), t.matches.c.home_club_id).where(
            t.matches.c.season_id == season_id
        )
        with self.engine.connect() as conn:
            out = [
                pd.DataFrame.from_records(conn.execute(q).all(), columns=list(q.selected_columns.keys()))
                for q in (matches, acts, mins)
            ]
        return out[0], out[1], out[2]

    def save_style_counts(
        self, season_id: int, signature: str, rows: Sequence[tuple[int, str, float, dict[int, int]]]
    ) -> None:
        """Replace a partition's counts: rows of (player_id, action group, minutes, {cell: count})."""
        with self.engine.begin() as conn:
            conn.execute(delete(t.style_counts).where(t.style_counts.c.season_id == season_id))
            conn.execute(delete(t.style_partitions).where(t.style_partitions.c.season_id == season_id))
            if rows:
                self._bulk_insert(
                    conn,
                    "style_counts",
                    ("season_id", "player_id", "action_group", "minutes", "counts"),
                    (
                        (season_id, p, g, m, json.dumps({str(k): v for k, v in c.items()}))
                        for p, g, m, c in rows
                    ),
                )
            conn.execute(
                insert(t.style_partitions).values(
                    season_id=season_id, signature=signature, built_at=datetime.now()
                )
            )

    def style_counts_frame(
        self, season_ids: Sequence[int] | None = None, player_ids: Sequence[int] | None = None
    ) -> tuple[Any, Any]:
        """The stored counts, one row per player-season, group and cell (``season_id, player_id,
        group, cell, count``), and the minutes of each player-season (``season_id, player_id,
        minutes``)."""
        import pandas as pd

        c = t.style_counts.c
        q = select(c.season_id, c.player_id, c.action_group, c.minutes, c.counts)
        if season_ids is not None:
            q = q.where(c.season_id.in_(list(season_ids)))
        if player_ids is not None:
            q = q.where(c.player_id.in_(list(player_ids)))
        cells: list[tuple[int, int, str, int, int]] = []
        minutes: dict[tuple[int, int], float] = {}
        with self.engine.connect() as conn:
            for season, player, group, mins, counts in conn.execute(q):
                minutes[(int(season), int(player))] = float(mins)
                cells.extend((season, player, group, int(k), int(v)) for k, v in json.loads(counts).items())
        frame = pd.DataFrame.from_records(
            cells, columns=["season_id", "player_id", "group", "cell", "count"]
        )
        mins_frame = pd.DataFrame(
            [(s, p, m) for (s, p), m in minutes.items()], columns=["season_id", "player_id", "minutes"]
        )
        return frame, mins_frame
