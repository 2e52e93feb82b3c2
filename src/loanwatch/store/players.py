"""Players and clubs: the reference data, and what the matches say of a player (clubs, national teams)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, func, insert, select, update

from loanwatch.domain import Club, Player
from loanwatch.store import schema as t
from loanwatch.store.base import on_days
from loanwatch.store.files import FileStore, SourceFile


def _as_row(record: Player | Club) -> dict[str, Any]:
    """A player or a club as its table's row: the record's fields are the table's columns (but
    the store's own ``id``)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


class PlayerStore(FileStore):
    """Players and clubs, written by provider id (cached) and read by store id."""

    # -- reference data -------------------------------------------------------------------

    def forget_cached_ids(self) -> None:
        """Drop the provider id -> key caches (another process may have written since)."""
        self._player_ids.clear()
        self._club_ids.clear()

    def _load_id_caches(self, conn: Connection) -> None:
        for table, ids in ((t.players, self._player_ids), (t.clubs, self._club_ids)):
            if not ids:
                for r in conn.execute(select(table.c.id, table.c.provider, table.c.provider_id)):
                    ids[(r.provider, r.provider_id)] = r.id

    def upsert_players(self, conn: Connection, players: Iterable[Player], *, refresh: bool = False) -> None:
        """Insert players not yet known; with ``refresh``, also update the known ones."""
        self._upsert(conn, t.players, self._player_ids, map(_as_row, players), refresh=refresh)

    def upsert_clubs(self, conn: Connection, clubs: Iterable[Club], *, refresh: bool = False) -> None:
        """Insert clubs not yet known; with ``refresh``, also update the known ones."""
        self._upsert(conn, t.clubs, self._club_ids, map(_as_row, clubs), refresh=refresh)

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        ids: dict[tuple[str, str], int],
        rows: Iterable[dict[str, Any]],
        *,
        refresh: bool,
    ) -> None:
        """Insert the rows whose (provider, provider id) is not in ``ids`` (the table's cache of
        keys); with ``refresh``, also update the known ones. The cache is reloaded after an insert."""
        self._load_id_caches(conn)
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            key = (row["provider"], row["provider_id"])
            if key in ids:
                if refresh:
                    conn.execute(update(table).where(table.c.id == ids[key]).values(**row))
            else:
                fresh[key] = row
        if fresh:
            conn.execute(insert(table), list(fresh.values()))
            ids.clear()
            self._load_id_caches(conn)

    def save_reference(
        self,
        players: Sequence[Player],
        clubs: Sequence[Club],
        source: SourceFile,
        run_id: int,
        error: str | None = None,
    ) -> None:
        """``error``: the entries of the file that were rejected (the good ones land)."""
        with self.engine.begin() as conn:
            self.upsert_clubs(conn, clubs, refresh=True)
            self.upsert_players(conn, players, refresh=True)
            self._record_file(conn, source, run_id, "ingested", error)

    def known_player_ids(self) -> Collection[tuple[str, str]]:
        """(provider, provider id) of every player in the store: a live view, not a copy."""
        if not self._player_ids:
            with self.engine.connect() as conn:
                self._load_id_caches(conn)
        return self._player_ids.keys()

    # -- reading --------------------------------------------------------------------------

    def all_players(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.players))]

    def all_clubs(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.clubs))]

    def player(self, player_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.players).where(t.players.c.id == player_id)).first()
            return dict(row._mapping) if row else None

    def club(self, club_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.clubs).where(t.clubs.c.id == club_id)).first()
            return dict(row._mapping) if row else None

    def latest_clubs(self, player_ids: Collection[int]) -> dict[int, str]:
        """The club each player last appeared on a match sheet for (name), to tell namesakes apart."""
        if not player_ids:
            return {}
        last = (
            select(t.appearances.c.player_id, func.max(t.matches.c.kickoff).label("kickoff"))
            .join(t.matches, t.matches.c.id == t.appearances.c.match_id)
            .where(t.appearances.c.player_id.in_(list(player_ids)))
            .group_by(t.appearances.c.player_id)
            .subquery()
        )
        q = (
            select(t.appearances.c.player_id, t.clubs.c.name)
            .join(t.matches, t.matches.c.id == t.appearances.c.match_id)
            .join(
                last,
                and_(last.c.player_id == t.appearances.c.player_id, last.c.kickoff == t.matches.c.kickoff),
            )
            .join(t.clubs, t.clubs.c.id == t.appearances.c.club_id)
        )
        with self.engine.connect() as conn:
            return {int(r.player_id): r.name for r in conn.execute(q)}

    def player_clubs_between(self, player_id: int, start: date, end: date) -> list[dict[str, Any]]:
        """Clubs the player appeared on a sheet for between two dates, with first and last match."""
        q = (
            select(
                t.appearances.c.club_id,
                func.min(t.matches.c.kickoff).label("first"),
                func.max(t.matches.c.kickoff).label("last"),
            )
            .join(t.matches, t.matches.c.id == t.appearances.c.match_id)
            .where(
                t.appearances.c.player_id == player_id,
                on_days(t.matches.c.kickoff, start, end),
            )
            .group_by(t.appearances.c.club_id)
            .order_by("first")
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def player_last_match_date(self, player_id: int) -> date | None:
        """The kickoff date of the player's last match in the data (on a sheet, any club)."""
        q = (
            select(func.max(t.matches.c.kickoff))
            .join(t.appearances, t.appearances.c.match_id == t.matches.c.id)
            .where(t.appearances.c.player_id == player_id)
        )
        with self.engine.connect() as conn:
            last = conn.execute(q).scalar()
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        return last.date() if isinstance(last, datetime) else last

    def player_national_teams(self, player_id: int) -> list[str]:
        """The areas of the national teams the player was on the sheet for (a national team is a
        club named as its area, officially too:
        'Belgium' of Belgium), most recent first."""
        q = (
            select(t.clubs.c.area, func.max(t.matches.c.kickoff).label("last"))
            .join(t.appearances, t.appearances.c.club_id == t.clubs.c.id)
            .join(t.matches, t.matches.c.id == t.appearances.c.match_id)
            .where(
                t.appearances.c.player_id == player_id,
                t.clubs.c.name == t.clubs.c.area,
                t.clubs.c.official_name == t.clubs.c.name,  # not AS Monaco FC, of Monaco
                t.clubs.c.area != "",
            )
            .group_by(t.clubs.c.area)
            .order_by(func.max(t.matches.c.kickoff).desc())
        )
        with self.engine.connect() as conn:
            return [str(r.area) for r in conn.execute(q)]
