"""The app factory: ``create_app(settings)`` opens the store once (migrated to the newest schema)
and serves the pages, the JSON API (/api/v1, /openapi.json, /docs) and the static files.

Run it with ``loanwatch serve`` (uvicorn), or ``uvicorn --factory loanwatch.web.app:app_from_env``
with the settings from the environment and loanwatch.toml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from loanwatch.settings import Settings
from loanwatch.web import api_v1, auth, docs, errors, pages, plan_pages
from loanwatch.web.deps import WebState

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("loanwatch")
    except PackageNotFoundError:
        return "0"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web app over the settings' store (``Settings.load()`` when not given)."""
    chosen = settings if settings is not None else Settings.load()
    app = FastAPI(
        title="loanwatch",
        version=_version(),
        description="The loan department's players on loan, from real match data. "
        "Log in with POST /api/v1/token (OAuth2 password flow) and send the bearer token.",
        docs_url=None,  # /docs is docs.py's local page: no Swagger UI from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.web = WebState(chosen)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth.router)
    app.include_router(api_v1.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.include_router(plan_pages.router)
    errors.install(app)
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = errors.error_schema(plain_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory loanwatch.web.app:app_from_env``."""
    return create_app()
