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
from loanwatch.market.depth import DepthEntry, RoleDepth
from loanwatch.metrics.league import Reference
from loanwatch.portfolio.importer import ImportResult
from loanwatch.reports.recommend import Recommendation
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
    dismissed_at: datetime | None = None  # when it was dismissed (the web inbox shows who and when)
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


class MetricsUpdate(Model):
    """What the incremental metrics step did (``metrics.compute.update_metrics``): the matches of
    the store, the new matches' actions, the matches rated with the current models (``retrained``:
    the models were trained again first: none yet, or the matches grew by ``retrain_growth``)."""

    matches: int
    new_actions: int
    rated: int
    retrained: bool
    executor: str  # serial, dask
    ran_on: str = "this process"  # where the steps ran, in words (Executor.where)
    models: dict[str, ModelVersion | None]


class UpdateRun(Model):
    """``loanwatch update``: the ingest, the incremental metrics step, the alerts refreshed."""

    ingest: IngestSummary
    metrics: MetricsUpdate
    alerts: list[AlertView]  # live after the update, as the acting user may see them


class Export(Model):
    path: Path
    rows: int


# -- similar players (issue 11) --------------------------------------------------------------------


class StyleBuild(Model):
    """What :meth:`SimilarService.refresh` did: competition-seasons in the store, those counted again."""

    partitions: int
    built: int
    seconds: float


class SimilarFeature(Model):
    """A feature of a comparison: ``kind`` style (an NMF component of an action group, ``key``
    ``group:index``, centred at ``depth`` and ``width``: market.similarity.DEPTHS, WIDTHS) or output
    (a metric of the profile, ``key`` and ``group`` the metric); the two players' values (style:
    the component's loading; output: the league-adjusted percentile within the role) and their
    ``gap`` in standard deviations among the candidates."""

    kind: str
    key: str
    group: str
    depth: str = ""
    width: str = ""
    target: float
    other: float
    gap: float


class SimilarPlayer(Model):
    """A player-season of the search (or its target, rank 0): who, where, his distances to the
    target by style (Manhattan, player vectors) and by output (mean percentile gap, 0-100), what
    makes him close and what differs most, his output percentiles (``profile``), his style vector
    and his heatmaps per action group (per 90, smoothed; market.similarity.GRID cells)."""

    rank: int
    player: PlayerRef
    club: str
    competition: str
    season: str
    role: str
    age: int | None = None
    minutes: float
    style_distance: float
    output_distance: float | None = None
    close: list[SimilarFeature] = []
    apart: list[SimilarFeature] = []
    profile: dict[str, float | None] = {}
    style_vector: list[float] = []
    heatmaps: dict[str, list[float]] = {}


class SimilarPlayers(Model):
    """``market similar``: the target and the ``top`` nearest by style and by output among
    ``pool`` player-seasons of ``season`` (filters: role, minutes, age, competitions)."""

    target: SimilarPlayer
    season: str
    role: str
    min_minutes: float
    max_age: int | None = None
    competitions: list[str]
    pool: int
    metrics: list[str]
    features: list[str]
    zones: dict[str, list[str]]
    style: list[SimilarPlayer]
    output: list[SimilarPlayer]


# -- reports ---------------------------------------------------------------------------------------


class PlayerReport(Model):
    """A player's report content as ``role`` reads it (reports.data formats it; no words yet)."""

    edition: str
    role: str
    player: PlayerRef
    content: dict[str, object]


# -- users and the audit log (the web app) ------------------------------------------------------------


class UserAccount(Model):
    """A user of the web app: name, role (access.Role), whether he may log in, his preferences
    (``lang`` it / en / fr, ``as_of``: the date he reads as of, None for the latest data)."""

    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    lang: str = "en"
    as_of: date | None = None


class Login(Model):
    """A session (cookie) or an API token opened by a login: ``secret`` is what the client holds
    (the store keeps only its SHA-256); a token ends at ``expires_at``, a session when idle."""

    secret: str
    kind: str  # session, token
    user: UserAccount
    expires_at: datetime | None = None


