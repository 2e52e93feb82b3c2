"""VAEP and xT on real Serie A matches: loanwatch's all-matches-at-once computation against
socceraction's own per-game pipeline on the same actions with the same fitted models."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import copy_sample
from loanwatch.api import Loanwatch
from loanwatch.metrics import models
from loanwatch.metrics import vaep as V
from loanwatch.metrics import xt as XT
from loanwatch.metrics.socceraction_names import from_socceraction, to_socceraction
from spadl_reference import SAMPLE_MATCHES, sample_actions, sample_matches, socceraction_game

# socceraction's row order for a set of games is game by game; loanwatch orders by match id.
GAMES = tuple(sorted(SAMPLE_MATCHES))
VAEP_XT = ("vaep", "xt")  # the kinds these tests train (xG: tests/test_xg.py)


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    # socceraction 1.5.3 on pandas 2.x warns about groupby.apply and downcasting on every game.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@pytest.fixture(scope="module")
def actions() -> pd.DataFrame:
    return from_socceraction(sample_actions(GAMES))


@pytest.fixture(scope="module")
def matches() -> pd.DataFrame:
    return sample_matches(GAMES)


def game_actions(actions: pd.DataFrame, match_id: int) -> pd.DataFrame:
    """One game's actions as socceraction takes them."""
    return to_socceraction(actions[actions.match_id == match_id].reset_index(drop=True))


@pytest.fixture(scope="module")
def model(actions: pd.DataFrame, matches: pd.DataFrame) -> V.VaepModel:
    return V.train_vaep(actions, matches, seed=0)


def test_feature_columns_are_socceractions() -> None:
    from socceraction.vaep import VAEP
    from socceraction.vaep.features import feature_column_names

    assert V.feature_columns(3) == feature_column_names(VAEP().xfns, 3)


def test_features_and_labels_equal_socceractions_per_game(
    actions: pd.DataFrame, matches: pd.DataFrame
) -> None:
    from socceraction.vaep import VAEP

    vaep = VAEP()
    expected_x = pd.concat(
        [vaep.compute_features(socceraction_game(g), game_actions(actions, g)) for g in GAMES],
        ignore_index=True,
    )
    expected_y = pd.concat(
        [vaep.compute_labels(socceraction_game(g), game_actions(actions, g)) for g in GAMES],
        ignore_index=True,
    )
    x = V.compute_features(actions, matches)
    y = V.compute_labels(actions)

    assert list(x.columns) == list(expected_x.columns)
    assert x.shape == expected_x.shape == (len(actions), 568)
    np.testing.assert_allclose(x.to_numpy(), expected_x.astype(np.float64).to_numpy(), rtol=0, atol=1e-9)
    assert list(y.columns) == ["scores", "concedes"]
    assert (y.to_numpy() == expected_y.astype(bool).to_numpy()).all()
    # The sample exercises the labels: goals in every match, both labels set many times.
    assert y["scores"].sum() > 100 and y["concedes"].sum() > 30


def test_features_do_not_depend_on_row_order_or_batching(
    actions: pd.DataFrame, matches: pd.DataFrame
) -> None:
    shuffled = actions.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(V.compute_features(shuffled, matches), V.compute_features(actions, matches))
    one = V.compute_features(actions[actions.match_id == GAMES[0]], matches)
    pd.testing.assert_frame_equal(one, V.compute_features(actions, matches).iloc[: len(one)])


def test_vaep_values_equal_socceractions_rate(
    model: V.VaepModel, actions: pd.DataFrame, matches: pd.DataFrame
) -> None:
    expected = pd.concat(
        [model.vaep.rate(socceraction_game(g), game_actions(actions, g)) for g in GAMES], ignore_index=True
    )
    ours = V.rate_vaep(model, actions, matches, chunk_games=3)  # chunks must not change anything

    assert len(ours) == len(actions)
    assert (ours["match_id"].to_numpy() == actions["match_id"].to_numpy()).all()
    assert (ours["action_id"].to_numpy() == actions["action_id"].to_numpy()).all()
    np.testing.assert_allclose(
        ours[["offensive", "defensive", "value"]].to_numpy(),
        expected[["offensive_value", "defensive_value", "vaep_value"]].to_numpy(),
        rtol=0,
        atol=1e-6,
    )
    assert ours["value"].notna().all()


def test_training_is_deterministic(model: V.VaepModel, actions: pd.DataFrame, matches: pd.DataFrame) -> None:
    again = V.train_vaep(actions, matches, seed=0)
    pd.testing.assert_frame_equal(V.rate_vaep(again, actions, matches), V.rate_vaep(model, actions, matches))


def test_xt_equals_socceractions_rate(actions: pd.DataFrame) -> None:
    from socceraction.xthreat import ExpectedThreat

    model = XT.train_xt(actions)
    reference = ExpectedThreat(l=16, w=12)
    reference.fit(to_socceraction(actions))
    np.testing.assert_array_equal(model.xT, reference.xT)

    ours = XT.rate_xt(model, actions)
    expected = reference.rate(to_socceraction(actions))
    assert np.array_equal(np.isnan(ours["value"].to_numpy()), np.isnan(expected))
    np.testing.assert_allclose(ours["value"].to_numpy(), expected, rtol=0, atol=1e-6)
    assert (ours["offensive"].fillna(0) == ours["value"].fillna(0)).all() and (ours["defensive"] == 0).all()
    moved = actions.type_id.isin([0, 1, 21]) & (actions.result_id == 1)
    assert ours["value"].notna().to_numpy().tolist() == moved.tolist()


