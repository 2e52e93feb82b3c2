"""The store: one database (a SQLite file by default, PostgreSQL for a shared deployment)."""

from loanwatch.store.engine import DEFAULT_STORE_FILE, open_engine, resolve_store_url
from loanwatch.store.errors import StoreError
from loanwatch.store.locking import WAIT_MESSAGE, writer_lock
from loanwatch.store.repository import Store

__all__ = [
    "DEFAULT_STORE_FILE",
    "WAIT_MESSAGE",
    "Store",
    "StoreError",
    "open_engine",
    "resolve_store_url",
    "writer_lock",
]
