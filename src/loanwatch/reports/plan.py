"""The market plan as a document (HTML, and PDF through the reports' WeasyPrint pipeline), in the
reader's language: the decisions, the squad and the rules before and after them, one decision card
per loanee. Formats what the plan service gathered (``services/plan.py``: ``MarketPlan.document()``,
plain data as the edition's role may see it); reads nothing itself.

Each card shows the report's recommendation as the player's report shows it (``render.say``: the
same reasons in the same words) and where each figure comes from (:func:`source_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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
    "candidate": N_(
        "%(name)s: his %(season)s season profile in %(competition)s (%(club)s, %(matches)s matches, "
        "%(minutes)s minutes), stored by the models' training, against %(peers)s players of his role; "
        "figures adjusted to %(league)s."
    ),
    "depth": N_(
        "Rank: against the %(of)s players of his role at %(owner)s next season, on their %(season)s "
        "figures; his: %(matches)s matches, %(minutes)s minutes at %(club)s, adjusted to %(league)s."
    ),
}
STANDING = N_(
    "Next season at %(owner)s, among the %(of)s players of his role (%(role)s): rank %(vaep)s on VAEP "
    "per 90, rank %(xgxa)s on minutes-weighted xG+xA."
)
STANDING_NONE = N_("No VAEP, xG or xA for him last season: no rank among the owner's players of his role.")
AHEAD = N_("Ahead of him on VAEP per 90: %(names)s.")
OUTLOOK = N_("Next season without a decision: %(status)s.")
ROLE_SOURCES = {
    "squad_file": N_("Role: from the club's squad file (no match of his in the data)."),
    "provider": N_("Role: from the provider's player record (no match of his in the data)."),
}
SIGN_INSTEAD = N_("Whom to sign instead")
CANDIDATE_SEARCH = N_(
    "The closest to him by output among %(pool)s players of his role (%(role)s) in %(season)s, not at "
    "%(owner)s, %(ages)s, with %(minutes)s minutes or more: per-90 percentiles in the role across the "
    "season's competitions (%(peers)s players), adjusted to %(league)s."
)
AGE_CAP = N_("aged %(age)s or under on 1 July (he is %(his)s)")
AGE_ANY = N_("of any age (his own is not known)")
NO_CANDIDATES = {
    "no_figures": N_(
        "Whom to sign instead: no match of his last season in the data, nobody to compare him with."
    ),
    "no_role": N_("Whom to sign instead: his role is not known, nobody to compare him with."),
    "no_output": N_("Whom to sign instead: no output figures (the models are not trained)."),
    "no_pool": N_("Whom to sign instead: nobody of his role qualifies (age, minutes, not the owner's)."),
}
CANDIDATE_RANK = N_("%(vaep)s / %(xgxa)s of %(of)s")
DESTINATION = N_("%(decision)s to %(club)s")  # a loan-out: where he goes
KEPT_HOST = N_("%(decision)s (at %(club)s)")  # an extension: the host he stays at


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


def count_text(
    lang: str, count: int, possible: int | None, limit: int | None, limit_at_most: int | None = None
) -> str:
    """What a rule counted: '17 / 25', '17–23 / 25' when some players cannot be told, '23–24 /
    18–25' when the limit itself depends on them (a list's places for the locally trained)."""
    fmt = Formatter(lang)
    counted = fmt.num(count) if possible in (None, count) else f"{fmt.num(count)}–{fmt.num(possible)}"
    if limit is None:
        return counted
    most = f"–{fmt.num(limit_at_most)}" if limit_at_most not in (None, limit) else ""
    return f"{counted} / {fmt.num(limit)}{most}"


def status_words(edition: str) -> Mapping[str, str]:
    """Next season's statuses in the edition's words: the coach's names no term (access.py)."""
    return vocab.DEPTH_STATUS if edition == "director" else vocab.DEPTH_STATUS_COACH


def count_words(edition: str) -> Mapping[str, str]:
    """The plan's counts in the edition's words: the coach's names no term (access.py)."""
    return vocab.PLAN_COUNTS if edition == "director" else vocab.PLAN_COUNTS_COACH


def change_word(lang: str, why: str, edition: str = "coach") -> str:
    """Why a player joins or leaves a role in the plan: the decision, else his status next season."""
    if why in vocab.DECISIONS:
        return translations(lang).gettext(vocab.DECISIONS[why]).lower()
    return _word(lang, status_words(edition), why)


def decision_word(lang: str, decision: str, destination: str | None = None) -> str:
    """A plan's decision in the reader's words, with where it sends the player: 'Loan out again to
    Bologna', 'Extend the loan (at Atalanta)', 'Sell'."""
    word = _word(lang, vocab.DECISIONS, decision)
    if not destination:
        return word
    message = KEPT_HOST if decision == "extend" else DESTINATION
    return translations(lang).gettext(message) % {"decision": word, "club": destination}


def standing_lines(lang: str, card: Mapping[str, Any], owner: str) -> list[str]:
    """Where a loanee would rank among the owner's players of his role next season, who is ahead
    of him, and his status next season without a decision, in the reader's words."""
    entry = card.get("standing")
    if not entry:
        return []
    tr, fmt = translations(lang), Formatter(lang)
    words = status_words(str(card.get("edition") or "coach"))
    lines = [tr.gettext(OUTLOOK) % {"status": _word(lang, words, str(entry["status"]))}]
    if entry.get("role_source") in ROLE_SOURCES:
        lines.append(tr.gettext(ROLE_SOURCES[str(entry["role_source"])]))
    if entry.get("rank_vaep") is None and entry.get("rank_xgxa") is None:
        lines.append(tr.gettext(STANDING_NONE))
        return lines
    lines.append(
        tr.gettext(STANDING)
        % {
            "owner": owner,
            "of": fmt.num(entry["of"]),
            "role": _word(lang, vocab.ROLES, str(entry.get("role") or "")),
            "vaep": fmt.num(entry.get("rank_vaep")),
            "xgxa": fmt.num(entry.get("rank_xgxa")),
        }
    )
    ahead = [
        f"{e['name']} ({fmt.num(e['figures']['vaep_p90'], 2)})"
        for e in card.get("ahead") or []
        if e.get("figures")
    ]
    if ahead:
        lines.append(tr.gettext(AHEAD) % {"names": ", ".join(ahead)})
    return lines