def test_player_match_values_sum_the_actions(
    model: V.VaepModel, actions: pd.DataFrame, matches: pd.DataFrame
) -> None:
    xt_model = XT.train_xt(actions)
    rated = models.actions_with_values(
        actions, V.rate_vaep(model, actions, matches), XT.rate_xt(xt_model, actions)
    )
    per_player = models.player_match_values(rated)

    assert list(per_player.columns) == ["match_id", "player_id", "offensive", "defensive", "vaep", "xt"]
    assert not per_player.duplicated(["match_id", "player_id"]).any()
    for g in GAMES:
        mine = per_player[per_player.match_id == g]
        theirs = rated[(rated.match_id == g) & rated.player_id.notna()]
        assert mine["vaep"].sum() == pytest.approx(theirs["vaep"].sum(), abs=1e-9)
        assert mine["xt"].sum() == pytest.approx(np.nansum(theirs["xt"]), abs=1e-9)
        assert (mine["offensive"] + mine["defensive"]).to_numpy() == pytest.approx(mine["vaep"].to_numpy())
    top = per_player.sort_values("vaep").iloc[-1]
    assert top["vaep"] > 0.3  # a real match's best player is worth a good part of a goal


# -- through the store ----------------------------------------------------------------------


def _store_with_actions(tmp_path: Path, actions: pd.DataFrame) -> tuple[Any, pd.DataFrame]:
    """A store with the sample matches ingested and their SPADL actions saved in store ids."""
    lw = Loanwatch(str(tmp_path / "lw.db"))
    summary = lw.ingest([copy_sample(tmp_path / "data", [str(g) for g in GAMES])])
    assert summary.rejected == 0
    store = lw.store
    match_ids = {int(r.provider_id): int(r.match_id) for r in store.matches_frame().itertuples()}
    club_ids = {int(c["provider_id"]): int(c["id"]) for c in store.all_clubs()}
    player_ids = {int(p["provider_id"]): int(p["id"]) for p in store.all_players()}
    typed_rows: Any = actions.itertuples()  # pandas-stubs types the fields as any scalar
    rows = [
        (
            match_ids[a.match_id],
            a.action_id,
            None,
            a.period_id,
            a.time_seconds,
            club_ids[a.club_id],
            player_ids.get(a.player_id),
            a.start_x,
            a.start_y,
            a.end_x,
            a.end_y,
            a.type_id,
            a.result_id,
            a.bodypart_id,
        )
        for a in typed_rows
    ]
    store.save_actions(list(match_ids.values()), rows)
    # The same actions in store ids, for the comparisons.
    mapped = actions.assign(
        match_id=actions.match_id.map(match_ids), club_id=actions.club_id.map(club_ids)
    ).sort_values(["match_id", "action_id"], ignore_index=True)
    return store, mapped


def test_models_round_trip_through_the_store(tmp_path: Path, actions: pd.DataFrame) -> None:
    store, mapped = _store_with_actions(tmp_path, actions)
    matches = store.matches_frame()

    first = models.train_and_store(store, kinds=VAEP_XT)
    assert first["vaep"]["version"] == 1 and first["xt"]["version"] == 1
    saved = store.latest_model("vaep")
    assert saved["training_set"]["matches"] == sorted(mapped.match_id.unique().tolist())
    assert saved["training_set"]["competitions"][0]["matches"] == len(GAMES)
    assert saved["params"]["versions"]["socceraction"] == "1.5.3"
    for label in ("scores", "concedes"):
        assert 0 < saved["quality"][label]["brier"] < 0.05
    assert saved["quality"]["holdout_matches"] == 2

    # The stored model is the one trained in memory on the same actions, and rates the same.
    loaded = models.model_from_bytes("vaep", saved["blob"])
    direct = V.rate_vaep(V.train_vaep(mapped, matches, seed=0), mapped, matches)
    pd.testing.assert_frame_equal(V.rate_vaep(loaded, mapped, matches), direct)

    assert models.rate_and_store(store, "vaep")["actions"] == len(actions)
    assert models.rate_and_store(store, "xt")["actions"] == len(actions)
    stored = store.action_values_frame(first["vaep"]["model_id"])
    np.testing.assert_allclose(
        stored[["offensive", "defensive", "value"]], direct[["offensive", "defensive", "value"]], atol=1e-12
    )
    stored_xt = store.action_values_frame(first["xt"]["model_id"])
    xt_model = models.model_from_bytes("xt", store.latest_model("xt")["blob"])
    expected_xt = XT.rate_xt(xt_model, mapped)["value"].fillna(0.0)
    np.testing.assert_allclose(stored_xt["value"], expected_xt, atol=1e-12)

    # Same data, same settings: nothing new. Forced: the next version, identical values.
    again = models.train_and_store(store, kinds=VAEP_XT)
    assert (
        again["vaep"] == {**first["vaep"], "new": False}
        and again["xt"]["model_id"] == first["xt"]["model_id"]
    )
    forced = models.train_and_store(store, kinds=VAEP_XT, force=True)
    assert forced["vaep"]["version"] == 2 and forced["xt"]["version"] == 2
    models.rate_and_store(store, "vaep")
    models.rate_and_store(store, "vaep")  # rerun replaces, does not duplicate
    pd.testing.assert_frame_equal(store.action_values_frame(forced["vaep"]["model_id"]), stored)

    # A subset of matches is a different training set: a new version.
    subset = models.train_and_store(store, sorted(mapped.match_id.unique())[:4], kinds=VAEP_XT)
    assert subset["vaep"]["version"] == 3 and subset["vaep"]["new"]
