"""The JSON API under /api/v1: the services' answers (their pydantic models) as the user may see
them, described by OpenAPI at /openapi.json. Every path needs a session cookie or a bearer token
(POST /api/v1/token); a request with the cookie that changes something carries the CSRF header.

A date parameter ``as_of`` left out is the user's as-of date (his preference), else the latest
data. What each role may call: docs/web.md (the access table); a forbidden call answers 403.
"""

from __future__ import annotations

import json
import pathlib
import tempfile
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from loanwatch.access import EDITIONS, Permission, Role, sees_terms
from loanwatch.errors import InvalidInput, NotFound
from loanwatch.market.plan import DECISIONS, DEFAULT_PLAN
from loanwatch.reports.i18n import LANGUAGES
from loanwatch.services import Services
from loanwatch.services.models import (
    AlertView,
    Assessment,
    AuditEntry,
    Career,
    Form,
    LoanSpell,
    MarketPlan,
    PlanDecision,
    Player,
    PlayerRef,
    ScoutNote,
    UserAccount,
    WatchEntry,
)
from loanwatch.tracking.digest import Digest, iso_week
from loanwatch.web.cache import cache_of
from loanwatch.web.deps import CSRF, PrefsDep, ServicesDep
from loanwatch.web.errors import Error

Answers = dict[int | str, dict[str, Any]]
UNAUTHENTICATED: Answers = {401: {"model": Error, "description": "no session or token"}}
router = APIRouter(prefix="/api/v1", dependencies=[CSRF], responses=UNAUTHENTICATED)
FORBIDDEN: Answers = {403: {"model": Error, "description": "the user's role may not do this"}}
NO_OWNER: Answers = {404: {"model": Error, "description": "no loan is owned by that club"}}
NOT_FOUND: Answers = {404: {"model": Error, "description": "no such player, alert or user"}}
AMBIGUOUS: Answers = {
    409: {"model": Error, "description": "a name that fits several players: they are listed"}
}

# The vocabularies' values, as OpenAPI enums (their one home: reports.i18n, access).
Lang = StrEnum("Lang", {code: code for code in LANGUAGES})  # type: ignore[misc]
Edition = StrEnum("Edition", {name: name for name in EDITIONS})  # type: ignore[misc]
Decision = StrEnum("Decision", {name.replace("-", "_"): name for name in DECISIONS})  # type: ignore[misc]


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)  # the dates an as-of may be
MAX_ID = 2**63 - 1  # the stores' integer keys (64-bit)
PlayerId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="the player's id (loanwatch's, not the provider's)")
]
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
Owner = Annotated[str | None, Query(description="only the loans of this owner club")]


def owner_of(svc: Services, owner: str | None) -> str | None:
    """An owner club the loan list has (NotFound otherwise, with the list's owners)."""
    if owner is not None and owner not in svc.portfolio.owners():
        try:
            svc.portfolio.owned_player_ids(owner)  # the service's own matching (case, accents)
        except ValueError as err:
            raise NotFound(str(err)) from None
    return owner


def day(
    prefs: PrefsDep,
    as_of: Annotated[
        date | None, Query(description="YYYY-MM-DD; default: the user's as-of date, else the latest data")
    ] = None,
) -> date | None:
    if as_of is not None and not FIRST_DAY <= as_of <= LAST_DAY:
        raise InvalidInput(f"as_of {as_of}: a date from {FIRST_DAY} to {LAST_DAY}")
    return as_of if as_of is not None else prefs.as_of


Day = Annotated[date | None, Depends(day)]


# -- the user --------------------------------------------------------------------------------------


class PrefsChange(BaseModel):
    lang: Lang | None = None
    as_of: date | None = Field(None, description="null: the latest data")


@router.get("/me", response_model=UserAccount, tags=["me"], summary="The user and his preferences")
def me(svc: ServicesDep) -> UserAccount:
    return svc.users.me()


@router.patch("/me", response_model=UserAccount, tags=["me"], summary="Change the language or as-of date")
def change_me(svc: ServicesDep, change: PrefsChange) -> UserAccount:
    given = change.model_fields_set
    lang = change.lang.value if change.lang is not None else None
    return svc.users.set_prefs(lang, change.as_of if "as_of" in given else "")


# -- the portfolio and players ---------------------------------------------------------------------


@router.get(
    "/portfolio",
    response_model=list[LoanSpell],
    tags=["portfolio"],
    summary="The loan spells",
    responses=NO_OWNER,
)
def portfolio(request: Request, svc: ServicesDep, owner: Owner = None) -> list[LoanSpell]:
    # computed once per role, owner and data stamp (the app's cache, as the pages do)
    key = ("api-portfolio", svc.ctx.role, owner, svc.ctx.data_version())
    return cache_of(request).get(key, lambda: svc.portfolio.loan_spells(owner_of(svc, owner)))


