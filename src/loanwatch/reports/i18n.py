"""Languages of the reports: Babel catalogs, and numbers and dates in the reader's locale.

Every word a reader sees is a message of ``locale/<lang>/LC_MESSAGES/messages.po`` (English source
strings, Italian / English / French translations as clubs write them). Code marks its messages with
:func:`N_` (a no-op that extraction recognises) and the templates with ``{% trans %}`` / ``_()``;
``tests/test_reports_i18n.py`` extracts both and checks that every catalog translates every message.

The compiled ``.mo`` files are build products: :func:`translations` compiles a catalog whose
``.mo`` is missing or older than its ``.po`` (a fresh clone, an edited catalog) and keeps the
result in memory when the package folder is read-only. ``python -m loanwatch.reports.i18n``
compiles all three.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: tuple[str, ...] = ("it", "en", "fr")
# The reader's locale for each report language: English reports follow British usage (day month year).
LOCALES = {"it": "it_IT", "en": "en_GB", "fr": "fr_FR"}
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - the gettext convention
    """Mark a counted message (singular, plural) for extraction; see :meth:`Formatter.n_`."""
    return singular, plural


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}: one of {', '.join(LANGUAGES)}")
    return lang


def compile_catalog(lang: str) -> bytes:
    """The ``.mo`` bytes of a language's catalog; written beside the ``.po`` when possible."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    data = buf.getvalue()
    with contextlib.suppress(OSError):  # a read-only install: the catalog is used from memory
        # Atomic: parallel test workers (or reports) may compile the same catalog at once, and a
        # reader must never see a half-written file.
        tmp = po.with_suffix(f".mo.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, po.with_suffix(".mo"))
    return data


@cache
def translations(lang: str) -> Translations:
    check_lang(lang)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:
        data = compile_catalog(lang)
    return Translations(io.BytesIO(data), domain=DOMAIN)


@lru_cache(maxsize=1)
def _english_territories() -> dict[str, str]:
    return {str(v).lower(): k for k, v in Locale.parse("en").territories.items()}


# Areas that are not ISO territories: Wyscout codes the home nations with its own alpha-3 codes
# (and no alpha-2); their names are catalog messages. Kosovo is CLDR's XK.
HOME_NATIONS = {
    "XEN": N_("England"),
    "XSC": N_("Scotland"),
    "XWA": N_("Wales"),
    "XNI": N_("Northern Ireland"),
}
AREA_ALIASES = {"XKS": "XK"}
# Wyscout's English area names that CLDR spells otherwise.
AREA_NAMES = {
    "congo dr": "CD",
    "korea republic": "KR",
    "korea dpr": "KP",
    "côte d'ivoire": "CI",
    "ivory coast": "CI",
    "usa": "US",
    "united states": "US",
    "bosnia-herzegovina": "BA",
    "cape verde islands": "CV",
    "macedonia fyr": "MK",
    "curaçao": "CW",
    "kosovo": "XK",
    "chinese taipei": "TW",
    "hong kong": "HK",
    "republic of ireland": "IE",
    "czech republic": "CZ",
    "china pr": "CN",
    "trinidad and tobago": "TT",
    "ireland republic": "IE",
    "turkey": "TR",
    "congo": "CG",
    "reunion": "RE",
    "são tomé e príncipe": "ST",
}


def area_code(value: str | None) -> str:
    """An area as a code: ISO alpha-2 ('BE'), or a home nation's Wyscout code ('XEN'), from a code
    or an English name as the provider writes it ('Belgium', 'England', 'Congo DR'); '' if unknown."""
    text = (value or "").strip()
    if not text:
        return ""
    if "\\u" in text:  # Wyscout's files carry some names as literal escapes: C\\u00f4te d'Ivoire
        text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    upper = text.upper()
    if upper in HOME_NATIONS:
        return upper
    if upper in AREA_ALIASES:
        return AREA_ALIASES[upper]
    if len(upper) == 2 and upper.isalpha() and upper in Locale.parse("en").territories:
        return upper
    lower = text.lower()
    for code, name in HOME_NATIONS.items():
        if lower == name.lower():
            return code
    return AREA_NAMES.get(lower) or _english_territories().get(lower, "")


class Formatter:
    """Numbers, money and dates as the reader writes them (Babel, CLDR data)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = Locale.parse(LOCALES[lang])

    def n_(self, singular: str, plural: str, n: float | int | None, **values: Any) -> str:
        """A counted phrase in the reader's plural form (the catalog's Plural-Forms), its number
        (``%(n)s``) and the other values formatted in his locale: "1 goal", "2 gol", "1 but"."""
        count = int(n or 0)
        text = translations(self.lang).ngettext(singular, plural, count)
        return text % {"n": self.num(n), **values}

    def num(self, value: float | int | None, digits: int = 0) -> str:
        if value is None or value != value:  # None or NaN
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=fmt, locale=self.locale)

    def pct(self, share: float | None, digits: int = 0) -> str:
        """A share (0-1) as a percentage."""
        if share is None or share != share:
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(share, format=fmt, locale=self.locale)

    def money(self, eur: int | float | None) -> str:
        if eur is None:
            return "–"
        pattern = copy.copy(self.locale.currency_formats["standard"])
        pattern.frac_prec = (0, 0)  # fees are whole euros
        return pattern.apply(eur, self.locale, currency="EUR", currency_digits=False)

    def date(self, value: dt.date | dt.datetime | None, form: str = "medium") -> str:
        if value is None:
            return "–"
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format=form, locale=self.locale)

    def country(self, name: str) -> str:
        """A country, as a code ('BE', 'XEN') or as the provider names it in English ('Italy',
        'England'), in the reader's language: 'Belgique', 'Angleterre'."""
        code = area_code(name)
        if code in HOME_NATIONS:
            return translations(self.lang).gettext(HOME_NATIONS[code])
        return str(self.locale.territories.get(code, name)) if code else name

    def short_date(self, value: dt.date | dt.datetime) -> str:
        """Day and month, for chart axes and match tables (e.g. 24 Jan, 24 gen, 24 janv.)."""
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="d MMM", locale=self.locale)


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "NP_": (1, 2), "n_": (1, 2)}


