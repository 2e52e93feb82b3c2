"""One writer at a time on a store: the lock every writing run takes (schema setup, ingest, models
train, portfolio import, alerts, watchlists, notes).

- SQLite: an exclusive ``flock`` on a lock file beside the store (``loanwatch.db.lock``). The file
  stays; the lock goes with the process, so a run killed with ``kill -9`` never leaves it held.
  (Not a lock on the database file itself: SQLite's own POSIX locks on it would be dropped when
  another descriptor of the file is closed.)
- PostgreSQL: a session-level ``pg_advisory_lock`` on a connection held for the run; the server
  drops it when that connection ends, however it ends.

A run that finds the lock taken says so (``WAIT_MESSAGE``, on stderr unless ``on_wait`` is given)
and waits for it. The lock is re-entrant within a process, so a writing call made inside another
(``demo`` ingests, imports and trains) does not wait for itself.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from loanwatch.store.errors import StoreReadOnly, StoreUnavailable

WAIT_MESSAGE = "waiting for another loanwatch run on this store…"
LOCK_SUFFIX = ".lock"
# pg_advisory_lock takes a bigint: the bytes of "loanwtch" (< 2**63), one key per database.
PG_LOCK_KEY = int.from_bytes(b"loanwtch", "big")

_guard = threading.Lock()
_held: dict[str, tuple[threading.RLock, list[Any]]] = {}  # key -> (thread lock, [handle, depth])


def _stderr_notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # sys.stderr at call time: Rich may redirect it


def in_memory(database: str | None) -> bool:
    """Whether a SQLite URL's database is an in-memory one (nothing on disk to check or lock)."""
    return not database or database == ":memory:" or database.startswith("file::memory:")


def lock_path(engine: Engine) -> Path | None:
    """The lock file of a SQLite store (None for an in-memory one)."""
    database = engine.url.database
    if in_memory(database):
        return None
    return Path(f"{database}{LOCK_SUFFIX}")


def _key(engine: Engine) -> str | None:
    if engine.dialect.name == "sqlite":
        path = lock_path(engine)
        return None if path is None else f"sqlite:{path}"
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def writer_lock(engine: Engine, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock for the ``with`` block; wait (saying so) while another run has it."""
    key = _key(engine)
    if key is None:
        yield
        return
    with _guard:
        entry = _held.setdefault(key, (threading.RLock(), [None, 0]))
    thread_lock, state = entry
    if not thread_lock.acquire(blocking=False):
        (on_wait or _stderr_notice)(WAIT_MESSAGE)
        thread_lock.acquire()
    try:
        if state[1] == 0:
            state[0] = _acquire(engine, on_wait or _stderr_notice)
        state[1] += 1
        try:
            yield
        finally:
            state[1] -= 1
            if state[1] == 0:
                handle, state[0] = state[0], None
                _release(engine, handle)
    finally:
        thread_lock.release()


def _acquire(engine: Engine, on_wait: Callable[[str], None]) -> Any:
    if engine.dialect.name == "sqlite":
        path = lock_path(engine)
        assert path is not None
        store = str(path)[: -len(LOCK_SUFFIX)]
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            raise StoreUnavailable(
                store, f"cannot open the store: the folder {path.parent} does not exist"
            ) from None
        except OSError as exc:
            raise StoreReadOnly(
                store,
                f"the store {store} cannot be written: loanwatch cannot create its lock file {path} "
                f"({exc.strerror}); check the folder's permissions",
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(WAIT_MESSAGE)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar()
        if not got:
            on_wait(WAIT_MESSAGE)
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
    except BaseException:
        conn.close()
        raise
    return conn


def _release(engine: Engine, handle: Any) -> None:
    if handle is None:
        return
    if engine.dialect.name == "sqlite":
        try:
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)
        return
    try:
        handle.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
    except BaseException:
        handle.invalidate()  # never back into the pool with the lock: the session ends here
        raise
    finally:
        handle.close()
