"""The JSON API as each role calls it: every path of the OpenAPI, as the admin, the director, the
coach, a scout, an analyst and an anonymous caller. Without a token: 401. A forbidden action:
403 (the role's permissions, access.PERMISSIONS). The coach's answers carry no contract term
(tests/test_access.py's walker), written reports included; the director's do, so the walk cannot
pass by finding nothing. A path added to the API without being walked here fails the test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from loanwatch.access import Permission, Role, may
from loanwatch.services import Context, Services, User
from test_access import leaks
from webtools import Clients

AS_OF = date(2018, 6, 1)  # loan-ending alerts live (as in test_access)
EARLY = date(2017, 8, 1)  # before the first match: a report is quick to write, its terms are there


@dataclass
class Call:
    """One call of a path: the URL, its query, its body; the permission it needs (None: any
    logged-in user); ``fmt`` for a file answer."""

    url: str
    params: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    needs: Permission | None = None
    file: bool = False


def plan(store: str, role: Role) -> dict[tuple[str, str], Call]:
    """The call of every operation as ``role`` (ids read from the store as the director)."""
    svc = Services(Context.open(store, user=User("walker", Role.DIRECTOR)))
    mandragora = svc.players.resolve("Mandragora").id
    orsolini = svc.players.resolve("Orsolini").id
    alert = svc.tracking.alerts(AS_OF, include_all=True)[0].id
    who = role.value
    # a report in the role's own edition; a role that may not see the terms asks for the
    # director's: the forbidden action of the path
    edition = {} if may(role, Permission.SEE_TERMS) else {"edition": "director"}
    report = {"as_of": EARLY.isoformat(), **edition}
    needs_terms = None if may(role, Permission.SEE_TERMS) else Permission.SEE_TERMS
    return {
        ("POST", "/api/v1/token"): Call(
            "/api/v1/token", form={"username": who, "password": f"{who}-password"}
        ),
        ("GET", "/api/v1/me"): Call("/api/v1/me"),
        ("PATCH", "/api/v1/me"): Call("/api/v1/me", json={"lang": "en"}),
        ("GET", "/api/v1/portfolio"): Call("/api/v1/portfolio"),
        ("GET", "/api/v1/players"): Call("/api/v1/players", {"q": "Mandragora"}),
        ("GET", "/api/v1/players/{player_id}"): Call(
            f"/api/v1/players/{orsolini}", {"as_of": AS_OF.isoformat()}
        ),
        ("GET", "/api/v1/players/{player_id}/notes"): Call(f"/api/v1/players/{orsolini}/notes"),
        ("POST", "/api/v1/players/{player_id}/notes"): Call(
            f"/api/v1/players/{orsolini}/notes",
            json={"text": f"seen by the {who}", "written_on": "2018-05-01"},
            needs=Permission.WRITE_NOTES,
        ),
        ("GET", "/api/v1/alerts"): Call("/api/v1/alerts", {"as_of": AS_OF.isoformat(), "all": "true"}),
        ("POST", "/api/v1/alerts/{alert_id}/dismiss"): Call(
            f"/api/v1/alerts/{alert}/dismiss", json={"reason": "discussed"}, needs=Permission.DISMISS_ALERTS
        ),
        ("GET", "/api/v1/digest"): Call("/api/v1/digest", {"as_of": AS_OF.isoformat()}),
        ("GET", "/api/v1/watchlists"): Call("/api/v1/watchlists", {"as_of": AS_OF.isoformat()}),
        ("POST", "/api/v1/watchlists"): Call(
            "/api/v1/watchlists",
            json={"watchlist": "young talents", "player_id": mandragora, "note": who},
            needs=Permission.MANAGE_WATCHLISTS,
        ),
        ("GET", "/api/v1/reports/{player_id}.html"): Call(
            f"/api/v1/reports/{mandragora}.html", report, needs=needs_terms, file=True
        ),
        ("GET", "/api/v1/reports/{player_id}.pdf"): Call(
            f"/api/v1/reports/{mandragora}.pdf", report, needs=needs_terms, file=True
        ),
        # the plan: every role reads his own edition (walked for terms); the director decides
        ("GET", "/api/v1/plan"): Call("/api/v1/plan", {"season": "2018/19", "plan": "walk"}),
        ("POST", "/api/v1/plan/decisions"): Call(
            "/api/v1/plan/decisions",
            json={"player_id": mandragora, "decision": "sell", "season": "2018/19", "plan": "walk"},
            needs=Permission.DECIDE_PLAN,
        ),
        ("DELETE", "/api/v1/plan/decisions/{player_id}"): Call(
            f"/api/v1/plan/decisions/{mandragora}",
            {"season": "2018/19", "plan": "walk"},
            needs=Permission.DECIDE_PLAN,
        ),
        ("GET", "/api/v1/users"): Call("/api/v1/users", needs=Permission.MANAGE_USERS),
        ("POST", "/api/v1/users"): Call(
            "/api/v1/users",
            json={"name": f"new-{who}", "role": "scout", "password": "a-long-password"},
            needs=Permission.MANAGE_USERS,
        ),
        ("POST", "/api/v1/users/{name}/disable"): Call(
            "/api/v1/users/leaving/disable", needs=Permission.MANAGE_USERS
        ),
        ("GET", "/api/v1/audit"): Call("/api/v1/audit", needs=Permission.READ_AUDIT),
    }


def operations(app: FastAPI) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in app.openapi()["paths"].items() for m in item}


def send(client: Any, method: str, call: Call) -> Any:
    return client.request(method, call.url, params=call.params, json=call.json, data=call.form)


@pytest.fixture(scope="module")
def terms(web_store: str) -> tuple[set[str], set[int]]:
    """The loan list's terms as the store holds them (as tests/test_access.py reads them)."""
    texts: set[str] = set()
    fees: set[int] = set()
    for s in Context.open(web_store).store.loan_spells():
        texts |= {str(s[k]) for k in ("obligation_trigger", "recall_clause", "notes") if s[k]}
        fees |= {int(s[k]) for k in ("option_fee_eur", "obligation_fee_eur") if s[k]}
    assert fees and texts
    return texts, fees


