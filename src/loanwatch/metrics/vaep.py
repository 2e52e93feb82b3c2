"""VAEP action values (socceraction's framework), computed for all matches at once.

socceraction computes VAEP match by match: ``VAEP.compute_features`` builds each game's game
states with a pandas ``groupby().apply(shift)`` per previous action and concatenates some 190
small frames per game; ``compute_labels`` and ``rate`` repeat the same per game. Here the same
features, labels and formula are computed for every match in one pass with numpy index
arithmetic: a game state's previous actions are rows ``max(i - k, first row of the period)``,
the labels look ahead to ``min(i + k, last row of the game)``, and the formula's previous action
is ``max(i - 1, first row of the game)``. The results are tested equal to socceraction's
per-game output (features exactly, values within 1e-6) in ``tests/test_action_values.py``.

The feature matrix is built as a CSR matrix with a fixed number of entries per row (the one-hot
features are one or two non-zeros per block): the 568 default features of 1.7 million actions
would take 7.7 GB as a dense float64 matrix and take 1.4 GB this way, and LightGBM trains and
predicts from CSR directly. Floats stay float64 so that predictions match socceraction's, which
feeds LightGBM float64 frames.

The model itself is socceraction's ``VAEP`` object with its two LightGBM classifiers (scores,
concedes), so ``VAEP.rate`` gives the same values as :func:`rate_vaep`. The classifiers are fitted
here rather than by ``VAEP.fit`` because ``VAEP.fit`` needs the features as one pandas frame
(``X.iloc[idx][cols]`` copies it, LightGBM then converts it to a dense float64 array) and with
LightGBM 4 its default fit options (``verbose``, ``early_stopping_rounds``) no longer exist. The
learner settings are socceraction's LightGBM defaults (100 trees of depth 3), made deterministic.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.metrics import xt as xt_metrics
from loanwatch.metrics.spadl_vocab import ACTION_TYPES, BODYPARTS_ONEHOT, RESULTS

_SHOT_TYPES = (
    ACTION_TYPES.index("shot"),
    ACTION_TYPES.index("shot_penalty"),
    ACTION_TYPES.index("shot_freekick"),
)
_SUCCESS = RESULTS.index("success")
_OWNGOAL = RESULTS.index("owngoal")
_PENALTY = ACTION_TYPES.index("shot_penalty")
_CORNERS = (ACTION_TYPES.index("corner_crossed"), ACTION_TYPES.index("corner_short"))
# socceraction.vaep.features.time: minutes at the start of each period.
_PERIOD_START_MINUTE = np.array([np.nan, 0, 45, 90, 105, 120], dtype=np.float64)
_LABEL_WINDOW = 10  # socceraction.vaep.labels: a goal within the next 10 actions
_SAMEPHASE_SECONDS = 10  # socceraction.vaep.formula._samephase_nb
_PENALTY_SCORE_PROB = 0.792453  # socceraction.vaep.formula: fixed odds before a penalty
_CORNER_SCORE_PROB = 0.046500  # ... and before a corner

# socceraction's LightGBM defaults (``VAEP._fit_lightgbm``), plus what makes a fit repeatable:
# the seed, deterministic histograms, and column-wise histograms (each feature's histogram summed by
# one thread, so the result does not depend on the number of threads).
TREE_PARAMS: dict[str, Any] = {
    "n_estimators": 100,
    "max_depth": 3,
    "deterministic": True,
    "force_col_wise": True,
    "verbose": -1,
}
# One thread: LightGBM's OpenMP threads spin-wait, and on a shared 2-core machine two threads made a
# small fit 20x slower (6.7 s against 0.3 s). With column-wise histograms the model is the same for
# any number of threads (checked), so this only trades speed.
N_JOBS = 1
# Big fits and predictions (a season or more of actions) do use the cores: each of the 100 trees
# then builds histograms over millions of rows, so the threads have long stretches of work and the
# spin-waiting above does not matter (the whole set's VAEP training: 77 s on one thread, see
# benchmarks/metrics.py). The fitted model and the predictions are the same for any number of
# threads (deterministic, column-wise histograms: LightGBM's ``deterministic`` contract, and
# checked on the real data); the classifiers keep ``n_jobs = N_JOBS`` for whoever predicts with them.
BIG_ROWS = 200_000
MAX_JOBS = 2


def _threads(n_rows: int) -> int:
    if n_rows < BIG_ROWS:
        return N_JOBS
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(N_JOBS, min(MAX_JOBS, cores))


VALUE_COLUMNS = ["match_id", "action_id", "offensive", "defensive", "value"]


# -- game states and features ------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Games:
    """Row bookkeeping of an actions frame sorted by game and action."""

    game_start: npt.NDArray[np.int64]  # first row of each row's game
    game_last: npt.NDArray[np.int64]  # last row of each row's game
    period_start: npt.NDArray[np.int64]  # first row of each row's (game, period)


def _sorted(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions in game and action order (the order socceraction processes a game's actions in)."""
    game = actions["game_id"].to_numpy()
    act = actions["action_id"].to_numpy()
    if len(actions) > 1 and not (
        np.all(game[1:] >= game[:-1]) and np.all((game[1:] != game[:-1]) | (act[1:] > act[:-1]))
    ):
        actions = actions.sort_values(["game_id", "action_id"], kind="stable")
    return actions.reset_index(drop=True)


