"""Players and clubs: the reference data, and what the matches say of a player (clubs, national teams)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from loanwatch.domain import Club, Player
from loanwatch.store import schema as t
from loanwatch.store.files import FileStore, SourceFile


class PlayerStore(FileStore):
    """Players and clubs, written by provider id (cached) and read by store id."""

    # -- reference data -------------------------------------------------------------------

    def forget_cached_ids(self) -> None:
        """Drop the provider id -> key caches (another process may have written since)."""
        self._player_ids.clear()
        self._club_ids.clear()

    def _load_id_caches(self, conn: Connection) -> None:
        if not self._player_ids:
            for r in conn.execute(select(t.players.c.id, t.players.c.provider, t.players.c.provider_id)):
                self._player_ids[(r.provider, r.provider_id)] = r.id
        if not self._club_ids:
            for r in conn.execute(select(t.clubs.c.id, t.clubs.c.provider, t.clubs.c.provider_id)):
                self._club_ids[(r.provider, r.provider_id)] = r.id

    def upsert_players(self, conn: Connection, players: Iterable[Player], *, refresh: bool = False) -> None:
        """Insert players not yet known; with ``refresh``, also update the known ones."""
        self._load_id_caches(conn)
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for p in players:
            key = (p.provider, p.provider_id)
            row = {
                "provider": p.provider,
                "provider_id": p.provider_id,
                "short_name": p.short_name,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": p.birth_date,
                "foot": p.foot,
                "height_cm": p.height_cm,
                "role": p.role,
                "nationality": p.nationality,
                "passport_area": p.passport_area,
                "birth_area": p.birth_area,
            }
            if key in self._player_ids:
                if refresh:
                    conn.execute(
                        update(t.players).where(t.players.c.id == self._player_ids[key]).values(**row)
                    )
            else:
                fresh[key] = row
        if fresh:
            conn.execute(insert(t.players), list(fresh.values()))
            self._player_ids.clear()
            self._load_id_caches(conn)

    def upsert_clubs(self, conn: Connection, clubs: Iterable[Club], *, refresh: bool = False) -> None:
        self._load_id_caches(conn)
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for c in clubs:
            key = (c.provider, c.provider_id)
            row = {
                "provider": c.provider,
                "provider_id": c.provider_id,
                "name": c.name,
                "official_name": c.official_name,
                "area": c.area,
            }
            if key in self._club_ids:
                if refresh:
                    conn.execute(update(t.clubs).where(t.clubs.c.id == self._club_ids[key]).values(**row))
            else:
                fresh[key] = row
        if fresh:
            conn.execute(insert(t.clubs), list(fresh.values()))
            self._club_ids.clear()
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
                t.matches.c.kickoff >= datetime.combine(start, datetime.min.time()),
                t.matches.c.kickoff <= datetime.combine(end, datetime.max.time()),
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
