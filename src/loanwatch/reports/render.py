"""Rendering: report data (``reports.data``) to HTML (Jinja2, translated with Babel) and PDF
(WeasyPrint, the same HTML with print CSS: A4 pages, running footer, page numbers).

One template per document, for both formats, so the HTML and the PDF carry the same content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from loanwatch.reports import charts, vocab
from loanwatch.reports.data import check_edition
from loanwatch.reports.i18n import LOCALES, Formatter, check_lang, translations
from loanwatch.reports.recommend import Reason, Recommendation
from loanwatch.tracking.digest import Digest

FORMATS: tuple[str, ...] = ("html", "pdf")
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: html or pdf")
    return fmt


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("loanwatch.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    tr = translations(lang)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]
    fmt = Formatter(lang)
    env.filters.update(
        num=fmt.num, pct=fmt.pct, money=fmt.money, day=fmt.date, short_day=fmt.short_date, country=fmt.country
    )
    env.globals.update(
        vocab=vocab,
        lang=lang,
        html_lang=LOCALES[lang].split("_")[0],
        n_=fmt.n_,
        count=lambda what, n: fmt.n_(*vocab.COUNTS[what], n),
        alert_text=lambda a: alert_text(lang, a),
        warning_text=lambda w: warning_text(lang, w),
        reference_text=lambda p: reference_text(lang, p),
    )
    return env


def _word(lang: str, table: Mapping[str, str], key: str) -> str:
    return translations(lang).gettext(table[key]) if key in table else key


def _one(message: str | tuple[str, str]) -> str:
    return message if isinstance(message, str) else message[0]


def _two(message: str | tuple[str, str]) -> tuple[str, str]:
    return message if isinstance(message, tuple) else (message, message)


def alert_text(lang: str, alert: Mapping[str, Any]) -> str:
    """An alert in the reader's words, written from its kind and evidence (one catalog message per
    kind, ``vocab.ALERT_TEXTS``); '' when the evidence lacks what the message needs (the kind's
    name is shown alone then, never the tracking module's English title)."""
    ev = alert.get("evidence")
    if isinstance(ev, str):
        import json

        try:
            ev = json.loads(ev)
        except ValueError:
            ev = None
    if not isinstance(ev, Mapping):
        return ""
    kind = str(alert.get("kind") or "")
    message = vocab.ALERT_TEXTS.get(kind)
    if message is None:
        return ""
    tr, fmt = translations(lang), Formatter(lang)

    def day(key: str) -> str:
        return fmt.date(_as_date(ev.get(key))) if _as_date(ev.get(key)) else "–"

    try:
        if kind == "minutes_collapse":
            n = len(ev.get("matches") or []) or None
            if n is None:
                return ""
            text = fmt.n_(
                *_two(message), n, share=fmt.pct(ev["share_last"]), before=fmt.pct(ev["share_before"])
            )
        elif kind == "out_of_squad":
            text = fmt.n_(*_two(message), int(ev["in_a_row"]), since=day("since"))
        elif kind == "not_starting":
            text = fmt.n_(
                *_two(message),
                int(ev["without_start"]),
                since=day("since"),
                unused=fmt.num(ev["unused"]),
                came_on=fmt.num(ev["came_on"]),
                absent=fmt.num(ev["not_in_squad"]),
            )
        elif kind == "role_change":
            text = tr.gettext(_one(message)) % {
                "to": _word(lang, vocab.ROLES, str(ev["to"])),
                "was": _word(lang, vocab.ROLES, str(ev["from"])),
            }
        elif kind in ("breakout", "slump"):
            text = tr.gettext(_one(message)) % {
                "metric": str(ev["metric"]).upper(),
                "recent": fmt.num(ev["recent_p90"], 2),
                "base": fmt.num(ev["baseline_shrunk_p90"], 2),
                "z": fmt.num(ev["z"], 1),
            }
        elif kind == "obligation_fired":
            text = tr.gettext(_one(message)) % {"date": day("fired_on"), "trigger": str(ev["trigger"])}
        elif kind == "obligation_close":
            text = fmt.n_(
                *_two(message),
                int(ev["to_go"]),
                count=fmt.num(ev["count"]),
                target=fmt.num(ev["target"]),
                trigger=str(ev["trigger"]),
            )
        elif kind == "loan_ending":
            text = fmt.n_(*_two(message), int(ev["days_left"]), date=day("end_date"))
            decision = vocab.LOAN_DECISIONS.get(str(ev.get("loan_type") or ""))
            if decision:
                text = tr.gettext(vocab.ALERT_DECISION) % {"text": text, "decision": tr.gettext(decision)}
        elif kind == "recall_window":
            text = tr.gettext(_one(message)) % {"date": day("closes")}
        else:
            return ""
    except (KeyError, TypeError, ValueError):
        return ""
    if ev.get("fee_eur") and kind in ("obligation_fired", "loan_ending"):
        text += " (" + tr.gettext(vocab.ALERT_FEE) % {"fee": fmt.money(ev["fee_eur"])} + ")"
    return text


def warning_text(lang: str, warning: Mapping[str, Any]) -> str:
    """A data-quality warning in the reader's words where its code is known, else its own text."""
    code = str(warning.get("code") or "")
    if code in vocab.WARNING_CODES:
        return translations(lang).gettext(vocab.WARNING_CODES[code])
    return str(warning.get("message") or code)


def reference_text(lang: str, profile: Mapping[str, Any]) -> str:
    """Which league the figures are adjusted to, and why, in the reader's words."""
    tr = translations(lang)
    ref = profile.get("reference") or {}
    source = str(ref.get("source") or "default")
    words = tr.gettext(vocab.REFERENCE_SOURCES.get(source, vocab.REFERENCE_SOURCES["default"]))
    text = words % {"owner": ref.get("owner") or ""} if "%(owner)s" in words else words
    if source == "default" and ref.get("owner_league"):
        text += "; " + tr.gettext(vocab.REFERENCE_UNRATED) % {"league": ref["owner_league"]}
    return text


def models_text(lang: str, versions: Sequence[Mapping[str, Any]]) -> str:
    """Which model versions the figures come from (label, version, training date), in the
    reader's words: "Figures from the models VAEP version 2, trained on 1 Dec 2026; ..."."""
    tr, fmt = translations(lang), Formatter(lang)
    if not versions:
        return tr.gettext(vocab.MODELS_NOT_TRAINED)
    each = [
        tr.gettext(vocab.MODEL_VERSION)
        % {"model": m["label"], "version": m["version"], "date": fmt.date(m["trained_at"])}
        for m in versions
    ]
    return tr.gettext(vocab.MODELS_USED) % {"models": "; ".join(each)}


def say(lang: str, reason: Reason) -> str:
    """A recommendation reason in the reader's words, its figures in his locale."""
    tr, fmt = translations(lang), Formatter(lang)
    values: dict[str, str] = {}
    for name, (kind, value) in reason.params.items():
        if kind == "pct":
            values[name] = fmt.pct(value)
        elif kind == "num":
            values[name] = fmt.num(value)
        elif kind == "signed":  # one decimal, with its sign (goals prevented)
            values[name] = ("+" if value > 0 else "") + fmt.num(value, 1)
        elif kind == "date":
            values[name] = fmt.date(value)
        elif kind == "role":
            values[name] = _word(lang, vocab.ROLES, value)
        elif kind == "msg":
            values[name] = tr.gettext(value)
        else:
            values[name] = str(value)
    text = tr.gettext(reason.message)
    return text % values if values else text


def _recommendation(lang: str, rec: Recommendation | None) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {
        "call": rec.call,
        "confidence": rec.confidence,
        "confidence_reasons": [say(lang, r) for r in rec.confidence_reasons],
        "notes": [say(lang, r) for r in rec.notes],
        "options": [
            {
                "option": a.option,
                "stance": a.stance,
                "score": a.score,
                "confidence": a.confidence,
                "for": [say(lang, r) for r in a.reasons if r.weight > 0],
                "against": [say(lang, r) for r in a.reasons if r.weight < 0],
                "cannot": [say(lang, r) for r in a.reasons if r.weight == 0],
            }
            for a in rec.options
        ],
    }


def chart_names(data: Mapping[str, Any]) -> list[str]:
    """The charts a player's report has: ``minutes-<spell id>`` for each spell with match data,
    then a goalkeeper's ``goalkeeper_shots``, or ``pizza`` (a profile with percentiles) and
    ``shots`` and ``actions`` (the current spell has match data)."""
    names = [f"minutes-{spell['id']}" for spell in data["spells"] if spell["has_data"]]
    if data.get("goalkeeper"):  # a goalkeeper: his shots faced, never the outfield pizza and shot map
        return [*names, "goalkeeper_shots"]
    profile = data.get("profile")
    if profile and any(m["pct"] is not None for m in profile["metrics"]):
        names.append("pizza")
    current = data.get("current")
    if current and current["has_data"]:
        names += ["shots", "actions"]
    return names


def draw_chart(data: Mapping[str, Any], lang: str, name: str) -> str:
    """One of :func:`chart_names`, drawn in the reader's language (a PNG data URI)."""
    tr, fmt = translations(lang), Formatter(lang)
    _ = look_up = tr.gettext  # look_up: messages held in vocab (extracted there)
    if name.startswith("minutes-"):
        spell = next(s for s in data["spells"] if f"minutes-{s['id']}" == name)
        status_labels = {k: look_up(v) for k, v in vocab.STATUS.items()}
        return charts.minutes_timeline(spell["lines"], status_labels, _("minutes"), fmt.short_date)
    if name == "goalkeeper_shots":
        return charts.shots_faced_map(
            data["goalkeeper"]["shots"],
            {
                "goal": _("goal conceded"),
                "save": _("saved"),
                "penalty": _("penalty"),
                "title": _("Shots on target he faced (marker size: xG)"),
            },
        )
    if name == "pizza":
        slices = [
            (look_up(vocab.METRICS[m["key"]]), m["pct"], m["group"])
            for m in data["profile"]["metrics"]
            if m["pct"] is not None
        ]
        return charts.percentile_pizza(slices, {g: look_up(w) for g, w in vocab.GROUPS.items()})
    if name == "shots":
        return charts.shot_map(
            data["shots"],
            {"goal": _("goal"), "shot": _("shot, no goal"), "title": _("Shots (marker size: xG)")},
        )
    if name == "actions":
        return charts.action_map(
            data["actions"],
            {
                "attack": _("attacking direction"),
                "touches": _("on-ball actions"),
                "defensive": _("tackles and interceptions"),
                "title": _("Action map"),
            },
        )
    raise ValueError(f"no chart {name!r}: {', '.join(chart_names(data))}")


def player_charts(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A player report's charts (PNG data URIs) in the reader's language: ``minutes`` by spell id,
    and ``pizza``, ``shots``, ``actions`` or a goalkeeper's ``goalkeeper_shots`` where the data has them."""
    out: dict[str, Any] = {"minutes": {}}
    for name in chart_names(data):
        if name.startswith("minutes-"):
            out["minutes"][int(name.removeprefix("minutes-"))] = draw_chart(data, lang, name)
        else:
            out[name] = draw_chart(data, lang, name)
    return out


def render_player_html(
    data: Mapping[str, Any], lang: str = "en", charts: Mapping[str, Any] | None = None
) -> str:
    """The report as HTML; ``charts``: :func:`player_charts`'s answer when the caller drew them
    already (the web app keeps them), else they are drawn here."""
    check_lang(lang)
    check_edition(data["edition"])
    env = environment(lang)
    return env.get_template("player.html.j2").render(
        d=data,
        player=data["player"],
        charts=player_charts(data, lang) if charts is None else charts,
        rec=_recommendation(lang, data.get("recommendation")),
        alerts=sorted(data.get("alerts") or [], key=lambda a: SEVERITY_ORDER.get(str(a.get("severity")), 3)),
        form=_form(data.get("form"), lang),
        word=lambda table, key: _word(lang, table, key),
        models_text=models_text(lang, data["models"].get("versions") or []),
    )


def _form(form: Any, lang: str) -> dict[str, Any] | None:
    """The tracking module's form trend (``Loanwatch.form``) in the reader's words: its verdict and
    its figures (the module's own sentence is English; the figures are rewritten here)."""
    if not isinstance(form, Mapping) or not form:
        return None
    tr, fmt = translations(lang), Formatter(lang)
    verdict = str(form.get("verdict") or "")
    sentences = []
    metric = str(form.get("metric") or "").upper()
    n = form.get("recent_matches")
    if form.get("recent_p90") is not None and form.get("baseline_shrunk_p90") is not None:
        sentences.append(
            tr.gettext(vocab.FORM_TREND)
            % {
                "metric": metric,
                "n": fmt.num(n),
                "recent": fmt.num(form.get("recent_p90"), 2),
                "rmin": fmt.num(form.get("recent_minutes")),
                "base": fmt.num(form.get("baseline_shrunk_p90"), 2),
                "bmin": fmt.num(form.get("baseline_minutes")),
                "role": _word(lang, vocab.ROLES, str(form.get("role") or "")),
                "change": fmt.num(form.get("change_p90"), 2),
                "z": fmt.num(form.get("z"), 1),
            }
        )
    elif verdict == "not for goalkeepers":
        sentences.append(tr.gettext(vocab.FORM_KEEPER))
    elif form.get("recent_minutes") is not None and n:
        sentences.append(
            tr.gettext(vocab.FORM_SHORT)
            % {
                "n": fmt.num(n),
                "rmin": fmt.num(form.get("recent_minutes")),
                "bmin": fmt.num(form.get("baseline_minutes")),
            }
        )
    return {
        "verdict": _word(lang, vocab.FORM_VERDICTS, verdict) if verdict else "",
        "sentences": sentences,
        "method": tr.gettext(vocab.FORM_METHOD),
        "club": form.get("club") or "",
    }


PRINT_CSS = Path(__file__).resolve().parent / "templates" / "print.css"


def to_pdf(html: str) -> bytes:
    """The HTML on A4 pages, with the running footer and page numbers of ``templates/print.css``."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(  # type: ignore[no-any-return]
        stylesheets=[_print_css()]
    )


@cache
def _print_css() -> Any:
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS))


def render_player(
    data: Mapping[str, Any], lang: str = "en", fmt: str = "html", charts: Mapping[str, Any] | None = None
) -> bytes:
    html = render_player_html(data, lang, charts)
    return to_pdf(html) if check_format(fmt) == "pdf" else html.encode("utf-8")


def report_filename(name: str, lang: str = "en", edition: str = "coach", fmt: str = "html") -> str:
    """``riccardo-orsolini.html`` for the English coach's edition, else with the language and the
    edition: ``riccardo-orsolini.it.director.pdf``."""
    from loanwatch.portfolio.names import normalize_name

    slug = re.sub(r"\s+", "-", normalize_name(name)) or "player"
    parts = [slug] + ([lang] if lang != "en" else []) + ([edition] if edition != "coach" else [])
    return ".".join(parts) + f".{fmt}"


def write_player_report(data: Mapping[str, Any], out_dir: Path, lang: str = "en", fmt: str = "html") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_filename(data["player"]["name"], lang, data["edition"], fmt)
    path.write_bytes(render_player(data, lang, fmt))
    return path


# -- the weekly digest -----------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def digest_context(
    digest: Mapping[str, Any] | Digest, edition: str = "coach", warnings: Mapping[int, Any] | None = None
) -> dict[str, Any]:
    """The digest's rows as the template reads them; alerts first, most severe first.

    ``digest``: ``week_start``, ``week_end`` (dates), optional ``as_of``, ``players`` (one dict per
    loanee: ``name``, ``host_club``, ``competition``, ``matches``, ``appearances``, ``starts``,
    ``minutes``, ``available_minutes``, ``goals``, ``assists``, optional ``form`` (dict with
    ``verdict``) and ``alerts``), and optional ``alerts`` (dicts with ``player``, ``kind``,
    ``severity``, ``title``, ``raised_on``, ``status``). Alerts given only per player are
    collected; in the coach's edition alerts about contract terms are left out. ``warnings``: the
    stored data-quality warnings by match id (``Store.match_warnings``), shown beside the week's matches."""
    from loanwatch.reports.data import edition_alerts

    check_edition(edition)
    if not isinstance(digest, Mapping):
        digest = _digest_from_tracking(digest)
    from loanwatch.reports.data import read_warnings

    by_match = {int(k): read_warnings(v) for k, v in (warnings or {}).items()}
    warning_notes: list[dict[str, Any]] = []
    players = [dict(p) for p in digest.get("players") or []]
    alerts = [dict(a) for a in digest.get("alerts") or []]
    if not alerts:
        for p in players:
            for a in p.get("alerts") or []:
                alerts.append({"player": p.get("name", ""), **dict(a)})
    alerts = edition_alerts(alerts, edition)
    alerts.sort(key=lambda a: (SEVERITY_ORDER.get(str(a.get("severity")), 3), str(a.get("player", ""))))
    for p in players:
        available = p.get("available_minutes") or 0
        p["share"] = (p.get("minutes") or 0) / available if available else None
        p["alert_count"] = sum(1 for a in alerts if a.get("player") == p.get("name"))
        form = p.get("form")
        p["form_words"] = str(form.get("verdict") or "") if isinstance(form, Mapping) else str(form or "")
        week = []
        for m in p.get("week") or []:
            found = by_match.get(int(m["match_id"]), []) if m.get("match_id") is not None else []
            marks = []
            for w in found:
                warning_notes.append(
                    {"player": p.get("name", ""), "kickoff": _as_date(m.get("kickoff")), **w}
                )
                marks.append(len(warning_notes))
            week.append({**m, "marks": marks})
        p["week"] = week
    players.sort(key=lambda p: (-p["alert_count"], str(p.get("name", ""))))
    return {
        "week_start": _as_date(digest.get("week_start")),
        "week_end": _as_date(digest.get("week_end")),
        "as_of": _as_date(digest.get("as_of")),
        "players": players,
        "alerts": [{**a, "raised_on": _as_date(a.get("raised_on"))} for a in alerts],
        "edition": edition,
        "warnings": warning_notes,
    }


def digest_match_ids(digest: Any) -> list[int]:
    """The ids of the week's matches in a tracking ``Digest`` (to look up their warnings)."""
    return [
        int(ln.match_id)
        for e in getattr(digest, "entries", [])
        for ln in e.matches
        if ln.match_id is not None
    ]


def _digest_from_tracking(digest: Any) -> dict[str, Any]:
    """``Loanwatch.digest``'s ``Digest`` (tracking/digest.py) as the mapping :func:`digest_context` reads."""
    players: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    for e in digest.entries:
        season = e.season
        name = e.player_name
        players.append(
            {
                "name": name,
                "watchlist": e.watchlist,
                "host_club": e.club,
                "owner": (e.spell or {}).get("parent_club") or "" if e.watchlist is None else "",
                "week": [
                    {
                        "status": ln.status.value,
                        "minutes": ln.minutes,
                        "match_id": ln.match_id,
                        "kickoff": ln.kickoff,
                    }
                    for ln in e.matches
                ],
                "matches": season.matches if season else 0,
                "appearances": season.appearances if season else 0,
                "starts": season.starts if season else 0,
                "minutes": season.minutes if season else 0,
                "available_minutes": season.available_minutes if season else 0,
                "goals": season.goals if season else 0,
                "assists": season.assists if season else 0,
                "form": getattr(e, "form", None),  # the spell's trend verdict (tracking/assessment.py)
            }
        )
        alerts.extend({"player": name, **a} for a in e.alerts)
    return {
        "week_start": digest.start,
        "week_end": digest.end,
        "as_of": digest.as_of,
        "players": players,
        "alerts": alerts,
    }


def render_digest(
    digest_data: Mapping[str, Any] | Digest,
    lang: str = "en",
    fmt: str = "pdf",
    edition: str = "coach",
    warnings: Mapping[int, Any] | None = None,
) -> bytes:
    """The weekly portfolio digest (one A4 page, every loanee, alerts first) as PDF or HTML bytes;
    ``warnings``: data-quality warnings by match id, shown beside the week's matches."""
    check_lang(lang)
    check_format(fmt)
    html = (
        environment(lang)
        .get_template("digest.html.j2")
        .render(
            g=digest_context(digest_data, edition, warnings),
            word=lambda table, key: _word(lang, table, key),
            generated=datetime.now(),
        )
    )
    return to_pdf(html) if fmt == "pdf" else html.encode("utf-8")
