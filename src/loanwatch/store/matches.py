"""Matches: sheets, matches with their appearances and events (one transaction each), fixtures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from loanwatch.domain import Competition, MatchRecord, season_name, warnings_to_json
from loanwatch.store import schema as t
from loanwatch.store.base import on_days
from loanwatch.store.files import SourceFile
from loanwatch.store.players import PlayerStore

# A match as a line of results: when, who played whom, the score, how long it lasted.
_SCORE_LINE = (
    t.matches.c.kickoff,
    t.matches.c.home_club_id,
    t.matches.c.away_club_id,
    t.matches.c.home_score,
    t.matches.c.away_score,
    t.matches.c.length_minutes,
)


class MatchStore(PlayerStore):
    """Match sheets, matches, appearances, events and fixtures."""

    # -- match sheets ---------------------------------------------------------------------

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

    # -- matches --------------------------------------------------------------------------

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

    # -- reading --------------------------------------------------------------------------

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
                *_SCORE_LINE,
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
                on_days(t.matches.c.kickoff, start, end),
            )
            .order_by(t.matches.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def last_kickoff(self, club_ids: Sequence[int] | None = None) -> Any:
        """The kickoff of the store's last match; with ``club_ids``, of the last match of the
        competitions these clubs played a match in (None when there is none)."""
        q = select(func.max(t.matches.c.kickoff))
        if club_ids is not None:
            ids = [int(c) for c in club_ids]
            played = (
                select(t.seasons.c.competition_id)
                .join(t.matches, t.matches.c.season_id == t.seasons.c.id)
                .where(or_(t.matches.c.home_club_id.in_(ids), t.matches.c.away_club_id.in_(ids)))
                .distinct()
            )
            q = q.join(t.seasons, t.seasons.c.id == t.matches.c.season_id).where(
                t.seasons.c.competition_id.in_(played)
            )
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def competition_matches_between(self, competition: str, start: date, end: date) -> list[dict[str, Any]]:
        """The matches of a competition (by name) between two dates (inclusive): kickoff, home and
        away club ids."""
        q = (
            select(t.matches.c.kickoff, t.matches.c.home_club_id, t.matches.c.away_club_id)
            .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
            .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
            .where(t.competitions.c.name == competition, on_days(t.matches.c.kickoff, start, end))
            .order_by(t.matches.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def club_competition_counts(self, club_ids: Sequence[int]) -> dict[str, int]:
        """How many matches these clubs played in each competition (by name)."""
        ids = [int(c) for c in club_ids]
        counts: dict[str, int] = {}
        for side in (t.matches.c.home_club_id, t.matches.c.away_club_id):
            q = (
                select(t.competitions.c.name, func.count())
                .select_from(t.matches)
                .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
                .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
                .where(side.in_(ids))
                .group_by(t.competitions.c.name)
            )
            with self.engine.connect() as conn:
                for name, n in conn.execute(q):
                    counts[str(name)] = counts.get(str(name), 0) + int(n)
        return counts

    def player_appearances(self, player_id: int, match_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not match_ids:
            return {}
        q = select(t.appearances).where(
            t.appearances.c.player_id == player_id, t.appearances.c.match_id.in_(list(match_ids))
        )
        with self.engine.connect() as conn:
            return {r.match_id: dict(r._mapping) for r in conn.execute(q)}

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
                on_days(t.matches.c.kickoff, start, end),
            )
            .order_by(t.matches.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def match_warnings(self, match_ids: Sequence[int]) -> dict[int, str]:
        """The stored data-quality warnings (``matches.warnings``, raw text) of the matches that have any."""
        if not match_ids:
            return {}
        q = select(t.matches.c.id, t.matches.c.warnings).where(
            t.matches.c.id.in_(list(match_ids)), t.matches.c.warnings != ""
        )
        with self.engine.connect() as conn:
            return {int(r.id): str(r.warnings) for r in conn.execute(q) if r.warnings}

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

    def shot_events_frame(self, match_ids: Sequence[int]) -> tuple[Any, Any]:
        """What a keeper's shot map reads of these matches' events, instead of every event: the
        shots on target and the goals (the columns of ``events_frame``), and each period's length
        (``period_seconds``: the last event's second, indexed by match_id and period) for the
        match clock (metrics.goalkeeping.shots_faced)."""
        import pandas as pd
        from sqlalchemy import and_, func, or_

        ids = sorted({int(m) for m in match_ids})
        cols = [c.name for c in t.events.columns]
        e = t.events.c
        q = (
            select(t.events)
            .where(e.match_id.in_(ids), or_(and_(e.kind == "shot", e.on_target), e.is_goal))
            .order_by(e.match_id, e.seq)
        )
        ends = (
            select(e.match_id, e.period, func.max(e.second))
            .where(e.match_id.in_(ids))
            .group_by(e.match_id, e.period)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
            lengths = conn.execute(ends).all()
        index = pd.MultiIndex.from_tuples(
            [(int(r[0]), int(r[1])) for r in lengths], names=["match_id", "period"]
        )
        seconds = pd.Series([float(r[2]) for r in lengths], index=index, name="second", dtype=float)
        return pd.DataFrame.from_records(rows, columns=cols), seconds

    def matches_frame(
        self, match_ids: Sequence[int] | None = None, season_ids: Sequence[int] | None = None
    ) -> Any:
        """Every match with its competition and season: the index the metrics work over (only
        these matches, or the matches of these seasons, when given)."""
        import pandas as pd

        q = (
            select(
                t.matches.c.id.label("match_id"),
                t.matches.c.provider,
                t.matches.c.provider_id,
                *_SCORE_LINE,
                t.seasons.c.id.label("season_id"),
                t.seasons.c.name.label("season"),
                t.competitions.c.id.label("competition_id"),
                t.competitions.c.name.label("competition"),
            )
            .join(t.seasons, t.seasons.c.id == t.matches.c.season_id)
            .join(t.competitions, t.competitions.c.id == t.seasons.c.competition_id)
            .order_by(t.matches.c.kickoff, t.matches.c.id)
        )
        if match_ids is not None:
            q = q.where(t.matches.c.id.in_([int(m) for m in match_ids]))
        if season_ids is not None:
            q = q.where(t.matches.c.season_id.in_([int(s) for s in season_ids]))
        with self.engine.connect() as conn:
            return pd.DataFrame.from_records(conn.execute(q).all(), columns=list(q.selected_columns.keys()))

    def appearances_frame(self, match_ids: Sequence[int] | None = None) -> Any:
        """Appearances (of every match, or of ``match_ids``)."""
        import pandas as pd

        q = select(t.appearances)
        if match_ids is not None:
            q = q.where(t.appearances.c.match_id.in_(sorted({int(m) for m in match_ids})))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        from loanwatch.frames import APPEARANCES

        appearances = pd.DataFrame.from_records(rows, columns=[c.name for c in t.appearances.columns])
        return APPEARANCES.validate(appearances)

    # -- fixtures (from match sheets) -----------------------------------------------------

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
                on_days(f.c.kickoff, start, end),
                ~played,
            )
            .order_by(f.c.kickoff)
        )
        with self.engine.connect() as conn:
            return [
                {**dict(r._mapping), "id": None, "length_minutes": 0.0, "no_data": True}
                for r in conn.execute(q)
            ]
