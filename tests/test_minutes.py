"""Minutes played: hand-made match sheets, then real matches read through the Wyscout reader.

The real numbers below were read off the raw files (match sheet and events of match 2575959,
Atalanta - Roma 0-1, 2017-08-20), not derived from the code under test:
- last event of the first half at 2685.711 s (44.76 min), of the second half at 2997.078 s (49.95 min);
- Atalanta's substitutions: 135150 for 246175 (A. Petagna) at 58, 20820 for 21620 at 70,
  625 for 20404 at 75; Roma's: playerIn 0 (unknown) for 23149 at 74, 44251 at 81, 3475 at 84;
- the only goal: a direct free kick by 8306 (Roma, tags 101 goal) in the second half.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from loanwatch.domain import AppearanceStatus, SheetEntry, Substitution, TeamSheet
from loanwatch.ingest import wyscout
from loanwatch.ingest.minutes import elapsed_minutes, match_appearances, team_appearances
from loanwatch.metrics.boxscore import goals_by_club

PERIODS = {1: 46.5, 2: 49.25}  # a match of 95.75 real minutes
LENGTH = 95.75


def _sheet(entries: list[SheetEntry], subs: list[Substitution]) -> TeamSheet:
    return TeamSheet(club_id="1", side="home", score=0, entries=tuple(entries), substitutions=tuple(subs))


def _by_player(team: TeamSheet, periods: dict[int, float] = PERIODS) -> dict[str, object]:
    apps = team_appearances(team, periods, {"s1": "GK"})
    assert len(apps) == len(team.entries)
    return {a.player_id: a for a in apps}


# -- elapsed_minutes ------------------------------------------------------------------------------


def test_elapsed_minutes_first_half() -> None:
    assert elapsed_minutes(0, PERIODS) == 0.0
    assert elapsed_minutes(30, PERIODS) == 30.0
    assert elapsed_minutes(45, PERIODS) == 45.0
    # A first half shorter than the clock minute: clamped to the half's real end.
    assert elapsed_minutes(45, {1: 44.0, 2: 47.0}) == 44.0


def test_elapsed_minutes_second_half() -> None:
    assert elapsed_minutes(58, PERIODS) == pytest.approx(46.5 + 13)
    assert elapsed_minutes(93, PERIODS) == pytest.approx(46.5 + 48)
    # Beyond the second half's real length: clamped to the end of the match.
    assert elapsed_minutes(98, PERIODS) == pytest.approx(LENGTH)


def test_elapsed_minutes_half_time_change_is_at_the_start_of_the_second_half() -> None:
    # Minute 46 is the provider's mark for a substitution made at half time.
    assert elapsed_minutes(46, PERIODS) == pytest.approx(46.5)


def test_elapsed_minutes_extra_time() -> None:
    et = {1: 46.0, 2: 48.0, 3: 15.5, 4: 16.0}
    assert elapsed_minutes(91, et) == pytest.approx(94.0)  # at the start of extra time
    assert elapsed_minutes(100, et) == pytest.approx(94.0 + 10)
    assert elapsed_minutes(106, et) == pytest.approx(94.0 + 15.5)
    assert elapsed_minutes(118, et) == pytest.approx(94.0 + 15.5 + 13)


def test_elapsed_minutes_without_periods_is_the_clock() -> None:
    assert elapsed_minutes(58, {}) == 58.0


# -- team_appearances -----------------------------------------------------------------------------


def test_starter_not_substituted_plays_the_real_length() -> None:
    team = _sheet([SheetEntry("s1", True)], [])
    a = _by_player(team)["s1"]
    assert a.status == AppearanceStatus.STARTED
    assert (a.minute_on, a.minute_off, a.minutes_played) == (0.0, LENGTH, LENGTH)
    assert a.position == "GK"
    assert a.club_id == "1"


def test_substitution_at_58() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(58, "b1", "s1")])
    apps = _by_player(team)
    assert apps["s1"].status == AppearanceStatus.STARTED
    assert apps["s1"].minute_off == pytest.approx(59.5)
    assert apps["s1"].minutes_played == pytest.approx(59.5)
    assert apps["b1"].status == AppearanceStatus.CAME_ON
    assert apps["b1"].minute_on == pytest.approx(59.5)
    assert apps["b1"].minute_off == pytest.approx(LENGTH)
    assert apps["b1"].minutes_played == pytest.approx(LENGTH - 59.5)


def test_substitution_at_half_time() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(46, "b1", "s1")])
    apps = _by_player(team)
    assert apps["s1"].minutes_played == pytest.approx(46.5)  # the whole first half, no more
    assert apps["b1"].minute_on == pytest.approx(46.5)
    assert apps["b1"].minutes_played == pytest.approx(49.25)  # the whole second half


def test_substitution_in_stoppage_time() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(93, "b1", "s1")])
    apps = _by_player(team)
    assert apps["s1"].minutes_played == pytest.approx(94.5)
    assert apps["b1"].status == AppearanceStatus.CAME_ON
    assert apps["b1"].minutes_played == pytest.approx(LENGTH - 94.5)


def test_substitution_after_the_last_event_gives_zero_minutes_not_negative() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(97, "b1", "s1")])
    apps = _by_player(team)
    assert apps["s1"].minutes_played == pytest.approx(LENGTH)
    assert apps["b1"].status == AppearanceStatus.CAME_ON
    assert apps["b1"].minutes_played == 0.0


def test_red_card() -> None:
    team = _sheet(
        [SheetEntry("s1", True, red_card_minute=80), SheetEntry("s2", True, red_card_minute=30)],
        [],
    )
    apps = _by_player(team)
    assert apps["s1"].red_card and apps["s2"].red_card
    assert apps["s1"].minute_off == pytest.approx(46.5 + 35)
    assert apps["s1"].minutes_played == pytest.approx(81.5)
    assert apps["s2"].minutes_played == pytest.approx(30.0)


def test_red_card_in_stoppage_time_written_as_93() -> None:
    team = _sheet([SheetEntry("s1", True, red_card_minute=93)], [])
    assert _by_player(team)["s1"].minutes_played == pytest.approx(94.5)


def test_substitute_sent_off() -> None:
    team = _sheet(
        [SheetEntry("s1", True), SheetEntry("b1", False, red_card_minute=88)], [Substitution(60, "b1", "s1")]
    )
    b1 = _by_player(team)["b1"]
    assert b1.status == AppearanceStatus.CAME_ON and b1.red_card
    assert b1.minutes_played == pytest.approx((46.5 + 43) - (46.5 + 15))


def test_unknown_player_in() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(70, "", "s1")])
    apps = _by_player(team)
    assert apps["s1"].minutes_played == pytest.approx(46.5 + 25)
    assert apps["b1"].status == AppearanceStatus.UNUSED
    assert apps["b1"].minutes_played == 0.0
    assert apps["b1"].minute_on is None and apps["b1"].minute_off is None


def test_player_who_comes_on_and_goes_off() -> None:
    team = _sheet(
        [SheetEntry("s1", True), SheetEntry("s2", True), SheetEntry("b1", False), SheetEntry("b2", False)],
        [Substitution(85, "b2", "b1"), Substitution(60, "b1", "s1")],  # out of order on purpose
    )
    apps = _by_player(team)
    b1 = apps["b1"]
    assert b1.status == AppearanceStatus.CAME_ON
    assert b1.minute_on == pytest.approx(61.5)
    assert b1.minute_off == pytest.approx(86.5)
    assert b1.minutes_played == pytest.approx(25.0)
    assert apps["b2"].minutes_played == pytest.approx(LENGTH - 86.5)
    assert apps["s2"].minutes_played == pytest.approx(LENGTH)


def test_unused_bench_player() -> None:
    team = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [])
    b1 = _by_player(team)["b1"]
    assert b1.status == AppearanceStatus.UNUSED
    assert b1.minutes_played == 0.0


def test_starter_listed_again_as_substitute_in_is_not_restarted() -> None:
    # A sheet error: a player already on the pitch "comes on" again; he keeps his start.
    team = _sheet([SheetEntry("s1", True), SheetEntry("s2", True)], [Substitution(60, "s1", "s2")])
    apps = _by_player(team)
    assert apps["s1"].minute_on == 0.0
    assert apps["s1"].minutes_played == pytest.approx(LENGTH)


def test_no_one_plays_longer_than_the_match() -> None:
    team = _sheet(
        [SheetEntry("s1", True, red_card_minute=120), SheetEntry("b1", False)],
        [Substitution(1, "b1", "x"), Substitution(130, "", "s1")],
    )
    for a in team_appearances(team, PERIODS, {}):
        assert 0.0 <= a.minutes_played <= LENGTH


# -- real matches through the reader --------------------------------------------------------------


def _real(sample_dir: Path, competition: str, match_id: str):
    sheets_path = sample_dir / "matches" / f"matches_{competition}.json.gz"
    sheets = wyscout.read_match_sheets(sheets_path, gzip.decompress(sheets_path.read_bytes()))
    sheet = next(s for s in sheets if s.match_id == match_id)
    path = sample_dir / "events" / competition / f"{match_id}.json.gz"
    parsed = wyscout.WyscoutMatchFile(path, gzip.decompress(path.read_bytes()))
    return sheet, parsed, orjson.loads(gzip.decompress(path.read_bytes()))


def _raw_period_minutes(raw: dict) -> dict[str, float]:
    last: dict[str, float] = {}
    for e in raw["events"]:
        last[e["matchPeriod"]] = max(last.get(e["matchPeriod"], 0.0), e["eventSec"])
    return {p: s / 60 for p, s in last.items()}


def test_atalanta_roma_real_numbers(sample_dir: Path) -> None:
    sheet, parsed, raw = _real(sample_dir, "Italy", "2575959")
    assert sheet.kickoff.date().isoformat() == "2017-08-20"
    assert (sheet.home.club_id, sheet.away.club_id) == ("3172", "3158")  # Atalanta, Roma
    assert (sheet.home.score, sheet.away.score) == (0, 1)
    assert goals_by_club(parsed.events, ("3172", "3158")) == {"3172": 0, "3158": 1}

    # The real length, from the last event of each period in the raw file.
    raw_periods = _raw_period_minutes(raw)
    assert raw_periods["1H"] == pytest.approx(2685.711211 / 60)
    assert raw_periods["2H"] == pytest.approx(2997.078446 / 60)
    assert parsed.period_minutes == {1: 44.76, 2: 49.95}
    length = 44.76 + 49.95

    apps = {a.player_id: a for a in match_appearances(sheet, parsed.period_minutes, {})}
    assert len(apps) == 11 + 12 + 11 + 11  # both lineups and benches

    petagna = apps["246175"]
    assert petagna.status == AppearanceStatus.STARTED
    assert petagna.minute_off == pytest.approx(44.76 + 13)  # clock minute 58, 13 minutes into the 2nd half
    assert petagna.minutes_played == pytest.approx(57.76)
    # On the real timeline: his last event is 11.07 min into the second half.
    last_petagna = max(e.second for e in parsed.events if e.player_id == "246175" and e.period == 2)
    assert last_petagna / 60 < 13

    sub = apps["135150"]
    assert sub.status == AppearanceStatus.CAME_ON
    assert sub.minute_on == pytest.approx(57.76)
    assert sub.minutes_played == pytest.approx(length - 57.76)

    # Starters never substituted nor sent off play the real length (94.71), e.g. the keepers.
    subbed_off = {s.player_out for team in (sheet.home, sheet.away) for s in team.substitutions}
    full = [
        e.player_id
        for t in (sheet.home, sheet.away)
        for e in t.entries
        if e.starter and e.player_id not in subbed_off and e.red_card_minute is None
    ]
    assert len(full) == 22 - 6
    for pid in full:
        assert apps[pid].minutes_played == pytest.approx(length)

    # Roma's three substitutions name no player coming on (playerIn 0): the players going off
    # still leave at their minute.
    assert [(s.minute, s.player_in, s.player_out) for s in sheet.away.substitutions] == [
        (74, "", "23149"),
        (81, "", "44251"),
        (84, "", "3475"),
    ]
    assert apps["23149"].minutes_played == pytest.approx(44.76 + 29)
    assert apps["3475"].minutes_played == pytest.approx(44.76 + 39)

    # Unused Atalanta substitutes: bench minus the three who came on.
    atalanta_unused = [
        a for a in apps.values() if a.club_id == "3172" and a.status == AppearanceStatus.UNUSED
    ]
    assert len(atalanta_unused) == 12 - 3

    for a in apps.values():
        assert 0.0 <= a.minutes_played <= length + 1e-9


@pytest.mark.parametrize(
    ("competition", "match_id"),
    [("Italy", "2575959"), ("Italy", "2575960"), ("Italy", "2575961"), ("Germany", "2516744")],
)
def test_real_matches_length_and_bounds(sample_dir: Path, competition: str, match_id: str) -> None:
    sheet, parsed, raw = _real(sample_dir, competition, match_id)
    raw_periods = _raw_period_minutes(raw)
    length = sum(raw_periods.values())
    assert sum(parsed.period_minutes.values()) == pytest.approx(length, abs=0.02)
    apps = match_appearances(sheet, parsed.period_minutes, {})
    starters = [a for a in apps if a.status == AppearanceStatus.STARTED]
    assert len(starters) == 22
    subbed_off = {s.player_out for team in (sheet.home, sheet.away) for s in team.substitutions}
    sent_off = {e.player_id for team in (sheet.home, sheet.away) for e in team.entries if e.red_card_minute}
    for a in apps:
        assert 0.0 <= a.minutes_played <= sum(parsed.period_minutes.values()) + 1e-9
        if a.status == AppearanceStatus.STARTED and a.player_id not in subbed_off | sent_off:
            assert a.minutes_played == pytest.approx(sum(parsed.period_minutes.values()))
    # Every substitute who came on (a known playerIn) is CAME_ON.
    came_on = {a.player_id for a in apps if a.status == AppearanceStatus.CAME_ON}
    named_in = {s.player_in for team in (sheet.home, sheet.away) for s in team.substitutions if s.player_in}
    assert came_on == named_in


# -- substitutions at minute 45 (issue 8 §3) ----------------------------------------------------


def test_substitution_at_45_is_at_half_time_unless_he_played_before_it() -> None:
    team = _sheet(
        [SheetEntry("s1", True), SheetEntry("s2", True), SheetEntry("b1", False), SheetEntry("b2", False)],
        [Substitution(45, "b1", "s1"), Substitution(45, "b2", "s2")],
    )
    # b1 first acts in the second half; b2 in the first half's stoppage time (45.8 min).
    apps = {
        a.player_id: a for a in team_appearances(team, PERIODS, {}, {"b1": 46.5 + 2.0, "b2": 45.8})
    }
    assert apps["s1"].minute_off == apps["b1"].minute_on == pytest.approx(46.5)  # the second half
    assert apps["s1"].minutes_played == pytest.approx(46.5)
    assert apps["s2"].minute_off == apps["b2"].minute_on == pytest.approx(45.0)
    # Without events for the player coming on, 45 is read as half time, as 46 is.
    alone = _sheet([SheetEntry("s1", True), SheetEntry("b1", False)], [Substitution(45, "b1", "s1")])
    assert _by_player(alone)["b1"].minute_on == pytest.approx(46.5)


def test_real_half_time_substitution_recorded_at_45(sample_dir: Path) -> None:
    """Match 2576083 (Serie A 2017/18): club 3157's sheet has 135927 on for 11063 at minute 45.
    From the raw file: 11063's last event is at 2607 s of the first half, 135927's first at 57 s
    of the second; the first half lasted 2900 s. The change was made at half time."""
    sheet, parsed, raw = _real(sample_dir, "Italy", "2576083")
    team = sheet.home if sheet.home.club_id == "3157" else sheet.away
    assert ("135927", "11063") in {(s.player_in, s.player_out) for s in team.substitutions if s.minute == 45}
    first_half = parsed.period_minutes[1]
    assert first_half == pytest.approx(_raw_period_minutes(raw)["1H"], abs=0.01)
    apps = {a.player_id: a for a in match_appearances(sheet, parsed.period_minutes, {}, parsed.events)}
    assert apps["11063"].minute_off == pytest.approx(first_half)  # the whole first half, stoppage included
    assert apps["135927"].minute_on == pytest.approx(first_half)
    assert apps["135927"].minutes_played == pytest.approx(parsed.period_minutes[2])


def test_real_substitution_at_45_in_first_half_stoppage(sample_dir: Path) -> None:
    """Match 2575969: 22377 on for 92908 at minute 45 (club 3166); 22377's first event is at 2869 s
    of the first half (47.8 min), so the change was made in stoppage time: the clock minute holds."""
    sheet, parsed, _ = _real(sample_dir, "Italy", "2575969")
    first = min(e.second for e in parsed.events if e.player_id == "22377" and e.period == 1)
    assert 45.0 < first / 60 < parsed.period_minutes[1]
    apps = {a.player_id: a for a in match_appearances(sheet, parsed.period_minutes, {}, parsed.events)}
    assert apps["92908"].minute_off == pytest.approx(45.0)
    assert apps["22377"].minute_on == pytest.approx(45.0)