def _games(game: npt.NDArray[Any], period: npt.NDArray[Any]) -> _Games:
    n = len(game)
    rows = np.arange(n, dtype=np.int64)
    new_game = np.ones(n, dtype=bool)
    new_game[1:] = game[1:] != game[:-1]
    new_period = new_game.copy()
    new_period[1:] |= period[1:] != period[:-1]
    if np.any(~new_game[1:] & (period[1:] < period[:-1])):
        # socceraction groups by (game, period) values; with actions in order a period's actions
        # are consecutive, which the index arithmetic here relies on.
        raise ValueError("actions are not in period order within a game")
    last_game = np.ones(n, dtype=bool)
    last_game[:-1] = new_game[1:]
    return _Games(
        game_start=np.maximum.accumulate(np.where(new_game, rows, 0)),
        game_last=np.minimum.accumulate(np.where(last_game, rows, n)[::-1])[::-1],
        period_start=np.maximum.accumulate(np.where(new_period, rows, 0)),
    )


def _home_per_action(actions: pd.DataFrame, matches: pd.DataFrame) -> npt.NDArray[Any]:
    home = matches.set_index("match_id")["home_club_id"]
    mapped = actions["game_id"].map(home)
    if mapped.isna().any():
        missing = sorted(set(actions.loc[mapped.isna(), "game_id"]))[:5]
        raise ValueError(f"no home club for matches {missing}")
    return mapped.to_numpy()


def _goals(type_id: npt.NDArray[Any], result_id: npt.NDArray[Any]) -> tuple[npt.NDArray[np.bool_], ...]:
    # socceraction: type_name.str.contains("shot") -> shot, shot_penalty, shot_freekick.
    shot = np.isin(type_id, _SHOT_TYPES)
    return shot & (result_id == _SUCCESS), shot & (result_id == _OWNGOAL)


