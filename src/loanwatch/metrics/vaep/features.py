"""socceraction's default VAEP features (``VAEP().xfns``) of every action of every game at once.

The feature matrix is built as a CSR matrix with a fixed number of entries per row (the one-hot
features are one or two non-zeros per block): the 568 default features of 1.7 million actions
would take 7.7 GB as a dense float64 matrix and take 1.4 GB this way, and LightGBM trains and
predicts from CSR directly. Floats stay float64 so that predictions match socceraction's, which
feeds LightGBM float64 frames. A game state's previous actions are rows
``max(i - k, first row of the period)``. Tested equal to socceraction's per-game features in
``tests/test_action_values.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.metrics.vaep.games import game_rows, goal_flags, in_order
from loanwatch.providers.spadl_vocab import ACTION_TYPES, BODYPARTS_ONEHOT, RESULTS

# socceraction.vaep.features.time: minutes at the start of each period.
_PERIOD_START_MINUTE = np.array([np.nan, 0, 45, 90, 105, 120], dtype=np.float64)


def feature_columns(nb_prev_actions: int = 3) -> list[str]:
    """The names and order of socceraction's default VAEP features (``VAEP().xfns``)."""
    states = range(nb_prev_actions)
    cols: list[str] = []
    cols += [f"actiontype_{t}_a{s}" for s in states for t in ACTION_TYPES]
    cols += [f"result_{r}_a{s}" for s in states for r in RESULTS]
    cols += [f"actiontype_{t}_result_{r}_a{s}" for s in states for t in ACTION_TYPES for r in RESULTS]
    cols += [f"bodypart_{b}_a{s}" for s in states for b in BODYPARTS_ONEHOT]
    for names in (
        ("period_id", "time_seconds", "time_seconds_overall"),
        ("start_x", "start_y"),
        ("end_x", "end_y"),
        ("start_dist_to_goal", "start_angle_to_goal"),
        ("end_dist_to_goal", "end_angle_to_goal"),
        ("dx", "dy", "movement"),
    ):
        cols += [f"{n}_a{s}" for s in states for n in names]
    prev = range(1, nb_prev_actions)
    cols += [f"team_{i}" for i in prev]
    cols += [f"time_delta_{i}" for i in prev]
    cols += [f"{n}_a0{i}" for i in prev for n in ("dx", "dy", "mov")]
    cols += ["goalscore_team", "goalscore_opponent", "goalscore_diff"]
    return cols


def _home_per_action(actions: pd.DataFrame, matches: pd.DataFrame) -> npt.NDArray[Any]:
    home = matches.set_index("match_id")["home_club_id"]
    mapped = actions["match_id"].map(home)
    if mapped.isna().any():
        missing = sorted(set(actions.loc[mapped.isna(), "match_id"]))[:5]
        raise ValueError(f"no home club for matches {missing}")
    return mapped.to_numpy()


