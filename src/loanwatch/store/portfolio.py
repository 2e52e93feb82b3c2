"""The portfolio: loan spells, written from a loan list in one transaction (the ledger)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class PortfolioStore(StoreBase):
    """Loan spells."""

    def replace_loan_spells(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert or update loan spells (one player's spell is keyed by its start date)."""
        with self.engine.begin() as conn:
            for row in rows:
                existing = conn.execute(
                    select(t.loan_spells.c.id).where(
                        t.loan_spells.c.player_id == row["player_id"],
                        t.loan_spells.c.start_date == row["start_date"],
                    )
                ).scalar()
                if existing is None:
                    conn.execute(insert(t.loan_spells).values(**_spell_values(row)))
                else:
                    values = _spell_values(row)
                    conn.execute(update(t.loan_spells).where(t.loan_spells.c.id == existing).values(**values))
        return len(rows)

    def save_loan_ledger(
        self,
        *,
        inserts: Sequence[dict[str, Any]] = (),
        updates: Mapping[int, dict[str, Any]] | None = None,
        deletes: Sequence[int] = (),
        players: Sequence[dict[str, Any]] = (),
        clubs: Sequence[dict[str, Any]] = (),
    ) -> None:
        """A loan list's changes in one transaction: players and clubs the list creates (those of
        competitions without match data; get-or-create by provider and provider id), spells added,
        updated in place (by id) and removed (with their alerts).

        A spell row may name a created player or club by ``player_key`` / ``host_club_key``
        ((provider, provider_id)) instead of an id."""
        with self.engine.begin() as conn:
            ids: dict[tuple[str, str, str], int] = {}
            for table, kind, rows in ((t.players, "player", players), (t.clubs, "club", clubs)):
                for row in rows:
                    key = (row["provider"], row["provider_id"])
                    found = conn.execute(
                        select(table.c.id).where(table.c.provider == key[0], table.c.provider_id == key[1])
                    ).scalar()
                    if found is None:
                        found = conn.execute(insert(table).values(**row)).inserted_primary_key[0]  # type: ignore[index]
                    ids[(kind, *key)] = int(found)
            self._player_ids.clear()
            self._club_ids.clear()

            def resolved(row: dict[str, Any]) -> dict[str, Any]:
                values = dict(row)
                if (key := values.pop("player_key", None)) is not None:
                    values["player_id"] = ids[("player", *key)]
                if (key := values.pop("host_club_key", None)) is not None:
                    values["host_club_id"] = ids[("club", *key)]
                return _spell_values(values)

            if deletes:
                conn.execute(delete(t.alerts).where(t.alerts.c.spell_id.in_(list(deletes))))
                conn.execute(delete(t.loan_spells).where(t.loan_spells.c.id.in_(list(deletes))))
            for spell_id, row in (updates or {}).items():
                values = resolved(row)
                conn.execute(update(t.loan_spells).where(t.loan_spells.c.id == spell_id).values(**values))
            for row in inserts:
                conn.execute(insert(t.loan_spells).values(**resolved(row)))

    def loan_spells(self, player_id: int | None = None) -> list[dict[str, Any]]:
        """The spells, each with ``warnings`` as a list of dicts (what the import noticed)."""
        q = select(t.loan_spells).order_by(t.loan_spells.c.player_name, t.loan_spells.c.start_date)
        if player_id is not None:
            q = q.where(t.loan_spells.c.player_id == player_id)
        with self.engine.connect() as conn:
            out = []
            for r in conn.execute(q):
                row = dict(r._mapping)
                row["warnings"] = json.loads(row["warnings"]) if row.get("warnings") else []
                out.append(row)
            return out


def _spell_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """A spell row as the table stores it: ``warnings`` (a list) as JSON text."""
    values = dict(row)
    warnings = values.get("warnings")
    if isinstance(warnings, list):
        values["warnings"] = json.dumps(warnings, ensure_ascii=False, default=str) if warnings else ""
    return values