@router.get(
    "/players",
    response_model=PlayerRef,
    tags=["players"],
    summary="One player by name",
    responses=NOT_FOUND | AMBIGUOUS,
)
def find_player(
    svc: ServicesDep, q: Annotated[str, Query(min_length=1, description="a name or a provider id")]
) -> PlayerRef:
    return svc.players.resolve(q)


class ProfileView(BaseModel):
    """A spell's season profile: per-90 figures and percentiles (metrics/profile.py), adjusted to
    ``league``."""

    spell_id: int
    season: str
    league: str
    figures: dict[str, object]


class PlayerPage(BaseModel):
    """Everything of a player: his record, career (each spell match by match), current form and
    judgment, alerts, scout notes and season profiles (when the models are trained)."""

    player: Player
    career: Career
    form: Form
    assessment: Assessment | None
    alerts: list[AlertView]
    notes: list[ScoutNote]
    profiles: list[ProfileView]


def player_page(svc: Services, player_id: int, as_of: date | None) -> PlayerPage:
    """A player's page, as the user's role may see it (pages.py shows the same)."""
    ref = svc.players.ref(player_id)
    t = svc.tracking
    profiles = []
    if svc.metrics.trained():  # an untrained store computes profiles from the events: too slow here
        for p in svc.metrics.spell_profiles(ref, as_of=as_of):
            rows = json.loads(p.profile.to_json(orient="records", date_format="iso"))
            figures = rows[0] if rows else {}
            profiles.append(
                ProfileView(spell_id=p.spell.id, season=p.season, league=p.reference.league, figures=figures)
            )
    page = PlayerPage(
        player=svc.players.player(ref),
        career=t.career(ref, as_of),
        form=t.form(ref, as_of),
        assessment=t.assessment(ref, as_of),
        alerts=t.player_alerts(ref, as_of),
        notes=t.notes(ref, as_of),
        profiles=profiles,
    )
    return page


@router.get(
    "/players/{player_id}",
    response_model=PlayerPage,
    tags=["players"],
    summary="A player",
    responses=NOT_FOUND,
)
def player(request: Request, svc: ServicesDep, player_id: PlayerId, as_of: Day) -> PlayerPage:
    """Computed once per player, as-of date, role and data stamp (the app's cache, as the pages
    do); every view is recorded in the audit log."""
    ref = svc.players.ref(player_id)  # NotFound (404) before anything is cached
    key = ("api-player", player_id, as_of, svc.ctx.role, svc.ctx.data_version())
    page = cache_of(request).get(key, lambda: player_page(svc, player_id, as_of))
    svc.audit.viewed(ref, "player")
    return page


@router.get(
    "/players/{player_id}/notes",
    response_model=list[ScoutNote],
    tags=["notes"],
    summary="Scout notes on a player",
    responses=NOT_FOUND,
)
def notes(svc: ServicesDep, player_id: PlayerId, as_of: Day) -> list[ScoutNote]:
    return svc.tracking.notes(svc.players.ref(player_id), as_of)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    written_on: date | None = Field(None, description="default: today")


@router.post(
    "/players/{player_id}/notes",
    response_model=ScoutNote,
    status_code=201,
    tags=["notes"],
    summary="Add a scout note",
    responses=FORBIDDEN | NOT_FOUND,
)
def add_note(svc: ServicesDep, player_id: PlayerId, note: NoteIn) -> ScoutNote:
    ref = svc.players.ref(player_id)
    author = svc.ctx.user.name
    written = note.written_on or date.today()
    note_id = svc.tracking.add_note(ref, author, note.text, written)
    return ScoutNote(id=note_id, player_id=ref.id, author=author, written_on=written, text=note.text)


# -- alerts, digest, watchlists --------------------------------------------------------------------


@router.get(
    "/alerts", response_model=list[AlertView], tags=["alerts"], summary="The alerts", responses=NO_OWNER
)
def alerts(
    svc: ServicesDep,
    as_of: Day,
    owner: Owner = None,
    include_all: Annotated[bool, Query(alias="all", description="dismissed and ended ones too")] = False,
) -> list[AlertView]:
    return svc.tracking.alerts(as_of, include_all=include_all, owner=owner_of(svc, owner))


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class Dismissal(BaseModel):
    alert_id: int
    dismissed_by: str
    reason: str


