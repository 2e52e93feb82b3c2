"""Alerts in time, on the real 2017/18 sample with both real loan lists (data/portfolios).

Facts read from the data: Spinazzola plays 68 % of Atalanta's minutes, then is off the sheet from
2018-03-31 to the end; Lisandro López (at Inter from 2018-01-30) sits unused on the bench match
after match; Meret (SPAL's goalkeeper) is injured off the sheet from August and back on the bench,
unused, from late November 2017.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_DATA
from loanwatch.api import Loanwatch
from loanwatch.services.models import AlertView

PORTFOLIOS = Path(__file__).resolve().parents[1] / "data" / "portfolios"


def _store(ingested: Loanwatch, dest: Path) -> Loanwatch:
    shutil.copy(ingested.url.removeprefix("sqlite:///"), dest)
    lw = Loanwatch(str(dest))
    for name in ("juventus-2017-18.csv", "group-2017-18.csv"):
        lw.import_portfolio(PORTFOLIOS / name)
    return lw


@pytest.fixture(scope="module")
def two(ingested: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Loanwatch, Loanwatch]:
    root = tmp_path_factory.mktemp("alerts")
    return _store(ingested, root / "a.db"), _store(ingested, root / "b.db")


def _plain(rows: list[AlertView]) -> list[str]:
    """What a reader sees, without the store's ids (given in the order alerts were first stored)."""
    keep = ("key", "severity", "title", "raised_on", "status", "active", "evidence")
    return sorted(json.dumps(r.model_dump(include=set(keep)), default=str, sort_keys=True) for r in rows)


def test_alerts_as_of_a_date_do_not_depend_on_what_ran_before(two: tuple[Loanwatch, Loanwatch]) -> None:
    a, b = two
    day = date(2018, 3, 1)
    first_a = a.alerts(day)
    all_a = a.alerts(day, include_all=True)
    for week in ("2018-W11", "2018-W20"):  # later weeks first, in the other store
        b.digest(week=week)
    first_b = b.alerts(day)
    all_b = b.alerts(day, include_all=True)
    assert first_a and _plain(first_a) == _plain(first_b)
    assert _plain(all_a) == _plain(all_b)
    assert all(r.raised_on <= day for r in all_a + all_b)
    assert {r.key for r in first_a} <= {r.key for r in all_a}  # --all never shows fewer
    # the stored date is the match's, whichever as-of date saw it first
    stored = {r["key"]: r["raised_on"] for r in b.store.alerts()}
    assert all(stored[r.key] == r.raised_on for r in all_b)


def test_minutes_collapse_stays_open_while_he_is_off_the_pitch(two: tuple[Loanwatch, Loanwatch]) -> None:
    lw, _ = two
    for day in (date(2018, 4, 15), date(2018, 5, 20)):
        (alert,) = [a for a in lw.player_alerts("Spinazzola", day) if a.kind == "minutes_collapse"]
        evidence: dict[str, Any] = dict(alert.evidence)  # the rule's own figures (tracking/alerts.py)
        assert alert.active and alert.raised_on == date(2018, 4, 14), day
        assert evidence["share_last"] < 0.25 and evidence["ongoing"]
    assert evidence["share_last"] == 0.0
    assert evidence["matches_since"] >= 7  # the old rule expired after 5


def test_a_loanee_who_stops_starting_is_alerted_once_and_escalates(two: tuple[Loanwatch, Loanwatch]) -> None:
    lw, _ = two

    def benched(name: str, day: date) -> list[AlertView]:
        return [a for a in lw.player_alerts(name, day) if a.kind == "not_starting" and a.active]

    (early,) = benched("Lisandro López", date(2018, 3, 11))
    early_evidence: dict[str, Any] = dict(early.evidence)
    assert early.raised_on <= date(2018, 3, 11) and early.severity == "warning"
    assert early_evidence["unused"] >= 3 and early_evidence["last_start"] is None
    (late,) = benched("Lisandro López", date(2018, 5, 20))
    late_evidence: dict[str, Any] = dict(late.evidence)
    assert late.key == early.key and late.severity == "critical"
    assert late.title != early.title and late_evidence["without_start"] >= 8


def test_a_goalkeeper_on_the_bench_is_alerted(two: tuple[Loanwatch, Loanwatch]) -> None:
    """A second goalkeeper is rarely dropped from the squad: the bench is what goes wrong."""
    lw, _ = two
    day = date(2017, 12, 10)
    alerts = lw.player_alerts("Meret", day)
    (benched,) = [a for a in alerts if a.kind == "not_starting"]
    unused: Any = benched.evidence["unused"]
    assert benched.active and unused >= 1
    assert not [a for a in alerts if a.kind == "out_of_squad" and a.active]  # on the bench now


def test_every_rule_is_documented_with_its_evidence() -> None:
    from loanwatch.tracking import alerts

    doc = alerts.__doc__ or ""
    for kind in (
        "minutes_collapse",
        "out_of_squad",
        "not_starting",
        "role_change",
        "breakout",
        "slump",
        "obligation_close",
        "obligation_fired",
        "loan_ending",
        "recall_window",
    ):
        assert f"``{kind}``" in doc, kind
    for key in ("without_start", "last_start", "matches_since", "escalated_on", "in_a_row"):
        assert f"``{key}``" in doc, key


