"""The HTML pages (server-rendered, readable without JavaScript; htmx for partial updates).

Every page depends on :data:`~loanwatch.web.deps.ServicesDep` (an anonymous visitor is sent to
``/login?next=...``) and renders through :func:`~loanwatch.web.templating.render`; every form
that changes something carries the CSRF token (``dependencies=[CSRF]`` on its route).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from loanwatch.web.deps import ServicesDep
from loanwatch.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(svc: ServicesDep) -> Response:
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/portfolio")
def portfolio(request: Request, svc: ServicesDep) -> Response:
    return render(request, "portfolio.html", spells=svc.portfolio.loan_spells())
