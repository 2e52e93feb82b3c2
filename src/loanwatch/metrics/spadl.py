"""SPADL actions from stored events, for every provider the store holds.

Wyscout (the whole-season path) reproduces ``socceraction.spadl.wyscout.convert_to_actions``
action for action: the same fix-ups of the event stream (duels that send the ball out become
passes, interceptions split off passes / clearances / accelerations, offsides folded into the
pass before, touches turned into passes, simulations into failed take-ons, goal kicks, fouls,
keeper saves, keeper actions after a goal dropped, clearances ending where the next action
starts, dribbles added between actions), the same action types, results, body parts, periods,
times, players and teams. socceraction converts one match at a time in about half a second; this
converts a whole set of matches at once with numpy (``tests/test_spadl.py`` checks it against
socceraction's own output on real matches).

Coordinates and direction of play (what ``actions.start_x`` ... mean):

* **Scale**: loanwatch's canonical metres (``domain.py``, 105 x 68, origin bottom-left), i.e.
  kloppy's non-linear Wyscout-to-metre transform of the provider's value, not socceraction's
  linear ``raw * 1.05``. Positions socceraction invents are kept as it writes them: a goal kick
  starts at (5, 34) m; shot end points estimated from the goal-mouth tags are the same raw values
  (100, 45 / 50 / 55 / 40 / 60 / 44.62 / 55.38) put through kloppy's transform.
* **Direction**: socceraction's SPADL convention, *not* the store's "acting team attacks left to
  right": the **home team attacks left to right for the whole match** and the away team's
  actions are mirrored (x -> 105 - x, y -> 68 - y), as ``_fix_direction_of_play`` leaves them.
  This is what socceraction's VAEP features expect (``play_left_to_right(actions, home_team_id)``
  turns them back to the acting team's direction), so its features work on these actions as on
  its own.
* Decisions that depend on distances (a dribble is added when the gap between two actions is
  3-60 m; a touch becomes a pass when the next action starts within 3 units) are taken on
  socceraction's own linear coordinates, carried alongside, so the *set* of actions is exactly
  socceraction's; only the stored positions use the canonical scale.

Known, documented difference from socceraction on Wyscout: a *blocked* set-piece pass (a
corner or free-kick cross tagged 2101, 16 events in the 414 shipped matches) is stored by the
ingest ending where it starts, like a blocked open-play pass; socceraction keeps the provider's
placeholder end point for those. The action, its type and result are the same; its end (and a
dribble decision right after it, in principle) comes from the stored position.

Other providers (StatsBomb, Opta, Sportec, Stats Perform via kloppy) get a simpler mapping of
kloppy's event kinds (``events.kind``) and qualifiers (``events.tags``), in the same direction
convention, with the same clearance and dribble fix-ups:

=================  ==============================================================================
kloppy kind        SPADL action
=================  ==============================================================================
pass               throw_in / goalkick / corner_crossed|short / freekick_crossed|short (set piece
                   in the tags; "crossed" when the pass is a CROSS or HIGH_PASS) / cross / pass;
                   result from the outcome; a pass without a result is dropped
shot               shot_penalty (PENALTY) / shot_freekick (FREE_KICK) / shot; success iff a goal
own_goal           bad_touch, result owngoal
take_on            take_on, result from the outcome
duel               tackle when a ground duel (GROUND or SLIDING_TACKLE, not AERIAL / LOOSE_BALL);
                   other duels are not on-the-ball actions and are dropped
interception       interception (success unless the outcome says otherwise)
clearance          clearance, success
foul_committed     foul; result yellow_card / red_card when a card event of the same player
                   follows within 5 s, else fail
goalkeeper         keeper_save (SAVE, SMOTHER, REFLEX, SAVE_ATTEMPT) / keeper_claim (CLAIM) /
                   keeper_punch (PUNCH) / keeper_pick_up (PICK_UP), success
miscontrol         bad_touch, fail
carry              dribble, success
=================  ==============================================================================

Body parts from the tags: HEAD / HEAD_PASS -> head, LEFT_FOOT -> foot_left, RIGHT_FOOT ->
foot_right, hands, chest and other -> other, else foot (a throw-in is "other"). Shoot-out kicks
(period 5) are left out for these providers: they are not match play.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.frames import ACTIONS
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS, BODYPART_IDS
from loanwatch.providers.wyscout_vocab import SOCCERACTION_TAGS as TAGS
from loanwatch.providers.wyscout_vocab import (
    WYSCOUT_EVENT_IDS,
    WYSCOUT_SUBEVENT_IDS,
    coordinate_tables,
    to_metres,
)

if TYPE_CHECKING:
    from loanwatch.store.repository import Store

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

T = ACTION_TYPE_IDS
B = BODYPART_IDS

OUTPUT_COLUMNS = tuple(ACTIONS.names)  # == Store.ACTION_COLUMNS

# socceraction.spadl.base
MIN_DRIBBLE_LENGTH = 3.0
MAX_DRIBBLE_LENGTH = 60.0
MAX_DRIBBLE_DURATION = 10.0

# Tags that only matter for the events' own bookkeeping: cleared on a split-off interception.
_TAG_NAMES = tuple(TAGS)

# create_shot_coordinates: goal-mouth tags -> the raw end point socceraction estimates, in its
# order (a later rule overrides an earlier one when an event carries several tags).
_SHOT_END_RULES: tuple[tuple[tuple[int, ...], float], ...] = (
    ((1201, 1203, 1207), 50.0),  # goal centre
    ((1202, 1206, 1209), 55.0),  # goal right
    ((1204, 1205, 1208), 45.0),  # goal left
    ((1214, 1221), 50.0),  # out high centre, post high centre
    ((1210, 1213, 1216), 60.0),  # out right
    ((1211, 1212, 1215), 40.0),  # out left
    ((1218, 1219, 1222), 55.38),  # post left
    ((1217, 1220, 1223), 44.62),  # post right
)

_CHUNK = 100  # matches per round trip: bounds memory on a large store


# -- coordinates -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tables() -> tuple[FloatArray, FloatArray]:
    xs, ys = coordinate_tables()
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)


def _raw_from_metres(values: FloatArray, table: FloatArray) -> FloatArray:
    """The provider's 0..100 value a stored coordinate came from (the transform is monotonic)."""
    grid = np.arange(101, dtype=np.float64)
    if table[0] > table[-1]:  # y: the table decreases
        raw = np.interp(values, table[::-1], grid[::-1])
    else:
        raw = np.interp(values, table, grid)
    # Every stored Wyscout coordinate is an integer of the grid; np.interp is exact on its knots.
    near = np.abs(raw - np.round(raw)) < 1e-6
    out: FloatArray = np.where(near, np.round(raw), raw)
    return np.where(np.isnan(values), np.nan, out)


