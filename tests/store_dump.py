"""A store's content in canonical form, to say that two stores hold the same data.

Rows are keyed by what they are (provider ids, file paths), never by the store's own integer
keys, which differ between SQLite and PostgreSQL and after a rolled-back transaction. A foreign
key is replaced by the natural key of the row it points to; bookkeeping of the runs (which run
wrote a file, and when) is left out. Used by the PostgreSQL tests, the concurrency tests and the
kill -9 soak (benchmarks/soak.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, Table, select

from loanwatch.store import schema as t

# What an ingest writes: the files, the match sheets and fixtures, and what the matches hold.
TABLES = (
    "source_files",
    "match_sheets",
    "competitions",
    "seasons",
    "clubs",
    "players",
    "matches",
    "appearances",
    "events",
    "fixtures",
)
BOOKKEEPING = {"id", "run_id", "ingested_at"}


def _natural_key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    if table.name == "source_files":
        return (row["path"],)
    keys = [c for c in ("provider", "provider_id") if c in row]
    if keys:
        return tuple(row[c] for c in keys)
    return tuple(sorted((k, v) for k, v in row.items() if k not in BOOKKEEPING))


def snapshot(engine: Engine, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows as sorted tuples of (column, value), foreign keys as natural keys."""
    with engine.connect() as conn:
        raw = {
            name: [dict(r._mapping) for r in conn.execute(select(t.metadata.tables[name]))]
            for name in {
                *tables,
                *(fk.column.table.name for n in tables for fk in t.metadata.tables[n].foreign_keys),
            }
        }
    keys = {
        name: {r["id"]: _natural_key(t.metadata.tables[name], r) for r in rows}
        for name, rows in raw.items()
        if "id" in t.metadata.tables[name].c
    }
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name in tables:
        table = t.metadata.tables[name]
        refs = {
            col.name: next(iter(col.foreign_keys)).column.table.name
            for col in table.columns
            if col.foreign_keys and col.name not in BOOKKEEPING
        }
        rows = []
        for r in raw[name]:
            canonical = {
                k: (keys[refs[k]].get(v) if k in refs and v is not None else v)
                for k, v in r.items()
                if k not in BOOKKEEPING
            }
            rows.append(tuple(sorted(canonical.items())))
        out[name] = sorted(rows, key=repr)
    return out


def digest(engine: Engine, tables: tuple[str, ...] = TABLES) -> dict[str, tuple[int, str]]:
    """Per table: (row count, sha256 of its canonical rows)."""
    return {
        name: (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        for name, rows in snapshot(engine, tables).items()
    }
