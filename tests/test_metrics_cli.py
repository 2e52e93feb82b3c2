"""Metrics as a user reaches them: `models train`, `metrics export`, `player` with a season profile.

A store of the first three real Serie A rounds (30 matches) keeps this fast; the numbers behind
it are checked against socceraction in test_spadl / test_action_values / test_xg.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

from loanwatch.api import Loanwatch
from loanwatch.cli import app


@pytest.fixture()
def trained(trained_rounds: Path) -> Path:
    return trained_rounds


def test_models_train_stores_versioned_models_and_rates_every_action(trained: Path) -> None:
    lw = Loanwatch(str(trained))
    models = {kind: lw.store.latest_model(kind) for kind in ("vaep", "xt", "xg")}
    assert all(m is not None and m["version"] == 1 for m in models.values())
    xg = models["xg"]["quality"]  # type: ignore[index]
    assert xg["log_loss"] < xg["log_loss_baseline"]  # held-out matches
    n_actions = len(lw.store.actions_frame())
    for kind in ("vaep", "xt"):
        values = lw.store.action_values_frame(int(models[kind]["id"]))  # type: ignore[index]
        assert len(values) == n_actions  # every action rated
    # Nothing changed: training again keeps the same versions.
    result = CliRunner().invoke(app, ["models", "train", "--store", str(trained)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert all(lw.store.latest_model(k)["version"] == 1 for k in ("vaep", "xt", "xg"))  # type: ignore[index]
    assert "log loss" in result.output and "vs" in result.output


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_metrics_export(trained: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"season.{fmt}"
    result = CliRunner().invoke(
        app,
        [
            "metrics",
            "export",
            "--season",
            "2017/18",
            "--format",
            fmt,
            "--out",
            str(out),
            "--min-minutes",
            "180",
            "--store",
            str(trained),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out) if fmt == "csv" else pl.read_parquet(out)
    assert frame.height > 300  # every player who appeared in 30 matches
    for col in ("player", "club", "role", "minutes", "xg_p90", "vaep_p90", "xg_pct", "peer_group_size"):
        assert col in frame.columns
    pct = frame["xg_pct"].drop_nulls()
    assert pct.min() >= 0 and pct.max() <= 100
    # per 90 is total * 90 / minutes
    row = frame.filter(pl.col("minutes") > 0).row(0, named=True)
    assert row["shots_p90"] == pytest.approx(row["shots"] * 90 / row["minutes"])
    # Names as people write them, in the file too.
    assert not frame.filter(pl.col("player").str.contains(r"\\u")).height


def test_player_shows_a_season_profile(trained: Path) -> None:
    result = CliRunner().invoke(
        app, ["player", "Caldara", "--min-minutes", "180", "--store", str(trained)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Atalanta 2017/18" in result.output and "percentiles vs" in result.output
    for label in ("xG", "xA", "Progressive passes", "VAEP", "Aerials won"):
        assert label in result.output
    assert "Adjusted to Serie A level" in result.output
    # the model versions the figures come from (the models registry), as the report says it
    assert "Figures from the models VAEP version 1, trained on" in result.output
    assert "xT version 1" in result.output and "xG version 1" in result.output


def test_export_rejects_an_unknown_format(trained: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["metrics", "export", "--season", "2017/18", "--format", "xls", "--store", str(trained)]
    )
    assert result.exit_code == 2
    assert "csv or parquet" in result.output


def test_report_carries_the_season_profile(trained: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "Caldara", "--out", str(tmp_path), "--store", str(trained)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "mattia-caldara.html").read_text(encoding="utf-8")
    assert "Season profile 2017/18" in html and "League-adjusted" in html and "Progressive passes" in html
    assert "Pappalardo" in html  # the data source is cited


def test_stored_profiles_equal_the_recomputed_ones(trained: Path) -> None:
    from loanwatch.metrics.compute import profiles, stored_profiles

    lw = Loanwatch(str(trained))
    fresh = profiles(lw.store, season_name="2017/18", min_minutes=180).season
    stored = stored_profiles(lw.store, season_name="2017/18", min_minutes=180)
    assert stored is not None
    keys = ["player_id", "competition_id"]
    a = fresh.sort_values(keys).reset_index(drop=True)
    b = stored.season.sort_values(keys).reset_index(drop=True)[a.columns]
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9)
