"""The owner club's squad list (``squad import``): one row per player, owner club and season."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase

SQUAD_COLUMNS = tuple(c.name for c in t.squad_players.columns if c.name not in ("id", "owner_club", "season"))


def squad_key(row: dict[str, Any]) -> str:
    """The player a squad row is: his id, or (not in the data) his name and birth date."""
    if row.get("player_id") is not None:
        return f"id:{int(row['player_id'])}"
    born = row.get("birth_date")
    return f"name:{str(row['player_name']).strip().casefold()}|{born.isoformat() if born else ''}"


class SquadStore(StoreBase):
    """Squad lists."""

    def save_squad(self, owner: str, season: str, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
        """A squad file's rows in one transaction: each updates the player's row of this owner and
        season, or adds one; rows of other players stay. Returns (added, updated)."""
        added = updated = 0
        sp = t.squad_players
        with self.engine.begin() as conn:
            for row in rows:
                key = squad_key(row)
                values = {c: row.get(c) for c in SQUAD_COLUMNS if c != "player_key"} | {"player_key": key}
                found = conn.execute(
                    select(sp.c.id).where(
                        sp.c.owner_club == owner, sp.c.season == season, sp.c.player_key == key
                    )
                ).scalar()
                if found is None:
                    conn.execute(insert(sp).values(owner_club=owner, season=season, **values))
                    added += 1
                else:
                    conn.execute(update(sp).where(sp.c.id == found).values(**values))
                    updated += 1
        return added, updated

    def squad(self, owner: str | None = None, season: str | None = None) -> list[dict[str, Any]]:
        """The stored squad rows (of one owner as stored, one season), by owner, season and name."""
        sp = t.squad_players
        q = select(sp).order_by(sp.c.owner_club, sp.c.season, sp.c.player_name)
        if owner is not None:
            q = q.where(sp.c.owner_club == owner)
        if season is not None:
            q = q.where(sp.c.season == season)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