def _group_cumsum_before(
    x: npt.NDArray[np.int64], game_start: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per game, the sum of x over the rows before each row (``cumsum() - x`` within the game)."""
    c = np.cumsum(x)
    before_game = c[game_start] - x[game_start]
    return c - x - before_game


def feature_matrix(actions: pd.DataFrame, matches: pd.DataFrame, nb_prev_actions: int = 3) -> sp.csr_matrix:
    """socceraction's default VAEP features of every action, as a CSR matrix (float64).

    ``actions`` in socceraction's SPADL schema (game_id, team_id, ...), any number of games,
    in game and action order (see :func:`rate_vaep`, which sorts); ``matches`` gives each game's
    home club (match_id, home_club_id), which decides the direction of play as in
    ``socceraction.vaep.features.play_left_to_right``. Columns are :func:`feature_columns`.
    """
    n = len(actions)
    k = nb_prev_actions
    game = actions["game_id"].to_numpy()
    g = _games(game, actions["period_id"].to_numpy())
    rows = np.arange(n, dtype=np.int64)
    # gamestates(): a_s is the action s before, within the period; the period's first action
    # stands in for the ones before it (socceraction's shift + fillna(x.iloc[0])).
    prev = [np.maximum(rows - s, g.period_start) for s in range(k)]

    team = actions["team_id"].to_numpy()
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
    goals, owngoals = _goals(type_id, result_id)
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
    actions = _sorted(actions)
    x = feature_matrix(actions, matches, nb_prev_actions)
    return pd.DataFrame(x.toarray(), columns=feature_columns(nb_prev_actions))


def compute_labels(actions: pd.DataFrame) -> pd.DataFrame:
    """socceraction's VAEP labels: the acting team scores / concedes within the next 10 actions.

    Per game, as ``VAEP.compute_labels``: the window runs over period ends, and past the game's
    last action the last action stands in for the missing ones.
    """
    actions = _sorted(actions)
    g = _games(actions["game_id"].to_numpy(), actions["period_id"].to_numpy())
    team = actions["team_id"].to_numpy()
    goals, owngoals = _goals(actions["type_id"].to_numpy(), actions["result_id"].to_numpy())
    rows = np.arange(len(actions), dtype=np.int64)
    scores = goals.copy()
    concedes = owngoals.copy()
    for i in range(1, _LABEL_WINDOW):
        j = np.minimum(rows + i, g.game_last)
        same = team[j] == team
        scores |= (goals[j] & same) | (owngoals[j] & ~same)
        concedes |= (goals[j] & ~same) | (owngoals[j] & same)
    return pd.DataFrame({"scores": scores, "concedes": concedes})


# -- the model --------------------------------------------------------------------------------


@dataclass
class VaepModel:
    """socceraction's VAEP with its fitted classifiers, and how it was trained."""

    vaep: Any  # socceraction.vaep.VAEP
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def nb_prev_actions(self) -> int:
        return int(self.vaep.nb_prev_actions)

    def classifiers(self) -> dict[str, Any]:
        # VAEP keeps its fitted learners in a private attribute and has no setter or getter.
        return dict(self.vaep._VAEP__models)


def library_versions() -> dict[str, str]:
    return {
        lib: version(lib) for lib in ("socceraction", "lightgbm", "scikit-learn", "numpy", "pandas", "scipy")
    }


def _fit(x: sp.csr_matrix, y: npt.NDArray[np.bool_], cols: list[str], seed: int) -> Any:
    import lightgbm

    model = lightgbm.LGBMClassifier(**TREE_PARAMS, random_state=seed, n_jobs=_threads(x.shape[0]))
    # Feature names so that socceraction's VAEP.rate, which passes a named frame, is checked
    # against the same columns.
    model.fit(x, y, feature_name=cols)
    return model.set_params(n_jobs=N_JOBS)  # predictions: one thread unless asked (_probabilities)


def train_vaep(
    actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int = 0, nb_prev_actions: int = 3
) -> VaepModel:
    """Fit socceraction's VAEP (LightGBM learner) on every action of the given games."""
    from socceraction.vaep import VAEP

    actions = _sorted(actions)
    x = feature_matrix(actions, matches, nb_prev_actions)
    y = compute_labels(actions)
    cols = feature_columns(nb_prev_actions)
    vaep = VAEP(nb_prev_actions=nb_prev_actions)
    vaep._VAEP__models = {
        "scores": _fit(x, y["scores"].to_numpy(), cols, seed),
        "concedes": _fit(x, y["concedes"].to_numpy(), cols, seed),
    }
    params = {
        "learner": "lightgbm",
        "tree_params": TREE_PARAMS,
        "seed": seed,
        "nb_prev_actions": nb_prev_actions,
        "features": "socceraction.vaep.base.xfns_default",
        "labels": "scores, concedes within 10 actions",
        "versions": library_versions(),
    }
    return VaepModel(vaep=vaep, params=params)


def _probabilities(
    model: VaepModel, x: sp.csr_matrix
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # The booster's prediction is predict_proba(...)[:, 1] without scikit-learn's input checks.
    m = model.classifiers()
    threads = _threads(x.shape[0])
    return (
        np.asarray(m["scores"].booster_.predict(x, num_threads=threads), dtype=np.float64),
        np.asarray(m["concedes"].booster_.predict(x, num_threads=threads), dtype=np.float64),
    )


def _formula(
    actions: pd.DataFrame, p_scores: npt.NDArray[np.float64], p_concedes: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """socceraction.vaep.formula.value for all games: (offensive, defensive)."""
    g = _games(actions["game_id"].to_numpy(), actions["period_id"].to_numpy())
    rows = np.arange(len(actions), dtype=np.int64)
    prev = np.maximum(rows - 1, g.game_start)  # _prev(): the first action is its own previous one
    team = actions["team_id"].to_numpy()
    type_id = actions["type_id"].to_numpy()
    result_id = actions["result_id"].to_numpy()
    seconds = actions["time_seconds"].to_numpy().astype(np.float64)
    sameteam = team[prev] == team
    prev_scores = np.where(sameteam, p_scores[prev], p_concedes[prev])
    prev_concedes = np.where(sameteam, p_concedes[prev], p_scores[prev])
    # A new phase of play (previous action more than 10 s before) or a goal just scored: the odds
    # start from zero.
    reset = np.abs(seconds - seconds[prev]) > _SAMEPHASE_SECONDS
    reset |= np.isin(type_id[prev], _SHOT_TYPES) & (result_id[prev] == _SUCCESS)
    prev_scores = np.where(reset, 0.0, prev_scores)
    prev_concedes = np.where(reset, 0.0, prev_concedes)
    prev_scores = np.where(type_id == _PENALTY, _PENALTY_SCORE_PROB, prev_scores)
    prev_scores = np.where(np.isin(type_id, _CORNERS), _CORNER_SCORE_PROB, prev_scores)
    return p_scores - prev_scores, -(p_concedes - prev_concedes)


def rate_vaep(
    model: VaepModel, actions: pd.DataFrame, matches: pd.DataFrame, *, chunk_games: int = 200
) -> pd.DataFrame:
    """VAEP offensive, defensive and total value of every action (match_id, action_id, ...).

    Games are processed ``chunk_games`` at a time to bound the memory of the feature matrix; the
    values do not depend on the chunking (every quantity is within a game).
    """
    actions = _sorted(actions)
    game = actions["game_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, game[1:] != game[:-1]]) if len(game) else np.array([], dtype=np.int64)
    bounds = [*starts[::chunk_games].tolist(), len(actions)]
    off = np.empty(len(actions))
    dfn = np.empty(len(actions))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        part = actions.iloc[lo:hi].reset_index(drop=True)
        x = feature_matrix(part, matches, model.nb_prev_actions)
        ps, pc = _probabilities(model, x)
        off[lo:hi], dfn[lo:hi] = _formula(part, ps, pc)
    return pd.DataFrame(
        {
            "match_id": game,
            "action_id": actions["action_id"].to_numpy(),
            "offensive": off,
            "defensive": dfn,
            "value": off + dfn,
        }
    )


def model_to_bytes(model: VaepModel) -> bytes:
    """The model as stored in ``models.blob``: a pickle (the store only holds its own models)."""
    return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)


def model_from_bytes(blob: bytes) -> VaepModel:
    model = pickle.loads(blob)
    if not isinstance(model, VaepModel):
        raise TypeError(f"not a VAEP model: {type(model).__name__}")
    return model


# -- training and rating the store's matches ------------------------------------------------------


class ModelStore(Protocol):
    """What this module uses of ``loanwatch.store.repository.Store`` (metrics do not import store)."""

    def actions_frame(self, match_ids: Sequence[int] | None = None) -> Any: ...
    def matches_frame(self) -> Any: ...
    def matches_with_actions(self) -> set[int]: ...
    def save_model(
        self,
        kind: str,
        blob: bytes,
        training_set: dict[str, Any],
        params: dict[str, Any],
        quality: dict[str, Any],
    ) -> int: ...
    def latest_model(self, kind: str) -> dict[str, Any] | None: ...
    def save_action_values(self, model_id: int, rows: Any) -> None: ...


def _fingerprint(actions: pd.DataFrame) -> str:
    """A hash of the training actions: the same data gives the same model, so no new version."""
    h = hashlib.sha256()
    for col in (
        "game_id",
        "action_id",
        "period_id",
        "time_seconds",
        "team_id",
        "start_x",
        "start_y",
        "end_x",
        "end_y",
        "type_id",
        "result_id",
        "bodypart_id",
    ):
        h.update(np.ascontiguousarray(actions[col].to_numpy(dtype=np.float64)).tobytes())
    return h.hexdigest()


def holdout_quality(
    actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int = 0, holdout: float = 0.2
) -> dict[str, Any]:
    """Brier score and AUC of scores/concedes on ``holdout`` of the matches (whole matches held
    out), for a model trained on the others with the same settings."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    ids = np.unique(actions["game_id"].to_numpy())
    if len(ids) < 2:
        return {}
    test_ids = np.random.default_rng(seed).permutation(ids)[: max(1, round(len(ids) * holdout))]
    is_test = actions["game_id"].isin(test_ids)
    model = train_vaep(actions[~is_test], matches, seed=seed)
    test = _sorted(actions[is_test])
    ps, pc = _probabilities(model, feature_matrix(test, matches, model.nb_prev_actions))
    y = compute_labels(test)
    quality: dict[str, Any] = {"holdout_matches": int(len(test_ids)), "holdout_actions": int(len(test))}
    for label, p in (("scores", ps), ("concedes", pc)):
        truth = y[label].to_numpy()
        quality[label] = {
            "brier": float(brier_score_loss(truth, p)),
            "auc": float(roc_auc_score(truth, p)) if 0 < truth.sum() < len(truth) else None,
            "positives": int(truth.sum()),
        }
    return quality


def _training_set(actions: pd.DataFrame, matches: pd.DataFrame) -> dict[str, Any]:
    ids = sorted(int(m) for m in np.unique(actions["game_id"].to_numpy()))
    used = matches[matches["match_id"].isin(ids)]
    groups = (
        used.groupby(["competition", "season"]).size().reset_index(name="matches")
        if {"competition", "season"} <= set(used.columns)
        else pd.DataFrame()
    )
    return {
        "matches": ids,
        "actions": int(len(actions)),
        "competitions": groups.to_dict("records"),
        "fingerprint": _fingerprint(actions),
    }


def train_and_store(
    store: ModelStore,
    match_ids: Sequence[int] | None = None,
    *,
    seed: int = 0,
    holdout: float = 0.2,
    force: bool = False,
) -> dict[str, Any]:
    """Train VAEP and xT on the store's actions (all matches, or ``match_ids``) and save both.

    Idempotent: when the newest model of a kind was trained on the same actions with the same
    settings, it is kept (same id) instead of saving an identical new version; ``force`` saves a
    new version anyway. Returns {"vaep": {"model_id", "version", "new"}, "xt": {...}}.
    """

    actions = store.actions_frame([int(m) for m in match_ids] if match_ids is not None else None)
    if actions.empty:
        raise ValueError("no SPADL actions in the store for these matches")
    actions = _sorted(actions)
    matches = store.matches_frame()
    training_set = _training_set(actions, matches)
    out: dict[str, Any] = {}

    def unchanged(kind: str, params: dict[str, Any]) -> dict[str, Any] | None:
        last = store.latest_model(kind)
        if force or last is None:
            return None
        same_data = last["training_set"].get("fingerprint") == training_set["fingerprint"]
        return last if same_data and _comparable(last["params"]) == _comparable(params) else None

    vaep_params = {
        "learner": "lightgbm",
        "tree_params": TREE_PARAMS,
        "seed": seed,
        "nb_prev_actions": 3,
        "holdout": holdout,
        "versions": library_versions(),
    }
    last = unchanged("vaep", vaep_params)
    if last is not None:
        out["vaep"] = {"model_id": last["id"], "version": last["version"], "new": False}
    else:
        quality = holdout_quality(actions, matches, seed=seed, holdout=holdout) if holdout > 0 else {}
        model = train_vaep(actions, matches, seed=seed)
        model_id = store.save_model("vaep", model_to_bytes(model), training_set, vaep_params, quality)
        out["vaep"] = {"model_id": model_id, "version": _version(store, "vaep", model_id), "new": True}

    xt_params = {**xt_metrics.PARAMS, "versions": library_versions()}
    last = unchanged("xt", xt_params)
    if last is not None:
        out["xt"] = {"model_id": last["id"], "version": last["version"], "new": False}
    else:
        xt_model = xt_metrics.train_xt(actions)
        model_id = store.save_model(
            "xt", xt_metrics.model_to_bytes(xt_model), training_set, xt_params, xt_metrics.quality(xt_model)
        )
        out["xt"] = {"model_id": model_id, "version": _version(store, "xt", model_id), "new": True}
    return out


def _comparable(params: dict[str, Any]) -> str:
    # Through JSON as the store keeps them (tuples become lists).
    return json.dumps(params, sort_keys=True)


def _version(store: ModelStore, kind: str, model_id: int) -> int | None:
    last = store.latest_model(kind)
    return int(last["version"]) if last is not None and last["id"] == model_id else None


def rate_and_store(store: ModelStore, kind: str, *, chunk_matches: int = 200) -> dict[str, Any]:
    """Rate every action in the store with the newest model of ``kind`` ('vaep' or 'xt') and
    replace that model's action values. xT gives no value to actions other than successful
    passes, crosses and dribbles (NaN in socceraction): stored as 0, since they add no threat."""

    last = store.latest_model(kind)
    if last is None:
        raise ValueError(f"no {kind} model in the store: train one first (loanwatch models train)")
    ids = sorted(store.matches_with_actions())
    matches = store.matches_frame()
    frames = []
    for lo in range(0, len(ids), chunk_matches):
        actions = store.actions_frame(ids[lo : lo + chunk_matches])
        if kind == "vaep":
            frames.append(rate_vaep(model_from_bytes(last["blob"]), actions, matches))
        elif kind == "xt":
            frames.append(xt_metrics.rate_xt(xt_metrics.model_from_bytes(last["blob"]), actions).fillna(0.0))
        else:
            raise ValueError(f"unknown model kind {kind!r}")
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VALUE_COLUMNS)
    store.save_action_values(
        int(last["id"]),
        zip(
            values["match_id"].astype(int).tolist(),
            values["action_id"].astype(int).tolist(),
            values["offensive"].tolist(),
            values["defensive"].tolist(),
            values["value"].tolist(),
            strict=True,
        ),
    )
    return {"model_id": int(last["id"]), "version": int(last["version"]), "actions": int(len(values))}


def player_match_values(actions_with_values: pd.DataFrame) -> pd.DataFrame:
    """Per player and match: VAEP offensive, defensive and total value, and xT, summed.

    Takes actions (game_id or match_id, player_id) with columns ``offensive``, ``defensive``,
    ``vaep`` and ``xt`` (see :func:`actions_with_values`); actions without a player are left out,
    and actions xT does not value (NaN) count as 0.
    """
    df = actions_with_values
    if "match_id" not in df.columns:
        df = df.rename(columns={"game_id": "match_id"})
    df = df[df["player_id"].notna()]
    out = (
        df.groupby(["match_id", "player_id"], sort=True)[["offensive", "defensive", "vaep", "xt"]]
        .sum(min_count=0)
        .reset_index()
    )
    out["player_id"] = out["player_id"].astype(np.int64)
    return out


def actions_with_values(actions: pd.DataFrame, vaep: pd.DataFrame, xt: pd.DataFrame) -> pd.DataFrame:
    """Actions with their VAEP (offensive, defensive, vaep) and xT (xt) values beside them."""
    a = actions.rename(columns={"game_id": "match_id"})
    v = vaep.rename(columns={"value": "vaep"})[["match_id", "action_id", "offensive", "defensive", "vaep"]]
    x = xt.rename(columns={"value": "xt"})[["match_id", "action_id", "xt"]]
    return a.merge(v, on=["match_id", "action_id"], how="left").merge(
        x, on=["match_id", "action_id"], how="left"
    )