@router.post(
    "/alerts/{alert_id}/dismiss",
    response_model=Dismissal,
    tags=["alerts"],
    summary="Dismiss an alert, with a reason",
    responses=FORBIDDEN | NOT_FOUND,
)
def dismiss(svc: ServicesDep, alert_id: AlertId, body: DismissIn) -> Dismissal:
    by = svc.ctx.user.name
    if not svc.tracking.dismiss_alert(alert_id, by, body.reason):
        raise NotFound(f"no alert {alert_id}")
    return Dismissal(alert_id=alert_id, dismissed_by=by, reason=body.reason.strip())


@router.get(
    "/digest",
    response_model=Digest,
    tags=["digest"],
    summary="The weekly digest",
    responses={404: {"model": Error, "description": "no such week, or no loan owned by that club"}},
)
def digest(
    svc: ServicesDep,
    as_of: Day,
    week: Annotated[
        str | None, Query(pattern=r"^\d{4}-W\d{2}$", description="an ISO week, e.g. 2018-W03")
    ] = None,
    owner: Owner = None,
) -> Digest:
    if week is not None:
        try:
            iso_week(week)
        except ValueError:
            raise NotFound(f"no week {week} (an ISO week: YYYY-Www, e.g. 2018-W03)") from None
    return svc.tracking.digest(week, as_of, owner_of(svc, owner))


@router.get("/watchlists", response_model=list[WatchEntry], tags=["watchlists"], summary="Watched players")
def watchlists(svc: ServicesDep, as_of: Day, name: str | None = None) -> list[WatchEntry]:
    return svc.tracking.watchlist(name, as_of)


class WatchIn(BaseModel):
    watchlist: str = Field(min_length=1, max_length=200)
    player_id: int = Field(ge=1, le=MAX_ID)
    note: str = Field("", max_length=2000)


@router.post(
    "/watchlists",
    response_model=Player,
    status_code=201,
    tags=["watchlists"],
    summary="Watch a player",
    responses=FORBIDDEN | NOT_FOUND,
)
def watch(svc: ServicesDep, body: WatchIn) -> Player:
    return svc.tracking.watch(svc.players.ref(body.player_id), body.watchlist.strip(), body.note)


# -- the market plan -------------------------------------------------------------------------------

Season = Annotated[
    str | None,
    Query(pattern=r"^\d{4}/\d{2}$", description="e.g. 2018/19; default: the season after the data's"),
]
PlanOwner = Annotated[
    str | None, Query(max_length=200, description="the owner club; default: the store's one owner")
]
PlanName = Annotated[str, Query(min_length=1, max_length=100, description="the plan's name (drafts)")]
NO_PLAN: Answers = {
    404: {"model": Error, "description": "no such player, or no loan owned by that club"},
    422: {"model": Error, "description": "a season not like 2018/19, several owners and none chosen"},
}


@router.get(
    "/plan",
    response_model=MarketPlan,
    tags=["plan"],
    summary="The market plan of an owner club for a season",
    responses=FORBIDDEN | NO_PLAN,
)
def market_plan(
    request: Request,
    svc: ServicesDep,
    as_of: Day,
    season: Season = None,
    owner: PlanOwner = None,
    plan: PlanName = DEFAULT_PLAN,
    edition: Edition | None = None,
) -> MarketPlan:
    """The plan as the user's role reads it (``PlanService.plan``, what the page and the PDF show):
    its decisions, one card per loanee, the squad, depth and rules before and after the decisions;
    the coach's edition without contract terms or deal notes (a coach asking for the director's:
    403). Computed once per edition, plan, as-of date, data stamp and state of its decisions (the
    app's cache, shared with the page)."""
    from loanwatch.web.plan_pages import cached_plan

    shown = edition.value if edition is not None else ("director" if sees_terms(svc.ctx.role) else "coach")
    chosen = {
        "owner": svc.plan.owner(owner),
        "season": svc.plan.season(season),
        "plan": plan,
        "edition": shown,
    }
    return cached_plan(request, svc, chosen, as_of)


class DecisionIn(BaseModel):
    player_id: int = Field(ge=1, le=MAX_ID)
    decision: Decision
    note: str = Field("", max_length=2000, description="the director's note on the deal")
    season: str | None = Field(None, pattern=r"^\d{4}/\d{2}$")
    owner: str | None = Field(None, max_length=200)
    plan: str = Field(DEFAULT_PLAN, min_length=1, max_length=100)


