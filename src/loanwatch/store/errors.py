"""What can go wrong with the store itself, as one line a user can act on.

The classes are part of loanwatch's one error tree (``loanwatch.errors``, re-exported here): every
class carries the exit status the CLI ends with (``exit_status``) and an HTTP status, so the
command line maps them in one place (``cli.common.handle_errors``). The engine (``engine.py``)
turns the database driver's errors into these as they happen: a full disk in the middle of an
ingest is a :class:`StoreFull`, not a traceback.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from loanwatch.errors import (
    NotAStore,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    UnknownStoreKind,
)

# The classes live in the one error tree (loanwatch.errors); imported from here they keep working.
__all__ = [
    "NotAStore",
    "StoreBusy",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "StoreUnavailable",
    "UnknownStoreKind",
    "from_driver_error",
    "full_message",
    "read_only_message",
]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def from_driver_error(exc: BaseException, location: str) -> StoreError | None:
    """The store error a driver (sqlite3, psycopg) or OS error means, or None for any other error
    (a constraint or a programming mistake is not the store's problem and is left as it is)."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return StoreFull(location, full_message(location))
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StoreReadOnly(location, read_only_message(location, exc.strerror or str(exc)))
        return None
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "disk is full" in text or "database or disk is full" in text:
            return StoreFull(location, full_message(location))
        if "readonly" in text or "read-only" in text:
            return StoreReadOnly(location, read_only_message(location, str(exc)))
        if "file is not a database" in text or "malformed" in text:
            return NotAStore(
                location, f"{location} is not a loanwatch store (the file is not a SQLite database)"
            )
        if "unable to open database file" in text:
            if _exists_unwritable(location):
                return StoreReadOnly(location, read_only_message(location, "its folder is read-only"))
            return StoreUnavailable(
                location,
                f"cannot open the store {location}: check that its folder exists and can be written",
            )
        if "database is locked" in text or "database table is locked" in text:
            return StoreBusy(
                location, f"the store {location} stayed locked by another program: try again later"
            )
        if "disk i/o error" in text:
            return StoreFull(location, f"cannot write the store {location} (disk I/O error: full or failing)")
        return None
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    if isinstance(exc, psycopg.OperationalError) and not isinstance(exc, psycopg.errors.DiskFull):
        return StoreUnavailable(location, f"cannot reach the PostgreSQL store {location}: {_first_line(exc)}")
    if isinstance(exc, psycopg.errors.DiskFull):
        return StoreFull(location, full_message(location))
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.InsufficientPrivilege):
        return StoreReadOnly(location, read_only_message(location, _first_line(exc)))
    return None


def _exists_unwritable(location: str) -> bool:
    """A SQLite store whose file exists but cannot be written beside (its -wal and -shm files)."""
    path = Path(location)
    try:
        return path.is_file() and not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK))
    except OSError:
        return False


def full_message(location: str) -> str:
    return (
        f"the store {location} is full (no space left on its disk, or its size limit reached): "
        "free some space and run the command again; what was stored before is kept"
    )


def read_only_message(location: str, why: str) -> str:
    return f"the store {location} cannot be written ({why}): check the permissions of the file and its folder"
