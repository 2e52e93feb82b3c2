"""Row bookkeeping shared by the VAEP features, labels and formula.

socceraction computes them game by game; here every game of an actions frame is handled at once by
index arithmetic on rows sorted by game and action: each row knows the first row of its game, the
last row of its game and the first row of its (game, period).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from loanwatch.providers.spadl_vocab import OWNGOAL, SHOT_TYPES, SUCCESS

SHOT_TYPE_IDS = tuple(sorted(SHOT_TYPES))  # for np.isin


@dataclass(frozen=True)
class Games:
    """Row bookkeeping of an actions frame sorted by game and action."""

    game_start: npt.NDArray[np.int64]  # first row of each row's game
    game_last: npt.NDArray[np.int64]  # last row of each row's game
    period_start: npt.NDArray[np.int64]  # first row of each row's (game, period)


def in_order(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions in game and action order (the order socceraction processes a game's actions in)."""
    game = actions["match_id"].to_numpy()
    act = actions["action_id"].to_numpy()
    if len(actions) > 1 and not (
        np.all(game[1:] >= game[:-1]) and np.all((game[1:] != game[:-1]) | (act[1:] > act[:-1]))
    ):
        actions = actions.sort_values(["match_id", "action_id"], kind="stable")
    return actions.reset_index(drop=True)


def game_rows(game: npt.NDArray[Any], period: npt.NDArray[Any]) -> Games:
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
    return Games(
        game_start=np.maximum.accumulate(np.where(new_game, rows, 0)),
        game_last=np.minimum.accumulate(np.where(last_game, rows, n)[::-1])[::-1],
        period_start=np.maximum.accumulate(np.where(new_period, rows, 0)),
    )


def goal_flags(type_id: npt.NDArray[Any], result_id: npt.NDArray[Any]) -> tuple[npt.NDArray[np.bool_], ...]:
    shot = np.isin(type_id, SHOT_TYPE_IDS)
    return shot & (result_id == SUCCESS), shot & (result_id == OWNGOAL)
