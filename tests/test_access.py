"""The access rule (loanwatch/access.py), end to end: every public method of every service, called
as the coach on the shipped sample with the example loan list, returns nothing that names a
contract term (fee, option, obligation, wage, clause, the deal's notes), alert evidence included;
the same calls as the director find the terms, so the walk cannot pass by finding nothing.

A service method added without being called here fails ``test_every_service_method_is_walked``.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

from conftest import copy_store
from loanwatch import access
from loanwatch.access import Role
from loanwatch.api import SAMPLE_DATA, SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.errors import Forbidden
from loanwatch.services import SERVICES, Context, Services, User

AS_OF = date(2018, 6, 1)  # four weeks before the loans end: loan-ending alerts live
BEFORE = date(2017, 6, 1)  # before every spell of the list
PLAYERS = ("Mandragora", "Orsolini")  # a loan with an option (20 M), one with an obligation trigger

# Keys that name a term: they may be there only empty (a typed field the role gets as None).
TERM_KEYS = (access.SPELL_TERMS - {"notes"}) | access.EVIDENCE_TERMS | {"option_fee", "obligation_fee"}
TERM_KEY = re.compile(r"fee|obligation|wage|clause")
TERM_WORDS = re.compile(
    r"\b(fees?|obligations?|option to buy|buy option|wages?|clauses?|loan_with_\w+|EUR)\b", re.I
)
# A written report shows the terms under these headings (the director's edition).
TERM_HEADINGS = re.compile(
    r"Option to buy|Obligation to buy|Obligation condition|Recall clause|Notes on the deal"
)
# Not player data: the alert settings name their rules (an "obligation" rule), nothing more.
NOT_WALKED = {"TrackingService.configure_alerts"}


def dump(value: object) -> object:
    """Any result as plain dicts, lists and scalars: models, dataclasses, frames, enums, paths."""
    if isinstance(value, BaseModel):
        return dump(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return {"columns": list(value.columns), "rows": dump(value.to_dict("records"))}
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [dump(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Path):
        return {"html": value.read_text(encoding="utf-8")} if value.suffix == ".html" else str(value)
    return value


def walk(value: object, path: str = "", key: str | None = None) -> Iterator[tuple[str, str | None, object]]:
    """(where, key, value) for every entry of a dumped result: each container, then its entries."""
    yield path, key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}", k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def leaks(result: object, terms: tuple[set[str], set[int]]) -> list[str]:
    """Where a result names a contract term: a term key with a value, a term word in a text, a
    term of the loan list (its trigger, clause, note, fee) as a value."""
    texts, fees = terms
    found = []
    for where, key, value in walk(dump(result)):
        empty = value in (None, "", [], {})
        if key == "html":  # a written report: its terms' headings, texts and fees as printed
            html = str(value)
            printed = [re.compile(r"[\s,.'\u202f\u00a0]?".join(f"{fee:,}".split(","))) for fee in fees]
            shown = TERM_HEADINGS.search(html) or any(t in html for t in texts)
            if shown or any(p.search(html) for p in printed):
                found.append(f"{where}: a written report shows a term")
        elif key is not None and (key in TERM_KEYS or TERM_KEY.search(key)) and not empty:
            found.append(f"{where} = {value!r}")
        elif isinstance(value, str) and (TERM_WORDS.search(value) or any(t in value for t in texts)):
            found.append(f"{where}: {value[:120]!r}")
        elif isinstance(value, int) and not isinstance(value, bool) and value in fees:
            found.append(f"{where} = {value}")
    return found


@pytest.fixture(scope="module")
def store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample store with the loan list (the walk stores alerts)."""
    source = with_portfolio.url.removeprefix("sqlite:///")
    path = copy_store(source, tmp_path_factory.mktemp("access") / "lw.db")  # the write-ahead log too
    # The owner's squad with a wage (a contract term of the squad list, access.SQUAD_TERMS)
    Loanwatch(str(path)).import_squad(squad_file(path.parent), owner="Juventus")
    return path


