"""A club's matches that the store has no event data for show as "no data", not as absences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from loanwatch.api import Loanwatch
from loanwatch.cli import app
from loanwatch.domain import AppearanceStatus


def test_unplayed_fixtures_are_no_data(small_sample: Path, tmp_path: Path) -> None:
    # Three real round-1 matches with events; the sheets file lists all 380 Serie A matches.
    store = tmp_path / "s.db"
    lw = Loanwatch(str(store))
    assert lw.ingest([small_sample]).matches == 3
    loans = tmp_path / "loans.csv"
    loans.write_text(
        "player,birth_date,parent_club,host_club,competition,loan_start,loan_end,loan_type\n"
        "Mattia Caldara,1994-05-05,Juventus,Atalanta,Serie A,2017-07-01,2018-06-30,loan back\n",
        encoding="utf-8",
    )
    assert not lw.import_portfolio(loans).problems
    (timeline,) = lw.player_timelines("Caldara")
    statuses = [line.status for line in timeline.lines]
    assert len(statuses) == 38  # Atalanta's whole Serie A season, from the sheets
    played = [line for line in timeline.lines if line.status != AppearanceStatus.NO_DATA]
    assert [line.opponent for line in played] == ["Roma"]  # 2017-08-20, the one match with events
    assert statuses.count(AppearanceStatus.NO_DATA) == 37
    # No data is not an absence: it adds no minutes to share and no "not in squad".
    assert AppearanceStatus.NOT_IN_SQUAD not in statuses
    assert timeline.available_minutes == played[0].match_minutes
    # As of 2017-09-01 only the first two rounds are there.
    (early,) = lw.player_timelines("Caldara", as_of=date(2017, 9, 1))
    assert len(early.lines) == 2

    result = CliRunner().invoke(
        app, ["player", "Caldara", "--no-profile", "--store", str(store)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "no data" in result.output