def _metres_from_raw(raw: FloatArray, axis: int) -> FloatArray:
    """kloppy's transform of raw 0..100 values (canonical y already flipped), by table lookup on
    the integer grid and by kloppy itself for the few estimates that are not integers."""
    table = _tables()[axis]
    raw = np.clip(raw, 0.0, 100.0)  # socceraction clips its metres to the pitch: the same here
    out = np.full(raw.shape, np.nan)
    finite = ~np.isnan(raw)
    integer = finite & (raw == np.round(raw))
    out[integer] = table[raw[integer].astype(np.int64)]
    rest = finite & ~integer
    for value in np.unique(raw[rest]):
        out[rest & (raw == value)] = to_metres(value, value)[axis]
    return out


# -- helpers over many matches at once ---------------------------------------------------------


def _shifted(values: npt.NDArray[Any], group: IntArray, step: int, fill: Any) -> npt.NDArray[Any]:
    """``values`` shifted by ``step`` rows (+1: the previous row, -1: the next), within a match:
    pandas' ``shift`` on one match's frame, ``fill`` where it would give NaN."""
    n = len(values)
    idx = np.arange(n) - step
    valid = (idx >= 0) & (idx < n)
    safe = np.clip(idx, 0, max(n - 1, 0))
    if n:
        valid &= group[safe] == group
    dtype = np.result_type(values.dtype, np.asarray(fill).dtype)
    out = np.full(n, fill, dtype=dtype)
    out[valid] = values[safe[valid]]
    return out