def extract_messages() -> list[str]:
    """Every message of the reports' and the web app's code (``N_``) and templates (``_``), in
    source order; the counted ones (``ngettext``, ``NP_``) are :func:`extract_plural_messages`."""
    return [m for m in _extract() if isinstance(m, str)]


def extract_plural_messages() -> list[tuple[str, str]]:
    """Every counted message (singular, plural): ``ngettext`` / ``NP_`` in code and templates."""
    return [m for m in _extract() if isinstance(m, tuple)]


# Where reader-facing words are written: the reports (code, templates) and the web app's pages
# (loanwatch/web: code and templates, a sibling folder read as files, not imported). One catalog.
SOURCES: tuple[tuple[Path, str], ...] = (
    (Path(__file__).resolve().parent, "templates/**.j2"),
    (Path(__file__).resolve().parents[1] / "web", "templates/**.html"),
)


@cache
def _extract() -> tuple[str | tuple[str, str], ...]:
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, str], None] = {}
    for root, templates in SOURCES:
        if not root.is_dir():
            continue
        method_map = [("**.py", "python"), (templates, "jinja2.ext:babel_extract")]
        options = {
            templates: {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true"}
        }
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options, keywords=KEYWORDS
        ):
            found.setdefault(message if isinstance(message, str) else (message[0], message[1]), None)
    return tuple(found)


def main() -> None:
    for lang in LANGUAGES:
        compile_catalog(lang)
        print(f"compiled {LOCALE_DIR / lang / 'LC_MESSAGES' / DOMAIN}.mo")


if __name__ == "__main__":
    main()
