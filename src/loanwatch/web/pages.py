"""The HTML pages: the portfolio, a player, the alerts inbox, the weekly digest, watchlists, scout
notes and the audit log. Server-rendered; every page is usable without JavaScript (links, GET
forms, POST forms with the CSRF field), htmx swaps the part that changed where it is there.

Every page reads the services acting as the logged-in user (``deps.services``): what a role may
not see is not in what they return, so no template decides access. What a role may *do* (a
dismiss button, a note form) is asked of ``loanwatch.access`` here, and the service refuses it
anyway (Forbidden: 403).
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from loanwatch.access import Permission, may, sees_terms
from loanwatch.errors import InvalidInput, NotFound
from loanwatch.reports import render as report_render
from loanwatch.reports import vocab
from loanwatch.reports.i18n import LANGUAGES, Formatter, translations
from loanwatch.services import Services
from loanwatch.services.models import AlertView, PlayerRef
from loanwatch.web.cache import cache_of
from loanwatch.web.deps import CSRF, ServicesDep, prefs
from loanwatch.web.templating import render

router = APIRouter(include_in_schema=False)

SEVERITIES = ("critical", "warning", "info")
# The portfolio's columns that sort, and the key each sorts by.
SORTS: dict[str, Any] = {
    "name": lambda r: r["name"].lower(),
    "owner": lambda r: r["owner"].lower(),
    "host": lambda r: r["host_club"].lower(),
    "competition": lambda r: r["competition"].lower(),
    "share": lambda r: -1.0 if r["share"] is None else r["share"],
    "recent": lambda r: -1.0 if r["recent_share"] is None else r["recent_share"],
    "trend": lambda r: r["trend"],
    "alerts": lambda r: (r["alerts"], r["critical"]),
    "trigger": lambda r: ((r["trigger"] or {}).get("count") or 0, (r["trigger"] or {}).get("target") or 0),
}
STATUSES = ("active", "upcoming", "ended")
AUDIT_PAGE = 100  # entries per page of the audit log


# -- helpers ---------------------------------------------------------------------------------------



def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def reader(request: Request, *, any_lang: bool = False) -> tuple[str, date | None]:
    """The reader's language and as-of date: his preferences (the selector of every page), or
    ``?as_of=``; ``any_lang``: a file or a chart may be asked in another language (``?lang=``)."""
    chosen = prefs(request)
    lang = (request.query_params.get("lang") if any_lang else None) or chosen.lang
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}: {', '.join(LANGUAGES)}")
    raw = request.query_params.get("as_of")
    day = chosen.as_of
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"as_of: {raw!r} is not a date (YYYY-MM-DD)") from None
    return lang, day


def helpers(lang: str) -> dict[str, Any]:
    """What the page templates format with: numbers, dates and words in the reader's language
    (the reports' Formatter and vocabulary: one home for each word)."""
    fmt = Formatter(lang)
    tr = translations(lang)

    def gettext(message: str, **values: Any) -> str:  # Jinja's newstyle gettext, as the reports' templates
        return tr.gettext(message) % values if values else tr.gettext(message)

    return {
        "_": gettext,
        "fmt": fmt,
        "vocab": vocab,
        "word": lambda table, key: tr.gettext(table[key]) if key in table else key,
        "alert_text": lambda a: report_render.alert_text(
            lang, a if isinstance(a, Mapping) else a.model_dump()
        ),
        "warning_text": lambda w: report_render.warning_text(lang, w),
        "count": lambda what, n: fmt.n_(*vocab.COUNTS[what], n),
    }


def page(request: Request, template: str, lang: str, svc: Services, **context: Any) -> Response:
    """A page in the reader's language; ``may_audit``: the nav shows the audit log to who may read it."""
    may_audit = may(svc.ctx.role, Permission.READ_AUDIT)
    return render(request, template, **helpers(lang), may_audit=may_audit, **context)


def edition_of(svc: Services) -> str:
    """The report edition the acting user reads: the director's for a role that sees the terms."""
    return "director" if sees_terms(svc.ctx.role) else "coach"


def player_ref(svc: Services, player_id: int) -> PlayerRef:
    return svc.players.ref(player_id)  # NotFound (404) for an id the store does not have


def report_content(request: Request, svc: Services, ref: PlayerRef, as_of: date | None) -> dict[str, Any]:
    """The player's report content as the user's edition shows it, computed once per player,
    as-of date, edition and data stamp (the page, its charts and its downloads read it)."""
    edition = edition_of(svc)
    key = ("report", ref.id, as_of, edition, svc.ctx.data_version())
    return cache_of(request).get(key, lambda: dict(svc.reports.report(ref, as_of, edition=edition).content))


def chart_png(
    request: Request, svc: Services, ref: PlayerRef, as_of: date | None, lang: str, name: str
) -> bytes:
    """One of the player's charts (reports.render.chart_names) as PNG bytes, drawn once per
    player, as-of date, edition, language and data stamp."""
    content = report_content(request, svc, ref, as_of)
    if name not in report_render.chart_names(content):
        names = ", ".join(report_render.chart_names(content)) or "none"
        raise NotFound(f"no chart {name!r} for player {ref.id} (charts: {names})")
    key = ("chart", ref.id, as_of, edition_of(svc), lang, name, svc.ctx.data_version())
    return cache_of(request).get(key, lambda: png(report_render.draw_chart(content, lang, name)))


def png(data_uri: str) -> bytes:
    return base64.b64decode(data_uri.split(",", 1)[1])


def spell_status(start: date, end: date, day: date) -> str:
    return "upcoming" if day < start else "ended" if day > end else "active"


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """The page's query with some parameters changed (sort links keep the filters)."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


# -- the portfolio ---------------------------------------------------------------------------------


def overview_rows(svc: Services, as_of: date | None, owner: str | None) -> list[dict[str, Any]]:
    """Every loanee of the portfolio (of ``owner``) as one row of the table, from
    ``TrackingService.overview``: his current spell's owner, host club and competition, the last
    five matches' availability, minutes share, trend, open alerts, trigger progress (None for a
    role that may not see the terms): the one assessment the reports and alerts read."""
    rows = []
    for o in svc.tracking.overview(as_of, owner):
        trigger = None
        if o.trigger is not None:
            trigger = {
                "state": o.trigger_state or "",
                "count": o.trigger.count,
                "target": o.trigger.target,
                "words": o.trigger.words,
            }
        rows.append(
            {
                "player_id": o.player.id,
                "spell_id": o.spell.id,
                "name": o.player.display_name or o.spell.player_name,
                "role": o.player.role,
                "owner": o.owner,
                "host_club": o.host_club,
                "competition": o.competition,
                "start": o.spell.start_date,
                "end": o.spell.end_date,
                "status": spell_status(o.spell.start_date, o.spell.end_date, o.as_of),
                "has_data": o.spell.has_match_data,
                "last_five": [m.status for m in o.last_five],
                "share": o.minutes_share,
                "recent_share": o.recent_share,
                "minutes": o.minutes,
                "trend": o.verdict,
                "direction": o.trend,
                "trend_source": o.trend_source,  # form, minutes (no per-match stats yet), none
                "alerts": len(o.open_alerts),
                "critical": sum(1 for a in o.open_alerts if a.severity == "critical"),
                "trigger": trigger,
            }
        )
    return rows


def filtered(rows: Sequence[dict[str, Any]], params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows the query keeps (competition, status, role, search), sorted (``sort``, ``desc``)."""
    kept = list(rows)
    if params.get("competition"):
        kept = [r for r in kept if r["competition"] == params["competition"]]
    if params.get("status"):
        kept = [r for r in kept if r["status"] == params["status"]]
    if params.get("role"):
        kept = [r for r in kept if r["role"] == params["role"]]
    if params.get("q"):
        from loanwatch.portfolio.names import normalize_name

        wanted = normalize_name(params["q"])
        kept = [
            r
            for r in kept
            if wanted in normalize_name(f"{r['name']} {r['host_club']} {r['owner']} {r['competition']}")
        ]
    sort = params.get("sort") or "name"
    if sort not in SORTS:
        raise InvalidInput(f"sort: {sort!r} is not a column ({', '.join(SORTS)})")
    kept.sort(key=SORTS[sort], reverse=params.get("desc") == "1")
    return kept


