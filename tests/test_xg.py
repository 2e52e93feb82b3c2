"""xG and xA on real Serie A 2017/18 matches converted to SPADL by socceraction itself.

The shots and passes named here are real Wyscout events (ids from data/wyscout-2017-18):

- 2575973, event 182213657: a penalty, Wyscout position (90, 50) -> (94.5, 34) m, scored;
- 2575963, event 180460020: player 14812 heads in (tags 101 goal, 403 head/body) from Wyscout
  (96, 43) -> (100.8, 38.76) m, 6.35 m from the goal centre; the event before it, 180460018, is
  player 70965's cross tagged 301 (assist).
"""

from __future__ import annotations

import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import copy_sample
from loanwatch.api import Loanwatch
from loanwatch.metrics import models, xg
from loanwatch.metrics.socceraction_names import from_socceraction, to_socceraction
from spadl_reference import home_team, reference_actions, sample_actions

# The first 60 matches of the season by Wyscout id (rounds 1-6): ~1,500 shots, ~160 goals.
MATCHES: tuple[int, ...] = tuple(range(2575959, 2576019))
PENALTY = (2575973, "182213657")
HEADER = (2575963, "180460020", 14812)
ASSIST = (2575963, "180460018", 70965)


@pytest.fixture(scope="module")
def actions() -> pd.DataFrame:
    """socceraction's SPADL of the 60 matches, converted once for the module (~0.2 s a match with
    socceraction: two worker processes halve the wait on a 2-core machine)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if (os.cpu_count() or 1) < 2:
        return from_socceraction(sample_actions(MATCHES))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        frames = list(pool.map(reference_actions, MATCHES, chunksize=10))
    return from_socceraction(pd.concat(frames, ignore_index=True))


@pytest.fixture(scope="module")
def features(actions: pd.DataFrame) -> pd.DataFrame:
    return xg.shot_features(actions)


@pytest.fixture(scope="module")
def model(actions: pd.DataFrame) -> xg.XgModel:
    return xg.train_xg(actions, pd.DataFrame({"match_id": MATCHES}), holdout_fraction=0.2, seed=0)


def _action(actions: pd.DataFrame, match_id: int, event_id: str, type_ids: set[int]) -> pd.Series:
    rows = actions[
        (actions["match_id"] == match_id)
        & (actions["original_event_id"].astype(str) == event_id)
        & actions["type_id"].isin(type_ids)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def _shot_row(features: pd.DataFrame, actions: pd.DataFrame, match_id: int, event_id: str) -> pd.Series:
    shot = _action(actions, match_id, event_id, set(xg.SHOT_TYPES))
    row = features[(features["match_id"] == match_id) & (features["action_id"] == shot["action_id"])]
    assert len(row) == 1
    return row.iloc[0]


def test_one_row_per_shot_and_labels(actions: pd.DataFrame, features: pd.DataFrame) -> None:
    shots = actions[actions["type_id"].isin(xg.SHOT_TYPES)]
    assert len(features) == len(shots)
    assert features["goal"].sum() == (shots["result_id"] == 1).sum()
    assert set(features["situation"]) <= {
        "open_play", "corner", "free_kick", "throw_in", "direct_free_kick", "penalty",
    }  # fmt: skip
    # Shots are taken in the half a team attacks: the inferred direction puts nearly all there.
    assert (features["x"] > 52.5).mean() > 0.99
    assert features["distance"].between(0, 120).all()
    assert features["angle"].between(0, math.pi).all()


def test_real_penalty(actions: pd.DataFrame, features: pd.DataFrame) -> None:
    row = _shot_row(features, actions, *PENALTY)
    assert row["situation"] == "penalty" and row["is_penalty"] == 1 and row["goal"] == 1
    assert 10.5 <= row["distance"] <= 11.5
    assert row["distance"] == pytest.approx(10.5)  # Wyscout (90, 50): 10 % of 105 m, on the axis
    assert row["angle_to_centre"] == pytest.approx(0.0)
    assert row["is_head"] == 0


def test_real_header(actions: pd.DataFrame, features: pd.DataFrame) -> None:
    row = _shot_row(features, actions, *HEADER[:2])
    assert row["player_id"] == HEADER[2]
    assert row["is_head"] == 1 and row["goal"] == 1
    assert row["distance"] == pytest.approx(math.hypot(105 - 100.8, 38.76 - 34), abs=1e-6)
    assert row["after_cross"] == 1 and row["assisted"] == 1
    # Both teams: the distance is the same whether the shooter's side is home or away.
    away = features[features["club_id"] != features["match_id"].map(home_team)]
    home = features[features["club_id"] == features["match_id"].map(home_team)]
    assert abs(away["distance"].median() - home["distance"].median()) < 3


def test_direction_convention_does_not_matter(actions: pd.DataFrame, features: pd.DataFrame) -> None:
    """The same features from actions turned all left-to-right (domain.py's convention)."""
    from socceraction.spadl.utils import play_left_to_right

    some = actions[actions["match_id"].isin(MATCHES[:6])]
    turned = from_socceraction(
        pd.concat(
            [
                play_left_to_right(to_socceraction(some[some["match_id"] == m]), home_team(int(m)))
                for m in some["match_id"].unique()
            ],
            ignore_index=True,
        )
    )
    a = xg.shot_features(some).drop(columns="situation")
    b = xg.shot_features(turned).drop(columns="situation")
    pd.testing.assert_frame_equal(a, b, check_exact=False, atol=1e-9)


def test_model_beats_the_constant_on_held_out_matches(
    actions: pd.DataFrame, features: pd.DataFrame, model: xg.XgModel
) -> None:
    assert len(model.holdout_match_ids) == 12
    assert not set(model.holdout_match_ids) & set(model.train_match_ids)
    held = actions[actions["match_id"].isin(model.holdout_match_ids)]
    report = xg.evaluate(model, held)
    assert report["n_shots"] == int(held["type_id"].isin(xg.SHOT_TYPES).sum())
    assert report["log_loss"] < report["log_loss_baseline"]
    assert report["brier"] < report["brier_baseline"]
    table = report["calibration"]
    assert len(table) == 10
    assert sum(b["count"] for b in table) == report["n_shots"]
    assert sum(b["goals"] for b in table) == report["n_goals"]
    assert [b["mean_xg"] for b in table] == sorted(b["mean_xg"] for b in table)
    # The constant baseline is the training shots' goal rate.
    train = features[features["match_id"].isin(model.train_match_ids)]
    assert model.base_rate == pytest.approx(train["goal"].mean())


def test_xg_values_and_penalties(actions: pd.DataFrame, features: pd.DataFrame, model: xg.XgModel) -> None:
    values = xg.rate_xg(model, actions)
    assert list(values.columns) == ["match_id", "action_id", "offensive", "defensive", "value"]
    assert len(values) == len(features)
    assert values["value"].between(0, 1).all()
    assert (values["value"] == values["offensive"]).all() and (values["defensive"] == 0).all()
    train_pens = features[features["match_id"].isin(model.train_match_ids) & (features["is_penalty"] == 1)]
    assert len(train_pens) >= 5
    assert model.penalty_rate == pytest.approx(train_pens["goal"].mean())
    pens = values[features["is_penalty"].to_numpy() == 1]
    assert np.allclose(pens["value"], model.penalty_rate)
    # Sanity of the shape: a header from 6 m is worth more than the average shot.
    header = _action(actions, HEADER[0], HEADER[1], set(xg.SHOT_TYPES))
    hv = values[(values["match_id"] == HEADER[0]) & (values["action_id"] == header["action_id"])]
    assert float(hv["value"].iloc[0]) > model.base_rate


def test_xa_goes_to_the_real_assist(actions: pd.DataFrame, model: xg.XgModel) -> None:
    values = xg.rate_xg(model, actions)
    xa = xg.expected_assists(actions, values)
    assert list(xa.columns) == ["match_id", "action_id", "player_id", "xa"]
    shot = _action(actions, HEADER[0], HEADER[1], set(xg.SHOT_TYPES))
    cross = _action(actions, ASSIST[0], ASSIST[1], set(xg.ASSIST_TYPES))
    row = xa[(xa["match_id"] == ASSIST[0]) & (xa["action_id"] == cross["action_id"])]
    assert len(row) == 1
    assert row["player_id"].iloc[0] == ASSIST[2]
    shot_xg = values[(values["match_id"] == HEADER[0]) & (values["action_id"] == shot["action_id"])]
    assert row["xa"].iloc[0] == pytest.approx(float(shot_xg["value"].iloc[0]))
    # Every credited action is a successful pass-like action by a teammate of the shooter.
    credited = xa.merge(actions, on=["match_id", "action_id"], suffixes=("", "_action"))
    assert credited["type_id"].isin(xg.ASSIST_TYPES).all()
    assert (credited["result_id"] == 1).all()
    assert xa["xa"].sum() <= values["value"].sum()


def _store_with_actions(tmp: Path, actions: pd.DataFrame, match_ids: list[int]) -> Loanwatch:
    """A real store of these matches, with socceraction's actions put in under the store's ids."""
    lw = Loanwatch(str(tmp / "xg.db"))
    summary = lw.ingest([copy_sample(tmp / "data", [str(m) for m in match_ids])])
    assert summary.rejected == 0
    store = lw.store
    matches = store.matches_frame()
    match_of = dict(zip(matches["provider_id"].astype(int), matches["match_id"], strict=True))
    club_of = {int(c["provider_id"]): c["id"] for c in store.all_clubs()}
    player_of = {int(p["provider_id"]): p["id"] for p in store.all_players()}
    records: list[dict[Any, Any]] = actions[actions["match_id"].isin(match_ids)].to_dict("records")
    rows = [
        tuple(
            v.item() if isinstance(v, np.generic) else v
            for v in (
                match_of[r["match_id"]],
                r["action_id"],
                None,
                r["period_id"],
                r["time_seconds"],
                club_of[r["club_id"]],
                player_of.get(r["player_id"]),
                r["start_x"],
                r["start_y"],
                r["end_x"],
                r["end_y"],
                r["type_id"],
                r["result_id"],
                r["bodypart_id"],
            )
        )
        for r in records
    ]
    store.save_actions(list(match_of.values()), rows)
    return lw


def _train_and_rate(store: Any, *, force: bool = False) -> int:
    """The xG model trained through the registry and every shot rated with it: the model id."""
    model_id = int(models.train_and_store(store, kinds=("xg",), force=force)["xg"]["model_id"])
    models.rate_and_store(store, "xg")
    return model_id


def test_model_round_trips_through_the_store(tmp_path: Path, actions: pd.DataFrame) -> None:
    ids = list(MATCHES[:12])
    lw = _store_with_actions(tmp_path, actions, ids)
    model_id = _train_and_rate(lw.store)
    saved = lw.store.latest_model("xg")
    assert saved is not None and saved["id"] == model_id and saved["version"] == 1
    model = models.model_from_bytes("xg", saved["blob"])
    assert isinstance(model, xg.XgModel)
    assert len(saved["training_set"]["matches"]) + len(saved["training_set"]["holdout_matches"]) == len(ids)
    assert saved["training_set"]["competitions"] and saved["training_set"]["seasons"] == ["2017/18"]
    quality = saved["quality"]
    assert quality["log_loss"] < quality["log_loss_baseline"]
    assert sum(b["count"] for b in quality["calibration"]) == quality["n_shots"]

    stored = lw.store.actions_frame()
    again_quality = xg.evaluate(model, stored[stored["match_id"].isin(model.holdout_match_ids)])
    for key in ("n_shots", "n_goals", "log_loss", "log_loss_baseline", "brier", "brier_baseline"):
        assert quality[key] == pytest.approx(again_quality[key])
    values = lw.store.action_values_frame(model_id)
    expected = xg.rate_xg(model, stored)
    pd.testing.assert_frame_equal(values, expected, check_dtype=False)
    # The pickled model in the store predicts exactly what a fresh unpickling of it does, and a
    # second training on the same data (same seed) gives the same model.
    again = xg.train_xg(stored, lw.store.matches_frame())
    f = xg.shot_features(stored)
    assert np.array_equal(pickle.loads(pickle.dumps(model)).predict(f), again.predict(f))
    # Same actions, same settings: the model is kept; forced: the next version.
    assert _train_and_rate(lw.store) == model_id
    assert _train_and_rate(lw.store, force=True) != model_id
    assert lw.store.latest_model("xg")["version"] == 2  # type: ignore[index]
