"""The typed results of the services (pydantic v2, frozen): what the CLI prints, the Python API
returns and a web app will answer with. A model is built as the acting user may see it (the
services apply ``loanwatch.access``): a coach's :class:`LoanSpell` has no ``terms``.

The tracking module's own dataclasses (``SpellTimeline``, ``SpellAssessment``, ``Digest``) are
returned as they are: typed, and dumped by ``model_dump()`` like the rest.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from loanwatch.ingest.pipeline import IngestSummary
from loanwatch.metrics.league import Reference
from loanwatch.portfolio.importer import ImportResult
from loanwatch.tracking.assessment import (
    Availability,
    Calendar,
    SpellAssessment,
    TrendVerdict,
    TriggerProgress,
)
from loanwatch.tracking.timeline import SpellTimeline

Scalar = str | int | float | bool | date | datetime | None


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


# -- players ---------------------------------------------------------------------------------------


class PlayerRef(Model):
    """A player resolved once from what a user wrote (a name, an id): everything after takes it."""

    id: int
    name: str  # the registered short name
    display_name: str  # the name people know (portfolio.names.display_name)
    birth_date: date | None = None
    role: str = ""  # the provider's coarse role (GK, DF, MD, FW)
    provider_id: str = ""


class Player(Model):
    """A player's record (the store's players row) and the national teams he played for."""

    id: int
    provider: str = ""
    provider_id: str = ""
    short_name: str = ""
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    foot: str = ""
    height_cm: int | None = None
    role: str = ""
    nationality: str = ""
    passport_area: str = ""
    birth_area: str = ""
    national_teams: list[str] = []

    def record(self) -> dict[str, Scalar]:
        """The store's row (what portfolio.names and reports.data read)."""
        return self.model_dump(exclude={"national_teams"})


class ScoutNote(Model):
    id: int | None = None
    player_id: int
    author: str
    written_on: date
    text: str


# -- portfolio -------------------------------------------------------------------------------------


class LoanTerms(Model):
    """A loan's contract terms: only roles that may see them get them (access.SPELL_TERMS)."""

    loan_type: str = ""
    option_fee_eur: int | None = None
    obligation_fee_eur: int | None = None
    obligation_trigger: str = ""
    trigger_appearances: int | None = None
    recall_clause: str = ""
    notes: str = ""  # the loan list's notes on the deal
    eligible_vs_owner: bool | None = None


class LoanSpell(Model):
    """A loan spell of the club's list, with its owner (``owner_name``), whether the store holds
    match data for its competition (``has_match_data``) and what the import noticed
    (``warnings``); ``terms`` is None for a role that may not see contract terms."""

    id: int
    player_id: int
    player_name: str  # as the club's list writes it
    parent_club: str
    owner_name: str
    host_club_id: int | None = None
    host_club_name: str
    competition_name: str = ""
    start_date: date
    end_date: date
    source: str = ""
    warnings: list[dict[str, object]] = []
    has_match_data: bool = False
    terms: LoanTerms | None = None



# -- tracking --------------------------------------------------------------------------------------


class AlertView(Model):
    """An alert as of a date, as the acting user may see it (access.redact_alert)."""

    id: int | None = None
    key: str
    kind: str
    severity: str
    title: str
    evidence: dict[str, object]
    raised_on: date  # the match that made it true, never after the as-of date
    triggered_on: date
    status: str  # open, dismissed, new (not stored yet)
    dismissed_by: str | None = None
    dismiss_reason: str | None = None
    player_id: int
    spell_id: int | None = None
    match_id: int | None = None
    active: bool = True


class Form(Model):
    """The trend verdict for a spell (tracking/trends.py, judged in tracking/assessment.py): the
    verdict, its direction, and the numbers behind it in ``figures``."""

    verdict: str
    direction: str
    source: str
    metric: str = ""
    as_of: date
    club: str | None = None
    spell_id: int | None = None
    words: str = ""
    figures: dict[str, object] = {}


    def as_dict(self) -> dict[str, object]:
        """The flat dict the reports read (trend_from_form, the form section)."""
        out: dict[str, object] = dict(self.figures)
        out.update(self.model_dump(exclude={"figures"}))
        return out


NO_TRIGGER = TriggerProgress("none", None, "", "", None, 0, (), "none")


