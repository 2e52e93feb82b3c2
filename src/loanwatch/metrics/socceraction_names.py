"""The one place where loanwatch's frames meet socceraction's names for the same ids.

loanwatch's frames name a match ``match_id`` and a club ``club_id`` everywhere (``frames.py``);
socceraction's SPADL, VAEP and xT name them ``game_id`` and ``team_id`` (and a game's clubs
``home_team_id`` / ``away_team_id``). Every call into socceraction, and every comparison with its
output (the converter and value equality tests, ``benchmarks/metrics.py``), translates here.
"""

from __future__ import annotations

import pandas as pd

SOCCERACTION_NAMES = {
    "match_id": "game_id",
    "club_id": "team_id",
    "home_club_id": "home_team_id",
    "away_club_id": "away_team_id",
}
LOANWATCH_NAMES = {theirs: ours for ours, theirs in SOCCERACTION_NAMES.items()}


def to_socceraction(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of ours (actions, a matches row's ids) with socceraction's column names."""
    return frame.rename(columns=SOCCERACTION_NAMES)


def from_socceraction(frame: pd.DataFrame) -> pd.DataFrame:
    """socceraction's frame (SPADL actions, values) with loanwatch's column names."""
    return frame.rename(columns=LOANWATCH_NAMES)


def game(match_id: int, home_club_id: int, away_club_id: int) -> pd.Series:
    """The ``game`` row socceraction's VAEP methods take (they read ``home_team_id``)."""
    return pd.Series({"game_id": match_id, "home_team_id": home_club_id, "away_team_id": away_club_id})