class AuditEntry(Model):
    """Who did what, when, from where: a login (ok, failure, throttled), a view of a player or his
    report, a change (a note, a dismissal, a watchlist, an import, a user)."""

    id: int
    at: datetime
    user_name: str
    action: str
    target: str
    outcome: str
    address: str
    detail: dict[str, object] = {}


class DemoResult(Model):
    ingest: IngestSummary
    portfolio: ImportResult
    reports: list[Path]


# -- the market plan (issue 11, part 5) ------------------------------------------------------------


class PlanDecision(Model):
    """A decision of a named plan (owner club, season, plan name) on one player (market/plan.py
    DECISIONS); ``note`` is None for a role that may not see notes on the deal (access.py).
    ``destination``: the club a loan-out (or keeping him developing) sends him to, the host an
    extension keeps (None: not given); ``destination_country``: that club's country as the data
    gives it (the provider's area), None when the club is not in the data (unknown: the loan
    rules say "cannot check")."""

    id: int | None = None
    owner: str
    season: str
    plan: str
    player: PlayerRef
    decision: str
    destination: str | None = None
    destination_country: str | None = None
    note: str | None = None
    decided_by: str = ""
    decided_at: datetime | None = None


class CardSource(Model):
    """Where a figure of a decision card comes from: ``what`` it backs (``matches``: the spell's
    matches in the data; ``loan``: the loan list's row; ``profile``: the peer group; ``depth``: the
    owner's players of his role) and its particulars (``params``), written in the reader's words by
    reports/plan.py (``source_text``)."""

    what: str
    params: dict[str, Scalar] = {}


class CardCandidate(Model):
    """A player the club could sign instead of a loanee: one of the store's player-seasons of the
    loanee's role, not the owner's, closest to the loanee by output (the search of ``market
    similar``: the per-90 percentile profile in the role, league-adjusted; ``output_distance``,
    0-100, and the metrics closest, ``close``). ``standing``: his last season's figures adjusted to
    the owner's league and where he would rank among the owner's players of the role next season
    (the depth chart's ranking, as the loanee's); ``vaep_gap`` / ``xgxa_gap``: his VAEP per 90 and
    minutes-weighted xG+xA minus the loanee's (both adjusted alike; None: one is not known);
    ``source``: the competition-season and the stored profile his figures come from."""

    player: PlayerRef
    club: str
    competition: str
    season: str
    role: str
    age: int | None = None  # on 1 July of next season, as the depth chart's
    minutes: float
    output_distance: float
    close: list[SimilarFeature] = []
    standing: DepthEntry | None = None
    vaep_gap: float | None = None
    xgxa_gap: float | None = None
    source: CardSource


class DecisionCard(Model):
    """One loanee's decision card: the report's recommendation for him as of the same date (THE
    recommendation: reports/recommend.py through ReportService.report, never recomputed), the
    spell's figures it rests on (the report's ``current`` spell), the plan's decision on him and
    whether it follows the call, and where each figure comes from. ``spell.terms`` and the
    trigger only for a role that may see contract terms."""

    player: PlayerRef
    edition: str
    as_of: date | None
    age: int | None = None
    spell: LoanSpell | None = None
    current: dict[str, object] | None = None  # the report's current spell: matches, minutes, share...
    recommendation: Recommendation | None = None
    trigger: TriggerProgress | None = None
    decision: PlanDecision | None = None
    follows: bool | None = None  # the decision follows the recommendation's call
    # where he stands in the owner's depth chart of next season (market/depth.py): his entry (rank
    # among the owner's players of his role on VAEP per 90 and minutes-weighted xG+xA), and those
    # of his role ranked ahead of him on VAEP per 90
    standing: DepthEntry | None = None
    ahead: list[DepthEntry] = []
    # the market's evidence: whom to sign instead (CardCandidate, closest first), the search they
    # come from (``candidate_search``: what="search", its season, role, age cap, minutes, pool), or
    # why there are none (``candidates_missing``: market/plan.py MISSING_CANDIDATES)
    candidates: list[CardCandidate] = []
    candidate_search: CardSource | None = None
    candidates_missing: str | None = None
    sources: list[CardSource] = []


