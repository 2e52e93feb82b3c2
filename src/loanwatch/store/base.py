"""What every area of the store shares: the engine, the provider id caches, the bulk insert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine


class StoreBase:
    """The engine and the caches the areas of :class:`~loanwatch.store.repository.Store` work on."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._player_ids: dict[tuple[str, str], int] = {}
        self._club_ids: dict[tuple[str, str], int] = {}

    def _bulk_insert(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)})",
            list(rows),
        )
