"""The web app on a real PostgreSQL server (tests/test_postgres.py's throwaway database): users,
sessions and tokens, the login throttle and the audit log, through the app as users meet them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from loanwatch.web.app import create_app
from loanwatch.web.deps import SESSION_COOKIE
from test_postgres import fresh_database
from webtools import add_users, browser_login, csrf_of, password, settings_for


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def test_users_sessions_and_audit_on_postgresql(pg_url: str) -> None:
    add_users(pg_url)
    app = create_app(settings_for(pg_url))
    client = browser_login(TestClient(app), "director", password("director"))
    first = client.cookies[SESSION_COOKIE]
    assert client.get("/api/v1/me").json()["role"] == "director"
    token = csrf_of(client.get("/portfolio").text)
    me = client.patch(
        "/api/v1/me", json={"lang": "fr", "as_of": "2018-03-01"}, headers={"X-CSRF-Token": token}
    )
    assert (me.json()["lang"], me.json()["as_of"]) == ("fr", "2018-03-01")
    assert client.get("/api/v1/portfolio").json() == []  # an empty store: no loan yet
    browser_login(client, "director", password("director"))
    assert client.cookies[SESSION_COOKIE] != first
    other = TestClient(app)
    for _ in range(5):
        assert (
            other.post("/api/v1/token", data={"username": "coach", "password": "nope-nope"}).status_code
            == 401
        )
    assert (
        other.post("/api/v1/token", data={"username": "coach", "password": password("coach")}).status_code
        == 429
    )
    scout = other.post("/api/v1/token", data={"username": "scout", "password": password("scout")}).json()
    assert scout["token_type"] == "bearer"
    entries = client.get("/api/v1/audit", params={"action": "login"}).json()
    assert {e["outcome"] for e in entries} == {"ok", "failure", "throttled"}
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
        sessions = conn.execute(text("SELECT id_hash, kind FROM sessions")).all()
    engine.dispose()
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 5
    assert {k for _, k in sessions} == {"session", "token"}
    assert scout["access_token"] not in {h for h, _ in sessions}
