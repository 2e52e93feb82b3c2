"""Ingest bookkeeping: the runs and the source files they read (each file once, by content)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str
    size: int
    provider: str
    kind: str


class FileStore(StoreBase):
    """Ingest runs and source files."""

    def begin_run(self, source: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(t.ingest_runs).values(started_at=datetime.now(), source=source))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.ingest_runs)
                .where(t.ingest_runs.c.id == run_id)
                .values(finished_at=datetime.now(), summary=json.dumps(summary))
            )

    def ingested_files(self) -> dict[str, tuple[str, str]]:
        """path -> (sha256, status) for every file seen before."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.source_files.c.path, t.source_files.c.sha256, t.source_files.c.status)
            )
            return {r.path: (r.sha256, r.status) for r in rows}

    def ingested_hashes(self) -> dict[str, str]:
        """sha256 -> path of every file ingested, to skip the same content delivered twice."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.source_files.c.sha256, t.source_files.c.path).where(
                    t.source_files.c.status == "ingested"
                )
            )
            return {r.sha256: r.path for r in rows}

    def _record_file(
        self, conn: Connection, source: SourceFile, run_id: int, status: str, error: str | None = None
    ) -> int:
        values = {
            "sha256": source.sha256,
            "size": source.size,
            "provider": source.provider,
            "kind": source.kind,
            "status": status,
            "error": error,
            "run_id": run_id,
            "ingested_at": datetime.now(),
        }
        existing = conn.execute(
            select(t.source_files.c.id).where(t.source_files.c.path == source.path)
        ).scalar()
        if existing is not None:
            conn.execute(update(t.source_files).where(t.source_files.c.id == existing).values(**values))
            return int(existing)
        result = conn.execute(insert(t.source_files).values(path=source.path, **values))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def record_rejected(self, source: SourceFile, run_id: int, error: str) -> None:
        with self.engine.begin() as conn:
            self._record_file(conn, source, run_id, "rejected", error)

    def record_rejected_version(self, path: str, run_id: int, error: str) -> None:
        """A file ingested earlier whose new content is rejected: the row keeps the status and hash
        of the version whose data the store holds, and says why the new one was not taken."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.source_files).where(t.source_files.c.path == path).values(error=error, run_id=run_id)
            )

    def record_ingested(self, source: SourceFile, run_id: int) -> None:
        with self.engine.begin() as conn:
            self._record_file(conn, source, run_id, "ingested")
