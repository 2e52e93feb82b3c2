"""The market plan on the web (issue 11, part 5): ``/plan`` in a real browser (uvicorn in a thread,
Debian's chromium through Playwright) on a copy of the sample store with the example loan list,
and ``/api/v1/plan`` with its decisions. The director recalls a loanee on his card and sees the
squad, the counts and the rules change; the coach reads the same plan with no form, no term and
no deal note, in the page and in the JSON. Screenshots land in ``/tmp/loanwatch-web-screens``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_store
from loanwatch.access import Role
from loanwatch.api import Loanwatch
from loanwatch.services import Context, Services, User
from webtools import FEES, TERM_TEXT, Clients, add_users, csrf_of, password, serve_in_thread, settings_for

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path("/tmp/loanwatch-web-screens")
SEASON = "2018/19"
PLAN = f"/plan?owner=Juventus&season={SEASON.replace('/', '%2F')}"
DEAL_NOTE = "Crotone bid expected in June"  # a deal note: the director's only
# webtools.TERM_TEXT is English and Italian; the French page's terms:
FRENCH_TERMS = re.compile(r"option d'achat|obligation d'achat|clause|frais|€|\bEUR\b", re.I)


@pytest.fixture(scope="module")
def store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample store with the loan list, a user per role and one decision with a note."""
    path = copy_store(
        with_portfolio.url.removeprefix("sqlite:///"), tmp_path_factory.mktemp("plan") / "lw.db"
    )
    add_users(str(path))
    svc = Services(Context.open(str(path), user=User("director", Role.DIRECTOR)))
    svc.plan.decide(svc.players.resolve("Mandragora"), "sell", season=SEASON, note=DEAL_NOTE)
    return path


@pytest.fixture(scope="module")
def ids(store: Path) -> dict[str, int]:
    svc = Services(Context.open(str(store)))
    return {n: svc.players.resolve(n).id for n in ("Pjaca", "Mandragora", "Chiesa")}


@pytest.fixture(scope="module")
def app(store: Path) -> Any:
    from loanwatch.web.app import create_app

    return create_app(settings_for(str(store)))


@pytest.fixture(scope="module")
def clients(app: Any) -> Clients:
    return Clients(app, {})


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    with serve_in_thread(app) as live:
        yield live.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def login(browser: Any, base: str, role: str) -> Any:
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", password(role))
    page.click("button[type=submit]")
    page.wait_for_url("**/portfolio")
    return page


def counts(page: Any) -> dict[str, tuple[str, str]]:
    """The plan's counts table: key -> (before, after) as the page prints them."""
    rows = page.locator("tr[data-count]")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = row.locator("td")
        out[str(row.get_attribute("data-count"))] = (cells.nth(1).inner_text(), cells.nth(2).inner_text())
    return out


def test_the_director_recalls_a_loanee(browser: Any, server: str, ids: dict[str, int]) -> None:
    page = login(browser, server, "director")
    page.click("nav >> text=Market plan")  # the nav leads to the plan of the store's one owner
    page.wait_for_selector("#plan")
    page.goto(PLAN)
    before = counts(page)
    assert before["squad"][0] == before["squad"][1]  # only Mandragora sold: he was not in the squad
    card = page.locator(f"#card-{ids['Pjaca']}")
    assert "Plan: not decided" in card.inner_text()
    assert DEAL_NOTE in page.inner_text("#plan")  # the director reads his deal notes
    card.locator("select[name=decision]").select_option("recall")
    card.locator("input[name=note]").fill("back for pre-season")
    card.locator("form.decide button").click()  # htmx swaps the whole plan
    page.wait_for_selector(f"#card-{ids['Pjaca']} .decision >> text=Plan: Recall")
    after = counts(page)
    assert int(after["squad"][1]) == int(before["squad"][1]) + 1
    assert int(after["returning"][1]) == int(before["returning"][1]) + 1
    assert "+ Marko Pjaca" in page.inner_text("tr[data-role]:has-text('Marko Pjaca')")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "en-plan-director.png"), full_page=True)
    # undo it: the squad is as before again
    page.locator(f"#card-{ids['Pjaca']} form.undecide button").click()
    page.wait_for_selector(f"#card-{ids['Pjaca']} .decision >> text=Plan: not decided")
    assert counts(page) == before
    page.context.close()


def test_the_coach_reads_the_plan_without_forms_terms_or_notes(browser: Any, server: str) -> None:
    page = login(browser, server, "coach")
    page.goto(PLAN + "&lang=it")
    text = page.inner_text("main")
    assert "Rosa 2018/19: prima e dopo le decisioni" in text and "Cessione" in text  # Mandragora: sell
    assert page.locator("#plan form").count() == 0
    html = page.content()
    assert DEAL_NOTE not in html
    assert not FEES.search(text), FEES.search(text)
    assert not TERM_TEXT.search(text), TERM_TEXT.search(text)
    page.screenshot(path=str(SCREENS / "it-plan-coach.png"), full_page=True)
    # what the page does not offer, the server refuses
    token = csrf_of(html)
    refused = page.request.post(
        "/plan/decisions", form={"csrf_token": token, "player": "Chiesa", "decision": "sign"}
    )
    assert refused.status == 403
    assert page.request.get(PLAN + "&edition=director").status == 403
    pdf = page.request.get("/plan/plan.pdf?owner=Juventus&season=2018%2F19")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert "plan-juventus-2018-19.pdf" in pdf.headers["content-disposition"]  # the coach's edition
    page.context.close()


