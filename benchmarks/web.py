"""Web benchmark: the app (uvicorn, one process) on a store of all of ../shared, on loopback, with
simulated users opening the portfolio, player pages and API calls.

    flock /work/brief/s16/heavy.lock .venv/bin/python benchmarks/web.py [--store PATH] [--users 50]
        [--duration 60] [--saturate 30]

``--store``: a trained store of the whole data set (default: /work/stores/full.db), COPIED first to
a temporary folder (never opened in place); a benchmark user of each of two roles (director,
coach) is added to the copy. The server runs in its own process (``uvicorn``, one worker), the
users in this one (``httpx.AsyncClient``, asyncio), so the client's work does not slow the server.

1. warm-up, not counted: every page the users will open is opened once (the first view of a
   player computes his report content and draws nothing; the cold times are printed);
2. paced: ``--users`` users for ``--duration`` seconds, each opening a page, waiting a second,
   opening the next (about ``users`` requests a second): requests/s, p50 / p95 / p99, errors;
3. saturated: the same users with no pause for ``--saturate`` seconds: the throughput the app
   sustains, and its latencies.

Each user is logged in (half as the director, half as the coach) and opens, in turn, the
portfolio, a player page (a loanee chosen at random), the JSON portfolio and a player's JSON.
Targets (2-core machine, paced phase): p95 < 100 ms, p99 < 300 ms, no error. Exits 1 when missed.
Figures measured on a machine shared with other work are indicative: say so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

FULL_STORE = Path("/work/stores/full.db")
P95_TARGET_MS = 100.0
P99_TARGET_MS = 300.0
USERS = {"bench-director": "director", "bench-coach": "coach"}
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_store(src: Path, dst: Path) -> None:
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def add_users(store: Path) -> None:
    """The benchmark's users, through the users service (as an admin would add them)."""
    from loanwatch.access import Role
    from loanwatch.services import Context, Services, User

    svc = Services(Context.open(str(store), user=User("bench-admin", Role.ADMIN)))
    for name, role in USERS.items():
        svc.users.add_user(name, role, PASSWORD)


def start_server(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from loanwatch.settings import Settings\n"
        "from loanwatch.web.app import create_app\n"
        f"uvicorn.run(create_app(Settings.load(store={str(store)!r})), host='127.0.0.1', port={port},"
        " workers=1, log_level='warning', access_log=False)\n"
    )
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server ended at start (exit {proc.returncode}): see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start in 120 s")


async def login(client: httpx.AsyncClient, name: str) -> None:
    """A session as the browser gets it: the login form (its CSRF field), then the POST."""
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    data = {"username": name, "password": PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
    answer = await client.post("/login", data=data)
    if answer.status_code >= 400:
        raise SystemExit(f"login as {name}: HTTP {answer.status_code} {answer.text[:200]}")


def urls(player_ids: Sequence[int]) -> list[tuple[str, str]]:
    """(kind, url) of one round of a user: the pages and the API calls."""
    pid = random.choice(player_ids)
    other = random.choice(player_ids)
    return [
        ("portfolio", "/portfolio"),
        ("player", f"/players/{pid}"),
        ("api portfolio", "/api/v1/portfolio"),
        ("api player", f"/api/v1/players/{other}"),
    ]


class Results:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds * 1000)

    def all(self) -> list[float]:
        return [v for vs in self.latencies.values() for v in vs]


async def user(
    client: httpx.AsyncClient, player_ids: Sequence[int], until: float, pause: float, out: Results
) -> None:
    await asyncio.sleep(random.random() * max(pause, 0.01))  # users do not start in step
    while time.monotonic() < until:
        for kind, url in urls(player_ids):
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            try:
                answer = await client.get(url)
                if answer.status_code != 200:
                    out.errors.append(f"{url}: HTTP {answer.status_code}")
            except httpx.HTTPError as e:
                out.errors.append(f"{url}: {type(e).__name__}")
            out.add(kind, time.monotonic() - started)
            if pause:
                await asyncio.sleep(pause)


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def report(title: str, out: Results, seconds: float) -> dict[str, float]:
    every = out.all()
    figures = {
        "requests": len(every),
        "rps": len(every) / seconds,
        "p50": pct(every, 50),
        "p95": pct(every, 95),
        "p99": pct(every, 99),
        "errors": len(out.errors),
    }
    print(
        f"{title}: {figures['requests']} requests in {seconds:.0f} s = {figures['rps']:.1f} req/s; "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms; "
        f"{figures['errors']} errors"
    )
    for kind, values in sorted(out.latencies.items()):
        print(
            f"    {kind:14} {len(values):6} requests  p50 {pct(values, 50):7.1f}  p95 {pct(values, 95):7.1f}"
            f"  p99 {pct(values, 99):7.1f}  max {max(values):7.1f} ms"
        )
    for e in sorted(set(out.errors))[:10]:
        print(f"    error: {e} (x{out.errors.count(e)})")
    return figures


