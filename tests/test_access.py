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
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

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
    path = tmp_path_factory.mktemp("access") / "lw.db"
    source = sqlite3.connect(with_portfolio.url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as copy:
        source.backup(copy)  # what the write-ahead log holds too
    source.close()
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


def calls(svc: Services, out: Path) -> dict[str, Callable[[], object]]:
    """One call of every public service method, as the acting user."""
    p, t, m, r, i = svc.players, svc.tracking, svc.metrics, svc.reports, svc.ingest
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
        "TrackingService.watch": lambda: t.watch(ref, "young talents", "winger"),
        "TrackingService.watchlist": lambda: t.watchlist(None, AS_OF),
        "TrackingService.notes": lambda: [t.notes(x, AS_OF) for x in refs],
        "TrackingService.add_note": lambda: t.add_note(ref, "scout A", "ready", AS_OF),
        "MetricsService.train": lambda: m.train(),
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
        "IngestService.demo": lambda: i.demo(out / "demo"),
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
    "IngestService.ingest",
    "IngestService.ingest_file",
    "IngestService.demo",
}
DIRECTOR_SKIPPED = {  # writes the walk does not need (the director may: test_cli and others run them)
    "ReportService.write_all",  # ReportService.write, once per loanee
    "PortfolioService.import_loan_list",
    "MetricsService.train",
    "IngestService.ingest",
    "IngestService.ingest_file",
    "IngestService.demo",
    "TrackingService.dismiss_alert",
}


def test_every_service_method_is_walked(store: Path, tmp_path: Path) -> None:
    names = set(calls(Services(Context.open(str(store))), tmp_path))
    assert names == public_methods(), "a service method is not walked by this test: add it to calls()"


Terms = tuple[set[str], set[int]]


def test_the_coach_sees_no_contract_term(store: Path, terms: Terms, tmp_path: Path) -> None:
    svc = Services(Context.open(str(store), user=User("coach", Role.COACH)))
    results: dict[str, object] = {}
    for name, call in calls(svc, tmp_path).items():
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


def test_the_director_sees_the_terms(store: Path, terms: Terms, tmp_path: Path) -> None:
    svc = Services(Context.open(str(store), user=User("DS", Role.DIRECTOR)))
    results = {
        name: call()
        for name, call in calls(svc, tmp_path).items()
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
