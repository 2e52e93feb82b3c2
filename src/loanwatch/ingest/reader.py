"""What a reader is: the one interface every provider format sits behind.

As kloppy's deserializers sit behind one model, loanwatch's readers sit behind one ``Reader``:
``wyscout.WyscoutReader`` (the fast path: folders of the public data set) and
``kloppy_reader.KloppyReader`` (StatsBomb, Opta, Sportec, Stats Perform, one match at a time).
A reader

1. finds its units in the paths a user gives (``units``): a Wyscout file; a kloppy event file
   with its lineup file. What it cannot take is refused, named, with why;
2. says which bytes are a unit's content (``content``): what the ingest hashes to skip a file it
   already holds and to notice a changed one;
3. reads a unit into the domain model (``read``): a match (``MatchRead``), which the ingest then
   joins and checks (``checks.build_record``) and writes; or entries of a reference file
   (``ReferenceRead``: players, clubs, match sheets).

A reader neither hashes, skips, writes nor keeps the run's record: ``pipeline.Ingestor`` does that,
the same way for every reader. A reader raises ``IngestError`` (naming the file) for a unit that
cannot be read; anything in ``errors.UNEXPECTED`` it lets through is reported as unexpected content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from loanwatch.domain import Club, Competition, DataWarning, Event, MatchSheet, Player
from loanwatch.ingest.errors import IngestError


@dataclass(frozen=True)
class Unit:
    """What is ingested (and skipped, or rejected) as one: a file, or an event file with its companions."""

    path: Path  # the file the store's bookkeeping names
    kind: str  # teams, players, sheets, match
    companions: tuple[Path, ...] = ()  # read with it (a lineup file): part of its content

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path, *self.companions)


@dataclass
class MatchRead:
    """One match as a reader maps it, before it is joined to its sheet's players and checked."""

    sheet: MatchSheet
    competition: Competition
    period_minutes: dict[int, float]
    events: list[Event]
    players: list[Player]
    clubs: list[Club]
    warnings: list[DataWarning] = field(default_factory=list)  # what the reader found, kept with the match
    tournament: bool = False  # a competition whose seasons are named by year (a Euro, a World Cup)
    # The unit is where its players are described (a lineup file): they count in the summary's
    # players. Wyscout describes them in players.json, counted there.
    describes_players: bool = False


@dataclass
class ReferenceRead:
    """The good entries of a reference file, and an error naming each bad one (rejected alone)."""

    players: list[Player] = field(default_factory=list)
    clubs: list[Club] = field(default_factory=list)
    sheets: dict[str, bytes] | None = None  # match id -> its sheet verbatim (a match-sheet file)
    fixtures: list[dict[str, Any]] = field(default_factory=list)  # every match the sheets list
    bad: list[IngestError] = field(default_factory=list)


class Reader(Protocol):
    """One provider format (see the module docstring)."""

    provider: str

    def units(self, paths: Sequence[Path], refused: list[IngestError]) -> list[Unit]:
        """What to ingest under ``paths``, in the order to ingest it (reference files first)."""
        ...

    def run_source(self, paths: Sequence[Path]) -> str:
        """The run's inputs, as the store's record of the run names them."""
        ...

    def content(self, unit: Unit, raw: list[bytes]) -> list[bytes]:
        """The unit's content, hashed as one, from the bytes of its files (``unit.files``)."""
        ...

    def read(self, unit: Unit, content: list[bytes]) -> MatchRead | ReferenceRead:
        """The unit in the domain model; ``IngestError`` when it cannot be read."""
        ...
