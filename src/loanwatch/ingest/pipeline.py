"""Ingest: provider files in, matches with appearances and events in the store, for every reader.

``Ingestor`` runs one ingest over any reader (``reader.Reader``: ``wyscout.WyscoutReader`` by
default, ``kloppy_reader.KloppyReader`` for one match of another provider) and owns its
bookkeeping, the same for all of them: reading the files, hashing, skipping, one transaction per
match, the run's record in the store, the errors and the summary.

Incremental and idempotent: a file already ingested is skipped by content (sha256), a changed file
replaces its match, the same content delivered under another name is skipped as a duplicate.
Each match is written in one transaction with its source file, so a crash at any point leaves
the store consistent and a rerun completes. A bad file is rejected with a message naming it;
the good files of the same run still land; a bad entry of a players, teams or match-sheet file is
rejected alone. What is rejected and what is stored with a warning: ``loanwatch.ingest.errors``.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loanwatch.domain import DataWarning
from loanwatch.ingest import discover
from loanwatch.ingest.checks import build_record
from loanwatch.ingest.errors import UNEXPECTED, IngestError, unexpected
from loanwatch.ingest.reader import MatchRead, Reader, ReferenceRead, Unit
from loanwatch.ingest.wyscout import WyscoutReader
from loanwatch.store.locking import writer_lock
from loanwatch.store.repository import SourceFile, Store

Progress = Callable[[str, int, int], None]  # (file name, done, total)

COUNTS = ("matches", "events", "players", "skipped", "rejected")


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
        return {name: getattr(self, name) for name in COUNTS}


class Ingestor:
    """One ingest run over one reader's files (Wyscout's unless ``reader`` is given)."""

    def __init__(
        self, store: Store, progress: Progress | None = None, *, accept_score_mismatch: bool = False,
        reader: Reader | None = None,
    ) -> None:
        self.store = store
        self.progress = progress
        self.accept_score_mismatch = accept_score_mismatch
        self.reader: Reader = reader if reader is not None else WyscoutReader(store.match_sheet)
        self.summary = IngestSummary()

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
        units = self.reader.units(paths, refused)
        for err in refused:
            self._reject_unrecorded(err)
        run_id = self.store.begin_run(self.reader.run_source(paths))
        self._seen = self.store.ingested_files()
        self._hashes = self.store.ingested_hashes()
        # Match files are read here, one after the other: parsing in worker processes was measured
        # (benchmarks/ingest.py): on 2 cores, pickling the events across costs what the second saves.
        for done, unit in enumerate(units):
            if self.progress:
                self.progress(unit.path.name, done, len(units))
            if (todo := self._to_ingest(unit)) is None:
                continue
            source, content = todo
            try:
                read = self.reader.read(unit, content)
                if isinstance(read, MatchRead):
                    self._write_match(unit.path, read, source, run_id)
                else:
                    self._write_reference(read, source, run_id)
                self._hashes[source.sha256] = source.path
            except IngestError as err:
                self._reject(source, run_id, err)
            except UNEXPECTED as exc:
                self._reject(source, run_id, unexpected(unit.path, exc))
        if self.progress:
            self.progress("", len(units), len(units))
        self.store.finish_run(run_id, self.summary.as_dict())
        return self.summary

    def _to_ingest(self, unit: Unit) -> tuple[SourceFile, list[bytes]] | None:
        """The unit's content if it must be ingested; None when it is unchanged, a duplicate or unreadable."""
        raw: list[bytes] = []
        for path in unit.files:
            if (what := discover.special(path)) is not None:
                self._reject_unrecorded(discover.not_a_file(path, what))
                return None
            try:
                raw.append(path.read_bytes())
            except OSError as exc:
                self._reject_unrecorded(IngestError(path, f"cannot read ({exc.strerror})"))
                return None
        try:
            content = self.reader.content(unit, raw)
        except IngestError as err:
            self._reject_unrecorded(err)
            return None
        # One hash over all the unit's files: a corrected lineup changes a match as much as its events.
        digest = hashlib.sha256(content[0])
        for more in content[1:]:
            digest.update(b"\0")
            digest.update(more)
        sha = digest.hexdigest()
        key = str(unit.path.resolve())
        if self._seen.get(key) == (sha, "ingested"):
            self.summary.skipped += 1
            return None
        if sha in self._hashes and self._hashes[sha] != key:
            self.summary.skipped += 1  # the same content delivered under another name
            return None
        size = sum(len(c) for c in content)
        return SourceFile(key, sha, size, self.reader.provider, unit.kind), content

    def _write_match(self, path: Path, read: MatchRead, source: SourceFile, run_id: int) -> None:
        record = build_record(
            path, read, self.store.known_player_ids(), accept_score_mismatch=self.accept_score_mismatch
        )
        self.store.write_match(record, source, run_id, tournament=read.tournament)
        self.summary.matches += 1
        self.summary.warnings.extend((str(path), record.sheet.match_id, w) for w in record.warnings)
        self.summary.events += len(record.events)
        if read.describes_players:
            self.summary.players += len(record.players)

    def _write_reference(self, read: ReferenceRead, source: SourceFile, run_id: int) -> None:
        errors = "\n".join(e.problem for e in read.bad) or None
        if read.sheets is not None:
            provider = self.reader.provider
            self.store.save_sheets(provider, read.sheets, source, run_id, errors, fixtures=read.fixtures)
        else:
            self.store.save_reference(read.players, read.clubs, source, run_id, errors)
            self.summary.players += len(read.players)
        for err in read.bad:  # the good entries landed; each bad one is reported
            self._reject_unrecorded(err)

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
