"""The VAEP model: socceraction's ``VAEP`` with its two LightGBM classifiers, fitted, rated, held out.

The model itself is socceraction's ``VAEP`` object with its two LightGBM classifiers (scores,
concedes), so ``VAEP.rate`` gives the same values as :func:`rate_vaep`. The classifiers are fitted
here rather than by ``VAEP.fit`` because ``VAEP.fit`` needs the features as one pandas frame
(``X.iloc[idx][cols]`` copies it, LightGBM then converts it to a dense float64 array) and with
LightGBM 4 its default fit options (``verbose``, ``early_stopping_rounds``) no longer exist. The
learner settings are socceraction's LightGBM defaults (100 trees of depth 3), made deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from loanwatch.metrics.vaep.features import feature_columns, feature_matrix
from loanwatch.metrics.vaep.formula import value
from loanwatch.metrics.vaep.games import in_order
from loanwatch.metrics.vaep.labels import compute_labels

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

    actions = in_order(actions)
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


def probabilities(
    model: VaepModel, x: sp.csr_matrix
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # The booster's prediction is predict_proba(...)[:, 1] without scikit-learn's input checks.
    m = model.classifiers()
    threads = _threads(x.shape[0])
    return (
        np.asarray(m["scores"].booster_.predict(x, num_threads=threads), dtype=np.float64),
        np.asarray(m["concedes"].booster_.predict(x, num_threads=threads), dtype=np.float64),
    )


def rate_vaep(
    model: VaepModel, actions: pd.DataFrame, matches: pd.DataFrame, *, chunk_games: int = 200
) -> pd.DataFrame:
    """VAEP offensive, defensive and total value of every action (match_id, action_id, ...).

    Games are processed ``chunk_games`` at a time to bound the memory of the feature matrix; the
    values do not depend on the chunking (every quantity is within a game).
    """
    actions = in_order(actions)
    game = actions["match_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, game[1:] != game[:-1]]) if len(game) else np.array([], dtype=np.int64)
    bounds = [*starts[::chunk_games].tolist(), len(actions)]
    off = np.empty(len(actions))
    dfn = np.empty(len(actions))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        part = actions.iloc[lo:hi].reset_index(drop=True)
        x = feature_matrix(part, matches, model.nb_prev_actions)
        ps, pc = probabilities(model, x)
        off[lo:hi], dfn[lo:hi] = value(part, ps, pc)
    return pd.DataFrame(
        {
            "match_id": game,
            "action_id": actions["action_id"].to_numpy(),
            "offensive": off,
            "defensive": dfn,
            "value": off + dfn,
        }
    )


def holdout_quality(
    actions: pd.DataFrame, matches: pd.DataFrame, *, seed: int = 0, holdout: float = 0.2
) -> dict[str, Any]:
    """Brier score and AUC of scores/concedes on ``holdout`` of the matches (whole matches held
    out), for a model trained on the others with the same settings."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    ids = np.unique(actions["match_id"].to_numpy())
    if len(ids) < 2:
        return {}
    test_ids = np.random.default_rng(seed).permutation(ids)[: max(1, round(len(ids) * holdout))]
    is_test = actions["match_id"].isin(test_ids)
    model = train_vaep(actions[~is_test], matches, seed=seed)
    test = in_order(actions[is_test])
    ps, pc = probabilities(model, feature_matrix(test, matches, model.nb_prev_actions))
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