class RoleChange(Model):
    """One role of next season's squad before and after the plan's decisions: how many players,
    who they are after, who joins (``joins``: name, why) and who goes (``goes``)."""

    role: str
    before: int
    after: int
    players: list[str]
    joins: list[tuple[str, str]] = []
    goes: list[tuple[str, str]] = []


class RuleChange(Model):
    """One rule of a rule set applied to one scope, before and after the plan's decisions (the
    rules check of ``MarketService.rules_check``, run again on the changed loans and list):
    status (market/check.py: breach, near_breach, cannot_check, ok, not_applicable), count, the
    possible count where some players cannot be told, the limit (and the limit at most, when it
    depends on what cannot be told: a list's places for players of unknown training)."""

    ruleset: str
    rule: str
    title: str
    article: str | None
    scope: str
    limit: int | None
    before: str
    before_count: int | None
    before_possible: int | None
    after: str
    after_count: int | None
    after_possible: int | None
    limit_at_most: int | None = None
    after_limit: int | None = None
    after_limit_at_most: int | None = None
    words: str = ""  # the check's own explanation, after the decisions (English)


class PlanSquad(Model):
    """Next season's squad, depth and counts before and after the decisions (the depth chart of
    ``MarketService.depth`` and the same chart rebuilt with the decisions applied)."""

    season: str
    last_season: str
    reference: str
    roles: list[RoleChange]
    counts: dict[str, tuple[int, int]]  # market/plan.py COUNTS: (before, after)
    before: list[RoleDepth]
    after: list[RoleDepth]
    rules_season: str = ""  # the rule sets in force that season
    rulesets: list[str] = []
    findings: list[RuleChange] = []  # every rule, before and after
    notes: list[str] = []


class MarketPlan(Model):
    """A named plan of an owner club for a season, as the edition's role reads it: its decisions,
    one card per loanee, and (``squad``) the squad, depth and rules before and after the
    decisions. :meth:`document` is what reports/plan.py renders."""

    owner: str
    season: str
    plan: str
    edition: str
    as_of: date | None
    decisions: list[PlanDecision]
    cards: list[DecisionCard]
    squad: PlanSquad | None = None

    def document(self) -> dict[str, object]:
        """Plain data for the plan's pages (the cards keep their Recommendation objects, whose
        reasons the renderer words): one row per loanee and per other decided player."""
        decided = {d.player.id: d for d in self.decisions}
        rows: list[dict[str, object]] = []
        for c in self.cards:
            rec = c.recommendation
            d = decided.get(c.player.id)
            rows.append(
                {
                    "player_id": c.player.id,
                    "name": c.player.display_name,
                    "now": c.spell.host_club_name if c.spell else "",
                    "card": True,
                    "call": (rec.call or ("sell" if any(a.decided for a in rec.options) else None))
                    if rec
                    else None,
                    "settled": bool(rec and any(a.decided for a in rec.options)),
                    "confidence": rec.confidence if rec else None,
                    "decision": d.decision if d else None,
                    "destination": d.destination if d else None,
                    "follows": c.follows,
                    "note": d.note if d else None,
                }
            )
        carded = {c.player.id for c in self.cards}
        for d in self.decisions:
            if d.player.id not in carded:
                rows.append(
                    {
                        "player_id": d.player.id,
                        "name": d.player.display_name,
                        "now": "",
                        "card": False,
                        "call": None,
                        "settled": False,
                        "confidence": None,
                        "decision": d.decision,
                        "destination": d.destination,
                        "follows": None,
                        "note": d.note,
                    }
                )
        kept = {"recommendation"}  # its Reason objects: the renderer words them (render.say)
        cards = [c.model_dump(exclude=kept) | {"recommendation": c.recommendation} for c in self.cards]
        return {
            "owner": self.owner,
            "season": self.season,
            "plan": self.plan,
            "edition": self.edition,
            "as_of": self.as_of,
            "rows": rows,
            "decisions": [d.model_dump() for d in self.decisions],
            "notes_shown": any(d.note is not None for d in self.decisions) or self.edition == "director",
            "cards": cards,
            "squad": self.squad.model_dump() if self.squad else None,
        }
