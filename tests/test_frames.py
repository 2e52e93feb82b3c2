"""The contracts between stages (loanwatch/frames.py): the store refuses a frame that breaks its
schema, where it writes it and where it reads it, naming the frame, the column and the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import copy_sample
from loanwatch import frames
from loanwatch.api import Loanwatch
from loanwatch.errors import InvalidFrame, StoreError
from loanwatch.metrics.spadl import compute_actions
from loanwatch.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One real match ingested, its SPADL actions computed and stored (through the checked path)."""
    tmp = tmp_path_factory.mktemp("frames")
    lw = Loanwatch(str(tmp / "frames.db"))
    assert lw.ingest([copy_sample(tmp / "data", ["2575959"])]).rejected == 0
    assert compute_actions(lw.store) > 1000
    return lw.store


def test_the_stored_frames_keep_their_schemas(store: Store) -> None:
    actions = store.actions_frame()
    assert list(actions.columns) == frames.ACTIONS.names == list(store.ACTION_COLUMNS)
    assert {"match_id", "club_id"} <= set(actions.columns) and "game_id" not in actions.columns
    assert list(store.appearances_frame().columns) == frames.APPEARANCES.names
    # The rows the store writes from a frame are the frame's, value for value.
    match_id = int(actions["match_id"].iloc[0])
    store.save_actions([match_id], actions)
    pd.testing.assert_frame_equal(store.actions_frame(), actions)


def test_a_bad_actions_frame_is_refused_and_nothing_is_written(store: Store) -> None:
    actions = store.actions_frame()
    match_id = int(actions["match_id"].iloc[0])
    bad = actions.assign(type_id=np.where(actions.index == 5, 99, actions["type_id"]))
    with pytest.raises(InvalidFrame) as refused:
        store.save_actions([match_id], bad)
    assert str(refused.value) == "actions frame, column type_id: values outside [0, 22] (e.g. 99)"
    assert isinstance(refused.value, StoreError) and refused.value.exit_status == 3
    assert (refused.value.frame, refused.value.column) == ("actions", "type_id")
    pd.testing.assert_frame_equal(store.actions_frame(), actions)  # the old actions stay

    with pytest.raises(InvalidFrame, match=r"actions frame, column club_id: 1 null values"):
        store.save_actions([match_id], actions.assign(club_id=actions["club_id"].where(actions.index != 0)))
    with pytest.raises(InvalidFrame, match=r"actions frame, column bodypart_id: missing"):
        store.save_actions([match_id], actions.drop(columns="bodypart_id"))


def test_bad_values_and_stats_frames_are_refused(store: Store) -> None:
    actions = store.actions_frame()
    values = pd.DataFrame(
        {
            "match_id": actions["match_id"],
            "action_id": actions["action_id"],
            "offensive": 0.1,
            "defensive": 0.0,
            "value": np.where(actions.index == 3, np.nan, 0.1),
        }
    )
    with pytest.raises(InvalidFrame, match=r"^action values frame, column value: 1 null values"):
        store.save_action_values(1, values)
    stats = pd.DataFrame({"match_id": [int(actions["match_id"].iloc[0])], "player_id": [1]})
    with pytest.raises(InvalidFrame, match=r"^per-match stats frame, column club_id, minutes, .*: missing$"):
        store.save_player_match_stats(stats)


def test_a_stored_frame_that_breaks_its_schema_is_refused_when_read(store: Store) -> None:
    actions = store.actions_frame()
    match_id = int(actions["match_id"].iloc[0])
    rows = frames.ACTIONS.rows(actions)
    rows[7] = (*rows[7][:7], 200.0, *rows[7][8:])  # start_x beyond the 105 m pitch, written as rows
    store.save_actions([match_id], rows)
    try:
        with pytest.raises(InvalidFrame, match=r"^actions frame, column start_x: values outside \[0, 105\]"):
            store.actions_frame()
    finally:
        store.save_actions([match_id], actions)
    pd.testing.assert_frame_equal(store.actions_frame(), actions)
