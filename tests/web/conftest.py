"""The web app's fixtures: the app over a copy of the sample store with the example loan list and
one user per role, clients logged in as each role (a bearer token, or a session cookie as a
browser has), and a real uvicorn server on a free port (``live_server``) for browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from webtools import Clients, add_users, copy_store, free_port, settings_for

from loanwatch.api import Loanwatch
from loanwatch.web.app import create_app


@pytest.fixture(scope="session")
def web_store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the sample store with the loan list and one user per role (the web tests write)."""
    path = copy_store(with_portfolio.url.removeprefix("sqlite:///"), tmp_path_factory.mktemp("web") / "lw.db")
    add_users(path)
    return path


@pytest.fixture(scope="session")
def web_app(web_store: str) -> FastAPI:
    return create_app(settings_for(web_store))


@pytest.fixture(scope="session")
def clients(web_app: FastAPI) -> Clients:
    return Clients(web_app, {})


@pytest.fixture(scope="session")
def users_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new store holding one user per role and nothing else (made once, copied by fresh_app)."""
    path = tmp_path_factory.mktemp("users") / "users.db"
    add_users(str(path))
    return path


@pytest.fixture()
def fresh_app(users_store: Path, tmp_path: Path) -> Callable[..., FastAPI]:
    """An app over a copy of ``users_store`` (for tests of sessions and logins); ``overrides``
    are settings (session_idle_minutes=5)."""

    def make(**overrides: object) -> FastAPI:
        store = tmp_path / "users.db"
        if not store.exists():
            copy_store(users_store, store)
        return create_app(settings_for(str(store), **overrides))

    return make


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@pytest.fixture(scope="session")
def live_server(web_app: FastAPI) -> Iterator[LiveServer]:
    """The app served by uvicorn on a free loopback port, in a thread, for the session."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", web_app)
    server.should_exit = True
    thread.join(timeout=10)