def portfolio_rows(
    request: Request, svc: Services, as_of: date | None, owner: str | None
) -> list[dict[str, Any]]:
    key = ("portfolio", sees_terms(svc.ctx.role), as_of, owner, svc.ctx.data_version())
    return cache_of(request).get(key, lambda: overview_rows(svc, as_of, owner))


PORTFOLIO_PARAMS = ("owner", "competition", "status", "role", "q", "sort", "desc")


@router.get("/", name="home")
def home(svc: ServicesDep) -> Response:
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/portfolio", name="portfolio")
def portfolio_page(request: Request, svc: ServicesDep) -> Response:
    lang, as_of = reader(request)
    params = {k: request.query_params.get(k, "") for k in PORTFOLIO_PARAMS}
    try:
        everything = portfolio_rows(request, svc, as_of, params["owner"] or None)
    except ValueError as e:  # an owner no spell has
        raise InvalidInput(str(e)) from None
    rows = filtered(everything, params)
    context = {
        "rows": rows,
        "params": params,
        "query": lambda **changes: query_string(params, **changes),
        "owners": svc.portfolio.owners(),
        "competitions": sorted({r["competition"] for r in everything if r["competition"]}),
        "roles": sorted({r["role"] for r in everything if r["role"]}),
        "statuses": STATUSES,
        "total": len(everything),
        "terms": any(r["trigger"] is not None for r in rows),
        "day": as_of or svc.tracking.default_as_of(),
    }
    if is_htmx(request):
        return page(request, "partials/portfolio_table.html", lang, svc, **context)
    return page(request, "portfolio.html", lang, svc, **context)


