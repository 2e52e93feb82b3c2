"""The web pages as people use them: a real server (``loanwatch serve``, uvicorn) on a copy of the
sample store with both loan lists, and Debian's chromium driven by Playwright, one browser context
per role: log in, open the portfolio and a player, download his PDF, dismiss an alert (director),
add a note (scout), and what each role must not do (the coach sees no term on any page and cannot
dismiss; a scout cannot dismiss; a coach cannot write a note). Screenshots of the portfolio, a
defender, a goalkeeper, the alerts and the digest in English and Italian land in
``/tmp/loanwatch-web-screens`` (not committed; look at them). The no-JavaScript paths (GET
forms, sort links, CSV, htmx's partial answers) are checked with plain HTTP on the same server.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import copy_store
from loanwatch.access import Role
from loanwatch.api import Loanwatch
from loanwatch.services import Context, Services, User
from webtools import FEES, TERM_TEXT, add_users, csrf_of, free_port, password

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path("/tmp/loanwatch-web-screens")
GROUP_LIST = Path(__file__).resolve().parents[1] / "data" / "portfolios" / "group-2017-18.csv"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (scripts/system-deps.sh)")


@pytest.fixture(scope="module")
def store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample store with both loan lists and a user of every role (named as it)."""
    source = with_portfolio.url.removeprefix("sqlite:///")
    path = copy_store(source, tmp_path_factory.mktemp("pages") / "lw.db")
    add_users(str(path))
    admin = Services(Context.open(str(path), user=User("setup", Role.ADMIN)))
    admin.portfolio.import_loan_list(GROUP_LIST)  # goalkeepers (Meret), owners outside the data
    admin.tracking.refresh_alerts()  # as `loanwatch alerts list` does: the alerts are stored, with ids
    return path


