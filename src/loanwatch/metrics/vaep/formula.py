"""socceraction's VAEP formula (``socceraction.vaep.formula.value``) for every game at once.

The previous action of a row is ``max(i - 1, first row of the game)``, as socceraction's ``_prev``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from loanwatch.metrics.vaep.games import SHOT_TYPE_IDS, game_rows
from loanwatch.providers.spadl_vocab import ACTION_TYPES, SUCCESS

_PENALTY = ACTION_TYPES.index("shot_penalty")
_CORNERS = (ACTION_TYPES.index("corner_crossed"), ACTION_TYPES.index("corner_short"))
_SAMEPHASE_SECONDS = 10  # socceraction.vaep.formula._samephase_nb
_PENALTY_SCORE_PROB = 0.792453  # socceraction.vaep.formula: fixed odds before a penalty
_CORNER_SCORE_PROB = 0.046500  # ... and before a corner


def value(
    actions: pd.DataFrame, p_scores: npt.NDArray[np.float64], p_concedes: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """socceraction.vaep.formula.value for all games: (offensive, defensive)."""
    g = game_rows(actions["match_id"].to_numpy(), actions["period_id"].to_numpy())
    rows = np.arange(len(actions), dtype=np.int64)
    prev = np.maximum(rows - 1, g.game_start)  # _prev(): the first action is its own previous one
    team = actions["club_id"].to_numpy()
    type_id = actions["type_id"].to_numpy()
    result_id = actions["result_id"].to_numpy()
    seconds = actions["time_seconds"].to_numpy().astype(np.float64)
    sameteam = team[prev] == team
    prev_scores = np.where(sameteam, p_scores[prev], p_concedes[prev])
    prev_concedes = np.where(sameteam, p_concedes[prev], p_scores[prev])
    # A new phase of play (previous action more than 10 s before) or a goal just scored: the odds
    # start from zero.
    reset = np.abs(seconds - seconds[prev]) > _SAMEPHASE_SECONDS
    reset |= np.isin(type_id[prev], SHOT_TYPE_IDS) & (result_id[prev] == SUCCESS)
    prev_scores = np.where(reset, 0.0, prev_scores)
    prev_concedes = np.where(reset, 0.0, prev_concedes)
    prev_scores = np.where(type_id == _PENALTY, _PENALTY_SCORE_PROB, prev_scores)
    prev_scores = np.where(np.isin(type_id, _CORNERS), _CORNER_SCORE_PROB, prev_scores)
    return p_scores - prev_scores, -(p_concedes - prev_concedes)
