"""Errors that name the file and the problem, so a user can act on them."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested. The message always names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # Errors cross from parsing workers to the writing process.
        return IngestError, (self.path, self.problem)