def _group_cumsum_before(
    x: npt.NDArray[np.int64], game_start: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per game, the sum of x over the rows before each row (``cumsum() - x`` within the game)."""
    c = np.cumsum(x)
    before_game = c[game_start] - x[game_start]
    return c - x - before_game


def feature_matrix(actions: pd.DataFrame, matches: pd.DataFrame, nb_prev_actions: int = 3) -> sp.csr_matrix:
    """socceraction's default VAEP features of every action, as a CSR matrix (float64).

    ``actions`` in SPADL (``frames.ACTIONS``: match_id, club_id, ...), any number of games,
    in game and action order (see :func:`rate_vaep`, which sorts); ``matches`` gives each game's
    home club (match_id, home_club_id), which decides the direction of play as in
    ``socceraction.vaep.features.play_left_to_right``. Columns are :func:`feature_columns`.
    """
    n = len(actions)
    k = nb_prev_actions
    game = actions["match_id"].to_numpy()
    g = game_rows(game, actions["period_id"].to_numpy())
    rows = np.arange(n, dtype=np.int64)
    # gamestates(): a_s is the action s before, within the period; the period's first action
    # stands in for the ones before it (socceraction's shift + fillna(x.iloc[0])).
    prev = [np.maximum(rows - s, g.period_start) for s in range(k)]

    team = actions["club_id"].to_numpy()
    type_id = actions["type_id"].to_numpy().astype(np.int64)
    result_id = actions["result_id"].to_numpy().astype(np.int64)
    bodypart_id = actions["bodypart_id"].to_numpy().astype(np.int64)
    period = actions["period_id"].to_numpy().astype(np.float64)
    seconds = actions["time_seconds"].to_numpy().astype(np.float64)
    # play_left_to_right(): every action of a game state is mirrored when a0's team is away.
    away = team != _home_per_action(actions, matches)
    coords = {}
    for col, size in (
        ("start_x", PITCH_LENGTH),
        ("end_x", PITCH_LENGTH),
        ("start_y", PITCH_WIDTH),
        ("end_y", PITCH_WIDTH),
    ):
        v = actions[col].to_numpy().astype(np.float64)
        coords[col] = [np.where(away, size - v[p], v[p]) for p in prev]

    nt, nr, nb = len(ACTION_TYPES), len(RESULTS), len(BODYPARTS_ONEHOT)
    floats_per_state = 14
    width = k * (3 + 2 + floats_per_state) + (k - 1) * 5 + 3  # entries per row
    data = np.zeros((n, width), dtype=np.float64)
    index = np.zeros((n, width), dtype=np.int32)
    slot = 0
    base = 0

    def put(col: npt.NDArray[np.int64] | int, value: npt.NDArray[Any] | float) -> None:
        nonlocal slot
        index[:, slot] = col
        data[:, slot] = value
        slot += 1

    # One-hot blocks: one entry per state (two for the body part), in column order.
    for s in range(k):
        put(base + s * nt + type_id[prev[s]], 1.0)
    base += k * nt
    for s in range(k):
        put(base + s * nr + result_id[prev[s]], 1.0)
    base += k * nr
    for s in range(k):
        put(base + s * nt * nr + type_id[prev[s]] * nr + result_id[prev[s]], 1.0)
    base += k * nt * nr
    # bodypart_onehot: foot <- foot/foot_left/foot_right; head and other also set head/other.
    # Two entries per row always (an explicit zero where only one column is set), so that every
    # row has the same number of entries; LightGBM reads a stored zero as 0.0 like a missing one.
    bp_first = np.array([0, 1, 2, 0, 0, 0])  # bodypart_id -> first column (foot, head, other, foot)
    bp_first_val = np.array([1.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    bp_second_val = np.array([0.0, 1.0, 1.0, 1.0, 0.0, 0.0])  # the head/other column (index 3)
    for s in range(k):
        b = bodypart_id[prev[s]]
        put(base + s * nb + bp_first[b], bp_first_val[b])
        put(base + s * nb + 3, bp_second_val[b])
    base += k * nb

    goal_x, goal_y = PITCH_LENGTH, PITCH_WIDTH / 2
    t = [seconds[p] for p in prev]
    dense: list[list[npt.NDArray[np.float64]]] = []  # per block, per state, per column
    dense.append(
        [
            np.array(
                [period[p], seconds[p], _PERIOD_START_MINUTE[period[p].astype(np.int64)] * 60 + seconds[p]]
            )
            for p in prev
        ]
    )
    dense.append([np.array([coords["start_x"][s], coords["start_y"][s]]) for s in range(k)])
    dense.append([np.array([coords["end_x"][s], coords["end_y"][s]]) for s in range(k)])
    with np.errstate(divide="ignore", invalid="ignore"):
        for which in ("start", "end"):
            polar = []
            for s in range(k):
                dx = np.abs(goal_x - coords[f"{which}_x"][s])
                dy = np.abs(goal_y - coords[f"{which}_y"][s])
                polar.append(np.array([np.sqrt(dx**2 + dy**2), np.nan_to_num(np.arctan(dy / dx))]))
            dense.append(polar)
    movement = []
    for s in range(k):
        dx = coords["end_x"][s] - coords["start_x"][s]
        dy = coords["end_y"][s] - coords["start_y"][s]
        movement.append(np.array([dx, dy, np.sqrt(dx**2 + dy**2)]))
    dense.append(movement)
    for block in dense:
        for state in block:
            for column in state:
                put(base, column)
                base += 1

    # State features: a1.. against a0.
    for s in range(1, k):
        put(base, team[prev[s]] == team)
        base += 1
    for s in range(1, k):
        put(base, t[0] - t[s])
        base += 1
    for s in range(1, k):
        dx = coords["end_x"][s] - coords["start_x"][0]
        dy = coords["end_y"][s] - coords["start_y"][0]
        for v in (dx, dy, np.sqrt(dx**2 + dy**2)):
            put(base, v)
            base += 1

    # goalscore(): goals before each action, for the acting team and its opponent; "team A" is the
    # team of the game's first action, an own goal counts for the other team.
    goals, owngoals = goal_flags(type_id, result_id)
    team_a = team == team[g.game_start]
    goals_a = ((goals & team_a) | (owngoals & ~team_a)).astype(np.int64)
    goals_b = ((goals & ~team_a) | (owngoals & team_a)).astype(np.int64)
    score_a = _group_cumsum_before(goals_a, g.game_start)
    score_b = _group_cumsum_before(goals_b, g.game_start)
    own = np.where(team_a, score_a, score_b)
    opp = np.where(team_a, score_b, score_a)
    for v in (own, opp, own - opp):
        put(base, v)
        base += 1

    assert slot == width and base == len(feature_columns(k))
    indptr = np.arange(0, n * width + 1, width, dtype=np.int64)
    return sp.csr_matrix((data.ravel(), index.ravel(), indptr), shape=(n, base))


def compute_features(actions: pd.DataFrame, matches: pd.DataFrame, nb_prev_actions: int = 3) -> pd.DataFrame:
    """The features as a dense frame with socceraction's column names (for a few matches)."""
    actions = in_order(actions)
    x = feature_matrix(actions, matches, nb_prev_actions)
    return pd.DataFrame(x.toarray(), columns=feature_columns(nb_prev_actions))
