"""Roles, per-90 profiles, percentiles and league adjustment on 20 real Serie A matches (rounds 1-2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from socceraction.spadl import config as spadl_config

from conftest import copy_sample
from loanwatch.api import Loanwatch
from loanwatch.metrics import league, roles
from loanwatch.metrics.profile import METRICS, player_match_stats, season_profile, spell_profile
from loanwatch.metrics.socceraction_names import from_socceraction
from loanwatch.store.repository import Store
from spadl_reference import reference_actions

ROUNDS_1_2 = [str(i) for i in range(2575959, 2575979)]  # Serie A 2017/18 gameweeks 1 and 2
MIN_MINUTES = 150  # two rounds hold at most ~200 minutes a player


def _store_actions(store: Store) -> pd.DataFrame:
    """The reference SPADL actions (socceraction's converter, tests/spadl_reference.py) of the
    stored matches, with Wyscout ids replaced by the store's, as ``Store.actions_frame`` gives them."""
    clubs = {int(c["provider_id"]): c["id"] for c in store.all_clubs() if c["provider"] == "wyscout"}
    players = {int(p["provider_id"]): p["id"] for p in store.all_players() if p["provider"] == "wyscout"}
    parts = []
    for row in store.matches_frame().itertuples():
        acts = from_socceraction(reference_actions(int(row.provider_id)).copy())
        acts["match_id"] = row.match_id
        acts["club_id"] = acts["club_id"].map(clubs)
        acts["player_id"] = acts["player_id"].map(players)
        parts.append(acts)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("profile")
    data = copy_sample(root / "data", ROUNDS_1_2)
    lw = Loanwatch(str(root / "loanwatch.db"))
    assert lw.ingest([data]).rejected == 0
    st = lw.store
    matches, apps = st.matches_frame(), st.appearances_frame()
    actions = _store_actions(st)
    players = pd.DataFrame(st.all_players())[["id", "short_name"]].rename(columns={"id": "player_id"})
    per_match = roles.infer_roles(actions, matches, apps)
    stats = player_match_stats(actions, None, apps, st.events_frame(), matches=matches)
    return {
        "matches": matches,
        "appearances": apps,
        "actions": actions,
        "players": players,
        "roles": per_match.merge(players, on="player_id"),
        "stats": stats,
        "profile": season_profile(stats, matches, per_match, min_minutes=MIN_MINUTES).merge(
            players, on="player_id"
        ),
    }


def _pid(sample: dict[str, pd.DataFrame], name: str) -> int:
    hit = sample["players"].loc[sample["players"]["short_name"] == name, "player_id"]
    assert len(hit) == 1, name
    return int(hit.iloc[0])


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("G. Buffon", roles.GOALKEEPER),
        ("S. Handanovič", roles.GOALKEEPER),
        ("M. Škriniar", roles.CENTRE_BACK),
        ("Albiol", roles.CENTRE_BACK),
        ("A. Kolarov", roles.FULL_BACK),
        ("D. De Rossi", roles.DEFENSIVE_MIDFIELDER),
        ("Suso", roles.WINGER),
        ("A. Candreva", roles.WINGER),
        ("E. Džeko", roles.STRIKER),
    ],
)
def test_roles_of_known_players(sample: dict[str, pd.DataFrame], name: str, role: str) -> None:
    mine = sample["roles"].loc[sample["roles"]["short_name"] == name]
    assert len(mine) >= 1
    assert set(mine["role"]) == {role}, mine[["match_id", "role", "confidence", "n_actions"]]
    season = roles.season_role(mine, sample["appearances"])
    assert season["role"].tolist() == [role]


def test_roles_table_shape(sample: dict[str, pd.DataFrame]) -> None:
    r = sample["roles"]
    played = sample["appearances"].query("minutes_played > 0")
    assert len(r) == len(played)
    assert set(r["role"]) <= set(roles.ROLES)
    assert r["confidence"].between(0, 1).all()
    # too few actions: the provider's coarse role, no confidence
    few = r.loc[(r["n_actions"] < roles.MIN_ACTIONS) & (r["role"] != roles.GOALKEEPER)]
    assert (few["basis"] == "provider").all() and (few["confidence"] == 0).all()
    # every team fields exactly one goalkeeper per match, bar substitutions
    keepers = r.loc[r["role"] == roles.GOALKEEPER].merge(played, on=["match_id", "player_id"])
    assert keepers.groupby(["match_id", "club_id"]).size().between(1, 2).all()
    assert keepers.groupby("match_id")["club_id"].nunique().eq(2).all()