@router.get("/portfolio.csv", name="portfolio_csv")
def portfolio_csv(request: Request, svc: ServicesDep) -> Response:
    """The portfolio table as the page filters it, as CSV (the trigger columns only where the
    service gave trigger progress: a role that sees the terms)."""
    _, as_of = reader(request)
    params = {k: request.query_params.get(k, "") for k in PORTFOLIO_PARAMS}
    try:
        rows = filtered(portfolio_rows(request, svc, as_of, params["owner"] or None), params)
    except ValueError as e:
        raise InvalidInput(str(e)) from None
    columns = [
        "player_id", "name", "role", "owner", "host_club", "competition", "start", "end", "status",
        "last_five", "minutes", "share", "recent_share", "trend", "direction", "alerts", "critical",
    ]  # fmt: skip
    with_terms = any(r["trigger"] is not None for r in rows)
    if with_terms:
        columns += ["trigger_kind", "trigger_state", "trigger_count", "trigger_target"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in rows:
        t = r["trigger"] or {}
        flat = {
            **r,
            "last_five": " ".join(r["last_five"]),
            "share": "" if r["share"] is None else f"{r['share']:.3f}",
            "recent_share": "" if r["recent_share"] is None else f"{r['recent_share']:.3f}",
            "trigger_kind": t.get("kind", ""),
            "trigger_state": t.get("state", ""),
            "trigger_count": t.get("count", ""),
            "trigger_target": t.get("target", ""),
        }
        writer.writerow(["" if flat[c] is None else flat[c] for c in columns])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.csv"'},
    )


# -- a player --------------------------------------------------------------------------------------


@router.get("/players/{player_id}", name="player")
def player_page(request: Request, svc: ServicesDep, player_id: int) -> Response:
    lang, as_of = reader(request)
    ref = player_ref(svc, player_id)
    content = report_content(request, svc, ref, as_of)
    svc.audit.viewed(ref, "player")
    role = svc.ctx.role
    return page(
        request,
        "player.html",
        lang,
        svc,
        d=content,
        ref=ref,
        player=content["player"],
        charts=report_render.chart_names(content),
        chart_query=query_string({"lang": lang, "as_of": as_of.isoformat() if as_of else ""}),
        alerts=sorted(
            content.get("alerts") or [], key=lambda a: report_render.SEVERITY_ORDER.get(str(a["severity"]), 3)
        ),
        form=report_render._form(content.get("form"), lang),  # noqa: SLF001 - the report's own words
        can_dismiss=may(role, Permission.DISMISS_ALERTS),
        can_note=may(role, Permission.WRITE_NOTES),
        edition=edition_of(svc),
        lang_query=lang,
        today=date.today(),
    )


@router.get("/players/{player_id}/charts/{name}.png", name="player_chart")
def player_chart(request: Request, svc: ServicesDep, player_id: int, name: str) -> Response:
    lang, as_of = reader(request, any_lang=True)
    body = chart_png(request, svc, player_ref(svc, player_id), as_of, lang, name)
    return Response(body, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/players/{player_id}/report.{fmt}", name="player_report")
def player_report(
    request: Request, svc: ServicesDep, player_id: int, fmt: str, edition: str | None = Query(None)
) -> Response:
    """The player's report through the reports service, in the reader's language, as the edition
    he may read (a coach asking for the director's edition: 403)."""
    lang, as_of = reader(request, any_lang=True)
    if fmt not in report_render.FORMATS:
        raise NotFound(f"no report format {fmt!r}: html or pdf")
    ref = player_ref(svc, player_id)
    chosen = edition or edition_of(svc)
    if chosen not in ("coach", "director"):
        raise InvalidInput(f"edition: {chosen!r} is coach or director")
    if chosen == edition_of(svc):
        content = report_content(request, svc, ref, as_of)
        key = ("file", ref.id, as_of, chosen, lang, fmt, svc.ctx.data_version())
        body = cache_of(request).get(key, lambda: written_report(request, svc, ref, as_of, lang, fmt))
    else:  # a director reading the coach's edition
        content = dict(svc.reports.report(ref, as_of, edition=chosen).content)
        body = report_render.render_player(content, lang, fmt)
    svc.audit.viewed(ref, "report")
    filename = report_render.report_filename(content["player"]["name"], lang, chosen, fmt)
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'}
    )