def _tag_matrix(tags: pd.Series, wanted: Sequence[int]) -> dict[int, BoolArray]:
    """One boolean column per wanted tag id, from the store's space-separated tag strings."""
    strings = tags.fillna("").astype(str).to_numpy()
    n = len(strings)
    counts = np.fromiter((len(s.split()) for s in strings), dtype=np.int64, count=n)
    tokens = " ".join(strings).split()
    out = {t: np.zeros(n, dtype=bool) for t in wanted}
    if not tokens:
        return out
    rows = np.repeat(np.arange(n), counts)
    ids = pd.to_numeric(pd.Series(tokens), errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    for t in wanted:
        out[t][rows[ids == t]] = True
    return out


# -- Wyscout -----------------------------------------------------------------------------------


def _wyscout_events(events: pd.DataFrame) -> pd.DataFrame:
    """The stored events as socceraction's event frame after ``fix_wyscout_events``: ids, raw
    coordinates (0..100), tag flags; one row per event still alive, in socceraction's order."""
    xs, ys = _tables()
    tags = _tag_matrix(events["tags"], list(TAGS.values()))
    df = pd.DataFrame(
        {
            "match": events["match_id"].to_numpy(dtype=np.int64),
            "seq": events["seq"].to_numpy(dtype=np.int64),
            "period": events["period"].to_numpy(dtype=np.int64),
            "ms": events["second"].to_numpy(dtype=np.float64) * 1000,  # socceraction's milliseconds
            "team": events["club_id"].to_numpy(dtype=np.int64),
            # No player (Wyscout's playerId 0) is NULL in the store; 0 compares as socceraction's.
            "player": events["player_id"].fillna(0).to_numpy(dtype=np.int64),
            "type": events["type"].map(WYSCOUT_EVENT_IDS).fillna(0).to_numpy(dtype=np.int64),
            "sub": events["subtype"].map(WYSCOUT_SUBEVENT_IDS).fillna(0).to_numpy(dtype=np.int64),
        }
    )
    for name, tag in TAGS.items():
        df[name] = tags[tag]
    sx = _raw_from_metres(events["x"].to_numpy(dtype=np.float64, na_value=np.nan), xs)
    sy = _raw_from_metres(events["y"].to_numpy(dtype=np.float64, na_value=np.nan), ys)
    ex = _raw_from_metres(events["end_x"].to_numpy(dtype=np.float64, na_value=np.nan), xs)
    ey = _raw_from_metres(events["end_y"].to_numpy(dtype=np.float64, na_value=np.nan), ys)
    one_point = np.isnan(ex)  # a single position: the action ends where it starts
    df["sx"], df["sy"] = sx, sy
    df["ex"], df["ey"] = np.where(one_point, sx, ex), np.where(one_point, sy, ey)

    # create_shot_coordinates
    shot = df["sub"].isin([33, 100]).to_numpy()
    for tag_ids, end_y in _SHOT_END_RULES:
        hit = shot & np.logical_or.reduce([tags[t] for t in tag_ids])
        df.loc[hit, "ex"] = 100.0
        df.loc[hit, "ey"] = end_y
    blocked = df["blocked"].to_numpy() & (shot | (df["type"].to_numpy() == 8))
    df.loc[blocked, "ex"] = df.loc[blocked, "sx"]
    df.loc[blocked, "ey"] = df.loc[blocked, "sy"]

    df = _convert_duels(df)
    df = _insert_interceptions(df)
    df = _add_offside(df)
    df = _convert_touches(df)
    df = _convert_simulations(df)
    return df


def _convert_duels(df: pd.DataFrame) -> pd.DataFrame:
    g = df["match"].to_numpy()
    typ, sub, team, period = (df[c].to_numpy() for c in ("type", "sub", "team", "period"))
    typ1, sub1, team1 = (_shifted(a, g, -1, -1) for a in (typ, sub, team))
    sub2, team2, period2 = (_shifted(a, g, -2, -1) for a in (sub, team, period))
    sx2 = _shifted(df["sx"].to_numpy(), g, -2, np.nan)
    sy2 = _shifted(df["sy"].to_numpy(), g, -2, np.nan)
    # A pair of duels followed by the ball going out: the duel's winner "passed" it out.
    out = (typ == 1) & (typ1 == 1) & (sub2 == 50) & (period == period2)
    won0 = out & (team != team2)
    won1 = out & (team1 != team2)
    won = won0 | won1
    air = (won0 & (sub == 10)) | (won1 & (sub1 == 10))
    not_air = (won0 & (sub != 10)) | (won1 & (sub1 != 10))
    typ = np.where(won, 8, typ)
    sub = np.where(air, 82, sub)
    sub = np.where(not_air, 85, sub)  # after "air", as socceraction sets it
    df["type"], df["sub"] = typ, sub
    df.loc[won, "accurate"] = False
    df.loc[won, "not_accurate"] = True
    df.loc[won, "ex"] = 100 - sx2[won]
    df.loc[won, "ey"] = 100 - sy2[won]
    take_on = (sub == 11) & (df["take_on_left"].to_numpy() | df["take_on_right"].to_numpy())
    typ = np.where(take_on | df["sliding_tackle"].to_numpy(), 0, typ)
    df["type"] = typ
    return df[typ != 1].reset_index(drop=True)


def _insert_interceptions(df: pd.DataFrame) -> pd.DataFrame:
    typ, sub = df["type"].to_numpy(), df["sub"].to_numpy()
    sel = df["interception"].to_numpy() & ((typ == 8) | (sub == 70) | (sub == 71))
    if not sel.any():
        return df
    cut = df[sel].copy()
    cut[list(_TAG_NAMES)] = False
    cut["interception"] = True
    cut["type"] = 0
    cut["sub"] = 0
    cut["ex"], cut["ey"] = cut["sx"], cut["sy"]
    both = pd.concat([cut, df], ignore_index=True)
    # socceraction sorts a match's frame by (period, milliseconds), stably, with the split-off
    # interceptions first, but only in a match that has any: elsewhere the order stays as it is.
    sorts = np.isin(both["match"].to_numpy(), both["match"].to_numpy()[: len(cut)])
    order_of_match = pd.factorize(both["match"].to_numpy()[len(cut) :])[0]
    match_rank = dict(zip(df["match"].to_numpy(), order_of_match, strict=True))
    rank = both["match"].map(match_rank).to_numpy()
    period = np.where(sorts, both["period"].to_numpy(), 0)
    ms = np.where(sorts, both["ms"].to_numpy(), 0.0)
    position = np.arange(len(both))  # concat order: the tie-break of a stable sort
    order = np.lexsort((position, ms, period, rank))
    return both.iloc[order].reset_index(drop=True)


def _add_offside(df: pd.DataFrame) -> pd.DataFrame:
    g, typ = df["match"].to_numpy(), df["type"].to_numpy()
    df["offside"] = (_shifted(typ, g, -1, -1) == 6) & (typ == 8)
    return df[typ != 6].reset_index(drop=True)


def _convert_touches(df: pd.DataFrame) -> pd.DataFrame:
    g = df["match"].to_numpy()
    sub = df["sub"].to_numpy()
    touch = (sub == 72) & ~df["interception"].to_numpy() & ~df["missed_ball"].to_numpy()
    same_player = df["player"].to_numpy() == _shifted(df["player"].to_numpy(), g, -1, -1)
    same_team = df["team"].to_numpy() == _shifted(df["team"].to_numpy(), g, -1, -1)
    near_x = np.abs(df["ex"].to_numpy() - _shifted(df["sx"].to_numpy(), g, -1, np.nan)) < MIN_DRIBBLE_LENGTH
    near_y = np.abs(df["ey"].to_numpy() - _shifted(df["sy"].to_numpy(), g, -1, np.nan)) < MIN_DRIBBLE_LENGTH
    near = near_x & near_y
    to_mate = touch & ~same_player & same_team & near
    to_opponent = touch & ~same_player & ~same_team & near
    moved = to_mate | to_opponent
    df.loc[moved, "type"] = 8
    df.loc[moved, "sub"] = 85
    df.loc[moved, "accurate"] = to_mate[moved]
    df.loc[moved, "not_accurate"] = to_opponent[moved]
    return df


def _convert_simulations(df: pd.DataFrame) -> pd.DataFrame:
    g = df["match"].to_numpy()
    sim = df["sub"].to_numpy() == 25
    prev_left = _shifted(df["take_on_left"].to_numpy(), g, 1, False)
    prev_right = _shifted(df["take_on_right"].to_numpy(), g, 1, False)
    prev_miss = _shifted(df["not_accurate"].to_numpy(), g, 1, False)
    # socceraction's own precedence: left | (right & not_accurate)
    prev_failed_take_on = prev_left | (prev_right & prev_miss)
    turn = sim & ~prev_failed_take_on
    df.loc[turn, ["type", "sub"]] = 0
    df.loc[turn, "accurate"] = False
    df.loc[turn, "not_accurate"] = True
    df.loc[turn, "take_on_left"] = True
    return df[~(sim & prev_failed_take_on)].reset_index(drop=True)


def _wyscout_type(df: pd.DataFrame) -> IntArray:
    """determine_type_id, as one np.select in socceraction's order of tests."""
    typ, sub = df["type"].to_numpy(), df["sub"].to_numpy()
    f = {c: df[c].to_numpy() for c in _TAG_NAMES}
    conditions = [
        f["fairplay"],
        f["own_goal"],
        (typ == 8) & (sub == 80),
        typ == 8,
        sub == 36,
        (sub == 30) & f["high"],
        sub == 30,
        sub == 32,
        sub == 31,
        sub == 34,
        (typ == 2) & ~np.isin(sub, [22, 23, 24, 26]),
        typ == 10,
        sub == 35,
        sub == 33,
        typ == 9,
        sub == 71,
        (sub == 72) & f["not_accurate"],
        sub == 70,
        f["take_on_left"] | f["take_on_right"],
        f["sliding_tackle"],
        f["interception"] & np.isin(sub, [0, 10, 11, 12, 13, 72]),
    ]
    choices = [
        T["non_action"], T["bad_touch"], T["cross"], T["pass"], T["throw_in"], T["corner_crossed"],
        T["corner_short"], T["freekick_crossed"], T["freekick_short"], T["goalkick"], T["foul"],
        T["shot"], T["shot_penalty"], T["shot_freekick"], T["keeper_save"], T["clearance"],
        T["bad_touch"], T["dribble"], T["take_on"], T["tackle"], T["interception"],
    ]  # fmt: skip
    return np.select(conditions, choices, default=T["non_action"]).astype(np.int64)


def _wyscout_result(df: pd.DataFrame) -> IntArray:
    """determine_result_id, in socceraction's order of tests."""
    typ, sub = df["type"].to_numpy(), df["sub"].to_numpy()
    f = {c: df[c].to_numpy() for c in _TAG_NAMES}
    foul = typ == 2
    conditions = [
        df["offside"].to_numpy(),
        foul & f["yellow_card"],
        foul & (f["second_yellow_card"] | f["red_card"]),
        foul,
        f["goal"],
        f["own_goal"],
        np.isin(sub, [100, 33, 35]),
        f["accurate"],
        f["not_accurate"],
    ]
    choices = [2, 4, 5, 0, 1, 3, 0, 1, 0]
    return np.select(conditions, choices, default=1).astype(np.int64)


def _wyscout_bodypart(df: pd.DataFrame) -> IntArray:
    typ, sub = df["type"].to_numpy(), df["sub"].to_numpy()
    conditions = [
        np.isin(sub, [81, 36, 21, 90, 91]),
        sub == 82,
        (typ == 10) & df["head_body"].to_numpy(),
        df["left_foot"].to_numpy(),
        df["right_foot"].to_numpy(),
    ]
    choices = [B["other"], B["head"], B["head/other"], B["foot_left"], B["foot_right"]]
    return np.select(conditions, choices, default=B["foot"]).astype(np.int64)


def _wyscout_actions(events: pd.DataFrame, home: dict[int, int]) -> pd.DataFrame:
    df = _wyscout_events(events)
    typ = _wyscout_type(df)
    result = _wyscout_result(df)
    body = _wyscout_bodypart(df)
    keep = typ != T["non_action"]
    df = df[keep].reset_index(drop=True)
    typ, result, body = typ[keep], result[keep], body[keep]
    g = df["match"].to_numpy()
    time = df["ms"].to_numpy() / 1000
    team = df["team"].to_numpy()

    # fix_actions: socceraction's linear metres ("lin_*"), clipped to the pitch, and ours.
    raw = {c: df[c].to_numpy(dtype=np.float64) for c in ("sx", "sy", "ex", "ey")}
    lin = {
        "sx": np.clip(raw["sx"] * PITCH_LENGTH / 100, 0, PITCH_LENGTH),
        "sy": np.clip((100 - raw["sy"]) * PITCH_WIDTH / 100, 0, PITCH_WIDTH),
        "ex": np.clip(raw["ex"] * PITCH_LENGTH / 100, 0, PITCH_LENGTH),
        "ey": np.clip((100 - raw["ey"]) * PITCH_WIDTH / 100, 0, PITCH_WIDTH),
    }
    ours = {
        "sx": _metres_from_raw(raw["sx"], 0),
        "sy": _metres_from_raw(raw["sy"], 1),
        "ex": _metres_from_raw(raw["ex"], 0),
        "ey": _metres_from_raw(raw["ey"], 1),
    }
    goalkick = typ == T["goalkick"]
    for xy in (lin, ours):  # an estimate of socceraction's, in metres: the same in both
        xy["sx"] = np.where(goalkick, 5.0, xy["sx"])
        xy["sy"] = np.where(goalkick, 34.0, xy["sy"])
    same_team_next = team == _shifted(team, g, -1, -1)
    result = np.where(goalkick, same_team_next.astype(np.int64), result)
    foul = typ == T["foul"]
    save = typ == T["keeper_save"]
    for xy in (lin, ours):
        xy["ex"] = np.where(foul, xy["sx"], xy["ex"])
        xy["ey"] = np.where(foul, xy["sy"], xy["ey"])
        # A save's position is the shot's end, mirrored into the keeper's own goal.
        xy["ex"] = np.where(save, PITCH_LENGTH - xy["ex"], xy["ex"])
        xy["ey"] = np.where(save, PITCH_WIDTH - xy["ey"], xy["ey"])
        xy["sx"] = np.where(save, xy["ex"], xy["sx"])
        xy["sy"] = np.where(save, xy["ey"], xy["sy"])
    # remove_keeper_goal_actions: the keeper's "save" of a shot that went in.
    prev_type = _shifted(typ, g, 1, -1)
    prev_result = _shifted(result, g, 1, -1)
    prev_time = _shifted(time, g, 1, np.nan)
    after_goal = np.isin(prev_type, [T["shot"], T["shot_penalty"], T["shot_freekick"]]) & (prev_result == 1)
    drop = save & after_goal & (prev_time + 10 > time)

    keep = ~drop
    frame = pd.DataFrame(
        {
            "match_id": g[keep],
            "original_event_seq": df["seq"].to_numpy()[keep].astype(np.float64),
            "period_id": df["period"].to_numpy()[keep],
            "time_seconds": time[keep],
            "club_id": team[keep],
            "player_id": df["player"].to_numpy()[keep],
            "type_id": typ[keep],
            "result_id": result[keep],
            "bodypart_id": body[keep],
        }
    )
    for c in ("sx", "sy", "ex", "ey"):
        frame["lin_" + c] = lin[c][keep]
        frame[c] = ours[c][keep]
    frame["player_id"] = frame["player_id"].where(frame["player_id"] != 0)
    return _finish(frame, home)


# -- all providers: direction of play, clearances, dribbles ------------------------------------


def _finish(frame: pd.DataFrame, home: dict[int, int]) -> pd.DataFrame:
    """_fix_direction_of_play, _fix_clearances and _add_dribbles over many matches at once.

    ``frame`` holds the actions in order with both coordinate sets: ``lin_*`` (socceraction's
    own, deciding which dribbles exist) and ``sx``.. (loanwatch's metres, stored)."""
    g = frame["match_id"].to_numpy(dtype=np.int64)
    team = frame["club_id"].to_numpy(dtype=np.int64)
    away = team != frame["match_id"].map(home).to_numpy(dtype=np.int64)
    for prefix in ("lin_", ""):
        for c, size in (("sx", PITCH_LENGTH), ("ex", PITCH_LENGTH), ("sy", PITCH_WIDTH), ("ey", PITCH_WIDTH)):
            values = frame[prefix + c].to_numpy(dtype=np.float64)
            frame[prefix + c] = np.where(away, size - values, values)
    # A clearance ends where the next action starts (the match's last one, where it starts).
    clearance = frame["type_id"].to_numpy() == T["clearance"]
    for prefix in ("lin_", ""):
        for end, start in (("ex", "sx"), ("ey", "sy")):
            own = frame[prefix + start].to_numpy(dtype=np.float64)
            nxt = _shifted(own, g, -1, np.nan)
            nxt = np.where(np.isnan(nxt), own, nxt)
            frame[prefix + end] = np.where(clearance, nxt, frame[prefix + end].to_numpy())

    # _add_dribbles, decided on socceraction's coordinates.
    typ = frame["type_id"].to_numpy()
    body = frame["bodypart_id"].to_numpy()
    time = frame["time_seconds"].to_numpy(dtype=np.float64)
    period = frame["period_id"].to_numpy()
    next_team = _shifted(team, g, -1, 0)
    next_type = _shifted(typ, g, -1, 0)
    next_body = _shifted(body, g, -1, 0)
    next_time = _shifted(time, g, -1, 0.0)
    next_period = _shifted(period, g, -1, 0)
    same_team = team == next_team
    dx = frame["lin_ex"].to_numpy() - _shifted(frame["lin_sx"].to_numpy(), g, -1, 0.0)
    dy = frame["lin_ey"].to_numpy() - _shifted(frame["lin_sy"].to_numpy(), g, -1, 0.0)
    gap = dx**2 + dy**2
    dribble = (
        same_team
        & (gap >= MIN_DRIBBLE_LENGTH**2)
        & (gap <= MAX_DRIBBLE_LENGTH**2)
        & (next_time - time < MAX_DRIBBLE_DURATION)
        & (period == next_period)
        & (next_type != T["foul"])
        & (next_type != T["shot"])
        & (next_body != B["head"])
    )
    idx = np.flatnonzero(dribble)
    nxt = idx + 1
    dribbles = pd.DataFrame(
        {
            "match_id": g[idx],
            "original_event_seq": np.nan,
            "period_id": period[nxt],
            "time_seconds": (time[idx] + time[nxt]) / 2,
            "club_id": team[nxt],
            "player_id": frame["player_id"].to_numpy()[nxt],
            "type_id": T["dribble"],
            "result_id": 1,
            "bodypart_id": B["foot"],
            "sx": frame["ex"].to_numpy()[idx],
            "sy": frame["ey"].to_numpy()[idx],
            "ex": frame["sx"].to_numpy()[nxt],
            "ey": frame["sy"].to_numpy()[nxt],
        }
    )
    base = frame.drop(columns=[c for c in frame.columns if c.startswith("lin_")])
    base["_order"] = np.arange(len(base), dtype=np.float64)
    dribbles["_order"] = idx + 0.5  # right after the action it follows
    out = pd.concat([base, dribbles], ignore_index=True).sort_values("_order", kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    out["action_id"] = out.groupby("match_id").cumcount()
    out = out.rename(columns={"sx": "start_x", "sy": "start_y", "ex": "end_x", "ey": "end_y"})
    out["original_event_seq"] = out["original_event_seq"].astype("Int64")
    out["player_id"] = out["player_id"].astype("Int64")
    return out[list(OUTPUT_COLUMNS)]


# -- other providers (kloppy) ------------------------------------------------------------------


def _has(tag_sets: Sequence[frozenset[str]], *names: str) -> BoolArray:
    """Events carrying any of the named kloppy qualifiers."""
    wanted = frozenset(names)
    return np.fromiter((not wanted.isdisjoint(t) for t in tag_sets), dtype=bool, count=len(tag_sets))


def _generic_actions(events: pd.DataFrame, home: dict[int, int]) -> pd.DataFrame:
    ev = events[events["period"] != 5].reset_index(drop=True)  # shoot-outs are not match play
    kind = ev["kind"].to_numpy()
    tags = [frozenset(str(t).split()) for t in ev["tags"].fillna("")]
    outcome = ev["outcome"]
    succeeded = (outcome.isna() | (outcome == True)).to_numpy(dtype=bool)  # noqa: E712  # unknown outcome: success, as socceraction
    crossed = _has(tags, "CROSS", "HIGH_PASS")
    is_pass, is_shot = kind == "pass", kind == "shot"
    ground = _has(tags, "GROUND", "SLIDING_TACKLE") & ~_has(tags, "AERIAL", "LOOSE_BALL")
    conditions = [
        is_pass & _has(tags, "THROW_IN"),
        is_pass & _has(tags, "GOAL_KICK"),
        is_pass & _has(tags, "CORNER_KICK") & crossed,
        is_pass & _has(tags, "CORNER_KICK"),
        is_pass & _has(tags, "FREE_KICK") & crossed,
        is_pass & _has(tags, "FREE_KICK"),
        is_pass & _has(tags, "CROSS"),
        is_pass,
        is_shot & _has(tags, "PENALTY"),
        is_shot & _has(tags, "FREE_KICK"),
        is_shot,
        kind == "own_goal",
        kind == "take_on",
        (kind == "duel") & ground,
        kind == "interception",
        kind == "clearance",
        kind == "foul_committed",
        (kind == "goalkeeper") & _has(tags, "SAVE", "SMOTHER", "REFLEX", "SAVE_ATTEMPT"),
        (kind == "goalkeeper") & _has(tags, "CLAIM"),
        (kind == "goalkeeper") & _has(tags, "PUNCH"),
        (kind == "goalkeeper") & _has(tags, "PICK_UP"),
        kind == "miscontrol",
        kind == "carry",
    ]
    choices = [
        T["throw_in"], T["goalkick"], T["corner_crossed"], T["corner_short"], T["freekick_crossed"],
        T["freekick_short"], T["cross"], T["pass"], T["shot_penalty"], T["shot_freekick"], T["shot"],
        T["bad_touch"], T["take_on"], T["tackle"], T["interception"], T["clearance"], T["foul"],
        T["keeper_save"], T["keeper_claim"], T["keeper_punch"], T["keeper_pick_up"], T["bad_touch"],
        T["dribble"],
    ]  # fmt: skip
    typ = np.select(conditions, choices, default=T["non_action"]).astype(np.int64)

    # Cards are events of their own in kloppy: put one on the foul it punishes.
    g = ev["match_id"].to_numpy(dtype=np.int64)
    player = ev["player_id"].fillna(-1).to_numpy(dtype=np.int64)
    second = ev["second"].to_numpy(dtype=np.float64)
    card_red = (kind == "card") & _has(tags, "RED", "SECOND_YELLOW")
    card_yellow = (kind == "card") & _has(tags, "FIRST_YELLOW")
    foul_card = np.zeros(len(ev), dtype=np.int64)
    for step in (-1, -2, -3):  # the card is logged within a few events of the foul
        same = (_shifted(player, g, step, -2) == player) & (
            np.abs(_shifted(second, g, step, np.inf) - second) <= 5
        )
        red = same & _shifted(card_red, g, step, False)
        yellow = same & _shifted(card_yellow, g, step, False)
        foul_card = np.where((foul_card == 0) & red, 5, foul_card)
        foul_card = np.where((foul_card == 0) & yellow, 4, foul_card)

    result = np.where(succeeded, 1, 0)
    result = np.where(is_shot, ev["is_goal"].to_numpy(dtype=bool).astype(np.int64), result)
    result = np.where(kind == "own_goal", 3, result)
    result = np.where(np.isin(typ, [T["clearance"], T["dribble"]]) | (kind == "goalkeeper"), 1, result)
    result = np.where(kind == "miscontrol", 0, result)
    result = np.where(typ == T["foul"], foul_card, result)

    body = np.select(
        [
            typ == T["throw_in"],
            _has(tags, "HEAD", "HEAD_PASS"),
            _has(tags, "LEFT_FOOT"),
            _has(tags, "RIGHT_FOOT"),
            _has(tags, "CHEST", "OTHER", "BOTH_HANDS", "LEFT_HAND", "RIGHT_HAND", "KEEPER_ARM", "HAND_PASS"),
        ],
        [B["other"], B["head"], B["foot_left"], B["foot_right"], B["other"]],
        default=B["foot"],
    ).astype(np.int64)

    # A pass without a result (StatsBomb's "Injury Clearance" / "Unknown": the ball is given back
    # or nobody knows) is not a pass of the team's play; socceraction drops it as well.
    typ = np.where(is_pass & outcome.isna().to_numpy(), T["non_action"], typ)
    keep = (typ != T["non_action"]) & ev["x"].notna().to_numpy()
    ev = ev[keep].reset_index(drop=True)
    sx = ev["x"].to_numpy(dtype=np.float64, na_value=np.nan)
    sy = ev["y"].to_numpy(dtype=np.float64, na_value=np.nan)
    ex = ev["end_x"].to_numpy(dtype=np.float64, na_value=np.nan)
    ey = ev["end_y"].to_numpy(dtype=np.float64, na_value=np.nan)
    ex, ey = np.where(np.isnan(ex), sx, ex), np.where(np.isnan(ey), sy, ey)
    frame = pd.DataFrame(
        {
            "match_id": ev["match_id"].to_numpy(dtype=np.int64),
            "original_event_seq": ev["seq"].to_numpy(dtype=np.float64),
            "period_id": ev["period"].to_numpy(dtype=np.int64),
            "time_seconds": ev["second"].to_numpy(dtype=np.float64),
            "club_id": ev["club_id"].to_numpy(dtype=np.int64),
            "player_id": ev["player_id"],
            "type_id": typ[keep],
            "result_id": result[keep],
            "bodypart_id": body[keep],
            "sx": np.clip(sx, 0, PITCH_LENGTH),
            "sy": np.clip(sy, 0, PITCH_WIDTH),
            "ex": np.clip(ex, 0, PITCH_LENGTH),
            "ey": np.clip(ey, 0, PITCH_WIDTH),
        }
    )
    for c in ("sx", "sy", "ex", "ey"):  # already metres on the same scale: one coordinate set
        frame["lin_" + c] = frame[c]
    return _finish(frame, home)


# -- entry points ------------------------------------------------------------------------------


def actions_from_events(events: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """SPADL actions (``Store.ACTION_COLUMNS``) of the matches whose stored events are given.

    ``events`` as ``Store.events_frame`` returns them (ordered by match and seq); ``matches`` must
    name each match's ``provider`` and ``home_club_id`` (``Store.matches_frame``)."""
    if events.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in OUTPUT_COLUMNS})
    info = matches.set_index("match_id")
    home = {int(k): int(v) for k, v in zip(info.index.tolist(), info["home_club_id"].tolist(), strict=True)}
    provider = events["match_id"].map(info["provider"]).fillna("")
    wyscout = (provider == "wyscout").to_numpy()
    parts = []
    if wyscout.any():
        parts.append(_wyscout_actions(events[wyscout].reset_index(drop=True), home))
    if (~wyscout).any():
        parts.append(_generic_actions(events[~wyscout].reset_index(drop=True), home))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return out.sort_values(["match_id", "action_id"], kind="stable").reset_index(drop=True)


def compute_actions(store: Store, match_ids: Sequence[int] | None = None) -> int:
    """Convert the matches' stored events to SPADL and store them (replacing any already there).

    Every match in the store when ``match_ids`` is None. Returns the number of actions stored."""
    matches = store.matches_frame()
    ids = [int(m) for m in (matches["match_id"] if match_ids is None else match_ids)]
    total = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        actions = actions_from_events(store.events_frame(chunk), matches)
        store.save_actions(chunk, actions)  # checked against frames.ACTIONS there
        total += len(actions)
    return total
