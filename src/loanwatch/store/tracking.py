"""Tracking: alerts and their dismissals, scout notes, watchlists."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class TrackingStore(StoreBase):
    """Alerts, scout notes and watchlists."""

    # -- alerts ---------------------------------------------------------------------------

    def upsert_alert(self, alert: dict[str, Any]) -> tuple[int, bool]:
        """Record an alert unless the same situation (``key``) is known; returns (id, is_new).
        A known alert keeps its status: a dismissed one stays dismissed."""
        with self.engine.begin() as conn:
            found = conn.execute(
                select(t.alerts.c.id, t.alerts.c.raised_on).where(t.alerts.c.key == alert["key"])
            ).first()
            if found is not None:
                if alert.get("raised_on") is not None and found.raised_on > alert["raised_on"]:
                    # an earlier date for the same situation (a store written before alerts were
                    # dated by their match): keep the earliest
                    conn.execute(
                        update(t.alerts).where(t.alerts.c.id == found.id).values(raised_on=alert["raised_on"])
                    )
                return int(found.id), False
            result = conn.execute(insert(t.alerts).values(status="open", **alert))
            return int(result.inserted_primary_key[0]), True  # type: ignore[index]

    def alerts(self, *, status: str | None = None, player_id: int | None = None) -> list[dict[str, Any]]:
        q = select(t.alerts).order_by(t.alerts.c.raised_on, t.alerts.c.id)
        if status is not None:
            q = q.where(t.alerts.c.status == status)
        if player_id is not None:
            q = q.where(t.alerts.c.player_id == player_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def dismiss_alert(self, alert_id: int, who: str, why: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(t.alerts)
                .where(t.alerts.c.id == alert_id)
                .values(status="dismissed", dismissed_by=who, dismissed_at=datetime.now(), dismiss_reason=why)
            )
            return bool(result.rowcount)

    # -- scout notes ----------------------------------------------------------------------

    def add_scout_note(self, player_id: int, author: str, written_on: date, text: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(t.scout_notes).values(
                    player_id=player_id, author=author, written_on=written_on, text=text
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def scout_notes(self, player_id: int, as_of: date | None = None) -> list[dict[str, Any]]:
        q = (
            select(t.scout_notes)
            .where(t.scout_notes.c.player_id == player_id)
            .order_by(t.scout_notes.c.written_on)
        )
        if as_of is not None:
            q = q.where(t.scout_notes.c.written_on <= as_of)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- watchlists -----------------------------------------------------------------------

    def add_to_watchlist(self, watchlist: str, player_id: int, note: str = "") -> None:
        with self.engine.begin() as conn:
            wl = conn.execute(select(t.watchlists.c.id).where(t.watchlists.c.name == watchlist)).scalar()
            if wl is None:
                wl = conn.execute(insert(t.watchlists).values(name=watchlist)).inserted_primary_key[0]  # type: ignore[index]
            known = conn.execute(
                select(t.watchlist_players.c.player_id).where(
                    t.watchlist_players.c.watchlist_id == wl, t.watchlist_players.c.player_id == player_id
                )
            ).scalar()
            if known is None:
                conn.execute(
                    insert(t.watchlist_players).values(watchlist_id=wl, player_id=player_id, note=note)
                )

    def watchlist_players(self, watchlist: str | None = None) -> list[dict[str, Any]]:
        q = select(
            t.watchlists.c.name.label("watchlist"),
            t.watchlist_players.c.player_id,
            t.watchlist_players.c.note,
        ).join(t.watchlists, t.watchlists.c.id == t.watchlist_players.c.watchlist_id)
        if watchlist is not None:
            q = q.where(t.watchlists.c.name == watchlist)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
