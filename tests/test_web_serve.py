"""``loanwatch serve`` starts the real server (uvicorn) on the store: a browser's login page, a
script's token and its answer, over loopback; and ``loanwatch users`` manages who logs in."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from conftest import copy_store
from loanwatch.cli import app
from webtools import free_port, password


def test_serve_answers_a_browser_and_a_script(users_store: Path, tmp_path: Path) -> None:
    store = str(copy_store(users_store, tmp_path / "served.db"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "loanwatch.cli", "serve", "--port", str(port), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                login = httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert login.status_code == 200 and 'name="password"' in login.text
        assert httpx.get(f"{base}/portfolio").status_code == 303
        token = httpx.post(f"{base}/api/v1/token", data={"username": "coach", "password": password("coach")})
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert httpx.get(f"{base}/api/v1/me", headers=bearer).json()["role"] == "coach"
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "loanwatch"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"Open http://127.0.0.1:{port}/ in a browser" in output
    assert password("coach") not in output


def test_users_add_list_disable(tmp_path: Path) -> None:
    store = str(tmp_path / "users.db")
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "ds", "--role", "director", "--password-stdin", "--store", store],
        input="a-good-password\n",
        env={"LOANWATCH_ROLE": ""},
    )
    assert added.exit_code == 0 and "User ds added (director)" in added.output, added.output
    short = runner.invoke(
        app, ["users", "add", "x", "--role", "coach", "--password-stdin", "--store", store], input="short\n"
    )
    assert short.exit_code == 2 and "too short" in short.output
    unknown = runner.invoke(
        app,
        ["users", "add", "y", "--role", "boss", "--password-stdin", "--store", store],
        input="a-good-password\n",
    )
    assert unknown.exit_code == 2 and "unknown role 'boss'" in unknown.output
    assert runner.invoke(app, ["users", "disable", "ds", "--store", store]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--store", store], env={"COLUMNS": "200"})
    assert "ds" in listed.output and "no (disabled)" in listed.output
    # the setting role applies at the terminal too: a coach may not add users
    coach = runner.invoke(app, ["users", "list", "--store", store], env={"LOANWATCH_ROLE": "coach"})
    assert coach.exit_code == 1 and "the coach role may not manage users" in coach.output
