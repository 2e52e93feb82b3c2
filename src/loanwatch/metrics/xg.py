"""Expected goals (xG) and expected assists (xA) from SPADL actions.

A shot's xG is the probability that it is scored, learnt from the shots already ingested:

- features (``shot_features``): distance and angles to the goal, body part, and the situation the
  shot came from, read off the actions just before it;
- penalties get the empirical conversion rate of the training penalties (a constant: every
  penalty is the same shot, and there are too few of them to model anything else);
- every other shot goes through a calibrated classifier. Logistic regression and gradient
  boosting, each with Platt or isotonic calibration, are compared by log loss in a cross-validation
  grouped by match *inside the training matches*; the winner is refitted on all of them. The
  held-out matches are never used to choose, so the quality reported on them is honest.

xA credits a shot's xG to the pass that set it up (``expected_assists``).

The module is pure (DataFrames in and out); the model registry (``metrics.models``) trains, stores
and rates it like VAEP and xT.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS, BODYPART_IDS, SHOT_TYPES, SUCCESS

GOAL_WIDTH = 7.32
GOAL_X = PITCH_LENGTH
GOAL_Y = PITCH_WIDTH / 2

_T = ACTION_TYPE_IDS
BODY_FOOT, BODY_HEAD, BODY_OTHER, BODY_HEAD_OTHER = (
    BODYPART_IDS[n] for n in ("foot", "head", "other", "head/other")
)  # 4, 5: left / right foot

# What can set up a shot: open-play passes and crosses and the set pieces' first ball.
ASSIST_TYPES = frozenset(
    _T[n] for n in ("pass", "cross", "freekick_crossed", "freekick_short", "corner_crossed", "corner_short")
)
CROSS_TYPES = frozenset({_T["cross"], _T["corner_crossed"], _T["freekick_crossed"]})
CORNER_TYPES = frozenset({_T["corner_crossed"], _T["corner_short"]})
FREEKICK_TYPES = frozenset({_T["freekick_crossed"], _T["freekick_short"]})
# The shooter's own touches between receiving the ball and shooting: they do not break the link
# between the pass and the shot (SPADL inserts a "dribble" for the carry between two actions).
CARRY_TYPES = frozenset({_T["dribble"], _T["take_on"]})

SET_PIECE_LOOKBACK_ACTIONS = 5  # "after a corner / free kick": one of the team's last 5 actions...
SET_PIECE_LOOKBACK_SECONDS = 10.0  # ...and at most 10 s before the shot
REBOUND_SECONDS = 5.0
FAST_BREAK_SECONDS = 15.0

# The model's inputs, all numeric. ``situation`` (a label) is kept beside them for reading.
FEATURES = (
    "distance",  # metres from the centre of the goal
    "angle",  # radians of goal mouth the shooter sees between the posts
    "angle_to_centre",  # radians off the straight line to the goal (0 = facing the goal)
    "is_head",
    "is_other_body_part",
    "is_direct_freekick",
    "after_corner",
    "after_freekick",
    "after_throw_in",
    "after_cross",
    "assisted",  # a teammate's successful pass set it up
    "after_carry",  # the shooter ran with the ball or beat a man first
    "rebound",  # the team shot in the previous seconds
    "fast_break",
)


# -- features ---------------------------------------------------------------------------------


def _attacks_right(actions: pd.DataFrame) -> np.ndarray:
    """Whether each action's team attacks the goal at x = 105.

    The store's actions are SPADL from socceraction's Wyscout converter, where the home team
    attacks to the right and the away team to the left in both halves
    (``_fix_direction_of_play``), or the same actions turned with ``play_left_to_right``
    (everyone to the right, domain.py's convention). Rather than depend on which, the direction
    is read from the data: a team's shots are in the half it attacks. Each shot votes with its
    signed distance from the halfway line (a long shot from near halfway counts little).

    The votes are pooled per match and team -- one lone long shot in a half cannot turn the
    team round -- unless the data show teams changing ends at half time (the periods' votes
    disagree in most matches), then per period. A team without a shot gets "right" (it does not
    matter: only shots are placed by it).
    """
    shots = actions[actions["type_id"].isin(SHOT_TYPES)]
    vote = (shots["start_x"] - PITCH_LENGTH / 2).clip(-30.0, 30.0)
    by_period = vote.groupby([shots["match_id"], shots["club_id"], shots["period_id"]]).sum()
    signs = np.sign(by_period[by_period != 0])
    spread = signs.groupby(level=[0, 1]).agg(["min", "max", "size"])
    spread = spread[spread["size"] > 1]
    swapping = len(spread) > 0 and float((spread["min"] != spread["max"]).mean()) > 0.5
    if swapping:
        keys = pd.MultiIndex.from_frame(actions[["match_id", "club_id", "period_id"]])
        score = by_period.reindex(keys)
    else:
        keys = pd.MultiIndex.from_frame(actions[["match_id", "club_id"]])
        score = vote.groupby([shots["match_id"], shots["club_id"]]).sum().reindex(keys)
    return np.nan_to_num(score.to_numpy(dtype=float), nan=0.0) >= 0


def _geometry(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distance, opening angle, angle to centre) of shots from (x, y), attacking x = 105."""
    dx = GOAL_X - x
    dy = y - GOAL_Y
    distance = np.hypot(dx, dy)
    half = GOAL_WIDTH / 2
    # The angle between the lines to the two posts; arctan2 keeps it right (near pi) on the line.
    opening = np.arctan2(GOAL_WIDTH * dx, dx**2 + dy**2 - half**2)
    opening = np.where(opening < 0, opening + np.pi, opening)
    to_centre = np.arctan2(np.abs(dy), dx)
    return distance, opening, to_centre


def shot_features(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per shot (SPADL shot, shot_freekick, shot_penalty) with the model's features.

    ``actions`` are SPADL actions of whole matches (``match_id``,
    ``club_id``, ...), e.g. ``Store.actions_frame()``. The context features need the actions
    before each shot, so pass whole matches, not just the shots. Penalty shoot-outs (period 5) are
    left out: they are not match play.

    Columns: match_id, action_id, player_id, club_id, period_id, time_seconds, type_id, x, y (in
    the shooter's attacking frame), FEATURES, situation (open_play, corner, free_kick,
    throw_in, direct_free_kick, penalty), is_penalty, goal (1 when the shot scored: result
    success; own goals are not shots in SPADL and are never counted).
    """
    columns = [
        "match_id", "action_id", "player_id", "club_id", "period_id", "time_seconds", "type_id",
        "x", "y", *FEATURES, "situation", "is_penalty", "goal",
    ]  # fmt: skip
    if actions.empty:
        return pd.DataFrame(columns=columns)
    acts, play = _in_play_order(actions)
    right = _attacks_right(acts)
    x_att = np.where(right, acts["start_x"].to_numpy(float), PITCH_LENGTH - acts["start_x"].to_numpy(float))
    y_att = np.where(right, acts["start_y"].to_numpy(float), PITCH_WIDTH - acts["start_y"].to_numpy(float))

    game, period, team, player, types, results = play
    times = acts["time_seconds"].to_numpy(float)
    bodyparts = acts["bodypart_id"].to_numpy()

    shot_idx = np.flatnonzero(np.isin(types, list(SHOT_TYPES)) & (period != 5))
    rows: list[dict[str, Any]] = []
    for i in shot_idx:

        def same_phase(j: int, i: int = i) -> bool:
            return j >= 0 and game[j] == game[i] and period[j] == period[i]

        # Set pieces among the team's last few actions, close in time: the shot came from them.
        after_corner = after_freekick = after_throw_in = False
        seen = 0
        j = i - 1
        while (
            same_phase(j)
            and seen < SET_PIECE_LOOKBACK_ACTIONS
            and times[i] - times[j] <= SET_PIECE_LOOKBACK_SECONDS
        ):
            if team[j] == team[i]:
                seen += 1
                after_corner |= types[j] in CORNER_TYPES
                after_freekick |= types[j] in FREEKICK_TYPES
                after_throw_in |= types[j] == _T["throw_in"]
            j -= 1

        a = _assist_index(i, game, period, team, player, types, results)
        after_carry = (a is not None and a < i - 1) or (
            same_phase(i - 1) and team[i - 1] == team[i] and types[i - 1] in CARRY_TYPES
        )
        rebound = any(
            same_phase(j) and team[j] == team[i] and types[j] in SHOT_TYPES
            and times[i] - times[j] <= REBOUND_SECONDS
            for j in range(i - 3, i)
        )  # fmt: skip

        # Possession: the team's unbroken run of actions up to the shot. A fast break starts in
        # the team's own half from open play and ends in a shot within FAST_BREAK_SECONDS.
        s = i
        while same_phase(s - 1) and team[s - 1] == team[i]:
            s -= 1
        fast_break = bool(
            s < i
            and x_att[s] < PITCH_LENGTH / 2
            and times[i] - times[s] <= FAST_BREAK_SECONDS
            and types[s] not in CORNER_TYPES | FREEKICK_TYPES | {_T["throw_in"], _T["goalkick"]}
        )

        t = int(types[i])
        bodypart = int(bodyparts[i])
        if t == _T["shot_penalty"]:
            situation = "penalty"
        elif t == _T["shot_freekick"]:
            situation = "direct_free_kick"
        elif after_corner:
            situation = "corner"
        elif after_freekick:
            situation = "free_kick"
        elif after_throw_in:
            situation = "throw_in"
        else:
            situation = "open_play"
        rows.append(
            {
                "match_id": acts.at[i, "match_id"],
                "action_id": acts.at[i, "action_id"],
                "player_id": acts.at[i, "player_id"],
                "club_id": team[i],
                "period_id": period[i],
                "time_seconds": times[i],
                "type_id": t,
                "x": x_att[i],
                "y": y_att[i],
                # Wyscout's "head/body" tag gives SPADL "head/other" on shots: nearly all headers.
                "is_head": int(bodypart in (BODY_HEAD, BODY_HEAD_OTHER)),
                "is_other_body_part": int(bodypart == BODY_OTHER),
                "is_direct_freekick": int(t == _T["shot_freekick"]),
                "after_corner": int(after_corner),
                "after_freekick": int(after_freekick),
                "after_throw_in": int(after_throw_in),
                "after_cross": int(a is not None and types[a] in CROSS_TYPES),
                "assisted": int(a is not None),
                "after_carry": int(after_carry),
                "rebound": int(rebound),
                "fast_break": int(fast_break),
                "situation": situation,
                "is_penalty": int(t == _T["shot_penalty"]),
                "goal": int(results[i] == SUCCESS),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["distance"], out["angle"], out["angle_to_centre"] = _geometry(
        out["x"].to_numpy(float), out["y"].to_numpy(float)
    )
    return out[columns].reset_index(drop=True)


def _in_play_order(actions: pd.DataFrame) -> tuple[pd.DataFrame, tuple[np.ndarray, ...]]:
    """The actions in match, period and action order, and the columns the shot context and the
    assist rule read: (match, period, club, player, type, result) arrays."""
    acts = actions.sort_values(["match_id", "period_id", "action_id"], kind="stable").reset_index(drop=True)
    cols = ("match_id", "period_id", "club_id", "player_id", "type_id", "result_id")
    return acts, tuple(acts[c].to_numpy() for c in cols)


def _assist_index(
    i: int,
    game: np.ndarray,
    period: np.ndarray,
    team: np.ndarray,
    player: np.ndarray,
    types: np.ndarray,
    results: np.ndarray,
) -> int | None:
    """The position of the pass that set up shot ``i``, or None.

    The rule (the same for the ``assisted`` feature and for xA): walk back from the shot over the
    shooter's own carries (SPADL dribble, take_on); the action reached must be a successful
    pass, cross, free kick or corner by a teammate of the shooter, in the same match and period.
    Anything else there -- an opponent's action (possession changed, or a defender touched the
    ball), a failed pass, a throw-in, the shooter's own pass -- means no one is credited.
    """
    j = i - 1
    while (
        j >= 0
        and game[j] == game[i]
        and period[j] == period[i]
        and team[j] == team[i]
        and player[j] == player[i]
        and types[j] in CARRY_TYPES
    ):
        j -= 1
    if (
        j >= 0
        and game[j] == game[i]
        and period[j] == period[i]
        and team[j] == team[i]
        and player[j] != player[i]
        and types[j] in ASSIST_TYPES
        and results[j] == SUCCESS
    ):
        return j
    return None


# -- the model --------------------------------------------------------------------------------


def _logit_design(x: Any) -> np.ndarray:
    """The logistic regression's inputs: the features plus the shapes a linear model cannot
    learn by itself (log distance; headers lose more with distance and angle than shots)."""
    f = np.asarray(x, dtype=float)
    dist = f[:, FEATURES.index("distance")]
    angle = f[:, FEATURES.index("angle")]
    head = f[:, FEATURES.index("is_head")]
    extra = np.column_stack([np.log1p(dist), head * dist, head * angle, np.sqrt(angle)])
    return np.hstack([f, extra])


def _make_estimator(family: str, calibration: str, cv: Any, seed: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    base: Any
    if family == "logit":
        base = make_pipeline(
            FunctionTransformer(_logit_design), StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)
        )
    elif family == "gbm":
        from lightgbm import LGBMClassifier

        # Small, shallow and slow-learning: a few thousand shots do not support more.
        base = LGBMClassifier(
            n_estimators=150,
            learning_rate=0.03,
            num_leaves=8,
            min_child_samples=30,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            reg_lambda=1.0,
            random_state=seed,
            deterministic=True,
            force_row_wise=True,
            n_jobs=1,
            verbose=-1,
        )
    else:
        raise ValueError(f"unknown model family {family!r}")
    return CalibratedClassifierCV(base, method=calibration, cv=cv)


CANDIDATES: tuple[tuple[str, str], ...] = (
    ("logit", "sigmoid"),
    ("logit", "isotonic"),
    ("gbm", "sigmoid"),
    ("gbm", "isotonic"),
)
EPS = 1e-6


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _group_splits(groups: np.ndarray, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Deterministic folds that keep each match's shots together (no leak between a match's shots)."""
    from sklearn.model_selection import GroupKFold

    n = min(n_splits, len(np.unique(groups)))
    dummy = np.zeros(len(groups))
    return list(GroupKFold(n_splits=n).split(dummy, groups=groups))


@dataclass
class XgModel:
    """A fitted xG model: the classifier for non-penalty shots and the penalty rate."""

    estimator: Any
    family: str
    calibration: str
    penalty_rate: float
    base_rate: float  # the training shots' goal rate: the constant baseline
    train_match_ids: list[int]
    holdout_match_ids: list[int]
    n_train_shots: int
    n_train_goals: int
    selection: dict[str, float] = field(default_factory=dict)  # candidate -> grouped-CV log loss
    features: tuple[str, ...] = FEATURES

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """xG of each row of ``shot_features`` output."""
        p = np.full(len(features), np.nan)
        if features.empty:
            return p
        pen = features["is_penalty"].to_numpy(dtype=bool)
        p[pen] = self.penalty_rate
        if (~pen).any():
            from threadpoolctl import threadpool_limits

            x = features.loc[~pen, list(self.features)].to_numpy(dtype=float)
            # One BLAS thread: a multi-threaded product sums in another order, and the last binary
            # digit of a shot's xG would depend on where it is rated (a Dask worker runs one).
            with threadpool_limits(limits=1, user_api="blas"):
                p[~pen] = self.estimator.predict_proba(x)[:, 1]
        return np.clip(p, 0.0, 1.0)

    def describe(self) -> dict[str, Any]:
        return {
            "model": f"{self.family}+{self.calibration}",
            "penalty_rate": self.penalty_rate,
            "base_rate": self.base_rate,
            "n_train_shots": self.n_train_shots,
            "n_train_goals": self.n_train_goals,
            "selection_cv_log_loss": self.selection,
            "features": list(self.features),
        }


def split_matches(
    match_ids: Iterable[Any], holdout_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """(training, held-out) match ids: a seeded shuffle of the sorted ids, so reproducible."""
    ids = np.array(sorted({int(m) for m in match_ids}))
    if len(ids) < 2 or holdout_fraction <= 0:
        return ids.tolist(), []
    n_hold = max(1, round(len(ids) * holdout_fraction))
    order = np.random.default_rng(seed).permutation(len(ids))
    hold = np.sort(ids[order[:n_hold]])
    train = np.sort(ids[order[n_hold:]])
    return train.tolist(), hold.tolist()


def train_xg(
    actions: pd.DataFrame,
    matches: pd.DataFrame | None = None,
    holdout_fraction: float = 0.2,
    seed: int = 0,
    candidates: Sequence[tuple[str, str]] = CANDIDATES,
    cv_folds: int = 4,
) -> XgModel:
    """Train an xG model on the shots of ``actions``, holding out a share of the *matches*.

    ``matches`` (``Store.matches_frame()``, or anything with a ``match_id`` column) restricts the
    matches used; by default every match in ``actions``. The held-out matches' ids are kept on the
    model: score it on them with ``evaluate(model, actions[actions.match_id.isin(...)])``.
    """
    ids = actions["match_id"].unique()
    if matches is not None:
        ids = np.intersect1d(ids, matches["match_id"].to_numpy())
    train_ids, hold_ids = split_matches(ids, holdout_fraction, seed)
    feats = shot_features(actions[actions["match_id"].isin(train_ids)])
    if feats.empty or feats["goal"].nunique() < 2:
        raise ValueError("not enough shots (with and without goals) to train an xG model")

    pen = feats["is_penalty"].to_numpy(dtype=bool)
    from threadpoolctl import threadpool_limits

    # One BLAS/OpenMP thread: these are small problems, where a thread pool's start-up and spinning
    # cost more than they save (4x slower on a busy 2-core machine), and one thread is reproducible.
    with threadpool_limits(limits=1):
        return _fit(feats, pen, candidates, cv_folds, seed, train_ids, hold_ids)


def _fit(
    feats: pd.DataFrame,
    pen: np.ndarray,
    candidates: Sequence[tuple[str, str]],
    cv_folds: int,
    seed: int,
    train_ids: list[int],
    hold_ids: list[int],
) -> XgModel:
    # A season holds only a few dozen penalties: with none at all, fall back to the usual ~0.76.
    penalty_rate = float(feats.loc[pen, "goal"].mean()) if pen.any() else 0.76
    base_rate = float(feats["goal"].mean())

    open_ = feats[~pen]
    x = open_[list(FEATURES)].to_numpy(dtype=float)
    y = open_["goal"].to_numpy(dtype=int)
    groups = open_["match_id"].to_numpy()

    # Choose the family and calibration by grouped CV inside the training matches only.
    outer = _group_splits(groups, cv_folds)
    scores: dict[str, float] = {}
    for family, calibration in candidates:
        losses = []
        for tr, te in outer:
            inner = _group_splits(groups[tr], 3)
            est = _make_estimator(family, calibration, inner, seed).fit(x[tr], y[tr])
            losses.append(_log_loss(y[te], est.predict_proba(x[te])[:, 1]) * len(te))
        scores[f"{family}+{calibration}"] = sum(losses) / len(y)
    best = min(scores, key=lambda k: (scores[k], k))
    family, calibration = best.split("+")
    estimator = _make_estimator(family, calibration, _group_splits(groups, 3), seed).fit(x, y)
    return XgModel(
        estimator=estimator,
        family=family,
        calibration=calibration,
        penalty_rate=penalty_rate,
        base_rate=base_rate,
        train_match_ids=[int(m) for m in train_ids],
        holdout_match_ids=[int(m) for m in hold_ids],
        n_train_shots=len(feats),
        n_train_goals=int(feats["goal"].sum()),
        selection={k: round(v, 5) for k, v in scores.items()},
    )


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Shots sorted by xG and cut into ``bins`` groups of (nearly) equal size: for each, the
    xG range, mean xG and observed goal rate. Equal counts rather than fixed xG edges, because
    most shots have a low xG and fixed edges would leave the top bins nearly empty."""
    order = np.argsort(p, kind="stable")
    table = []
    for k, idx in enumerate(np.array_split(order, bins)):
        if len(idx) == 0:
            continue
        table.append(
            {
                "bin": k + 1,
                "count": int(len(idx)),
                "xg_min": float(p[idx].min()),
                "xg_max": float(p[idx].max()),
                "mean_xg": float(p[idx].mean()),
                "observed": float(y[idx].mean()),
                "goals": int(y[idx].sum()),
            }
        )
    return table


def evaluate(model: XgModel, actions: pd.DataFrame) -> dict[str, Any]:
    """Log loss and Brier score of the model and of the constant baseline (the training goal
    rate) on the shots of ``actions`` -- pass the held-out matches -- and a calibration table."""
    feats = shot_features(actions)
    y = feats["goal"].to_numpy(dtype=float)
    p = model.predict(feats)
    base = np.full(len(y), model.base_rate)
    return {
        "matches": int(feats["match_id"].nunique()) if len(feats) else 0,
        "n_shots": int(len(y)),
        "n_goals": int(y.sum()),
        "log_loss": _log_loss(y, p) if len(y) else math.nan,
        "log_loss_baseline": _log_loss(y, base) if len(y) else math.nan,
        "brier": float(np.mean((p - y) ** 2)) if len(y) else math.nan,
        "brier_baseline": float(np.mean((base - y) ** 2)) if len(y) else math.nan,
        "xg_total": float(p.sum()),
        "calibration": calibration_table(y, p),
    }


def rate_xg(model: XgModel, actions: pd.DataFrame) -> pd.DataFrame:
    """Action values of the shots: offensive = value = xG, defensive = 0 (one row per shot)."""
    feats = shot_features(actions)
    xg = model.predict(feats)
    return pd.DataFrame(
        {
            "match_id": feats["match_id"].astype("int64").to_numpy(),
            "action_id": feats["action_id"].astype("int64").to_numpy(),
            "offensive": xg,
            "defensive": np.zeros(len(xg)),
            "value": xg,
        }
    )


def expected_assists(actions: pd.DataFrame, xg_values: pd.DataFrame) -> pd.DataFrame:
    """xA: each shot's xG credited to the pass that set it up (see ``_assist_index`` for the rule:
    the successful pass, cross, free kick or corner by a teammate that the shooter received, with
    only his own carries in between). One row per credited pass: match_id, action_id (the pass),
    player_id (the passer), xa. ``xg_values`` is ``rate_xg``'s output (match_id, action_id, value).
    """
    columns = ["match_id", "action_id", "player_id", "xa"]
    if actions.empty or xg_values.empty:
        return pd.DataFrame(columns=columns)
    acts, play = _in_play_order(actions)
    game, period, team, player, types, results = play
    pos = pd.Series(np.arange(len(acts)), index=pd.MultiIndex.from_frame(acts[["match_id", "action_id"]]))
    keys = pd.MultiIndex.from_arrays([xg_values["match_id"].to_numpy(), xg_values["action_id"].to_numpy()])
    shot_pos = pos.reindex(keys).to_numpy()
    rows = []
    for i, xg in zip(shot_pos, xg_values["value"].to_numpy(float), strict=True):
        if np.isnan(i):
            continue
        a = _assist_index(int(i), game, period, team, player, types, results)
        if a is not None:
            rows.append((game[a], acts.at[a, "action_id"], player[a], xg))
    return pd.DataFrame(rows, columns=columns).astype({"match_id": "int64", "action_id": "int64"})