def candidate_block(lang: str, card: Mapping[str, Any]) -> dict[str, Any]:
    """Whom to sign instead of a loanee, in the reader's words: the search (or why there is
    nobody) and one row per candidate (club, age, minutes, figures and their gap to the loanee's,
    the output distance, his rank among the owner's players of the role)."""
    tr, fmt = translations(lang), Formatter(lang)
    found = card.get("candidates") or []
    search = card.get("candidate_search")
    if not found:
        missing = NO_CANDIDATES.get(str(card.get("candidates_missing") or ""))
        return {"rows": [], "search": tr.gettext(missing) if missing else ""}
    p = (search or {}).get("params") or {}
    ages = (
        tr.gettext(AGE_CAP) % {"age": fmt.num(p["age"]), "his": fmt.num(p.get("his_age"))}
        if p.get("age") is not None
        else tr.gettext(AGE_ANY)
    )
    words = tr.gettext(CANDIDATE_SEARCH) % {
        "pool": fmt.num(p.get("pool")),
        "role": _word(lang, vocab.ROLES, str(p.get("role") or "")),
        "season": p.get("season", ""),
        "owner": p.get("owner", ""),
        "ages": ages,
        "minutes": fmt.num(p.get("minutes")),
        "peers": fmt.num(p.get("peers")),
        "league": p.get("league", ""),
    }

    def figure(value: float | None, gap: float | None) -> str:
        if value is None:
            return "–"
        return fmt.num(value, 2) + (
            "" if gap is None else f" ({'+' if gap >= 0 else '−'}{fmt.num(abs(gap), 2)})"
        )

    rows = []
    for c in found:
        st = c.get("standing") or {}
        f = st.get("figures") or {}
        rank = (
            tr.gettext(CANDIDATE_RANK)
            % {
                "vaep": fmt.num(st.get("rank_vaep")) if st.get("rank_vaep") is not None else "–",
                "xgxa": fmt.num(st.get("rank_xgxa")) if st.get("rank_xgxa") is not None else "–",
                "of": fmt.num(st.get("of")),
            }
            if st.get("of")
            else "–"
        )
        rows.append(
            {
                "name": c["player"]["display_name"],
                "club": c["club"],
                "competition": c["competition"],
                "age": fmt.num(c["age"]) if c.get("age") is not None else "?",
                "minutes": fmt.num(c["minutes"]),
                "vaep": figure(f.get("vaep_p90"), c.get("vaep_gap")),
                "xgxa": figure(f.get("xgxa_weighted"), c.get("xgxa_gap")),
                "distance": fmt.num(c["output_distance"], 1),
                "rank": rank,
                "source": source_text(lang, c["source"]),
            }
        )
    return {"rows": rows, "search": words}


def _card(lang: str, card: Mapping[str, Any], owner: str) -> dict[str, Any]:
    rec = card.get("recommendation")
    tr = translations(lang)
    return {
        **card,
        "standing_lines": standing_lines(lang, card, owner),
        "market": candidate_block(lang, card),
        "rec": _recommendation(lang, rec),
        "closed": [tr.gettext(vocab.OPTIONS[a.option]) for a in rec.options if a.stance == "closed"]
        if rec is not None
        else [],
        "source_lines": [t for t in (source_text(lang, s) for s in card.get("sources") or []) if t],
    }


def plan_context(data: Mapping[str, Any], lang: str = "en") -> dict[str, Any]:
    """What the plan's templates render (``MarketPlan.document()`` with its cards and helpers in
    ``lang``): the document's and the web page's one context."""
    check_lang(lang)
    check_edition(str(data["edition"]))
    return {
        "p": data,
        "cards": [_card(lang, c, str(data["owner"])) for c in data.get("cards") or []],
        "word": lambda table, key: _word(lang, table, key),
        "change_word": lambda why: change_word(lang, why, str(data["edition"])),
        "decision_word": lambda decision, to=None: decision_word(lang, decision, to),
        "count_words": count_words(str(data["edition"])),
        "count_text": lambda count, possible, limit, most=None: count_text(
            lang, count, possible, limit, most
        ),
        "generated": datetime.now(),
    }


def render_plan_html(data: Mapping[str, Any], lang: str = "en") -> str:
    """The plan (``MarketPlan.document()``) as HTML in ``lang``."""
    return environment(lang).get_template("plan.html.j2").render(**plan_context(data, lang))


def render_plan_body(
    data: Mapping[str, Any], lang: str = "en", tools: Callable[..., Any] | None = None
) -> str:
    """The plan's body (decisions, squad, counts, rules, cards: the document's own template and
    words) as an HTML fragment for a page; ``tools(kind, item)`` adds the page's forms (see
    ``_plan_body.html.j2``)."""
    extra = {"tools": tools} if tools is not None else {}
    return environment(lang).get_template("_plan_body.html.j2").render(**plan_context(data, lang), **extra)


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
