"""Logins, sessions, CSRF and errors as a user and an attacker meet them, on a real store (a new
one per test, with one user per role): cookies HttpOnly / SameSite=Lax / Secure on HTTPS, a new
session id at login (no fixation), logout and idle expiry ending the session on the server,
tokens that expire, throttled logins, CSRF refused when missing or wrong, passwords never stored
or logged in clear, errors as a page or JSON without a traceback."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from loanwatch.web.deps import SESSION_COOKIE
from webtools import browser_login, csrf_of, password

MakeApp = Callable[..., FastAPI]


def browser(app: FastAPI, base_url: str = "http://testserver") -> TestClient:
    return TestClient(app, base_url=base_url, raise_server_exceptions=False)


def store_of(app: FastAPI) -> Path:
    return Path(app.state.web.settings.store)


def rows(app: FastAPI, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(store_of(app)) as db:
        return db.execute(sql, args).fetchall()


def set_cookie_header(answer: object) -> str:
    headers = answer.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(f"{SESSION_COOKIE}="))


def test_the_session_cookie_and_a_new_id_at_each_login(fresh_app: MakeApp) -> None:
    app = fresh_app()
    client = browser(app)
    assert client.get("/portfolio", follow_redirects=False).headers["location"] == "/login?next=%2Fportfolio"
    page = client.get("/login?next=/portfolio")
    client.cookies.set(SESSION_COOKIE, "chosen-by-an-attacker", domain="testserver.local")  # planted
    answer = client.post(
        "/login",
        data={
            "username": "coach",
            "password": password("coach"),
            "csrf_token": csrf_of(page.text),
            "next": "/portfolio",
        },
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/portfolio")
    cookie = set_cookie_header(answer)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    first = client.cookies[SESSION_COOKIE]
    assert first != "chosen-by-an-attacker" and len(first) >= 40
    assert client.get("/portfolio").status_code == 200
    # logging in again gives a new id; the old one no longer works
    browser_login(client, "coach", password("coach"))
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    stale = browser(app)
    stale.cookies.set(SESSION_COOKIE, first, domain="testserver.local")
    assert stale.get("/api/v1/me").status_code == 401
    # only the hash of a session id is stored
    stored = {r[0] for r in rows(app, "SELECT id_hash FROM sessions")}
    assert second not in stored and len(stored) == 1


def test_secure_cookies_on_https_and_by_setting(fresh_app: MakeApp) -> None:
    over_https = browser(fresh_app(), base_url="https://testserver")
    page = over_https.get("/login")
    answer = over_https.post(
        "/login",
        data={"username": "scout", "password": password("scout"), "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert "Secure" in set_cookie_header(answer)
    # behind a proxy that ends HTTPS the app sees plain HTTP: the setting marks the cookies
    behind_proxy = browser(fresh_app(secure_cookies=True))
    page = behind_proxy.get("/login")
    assert "Secure" in page.headers["set-cookie"]
    csrf = page.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    answer = behind_proxy.post(
        "/login",
        data={"username": "scout", "password": password("scout"), "csrf_token": csrf},
        headers={"Cookie": f"loanwatch_csrf={csrf}"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "Secure" in set_cookie_header(answer)


def test_logout_ends_the_session_on_the_server(fresh_app: MakeApp) -> None:
    app = fresh_app()
    client = browser_login(browser(app), "director", password("director"))
    secret = client.cookies[SESSION_COOKIE]
    page = client.get("/portfolio")
    answer = client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    assert rows(app, "SELECT count(*) FROM sessions") == [(0,)]
    replay = browser(app)
    replay.cookies.set(SESSION_COOKIE, secret, domain="testserver.local")  # kept by an attacker
    assert replay.get("/api/v1/me").status_code == 401
    assert replay.get("/portfolio", follow_redirects=False).status_code == 303


def test_an_idle_session_and_an_old_token_end(fresh_app: MakeApp) -> None:
    app = fresh_app(session_idle_minutes=5, token_hours=1)
    client = browser_login(browser(app), "analyst", password("analyst"))
    assert client.get("/api/v1/me").status_code == 200
    # six minutes without a request (the store's clock of the session moved back)
    idle = (datetime.now() - timedelta(minutes=6)).isoformat(sep=" ")
    with sqlite3.connect(store_of(app)) as db:
        db.execute("UPDATE sessions SET last_seen = ?", (idle,))
    assert client.get("/api/v1/me").status_code == 401
    assert rows(app, "SELECT count(*) FROM sessions WHERE kind = 'session'") == [(0,)]
    token = browser(app).post("/api/v1/token", data={"username": "analyst", "password": password("analyst")})
    body = token.json()
    assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert browser(app).get("/api/v1/me", headers=bearer).status_code == 200
    with sqlite3.connect(store_of(app)) as db:
        db.execute(
            "UPDATE sessions SET expires_at = ?",
            ((datetime.now() - timedelta(seconds=1)).isoformat(sep=" "),),
        )
    assert browser(app).get("/api/v1/me", headers=bearer).status_code == 401


def test_logins_are_throttled_per_user_and_per_address(fresh_app: MakeApp) -> None:
    app = fresh_app()
    client = browser(app)
    for _ in range(5):
        assert (
            client.post("/api/v1/token", data={"username": "coach", "password": "guess-1234"}).status_code
            == 401
        )
    # the right password is not even checked now
    answer = client.post("/api/v1/token", data={"username": "coach", "password": password("coach")})
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    assert "too many failed logins" in answer.json()["detail"]
    page = client.get("/login")
    form = client.post(
        "/login", data={"username": "coach", "password": password("coach"), "csrf_token": csrf_of(page.text)}
    )
    assert form.status_code == 429 and "too many failed logins" in form.text
    # another user logs in from elsewhere (the address counts apart)
    elsewhere = TestClient(app, client=("10.0.0.9", 5000))
    assert (
        elsewhere.post("/api/v1/token", data={"username": "scout", "password": password("scout")}).status_code
        == 200
    )
    # one address trying many names is stopped too
    for n in range(20):
        elsewhere.post("/api/v1/token", data={"username": f"nobody-{n}", "password": "guess-1234"})
    answer = elsewhere.post("/api/v1/token", data={"username": "admin", "password": password("admin")})
    assert answer.status_code == 429
    outcomes = rows(app, "SELECT outcome, count(*) FROM audit_log WHERE action = 'login' GROUP BY outcome")
    assert dict(outcomes) == {"failure": 25, "ok": 1, "throttled": 3}  # type: ignore[arg-type]


def test_csrf_missing_or_wrong_is_refused(fresh_app: MakeApp) -> None:
    app = fresh_app()
    client = browser_login(browser(app), "director", password("director"))
    token = csrf_of(client.get("/portfolio").text)
    altered = token[:-1] + ("1" if token[-1] == "0" else "0")  # one character off, never the token itself
    for sent in ({}, {"csrf_token": "wrong"}, {"csrf_token": altered}):
        answer = client.post("/prefs", data={"lang": "it", "next": "/portfolio", **sent})
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert client.patch("/api/v1/me", json={"lang": "it"}).status_code == 403  # htmx/fetch: the header
    assert client.patch("/api/v1/me", json={"lang": "it"}, headers={"X-CSRF-Token": "x"}).status_code == 403
    assert client.get("/api/v1/me").json()["lang"] == "en"  # nothing changed
    answer = client.post(
        "/prefs", data={"lang": "fr", "as_of": "2018-01-31", "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    me = client.patch("/api/v1/me", json={"lang": "it"}, headers={"X-CSRF-Token": token}).json()
    assert (me["lang"], me["as_of"]) == ("it", "2018-01-31")
    assert 'lang="it"' in client.get("/portfolio").text and "Portafoglio" in client.get("/portfolio").text
    # the login form too: without the token its cookie pairs with, no login (login CSRF)
    fresh = browser(app)
    answer = fresh.post("/login", data={"username": "coach", "password": password("coach")})
    assert answer.status_code == 403 and SESSION_COOKIE not in fresh.cookies
    # a script with a bearer token sends no cookie: no CSRF token needed
    bearer = fresh.post("/api/v1/token", data={"username": "coach", "password": password("coach")}).json()
    headers = {"Authorization": f"Bearer {bearer['access_token']}"}
    assert fresh.patch("/api/v1/me", json={"lang": "fr"}, headers=headers).json()["lang"] == "fr"


def test_a_password_is_never_stored_or_logged_in_clear(
    fresh_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = fresh_app()
    secret, wrong = "Correct-Horse-Battery-7", "Wrong-Guess-Staple-9"
    admin = browser_login(browser(app), "admin", password("admin"))
    token = csrf_of(admin.get("/portfolio").text)
    made = admin.post(
        "/api/v1/users",
        json={"name": "vice", "role": "director", "password": secret},
        headers={"X-CSRF-Token": token},
    )
    assert made.status_code == 201 and secret not in made.text
    assert browser(app).post("/api/v1/token", data={"username": "vice", "password": wrong}).status_code == 401
    browser_login(browser(app), "vice", secret)
    hashes = rows(app, "SELECT password_hash FROM users WHERE name = 'vice'")
    assert str(hashes[0][0]).startswith("$argon2id$")
    with sqlite3.connect(store_of(app)) as db:
        dumped = "\n".join(db.iterdump())
    raw = store_of(app).read_bytes() + b"".join(
        p.read_bytes() for p in store_of(app).parent.glob("users.db-*") if p.is_file()
    )
    for clear in (secret, wrong):
        assert clear not in dumped and clear.encode() not in raw
        assert clear not in caplog.text
    assert any(r[0] == "vice" for r in rows(app, "SELECT user_name FROM audit_log WHERE action = 'login'"))


def test_errors_are_pages_or_json_never_a_traceback(
    fresh_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = fresh_app()

    def boom() -> None:
        raise RuntimeError("a bug deep inside")

    app.add_api_route("/boom", boom, include_in_schema=False)
    client = browser_login(browser(app), "coach", password("coach"))
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Not found" in missing.text
    assert client.get("/api/v1/players/987654321").json() == {"detail": "no player with id 987654321"}
    invalid = client.get("/api/v1/alerts", params={"as_of": "not-a-date"})
    assert invalid.status_code == 422 and "as_of" in invalid.json()["detail"]
    forbidden = client.get("/api/v1/audit")
    assert forbidden.status_code == 403 and forbidden.json() == {
        "detail": "the coach role may not read the audit log"
    }
    with caplog.at_level(logging.ERROR, logger="loanwatch.web"):
        crash = client.get("/boom")
    assert crash.status_code == 500 and "Something went wrong" in crash.text
    assert "Traceback" not in crash.text and "a bug deep inside" not in crash.text
    assert "a bug deep inside" in caplog.text  # logged on the server, with its traceback


def test_after_login_only_a_page_of_this_site(fresh_app: MakeApp) -> None:
    client = browser(fresh_app())
    page = client.get("/login")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        answer = client.post(
            "/login",
            data={
                "username": "scout",
                "password": password("scout"),
                "csrf_token": csrf_of(page.text),
                "next": target,
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/"
        page = client.get("/login?next=/")  # logged in: the login page sends him on
        client.cookies.clear()
        page = client.get("/login")


def test_a_disabled_user_is_out_at_once(fresh_app: MakeApp) -> None:
    app = fresh_app()
    scout = browser_login(browser(app), "scout", password("scout"))
    admin = browser(app)
    bearer = admin.post("/api/v1/token", data={"username": "admin", "password": password("admin")}).json()
    headers = {"Authorization": f"Bearer {bearer['access_token']}"}
    assert admin.post("/api/v1/users/scout/disable", headers=headers).json()["active"] is False
    assert scout.get("/api/v1/me").status_code == 401
    assert (
        admin.post("/api/v1/token", data={"username": "scout", "password": password("scout")}).status_code
        == 401
    )
    listed = {u["name"]: u["active"] for u in admin.get("/api/v1/users", headers=headers).json()}
    assert listed["scout"] is False and listed["admin"] is True
    actions = [e["action"] for e in admin.get("/api/v1/audit", headers=headers, params={"limit": 5}).json()]
    assert "user disabled" in actions
