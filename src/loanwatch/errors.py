"""loanwatch's errors: one tree, so every front end (the CLI, the web app, the Python API) maps
what a user can act on in one place.

Every class carries the status the command line ends with (``exit_status``, read by
``cli.common.handle_errors``) and the HTTP status a web front end answers with (``http_status``).
``str()`` of an error is the whole one-line message a user reads; it names the file, the store or
the player concerned.

==========================  ===========  ===========  =============================================
class                       exit_status  http_status  when
==========================  ===========  ===========  =============================================
``LoanwatchError``          1            500          the root: anything a user can act on
``NotFound``                1            404          a name or id that matches nothing
``PlayerNotFound``          1            404          no player matches a name (``api.find_player``)
``Ambiguous``               1            409          a name that fits several things (namesakes)
``PlayerAmbiguous``         1            409          a name that fits several players: it lists them
``InvalidInput``            2            422          a setting, a config file or an argument that
                                                      cannot be used as given
``Forbidden``               1            403          the acting user's role may not do this
                                                      (``access.py``: e.g. a coach importing a loan list)
``NotEnoughData``           1            422          too little data to answer (a player with too few
                                                      minutes to compare, a store without actions)
``NotAuthenticated``        1            401          no session or token, a wrong password, an
                                                      expired session, a disabled user (the web app)
``TooManyAttempts``         1            429          too many failed logins for a name or an address:
                                                      wait (the web app's throttle, services/users.py)
``IngestError``             1            422          a data file (or an entry of it) that cannot be
                                                      ingested; it names the file
``StoreError``              3            503          the store cannot be used as asked
``StoreUnavailable``        3            503          cannot be opened or reached
``NotAStore``               3            503          the file is not a loanwatch database
``StoreReadOnly``           3            503          a command that writes, on a store it may only read
``StoreFull``               3            507          no space left (what was committed stays)
``StoreBusy``               3            503          locked by another program for too long
``UnknownStoreKind``        3            400          a store URL of a kind loanwatch does not use
``InvalidFrame``            3            500          a frame crossing a stage (``frames.py``) that
                                                      breaks its schema: names frame, column, problem
==========================  ===========  ===========  =============================================

The old module paths keep working: ``loanwatch.store.errors`` re-exports the store errors,
``loanwatch.ingest.errors`` re-exports ``IngestError`` and ``loanwatch.api`` re-exports
``PlayerNotFound`` and ``PlayerAmbiguous``. This module imports nothing of loanwatch, so any
module may import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class LoanwatchError(Exception):
    """The root of every error a user can act on. ``str()`` is the whole one-line message."""

    exit_status = 1
    http_status = 500


class NotFound(LoanwatchError):
    """What was asked for (a player, a club, a season) matches nothing."""

    http_status = 404


class Ambiguous(LoanwatchError):
    """What was asked for fits several things: the message lists them and how to pick one."""

    http_status = 409


class InvalidInput(LoanwatchError):
    """A setting, a configuration file or an argument that cannot be used as given."""

    exit_status = 2
    http_status = 422


class Forbidden(LoanwatchError):
    """The acting user's role may not do what was asked (``loanwatch.access``: who may see and
    change what). The message names the role and the action."""

    http_status = 403


class NotEnoughData(LoanwatchError):
    """The store holds too little to answer: a player with too few minutes to be compared, a
    store without SPADL actions. The message says what is missing and how to get it."""

    http_status = 422
class NotAuthenticated(LoanwatchError):
    """Who asks is not known: no session or token, a wrong name or password, an expired session,
    a disabled user. The message never says which of name and password was wrong."""

    http_status = 401


class TooManyAttempts(LoanwatchError):
    """Too many failed logins for one name or from one address in a short time: the message says
    how long to wait."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self), self.retry_after)


# -- players ---------------------------------------------------------------------------------------


class PlayerNotFound(NotFound, LookupError):
    """No single player matches a name. With several candidates it is a :class:`PlayerAmbiguous`
    (raise it through :func:`player_not_found`, which picks the class)."""

    def __init__(self, name: str, candidates: Sequence[str] = ()) -> None:
        self.name = name
        self.candidates = list(candidates)
        if len(self.candidates) > 1:
            hint = (
                f" (it could be: {'; '.join(self.candidates)}. Write the provider id, or the name with "
                "the birth date as 'Name (born YYYY-MM-DD)')"
            )
        else:
            hint = f" (did you mean: {', '.join(self.candidates)}?)" if self.candidates else ""
        super().__init__(f"no single player matches {name!r}{hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.name, self.candidates)


class PlayerAmbiguous(PlayerNotFound, Ambiguous):
    """A name that fits several players (namesakes): the message lists them (birth date, club,
    role, id) and says how to write one. Still a PlayerNotFound for code that catches that."""

    http_status = 409


def player_not_found(name: str, candidates: Sequence[str] = (), *, matches: int = 0) -> PlayerNotFound:
    """The error for a name that does not resolve to one player: ambiguous when it ``matches``
    more than one player, not found otherwise (``candidates`` are then suggestions)."""
    return (PlayerAmbiguous if matches > 1 else PlayerNotFound)(name, candidates)


# -- ingest ----------------------------------------------------------------------------------------


class IngestError(LoanwatchError):
    """A file (or an entry of it) that cannot be ingested. The message always names the file."""

    http_status = 422

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross from parsing workers to the writing process.
        return type(self), (self.path, self.problem)


# -- the store -------------------------------------------------------------------------------------


class StoreError(LoanwatchError):
    """The store cannot be used as asked. ``str()`` is the whole message: it names the store."""

    exit_status = 3
    http_status = 503

    def __init__(self, location: str, problem: str) -> None:
        self.location = location
        self.problem = problem
        super().__init__(problem)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.location, self.problem)


class StoreUnavailable(StoreError):
    """The store cannot be opened or reached: a folder given as the store, a missing or forbidden
    folder, an unreachable or refusing PostgreSQL server."""


class NotAStore(StoreError):
    """The file is there but is not a database (a junk file, a CSV, a damaged store)."""


class StoreReadOnly(StoreError):
    """A command that writes was run on a store loanwatch may only read."""


class StoreFull(StoreError):
    """The disk (or the database's size limit) is full. What was committed before stays."""

    http_status = 507


class StoreBusy(StoreError):
    """Another program kept the store locked for longer than loanwatch waits."""


class UnknownStoreKind(StoreError):
    """A store URL of a kind loanwatch does not use (only SQLite and PostgreSQL)."""

    http_status = 400


class InvalidFrame(StoreError):
    """A frame that crosses a stage (``loanwatch.frames``: actions, action values, per-match stats,
    appearances) and breaks its schema, refused where the store writes or reads it. The message
    names the frame, the column and the problem. A bug or a damaged store, not a user's input."""

    http_status = 500

    def __init__(self, frame: str, column: str, problem: str) -> None:
        self.frame = frame
        self.column = column
        self.detail = problem
        super().__init__(frame, f"{frame} frame, column {column}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.frame, self.column, self.detail)
