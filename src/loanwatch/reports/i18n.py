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


class Formatter:
    """Numbers, money and dates as the reader writes them (Babel, CLDR data)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = Locale.parse(LOCALES[lang])

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
        """A country as the provider names it in English (Wyscout: "Italy"), in the reader's language."""
        code = _english_territories().get(name.strip().lower())
        return str(self.locale.territories.get(code, name)) if code else name

    def short_date(self, value: dt.date | dt.datetime) -> str:
        """Day and month, for chart axes and match tables (e.g. 24 Jan, 24 gen, 24 janv.)."""
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="d MMM", locale=self.locale)


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract_messages() -> list[str]:
    """Every message of the reports' code (``N_``) and templates (``_``), in source order."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**.py", "python"), ("templates/**.j2", "jinja2.ext:babel_extract")]
    options = {
        "templates/**.j2": {
            "extensions": "jinja2.ext.i18n",
            "newstyle_gettext": "true",
            "trim_blocks": "true",
        }
    }
    root = Path(__file__).resolve().parent
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), method_map, options, keywords=KEYWORDS
    ):
        found.setdefault(message if isinstance(message, str) else message[0], None)
    return list(found)


def main() -> None:
    for lang in LANGUAGES:
        compile_catalog(lang)
        print(f"compiled {LOCALE_DIR / lang / 'LC_MESSAGES' / DOMAIN}.mo")


if __name__ == "__main__":
    main()
