"""What a report is made from: :class:`ReportInputs`, gathered by the reports service
(``loanwatch.services.reports``: the player resolved once, every read made there, as the
edition's role may see it) and handed to :func:`loanwatch.reports.data.player_report_data`,
which formats it. The reports read nothing themselves: ``reports`` imports neither the services,
the API nor the store (the layers of docs/architecture.md, enforced by ``lint-imports``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from loanwatch.tracking.assessment import SpellAssessment
from loanwatch.tracking.timeline import SpellTimeline


@dataclass(frozen=True)
class ProfileEntry:
    """A spell's season profile (services: ``SpellProfile`` / ``GoalkeeperProfile``)."""

    spell_id: int
    season: str
    profile: pd.DataFrame  # one row
    reference: Any = None  # metrics.league.Reference (outfield players)
    matches: pd.DataFrame | None = None  # a goalkeeper's matches in goal
    shots: pd.DataFrame | None = None  # the shots on target a goalkeeper faced


@dataclass(frozen=True)
class ReportInputs:
    edition: str
    player: Mapping[str, Any]  # the store's players row
    national_teams: Sequence[str]
    timelines: Sequence[SpellTimeline]  # spells as the edition's role may see them
    report_date: date | None
    last_seen: date | None  # the player's last match in the data
    match_warnings: Mapping[int, Any]  # as stored, by match id
    trained: bool
    xg_model: Mapping[str, Any] | None  # version, trained_at
    in_portfolio: bool
    profiles: Sequence[ProfileEntry] = ()  # the current spell's
    # The model versions the figures come from, in order (VAEP, xT, xG): label, version, trained_at
    model_versions: Sequence[Mapping[str, Any]] = ()
    goalkeeper: Sequence[ProfileEntry] = ()  # the current spell's, for a goalkeeper
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)  # his, left to right
    xg: pd.DataFrame = field(default_factory=pd.DataFrame)  # match_id, action_id, value
    judged: SpellAssessment | None = None  # the current spell judged: the recommendation reads it
    shown_assessment: Mapping[str, Any] | None = None  # the same, as the edition's role sees it
    form: Mapping[str, Any] | None = None  # when there is no judgment (no current spell)
    alerts: Sequence[Mapping[str, Any]] = ()  # live on the report date, as the role sees them
    notes: Sequence[Mapping[str, Any]] = ()  # scout notes
    generated: datetime = field(default_factory=datetime.now)