def written_report(
    request: Request, svc: Services, ref: PlayerRef, as_of: date | None, lang: str, fmt: str
) -> bytes:
    """The report file of the user's edition, with the charts the pages drew (drawn once)."""
    content = report_content(request, svc, ref, as_of)
    drawn: dict[str, Any] = {"minutes": {}}
    for name in report_render.chart_names(content):
        uri = (
            "data:image/png;base64,"
            + base64.b64encode(chart_png(request, svc, ref, as_of, lang, name)).decode()
        )
        if name.startswith("minutes-"):
            drawn["minutes"][int(name.removeprefix("minutes-"))] = uri
        else:
            drawn[name] = uri
    return report_render.render_player(content, lang, fmt, drawn)


@router.post("/players/{player_id}/notes", name="add_note", dependencies=[CSRF])
def add_note(
    request: Request, svc: ServicesDep, player_id: int, text: str = Form(""), written_on: str = Form("")
) -> Response:
    lang, as_of = reader(request)
    ref = player_ref(svc, player_id)
    if not text.strip():
        raise InvalidInput("a scout note needs a text")
    try:
        day = date.fromisoformat(written_on) if written_on else None
    except ValueError:
        raise InvalidInput(f"written_on: {written_on!r} is not a date (YYYY-MM-DD)") from None
    svc.tracking.add_note(ref, svc.ctx.user.name, text.strip(), day)
    if is_htmx(request):
        notes = svc.tracking.notes(ref, as_of)
        return page(request, "partials/notes.html", lang, svc, notes=notes, ref=ref)
    return RedirectResponse(request.url_for("player", player_id=player_id).path + "#notes", status_code=303)


# -- alerts ----------------------------------------------------------------------------------------


def names_of(svc: Services, ids: Sequence[int]) -> dict[int, str]:
    return {pid: svc.players.ref(pid).display_name for pid in dict.fromkeys(ids)}


def all_alerts(request: Request, svc: Services, as_of: date | None, owner: str | None) -> list[AlertView]:
    """Every alert raised by the as-of date (open, dismissed, ended), as the user's role sees
    them; computed (and the new ones stored) once per data stamp."""
    key = ("alerts", sees_terms(svc.ctx.role), as_of, owner, svc.ctx.data_version())
    return cache_of(request).get(key, lambda: svc.tracking.alerts(as_of, include_all=True, owner=owner))


@router.get("/alerts", name="alerts")
def alerts_page(request: Request, svc: ServicesDep) -> Response:
    lang, as_of = reader(request)
    owner = request.query_params.get("owner") or None
    severity = request.query_params.get("severity") or ""
    if severity and severity not in SEVERITIES:
        raise InvalidInput(f"severity: {severity!r} is one of {', '.join(SEVERITIES)}")
    try:
        every = all_alerts(request, svc, as_of, owner)
    except ValueError as e:
        raise InvalidInput(str(e)) from None
    shown = [a for a in every if not severity or a.severity == severity]
    open_ = [a for a in shown if a.status != "dismissed" and a.active]
    dismissed = sorted(
        (a for a in shown if a.status == "dismissed"), key=lambda a: str(a.dismissed_at or ""), reverse=True
    )
    return page(
        request,
        "alerts.html",
        lang,
        svc,
        groups=[(s, [a for a in open_ if a.severity == s]) for s in SEVERITIES],
        dismissed=dismissed,
        names=names_of(svc, [a.player_id for a in shown]),
        can_dismiss=may(svc.ctx.role, Permission.DISMISS_ALERTS),
        severity=severity,
        owner=owner or "",
        owners=svc.portfolio.owners(),
        day=as_of or svc.tracking.default_as_of(),
    )


