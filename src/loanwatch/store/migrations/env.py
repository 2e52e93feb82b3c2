"""Alembic environment: runs on the connection loanwatch hands it, or on the configured URL.

Either way the whole upgrade is one transaction (Alembic's default, ``transaction_per_migration``
off) on a connection whose transaction really wraps the DDL (see ``engine.migration_connection``),
so an upgrade interrupted at any point leaves the store as it was.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from loanwatch.store.schema import metadata

config = context.config


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    # The `alembic` command line: the same lock and transaction as loanwatch's own setup.
    from loanwatch.store.engine import migration_connection, open_engine
    from loanwatch.store.locking import writer_lock

    engine = open_engine(config.get_main_option("sqlalchemy.url") or "", migrate=False)
    try:
        with writer_lock(engine), migration_connection(engine) as conn:
            _migrate(conn)
    finally:
        engine.dispose()


run()
