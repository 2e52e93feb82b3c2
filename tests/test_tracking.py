"""Tracking on the real 2017/18 sample, replayed week by week: timelines, careers, alerts, digest.

The season is replayed on copies of the session store (alerts are written there); the facts
asserted were read from the data: Orsolini (recalled from Atalanta 2018-01-24, at Bologna from
2018-01-25) first plays for Bologna on 2018-02-04 (W05); Pjaca first plays for Schalke on
2018-01-13 at RB Leipzig (W02); Orsolini is off Bologna's sheet on 2018-03-11 and 2018-03-18;
Spinazzola is off Atalanta's sheet for the first 5 matches and the last 9 (from 2018-03-31).
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loanwatch.api import SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.cli import app

SUNDAYS = [date(2017, 8, 20) + timedelta(weeks=i) for i in range(40)]  # W33 2017 .. W20 2018


def _copy(lw: Loanwatch, dest: Path) -> Loanwatch:
    src = lw.url.removeprefix("sqlite:///")
    shutil.copy(src, dest)
    return Loanwatch(str(dest))


def _replay(lw: Loanwatch) -> dict[str, Any]:
    digests = {}
    for sunday in SUNDAYS:
        d = lw.digest(week=f"{sunday.isocalendar()[0]}-W{sunday.isocalendar()[1]:02d}")
        digests[d.week] = d
    return digests


@pytest.fixture(scope="module")
def season(ingested: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Loanwatch, dict[str, Any]]:
    """The example loan list, default alert settings, the season replayed week by week."""
    lw = _copy(ingested, tmp_path_factory.mktemp("replay") / "lw.db")
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    lw.watch("Federico Chiesa", "young talents", "Fiorentina winger")
    return lw, _replay(lw)


@pytest.fixture(scope="module")
def contract_season(ingested: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    """Test terms on real players: Orsolini's obligation at 5 appearances, a January recall clause
    for Caldara; out of the squad alerted after 2 matches. Replayed week by week."""
    root = tmp_path_factory.mktemp("contract")
    lw = _copy(ingested, root / "lw.db")
    text = SAMPLE_PORTFOLIO.read_text(encoding="utf-8").replace("10 appearances", "5 appearances")
    lines = text.splitlines()
    header = lines[0] + ",recall_clause"
    body = [ln + (",January window" if ln.startswith("Mattia Caldara") else ",") for ln in lines[1:]]
    (root / "loans.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    result = lw.import_portfolio(root / "loans.csv")
    assert not result.problems
    lw.configure_alerts(overrides={"out_of_squad": {"matches": 2}})
    _replay(lw)
    return lw


def _stored(lw: Loanwatch, kind: str, name: str) -> list[dict[str, Any]]:
    pid = lw.find_player(name).id
    return [a for a in lw.store.alerts(player_id=pid) if a["kind"] == kind]


# -- timelines and careers ------------------------------------------------------------------------


def test_orsolini_is_one_career_with_two_spells(with_portfolio: Loanwatch) -> None:
    career = with_portfolio.career("Orsolini", date(2018, 5, 20))
    assert [e.spell.host_club_name for e in career.spells] == ["Atalanta", "Bologna"]
    assert [e.state for e in career.spells] == ["recalled", "active"]
    assert len(career.moves) == 1
    move = career.moves[0]
    assert (move.from_club, move.to_club, move.date) == ("Atalanta", "Bologna", date(2018, 1, 25))
    bologna = career.spells[1]
    previous, last_5 = bologna.windows["previous_spell"], bologna.windows["last_5"]
    assert previous is not None and previous["label"] == "at Atalanta"
    assert last_5 is not None and last_5["matches"] == 5
    assert bologna.trigger is not None and bologna.trigger.count == 8 and bologna.trigger.target == 10
    # As the club knew it on 2018-01-10: one spell, at Atalanta, no move yet.
    early = with_portfolio.career("Orsolini", date(2018, 1, 10))
    assert [e.spell.host_club_name for e in early.spells] == ["Atalanta"]
    assert early.moves == []
    assert max(ln.kickoff.date() for ln in early.spells[0].timeline.lines) == date(2018, 1, 6)


def test_timeline_lines_carry_share_result_and_degrade_without_models(with_portfolio: Loanwatch) -> None:
    (atalanta, bologna) = with_portfolio.timelines("Orsolini", date(2018, 3, 1))
    assert max(ln.kickoff.date() for ln in bologna.lines) == date(2018, 2, 24)
    first = next(ln for ln in bologna.lines if ln.appeared)
    assert (first.kickoff.date(), first.opponent, first.status.value) == (
        date(2018, 2, 4),
        "Fiorentina",
        "came_on",
    )
    assert 0 < first.share < 0.35 and first.outcome in "WDL"
    assert not bologna.has_stats and first.vaep is None  # models not trained: availability only
    assert with_portfolio.form("Orsolini", date(2018, 3, 1)).verdict == "no data"


# -- the replay ------------------------------------------------------------------------------------


def test_january_loanees_first_appear_in_the_right_week(season: tuple[Loanwatch, dict[str, Any]]) -> None:
    _, digests = season

    def entry(week: str, name: str) -> Any:
        return next(e for e in digests[week].entries if name in e.player_name)

    assert not any("first appearance" in c for c in entry("2018-W04", "Orsolini").changes)
    assert entry("2018-W04", "Orsolini").matches[0].status.value == "not_in_squad"
    assert any("first appearance for Bologna: 2018-02-04" in c for c in entry("2018-W05", "Orsolini").changes)
    assert not any("Pjaca" in e.player_name for e in digests["2017-W52"].entries)  # loan from 2018-01-03
    assert entry("2018-W01", "Pjaca").matches == []
    pjaca = entry("2018-W02", "Pjaca")
    assert any("first appearance for Schalke 04: 2018-01-13" in c for c in pjaca.changes)
    assert pjaca.matches[0].opponent == "RB Leipzig"


def test_long_absence_alerted_in_its_week_and_escalated(season: tuple[Loanwatch, dict[str, Any]]) -> None:
    lw, digests = season
    alerts = _stored(lw, "out_of_squad", "Spinazzola")
    # Off the sheet for the first 5 rounds: the third is 2017-09-10 (W36); then from 2018-03-31:
    # the third is 2018-04-07 (W14): each run is one alert, dated by the match that made it true.
    assert sorted(a["raised_on"] for a in alerts) == [date(2017, 9, 10), date(2018, 4, 7)]

    # The second run escalates the same alert: warning on 04-08, critical from the sixth (04-22).
    def run_alerts(day: date) -> list[tuple[date, str]]:
        return [
            (a.raised_on, a.severity)
            for a in lw.player_alerts("Spinazzola", day)
            if a.kind == "out_of_squad" and a.active
        ]

    assert run_alerts(date(2018, 4, 8)) == [(date(2018, 4, 7), "warning")]
    assert run_alerts(date(2018, 4, 22)) == [(date(2018, 4, 7), "critical")]
    titles = [
        a.title for d in (date(2018, 4, 8), date(2018, 4, 22)) for a in lw.player_alerts("Spinazzola", d)
    ]
    assert len(titles) == len(set(titles))  # never twice with the same text
    spina = next(e for e in digests["2018-W14"].entries if "Spinazzola" in e.player_name)
    assert spina.alerts and spina.alerts[0]["kind"] == "out_of_squad" and spina.alerts[0]["new"]
    assert digests["2018-W14"].entries[0].player_name.endswith("Spinazzola")  # alerts first
    spina13 = next(e for e in digests["2018-W13"].entries if "Spinazzola" in e.player_name)
    assert not [a for a in spina13.alerts if a["kind"] == "out_of_squad"]


def test_obligation_close_near_the_end_and_loans_ending_in_may(
    season: tuple[Loanwatch, dict[str, Any]],
) -> None:
    lw, _ = season
    close = _stored(lw, "obligation_close", "Orsolini")
    assert [a["raised_on"] for a in close] == [date(2018, 4, 29)]  # the match of the 7th of 10 appearances
    assert _stored(lw, "obligation_fired", "Orsolini") == []
    for name in ("Mandragora", "Caldara", "Spinazzola", "Pjaca"):
        # 8 weeks before 2018-06-30
        assert [a["raised_on"] for a in _stored(lw, "loan_ending", name)] == [date(2018, 5, 5)], name
    # The Atalanta spell ended with a recall and a new loan: a move, not an expiry.
    assert _stored(lw, "loan_ending", "Orsolini") == []


def test_dismissed_alerts_stay_dismissed_with_who_and_why(season: tuple[Loanwatch, dict[str, Any]]) -> None:
    lw, _ = season
    (alert,) = _stored(lw, "loan_ending", "Mandragora")
    runner = CliRunner()
    store = lw.url.removeprefix("sqlite:///")
    result = runner.invoke(
        app,
        ["alerts", "dismiss", str(alert["id"]), "--by", "DS", "--reason", "option decided", "--store", store],
    )
    assert result.exit_code == 0, result.output
    d = lw.digest(week="2018-W20")
    mandragora = next(e for e in d.entries if "Mandragora" in e.player_name)
    assert not [a for a in mandragora.alerts if a["kind"] == "loan_ending"]
    (again,) = _stored(lw, "loan_ending", "Mandragora")
    assert (again["status"], again["dismissed_by"], again["dismiss_reason"]) == (
        "dismissed",
        "DS",
        "option decided",
    )
    ending = [a for a in lw.player_alerts("Mandragora", date(2018, 5, 20)) if a.kind == "loan_ending"]
    assert ending[0].status == "dismissed"
    listed = runner.invoke(app, ["alerts", "list", "--as-of", "2018-05-20", "--all", "--store", store])
    assert listed.exit_code == 0 and "dismissed by DS: option decided" in listed.output
    open_only = runner.invoke(app, ["alerts", "list", "--as-of", "2018-05-20", "--store", store])
    assert "option decided" not in open_only.output and "Spinazzola" in open_only.output


def test_watchlist_shows_the_same_timeline(season: tuple[Loanwatch, dict[str, Any]]) -> None:
    lw, digests = season
    (entry,) = lw.watchlist("young talents", date(2018, 1, 10))
    (tl,) = entry.timelines
    assert tl.spell["host_club_name"] == "Fiorentina" and len(tl.lines) == 20
    assert any(e.watchlist == "young talents" for e in digests["2018-W02"].entries)
    store = lw.url.removeprefix("sqlite:///")
    runner = CliRunner()
    assert (
        runner.invoke(
            app,
            [
                "notes",
                "add",
                "Chiesa",
                "--author",
                "scout A",
                "--text",
                "ready",
                "--date",
                "2018-01-08",
                "--store",
                store,
            ],
        ).exit_code
        == 0
    )
    shown = runner.invoke(
        app, ["watchlist", "show", "young talents", "--as-of", "2018-01-10", "--store", store]
    )
    assert shown.exit_code == 0 and "Fiorentina" in shown.output and "scout A: ready" in shown.output


def test_digest_command(season: tuple[Loanwatch, dict[str, Any]]) -> None:
    lw, _ = season
    store = lw.url.removeprefix("sqlite:///")
    result = CliRunner().invoke(
        app, ["digest", "--week", "2018-W05", "--store", store], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Digest 2018-W05" in result.output and "first appearance for Bologna" in result.output
    bad = CliRunner().invoke(app, ["digest", "--week", "2018-03", "--store", store])
    assert bad.exit_code != 0


# -- contract terms (test rows on real players) ----------------------------------------------------


def test_obligation_fires_on_the_match_that_reaches_it(contract_season: Loanwatch) -> None:
    (fired,) = _stored(contract_season, "obligation_fired", "Orsolini")
    evidence = json.loads(fired["evidence"])
    # 5th appearance: 2018-04-18 at Sampdoria, 4 minutes off the bench (a Wednesday of W16).
    assert evidence["fired_on"] == "2018-04-18"
    assert evidence["counted_matches"][4]["date"] == "2018-04-18"
    assert evidence["counted_matches"][4]["minutes"] == 4.0
    assert evidence["count"] == 6  # as first seen on Sunday 04-22, after that day's start too
    assert fired["raised_on"] == date(2018, 4, 18)  # the match that made it true
    assert fired["severity"] == "critical"


def test_out_of_squad_twice_alerted_in_the_week_of_the_second(contract_season: Loanwatch) -> None:
    alerts = _stored(contract_season, "out_of_squad", "Orsolini")
    assert [(a["raised_on"], a["severity"]) for a in alerts] == [(date(2018, 3, 18), "warning")]  # the 2nd
    before = contract_season.player_alerts("Orsolini", date(2018, 3, 11))
    assert not [a for a in before if a.kind == "out_of_squad"]


def test_recall_window_opens_in_january(contract_season: Loanwatch) -> None:
    (alert,) = _stored(contract_season, "recall_window", "Caldara")
    assert alert["raised_on"] == date(2018, 1, 1)  # the window opens, not the first weekly run


def test_digest_page_for_the_coach(season: tuple[Loanwatch, dict[str, Any]], tmp_path: Path) -> None:
    lw, _ = season
    out = tmp_path / "digest.html"
    result = CliRunner().invoke(
        app,
        [
            "digest",
            "--week",
            "2018-W14",
            "--format",
            "html",
            "--lang",
            "it",
            "--out",
            str(out),
            "--store",
            lw.location,
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Spinazzola" in html and "Orsolini" in html and "Pappalardo" in html
    assert "15.000.000" not in html and "€" not in html  # the coach's page carries no fees
