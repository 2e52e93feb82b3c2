"""Ingest: provider files in, matches with appearances and events in the store.

Incremental and idempotent: a file already ingested is skipped by content (sha256), a changed file
replaces its match, the same content delivered under another name is skipped as a duplicate.
Each match is written in one transaction with its source file, so a crash at any point leaves
the store consistent and a rerun completes. A bad file is rejected with a message naming it;
the good files of the same run still land; a bad entry of a players, teams or match-sheet file is
rejected alone. What is rejected and what is stored with a warning: ``loanwatch.ingest.errors``.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import stat
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from loanwatch.domain import (
    AppearanceStatus,
    Club,
    Competition,
    DataWarning,
    Event,
    MatchRecord,
    MatchSheet,
    Player,
    TeamSheet,
)
from loanwatch.ingest import wyscout
from loanwatch.ingest.errors import (
    GOAL_ON_SAVE_ONLY,
    SCORE_MISMATCH,
    SUBSTITUTIONS_MISSING,
    IngestError,
    warning,
)
from loanwatch.ingest.minutes import match_appearances
from loanwatch.metrics.boxscore import goals_by_club, goals_on_saves_only, with_box_score
from loanwatch.store.locking import writer_lock
from loanwatch.store.repository import SourceFile, Store

Progress = Callable[[str, int, int], None]  # (file name, done, total)

TOURNAMENTS = {"102", "28"}  # Wyscout ids of the Euro and the World Cup: seasons named by year


@dataclass
class IngestSummary:
    matches: int = 0
    events: int = 0
    players: int = 0
    skipped: int = 0
    rejected: int = 0  # files, and entries of reference files, that were rejected
    errors: list[IngestError] = field(default_factory=list)
    # (file, match provider id, warning) of every match stored with a data-quality warning
    warnings: list[tuple[str, str, DataWarning]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "matches": self.matches,
            "events": self.events,
            "players": self.players,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


@dataclass(frozen=True)
class FoundFile:
    path: Path
    kind: str  # teams, players, sheets, match


def _special(path: Path) -> str | None:
    """What a path is when it is neither a folder nor a regular file (nothing is read from it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if not (name.endswith(".json") or name.endswith(".json.gz")):
        return None
    stem = name.removesuffix(".gz").removesuffix(".json")
    if stem == "teams":
        return "teams"
    if stem == "players":
        return "players"
    if stem.startswith("matches_") or stem == "matches":
        return "sheets"
    if stem in ("competitions", "coaches", "referees", "eventid2name", "tags2name"):
        return None
    return "match"


_ORDER = {"teams": 0, "players": 1, "sheets": 2, "match": 3}


def discover(paths: Iterable[Path], refused: list[IngestError] | None = None) -> list[FoundFile]:
    """Wyscout files under the given paths, reference files first so matches can be read against them.

    A path that is a FIFO, a device or a socket (given, or under a folder with a Wyscout name) is
    not read: it goes to ``refused`` with what it is.
    """
    found: list[FoundFile] = []
    for root in paths:
        candidates = sorted(root.rglob("*")) if root.is_dir() else [root]
        for p in candidates:
            if (what := _special(p)) is not None:
                if (p == root or _kind(p) is not None) and refused is not None:
                    refused.append(IngestError(p, f"{what}, not a file: nothing read"))
                continue
            if p.is_file() and (kind := _kind(p)) is not None:
                found.append(FoundFile(p, kind))
            elif p == root and p.is_file() and refused is not None:
                refused.append(IngestError(p, "not a Wyscout file name (*.json or *.json.gz, any case)"))
    return sorted(found, key=lambda f: (_ORDER[f.kind], str(f.path)))


GZIP_MAGIC = b"\x1f\x8b"


def _decompress(path: Path, raw: bytes) -> bytes:
    """The file's JSON bytes: gunzipped when named .gz (any case) or when gzip content is named .json."""
    if not path.name.lower().endswith(".gz") and not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(path, f"truncated or corrupt gzip file ({exc})") from None


# What a reader raises on content shaped like nothing it checks for: the file is rejected, named,
# and the run goes on (no traceback reaches the user).
UNEXPECTED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def unexpected(path: Path, exc: Exception) -> IngestError:
    return IngestError(path, f"unexpected content ({type(exc).__name__}: {exc})")


def parse_match_file(path: Path, raw: bytes) -> wyscout.WyscoutMatchFile | IngestError:
    """Decompress and read one match file; a bad file's error is returned with it, not raised."""
    try:
        return wyscout.WyscoutMatchFile(path, _decompress(path, raw))
    except IngestError as err:
        return err
    except UNEXPECTED as exc:
        return unexpected(path, exc)


class Ingestor:
    """One ingest run over Wyscout files."""

    def __init__(
        self, store: Store, progress: Progress | None = None, *, accept_score_mismatch: bool = False
    ) -> None:
        self.store = store
        self.progress = progress
        self.accept_score_mismatch = accept_score_mismatch
        self.summary = IngestSummary()
        self._sheets: dict[str, bytes] = {}
        self._bad_sheets: dict[str, str] = {}  # match id -> why its sheet was rejected in this run
        self._fixtures: list[dict[str, Any]] = []

    def run(self, paths: Iterable[Path]) -> IngestSummary:
        # One writing run at a time on a store: a second one waits, then skips what the first
        # ingested (store/locking.py); ids cached before the wait may be stale.
        with writer_lock(self.store.engine):
            self.store.forget_cached_ids()
            return self._run_gc_off(paths)

    def _run_gc_off(self, paths: Iterable[Path]) -> IngestSummary:
        # A match file becomes ~100,000 short-lived objects with no reference cycles; the cyclic
        # garbage collector would scan them again and again (measured: ~20% of an ingest).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(list(paths))
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, paths: list[Path]) -> IngestSummary:
        refused: list[IngestError] = []
        files = discover(paths, refused)
        for p in paths:
            if not p.exists():
                self._reject_unrecorded(IngestError(p, "no such file or folder"))
        for err in refused:
            self._reject_unrecorded(err)
        run_id = self.store.begin_run(", ".join(str(p) for p in paths))
        self._seen = self.store.ingested_files()
        self._hashes = self.store.ingested_hashes()
        done = 0
        reference = [f for f in files if f.kind != "match"]
        matches = [f for f in files if f.kind == "match"]
        for found in reference:
            self._tick(found, done, len(files))
            done += 1
            if (todo := self._to_ingest(found)) is not None:
                source, raw = todo
                try:
                    content = _decompress(found.path, raw)
                    self._ingest_reference(found.kind, found.path, content, source, run_id)
                    self._hashes[source.sha256] = source.path
                except IngestError as err:
                    self._reject(source, run_id, err)
                except UNEXPECTED as exc:
                    self._reject(source, run_id, unexpected(found.path, exc))
        for found, source, parsed in self._parsed_matches(matches):
            self._tick(found, done, len(files))
            done += 1
            if source.sha256 in self._hashes and self._hashes[source.sha256] != source.path:
                self.summary.skipped += 1  # the same content twice in this delivery
                continue
            try:
                if isinstance(parsed, IngestError):
                    raise parsed
                record = self._record(found.path, parsed)
                self.store.write_match(
                    record, source, run_id, tournament=record.sheet.competition_id in TOURNAMENTS
                )
                self.summary.matches += 1
                self.summary.warnings.extend(
                    (str(found.path), record.sheet.match_id, w) for w in record.warnings
                )
                self.summary.events += len(record.events)
                self._hashes[source.sha256] = source.path
            except IngestError as err:
                self._reject(source, run_id, err)
            except UNEXPECTED as exc:
                self._reject(source, run_id, unexpected(found.path, exc))
        if self.progress:
            self.progress("", len(files), len(files))
        self.store.finish_run(run_id, self.summary.as_dict())
        return self.summary

    def _tick(self, found: FoundFile, done: int, total: int) -> None:
        if self.progress:
            self.progress(found.path.name, done, total)

    def _to_ingest(self, found: FoundFile) -> tuple[SourceFile, bytes] | None:
        """The file's bytes if it must be ingested; None when it is unchanged, a duplicate or unreadable."""
        path = found.path
        key = str(path.resolve())
        if (what := _special(path)) is not None:
            self._reject_unrecorded(IngestError(path, f"{what}, not a file: nothing read"))
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self._reject_unrecorded(IngestError(path, f"cannot read ({exc.strerror})"))
            return None
        sha = hashlib.sha256(raw).hexdigest()
        if self._seen.get(key) == (sha, "ingested"):
            self.summary.skipped += 1
            return None
        if sha in self._hashes and self._hashes[sha] != key:
            self.summary.skipped += 1  # the same content delivered under another name
            return None
        return SourceFile(key, sha, len(raw), wyscout.PROVIDER, found.kind), raw

    def _parsed_matches(
        self, matches: list[FoundFile]
    ) -> Iterator[tuple[FoundFile, SourceFile, wyscout.WyscoutMatchFile | IngestError]]:
        # Parsing in worker processes was measured (benchmarks/ingest.py): on 2 cores, pickling
        # the events across costs what the second core saves, so match files are read here.
        for found in matches:
            if (todo := self._to_ingest(found)) is not None:
                source, raw = todo
                yield found, source, parse_match_file(found.path, raw)

    # -- one file -----------------------------------------------------------------------------

    def _ingest_reference(
        self, kind: str, path: Path, content: bytes, source: SourceFile, run_id: int
    ) -> None:
        if kind == "teams":
            clubs, bad = wyscout.read_teams(path, content)
            self.store.save_reference([], clubs, source, run_id, _entry_errors(bad))
        elif kind == "players":
            players, bad = wyscout.read_players(path, content)
            self.store.save_reference(players, [], source, run_id, _entry_errors(bad))
            self.summary.players += len(players)
        else:
            sheets, bad = self._index_sheets(path, content)
            self.store.save_sheets(
                wyscout.PROVIDER, sheets, source, run_id, _entry_errors(bad), fixtures=self._fixtures
            )
        for err in bad:  # the good entries landed; each bad one is reported
            self._reject_unrecorded(err)

    def _index_sheets(self, path: Path, content: bytes) -> tuple[dict[str, bytes], list[IngestError]]:
        try:
            doc = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise IngestError(path, f"not valid JSON ({exc})") from None
        if not isinstance(doc, list) or (
            doc and not any(isinstance(m, dict) and "teamsData" in m for m in doc)
        ):
            raise IngestError(
                path, "not a Wyscout match sheet file (expected a list of matches with teamsData)"
            )
        sheets = {}
        bad: list[IngestError] = []
        self._fixtures = []
        for i, m in enumerate(doc):
            try:
                sheet = wyscout.sheet_from_json(path, m)
            except IngestError as err:
                wy = wyscout.provider_id(m.get("wyId")) if isinstance(m, dict) else None
                if wy is not None:
                    self._bad_sheets[wy] = err.problem
                bad.append(IngestError(path, f"match sheet #{i} rejected: {err.problem}"))
                continue
            self._bad_sheets.pop(sheet.match_id, None)
            sheets[sheet.match_id] = orjson.dumps(m)
            self._fixtures.append(
                {
                    "provider_match_id": sheet.match_id,
                    "kickoff": sheet.kickoff,
                    "competition_name": wyscout.competition(sheet.competition_id).name,
                    "home_club_pid": sheet.home.club_id,
                    "away_club_pid": sheet.away.club_id,
                    "home_score": sheet.home.score,
                    "away_score": sheet.away.score,
                }
            )
        if doc and not sheets:
            raise IngestError(path, f"none of its {len(doc)} match sheets can be read ({bad[0].problem})")
        self._sheets.update(sheets)
        return sheets, bad

    def _sheet(self, path: Path, match_id: str) -> MatchSheet:
        raw = self._sheets.get(match_id) or self.store.match_sheet(wyscout.PROVIDER, match_id)
        if raw is None and match_id in self._bad_sheets:
            raise IngestError(
                path, f"the match sheet of match {match_id} was rejected ({self._bad_sheets[match_id]})"
            )
        if raw is None:
            raise IngestError(
                path, f"no match sheet for match {match_id}: ingest the matches_*.json file that lists it"
            )
        return wyscout.sheet_from_json(path, orjson.loads(raw))

    def _record(self, path: Path, parsed: wyscout.WyscoutMatchFile) -> MatchRecord:
        sheet = self._sheet(path, parsed.match_id)
        return build_record(
            path,
            sheet,
            wyscout.competition(sheet.competition_id),
            parsed.period_minutes,
            parsed.events,
            parsed.players,
            parsed.clubs,
            self.store.known_player_ids(),
            accept_score_mismatch=self.accept_score_mismatch,
            warnings=parsed.warnings,
        )

    def _reject(self, source: SourceFile, run_id: int, err: IngestError) -> None:
        if self._seen.get(source.path, ("", ""))[1] == "ingested":
            # A changed file that is now bad: the store keeps the data of the version ingested
            # before, and the file's row keeps that version's hash and status, with the new problem.
            kept = IngestError(err.path, err.problem + "; the version ingested before is kept")
            self.store.record_rejected_version(source.path, run_id, kept.problem)
            self._reject_unrecorded(kept)
            return
        self.store.record_rejected(source, run_id, err.problem)
        self._reject_unrecorded(err)

    def _reject_unrecorded(self, err: IngestError) -> None:
        self.summary.rejected += 1
        self.summary.errors.append(err)


