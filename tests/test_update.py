"""`loanwatch update` as a user runs it each week, on real Serie A matches: the new matches rated
with the models in the store (no retraining), nothing stored before changes, the values equal to a
full run's with the same model versions; the same on a Dask LocalCluster of 2 workers; the
Parquet export partitioned by competition and season, read back by dask.dataframe.

One trained store of round 1 (10 matches) is shared; round 2 (10 more) is the new matchday.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import copy_sample
from loanwatch.api import SAMPLE_DATA, Loanwatch
from loanwatch.cli import app
from loanwatch.metrics import models
from loanwatch.metrics.compute import partitions, profiles, training_growth
from loanwatch.settings import Settings

KINDS = tuple(models.KINDS)


def _rounds(last: int) -> list[str]:
    sheets = json.loads(gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes()))
    return sorted(str(m["wyId"]) for m in sheets if m["gameweek"] <= last)


def _copy(source: Path, dest: Path) -> Path:
    src = sqlite3.connect(source)
    with sqlite3.connect(dest) as out:
        src.backup(out)  # what the write-ahead log holds too
    src.close()
    return dest


def _values(lw: Loanwatch) -> dict[str, pd.DataFrame]:
    out = {}
    for kind in KINDS:
        model = lw.ctx.store.latest_model(kind)
        assert model is not None
        out[kind] = lw.ctx.store.action_values_frame(int(model["id"]))
    return out


def _stats(lw: Loanwatch) -> pd.DataFrame:
    return (
        lw.ctx.store.player_match_stats_frame().sort_values(["match_id", "player_id"]).reset_index(drop=True)
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Round 1 ingested and trained (models v1)."""
    root = tmp_path_factory.mktemp("update")
    store = root / "base.db"
    lw = Loanwatch(str(store))
    assert lw.ingest([copy_sample(root / "round1", _rounds(1))]).matches == 10
    lw.compute_metrics()
    return store