class Assessment(Model):
    """A spell judged once as of a date (tracking/assessment.py: availability, trend verdict,
    trigger progress, calendar), as the acting user may see it: ``trigger`` is None, and the
    calendar has no recall window, for a role that may not see contract terms."""

    spell: dict[str, object]
    as_of: date
    availability: Availability
    trend: TrendVerdict
    trigger: TriggerProgress | None
    calendar: Calendar

    def as_dict(self) -> dict[str, object]:
        """SpellAssessment.as_dict, without the trigger the role may not see."""
        full = SpellAssessment(
            self.spell, self.as_of, self.availability, self.trend, self.trigger or NO_TRIGGER, self.calendar
        ).as_dict()
        if self.trigger is None:
            del full["trigger"]
        return full


class TriggerState(Model):
    words: str
    counts_as: str
    target: int
    count: int


class RecentMatch(Model):
    """One of the host club's last matches as a loanee's availability reads it."""

    match_id: int | None = None  # None: a fixture whose data the store does not hold
    day: date
    opponent: str
    competition: str
    home: bool
    status: str  # domain.AppearanceStatus: started, came_on, unused, not_in_squad, no_data, ineligible
    minutes: float


class LoanOverview(Model):
    """A loanee on the portfolio page: his current spell as of a date (owner, host club,
    competition), the last five matches of the host club, his minutes share, the trend, his open
    alerts and the purchase trigger's progress: all read from the spell's one assessment
    (tracking/assessment.py) and the alerts the digest and the reports show. ``trigger`` is None
    for a role that may not see contract terms (and for a loan without one)."""

    player: PlayerRef
    spell: LoanSpell
    owner: str
    host_club: str
    competition: str
    as_of: date
    last_five: list[RecentMatch]
    matches: int  # the host club's matches that count, by as_of
    appearances: int
    starts: int
    minutes: float
    minutes_share: float | None
    recent_share: float | None  # minutes share over the last five counted matches
    trend: str  # up, down, flat, unknown (the direction every reader uses)
    verdict: str  # breakout, slump, steady, not enough minutes, no data
    trend_source: str  # form, minutes, none
    open_alerts: list[AlertView]
    trigger: TriggerState | None = None
    trigger_state: str | None = None  # fired, will fire, close, open; None as trigger


class CareerSpell(Model):
    spell: LoanSpell
    timeline: SpellTimeline
    state: str  # active, ended, recalled
    windows: dict[str, dict[str, object] | None]
    trigger: TriggerState | None = None  # only for a role that may see contract terms


class Move(Model):
    date: date
    from_club: str
    to_club: str
    kind: str
    words: str



class Career(Model):
    player: Player
    as_of: date
    spells: list[CareerSpell]
    moves: list[Move]


class WatchEntry(Model):
    watchlist: str
    note: str
    player: Player
    timelines: list[SpellTimeline]
    notes: list[ScoutNote]


class MatchWarning(Model):
    code: str
    message: str


# -- metrics ---------------------------------------------------------------------------------------


class SpellProfile(Model):
    """A spell's season profile: per-90 figures and percentiles against the same role in the same
    competition and season (``profile``: metrics.profile.spell_profile's one-row frame), adjusted
    to ``reference``'s league."""

    spell: LoanSpell
    season: str
    profile: pd.DataFrame
    reference: Reference


class GoalkeeperProfile(Model):
    """A goalkeeper's spell: his goalkeeping profile (``profile``), his matches in goal
    (``matches``: goalkeeping.GK_MATCH_COLUMNS) and the shots on target he faced (``shots``)."""

    spell: LoanSpell
    season: str
    profile: pd.DataFrame
    matches: pd.DataFrame
    shots: pd.DataFrame


class ModelVersion(Model):
    """A trained model of the registry (metrics/models.py): kind (vaep, xt, xg), the name readers
    know it by (``label``: VAEP, xT, xG), version, training date, held-out quality."""

    kind: str
    version: int
    trained_at: datetime
    quality: dict[str, object]
    label: str = ""


class TrainingRun(Model):
    """What ``models train`` did: matches, new actions, the models now in the store."""

    matches: int
    new_actions: int
    trained: dict[str, object]  # what VAEP / xT training did (metrics.vaep.train_and_store)
    models: dict[str, ModelVersion | None]


class Export(Model):
    path: Path
    rows: int


# -- reports ---------------------------------------------------------------------------------------


class PlayerReport(Model):
    """A player's report content as ``role`` reads it (reports.data formats it; no words yet)."""

    edition: str
    role: str
    player: PlayerRef
    content: dict[str, object]


class DemoResult(Model):
    ingest: IngestSummary
    portfolio: ImportResult
    reports: list[Path]
