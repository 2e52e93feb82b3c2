"""Errors as the user reads them: the tree of ``loanwatch.errors`` (each class carries its HTTP
status) becomes JSON ``{"detail": ...}`` under /api/v1 and a page elsewhere; "not logged in" on a
page is a redirect to the login page. FastAPI's own validation errors are 422 with the fields
named. Anything else is a bug: logged with its traceback on the server, answered with a plain 500
(never the traceback). A ``ValueError`` of a service names an argument it cannot use: 422."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from loanwatch.errors import LoanwatchError, NotAuthenticated, TooManyAttempts
from loanwatch.reports.i18n import N_
from loanwatch.web.templating import gettext_for, render

log = logging.getLogger("loanwatch.web")


class Error(BaseModel):
    """Every error of the JSON API: one readable message (it names the player, the field, the role)."""

    detail: str


TITLES = {
    400: N_("Bad request"),
    401: N_("Log in first"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Several match"),
    422: N_("Cannot be used as given"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The store is not available"),
    507: N_("The store is full"),
}
INTERNAL = N_("An unexpected error: it is logged on the server. Try again, or tell the administrator.")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path == "/openapi.json"
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    gettext, _ = gettext_for(_lang(request))
    title = gettext(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]))
    response = render(request, "error.html", status_code=status, title=title, message=message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _lang(request: Request) -> str:
    try:
        from loanwatch.web.deps import prefs

        return prefs(request).lang
    except Exception:  # an error page must render whatever failed
        return "en"


async def loanwatch_error(request: Request, err: Exception) -> Response:
    assert isinstance(err, LoanwatchError)
    headers: dict[str, str] = {}
    if isinstance(err, NotAuthenticated):
        if not wants_json(request) and request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(err, TooManyAttempts):
        headers["Retry-After"] = str(err.retry_after)
    if err.http_status >= 500:
        log.error("%s on %s %s: %s", type(err).__name__, request.method, request.url.path, err)
    return answer(request, err.http_status, str(err), headers)


async def http_error(request: Request, err: Exception) -> Response:
    assert isinstance(err, StarletteHTTPException)
    gettext, _ = gettext_for(_lang(request))
    detail = err.detail if isinstance(err.detail, str) else gettext(TITLES.get(err.status_code, TITLES[400]))
    return answer(request, err.status_code, detail, dict(err.headers or {}))


async def validation_error(request: Request, err: Exception) -> Response:
    assert isinstance(err, RequestValidationError)
    problems = "; ".join(_problem(e) for e in err.errors())
    if wants_json(request):
        return JSONResponse({"detail": problems}, status_code=422)
    return answer(request, 422, problems)


def _problem(e: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form"))
    return f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid"))


async def unexpected_error(request: Request, err: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=err)
    gettext, _ = gettext_for(_lang(request))
    return answer(request, 500, gettext(INTERNAL))


async def value_error(request: Request, err: Exception) -> Response:
    """A service's ValueError names an argument it cannot use (an unknown owner, an empty reason)."""
    return answer(request, 422, str(err))


LOCAL_TIME = (
    "a date and time without an offset (YYYY-MM-DDTHH:MM:SS): a match's kickoff as the provider "
    "gives it; the server's local time for logins, the audit log and users"
)


def _local_times(node: Any) -> None:
    """``format: date-time`` (RFC 3339: with an offset) -> ``local-date-time``: the store keeps
    times without an offset, and the document says so."""
    if isinstance(node, dict):
        if node.get("format") == "date-time":
            node["format"] = "local-date-time"
            node.setdefault("description", LOCAL_TIME)
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def error_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document as the API answers: FastAPI's validation error (a list) as one
    ``detail`` message like every other error; times without an offset said so."""
    _local_times(spec)
    schemas = spec.get("components", {}).get("schemas", {})
    if "HTTPValidationError" in schemas:
        schemas["HTTPValidationError"] = {
            "title": "HTTPValidationError",
            "type": "object",
            "properties": {"detail": {"title": "Detail", "type": "string"}},
            "required": ["detail"],
        }
        schemas.pop("ValidationError", None)
    return spec


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoanwatchError, loanwatch_error)
    app.add_exception_handler(ValueError, value_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
