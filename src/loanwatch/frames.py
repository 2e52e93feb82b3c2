"""The contracts between stages: one schema per frame that crosses one.

A frame that goes from one stage to another (metrics -> store -> metrics, tracking, reports) has
one schema here: its columns in order, each with its kind (int, float, str, bool), whether it may
be null, and its range. SPADL ids are within the vocabulary of ``providers/spadl_vocab.py``,
pitch coordinates within the domain's pitch (``domain.PITCH_LENGTH`` x ``domain.PITCH_WIDTH``).

=======================  ==================================  =====================================
schema                   the frame                           checked where the store
=======================  ==================================  =====================================
:data:`ACTIONS`          SPADL actions (``actions``)         writes (``save_actions`` given a
                                                             frame) and reads (``actions_frame``)
:data:`ACTION_VALUES`    one model's values (``action_       writes (``save_action_values`` given
                         values``)                           a frame) and reads
:data:`PLAYER_MATCH_     per-match stats and role            writes and reads
STATS`                   (``player_match_stats``)
:data:`APPEARANCES`      who played, when, how long          reads (``appearances_frame``)
=======================  ==================================  =====================================

A frame that breaks its schema is refused with :class:`loanwatch.errors.InvalidFrame`, naming the
frame, the column and the problem. The checks are vectorised (a null count, a min and a max per
column): a few tenths of a second for the 1.4 million actions of the full set.

Ids are named one way in every frame: ``match_id`` and ``club_id`` (socceraction's ``game_id`` /
``team_id`` only at its boundary, ``metrics/socceraction_names.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from loanwatch.domain import MATCH_COUNT_METRICS, MATCH_VALUE_METRICS, PITCH_LENGTH, PITCH_WIDTH
from loanwatch.errors import InvalidFrame
from loanwatch.providers.spadl_vocab import ACTION_TYPES, BODYPARTS, RESULTS

if TYPE_CHECKING:  # pandas and numpy are imported when a frame is checked: the store imports this
    import pandas as pd

Kind = Literal["int", "float", "str", "bool"]


@dataclass(frozen=True)
class Col:
    """One column: its kind, whether it may be null, and the closed range of its values."""

    name: str
    kind: Kind
    nullable: bool = False
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class FrameSchema:
    name: str
    columns: tuple[Col, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` unchanged when it keeps the schema; else :class:`InvalidFrame`."""
        missing = [c.name for c in self.columns if c.name not in frame.columns]
        if missing:
            raise InvalidFrame(self.name, ", ".join(missing), "missing")
        if frame.empty:
            return frame
        for col in self.columns:
            problem = _problem(col, frame[col.name])
            if problem:
                raise InvalidFrame(self.name, col.name, problem)
        return frame

    def rows(self, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
        """The frame's rows as plain Python tuples in column order (None for null), as database
        drivers take them."""
        import numpy as np

        cols: list[list[Any]] = []
        for col in self.columns:
            s = frame[col.name]
            if col.nullable:
                values = s.astype(object).where(s.notna(), None).tolist()
                cols.append([None if v is None else _PY[col.kind](v) for v in values])
            elif col.kind == "int":
                cols.append(s.astype(np.int64).tolist())
            elif col.kind == "float":
                cols.append(s.astype(float).tolist())
            else:
                cols.append([_PY[col.kind](v) for v in s.tolist()])
        return list(zip(*cols, strict=True))


_PY: dict[str, Any] = {"int": int, "float": float, "str": str, "bool": bool}


def _problem(col: Col, s: pd.Series) -> str | None:
    import numpy as np
    import pandas as pd

    null = s.isna()
    n_null = int(null.sum())
    if n_null and not col.nullable:
        return f"{n_null} null values (none allowed)"
    if n_null == len(s):
        return None
    kind = s.dtype.kind
    if col.kind == "str":
        return None if kind in "OSUT" else f"dtype {s.dtype}, expected text"
    if kind == "O":
        s = pd.to_numeric(s, errors="coerce")
        if int(s.isna().sum()) != n_null:
            return f"non-numeric values, expected {col.kind}"
        kind = s.dtype.kind
    if kind not in "biuf":
        return f"dtype {s.dtype}, expected {col.kind}"
    values = s.to_numpy()[~null.to_numpy()] if n_null else s.to_numpy()
    if col.kind in ("int", "bool") and kind == "f" and not np.all(np.mod(values, 1) == 0):
        return f"non-integer values, expected {col.kind}"
    if col.kind == "bool" and not np.all((values == 0) | (values == 1)):
        return "values other than true / false"
    lo, hi = values.min(), values.max()
    if (col.low is not None and lo < col.low) or (col.high is not None and hi > col.high):
        bad = lo if col.low is not None and lo < col.low else hi
        return f"values outside [{_num(col.low)}, {_num(col.high)}] (e.g. {_num(bad)})"
    return None


def _num(x: Any) -> str:
    return "" if x is None else f"{float(x):g}"


def _ids(*names: str, nullable: bool = False) -> tuple[Col, ...]:
    return tuple(Col(n, "int", nullable=nullable, low=0) for n in names)


def _floats(names: Sequence[str], low: float | None = None, high: float | None = None) -> tuple[Col, ...]:
    return tuple(Col(n, "float", nullable=True, low=low, high=high) for n in names)


ACTIONS = FrameSchema(
    "actions",
    (
        *_ids("match_id", "action_id"),
        Col("original_event_seq", "int", nullable=True, low=0),
        Col("period_id", "int", low=1, high=5),
        Col("time_seconds", "float", low=0),
        Col("club_id", "int", low=0),
        Col("player_id", "int", nullable=True, low=0),
        Col("start_x", "float", low=0, high=PITCH_LENGTH),
        Col("start_y", "float", low=0, high=PITCH_WIDTH),
        Col("end_x", "float", low=0, high=PITCH_LENGTH),
        Col("end_y", "float", low=0, high=PITCH_WIDTH),
        Col("type_id", "int", low=0, high=len(ACTION_TYPES) - 1),
        Col("result_id", "int", low=0, high=len(RESULTS) - 1),
        Col("bodypart_id", "int", low=0, high=len(BODYPARTS) - 1),
    ),
)

ACTION_VALUES = FrameSchema(
    "action values",
    (*_ids("match_id", "action_id"), *(Col(n, "float") for n in ("offensive", "defensive", "value"))),
)

# A goalkeeper's work per match (metrics/goalkeeping.py's definitions), the columns of the store's
# goalkeeper_match_stats after match_id, player_id, club_id and minutes.
GOALKEEPER_MATCH_COUNTS = (
    "shots_faced",
    "saves",
    "goals_conceded",
    "own_goals_conceded",
    "penalties_faced",
    "penalty_goals",
    "xg_faced",
    "claims",
    "sweeps",
    "passes",
    "passes_accurate",
    "long_passes",
    "long_passes_accurate",
)

PLAYER_MATCH_STATS = FrameSchema(
    "per-match stats",
    (
        *_ids("match_id", "player_id"),
        Col("club_id", "int", nullable=True, low=0),
        *_floats(["minutes"], low=0),
        *_floats(MATCH_COUNT_METRICS, low=0),
        *_floats(MATCH_VALUE_METRICS),
        Col("role", "str", nullable=True),
        *_floats(["role_confidence"], low=0, high=1),
    ),
)

APPEARANCES = FrameSchema(
    "appearances",
    (
        *_ids("match_id", "player_id", "club_id"),
        Col("status", "str"),
        *_floats(["minute_on", "minute_off"], low=0),
        Col("minutes_played", "float", low=0),
        Col("position", "str"),
        *_ids("goals", "own_goals", "assists", "shots", "shots_on_target", "passes", "passes_accurate"),
        *_ids("yellow_cards"),
        Col("red_card", "bool"),
    ),
)
