"""socceraction's VAEP labels (``scores``, ``concedes``) of every action of every game at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loanwatch.metrics.vaep.games import game_rows, goal_flags, in_order

_LABEL_WINDOW = 10  # socceraction.vaep.labels: a goal within the next 10 actions


def compute_labels(actions: pd.DataFrame) -> pd.DataFrame:
    """socceraction's VAEP labels: the acting team scores / concedes within the next 10 actions.

    Per game, as ``VAEP.compute_labels``: the window runs over period ends, and past the game's
    last action the last action stands in for the missing ones.
    """
    actions = in_order(actions)
    g = game_rows(actions["match_id"].to_numpy(), actions["period_id"].to_numpy())
    team = actions["club_id"].to_numpy()
    goals, owngoals = goal_flags(actions["type_id"].to_numpy(), actions["result_id"].to_numpy())
    rows = np.arange(len(actions), dtype=np.int64)
    scores = goals.copy()
    concedes = owngoals.copy()
    for i in range(1, _LABEL_WINDOW):
        j = np.minimum(rows + i, g.game_last)
        same = team[j] == team
        scores |= (goals[j] & same) | (owngoals[j] & ~same)
        concedes |= (goals[j] & ~same) | (owngoals[j] & same)
    return pd.DataFrame({"scores": scores, "concedes": concedes})