def squad_file(folder: Path) -> Path:
    path = folder / "squad.csv"
    path.write_text("player,contract end,wage\nClaudio Marchisio,2020-06-30,2500000\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def terms(store: Path) -> tuple[set[str], set[int]]:
    """The loan list's terms, as the store holds them: texts (trigger, clause, notes) and fees."""
    texts: set[str] = set()
    fees: set[int] = set()
    for s in Context.open(str(store)).store.loan_spells():
        texts |= {str(s[k]) for k in ("obligation_trigger", "recall_clause", "notes") if s[k]}
        fees |= {int(s[k]) for k in ("option_fee_eur", "obligation_fee_eur") if s[k]}
    assert fees and texts, "the example loan list carries terms"
    return texts, fees


PASSWORD = "walk-the-access-rule"


def account(svc: Services) -> str:
    """The acting user as a user of the web app (added by the admin once): his password."""
    admin = Services(svc.ctx.as_role(Role.ADMIN)).users
    if svc.ctx.user.name not in {u.name for u in admin.users()}:
        admin.add_user(svc.ctx.user.name, svc.ctx.role, PASSWORD)
    return PASSWORD


@pytest.fixture(scope="module")
def actions_store(with_actions: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the three rounds with SPADL actions (similar players need them)."""
    return copy_store(with_actions, tmp_path_factory.mktemp("access-actions") / "lw.db")


def calls(svc: Services, out: Path, actions: Path) -> dict[str, Callable[[], object]]:
    """One call of every public service method, as the acting user (similar players on
    ``actions``, a store with SPADL actions, as the same user)."""
    p, t, m, r, i = svc.players, svc.tracking, svc.metrics, svc.reports, svc.ingest
    mk, pl = svc.market, svc.plan
    u, a = svc.users, svc.audit
    name = svc.ctx.user.name
    s = Services(Context.open(str(actions), user=svc.ctx.user)).similar
    near = lambda: s.similar(Services(s.ctx).players.resolve("Insigne"), min_minutes=150, top=3)  # noqa: E731
    edition = "director" if access.sees_terms(svc.ctx.role) else "coach"  # what the user may read
    refs = [p.resolve(name) for name in PLAYERS]
    ref = refs[0]
    return {
        "PlayerService.resolve": lambda: refs,
        "PlayerService.ref": lambda: [p.ref(x.id) for x in refs],
        "PlayerService.player": lambda: [p.player(x) for x in refs],
        "PlayerService.match_warnings": lambda: p.match_warnings(
            [ln.match_id for x in refs for tl in t.timelines(x, AS_OF) for ln in tl.lines if ln.match_id]
        ),
        "PortfolioService.import_loan_list": lambda: svc.portfolio.import_loan_list(SAMPLE_PORTFOLIO),
        "PortfolioService.loan_spells": lambda: svc.portfolio.loan_spells(),
        "PortfolioService.owners": lambda: svc.portfolio.owners(),
        "PortfolioService.owned_by": lambda: svc.portfolio.owned_by([], None),
        "PortfolioService.owned_player_ids": lambda: svc.portfolio.owned_player_ids("Juventus"),
        "PortfolioService.loanees": lambda: svc.portfolio.loanees(),
        "PortfolioService.loanee_names": lambda: svc.portfolio.loanee_names(),
        "TrackingService.configure_alerts": lambda: t.configure_alerts(),
        "TrackingService.default_as_of": lambda: t.default_as_of(),
        "TrackingService.timelines": lambda: [t.timelines(x, AS_OF) for x in refs],
        "TrackingService.career": lambda: [t.career(x, AS_OF) for x in refs],
        "TrackingService.player_alerts": lambda: [t.player_alerts(x, AS_OF) for x in refs],
        "TrackingService.form": lambda: [t.form(x, AS_OF) for x in refs],
        "TrackingService.assessment": lambda: [t.assessment(x, AS_OF) for x in refs],
        "TrackingService.overview": lambda: t.overview(AS_OF),
        "TrackingService.refresh_alerts": lambda: t.refresh_alerts(AS_OF),
        "TrackingService.alerts": lambda: t.alerts(AS_OF, include_all=True),
        "TrackingService.digest": lambda: t.digest(as_of=AS_OF),
        "TrackingService.dismiss_alert": lambda: t.dismiss_alert(1, "DS", "seen"),
        "UsersService.add_user": lambda: u.add_user(f"{name}-new", "scout", PASSWORD),
        "UsersService.users": lambda: u.users(),
        "UsersService.disable_user": lambda: u.disable_user(name),
        "UsersService.login": lambda: u.login(name, account(svc)),
        "UsersService.authenticate": lambda: u.authenticate(u.login(name, account(svc)).secret),
        "UsersService.logout": lambda: u.logout(u.login(name, account(svc)).secret),
        "UsersService.me": lambda: (account(svc), u.me())[1],
        "UsersService.set_prefs": lambda: (account(svc), u.set_prefs("it", AS_OF))[1],
        "AuditService.viewed": lambda: a.viewed(ref, "report"),
        "AuditService.entries": lambda: a.entries(),
        "TrackingService.watch": lambda: t.watch(ref, "young talents", "winger"),
        "TrackingService.watchlist": lambda: t.watchlist(None, AS_OF),
        "TrackingService.notes": lambda: [t.notes(x, AS_OF) for x in refs],
        "TrackingService.add_note": lambda: t.add_note(ref, "scout A", "ready", AS_OF),
        "MetricsService.train": lambda: m.train(),
        "MetricsService.update": lambda: m.update(),
        "MetricsService.export_partitioned": lambda: m.export_partitioned(out / "parquet"),
        "MetricsService.trained": lambda: m.trained(),
        "MetricsService.latest_model": lambda: m.latest_model("xg"),
        "MetricsService.model_versions": lambda: m.model_versions(),
        "MetricsService.club_league": lambda: m.club_league("Crotone"),
        "MetricsService.reference_league": lambda: m.reference_league({"parent_club": "Juventus"}),
        # Profiles of an untrained store are computed from the events (half a minute a season):
        # asked before the spells began, so none is (their spell is loan_spells' model, walked).
        "MetricsService.spell_profiles": lambda: m.spell_profiles(ref, as_of=BEFORE),
        "MetricsService.goalkeeper_profiles": lambda: m.goalkeeper_profiles(ref, as_of=BEFORE),
        "MetricsService.player_events": lambda: m.player_events(ref.id, []),
        "MetricsService.export": lambda: m.export("2015/16", out / "metrics.csv"),
        "ReportService.report": lambda: [r.report(x, as_of=AS_OF, edition=edition) for x in refs],
        "ReportService.write": lambda: r.write(ref, out, AS_OF, edition=edition),
        "ReportService.write_all": lambda: r.write_all(out / "all", AS_OF, edition=edition),
        "ReportService.write_digest": lambda: r.write_digest(
            t.digest(as_of=AS_OF), out / "d.html", fmt="html", edition=edition
        ),
        "IngestService.ingest": lambda: i.ingest([SAMPLE_DATA / "teams.json"]),
        "IngestService.ingest_file": lambda: i.ingest_file(SAMPLE_DATA / "teams.json", "statsbomb"),
        "IngestService.update": lambda: i.update([SAMPLE_DATA / "teams.json"]),
        "IngestService.demo": lambda: i.demo(out / "demo"),
        "MarketService.owner_club": lambda: mk.owner_club("Juventus"),
        "MarketService.import_squad": lambda: mk.import_squad(squad_file(out), owner="Juventus"),
        "MarketService.squad": lambda: mk.squad("Juventus"),
        "MarketService.depth": lambda: mk.depth("Juventus"),
        "MarketService.rules_check": lambda: mk.rules_check("2024/25", "Juventus"),
        "PlanService.owner": lambda: pl.owner(),
        "PlanService.season": lambda: pl.season(),
        "PlanService.decide": lambda: [
            pl.decide(ref, "sell", season="2016/17", note="bid"),
            pl.decide(refs[1], "recall", season="2016/17"),
        ],
        "PlanService.undecide": lambda: pl.undecide(refs[1], season="2016/17"),
        "PlanService.decisions": lambda: pl.decisions("2016/17"),
        # A plan for 2016/17: its depth chart reads 2015/16, of which the sample has no match (the
        # season's profiles of an untrained store are computed from the events); the cards are real.
        "PlanService.cards": lambda: pl.cards("2016/17", as_of=AS_OF),
        "PlanService.plan": lambda: pl.plan("2016/17", as_of=AS_OF),
        "PlanService.write": lambda: pl.write(
            out / "plan.html", "2016/17", as_of=AS_OF, fmt="html", edition=edition
        ),
        "SimilarService.refresh": lambda: s.refresh(),
        "SimilarService.similar": near,
        "SimilarService.output_space": lambda: s.output_space("2017/18", 150).frame,
        "SimilarService.write": lambda: s.write(near(), out / "similar"),
    }


def public_methods() -> set[str]:
    return {
        f"{cls.__name__}.{name}"
        for cls in SERVICES
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


# What each role may not do (access.PERMISSIONS), for the walk below.
COACH_FORBIDDEN = {
    "PortfolioService.import_loan_list",
    "TrackingService.dismiss_alert",
    "TrackingService.watch",
    "TrackingService.add_note",
    "MetricsService.train",
    "MetricsService.update",
    "IngestService.ingest",
    "IngestService.ingest_file",
    "IngestService.update",
    "IngestService.demo",
    "MarketService.import_squad",
    "PlanService.decide",
    "PlanService.undecide",
    "UsersService.add_user",
    "UsersService.users",
    "UsersService.disable_user",
    "AuditService.entries",
}
DIRECTOR_SKIPPED = {  # the admin's (users): tests/test_web_api.py calls them as each role
    "UsersService.add_user",
    "UsersService.users",
    "UsersService.disable_user",
}
DIRECTOR_SKIPPED |= {  # writes the walk does not need (the director may: test_cli and others run them)
    "ReportService.write_all",  # ReportService.write, once per loanee
    "PortfolioService.import_loan_list",
    "MetricsService.train",
    "MetricsService.update",  # trains: the store has no models yet (tests/test_update.py runs it)
    "IngestService.ingest",
    "IngestService.ingest_file",
    "IngestService.update",
    "IngestService.demo",
    "TrackingService.dismiss_alert",
    "MarketService.import_squad",
}


def test_every_service_method_is_walked(store: Path, actions_store: Path, tmp_path: Path) -> None:
    names = set(calls(Services(Context.open(str(store))), tmp_path, actions_store))
    assert names == public_methods(), "a service method is not walked by this test: add it to calls()"


Terms = tuple[set[str], set[int]]


def test_the_coach_sees_no_contract_term(
    store: Path, actions_store: Path, terms: Terms, tmp_path: Path
) -> None:
    svc = Services(Context.open(str(store), user=User("coach", Role.COACH)))
    results: dict[str, object] = {}
    for name, call in calls(svc, tmp_path, actions_store).items():
        if name in COACH_FORBIDDEN:
            with pytest.raises(Forbidden):
                call()
            continue
        if name not in NOT_WALKED:
            results[name] = call()
    with pytest.raises(Forbidden):  # the coach may not ask for the director's edition
        svc.reports.report(svc.players.resolve("Mandragora"), edition="director")
    found = {name: leaks(result, terms) for name, result in results.items()}
    shown = {name: where for name, where in found.items() if where}
    assert shown == {}, "\n".join(f"{n}: {w[:3]}" for n, w in shown.items())
    # the walk saw what the terms hide in: a loan-ending alert and an obligation's players
    kinds = {a.kind for a in results["TrackingService.alerts"]}  # type: ignore[attr-defined]
    assert "loan_ending" in kinds


def test_the_director_sees_the_terms(store: Path, actions_store: Path, terms: Terms, tmp_path: Path) -> None:
    svc = Services(Context.open(str(store), user=User("DS", Role.DIRECTOR)))
    results = {
        name: call()
        for name, call in calls(svc, tmp_path, actions_store).items()
        if name not in DIRECTOR_SKIPPED | NOT_WALKED
    }
    found = {name: leaks(result, terms) for name, result in results.items()}
    for name in (
        "PortfolioService.loan_spells",
        "TrackingService.alerts",
        "TrackingService.player_alerts",
        "TrackingService.career",
        "TrackingService.assessment",
        "ReportService.report",
        "ReportService.write",
        "MarketService.squad",  # the wage
        "MarketService.depth",  # the option behind Mandragora's "decision"
        "PlanService.cards",
        "PlanService.plan",
        "PlanService.write",
    ):
        assert found[name], f"{name} shows the director no term"
    kinds = {a.kind for a in results["TrackingService.alerts"]}  # type: ignore[attr-defined]
    assert {"loan_ending", "obligation_close"} & kinds


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, set(access.Permission)),
        (Role.DIRECTOR, set(access.Permission) - {access.Permission.MANAGE_USERS}),
        (Role.COACH, set()),
        (Role.SCOUT, {access.Permission.WRITE_NOTES, access.Permission.MANAGE_WATCHLISTS}),
        (
            Role.ANALYST,
            {access.Permission.INGEST, access.Permission.WRITE_NOTES, access.Permission.MANAGE_WATCHLISTS},
        ),
    ],
)
def test_the_table_of_roles(role: Role, allowed: set[access.Permission]) -> None:
    assert {p for p in access.Permission if access.may(role, p)} == allowed
    assert access.role_of(role.value.upper()) is role
