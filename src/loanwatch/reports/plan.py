"""The market plan as a document (HTML, and PDF through the reports' WeasyPrint pipeline), in the
reader's language: the decisions, the squad and the rules before and after them, one decision card
per loanee. Formats what the plan service gathered (``services/plan.py``: ``MarketPlan.document()``,
plain data as the edition's role may see it); reads nothing itself.

Each card shows the report's recommendation as the player's report shows it (``render.say``: the
same reasons in the same words) and where each figure comes from (:func:`source_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from loanwatch.reports import vocab
from loanwatch.reports.data import check_edition
from loanwatch.reports.i18n import N_, Formatter, check_lang, translations
from loanwatch.reports.render import _recommendation, _word, check_format, environment, to_pdf

SOURCE_TEXTS = {
    "matches": N_(
        "Minutes and matches: %(matches)s matches of %(club)s in %(competition)s, %(first)s to %(last)s "
        "(Wyscout match sheets and events)."
    ),
    "loan": N_("Loan and terms: the loan list %(file)s, row %(row)s."),
    "profile": N_(
        "Profile: against %(peers)s players in his role (%(role)s) in %(competition)s %(season)s with "
        "%(minutes)s minutes or more."
    ),
    "depth": N_(
        "Rank in his role: the owner's players of his role in the squad chart of %(season)s (%(basis)s)."
    ),
}


def source_text(lang: str, source: Mapping[str, Any]) -> str:
    """A card's source (``CardSource``: what, params) in the reader's words; '' for an unknown kind."""
    message = SOURCE_TEXTS.get(str(source.get("what") or ""))
    if message is None:
        return ""
    fmt = Formatter(lang)
    values: dict[str, str] = {}
    for name, value in (source.get("params") or {}).items():
        if isinstance(value, datetime | date):
            values[name] = fmt.date(value)
        elif isinstance(value, bool):
            values[name] = str(value)
        elif isinstance(value, int | float):
            values[name] = fmt.num(value)
        elif name == "role":
            values[name] = _word(lang, vocab.ROLES, str(value))
        else:
            values[name] = str(value)
    try:
        return translations(lang).gettext(message) % values
    except (KeyError, TypeError):
        return ""


def _card(lang: str, card: Mapping[str, Any]) -> dict[str, Any]:
    rec = card.get("recommendation")
    tr = translations(lang)
    return {
        **card,
        "rec": _recommendation(lang, rec),
        "closed": [tr.gettext(vocab.OPTIONS[a.option]) for a in rec.options if a.stance == "closed"]
        if rec is not None
        else [],
        "source_lines": [t for t in (source_text(lang, s) for s in card.get("sources") or []) if t],
    }


def render_plan_html(data: Mapping[str, Any], lang: str = "en") -> str:
    """The plan (``MarketPlan.document()``) as HTML in ``lang``."""
    check_lang(lang)
    check_edition(str(data["edition"]))
    return (
        environment(lang)
        .get_template("plan.html.j2")
        .render(
            p=data,
            cards=[_card(lang, c) for c in data.get("cards") or []],
            word=lambda table, key: _word(lang, table, key),
            generated=datetime.now(),
        )
    )


def render_plan(data: Mapping[str, Any], lang: str = "en", fmt: str = "pdf") -> bytes:
    html = render_plan_html(data, lang)
    return to_pdf(html) if check_format(fmt) == "pdf" else html.encode("utf-8")


def plan_filename(owner: str, season: str, lang: str = "en", edition: str = "coach", fmt: str = "pdf") -> str:
    """``plan-juventus-2018-19.pdf`` for the English coach's edition, else with the language and the
    edition, as the player reports are named: ``plan-juventus-2018-19.it.director.pdf``."""
    from loanwatch.portfolio.names import normalize_name

    slug = re.sub(r"[^a-z0-9]+", "-", normalize_name(f"{owner} {season}")).strip("-") or "plan"
    parts = [f"plan-{slug}"] + ([lang] if lang != "en" else []) + ([edition] if edition != "coach" else [])
    return ".".join(parts) + f".{fmt}"
