"""Which model version rated each match (``match_ratings``, migration 0014)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, select

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase

CHUNK = 500  # ids per IN (...) list


class RatingsStore(StoreBase):
    """The model versions each match's action values and per-match stats come from."""

    def save_match_ratings(self, match_ids: Sequence[int], model_ids: Mapping[str, int]) -> None:
        """Record that these matches are rated by these models ({kind: model id}), replacing what
        was recorded for those kinds."""
        ids = sorted({int(m) for m in match_ids})
        now = datetime.now().replace(microsecond=0)
        kinds = list(model_ids)
        with self.engine.begin() as conn:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                conn.execute(
                    delete(t.match_ratings).where(
                        t.match_ratings.c.match_id.in_(chunk), t.match_ratings.c.kind.in_(kinds)
                    )
                )
            rows = [(m, kind, int(model_ids[kind]), now) for m in ids for kind in kinds]
            if rows:
                self._bulk_insert(conn, "match_ratings", ("match_id", "kind", "model_id", "rated_at"), rows)

    def rated_matches(self, model_id: int) -> set[int]:
        """The matches rated by this model."""
        q = select(t.match_ratings.c.match_id).where(t.match_ratings.c.model_id == model_id)
        with self.engine.connect() as conn:
            return {int(r[0]) for r in conn.execute(q)}

    def match_ratings(self, match_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{match id: {kind: model id}} for these matches (a match never rated is absent)."""
        out: dict[int, dict[str, int]] = {}
        ids = sorted({int(m) for m in match_ids})
        with self.engine.connect() as conn:
            for start in range(0, len(ids), CHUNK):
                q = select(
                    t.match_ratings.c.match_id, t.match_ratings.c.kind, t.match_ratings.c.model_id
                ).where(t.match_ratings.c.match_id.in_(ids[start : start + CHUNK]))
                for match_id, kind, model_id in conn.execute(q):
                    out.setdefault(int(match_id), {})[str(kind)] = int(model_id)
        return out
