"""Errors that name the file and the problem, so a user can act on them; and data-quality warnings.

What ingest does with bad input (one rule per class of problem; tests/bad_input/cases.toml holds
one delivery per rule):

- A file that cannot be read as what its name says (not JSON, truncated gzip, another format, a
  FIFO or device) is rejected as a whole: ``IngestError(path, problem)``.
- A match file is one unit: an event that is not an event (not an object, no id, an ``eventSec``
  that is not a number of seconds inside a period, a ``teamId`` of neither club), events of
  another match, a player acting who is not on the sheet, a score the events cannot explain:
  the match is rejected, the message names the event (index and id) and the problem.
- A players, teams or match-sheet file is a list of entries: a bad entry (not an object, no
  ``wyId``, a number as a name, a lineup row that is not a player, 12 starters, a negative
  substitution minute) is rejected by its index / wyId; the other entries land.
- A changed file that is now bad keeps the data of the version ingested before; its
  ``source_files`` row keeps that version's hash and status and records the new problem in
  ``error`` (``Store.record_rejected_version``).
- What the store can hold truthfully is stored with a named warning (``DataWarning`` in
  ``loanwatch.domain``, kept in ``matches.warnings``, shown by reports beside the match):

  =========================  =====================================================================
  code                       params / meaning
  =========================  =====================================================================
  ``duplicate_events``       ``count``, ``first_event_id``: repeated events (same id) were
                             dropped, the first copy kept.
  ``coordinates_out_of_range`` ``count``, ``first_event_id``: positions outside the provider's
                             range (Wyscout: 0..100; up to 5 units off the line is kept, the
                             real data has -1 and 101) are stored as unknown.
  ``goal_on_save_only``      ``event_id``, ``club_id``, ``minute``: the goal is tagged only on the
                             keeper's save attempt (the scorer's shot is coded as something else):
                             it counts for the shooting club, no scorer is credited.
  ``substitutions_missing``  ``club_id``, ``players``: the sheet gives no substitutions ("null")
                             but bench players acted: they come on at their first action, the
                             starters they replaced keep the whole match.
  ``score_mismatch``         ``events_home``, ``events_away``, ``sheet_home``, ``sheet_away``:
                             stored only with ``--accept-score-mismatch`` (a partial feed); the
                             sheet's score is kept.
  ``note``                   free text stored before migration 0007.
  =========================  =====================================================================
"""

from __future__ import annotations

from pathlib import Path

from loanwatch.domain import DataWarning
from loanwatch.errors import IngestError  # the class lives in the one error tree; re-exported

__all__ = ["IngestError", "EntryError", "warning", "WARNING_CODES", "UNEXPECTED", "unexpected"]

DUPLICATE_EVENTS = "duplicate_events"
COORDINATES_OUT_OF_RANGE = "coordinates_out_of_range"
GOAL_ON_SAVE_ONLY = "goal_on_save_only"
SUBSTITUTIONS_MISSING = "substitutions_missing"
SCORE_MISMATCH = "score_mismatch"
WARNING_CODES = frozenset(
    {DUPLICATE_EVENTS, COORDINATES_OUT_OF_RANGE, GOAL_ON_SAVE_ONLY, SUBSTITUTIONS_MISSING, SCORE_MISMATCH}
)


class EntryError(ValueError):
    """One bad entry of a file (an event, a player, a sheet row): the reader adds where it is."""


def warning(code: str, text: str, **params: str | int | float) -> DataWarning:
    assert code in WARNING_CODES, code
    return DataWarning(code, params, text)


# What a reader raises on content shaped like nothing it checks for: the file is rejected, named,
# and the run goes on (no traceback reaches the user).
UNEXPECTED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def unexpected(path: Path, exc: Exception) -> IngestError:
    return IngestError(path, f"unexpected content ({type(exc).__name__}: {exc})")
