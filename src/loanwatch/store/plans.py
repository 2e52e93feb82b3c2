"""The market plan: the decisions of a named plan of an owner club for a season (issue 11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class PlanStore(StoreBase):
    """Plan decisions: one per player of a plan (owner, season, plan name)."""

    def set_decision(
        self,
        *,
        owner: str,
        season: str,
        plan: str,
        player_id: int,
        decision: str,
        note: str,
        decided_by: str,
        destination: str | None = None,
    ) -> tuple[int, bool]:
        """Record the player's decision in the plan, replacing one made before; (id, is_new).
        ``destination``: the club a loan-out sends him to (None: not given)."""
        d = t.plan_decisions
        key = (d.c.owner == owner, d.c.season == season, d.c.plan == plan, d.c.player_id == player_id)
        values = {
            "decision": decision,
            "destination": destination,
            "note": note,
            "decided_by": decided_by,
            "decided_at": datetime.now(),
        }
        with self.engine.begin() as conn:
            found = conn.execute(select(d.c.id).where(*key)).scalar()
            if found is not None:
                conn.execute(update(d).where(d.c.id == found).values(**values))
                return int(found), False
            row = {"owner": owner, "season": season, "plan": plan, "player_id": player_id, **values}
            result = conn.execute(insert(d).values(**row))
            return int(result.inserted_primary_key[0]), True  # type: ignore[index]

    def remove_decision(self, *, owner: str, season: str, plan: str, player_id: int) -> bool:
        d = t.plan_decisions
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(d).where(
                    d.c.owner == owner, d.c.season == season, d.c.plan == plan, d.c.player_id == player_id
                )
            )
            return bool(result.rowcount)

    def decisions(
        self, *, owner: str | None = None, season: str | None = None, plan: str | None = None
    ) -> list[dict[str, Any]]:
        """The decisions (of an owner, season, plan when given), oldest first."""
        d = t.plan_decisions
        q = select(d).order_by(d.c.decided_at, d.c.id)
        if owner is not None:
            q = q.where(d.c.owner == owner)
        if season is not None:
            q = q.where(d.c.season == season)
        if plan is not None:
            q = q.where(d.c.plan == plan)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