def test_the_plan_api(clients: Clients, ids: dict[str, int]) -> None:
    coach, director = clients.api("coach"), clients.api("director")
    query = {"season": SEASON, "owner": "Juventus"}
    seen = coach.get("/api/v1/plan", params=query)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["edition"] == "coach" and {c["player"]["display_name"] for c in body["cards"]} >= {
        "Marko Pjaca"
    }
    assert DEAL_NOTE not in seen.text and not FEES.search(seen.text) and not TERM_TEXT.search(seen.text)
    assert all(d["note"] is None for d in body["decisions"])
    assert all(c["spell"] is None or c["spell"]["terms"] is None for c in body["cards"])
    assert coach.get("/api/v1/plan", params=query | {"edition": "director"}).status_code == 403
    ruled = [f for f in body["squad"]["findings"] if f["before"] == "cannot_check"]
    assert ruled and all(f["article"] or f["ruleset"] for f in ruled)
    # the director: his notes, and he decides
    mine = director.get("/api/v1/plan", params=query).json()
    assert [d["note"] for d in mine["decisions"]] == [DEAL_NOTE]
    decision = {"player_id": ids["Chiesa"], "decision": "sign", "season": SEASON, "note": "a winger"}
    assert coach.post("/api/v1/plan/decisions", json=decision).status_code == 403
    made = director.post("/api/v1/plan/decisions", json=decision)
    assert made.status_code == 201, made.text
    assert made.json()["decision"] == "sign" and made.json()["decided_by"] == "director"
    signed = director.get("/api/v1/plan", params=query).json()["squad"]["counts"]["signed"]
    assert signed[1] == signed[0] + 1
    wrong = director.post("/api/v1/plan/decisions", json=decision | {"player_id": ids["Pjaca"]})
    assert wrong.status_code == 422 and "sign is for a candidate" in wrong.json()["detail"]
    path = f"/api/v1/plan/decisions/{ids['Chiesa']}"
    assert coach.delete(path, params={"season": SEASON}).status_code == 403
    assert director.delete(path, params={"season": SEASON}).status_code == 204
    assert director.delete(path, params={"season": SEASON}).status_code == 404
    # both writes are in the audit log, without the note
    log = director.get("/api/v1/audit", params={"user": "director"}).json()
    actions = [e["action"] for e in log if e["target"] == f"player {ids['Chiesa']}"]
    assert actions[:2] == ["undecided plan", "decided plan"]
    assert {e["detail"].get("name") for e in log[:2]} == {"Federico Chiesa"}
    assert "a winger" not in str(log)


def test_the_plan_page_in_each_language_and_its_htmx_answers(clients: Clients, ids: dict[str, int]) -> None:
    """The coach's page in English and French names no term either (the Italian one: in the
    browser); a decision posted by htmx answers with the plan's body, an error in it."""
    coach, director = clients.api("coach"), clients.api("director")
    titles = {"en": "Squad for 2018/19: before and after the decisions", "fr": "Effectif 2018/19"}
    for lang, title in titles.items():
        page = coach.get(PLAN + f"&lang={lang}")
        assert page.status_code == 200 and title in page.text
        text = re.sub(r"<[^>]+>", " ", page.text)
        assert DEAL_NOTE not in page.text and not FEES.search(text)
        assert not (TERM_TEXT if lang == "en" else FRENCH_TERMS).search(text)
        assert 'class="decide"' not in page.text and 'class="sign"' not in page.text
    assert "/plan" in coach.get("/portfolio").text  # the nav's link, for every role
    form = {"owner": "Juventus", "season": SEASON, "player": "Pjaca", "decision": "sign"}
    htmx = {"HX-Request": "true"}
    wrong = director.post("/plan/decisions", data=form, headers=htmx)
    assert wrong.status_code == 200 and 'role="alert"' in wrong.text
    assert "Marko Pjaca is on loan from Juventus: sign is for a candidate" in wrong.text
    assert wrong.text.lstrip().startswith('<div id="plan"')  # the part htmx swaps, not a page
    done = director.post("/plan/decisions", data=form | {"player": "Chiesa"}, headers=htmx)
    assert done.status_code == 200 and "+ Federico Chiesa" in done.text
    gone = director.post(f"/plan/decisions/{ids['Chiesa']}/undecide", data=form)  # no htmx: back to the page
    assert gone.status_code == 200 and "+ Federico Chiesa" not in gone.text