@router.post("/alerts/{alert_id}/dismiss", name="dismiss_alert", dependencies=[CSRF])
def dismiss_alert(request: Request, svc: ServicesDep, alert_id: int, reason: str = Form("")) -> Response:
    lang, as_of = reader(request)
    if not reason.strip():
        svc.ctx.require(Permission.DISMISS_ALERTS)  # a coach hears 403 before the missing reason
        raise InvalidInput("a dismissal needs a reason")
    if not svc.tracking.dismiss_alert(alert_id, svc.ctx.user.name, reason):
        raise NotFound(f"no alert with id {alert_id}")
    if is_htmx(request):
        found = [a for a in all_alerts(request, svc, as_of, None) if a.id == alert_id]
        return page(
            request,
            "partials/alert_row.html",
            lang,
            svc,
            a=found[0] if found else None,
            names=names_of(svc, [a.player_id for a in found]),
            can_dismiss=True,
        )
    back = request.headers.get("referer") or ""
    target = back if back.startswith(str(request.base_url)) else request.url_for("alerts").path
    return RedirectResponse(target, status_code=303)


# -- digest, watchlists, notes, audit --------------------------------------------------------------


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@router.get("/digest", name="digest")
def digest_page(request: Request, svc: ServicesDep) -> Response:
    lang, as_of = reader(request)
    week = request.query_params.get("week") or week_of(as_of or svc.tracking.default_as_of())
    owner = request.query_params.get("owner") or None
    try:
        key = ("digest", sees_terms(svc.ctx.role), week, owner, svc.ctx.data_version())
        digest = cache_of(request).get(key, lambda: svc.tracking.digest(week, None, owner))
    except ValueError as e:  # a week that is not one, an owner no spell has
        raise InvalidInput(str(e)) from None
    g = report_render.digest_context(digest, edition_of(svc))
    return page(
        request,
        "digest.html",
        lang,
        svc,
        g=g,
        week=digest.week,
        previous=week_of(digest.start - timedelta(days=7)),
        following=week_of(digest.start + timedelta(days=7)),
        ids={e.player_name: e.player_id for e in digest.entries},
        owner=owner or "",
        owners=svc.portfolio.owners(),
    )


@router.get("/watchlists", name="watchlists")
def watchlists_page(request: Request, svc: ServicesDep) -> Response:
    lang, as_of = reader(request)
    entries = svc.tracking.watchlist(None, as_of)
    lists: dict[str, list[Any]] = {}
    for e in entries:
        lists.setdefault(e.watchlist, []).append(e)
    return page(
        request,
        "watchlists.html",
        lang,
        svc,
        lists=lists,
        can_manage=may(svc.ctx.role, Permission.MANAGE_WATCHLISTS),
    )


@router.post("/watchlists", name="watch", dependencies=[CSRF])
def watch(
    request: Request,
    svc: ServicesDep,
    player: str = Form(""),
    watchlist: str = Form(""),
    note: str = Form(""),
) -> Response:
    svc.ctx.require(Permission.MANAGE_WATCHLISTS)
    if not player.strip() or not watchlist.strip():
        raise InvalidInput("a watched player needs a name and a watchlist")
    svc.tracking.watch(svc.players.resolve(player.strip()), watchlist.strip(), note.strip())
    return RedirectResponse(request.url_for("watchlists").path, status_code=303)


@router.get("/notes", name="notes")
def notes_page(request: Request, svc: ServicesDep) -> Response:
    """Every scout note on the loanees and the watched players, newest first."""
    lang, as_of = reader(request)
    refs = {r.id: r for r in svc.portfolio.loanees()}
    for e in svc.tracking.watchlist(None, as_of):
        refs.setdefault(e.player.id, svc.players.ref(e.player.id))
    notes = [(refs[pid], n) for pid in refs for n in svc.tracking.notes(refs[pid], as_of)]
    notes.sort(key=lambda pn: (pn[1].written_on, pn[1].id or 0), reverse=True)
    return page(request, "notes.html", lang, svc, notes=notes)


@router.get("/audit", name="audit")
def audit_page(request: Request, svc: ServicesDep) -> Response:
    """The audit log (director and admin: the audit service refuses the others)."""
    lang, _ = reader(request)
    try:
        offset = max(0, int(request.query_params.get("offset") or 0))
    except ValueError:
        raise InvalidInput("offset: a number of entries") from None
    user = request.query_params.get("user") or None
    entries = svc.audit.entries(limit=AUDIT_PAGE, offset=offset, user=user)
    return page(
        request, "audit.html", lang, svc, entries=entries, offset=offset, user=user or "", step=AUDIT_PAGE
    )