@pytest.fixture(scope="module")
def ids(store: Path) -> dict[str, int]:
    svc = Services(Context.open(str(store)))
    return {n: svc.players.resolve(n).id for n in ("Orsolini", "Caldara", "Mandragora")}


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``loanwatch serve`` on the copy, on a free port of the loopback."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        cmd = [sys.executable, "-m", "loanwatch.cli", "serve", "--store", str(store), "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def http_login(base: str, role: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    done = client.post("/login", data={"username": role, "password": password(role), "csrf_token": token[1]})
    assert done.status_code == 200 and "/portfolio" in str(done.url), done.text[:500]
    return client


class Visit:
    """A role's browser session: every page it opens is checked for requests leaving the server."""

    def __init__(self, browser: object, base: str, role: str) -> None:
        self.base, self.role = base, role
        self.context = browser.new_context(accept_downloads=True, base_url=base)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.page.on(
            "request", lambda r: None if r.url.startswith((base, "data:")) else self.outside.append(r.url)
        )
        self.page.goto("/portfolio")
        assert "/login" in self.page.url  # anonymous: to the login page
        self.page.fill("input[name=username]", role)
        self.page.fill("input[name=password]", password(role))
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/portfolio")
        self.seen: list[tuple[str, str]] = []

    def open(self, path: str) -> str:
        answer = self.page.goto(path)
        assert answer is not None and answer.status == 200, (self.role, path, answer and answer.status)
        self.page.wait_for_load_state("networkidle")
        text = self.page.inner_text("main")
        self.seen.append((path, text))
        sources = self.page.eval_on_selector_all(
            "script[src], link[href], img[src]",
            "els => els.map(e => e.getAttribute('src') || e.getAttribute('href'))",
        )
        local = [s for s in sources if s.startswith(self.base + "/") or (s[:1] == "/" and s[:2] != "//")]
        assert local == sources, sources  # nothing from elsewhere: no CDN
        return text

    def shot(self, name: str) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    def language(self, lang: str) -> None:
        self.page.select_option("select[name=lang]", lang)
        self.page.click("form.prefs button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def download_pdf(self, player_id: int) -> bytes:
        self.open(f"/players/{player_id}")
        with self.page.expect_download() as info:
            self.page.click("a.report-pdf")
        path = info.value.path()
        assert path is not None
        return Path(path).read_bytes()

    def close(self) -> None:
        assert not self.outside, self.outside  # no CDN, no font or script fetched elsewhere
        self.context.close()


def test_the_director(browser: object, server: str, ids: dict[str, int]) -> None:
    v = Visit(browser, server, "director")
    text = v.open("/portfolio")
    assert "Riccardo Orsolini" in text and "Bologna" in text and "Alex Meret" in text
    v.shot("en-portfolio-director")
    text = v.open(f"/players/{ids['Orsolini']}")
    assert "Option to buy" in text or "Obligation to buy" in text  # the director sees the terms
    assert FEES.search(text)
    pdf = v.download_pdf(ids["Orsolini"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    v.open(f"/players/{ids['Caldara']}")
    v.shot("en-player-defender-caldara")
    v.open("/digest?week=2018-W10")
    v.shot("en-digest")

    # dismiss the first open alert with a reason (htmx swaps its row)
    v.open("/alerts")
    v.shot("en-alerts")
    form = v.page.locator("form.dismiss").first
    row_id = form.evaluate("f => f.closest('tr').id")
    form.locator("input[name=reason]").fill("talked to the club: no concern")
    form.locator("button").click()
    v.page.wait_for_selector(f"#{row_id} >> text=Dismissed by director")
    text = v.open("/alerts")
    dismissed = v.page.locator("section.dismissed").inner_text()
    assert "director" in dismissed and "talked to the club: no concern" in dismissed
    assert re.search(r"\d{1,2} \w{3} \d{4}", dismissed)  # when
    v.close()


def test_the_coach_sees_no_term_and_cannot_dismiss(browser: object, server: str, ids: dict[str, int]) -> None:
    v = Visit(browser, server, "coach")
    v.language("it")
    pages = [
        "/portfolio",
        f"/players/{ids['Orsolini']}",
        f"/players/{ids['Mandragora']}",
        "/alerts",
        "/digest?week=2018-W10",
        "/watchlists",
        "/notes",
    ]
    for path in pages:
        text = v.open(path)
        assert not TERM_TEXT.search(text), (path, TERM_TEXT.search(text))
        assert not FEES.search(text), (path, FEES.search(text))
        assert v.page.locator("form.dismiss").count() == 0, path
        assert v.page.locator("form.note-form").count() == 0, path
    assert "Portafoglio" in v.open("/portfolio") or "Prestiti" in v.page.content()
    v.shot("it-portfolio-coach")
    v.open(f"/players/{ids['Caldara']}")
    v.shot("it-player-defender-caldara")
    v.open("/alerts")
    v.shot("it-alerts")
    v.open("/digest?week=2018-W10")
    v.shot("it-digest")
    pdf = v.download_pdf(ids["Mandragora"])  # the coach's edition: no option fee in it
    assert pdf.startswith(b"%PDF")
    # what the page does not offer, the server refuses too
    token = csrf_of(v.page.content())
    refused = v.page.request.post("/alerts/1/dismiss", form={"csrf_token": token, "reason": "x"})
    assert refused.status == 403
    refused = v.page.request.post(
        f"/players/{ids['Orsolini']}/notes", form={"csrf_token": token, "text": "x"}
    )
    assert refused.status == 403
    assert v.page.request.get("/audit").status == 403
    director = v.page.request.get(f"/players/{ids['Mandragora']}/report.pdf?edition=director")
    assert director.status == 403
    v.close()


def test_the_scout_writes_a_note_and_cannot_dismiss(
    browser: object, server: str, ids: dict[str, int]
) -> None:
    v = Visit(browser, server, "scout")
    v.open("/portfolio")
    v.open(f"/players/{ids['Caldara']}")
    assert v.page.locator("form.dismiss").count() == 0
    v.page.fill("form.note-form textarea[name=text]", "Reads the game early; ready for a bigger club.")
    v.page.click("form.note-form button[type=submit]")
    v.page.wait_for_selector("#notes-list >> text=Reads the game early")
    assert "scout" in v.page.inner_text("#notes-list")
    assert "Reads the game early" in v.open("/notes")
    pdf = v.download_pdf(ids["Caldara"])
    assert pdf.startswith(b"%PDF")
    token = csrf_of(v.page.content())
    assert v.page.request.post("/alerts/1/dismiss", form={"csrf_token": token, "reason": "x"}).status == 403
    v.close()


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_the_other_roles_read_the_pages(browser: object, server: str, ids: dict[str, int], role: str) -> None:
    v = Visit(browser, server, role)
    v.open("/portfolio")
    text = v.open(f"/players/{ids['Orsolini']}")
    assert bool(FEES.search(text)) == (role == "admin")  # the analyst sees no terms
    assert v.download_pdf(ids["Orsolini"]).startswith(b"%PDF")
    if role == "admin":
        audit = v.open("/audit")
        assert "viewed report" in audit and "director" in audit
    v.close()


def test_the_pages_work_without_javascript(server: str, ids: dict[str, int]) -> None:
    director, coach = http_login(server, "director"), http_login(server, "coach")
    whole = director.get("/portfolio").text
    assert "<html" in whole and 'id="portfolio-table"' in whole
    # a GET form: filters, search and sort as query parameters
    only = director.get("/portfolio", params={"competition": "Bundesliga"}).text
    assert "Marko Pjaca" in only and "Riccardo Orsolini" not in only
    assert "Alex Meret" in director.get("/portfolio", params={"role": "GK"}).text
    assert "Riccardo Orsolini" not in director.get("/portfolio", params={"role": "GK"}).text
    found = director.get("/portfolio", params={"q": "orsol"}).text
    assert found.count('<tr class="spell-') == 1  # his current spell (Bologna)
    assert "Kylian Mbappé" not in director.get("/portfolio", params={"owner": "Juventus"}).text
    # htmx asks for the table only
    part = director.get(
        "/portfolio", params={"sort": "share", "desc": "1"}, headers={"HX-Request": "true"}
    ).text
    assert "<html" not in part and "<table" in part
    # CSV: the table as filtered; the trigger columns only for a role that sees the terms
    rows = list(
        csv.DictReader(io.StringIO(director.get("/portfolio.csv", params={"owner": "Juventus"}).text))
    )
    assert {r["owner"] for r in rows} == {"Juventus"} and "trigger_state" in rows[0]
    coach_rows = list(csv.DictReader(io.StringIO(coach.get("/portfolio.csv").text)))
    assert coach_rows and not any("trigger" in k for k in coach_rows[0])
    # the charts are PNGs of the player's page; a player the store does not have is a 404 page
    page = coach.get(f"/players/{ids['Orsolini']}").text
    chart = re.search(r'src="(/players/\d+/charts/minutes-\d+\.png[^"]*)"', page)
    assert chart
    png = coach.get(chart[1].replace("&amp;", "&"))
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert coach.get("/players/987654321").status_code == 404
    assert coach.get("/portfolio", params={"sort": "fee"}).status_code == 422
    # a POST without its CSRF token is refused
    assert director.post(f"/players/{ids['Orsolini']}/notes", data={"text": "x"}).status_code == 403
