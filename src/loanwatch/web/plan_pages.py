"""The market plan's page (issue 11, part 5): ``/plan?owner=&season=&plan=`` shows the plan as
``PlanService.plan`` gives it to the reader's role (the director's edition with the terms and the
deal notes, the coach's without: the service removes them), in the plan document's own template
and words (``reports/plan.py`` ``render_plan_body``). A role that may decide the plan (access.py:
DECIDE_PLAN, the director and the admin) gets a form on each card (decide, with a note; undecide)
and one to sign a candidate; htmx swaps the whole plan (its squad, counts, rules and cards all
change with one decision), and without JavaScript the forms post and come back to the page.
``/plan/plan.pdf`` (and ``.html``) is the plan's document of the reader's edition.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from loanwatch.access import Permission, edition_role, may, require_view
from loanwatch.errors import Ambiguous, InvalidInput, NotFound
from loanwatch.market.plan import DECISIONS, DEFAULT_PLAN
from loanwatch.reports.plan import render_plan_body
from loanwatch.reports.render import FORMATS
from loanwatch.services import Services
from loanwatch.services.models import MarketPlan
from loanwatch.web.cache import cache_of
from loanwatch.web.deps import CSRF, ServicesDep, csrf_token
from loanwatch.web.pages import edition_of, helpers, is_htmx, page, reader
from loanwatch.web.templating import templates

router = APIRouter(include_in_schema=False)
# What a card's form offers: every decision but signing (that one is for a candidate, not a loanee).
SIGN = "sign"
CARD_DECISIONS = tuple(d for d in DECISIONS if d != SIGN)


def frame(request: Request, svc: Services) -> dict[str, str]:
    """The plan the query asks for: owner club (the store's one owner when there is one, else ''
    for the reader to choose), season (default: the one after the data's), plan name, edition."""
    q = request.query_params
    owner = (q.get("owner") or "").strip()
    if not owner:
        owners = svc.portfolio.owners()
        owner = owners[0] if len(owners) == 1 else ""
    else:
        owner = svc.plan.owner(owner)  # NotFound for an owner of no loan, its spelling otherwise
    edition = q.get("edition") or edition_of(svc)
    if edition not in ("coach", "director"):
        raise InvalidInput(f"edition: {edition!r} is coach or director")
    return {
        "owner": owner,
        "season": svc.plan.season(q.get("season") or None),
        "plan": (q.get("plan") or DEFAULT_PLAN).strip() or DEFAULT_PLAN,
        "edition": edition,
    }


def cached_plan(request: Request, svc: Services, f: dict[str, str], as_of: date | None) -> MarketPlan:
    """The plan as the edition reads it, computed once per edition, frame, as-of date, data stamp
    and state of its decisions (a decision, or its note, makes a new entry); the edition's role is
    checked first (a coach asking for the director's: Forbidden), as the service would."""
    require_view(svc.ctx.role, edition_role(f["edition"]))
    decided = tuple(
        (d.player.id, d.decision, str(d.decided_at), d.note)
        for d in svc.plan.decisions(f["season"], f["owner"], f["plan"])
    )
    key = ("plan", f["edition"], f["owner"], f["season"], f["plan"], as_of, decided, svc.ctx.data_version())
    return cache_of(request).get(
        key, lambda: svc.plan.plan(f["season"], f["owner"], f["plan"], as_of=as_of, edition=f["edition"])
    )


def tools_for(request: Request, svc: Services, lang: str, f: dict[str, str]) -> Any:
    """The forms the plan's body shows a role that may decide: ``tools(kind, item)``."""
    if not may(svc.ctx.role, Permission.DECIDE_PLAN) or f["edition"] != edition_of(svc):
        return None  # read only: a role that may not decide, or the director reading the coach's edition
    partial = templates.env.get_template("partials/plan_tools.html")
    context = {
        **helpers(lang),
        "csrf_token": csrf_token(request),
        "f": f,
        "decisions": CARD_DECISIONS,
        "lang_query": urlencode({"lang": request.query_params["lang"]})
        if request.query_params.get("lang")
        else "",
    }

    def tools(kind: str, item: Any) -> Markup:
        return Markup(partial.render(**context, kind=kind, item=item))

    return tools


def plan_body(request: Request, svc: Services, lang: str, f: dict[str, str], as_of: date | None) -> Markup:
    plan = cached_plan(request, svc, f, as_of)
    return Markup(render_plan_body(plan.document(), lang, tools_for(request, svc, lang, f)))


def plan_query(f: dict[str, str], lang: str | None = None) -> str:
    return urlencode({k: v for k, v in {**f, "lang": lang or ""}.items() if v})


@router.get("/plan", name="plan")
def plan_page(request: Request, svc: ServicesDep) -> Response:
    lang, as_of = reader(request, any_lang=True)
    f = frame(request, svc)
    body = plan_body(request, svc, lang, f, as_of) if f["owner"] else None
    return page(
        request,
        "plan.html",
        lang,
        svc,
        f=f,
        body=body,
        owners=svc.portfolio.owners(),
        query=plan_query({k: v for k, v in f.items() if k != "edition"}, lang),
        may_director=edition_of(svc) == "director",
    )


def _after_change(
    request: Request, svc: Services, f: dict[str, str], anchor: str = "", error: str = ""
) -> Response:
    """What a form's post answers: the plan's body for htmx (with the error the service gave, if
    any: htmx swaps no error answer), else back to the page."""
    lang, as_of = reader(request, any_lang=True)
    if is_htmx(request):
        body = plan_body(request, svc, lang, f, as_of)
        return page(request, "partials/plan_body.html", lang, svc, body=body, error=error)
    query = plan_query(f, request.query_params.get("lang"))
    target = request.url_for("plan").path + "?" + query + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303)


