"""What the web tests share (the fixtures are in tests/conftest.py: web_store, web_app, clients,
users_store, fresh_app, live_server): the test users (one per role, named as the role, password
``password(role)``), clients logged in with a token, the browser's login through the form, store
copies, a uvicorn server in a thread."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from loanwatch.access import Role
from loanwatch.services import Context, Services, User
from loanwatch.settings import Settings

ROLES = tuple(Role)
# What a page must never show a role without the terms: the loan lists' fees as printed, and the
# terms' headings and words (the report's own term headings: test_access.TERM_HEADINGS).
TERM_TEXT = re.compile(
    r"Option to buy|Obligation to buy|Obligation condition|Recall clause|Notes on the deal|"
    r"\bfees?\b|obligation|option to buy|diritto di riscatto|obbligo di riscatto|€|EUR",
    re.I,
)
FEES = re.compile(r"\b\d{1,3}(?:[,.\u202f\u00a0 ]\d{3}){2,}\b")  # 15,000,000 / 15.000.000 / 15 000 000


def password(role: Role | str) -> str:
    """The test users' passwords: one user per role, named as the role."""
    return f"{Role(role).value}-password"


def add_users(store: str, names: dict[str, Role] | None = None) -> None:
    admin = Services(Context.open(store, user=User("setup", Role.ADMIN))).users
    for name, role in (names or {r.value: r for r in ROLES}).items():
        admin.add_user(name, role, password(role))


def settings_for(store: str, **overrides: object) -> Settings:
    """The settings of a test app: only what is given (no environment, no loanwatch.toml)."""
    return Settings.load(environ={}, store=store, **overrides)


@dataclass
class Clients:
    app: FastAPI
    tokens: dict[str, str]

    def token(self, role: Role | str) -> str:
        name = Role(role).value
        if name not in self.tokens:
            answer = TestClient(self.app).post(
                "/api/v1/token", data={"username": name, "password": password(name)}
            )
            assert answer.status_code == 200, answer.text
            self.tokens[name] = answer.json()["access_token"]
        return self.tokens[name]

    def api(self, role: Role | str | None) -> TestClient:
        """A client with the role's bearer token (None: anonymous)."""
        headers = {"Authorization": f"Bearer {self.token(role)}"} if role is not None else {}
        return TestClient(self.app, headers=headers, raise_server_exceptions=False)


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def browser_login(client: TestClient, name: str, secret: str, next_page: str = "/") -> TestClient:
    """Log in through the login form, as a browser does (its cookie jar keeps the session)."""
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": name, "password": secret, "csrf_token": csrf_of(page.text), "next": next_page},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[LiveServer]:
    """The app served by uvicorn on a free loopback port, in a thread, until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