def test_every_path_is_walked(web_app: FastAPI, web_store: str) -> None:
    assert set(plan(web_store, Role.COACH)) == operations(web_app), (
        "a path of the API is not walked: add it to plan()"
    )


def test_without_a_session_or_token_every_path_answers_401(
    web_app: FastAPI, web_store: str, clients: Clients
) -> None:
    anonymous = clients.api(None)
    forged = clients.api(None)
    forged.headers["Authorization"] = "Bearer not-a-token"
    for (method, path), call in plan(web_store, Role.DIRECTOR).items():
        if path == "/api/v1/token":
            bad = dict(call.form or {}, password="wrong-password")
            assert anonymous.post(path, data=bad).status_code == 401
            continue
        for client in (anonymous, forged):
            answer = send(client, method, call)
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.headers["content-type"].startswith("application/json")
            assert answer.headers.get("www-authenticate") == "Bearer"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_on_every_path(
    role: Role, web_store: str, clients: Clients, terms: tuple[set[str], set[int]]
) -> None:
    Services(Context.open(web_store, user=User("setup", Role.ADMIN))).users.add_user(
        "leaving" if role is Role.ADMIN else f"other-{role.value}", "scout", "a-long-password"
    )
    client = clients.api(role)
    found: dict[str, list[str]] = {}
    for (method, path), call in plan(web_store, role).items():
        answer = send(client, method, call)
        if call.needs is not None and not may(role, call.needs):
            assert answer.status_code == 403, (role, method, path, answer.text)
            assert "may not" in answer.json()["detail"]
            continue
        assert answer.status_code in (200, 201, 204), (role, method, path, answer.text[:300])
        if answer.status_code == 204:  # a decision removed: nothing to show
            shown = {}
        elif call.file:
            kind = answer.headers["content-type"]
            assert kind.startswith("application/pdf" if path.endswith(".pdf") else "text/html")
            shown = {"html": answer.text} if path.endswith(".html") else {}
        else:
            shown = answer.json()
        found[f"{method} {path}"] = leaks(shown, terms)
    if may(role, Permission.SEE_TERMS):
        for path in (
            "GET /api/v1/portfolio",
            "GET /api/v1/alerts",
            "GET /api/v1/players/{player_id}",
            "GET /api/v1/reports/{player_id}.html",
        ):
            assert found[path], f"{path} shows the {role.value} no term"
    else:
        shown = {path: where for path, where in found.items() if where}
        assert shown == {}, f"the {role.value} is shown contract terms: {shown}"
