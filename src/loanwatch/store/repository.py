"""Reading and writing the store. Each match is written in one transaction with its source file."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, inspect, or_, select, update

from loanwatch.domain import Club, Competition, MatchRecord, Player, season_name, warnings_to_json
from loanwatch.store import schema as t


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str
    size: int
    provider: str
    kind: str


class Store:
    """The one way the rest of loanwatch reads and writes the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._player_ids: dict[tuple[str, str], int] = {}
        self._club_ids: dict[tuple[str, str], int] = {}

    # -- ingest bookkeeping -------------------------------------------------------------------

    def begin_run(self, source: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(t.ingest_runs).values(started_at=datetime.now(), source=source))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.ingest_runs)
                .where(t.ingest_runs.c.id == run_id)
                .values(finished_at=datetime.now(), summary=json.dumps(summary))
            )

    def ingested_files(self) -> dict[str, tuple[str, str]]:
        """path -> (sha256, status) for every file seen before."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.source_files.c.path, t.source_files.c.sha256, t.source_files.c.status)
            )
            return {r.path: (r.sha256, r.status) for r in rows}

    def ingested_hashes(self) -> dict[str, str]:
        """sha256 -> path of every file ingested, to skip the same content delivered twice."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.source_files.c.sha256, t.source_files.c.path).where(
                    t.source_files.c.status == "ingested"
                )
            )
            return {r.sha256: r.path for r in rows}

    def _record_file(
        self, conn: Connection, source: SourceFile, run_id: int, status: str, error: str | None = None
    ) -> int:
        values = {
            "sha256": source.sha256,
            "size": source.size,
            "provider": source.provider,
            "kind": source.kind,
            "status": status,
            "error": error,
            "run_id": run_id,
            "ingested_at": datetime.now(),
        }
        existing = conn.execute(
            select(t.source_files.c.id).where(t.source_files.c.path == source.path)
        ).scalar()
        if existing is not None:
            conn.execute(update(t.source_files).where(t.source_files.c.id == existing).values(**values))
            return int(existing)
        result = conn.execute(insert(t.source_files).values(path=source.path, **values))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def record_rejected(self, source: SourceFile, run_id: int, error: str) -> None:
        with self.engine.begin() as conn:
            self._record_file(conn, source, run_id, "rejected", error)

    def record_rejected_version(self, path: str, run_id: int, error: str) -> None:
        """A file ingested earlier whose new content is rejected: the row keeps the status and hash
        of the version whose data the store holds, and says why the new one was not taken."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.source_files).where(t.source_files.c.path == path).values(error=error, run_id=run_id)
            )

    def record_ingested(self, source: SourceFile, run_id: int) -> None:
        with self.engine.begin() as conn:
            self._record_file(conn, source, run_id, "ingested")

    # -- reference data -----------------------------------------------------------------------

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

    def save_sheets(
        self,
        provider: str,
        sheets: dict[str, bytes],
        source: SourceFile,
        run_id: int,
        error: str | None = None,
        fixtures: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Keep each match's sheet verbatim: a match file that arrives later is read against it.
        The sheets' ``fixtures`` (see save_fixtures) are written in the same transaction, so a
        crash never leaves the file recorded as ingested without them."""
        with self.engine.begin() as conn:
            if fixtures:
                self._write_fixtures(conn, provider, fixtures)
            file_id = self._record_file(conn, source, run_id, "ingested", error)
            known = {
                r.provider_match_id: r.id
                for r in conn.execute(
                    select(t.match_sheets.c.id, t.match_sheets.c.provider_match_id).where(
                        t.match_sheets.c.provider == provider
                    )
                )
            }
            fresh = []
            for match_id, raw in sheets.items():
                text = raw.decode("utf-8")
                if match_id in known:
                    conn.execute(
                        update(t.match_sheets)
                        .where(t.match_sheets.c.id == known[match_id])
                        .values(sheet=text, source_file_id=file_id)
                    )
                else:
                    fresh.append(
                        {
                            "provider": provider,
                            "provider_match_id": match_id,
                            "source_file_id": file_id,
                            "sheet": text,
                        }
                    )
            if fresh:
                conn.execute(insert(t.match_sheets), fresh)

    def match_sheet(self, provider: str, match_id: str) -> bytes | None:
        with self.engine.connect() as conn:
            text = conn.execute(
                select(t.match_sheets.c.sheet).where(
                    t.match_sheets.c.provider == provider, t.match_sheets.c.provider_match_id == match_id
                )
            ).scalar()
        return text.encode("utf-8") if text is not None else None

    def known_player_ids(self) -> Collection[tuple[str, str]]:
        """(provider, provider id) of every player in the store: a live view, not a copy."""
        if not self._player_ids:
            with self.engine.connect() as conn:
                self._load_id_caches(conn)
        return self._player_ids.keys()

    def _season_id(self, conn: Connection, comp: Competition, season_provider_id: str, name: str) -> int:
        comp_id = conn.execute(
            select(t.competitions.c.id).where(
                t.competitions.c.provider == comp.provider, t.competitions.c.provider_id == comp.provider_id
            )
        ).scalar()
        if comp_id is None:
            comp_id = conn.execute(
                insert(t.competitions).values(
                    provider=comp.provider, provider_id=comp.provider_id, name=comp.name, area=comp.area
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        season_id = conn.execute(
            select(t.seasons.c.id).where(
                t.seasons.c.competition_id == comp_id, t.seasons.c.provider_id == season_provider_id
            )
        ).scalar()
        if season_id is None:
            season_id = conn.execute(
                insert(t.seasons).values(competition_id=comp_id, provider_id=season_provider_id, name=name)
            ).inserted_primary_key[0]  # type: ignore[index]
        return int(season_id)

    # -- matches ------------------------------------------------------------------------------

    def write_match(self, record: MatchRecord, source: SourceFile, run_id: int, *, tournament: bool) -> int:
        """Write a match, its appearances and events, and its source file, in one transaction.

        A match already in the store (the same provider id, from a changed file) is replaced.
        """
        sheet = record.sheet
        provider = sheet.provider
        with self.engine.begin() as conn:
            self.upsert_clubs(conn, record.clubs)
            self.upsert_players(conn, record.players)
            club_ids = {c.provider_id: self._club_ids[(c.provider, c.provider_id)] for c in record.clubs}
            player_ids = self._player_ids
            season_id = self._season_id(
                conn, record.competition, sheet.season_id, season_name(sheet.kickoff, tournament)
            )
            file_id = self._record_file(conn, source, run_id, "ingested")
            old = conn.execute(
                select(t.matches.c.id).where(
                    t.matches.c.provider == provider, t.matches.c.provider_id == sheet.match_id
                )
            ).scalar()
            if old is not None:
                conn.execute(delete(t.events).where(t.events.c.match_id == old))
                conn.execute(delete(t.appearances).where(t.appearances.c.match_id == old))
                conn.execute(delete(t.matches).where(t.matches.c.id == old))
            match_id = int(
                conn.execute(
                    insert(t.matches).values(
                        provider=provider,
                        provider_id=sheet.match_id,
                        season_id=season_id,
                        kickoff=sheet.kickoff,
                        gameweek=sheet.gameweek,
                        home_club_id=club_ids[sheet.home.club_id],
                        away_club_id=club_ids[sheet.away.club_id],
                        home_score=sheet.home.score,
                        away_score=sheet.away.score,
                        duration=sheet.duration,
                        length_minutes=record.length_minutes,
                        period_minutes=json.dumps(record.period_minutes),
                        venue=sheet.venue,
                        source_file_id=file_id,
                        warnings=warnings_to_json(record.warnings),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            conn.execute(
                insert(t.appearances),
                [
                    {
                        "match_id": match_id,
                        "player_id": player_ids[(provider, a.player_id)],
                        "club_id": club_ids[a.club_id],
                        "status": a.status.value,
                        "minute_on": a.minute_on,
                        "minute_off": a.minute_off,
                        "minutes_played": a.minutes_played,
                        "position": a.position,
                        "goals": a.goals,
                        "own_goals": a.own_goals,
                        "assists": a.assists,
                        "shots": a.shots,
                        "shots_on_target": a.shots_on_target,
                        "passes": a.passes,
                        "passes_accurate": a.passes_accurate,
                        "yellow_cards": a.yellow_cards,
                        "red_card": a.red_card,
                    }
                    for a in record.appearances
                ],
            )
            if record.events:
                # The DBAPI's executemany on plain tuples: this is the bulk of the store's writes.
                cols = ", ".join(c.name for c in t.events.columns)
                marks = ", ".join(
                    "?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in t.events.columns
                )
                conn.exec_driver_sql(
                    f"INSERT INTO events ({cols}) VALUES ({marks})",
                    [
                        (
                            match_id,
                            seq,
                            e.provider_event_id,
                            e.period,
                            e.second,
                            club_ids[e.team_id],
                            player_ids.get((provider, e.player_id)) if e.player_id else None,
                            e.type,
                            e.subtype,
                            e.kind,
                            e.outcome,
                            e.x,
                            e.y,
                            e.end_x,
                            e.end_y,
                            e.is_goal,
                            e.is_own_goal,
                            e.is_assist,
                            e.on_target,
                            e.body_part,
                            " ".join(map(str, e.tags)),
                        )
                        for seq, e in enumerate(record.events)
                    ],
                )
        return match_id

    # -- reading ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in (
                    ("matches", t.matches),
                    ("events", t.events),
                    ("players", t.players),
                    ("clubs", t.clubs),
                    ("appearances", t.appearances),
                    ("loan_spells", t.loan_spells),
                )
            }

    def all_players(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.players))]

    def all_clubs(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.clubs))]

    def competitions(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.competitions))]

    def clubs_in_competition(self, competition_id: int) -> set[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.matches.c.home_club_id, t.matches.c.away_club_id)
                .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
                .where(t.seasons.c.competition_id == competition_id)
            )
            return {c for r in rows for c in r}

    def club_matches(self, club_id: int, start: date, end: date) -> list[dict[str, Any]]:
        """The club's matches between two dates (inclusive), with competition and opponent."""
        home = t.clubs.alias("home")
        away = t.clubs.alias("away")
        q = (
            select(
                t.matches.c.id,
                t.matches.c.kickoff,
                t.matches.c.home_club_id,
                t.matches.c.away_club_id,
                t.matches.c.home_score,
                t.matches.c.away_score,
                t.matches.c.length_minutes,
                home.c.name.label("home_name"),
                away.c.name.label("away_name"),
                t.competitions.c.name.label("competition"),
            )
            .join(home, home.c.id == t.matches.c.home_club_id)
            .join(away, away.c.id == t.matches.c.away_club_id)
            .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
            .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
            .where(
                or_(t.matches.c.home_club_id == club_id, t.matches.c.away_club_id == club_id),
                and_(
                    t.matches.c.kickoff >= datetime.combine(start, datetime.min.time()),
                    t.matches.c.kickoff <= datetime.combine(end, datetime.max.time()),
                ),
            )
            .order_by(t.matches.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def player_appearances(self, player_id: int, match_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not match_ids:
            return {}
        q = select(t.appearances).where(
            t.appearances.c.player_id == player_id, t.appearances.c.match_id.in_(list(match_ids))
        )
        with self.engine.connect() as conn:
            return {r.match_id: dict(r._mapping) for r in conn.execute(q)}

    def player(self, player_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.players).where(t.players.c.id == player_id)).first()
            return dict(row._mapping) if row else None

    def club(self, club_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.clubs).where(t.clubs.c.id == club_id)).first()
            return dict(row._mapping) if row else None

    # -- portfolio ----------------------------------------------------------------------------

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

    def appearances_for_club(
        self, player_id: int, club_id: int, start: date, end: date
    ) -> list[dict[str, Any]]:
        """The matches between two dates (inclusive) in which the player took the pitch for the club."""
        q = (
            select(t.matches.c.id.label("match_id"), t.matches.c.kickoff, t.appearances.c.status)
            .join(t.matches, t.matches.c.id == t.appearances.c.match_id)
            .where(
                t.appearances.c.player_id == player_id,
                t.appearances.c.club_id == club_id,
                t.appearances.c.status != "unused",
                t.matches.c.kickoff >= datetime.combine(start, datetime.min.time()),
                t.matches.c.kickoff <= datetime.combine(end, datetime.max.time()),
            )
            .order_by(t.matches.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

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

    # -- metrics: SPADL actions, models, action values ----------------------------------------

    ACTION_COLUMNS = (
        "match_id",
        "action_id",
        "original_event_seq",
        "period_id",
        "time_seconds",
        "club_id",
        "player_id",
        "start_x",
        "start_y",
        "end_x",
        "end_y",
        "type_id",
        "result_id",
        "bodypart_id",
    )

    def _bulk_insert(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)})",
            list(rows),
        )

    def save_actions(self, match_ids: Sequence[int], rows: Iterable[tuple[Any, ...]]) -> None:
        """Replace the SPADL actions of these matches (rows in ACTION_COLUMNS order), in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(delete(t.actions).where(t.actions.c.match_id.in_(list(match_ids))))
            self._bulk_insert(conn, "actions", self.ACTION_COLUMNS, rows)

    def actions_frame(self, match_ids: Sequence[int] | None = None) -> Any:
        """SPADL actions as a pandas DataFrame (``Store.ACTION_COLUMNS``: match_id, club_id, ...),
        ordered by match and action."""
        import pandas as pd

        q = select(*(t.actions.c[c] for c in self.ACTION_COLUMNS)).order_by(
            t.actions.c.match_id, t.actions.c.action_id
        )
        if match_ids is not None:
            q = q.where(t.actions.c.match_id.in_(list(match_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=list(self.ACTION_COLUMNS))

    def matches_with_actions(self) -> set[int]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(t.actions.c.match_id).distinct())}

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
        if row is None:
            return None
        model = dict(row._mapping)
        for key in ("training_set", "params", "quality"):
            model[key] = json.loads(model[key]) if model[key] else {}
        return model

    def save_action_values(self, model_id: int, rows: Iterable[tuple[int, int, float, float, float]]) -> None:
        """Replace a model's values: rows of (match_id, action_id, offensive, defensive, value)."""
        with self.engine.begin() as conn:
            conn.execute(delete(t.action_values).where(t.action_values.c.model_id == model_id))
            self._bulk_insert(
                conn,
                "action_values",
                ("model_id", "match_id", "action_id", "offensive", "defensive", "value"),
                ((model_id, *r) for r in rows),
            )

    def action_values_frame(self, model_id: int) -> Any:
        import pandas as pd

        cols = ("match_id", "action_id", "offensive", "defensive", "value")
        q = (
            select(*(t.action_values.c[c] for c in cols))
            .where(t.action_values.c.model_id == model_id)
            .order_by(t.action_values.c.match_id, t.action_values.c.action_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=list(cols))

    def events_frame(self, match_ids: Sequence[int] | None = None) -> Any:
        """Stored events as a pandas DataFrame (one row per event, store ids), ordered by match and seq."""
        import pandas as pd

        cols = [c.name for c in t.events.columns]
        q = select(t.events).order_by(t.events.c.match_id, t.events.c.seq)
        if match_ids is not None:
            q = q.where(t.events.c.match_id.in_(list(match_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=cols)

    def matches_frame(self) -> Any:
        """Every match with its competition and season: the index the metrics work over."""
        import pandas as pd

        q = (
            select(
                t.matches.c.id.label("match_id"),
                t.matches.c.provider,
                t.matches.c.provider_id,
                t.matches.c.kickoff,
                t.matches.c.home_club_id,
                t.matches.c.away_club_id,
                t.matches.c.home_score,
                t.matches.c.away_score,
                t.matches.c.length_minutes,
                t.seasons.c.id.label("season_id"),
                t.seasons.c.name.label("season"),
                t.competitions.c.id.label("competition_id"),
                t.competitions.c.name.label("competition"),
            )
            .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
            .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
            .order_by(t.matches.c.kickoff, t.matches.c.id)
        )
        with self.engine.connect() as conn:
            return pd.DataFrame.from_records(conn.execute(q).all(), columns=list(q.selected_columns.keys()))

    def appearances_frame(self) -> Any:
        import pandas as pd

        with self.engine.connect() as conn:
            rows = conn.execute(select(t.appearances)).all()
        return pd.DataFrame.from_records(rows, columns=[c.name for c in t.appearances.columns])

    # -- per-match stats, alerts, scout notes -------------------------------------------------

    def save_player_match_stats(self, frame: Any) -> None:
        """Replace the per-match stats of the matches in ``frame`` (columns of player_match_stats)."""
        cols = [c.name for c in t.player_match_stats.columns]
        frame = frame[cols].astype(object).where(frame[cols].notna(), None)
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
        return pd.DataFrame.from_records(rows, columns=[c.name for c in t.player_match_stats.columns])

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

    def goalkeeper_match_stats_frame(self, match_ids: Sequence[int] | None = None) -> Any:
        import pandas as pd

        cols = [c.name for c in t.goalkeeper_match_stats.columns]
        if not inspect(self.engine).has_table("goalkeeper_match_stats"):
            # a store stamped with revision 0010 while it was still a placeholder: no table yet
            return pd.DataFrame(columns=cols)
        q = select(t.goalkeeper_match_stats)
        if match_ids is not None:
            q = q.where(t.goalkeeper_match_stats.c.match_id.in_(list(match_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records(rows, columns=cols)

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

    # -- fixtures (from match sheets) ---------------------------------------------------------

    def save_fixtures(self, provider: str, fixtures: Sequence[dict[str, Any]]) -> int:
        """Upsert fixtures (provider_match_id, kickoff, competition_name, home/away provider club
        ids and scores); fixtures whose clubs are unknown to the store are skipped."""
        with self.engine.begin() as conn:
            return self._write_fixtures(conn, provider, fixtures)

    def _write_fixtures(self, conn: Connection, provider: str, fixtures: Sequence[dict[str, Any]]) -> int:
        self._load_id_caches(conn)
        known = {
            r.provider_match_id: r.id
            for r in conn.execute(
                select(t.fixtures.c.id, t.fixtures.c.provider_match_id).where(
                    t.fixtures.c.provider == provider
                )
            )
        }
        written = 0
        for f in fixtures:
            home = self._club_ids.get((provider, f["home_club_pid"]))
            away = self._club_ids.get((provider, f["away_club_pid"]))
            if home is None or away is None:
                continue
            row = {
                "kickoff": f["kickoff"],
                "competition_name": f["competition_name"],
                "home_club_id": home,
                "away_club_id": away,
                "home_score": f["home_score"],
                "away_score": f["away_score"],
            }
            if f["provider_match_id"] in known:
                conn.execute(
                    update(t.fixtures)
                    .where(t.fixtures.c.id == known[f["provider_match_id"]])
                    .values(**row)
                )
            else:
                conn.execute(
                    insert(t.fixtures).values(
                        provider=provider, provider_match_id=f["provider_match_id"], **row
                    )
                )
            written += 1
        return written

    def club_fixtures_without_data(self, club_id: int, start: date, end: date) -> list[dict[str, Any]]:
        """The club's fixtures between two dates whose match data is not in the store, shaped like
        :meth:`club_matches` rows (``id`` None, ``length_minutes`` 0) with ``no_data`` True."""
        home = t.clubs.alias("home")
        away = t.clubs.alias("away")
        f = t.fixtures
        played = (
            select(t.matches.c.id)
            .where(t.matches.c.provider == f.c.provider, t.matches.c.provider_id == f.c.provider_match_id)
            .exists()
        )
        q = (
            select(
                f.c.kickoff,
                f.c.home_club_id,
                f.c.away_club_id,
                f.c.home_score,
                f.c.away_score,
                f.c.competition_name.label("competition"),
                home.c.name.label("home_name"),
                away.c.name.label("away_name"),
            )
            .join(home, home.c.id == f.c.home_club_id)
            .join(away, away.c.id == f.c.away_club_id)
            .where(
                or_(f.c.home_club_id == club_id, f.c.away_club_id == club_id),
                f.c.kickoff >= datetime.combine(start, datetime.min.time()),
                f.c.kickoff <= datetime.combine(end, datetime.max.time()),
                ~played,
            )
            .order_by(f.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [
                {**dict(r._mapping), "id": None, "length_minutes": 0.0, "no_data": True}
                for r in conn.execute(q)
            ]

    # -- what the reports say about a player (reports helper) -------------------------------------

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

    def match_warnings(self, match_ids: Sequence[int]) -> dict[int, str]:
        """The stored data-quality warnings (``matches.warnings``, raw text) of the matches that have any."""
        if not match_ids:
            return {}
        q = select(t.matches.c.id, t.matches.c.warnings).where(
            t.matches.c.id.in_(list(match_ids)), t.matches.c.warnings != ""
        )
        with self.engine.connect() as conn:
            return {int(r.id): str(r.warnings) for r in conn.execute(q) if r.warnings}


def _spell_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """A spell row as the table stores it: ``warnings`` (a list) as JSON text."""
    values = dict(row)
    warnings = values.get("warnings")
    if isinstance(warnings, list):
        values["warnings"] = json.dumps(warnings, ensure_ascii=False, default=str) if warnings else ""
    return values
