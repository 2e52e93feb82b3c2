"""Metrics: SPADL actions, trained models and their action values, per-match stats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, inspect, select

from loanwatch.frames import ACTIONS
from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class MetricsStore(StoreBase):
    """SPADL actions, models, action values, per-match stats (outfield players and goalkeepers)."""

    # -- SPADL actions --------------------------------------------------------------------

    ACTION_COLUMNS = tuple(ACTIONS.names)

    def save_actions(self, match_ids: Sequence[int], rows: Iterable[tuple[Any, ...]] | Any) -> None:
        """Replace the SPADL actions of these matches, in one transaction: a frame (checked against
        ``frames.ACTIONS``) or rows in ACTION_COLUMNS order."""
        import pandas as pd

        if isinstance(rows, pd.DataFrame):
            from loanwatch.frames import ACTIONS

            rows = ACTIONS.rows(ACTIONS.validate(rows))
        with self.engine.begin() as conn:
            conn.execute(delete(t.actions).where(t.actions.c.match_id.in_(list(match_ids))))
            self._bulk_insert(conn, "actions", self.ACTION_COLUMNS, rows)

    def actions_frame(
        self, match_ids: Sequence[int] | None = None, type_ids: Sequence[int] | None = None
    ) -> Any:
        """SPADL actions as a pandas DataFrame (``ACTION_COLUMNS``: match_id, club_id, ...),
        ordered by match and action (only these matches, and actions of these types, when given)."""
        import pandas as pd

        q = select(*(t.actions.c[c] for c in self.ACTION_COLUMNS)).order_by(
            t.actions.c.match_id, t.actions.c.action_id
        )
        if match_ids is not None:
            q = q.where(t.actions.c.match_id.in_(list(match_ids)))
        if type_ids is not None:
            q = q.where(t.actions.c.type_id.in_(sorted({int(i) for i in type_ids})))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        from loanwatch.frames import ACTIONS

        return ACTIONS.validate(pd.DataFrame.from_records(rows, columns=list(self.ACTION_COLUMNS)))

    def matches_with_actions(self) -> set[int]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(t.actions.c.match_id).distinct())}

    def matches_without_actions(self) -> list[int]:
        """The matches with no SPADL actions yet (new ones): one index probe per match, not a scan
        of every action."""
        has = select(t.actions.c.match_id).where(t.actions.c.match_id == t.matches.c.id).exists()
        with self.engine.connect() as conn:
            return sorted(int(r[0]) for r in conn.execute(select(t.matches.c.id).where(~has)))

    # -- models and action values ---------------------------------------------------------

    def save_model(
        self,
        kind: str,
        blob: bytes,
        training_set: dict[str, Any],
        params: dict[str, Any],
        quality: dict[str, Any],
    ) -> int:
        """Store a trained model as the next version of its kind; returns its id."""
        with self.engine.begin() as conn:
            last = conn.execute(select(func.max(t.models.c.version)).where(t.models.c.kind == kind)).scalar()
            result = conn.execute(
                insert(t.models).values(
                    kind=kind,
                    version=(last or 0) + 1,
                    trained_at=datetime.now(),
                    training_set=json.dumps(training_set),
                    params=json.dumps(params),
                    quality=json.dumps(quality),
                    blob=blob,
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def latest_model(self, kind: str) -> dict[str, Any] | None:
        """The newest version of a kind of model, with its blob and metadata (JSON decoded)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.models).where(t.models.c.kind == kind).order_by(t.models.c.version.desc()).limit(1)
            ).first()
        return self._model_row(row)

    def model(self, model_id: int) -> dict[str, Any] | None:
        """One model by its id, with its blob and metadata (JSON decoded); None if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.models).where(t.models.c.id == model_id)).first()
        return self._model_row(row)

    @staticmethod
    def _model_row(row: Any) -> dict[str, Any] | None:
        if row is None:
            return None
        model = dict(row._mapping)
        for key in ("training_set", "params", "quality"):
            model[key] = json.loads(model[key]) if model[key] else {}
        return model

    def save_action_values(
        self,
        model_id: int,
        rows: Iterable[tuple[int, int, float, float, float]] | Any,
        match_ids: Sequence[int] | None = None,
    ) -> None:
        """Replace a model's values (every one, or those of ``match_ids`` only): a frame (checked
        against ``frames.ACTION_VALUES``) or rows of (match_id, action_id, offensive, defensive, value)."""
        import pandas as pd

        if isinstance(rows, pd.DataFrame):
            from loanwatch.frames import ACTION_VALUES

            rows = ACTION_VALUES.rows(ACTION_VALUES.validate(rows))
        with self.engine.begin() as conn:
            mine = t.action_values.c.model_id == model_id
            if match_ids is None:
                conn.execute(delete(t.action_values).where(mine))
            else:
                ids = sorted({int(m) for m in match_ids})
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    conn.execute(delete(t.action_values).where(mine, t.action_values.c.match_id.in_(chunk)))
            self._bulk_insert(
                conn,
                "action_values",
                ("model_id", "match_id", "action_id", "offensive", "defensive", "value"),
                ((model_id, *r) for r in rows),
            )

    def action_values_frame(self, model_id: int, match_ids: Sequence[int] | None = None) -> Any:
        """A model's action values (of every match, or of ``match_ids``), by match and action."""
        import pandas as pd

        cols = ("match_id", "action_id", "offensive", "defensive", "value")
        q = (
            select(*(t.action_values.c[c] for c in cols))
            .where(t.action_values.c.model_id == model_id)
            .order_by(t.action_values.c.match_id, t.action_values.c.action_id)
        )
        if match_ids is not None:
            q = q.where(t.action_values.c.match_id.in_(sorted({int(m) for m in match_ids})))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        from loanwatch.frames import ACTION_VALUES

        return ACTION_VALUES.validate(pd.DataFrame.from_records(rows, columns=list(cols)))

    # -- per-match stats ------------------------------------------------------------------

    def save_player_match_stats(self, frame: Any) -> None:
        """Replace the per-match stats of the matches in ``frame`` (columns of player_match_stats)."""
        from loanwatch.frames import PLAYER_MATCH_STATS

        cols = [c.name for c in t.player_match_stats.columns]
        frame = PLAYER_MATCH_STATS.validate(frame)[cols].astype(object).where(frame[cols].notna(), None)
        ids = sorted({int(m) for m in frame["match_id"]})
        with self.engine.begin() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(delete(t.player_match_stats).where(t.player_match_stats.c.match_id.in_(chunk)))
            self._bulk_insert(conn, "player_match_stats", cols, frame.itertuples(index=False, name=None))

    def player_match_stats_frame(
        self, match_ids: Sequence[int] | None = None, player_ids: Sequence[int] | None = None
    ) -> Any:
        import pandas as pd

        q = select(t.player_match_stats)
        if match_ids is not None:
            q = q.where(t.player_match_stats.c.match_id.in_(list(match_ids)))
        if player_ids is not None:
            q = q.where(t.player_match_stats.c.player_id.in_(list(player_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        from loanwatch.frames import PLAYER_MATCH_STATS

        stats = pd.DataFrame.from_records(rows, columns=[c.name for c in t.player_match_stats.columns])
        return PLAYER_MATCH_STATS.validate(stats)

    def save_goalkeeper_match_stats(self, frame: Any) -> None:
        """Replace the goalkeepers' per-match stats of the matches in ``frame`` (columns of
        goalkeeper_match_stats)."""
        cols = [c.name for c in t.goalkeeper_match_stats.columns]
        if not inspect(self.engine).has_table("goalkeeper_match_stats"):
            return  # stamped 0010 as a placeholder: profiles compute keepers from the events instead
        frame = frame[cols].astype(object).where(frame[cols].notna(), None)
        ids = sorted({int(m) for m in frame["match_id"]})
        with self.engine.begin() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(
                    delete(t.goalkeeper_match_stats).where(t.goalkeeper_match_stats.c.match_id.in_(chunk))
                )
            if len(frame):
                rows = frame.itertuples(index=False, name=None)
                self._bulk_insert(conn, "goalkeeper_match_stats", cols, rows)

    def goalkeeper_match_stats_frame(
        self, match_ids: Sequence[int] | None = None, player_ids: Sequence[int] | None = None
    ) -> Any:
        import pandas as pd

        cols = [c.name for c in t.goalkeeper_match_stats.columns]
        if not inspect(self.engine).has_table("goalkeeper_match_stats"):
            # a store stamped with revision 0010 while it was still a placeholder: no table yet
            return pd.DataFrame(columns=cols)
        q = select(t.goalkeeper_match_stats)
        if match_ids is not None:
            q = q.where(t.goalkeeper_match_stats.c.match_id.in_(list(match_ids)))
        if player_ids is not None:
            q = q.where(t.goalkeeper_match_stats.c.player_id.in_(list(player_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=cols)