def test_per90_arithmetic_on_a_real_player(sample: dict[str, pd.DataFrame]) -> None:
    pid = _pid(sample, "C. Immobile")
    apps = sample["appearances"].query("player_id == @pid and minutes_played > 0")
    row = sample["profile"].loc[sample["profile"]["player_id"] == pid].iloc[0]
    assert apps["goals"].sum() == row["goals"] > 0
    assert row["minutes"] == pytest.approx(apps["minutes_played"].sum())
    assert row["goals_p90"] == pytest.approx(apps["goals"].sum() * 90 / apps["minutes_played"].sum())
    assert row["shots_p90"] == pytest.approx(apps["shots"].sum() * 90 / apps["minutes_played"].sum())
    assert row["matches"] == len(apps)


def test_counts_agree_with_spadl(sample: dict[str, pd.DataFrame]) -> None:
    stats, actions = sample["stats"], sample["actions"]
    types = spadl_config.actiontypes
    take_on = actions.loc[(actions["type_id"] == types.index("take_on")) & (actions["result_id"] == 1)]
    assert stats["dribbles"].sum() == take_on["player_id"].notna().sum()
    interceptions = actions.loc[actions["type_id"] == types.index("interception")]
    assert stats["interceptions"].sum() == interceptions["player_id"].notna().sum()
    assert stats["key_passes"].sum() >= stats["assists"].sum() * 0.5  # most assists are key passes
    assert (stats["aerials_won"] <= stats["duels_won"]).all()
    # no model trained: value metrics are missing, not zero
    assert stats[["xg", "xa", "vaep", "xt"]].isna().all().all()


def test_percentiles_and_peer_groups(sample: dict[str, pd.DataFrame]) -> None:
    prof = sample["profile"]
    pct = prof[[f"{m}_pct" for m in METRICS]]
    assert ((pct >= 0) & (pct <= 100) | pct.isna()).all().all()
    qualified = prof.loc[prof["minutes"] >= MIN_MINUTES]
    sizes = qualified.groupby("role").size()
    for role, size in sizes.items():
        assert (prof.loc[prof["role"] == role, "peer_group_size"] == size).all()
    assert (prof["qualified"] == (prof["minutes"] >= MIN_MINUTES)).all()
    # the top scorer per 90 among qualified strikers sits at the top of his group
    strikers = qualified.loc[qualified["role"] == roles.STRIKER]
    best = strikers.sort_values("goals_p90").iloc[-1]
    assert best["goals_pct"] == pytest.approx(
        100 * (len(strikers) - 0.5) / len(strikers), abs=100 / len(strikers)
    )
    # an unqualified player is still ranked, against the qualified ones
    under = prof.loc[~prof["qualified"] & (prof["peer_group_size"] > 0)]
    assert len(under) > 0 and under["goals_pct"].notna().all()


def test_spell_profile_window(sample: dict[str, pd.DataFrame]) -> None:
    pid = _pid(sample, "C. Immobile")
    first = spell_profile(
        sample["stats"],
        sample["matches"],
        sample["roles"],
        pid,
        date(2017, 8, 1),
        date(2017, 8, 21),
        min_minutes=MIN_MINUTES,
    )
    assert len(first) == 1 and first["matches"].iloc[0] == 1
    assert not bool(first["qualified"].iloc[0])
    season = sample["profile"].loc[sample["profile"]["player_id"] == pid]
    assert first["peer_group_size"].iloc[0] == season["peer_group_size"].iloc[0]


def test_league_adjustment(
    sample: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    strengths = league.load_strengths()
    assert {"Serie A", "Ligue 1", "Bundesliga", "Premier League", "La Liga", "World Cup"} <= set(strengths)
    prof = sample["profile"].copy()
    same = league.adjust(prof, strengths)
    assert (same["league_factor"] == 1).all()
    assert (same["goals_p90_adj"] == same["goals_p90"]).all()

    prof["competition"] = "Ligue 1"  # read the same figures as if played in France
    out = league.adjust(prof, strengths, reference="Serie A")
    factor = strengths["Ligue 1"] / strengths["Serie A"]
    assert out["goals_p90_adj"].to_numpy() == pytest.approx(prof["goals_p90"].to_numpy() * factor)
    adjusted = {c[: -len("_adj")] for c in out.columns if c.endswith("_adj")}
    assert adjusted == {f"{m}_p90" for m in METRICS}
    for untouched in ("minutes", "goals", "goals_pct", "peer_group_size"):
        assert f"{untouched}_adj" not in out.columns
        assert out[untouched].equals(prof[untouched])
    note = out["adjustment_note"].iloc[0]
    assert "goals_p90" in note and "xg_p90" in note and f"{factor:.3f}" in note and "minutes" in note

    own = tmp_path / "strength.csv"
    own.write_text("# mine\ncompetition,strength\nSerie A,1.0\nLigue 1,0.5\n")
    monkeypatch.setenv(league.ENV_VAR, str(own))
    assert league.load_strengths() == {"Serie A": 1.0, "Ligue 1": 0.5}
    halved = league.adjust(prof)
    assert halved["goals_p90_adj"].to_numpy() == pytest.approx(prof["goals_p90"].to_numpy() * 0.5)
