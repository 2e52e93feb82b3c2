"""What a report reads, as Protocols: the reports name no caller.

:func:`loanwatch.reports.data.player_report_data` is handed the object it reads from (today the
Python API, ``loanwatch.api.Loanwatch``, passes itself). These Protocols list exactly what it
calls, so that ``reports`` imports neither ``api`` nor ``store`` (the layers of
docs/architecture.md, enforced by ``lint-imports``: see ``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from loanwatch.tracking.timeline import SpellTimeline


class ReportStore(Protocol):
    """The store reads a report makes (``loanwatch.store.Store`` provides them)."""

    def actions_frame(self, match_ids: Sequence[int] | None = None) -> Any: ...

    def matches_frame(self) -> Any: ...

    def latest_model(self, kind: str) -> dict[str, Any] | None: ...

    def action_values_frame(self, model_id: int) -> Any: ...

    def player_last_match_date(self, player_id: int) -> date | None: ...

    def match_warnings(self, match_ids: Sequence[int]) -> dict[int, str]: ...

    def scout_notes(self, player_id: int, as_of: date | None = None) -> list[dict[str, Any]]: ...

    def player_national_teams(self, player_id: int) -> list[str]: ...

    def loan_spells(self, player_id: int | None = None) -> list[dict[str, Any]]: ...


class ReportSource(Protocol):
    """The user actions a report reads (``loanwatch.api.Loanwatch`` provides them)."""

    @property
    def store(self) -> ReportStore: ...

    def find_player(self, name: str) -> dict[str, Any]: ...

    def player_timelines(self, name: str, as_of: date | None = None) -> list[SpellTimeline]: ...

    def _tracker(self) -> Any: ...

    def spell_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = 900, reference: str | None = None
    ) -> list[dict[str, Any]]: ...

    def goalkeeper_profiles(
        self, name: str, *, as_of: date | None = None, min_minutes: float = 900
    ) -> list[dict[str, Any]]: ...

    def assessment(self, name: str, as_of: date | None = None, spell_id: int | None = None) -> Any: ...

    def form(self, name: str, as_of: date | None = None) -> dict[str, Any]: ...

    def player_alerts(self, name: str, as_of: date | None = None) -> list[dict[str, Any]]: ...