def _entry_errors(bad: list[IngestError]) -> str | None:
    return "\n".join(e.problem for e in bad) or None


def build_record(
    path: Path,
    sheet: MatchSheet,
    competition: Competition,
    period_minutes: dict[int, float],
    events: list[Event],
    players: list[Player],
    clubs: list[Club],
    known_players: Collection[tuple[str, str]],
    *,
    accept_score_mismatch: bool = False,
    warnings: Iterable[DataWarning] = (),
) -> MatchRecord:
    """Join events to their sheet, derive appearances, and check the result against the sheet.

    ``warnings``: what the reader already found (kept with the match). ``accept_score_mismatch``
    stores a match whose events cannot explain its score (a partial feed) with a warning.
    """
    provider = sheet.provider
    club_ids = {sheet.home.club_id, sheet.away.club_id}
    if {c.provider_id for c in clubs} != club_ids:
        raise IngestError(path, f"match {sheet.match_id}: the clubs in the file do not match its sheet")
    stray = [(i, e) for i, e in enumerate(events) if e.team_id not in club_ids]
    if stray:
        i, e = stray[0]
        raise IngestError(
            path,
            f"match {sheet.match_id}: event #{i} (id {e.provider_event_id}) has teamId {e.team_id}, "
            f"neither club of the match ({len(stray)} such events)",
        )
    on_sheet = {e.player_id for team in (sheet.home, sheet.away) for e in team.entries}
    acting = {e.player_id for e in events if e.player_id}
    if missing := sorted(acting - on_sheet):
        raise IngestError(
            path,
            f"match {sheet.match_id}: players {', '.join(missing)} have events "
            "but are not on the match sheet",
        )
    in_file = {p.provider_id for p in players}
    # The real data has a few players on a sheet that no players file describes: keep them under
    # their provider id rather than lose the match (the name can be filled in by a later delivery).
    players = players + [
        Player(provider=provider, provider_id=pid, short_name=f"{provider} player {pid}")
        for pid in sorted(on_sheet - in_file)
        if (provider, pid) not in known_players
    ]
    roles = {p.provider_id: p.role for p in players}
    appearances = with_box_score(match_appearances(sheet, period_minutes, roles, events), events)
    length = sum(period_minutes.values())
    for a in appearances:
        if a.minutes_played > length + 1e-6:
            raise IngestError(
                path, f"match {sheet.match_id}: player {a.player_id} plays longer than the match"
            )
    found = list(warnings)
    found += _missing_substitutions(sheet, appearances)
    clubs_order = (sheet.home.club_id, sheet.away.club_id)
    scored = goals_by_club(events, clubs_order)
    expected = {sheet.home.club_id: sheet.home.score, sheet.away.club_id: sheet.away.score}
    if scored != expected:
        # The provider also tags a goal on the keeper's save attempt. When a scorer's shot is coded
        # as something else, that tag is the only trace of the goal: read it as the provider does.
        on_saves = goals_on_saves_only(events, clubs_order)
        with_saves = dict(scored)
        for _, club, _ in on_saves:
            with_saves[club] += 1
        if on_saves and with_saves == expected:
            scored = with_saves
            found += [
                warning(
                    GOAL_ON_SAVE_ONLY,
                    f"a goal of club {club} is tagged only on the keeper's save attempt (event {eid}, "
                    f"minute {minute}): it counts in the score, no scorer is credited",
                    event_id=eid,
                    club_id=club,
                    minute=minute,
                )
                for eid, club, minute in on_saves
            ]
    if scored != expected:
        home, away = clubs_order
        problem = (
            f"match {sheet.match_id}: goals in the events {scored[home]}-{scored[away]} "
            f"differ from the sheet's score {expected[home]}-{expected[away]}"
        )
        if not accept_score_mismatch:
            raise IngestError(
                path, problem + " (if the file is known to be an excerpt, pass --accept-score-mismatch)"
            )
        found.append(
            warning(
                SCORE_MISMATCH,
                problem + ", stored as asked (--accept-score-mismatch): the sheet's score is kept",
                events_home=scored[home],
                events_away=scored[away],
                sheet_home=expected[home],
                sheet_away=expected[away],
            )
        )
    return MatchRecord(
        sheet=sheet,
        period_minutes=period_minutes,
        events=events,
        players=players,
        clubs=clubs,
        competition=competition,
        appearances=[a for a in appearances if a.status != AppearanceStatus.NOT_IN_SQUAD],
        warnings=found,
    )


def _missing_substitutions(sheet: MatchSheet, appearances: list[Any]) -> list[DataWarning]:
    """A club with no substitutions on its sheet whose bench players acted: minutes are approximate."""
    out = []
    for team in (sheet.home, sheet.away):
        team_sheet: TeamSheet = team
        if team_sheet.substitutions:
            continue
        bench = {e.player_id for e in team_sheet.entries if not e.starter}
        came_on = sorted(
            a.player_id for a in appearances if a.player_id in bench and a.status == AppearanceStatus.CAME_ON
        )
        if came_on:
            out.append(
                warning(
                    SUBSTITUTIONS_MISSING,
                    f"club {team_sheet.club_id}'s sheet gives no substitutions, but {', '.join(came_on)} "
                    "came on (from their first action); the players they replaced keep the whole match",
                    club_id=team_sheet.club_id,
                    players=", ".join(came_on),
                )
            )
    return out