def posted_frame(svc: Services, owner: str, season: str, plan: str) -> dict[str, str]:
    return {
        "owner": svc.plan.owner(owner.strip() or None),
        "season": svc.plan.season(season.strip() or None),
        "plan": plan.strip() or DEFAULT_PLAN,
        "edition": edition_of(svc),
    }


@router.post("/plan/decisions", name="plan_decide", dependencies=[CSRF])
def decide(
    request: Request,
    svc: ServicesDep,
    owner: str = Form(""),
    season: str = Form(""),
    plan: str = Form(""),
    player_id: str = Form(""),
    player: str = Form(""),
    decision: str = Form(""),
    note: str = Form(""),
) -> Response:
    """Decide on a loanee (``player_id``, from his card) or sign a candidate (``player``: a name or
    a provider id, ``decision`` sign); the service refuses a role that may not (403)."""
    svc.ctx.require(Permission.DECIDE_PLAN)  # a coach hears 403 before anything about the form
    f = posted_frame(svc, owner, season, plan)
    try:
        if player_id.strip():
            try:
                ref = svc.players.ref(int(player_id))
            except ValueError:
                raise InvalidInput(f"player_id: {player_id!r} is not a number") from None
        elif player.strip():
            ref = svc.players.resolve(player.strip())
        else:
            raise InvalidInput("a decision needs a player: his card, or a name or id to sign")
        svc.plan.decide(ref, decision, season=f["season"], owner=f["owner"], plan=f["plan"], note=note)
    except (InvalidInput, NotFound, Ambiguous) as err:  # a name of nobody or of several, a wrong decision
        if not is_htmx(request):
            raise
        return _after_change(request, svc, f, error=str(err))
    return _after_change(request, svc, f, f"card-{ref.id}")


@router.post("/plan/decisions/{player_id}/undecide", name="plan_undecide", dependencies=[CSRF])
def undecide(
    request: Request,
    svc: ServicesDep,
    player_id: int,
    owner: str = Form(""),
    season: str = Form(""),
    plan: str = Form(""),
) -> Response:
    svc.ctx.require(Permission.DECIDE_PLAN)
    f = posted_frame(svc, owner, season, plan)
    ref = svc.players.ref(player_id)
    if not svc.plan.undecide(ref, season=f["season"], owner=f["owner"], plan=f["plan"]):
        raise NotFound(f"{ref.display_name} has no decision in plan {f['plan']!r}")
    return _after_change(request, svc, f, f"card-{ref.id}")


@router.get("/plan/plan.{fmt}", name="plan_file")
def plan_file(request: Request, svc: ServicesDep, fmt: str) -> Response:
    """The plan's document (``PlanService.write``) in the reader's language, as his edition (a coach
    asking for the director's: 403)."""
    lang, as_of = reader(request, any_lang=True)
    if fmt not in FORMATS:
        raise NotFound(f"no plan format {fmt!r}: html or pdf")
    f = frame(request, svc)
    if not f["owner"]:
        raise InvalidInput(
            f"owner: the store holds the loans of several clubs ({', '.join(svc.portfolio.owners())})"
        )
    from loanwatch.reports.plan import plan_filename

    name = plan_filename(f["owner"], f["season"], lang, f["edition"], fmt)
    with tempfile.TemporaryDirectory(prefix="loanwatch-plan-") as out:
        path = svc.plan.write(
            Path(out) / name, f["season"], f["owner"], f["plan"], as_of=as_of, lang=lang, fmt=fmt,
            edition=f["edition"],
        )  # fmt: skip
        body = path.read_bytes()
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'}
    )