async def warm_up(base: str, player_ids: Sequence[int]) -> None:
    """Every page of the run opened once as each role (the caches' first fill), cold times printed."""
    for name in USERS:
        async with httpx.AsyncClient(base_url=base, timeout=600.0, follow_redirects=True) as client:
            await login(client, name)
            cold: list[float] = []
            started = time.monotonic()
            for url in ["/portfolio", "/api/v1/portfolio"] + [f"/players/{p}" for p in player_ids]:
                t = time.monotonic()
                answer = await client.get(url)
                if answer.status_code != 200:
                    raise SystemExit(
                        f"warm-up {url} as {name}: HTTP {answer.status_code} {answer.text[:300]}"
                    )
                cold.append(time.monotonic() - t)
            for p in player_ids:
                await client.get(f"/api/v1/players/{p}")
            print(
                f"warm-up as {USERS[name]}: {len(cold)} pages in {time.monotonic() - started:.1f} s "
                f"(first view: portfolio {cold[0]:.2f} s, "
                f"players median {statistics.median(cold[2:]):.2f} s, "
                f"max {max(cold[2:]):.2f} s)"
            )


async def loanee_ids(base: str) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=600.0, follow_redirects=True) as client:
        await login(client, next(iter(USERS)))
        page = await client.get("/portfolio")
        return sorted({int(i) for i in re.findall(r'href="/players/(\d+)"', page.text)})


async def phase(
    clients: Sequence[httpx.AsyncClient], player_ids: Sequence[int], seconds: float, pause: float
) -> Results:
    out = Results()
    until = time.monotonic() + seconds
    await asyncio.gather(*(user(c, player_ids, until, pause, out) for c in clients))
    return out


async def run(base: str, users: int, duration: float, saturate: float) -> dict[str, float]:
    """Warm-up, then the paced and the saturated phases with the same logged-in users (logging in
    is not timed: Argon2 is slow on purpose)."""
    ids = await loanee_ids(base)
    print(f"{len(ids)} loanees")
    await warm_up(base, ids)
    names = list(USERS)
    clients = [httpx.AsyncClient(base_url=base, timeout=30.0, follow_redirects=True) for _ in range(users)]
    try:
        t = time.monotonic()
        for i, client in enumerate(clients):
            await login(client, names[i % len(names)])
        print(f"{users} users logged in ({time.monotonic() - t:.1f} s, not counted)")
        paced = await phase(clients, ids, duration, 1.0)
        figures = report(f"paced, {users} users, 1 s between requests", paced, duration)
        if saturate > 0:
            saturated = await phase(clients, ids, saturate, 0.0)
            report(f"saturated, {users} users, no pause", saturated, saturate)
    finally:
        for client in clients:
            await client.aclose()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=FULL_STORE)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the paced phase")
    parser.add_argument("--saturate", type=float, default=30.0, help="seconds of the no-pause phase")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="loanwatch-web-bench-"))
    try:
        store = tmp / "store.db"
        t = time.monotonic()
        copy_store(args.store, store)
        add_users(store)
        size = store.stat().st_size / 1e6
        print(f"store: a copy of {args.store} ({size:.0f} MB, {time.monotonic() - t:.1f} s)")
        port = free_port()
        server = start_server(store, port, tmp / "server.log")
        base = f"http://127.0.0.1:{port}"
        load = os.getloadavg()[0]
        print(
            f"server: uvicorn, 1 process, pid {server.pid}, {base}; {os.cpu_count()} cores, load {load:.1f}"
        )
        try:
            figures = asyncio.run(run(base, args.users, args.duration, args.saturate))
            print(f"load average after: {os.getloadavg()[0]:.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)
        ok = figures["p95"] < P95_TARGET_MS and figures["p99"] < P99_TARGET_MS and not figures["errors"]
        print(
            f"targets (paced): p95 < {P95_TARGET_MS:.0f} ms, p99 < {P99_TARGET_MS:.0f} ms, no error: "
            + ("met" if ok else "MISSED")
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
