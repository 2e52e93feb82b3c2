"""Expected Threat (xT, socceraction's ``ExpectedThreat``) fitted on all actions, and its ratings.

The model is socceraction's own, fitted by its own ``fit`` on every action given (one pass over
the whole set, so there is nothing per match to speed up). Rating is the same lookup as
``ExpectedThreat.rate`` (no interpolation) done with numpy on all actions at once, tested equal to
it in ``tests/test_action_values.py``.

NaN handling, as socceraction: xT values only successful passes, crosses and dribbles (the
actions that move the ball and keep it); every other action gets NaN from :func:`rate_xt`. The
store's ``action_values.value`` is NOT NULL, and such an action adds no threat, so
the model registry (``metrics.models``) writes 0 for them; sums per player treat them as 0 too.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.metrics.socceraction_names import to_socceraction
from loanwatch.providers.spadl_vocab import ACTION_TYPES, RESULTS

GRID_LENGTH = 16  # cells along the pitch (socceraction's default l)
GRID_WIDTH = 12  # cells across (w)
EPS = 1e-5  # convergence of the value iteration (socceraction's default)
PARAMS: dict[str, Any] = {"l": GRID_LENGTH, "w": GRID_WIDTH, "eps": EPS, "use_interpolation": False}

_MOVE_TYPES = (ACTION_TYPES.index("pass"), ACTION_TYPES.index("dribble"), ACTION_TYPES.index("cross"))
_SUCCESS = RESULTS.index("success")


def train_xt(actions: pd.DataFrame, *, l: int = GRID_LENGTH, w: int = GRID_WIDTH) -> Any:  # noqa: E741
    """socceraction's ExpectedThreat fitted on all the actions (SPADL, left to right per team)."""
    from socceraction.xthreat import ExpectedThreat

    model = ExpectedThreat(l=l, w=w, eps=EPS)
    # fit() prints the number of iterations; the count is kept in model.heatmaps instead.
    with contextlib.redirect_stdout(io.StringIO()):
        model.fit(to_socceraction(actions))
    return model


def quality(model: Any) -> dict[str, Any]:
    """What there is to say about a fitted xT surface: iterations to converge and its range."""
    return {
        "iterations": len(model.heatmaps) - 1,
        "max_xt": float(np.max(model.xT)),
        "min_xt": float(np.min(model.xT)),
    }


def _cells(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], length: int, width: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    # socceraction.xthreat._get_cell_indexes: same operations in the same order.
    xi = np.clip((x / PITCH_LENGTH * length).astype(np.int64), 0, length - 1)
    yj = np.clip((y / PITCH_WIDTH * width).astype(np.int64), 0, width - 1)
    return xi, yj


def rate_xt(model: Any, actions: pd.DataFrame) -> pd.DataFrame:
    """xT gain of every action: match_id, action_id, offensive = value = gain, defensive = 0.

    Rows in the order given. Actions other than successful passes, crosses and dribbles get NaN
    in offensive and value (as in socceraction), 0 in defensive.
    """
    grid = np.asarray(model.xT, dtype=np.float64)
    w, l = grid.shape  # noqa: E741
    type_id = actions["type_id"].to_numpy()
    moved = np.isin(type_id, _MOVE_TYPES) & (actions["result_id"].to_numpy() == _SUCCESS)
    sx, sy = _cells(actions["start_x"].to_numpy(np.float64), actions["start_y"].to_numpy(np.float64), l, w)
    ex, ey = _cells(actions["end_x"].to_numpy(np.float64), actions["end_y"].to_numpy(np.float64), l, w)
    gain = np.where(moved, grid[w - 1 - ey, ex] - grid[w - 1 - sy, sx], np.nan)
    return pd.DataFrame(
        {
            "match_id": actions["match_id"].to_numpy(),
            "action_id": actions["action_id"].to_numpy(),
            "offensive": gain,
            "defensive": np.zeros(len(actions)),
            "value": gain,
        }
    )
