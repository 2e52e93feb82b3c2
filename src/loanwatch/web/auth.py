"""Logging in and out, the user's preferences, and API tokens.

- ``GET /login``, ``POST /login`` (form ``username``, ``password``, ``csrf_token``, ``next``): a
  new session id at each login (an id the browser held before is ended: no session fixation),
  cookie ``HttpOnly``, ``SameSite=Lax``, ``Secure`` on HTTPS (or with the setting
  ``secure_cookies``); failed logins are throttled (services/users.py: 429).
- ``POST /logout``: the session ends on the server.
- ``POST /prefs`` (form ``lang``, ``as_of``, ``next``): the user's language and as-of date.
- ``POST /api/v1/token``: the OAuth2 password flow (form ``username``, ``password``) ->
  ``{"access_token": ..., "token_type": "bearer"}``, for scripts; the token expires (the setting
  ``token_hours``) and is stored hashed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from starlette.responses import Response

from loanwatch.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from loanwatch.web.deps import (
    CSRF,
    CSRF_COOKIE,
    SESSION_COOKIE,
    ServicesDep,
    anonymous_services,
    viewer,
)
from loanwatch.web.errors import Error
from loanwatch.web.templating import render, secure

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only (never another site: an open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query's name
    if viewer(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next))


@router.post("/login", include_in_schema=False, dependencies=[CSRF])
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",  # noqa: A002 - the form field's name
) -> Response:
    users = anonymous_services(request).users
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        users.logout(old)  # the id the browser brought is never the one it leaves with
    try:
        opened = users.login(username, password, "session")
    except (NotAuthenticated, TooManyAttempts) as err:
        status = err.http_status
        response = render(
            request, "login.html", status_code=status, error=str(err), next=safe_next(next), username=username
        )
        if isinstance(err, TooManyAttempts):
            response.headers["Retry-After"] = str(err.retry_after)
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, opened.secret, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False, dependencies=[CSRF])
def logout(request: Request) -> Response:
    found = viewer(request)
    if found is not None and found.via == "session":
        anonymous_services(request).users.logout(found.secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def parse_as_of(value: str | None) -> date | None:
    """An as-of date from a form or query (YYYY-MM-DD; empty: the latest data)."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"as-of date {value!r}: not a date (YYYY-MM-DD)") from None


@router.post("/prefs", include_in_schema=False, dependencies=[CSRF])
def set_prefs(
    svc: ServicesDep,
    lang: Annotated[str, Form()],
    as_of: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002 - the form field's name
) -> Response:
    svc.users.set_prefs(lang, parse_as_of(as_of))
    return RedirectResponse(safe_next(next), status_code=303)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds


@router.post(
    "/api/v1/token",
    response_model=Token,
    tags=["auth"],
    summary="An API token (OAuth2 password flow)",
    responses={
        401: {"model": Error, "description": "wrong user name or password"},
        429: {"model": Error, "description": "too many failed logins: wait (Retry-After)"},
    },
)
def token(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Token:
    """Form fields ``username`` and ``password``; send the token as ``Authorization: Bearer ...``.
    A wrong (or empty) name or password: 401."""
    opened = anonymous_services(request).users.login(username, password, "token")
    hours = request.app.state.web.settings.token_hours
    return Token(access_token=opened.secret, expires_in=int(hours) * 3600)
