"""One Jinja2 environment for the pages: :func:`render` adds what every page shows (the user, the
CSRF token, his language and as-of date, ``_()`` / ``ngettext()`` in his language).

The web's words live where the reports' do, in the Babel catalogs of
``loanwatch/reports/locale/<lang>/LC_MESSAGES/messages.po`` (one home for reader-facing words;
``reports.i18n.extract_messages`` reads the web templates and modules too). Templates write
``{{ _("Log in") }}`` or ``{% trans %}...{% endtrans %}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from loanwatch.reports.i18n import LANGUAGES, N_, translations
from loanwatch.web.deps import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_token, prefs, viewer

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
)
LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "fr": "Français"}
ROLE_NAMES = {  # access.Role, as a reader names it
    "admin": N_("administrator"),
    "director": N_("sporting director"),
    "coach": N_("coach"),
    "scout": N_("scout"),
    "analyst": N_("analyst"),
}


def gettext_for(lang: str) -> tuple[Any, Any]:
    tr = translations(lang)
    return tr.gettext, tr.ngettext


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """The page ``template`` for this request's user, in his language."""
    chosen = prefs(request)
    gettext, ngettext = gettext_for(chosen.lang)
    found = viewer(request)
    token = csrf_token(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "user": found.account if found is not None else None,
            "csrf_token": token,
            "csrf_field": CSRF_FIELD,
            "csrf_header": CSRF_HEADER,
            "lang": chosen.lang,
            "as_of": chosen.as_of,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "role_name": gettext(ROLE_NAMES[found.account.role]) if found is not None else "",
            "_": gettext,
            "gettext": gettext,
            "ngettext": ngettext,
            **context,
        },
        status_code=status_code,
    )
    if found is None and request.cookies.get(CSRF_COOKIE) != token:
        # the login form's token, before there is a session (double submit)
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/"
        )
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def secure(request: Request) -> bool:
    """Cookies are ``Secure`` on HTTPS, and always with the setting ``secure_cookies``."""
    settings = request.app.state.web.settings
    return request.url.scheme == "https" or bool(settings.secure_cookies)