@router.post(
    "/plan/decisions",
    response_model=PlanDecision,
    status_code=201,
    tags=["plan"],
    summary="Decide on a player in the plan (director, admin)",
    responses=FORBIDDEN | NO_PLAN,
)
def decide(svc: ServicesDep, body: DecisionIn) -> PlanDecision:
    """Record a decision (it replaces the player's earlier one): recall, extend, sell, loan-out,
    develop, integrate for a loanee; sign for a candidate."""
    svc.ctx.require(Permission.DECIDE_PLAN)
    return svc.plan.decide(
        svc.players.ref(body.player_id),
        body.decision.value,
        season=body.season,
        owner=body.owner,
        plan=body.plan,
        note=body.note,
    )


@router.delete(
    "/plan/decisions/{player_id}",
    status_code=204,
    response_class=Response,
    tags=["plan"],
    summary="Remove a player's decision from the plan (director, admin)",
    responses=FORBIDDEN | NO_PLAN,
)
def undecide(
    svc: ServicesDep,
    player_id: PlayerId,
    season: Season = None,
    owner: PlanOwner = None,
    plan: PlanName = DEFAULT_PLAN,
) -> Response:
    svc.ctx.require(Permission.DECIDE_PLAN)
    ref = svc.players.ref(player_id)
    if not svc.plan.undecide(ref, season=season, owner=owner, plan=plan):
        raise NotFound(f"{ref.display_name} has no decision in plan {plan!r}")
    return Response(status_code=204)


# -- reports ---------------------------------------------------------------------------------------

REPORT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def report_file(
    svc: Services, player_id: int, fmt: str, lang: str, edition: str | None, as_of: date | None
) -> tuple[bytes, str]:
    """A player's report as the user may read it (his own edition by default); recorded."""
    ref = svc.players.ref(player_id)
    chosen = edition or ("director" if sees_terms(svc.ctx.role) else "coach")
    with tempfile.TemporaryDirectory(prefix="loanwatch-web-") as out:
        path = svc.reports.write(ref, out, as_of, lang=lang, fmt=fmt, edition=chosen)
        data = pathlib.Path(path).read_bytes()
        name = pathlib.Path(path).name
    svc.audit.viewed(ref, "report")
    return data, name


def _report(fmt: str):  # type: ignore[no-untyped-def]
    def route(
        svc: ServicesDep,
        prefs: PrefsDep,
        player_id: PlayerId,
        as_of: Day,
        lang: Lang | None = None,
        edition: Edition | None = None,
    ) -> Response:
        chosen = edition.value if edition is not None else None
        data, name = report_file(svc, player_id, fmt, lang.value if lang else prefs.lang, chosen, as_of)
        disposition = "attachment" if fmt == "pdf" else "inline"
        return Response(
            data,
            media_type=REPORT_TYPES[fmt],
            headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
        )

    route.__name__ = f"report_{fmt}"
    return route


for _fmt in ("pdf", "html"):
    _file: Answers = {200: {"content": {REPORT_TYPES[_fmt].split(";")[0]: {}}}}
    router.add_api_route(
        f"/reports/{{player_id}}.{_fmt}",
        _report(_fmt),
        methods=["GET"],
        tags=["reports"],
        summary=f"A player's report ({_fmt.upper()}), in the user's language and edition",
        response_class=Response,
        responses=_file | FORBIDDEN | NOT_FOUND,
    )


# -- users and the audit log -----------------------------------------------------------------------


@router.get(
    "/users",
    response_model=list[UserAccount],
    tags=["users"],
    summary="The users (admin)",
    responses=FORBIDDEN,
)
def users(svc: ServicesDep) -> list[UserAccount]:
    return svc.users.users()


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="no spaces")
    role: Role
    password: str = Field(min_length=8, max_length=1000)


@router.post(
    "/users",
    response_model=UserAccount,
    status_code=201,
    tags=["users"],
    summary="Add a user (admin)",
    responses=FORBIDDEN,
)
def add_user(svc: ServicesDep, body: UserIn) -> UserAccount:
    return svc.users.add_user(body.name, body.role, body.password)


@router.post(
    "/users/{name}/disable",
    response_model=UserAccount,
    tags=["users"],
    summary="Disable a user (admin)",
    responses=FORBIDDEN | NOT_FOUND,
)
def disable_user(svc: ServicesDep, name: str) -> UserAccount:
    return svc.users.disable_user(name)


@router.get(
    "/audit",
    response_model=list[AuditEntry],
    tags=["audit"],
    summary="The audit log (director, admin)",
    responses=FORBIDDEN,
)
def audit(
    svc: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    user: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    return svc.audit.entries(limit=limit, offset=offset, user=user, action=action)
