"""What the routes depend on: the logged-in user, the services acting as him, CSRF, preferences.

- :func:`current_user`: the user of the request, from the session cookie (pages, htmx) or a
  bearer token (scripts: ``Authorization: Bearer ...``). Without either, a
  :class:`~loanwatch.errors.NotAuthenticated`: a page answers with a redirect to
  ``/login?next=...``, ``/api/v1`` with 401 JSON (``web/errors.py``).
- :func:`services`: ``loanwatch.services.Services`` acting as that user (his name and role: the
  access rule of the services applies), from the client's address (the audit log).
- :func:`csrf_token` and :func:`verify_csrf`: every state-changing request sent with the session
  cookie carries the token, as the form field ``csrf_token`` or the header ``X-CSRF-Token`` (htmx:
  ``hx-headers`` on ``<body>``). A request with a bearer token carries no cookie: no CSRF check.
- :func:`prefs`: the user's language (it, en, fr) and as-of date, kept per user in the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from loanwatch.access import Role, role_of
from loanwatch.errors import Forbidden, NotAuthenticated
from loanwatch.services import Context, Services, User
from loanwatch.services.context import Caches
from loanwatch.services.models import UserAccount
from loanwatch.settings import Settings

SESSION_COOKIE = "loanwatch_session"
CSRF_COOKIE = "loanwatch_csrf"  # before login: the login form's token (double submit)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_FORMS = frozenset({"/login"})  # checked before anyone is logged in
# The services' read caches (the store's match index, per-match stats) are shared by every request
# and renewed this often, so what another program writes (an ingest from the command line) shows.
CACHE_SECONDS = 60.0
ANONYMOUS = User("anonymous", Role.COACH)  # who logs in: he sees nothing before he is known


class WebState:
    """What the app holds for its life: the settings, the store (opened once), the shared caches."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base = Context.open(settings.store, settings=settings)  # migrates the store
        self._caches = Caches()
        self._born = time.monotonic()

    def caches(self) -> Caches:
        if time.monotonic() - self._born > CACHE_SECONDS:
            self._caches, self._born = Caches(), time.monotonic()
        return self._caches

    def context(self, user: User, origin: str = "") -> Context:
        """One context per request, acting as ``user``."""
        base = self.base
        return Context(base.store, self.settings, user, url=base.url, caches=self.caches(), origin=origin)


@dataclass(frozen=True)
class Viewer:
    """The user of a request and how he is known: ``via`` session (cookie) or token (bearer)."""

    account: UserAccount
    via: str
    secret: str

    @property
    def user(self) -> User:
        return User(self.account.name, role_of(self.account.role))


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def anonymous_services(request: Request) -> Services:
    """The services before anyone is known (the login): they may log in, nothing else."""
    return Services(state(request).context(ANONYMOUS, client_address(request)))


def bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def viewer(request: Request) -> Viewer | None:
    """The request's user, or None when anonymous (looked up once per request)."""
    if hasattr(request.state, "viewer"):
        found: Viewer | None = request.state.viewer
        return found
    found = None
    users = anonymous_services(request).users
    token = bearer(request)
    if token:
        found = Viewer(users.authenticate(token, "token"), "token", token)  # a bad token: 401, not anonymous
    else:
        secret = request.cookies.get(SESSION_COOKIE, "")
        if secret:
            try:
                found = Viewer(users.authenticate(secret, "session"), "session", secret)
            except NotAuthenticated:
                found = None
    request.state.viewer = found
    return found


def current_user(request: Request) -> Viewer:
    """The logged-in user; NotAuthenticated (a page: to /login; the API: 401) otherwise."""
    found = viewer(request)
    if found is None:
        raise NotAuthenticated("log in first (a session, or a bearer token from POST /api/v1/token)")
    return found


CurrentUser = Annotated[Viewer, Depends(current_user)]


def services(request: Request) -> Services:
    """The services acting as the logged-in user (NotAuthenticated when nobody is): a dependency
    (``ServicesDep``) or a plain call from a route."""
    user = current_user(request)
    return Services(state(request).context(user.user, client_address(request)))


ServicesDep = Annotated[Services, Depends(services)]


def csrf_token(request: Request) -> str:
    """The request's CSRF token: derived from the session id when logged in (it changes with the
    session), else the login form's random token (its cookie, set by :func:`ensure_csrf_cookie`)."""
    found = viewer(request)
    if found is not None and found.via == "session":
        return hmac.new(found.secret.encode(), b"csrf", hashlib.sha256).hexdigest()
    token = getattr(request.state, "new_csrf", None) or request.cookies.get(CSRF_COOKIE, "")
    if not token:
        token = request.state.new_csrf = secrets.token_urlsafe(24)
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Refuse (403) a state-changing request sent with the session cookie whose CSRF token is
    missing or wrong; and the login form's, against its cookie (no logging in a victim as the
    attacker). A request with no session (a bearer token, nobody) has nothing to forge: the route
    answers 401 when it needs a user. Reading the form here leaves it to the route (Starlette
    keeps it)."""
    if request.method in SAFE_METHODS or bearer(request):
        return
    logged_in = viewer(request)
    if logged_in is None and request.url.path not in LOGIN_FORMS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and "form" in request.headers.get("content-type", ""):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    expected = csrf_token(request) if (logged_in or request.cookies.get(CSRF_COOKIE)) else ""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")


CSRF = Depends(verify_csrf)


@dataclass(frozen=True)
class Prefs:
    lang: str
    as_of: date | None


def prefs(request: Request) -> Prefs:
    """The user's language and as-of date (English and the latest data before login)."""
    found = viewer(request)
    if found is None:
        return Prefs("en", None)
    return Prefs(found.account.lang, found.account.as_of)


PrefsDep = Annotated[Prefs, Depends(prefs)]