@pytest.fixture(scope="module")
def matchday(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rounds 1 and 2: round 1's files are already in the store, round 2 is new."""
    return copy_sample(tmp_path_factory.mktemp("matchday") / "data", _rounds(2))


@pytest.fixture(scope="module")
def updated(base: Path, matchday: Path) -> tuple[Path, dict[str, pd.DataFrame], pd.DataFrame]:
    """`loanwatch update` of the matchday on a copy of the trained store (serial); with the values
    and per-match stats stored before it."""
    store = _copy(base, base.with_name("serial.db"))
    before = Loanwatch(str(store))
    values, stats = _values(before), _stats(before)
    result = CliRunner().invoke(
        app,
        ["update", str(matchday), "--store", str(store)],
        env={"COLUMNS": "200", "LOANWATCH_RETRAIN_GROWTH": "0"},
    )
    assert result.exit_code == 0, result.output
    assert "10 matches rated with vaep v1, xt v1, xg v1 (no retraining" in result.output
    return store, values, stats


def test_update_skips_what_is_in_and_rates_the_new_matches_only(
    updated: tuple[Path, dict[str, pd.DataFrame], pd.DataFrame], matchday: Path
) -> None:
    store, values_before, stats_before = updated
    lw = Loanwatch(str(store))
    assert len(lw.ctx.store.matches_frame()) == 20
    assert {k: lw.ctx.store.latest_model(k)["version"] for k in KINDS} == dict.fromkeys(KINDS, 1)  # type: ignore[index]
    # Past values never change without a retrain: round 1's values and stats are as they were.
    old = set(int(m) for m in stats_before["match_id"])
    for kind, frame in _values(lw).items():
        pd.testing.assert_frame_equal(
            frame[frame["match_id"].isin(old)].reset_index(drop=True), values_before[kind], check_exact=True
        )
    stats = _stats(lw)
    pd.testing.assert_frame_equal(
        stats[stats["match_id"].isin(old)].reset_index(drop=True), stats_before, check_exact=True
    )
    # Every match knows the model versions that rated it.
    ratings = lw.ctx.store.match_ratings([int(m) for m in lw.ctx.store.matches_frame()["match_id"]])
    ids = {kind: int(lw.ctx.store.latest_model(kind)["id"]) for kind in KINDS}  # type: ignore[index]
    assert len(ratings) == 20 and all(r == ids for r in ratings.values())
    assert training_growth(lw.ctx.store, 20) == pytest.approx(1.0)  # the default retrain_growth would retrain
    # Run again: every file is skipped, nothing is left to rate.
    run = Loanwatch(str(store), settings=Settings.load(retrain_growth=0)).update([str(matchday)])
    assert run.ingest.matches == 0 and run.ingest.skipped > 0
    assert run.metrics.rated == 0 and not run.metrics.retrained


def test_incremental_values_equal_a_full_run_with_the_same_models(
    updated: tuple[Path, dict[str, pd.DataFrame], pd.DataFrame],
) -> None:
    lw = Loanwatch(str(updated[0]))
    store = lw.ctx.store
    actions, matches = store.actions_frame(), store.matches_frame()
    for kind, stored in _values(lw).items():
        model = store.latest_model(kind)
        assert model is not None
        k = models.kind(kind)
        full = k.rate(k.from_bytes(model["blob"]), actions, matches)  # every action at once
        full = full.sort_values(["match_id", "action_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(stored, full[stored.columns], check_dtype=False, rtol=1e-12)
    # Per-match stats: as recomputed over the whole season from the stored values in one go.
    fresh = profiles(store, season_name="2017/18").match_stats.sort_values(["match_id", "player_id"])
    stats = _stats(lw)[fresh.columns]
    pd.testing.assert_frame_equal(
        stats.reset_index(drop=True), fresh.reset_index(drop=True), check_dtype=False, rtol=1e-9
    )


def test_partitions_are_competition_seasons_in_blocks() -> None:
    matches = pd.DataFrame(
        {"match_id": [5, 1, 2, 3, 4], "competition_id": [2, 1, 1, 1, 2], "season": ["a", "a", "a", "a", "a"]}
    )
    parts = partitions(matches, block=2)
    assert [(p.competition_id, p.match_ids) for p in parts] == [(1, (1, 2)), (1, (3,)), (2, (4, 5))]
    assert [p.match_ids for p in partitions(matches, [4, 2])] == [(2,), (4,)]


def test_dask_workers_give_the_serial_values(
    base: Path, matchday: Path, updated: tuple[Path, dict[str, pd.DataFrame], pd.DataFrame]
) -> None:
    """The same update on a LocalCluster of 2 worker processes (one thread each), each opening the
    store itself: actions, values and per-match stats identical to the serial run's."""
    store = _copy(base, base.with_name("dask.db"))
    lw = Loanwatch(str(store), settings=Settings.load(retrain_growth=0))
    run = lw.update([str(matchday)], workers=2)
    assert run.metrics.executor == "dask" and run.metrics.rated == 10
    serial = Loanwatch(str(updated[0]))
    pd.testing.assert_frame_equal(
        lw.ctx.store.actions_frame(), serial.ctx.store.actions_frame(), check_exact=True
    )
    for kind, frame in _values(lw).items():
        pd.testing.assert_frame_equal(frame, _values(serial)[kind], check_exact=True)
    pd.testing.assert_frame_equal(_stats(lw), _stats(serial), check_exact=True)


def test_parquet_export_by_competition_and_season(
    updated: tuple[Path, dict[str, pd.DataFrame], pd.DataFrame], tmp_path: Path
) -> None:
    import dask.dataframe as dd

    out = tmp_path / "parquet"
    result = CliRunner().invoke(app, ["metrics", "export", "--parquet", str(out), "--store", str(updated[0])])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["competition=Serie%20A"]
    assert [p.name for p in (out / "competition=Serie%20A").iterdir()] == ["season=2017%2F18"]
    back = dd.read_parquet(str(out)).compute()
    stats = _stats(Loanwatch(str(updated[0])))
    assert f"{len(stats)} player matches written" in result.output
    assert set(back["competition"].astype(str)) == {"Serie A"} and set(back["season"].astype(str)) == {
        "2017/18"
    }
    back = back.sort_values(["match_id", "player_id"]).reset_index(drop=True)
    for col in ("match_id", "player_id", "minutes", "vaep", "xg"):
        np.testing.assert_allclose(back[col].to_numpy(float), stats[col].to_numpy(float), rtol=0)
    assert back["player"].str.len().gt(0).all()


def test_update_stores_the_aggregates_a_store_trained_before_them_lacks(base: Path, tmp_path: Path) -> None:
    """A store trained before the season aggregates (revision 0015) has per-match stats only: its
    reads aggregated a season on every player page. The next ``update`` stores them, once, equal
    to a trained store's, with nothing new to ingest or rate."""
    store = _copy(base, tmp_path / "old.db")
    lw = Loanwatch(str(store))
    ids = sorted({int(s) for s in lw.ctx.store.matches_frame()["season_id"]})
    before = {k: lw.ctx.store.season_aggregates_frame(k, ids) for k in ("players", "goalkeepers")}
    assert len(before["players"]) > 200 and len(before["goalkeepers"]) >= 20
    with sqlite3.connect(store) as con:
        con.execute("DELETE FROM season_player_totals")
        con.execute("DELETE FROM season_goalkeeper_totals")
    assert not Loanwatch(str(store)).ctx.store.seasons_with_aggregates(ids)
    run = Loanwatch(str(store), settings=Settings.load(retrain_growth=0)).update(
        [str(copy_sample(tmp_path / "round1", _rounds(1)))]
    )
    assert run.ingest.matches == 0 and run.metrics.rated == 0 and not run.metrics.retrained
    after = Loanwatch(str(store)).ctx.store
    for kind, frame in before.items():
        pd.testing.assert_frame_equal(after.season_aggregates_frame(kind, ids), frame, check_exact=True)


def test_update_on_a_running_dask_scheduler(
    base: Path, matchday: Path, updated: tuple[Path, dict[str, pd.DataFrame], pd.DataFrame]
) -> None:
    """``LOANWATCH_DASK_SCHEDULER=tcp://host:port``: the update's steps run on a cluster that is
    already running (here a scheduler and 2 worker processes on this machine, reached over TCP as a
    real cluster would be), with the serial run's values."""
    from distributed import LocalCluster

    store = _copy(base, base.with_name("scheduler.db"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        result = CliRunner().invoke(
            app,
            ["update", str(matchday), "--store", str(store)],
            env={"COLUMNS": "200", "LOANWATCH_RETRAIN_GROWTH": "0", "LOANWATCH_DASK_SCHEDULER": address},
        )
    assert result.exit_code == 0, result.output
    assert "10 matches rated" in result.output and f"on 2 Dask workers at {address})" in result.output
    lw, serial = Loanwatch(str(store)), Loanwatch(str(updated[0]))
    for kind, frame in _values(lw).items():
        pd.testing.assert_frame_equal(frame, _values(serial)[kind], check_exact=True)
    pd.testing.assert_frame_equal(_stats(lw), _stats(serial), check_exact=True)
