"""SPADL actions made by socceraction's own converter from the real Wyscout files in ``data/``.

The reference the metrics are tested against (and, until loanwatch's own converter exists, their
input): the events DataFrame is built exactly as socceraction's ``PublicWyscoutLoader.events()``
builds it from the public JSON, only from the per-match files shipped here instead of the
competition-wide download, and handed to ``socceraction.spadl.wyscout.convert_to_actions`` with
the home team from the match sheet. Ids stay Wyscout's (game_id = matchId, team_id = teamId).
"""

from __future__ import annotations

import gzip
import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from loanwatch.metrics.socceraction_names import game

DATA = Path(__file__).resolve().parents[1] / "data" / "wyscout-2017-18"

# Eight real Serie A 2017/18 matches spread over the season (rounds 1 to 38), used by the metrics
# tests: enough goals, own goals, penalties and corners to exercise every branch of the features,
# labels and the VAEP formula, small enough to keep each test to a few seconds.
SAMPLE_MATCHES: tuple[int, ...] = (
    2575959,
    2575963,
    2576008,
    2576051,
    2575962,
    2576160,
    2576241,
    2576335,
)


@cache
def _match_sheets(competition: str) -> dict[int, dict[str, Any]]:
    with gzip.open(DATA / "matches" / f"matches_{competition}.json.gz", "rt", encoding="utf-8") as f:
        return {int(m["wyId"]): m for m in json.load(f)}


def home_team(match_id: int, competition: str = "Italy") -> int:
    sheet = _match_sheets(competition)[match_id]
    return next(int(t) for t, d in sheet["teamsData"].items() if d["side"] == "home")


def away_team(match_id: int, competition: str = "Italy") -> int:
    sheet = _match_sheets(competition)[match_id]
    return next(int(t) for t, d in sheet["teamsData"].items() if d["side"] == "away")


def wyscout_events(match_id: int, competition: str = "Italy") -> pd.DataFrame:
    """The events of one match as ``PublicWyscoutLoader.events(match_id)`` returns them."""
    from socceraction.data.wyscout.loader import _convert_events

    with gzip.open(DATA / "events" / competition / f"{match_id}.json.gz", "rt", encoding="utf-8") as f:
        raw = json.load(f)["events"]
    # The loader reads the competition's event list into a frame indexed by matchId and selects
    # the match with .loc[game_id].reset_index(); the same steps on this match's list.
    df_events = pd.DataFrame(raw).set_index("matchId")
    return _convert_events(df_events.loc[match_id].reset_index())


def reference_actions(match_id: int, competition: str = "Italy") -> pd.DataFrame:
    """socceraction's SPADL actions of one match (index 0..n-1, as socceraction's tools expect)."""
    from socceraction.spadl.wyscout import convert_to_actions

    with warnings.catch_warnings():
        # socceraction 1.5.3 on pandas 2.x: FutureWarnings about downcasting and groupby.apply.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        actions = convert_to_actions(wyscout_events(match_id, competition), home_team(match_id, competition))
    return pd.DataFrame(actions).reset_index(drop=True)


@cache
def _cached_actions(match_ids: tuple[int, ...], competition: str) -> pd.DataFrame:
    return pd.concat([reference_actions(m, competition) for m in match_ids], ignore_index=True)


def sample_actions(match_ids: tuple[int, ...] = SAMPLE_MATCHES, competition: str = "Italy") -> pd.DataFrame:
    """The actions of several matches in one frame, ordered by match and action (a fresh copy)."""
    return _cached_actions(tuple(match_ids), competition).copy()


def sample_matches(match_ids: tuple[int, ...] = SAMPLE_MATCHES, competition: str = "Italy") -> pd.DataFrame:
    """The matches frame the metrics take (match_id, home_club_id, away_club_id), in Wyscout ids."""
    return pd.DataFrame(
        {
            "match_id": list(match_ids),
            "home_club_id": [home_team(m, competition) for m in match_ids],
            "away_club_id": [away_team(m, competition) for m in match_ids],
        }
    )


def socceraction_game(match_id: int, competition: str = "Italy") -> pd.Series:
    """The ``game`` row socceraction's VAEP methods take (they read ``home_team_id``)."""
    return game(match_id, home_team(match_id, competition), away_team(match_id, competition))
