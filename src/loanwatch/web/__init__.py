"""The web app (issue 13): server-rendered pages and a JSON API over the services, for the whole
loan department, each user acting with his own role.

================  ==============================================================================
module            what
================  ==============================================================================
``app.py``        ``create_app(settings)``: the FastAPI app (the store opened once; routers; static)
``deps.py``       what every route depends on: the user (session cookie or bearer token), the
                  services acting as him, CSRF, his preferences (language, as-of date)
``auth.py``       login and logout pages, POST /prefs, the OAuth2 password flow (POST /api/v1/token)
``api_v1.py``     the JSON API under /api/v1 (response models: the services' models)
``pages.py``      the HTML pages
``templating.py`` one Jinja2 environment: ``render(request, template, **context)`` in the user's language
``errors.py``     the errors of ``loanwatch.errors`` as a page or JSON with their HTTP status
``docs.py``       /docs: the API described from /openapi.json, served locally (no CDN)
================  ==============================================================================

The web layer calls the services only, never the store (``lint-imports``: the contract
``web-calls-services``). docs/web.md describes the access table and the security choices.
"""