@pytest.mark.skipif(not (SHARED_DATA / "matches").exists(), reason="../shared data not present")
def test_a_summer_tournament_does_not_move_the_default_date(
    two: tuple[Loanwatch, Loanwatch], tmp_path: Path
) -> None:
    """Euro 2016 in the store: the default as-of date stays the last match of the host clubs'
    competitions (Serie A 2017/18: 2018-05-20)."""
    _, lw = two
    before = lw.default_as_of()
    assert before == date(2018, 5, 20)
    folder = tmp_path / "euro"
    (folder / "matches").mkdir(parents=True)
    (folder / "events").mkdir()
    for name in ("players.json", "teams.json"):
        shutil.copy(SHARED_DATA / name, folder / name)
    shutil.copy(SHARED_DATA / "matches" / "matches_European_Championship.json", folder / "matches")
    final = sorted((SHARED_DATA / "events" / "European_Championship").iterdir())[-1]
    shutil.copy(final, folder / "events" / final.name)
    lw.ingest([folder])
    lw2 = Loanwatch(lw.url.removeprefix("sqlite:///"))
    assert lw2.store.matches_frame()["competition"].str.contains("European").any()
    assert lw2.default_as_of() == before


# -- availability as clubs count it: ineligible against the owner club -----------------------------


def _clause_list(
    root: Path, value_for: dict[str, str], header: str = "impiegabile contro proprietario"
) -> Path:
    """The real Juventus list with the eligibility clause column (Italian header) filled in."""
    lines = (PORTFOLIOS / "juventus-2017-18.csv").read_text(encoding="utf-8").splitlines()
    out = [f"{lines[0]},{header}"]
    for line in lines[1:]:
        out.append(line + "," + next((v for k, v in value_for.items() if line.startswith(k)), ""))
    path = root / "loans.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clause(ingested: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    """Caldara and Spinazzola (Atalanta, owned by Juventus) may not play Juventus (a test clause)."""
    root = tmp_path_factory.mktemp("clause")
    shutil.copy(ingested.url.removeprefix("sqlite:///"), root / "lw.db")
    lw = Loanwatch(str(root / "lw.db"))
    result = lw.import_portfolio(_clause_list(root, {"Mattia Caldara": "no", "Leonardo Spinazzola": "no"}))
    assert not result.problems
    return lw


def _vs_juventus(lw: Loanwatch, name: str) -> list[Any]:
    (tl,) = [t for t in lw.player_timelines(name) if t.spell["host_club_name"] == "Atalanta"]
    return [ln for ln in tl.lines if ln.opponent == "Juventus"]


def test_a_match_against_the_owner_club_is_ineligible_not_an_absence(clause: Loanwatch) -> None:
    from loanwatch.domain import AppearanceStatus

    (spell,) = [s for s in clause.store.loan_spells() if s["player_name"] == "Mattia Caldara"]
    assert spell["eligible_vs_owner"] is False
    # Atalanta-Juventus 2017-10-01 (he started), Juventus-Atalanta 2018-03-14 (on the bench, unused)
    first, second = _vs_juventus(clause, "Caldara")
    assert first.status == AppearanceStatus.STARTED and first.match_minutes > 90
    assert second.kickoff.date() == date(2018, 3, 14)
    assert second.status == AppearanceStatus.INELIGIBLE and second.match_minutes == 0.0
    (tl,) = clause.player_timelines("Caldara")
    assert tl.count(AppearanceStatus.UNUSED) == sum(ln.status == AppearanceStatus.UNUSED for ln in tl.lines)
    assert tl.available_minutes == pytest.approx(sum(ln.match_minutes for ln in tl.lines))
    # the alerts do not count it as a match on the bench
    for a in clause.alerts(date(2018, 5, 20), include_all=True):
        if a.player_id == spell["player_id"]:
            matches: Any = a.evidence.get("matches", [])
            assert "2018-03-14" not in [m["date"] for m in matches], a.title
    # Spinazzola played both matches: what happened is shown, whatever the clause says
    assert [ln.status for ln in _vs_juventus(clause, "Spinazzola")] == [
        AppearanceStatus.STARTED,
        AppearanceStatus.CAME_ON,
    ]


def test_the_competition_setting_applies_without_a_clause(
    with_portfolio: Loanwatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loanwatch.domain import AppearanceStatus

    (tmp_path / "rules.toml").write_text(
        '[competitions."Serie A"]\nowner_club_rule = true\n', encoding="utf-8"
    )
    assert _vs_juventus(with_portfolio, "Caldara")[1].status == AppearanceStatus.UNUSED  # default off
    monkeypatch.setenv("LOANWATCH_ELIGIBILITY", str(tmp_path / "rules.toml"))
    lw = Loanwatch(with_portfolio.url.removeprefix("sqlite:///"))
    assert _vs_juventus(lw, "Caldara")[1].status == AppearanceStatus.INELIGIBLE


def test_a_bad_clause_value_names_the_row_and_the_good_rows_land(ingested: Loanwatch, tmp_path: Path) -> None:
    shutil.copy(ingested.url.removeprefix("sqlite:///"), tmp_path / "lw.db")
    lw = Loanwatch(str(tmp_path / "lw.db"))
    result = lw.import_portfolio(_clause_list(tmp_path, {"Mattia Caldara": "maybe"}, "eligible_vs_owner"))
    (problem,) = result.problems
    text = str(problem)
    assert "Caldara" in text and "maybe" in text and "eligible_vs_owner" in text and "yes or no" in text
    assert len(result.imported) >= 4 and "Mattia Caldara" not in {
        s["player_name"] for s in lw.store.loan_spells()
    }
