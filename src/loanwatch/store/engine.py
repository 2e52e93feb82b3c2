"""Where the store lives, how to open it, and bringing its schema up to date (Alembic).

Schema setup and every migration run in one transaction (SQLite and PostgreSQL both have
transactional DDL), under the store's writer lock (``locking.py``): a run killed or out of disk
in the middle leaves the store as it was, and the next command completes the setup; two runs
opening a new store at once set it up once. The driver's errors become the store errors of
``errors.py`` (one line naming the store) wherever they happen.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from loanwatch.settings import DEFAULT_STORE_FILE, Settings
from loanwatch.store.errors import (
    StoreError,
    StoreUnavailable,
    UnknownStoreKind,
    from_driver_error,
)
from loanwatch.store.locking import in_memory, lock_path, writer_lock

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30000
KINDS = ("sqlite", "postgresql")  # the databases loanwatch stores in
STORE_KINDS_HINT = "a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def resolve_store_url(store: str | None = None) -> str:
    """``--store`` wins, then ``LOANWATCH_STORE``, then ``store`` in loanwatch.toml (settings.py),
    then ``loanwatch.db`` in the current folder.

    Either may be a file path (a SQLite store) or a database URL (``postgresql+psycopg://...``).
    """
    value = store or Settings.load().store  # LOANWATCH_STORE, loanwatch.toml, loanwatch.db
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def describe(url: str) -> str:
    """The store's location as a user reads it: a file path, or the URL without its password."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…"  # unparsable: never echo what may be a password


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # First: the others may have to wait for a run that is setting up a new store.
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL + NORMAL: a crash loses at most the last transaction, never corrupts the file.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _translate_errors(engine: Engine, location: str) -> None:
    """Driver errors about the store itself (full, read-only, unreachable, not a database) are
    raised as StoreError wherever they happen; any other error is left as it is."""

    def handle_error(context: ExceptionContext) -> StoreError | None:
        return from_driver_error(context.original_exception, location)

    event.listen(engine, "handle_error", handle_error)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _checked_url(url: str, location: str) -> URL:
    """The URL, if it names a kind of store loanwatch uses; ``postgresql://`` means psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnknownStoreKind(location, f"{location!r} is not a store: give {STORE_KINDS_HINT}") from None
    if parsed.get_backend_name() not in KINDS:
        raise UnknownStoreKind(
            location,
            f"{location}: loanwatch does not store in {parsed.get_backend_name()!r} databases; "
            f"give {STORE_KINDS_HINT}",
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _check_sqlite_path(url: URL, location: str) -> None:
    database = url.database
    if in_memory(database):
        return
    path = Path(str(database))
    if path.is_dir():
        raise StoreUnavailable(
            location, f"{location} is a folder, not a store: give a file, e.g. {path / DEFAULT_STORE_FILE}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(
            location, f"cannot create the folder {path.parent} for the store {location} ({exc.strerror})"
        ) from None


def _new_engine(url: URL, location: str, **kwargs: Any) -> Engine:
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise UnknownStoreKind(
            location, f"{location}: unknown kind of store; give {STORE_KINDS_HINT}"
        ) from None
    except ModuleNotFoundError as exc:
        raise UnknownStoreKind(
            location,
            f"{location}: its database driver {exc.name!r} is not installed; give {STORE_KINDS_HINT}",
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _translate_errors(engine, location)
    return engine


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """The store's engine; with ``migrate``, its schema brought up to date first."""
    location = describe(url)
    parsed = _checked_url(url, location)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed, location)
    engine = _new_engine(parsed, location)
    if migrate:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


@functools.cache
def head_revision() -> str | None:
    """The latest revision of the migrations shipped with this loanwatch."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the store's schema to the latest revision, atomically, one run at a time.

    Nothing is locked when the store is already up to date (the common case: every command
    opens the store). Otherwise the writer lock is taken, the revision read again under it, and
    every pending migration runs in one transaction.
    """
    url = engine.url.render_as_string(hide_password=False)
    location = describe(url)
    head = head_revision()
    if current_revision(engine) == head:
        return
    cfg = alembic_config(url)
    with writer_lock(engine), migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
        except CommandError as exc:  # e.g. a store written by a newer loanwatch
            raise StoreError(
                location,
                f"cannot bring the store {location} up to date: {exc} (this loanwatch knows up to {head})",
            ) from None


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """One transaction that really wraps the DDL, committed at the end or rolled back.

    pysqlite runs DDL outside any transaction (it begins one only before INSERT / UPDATE /
    DELETE), so a kill between two CREATE TABLEs left half a schema. Here, as SQLAlchemy's
    pysqlite documentation describes, the driver's own transaction handling is switched off and
    ``BEGIN IMMEDIATE`` emitted at the start (taking SQLite's write lock at once). Foreign keys are
    off for the schema change (SQLite's documented way to rebuild a table) and checked before commit.
    """
    if engine.dialect.name != "sqlite" or lock_path(engine) is None:
        # PostgreSQL: DDL is transactional as it is. An in-memory SQLite store: nothing outlives
        # the process, and a second engine would see another, empty, database.
        with engine.begin() as conn:
            yield conn
        return
    location = describe(engine.url.render_as_string(hide_password=False))
    ddl = _new_engine(engine.url, location, poolclass=NullPool)

    @event.listens_for(ddl, "connect")
    def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN / COMMIT by the driver
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(ddl, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with ddl.begin() as conn:
            yield conn
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    location,
                    f"a schema migration would break {len(broken)} references (first: {broken[0]}); "
                    "nothing was changed",
                )
    finally:
        ddl.dispose()
