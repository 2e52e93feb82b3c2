"""Goalkeepers on real data: a keeper's shots faced, saves and goals conceded against the match
sheet, his percentiles against keepers only, his report (HTML + PDF) with a goalkeeping profile and
no outfield pizza or shot map, his recommendation read from save % and goals prevented, and the
``player`` command's goalkeeping table.

The store: two real Serie A rounds (24-25) in which Alex Meret (Udinese -> SPAL, the group loan
list) kept goal, trained like a user's store (`models train`).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from loanwatch.api import REPO_ROOT, SAMPLE_DATA, Loanwatch
from loanwatch.cli import app
from loanwatch.metrics.goalkeeping import goalkeeper_season_profile
from loanwatch.reports.recommend import Facts, goalkeeper_reasons, recommend
from loanwatch.reports.render import render_player

GROUP_PORTFOLIO = REPO_ROOT / "data" / "portfolios" / "group-2017-18.csv"
ROUNDS = (24, 25)
MIN_MINUTES = 180  # two rounds: a peer group needs fewer minutes than a season's 900
MERET = "Alex Meret"


def _rounds(rounds: tuple[int, ...]) -> list[str]:
    sheets = json.loads(gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes()))
    return sorted(str(m["wyId"]) for m in sheets if m["gameweek"] in rounds)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_sample

    root = tmp_path_factory.mktemp("goalkeepers")
    folder = copy_sample(root / "data", _rounds(ROUNDS))
    path = root / "lw.db"
    lw = Loanwatch(str(path))
    assert lw.ingest([folder]).matches == 20
    lw.import_portfolio(GROUP_PORTFOLIO)
    lw.compute_metrics()
    return path


@pytest.fixture(scope="module")
def lw(store: Path) -> Loanwatch:
    return Loanwatch(str(store))


@pytest.fixture(scope="module")
def keepers(lw: Loanwatch) -> pd.DataFrame:
    stats = lw.store.goalkeeper_match_stats_frame()
    matches = lw.store.matches_frame()
    apps = lw.store.appearances_frame()[["match_id", "player_id", "minute_on", "position"]]
    return stats.merge(matches, on="match_id").merge(apps, on=["match_id", "player_id"])


def test_goals_conceded_and_saves_agree_with_the_match_sheet(keepers: pd.DataFrame) -> None:
    """Every keeper who played a whole match conceded the opponent's score (own goals included);
    his saves and the goals from shots add up to the shots on target he faced."""
    assert len(keepers) >= 40  # two keepers a match, a substitute keeper now and then
    full = keepers.loc[
        (keepers["minute_on"] == 0) & ((keepers["minutes"] - keepers["length_minutes"]).abs() < 0.01)
    ]
    assert len(full) >= 36
    home = full["club_id"] == full["home_club_id"]
    against = full["away_score"].where(home, full["home_score"])
    assert (full["goals_conceded"] == against).all(), full.loc[full["goals_conceded"] != against]
    assert (
        keepers["saves"] + keepers["goals_conceded"] - keepers["own_goals_conceded"] == keepers["shots_faced"]
    ).all()
    assert (keepers["penalty_goals"] <= keepers["penalties_faced"]).all()
    assert (keepers["xg_faced"] >= 0).all() and keepers["xg_faced"].sum() > 10
    # each club's conceded goals over the two rounds are the goals the keepers of that club let in
    per_club = keepers.groupby("club_id")["goals_conceded"].sum()
    assert per_club.sum() == (keepers.drop_duplicates("match_id")[["home_score", "away_score"]].sum().sum())


def test_meret_in_the_four_goal_defeat(lw: Loanwatch, keepers: pd.DataFrame) -> None:
    """SPAL 0-4 Milan (10 February 2018): Meret played it all and conceded the four goals, each
    one from a shot on target he faced; Napoli 1-0 SPAL a week later: one."""
    meret = lw.find_player(MERET).id
    rows = keepers.loc[keepers["player_id"] == meret].sort_values("kickoff")
    assert len(rows) == 2
    heavy = rows.loc[rows["goals_conceded"] == 4]
    assert len(heavy) == 1
    row = heavy.iloc[0]
    assert {row["home_score"], row["away_score"]} == {0, 4}
    assert row["shots_faced"] >= 4 and row["own_goals_conceded"] == 0
    assert row["saves"] == row["shots_faced"] - 4
    assert list(rows["goals_conceded"]) == [4, 1]


def test_percentiles_rank_keepers_against_keepers_only(lw: Loanwatch) -> None:
    from loanwatch.metrics.compute import stored_profiles

    p = stored_profiles(lw.store, season_name="2017/18", min_minutes=MIN_MINUTES)
    assert p is not None and p.goalkeepers is not None
    prof = goalkeeper_season_profile(p.goalkeepers, p.matches, p.season, min_minutes=MIN_MINUTES)
    qualified = prof.loc[(prof["minutes"] >= MIN_MINUTES) & (prof["role"] == "goalkeeper")]
    # 20 clubs, one keeper each over the two rounds (a swap may add one)
    assert 18 <= len(qualified) <= 22
    assert (prof["peer_group_size"] == len(qualified)).all()
    outfield = set(p.season.loc[p.season["role"] != "goalkeeper", "player_id"])
    assert not outfield & set(qualified["player_id"])
    for col in ("save_pct_pct", "goals_prevented_p90_pct", "goals_conceded_p90_pct"):
        assert prof[col].dropna().between(0, 100).all()
    assert prof["save_pct"].dropna().between(0, 1).all()
    # fewer goals conceded ranks higher
    q = qualified.sort_values("goals_conceded_p90")
    assert q["goals_conceded_p90_pct"].iloc[0] > q["goals_conceded_p90_pct"].iloc[-1]
    # goals prevented against the league's rate sum to about zero over the peer group
    assert abs(qualified["goals_prevented_vs_peers"].sum()) < 1e-6


def test_meret_report_is_a_goalkeepers(lw: Loanwatch, tmp_path: Path) -> None:
    data = lw.report_data(MERET, edition="director", min_minutes=MIN_MINUTES)
    gk = data["goalkeeper"]
    assert gk is not None and gk["shots_faced"] > 0 and gk["peers"] >= 18
    assert data["shots"] == []  # his own shots: none shown for a keeper
    rec = data["recommendation"]
    said = " ".join(r.message for r in rec.notes)
    # two rounds of data are too few to weigh an option (recommend.MIN_MATCHES); what is said
    # never rests on outfield figures (the keeper's own rules: test_goalkeeper_recommendation_rules)
    assert "no option is weighed yet" in said or "shots on target he faced" in said
    assert "xG" not in said and "xA" not in said
    html = render_player(data, "en", "html").decode()
    assert "chart-shots-faced" in html and "chart-pizza" not in html and 'chart-shots"' not in html
    assert "Save percentage" in html and "Goals prevented per 90" in html
    assert ">xA<" not in html and "Progressive carries" not in html
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils missing: run scripts/system-deps.sh")
    pdf = tmp_path / "meret.it.pdf"
    pdf.write_bytes(render_player(data, "it", "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "Percentuale di parate" in text and "tiri in porta subiti" in text
    assert "xA" not in text


def test_player_command_prints_the_goalkeeping_profile(store: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["player", MERET, "--store", str(store), "--min-minutes", str(MIN_MINUTES)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Save %" in result.output and "goalkeepers in Serie A" in result.output
    assert "xA" not in result.output and "Key passes" not in result.output


def _facts(**kw: object) -> Facts:
    base: dict[str, object] = dict(
        as_of=date(2018, 5, 20),
        age=21,
        matches=20,
        appearances=18,
        starts=18,
        minutes=1700.0,
        available_minutes=1900.0,
        role="goalkeeper",
        peers=20,
        qualified=True,
        competition="Serie A",
    )
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def test_a_keepers_recommendation_reads_his_goalkeeping() -> None:
    keeper = {
        "shots_faced": 80,
        "saves": 60,
        "save_pct": 0.75,
        "goals_prevented": 3.2,
        "goals_from_shots": 20,
    }
    good = _facts(percentiles={"save_pct": 85.0, "goals_prevented_p90": 80.0, "xg": 99.0}, goalkeeper=keeper)
    assert good.level == 82.5  # save % and goals prevented, never xG
    rec = recommend(good)
    assert rec.call == "integrate"
    reasons = goalkeeper_reasons(good)
    assert [r.params.get("rank") for r in reasons] == [("num", 85), None]
    assert reasons[1].params["value"] == ("signed", 3.2)
    weak = _facts(percentiles={"save_pct": 10.0, "goals_prevented_p90": 20.0}, goalkeeper=keeper, age=29)
    assert recommend(weak).call in ("sell", None)
    assert goalkeeper_reasons(_facts(role="striker", percentiles={"xg": 90.0})) == []


def test_a_store_stamped_before_the_table_reads_no_keeper_stats(tmp_path: Path) -> None:
    """A store already at revision 0010 when it was a placeholder has no goalkeeper table: reads
    give nothing (profiles then compute keepers from the events) and `models train` does not fail."""
    from sqlalchemy import text

    lw = Loanwatch(str(tmp_path / "old.db"))
    with lw.store.engine.begin() as conn:
        conn.execute(text("DROP TABLE goalkeeper_match_stats"))
    assert lw.store.goalkeeper_match_stats_frame().empty
    lw.store.save_goalkeeper_match_stats(pd.DataFrame(columns=["match_id", "player_id"]))


def test_a_keepers_form_is_not_read_on_vaep(lw: Loanwatch) -> None:
    """VAEP measures play with the ball: no breakout or slump is called for a goalkeeper, and the
    report says why (the form section, the alerts and the recommendation read the same verdict)."""
    form = lw.form(MERET)
    assert form is not None and form.verdict == "not for goalkeepers"
    data = lw.report_data(MERET, edition="coach", min_minutes=MIN_MINUTES)
    html = render_player(data, "en", "html").decode()
    assert "not read for a goalkeeper" in html and "read his goalkeeping profile instead" in html


def test_a_keepers_shot_map_reads_only_his_matches_shots(lw: Loanwatch) -> None:
    """The page's shot map (MetricsService._shots_faced: the shots and goals of his matches and
    the stored keepers, issue 12's reads per player) is the one computed from every event of those
    matches with the roles inferred again, shot for shot, for every keeper of the two rounds."""
    from loanwatch.domain import GOALKEEPER
    from loanwatch.metrics.goalkeeping import shots_faced
    from loanwatch.metrics.roles import infer_roles
    st, svc = lw.store, lw.services
    stored = st.goalkeeper_match_stats_frame()
    ids = sorted(int(m) for m in stored["match_id"].unique())
    matches, actions, apps = st.matches_frame(match_ids=ids), st.actions_frame(ids), st.appearances_frame(ids)
    model = st.latest_model("xg")
    values = st.action_values_frame(int(model["id"]), ids)
    roles = infer_roles(actions, matches, apps)
    keepers = roles.loc[roles["role"] == GOALKEEPER, ["match_id", "player_id"]]
    every = shots_faced(st.events_frame(ids), actions, values, apps, keepers, matches)
    compared = 0
    for pid, mine in stored.groupby("player_id"):
        narrow = svc.metrics._shots_faced(int(pid), mine["match_id"], stored)
        wide = every.loc[every["player_id"] == pid].reset_index(drop=True)
        pd.testing.assert_frame_equal(narrow, wide, check_dtype=False)
        compared += len(narrow)
    assert stored["player_id"].nunique() >= 20 and compared == int(stored["shots_faced"].sum())
