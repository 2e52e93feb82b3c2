"""Wyscout v2's vocabulary: event and sub-event ids, tag ids, and its pitch in metres.

The one home of the ids the Wyscout reader (``ingest.wyscout``) and the SPADL converter
(``metrics.spadl``) both need; ids are the public dataset's (and socceraction's ``wyscout_tags``).
Coordinates go through kloppy's own Wyscout pitch transform, tabulated once for the provider's
integer grid (0..100).
"""

from __future__ import annotations

from functools import lru_cache

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH

TAG_GOAL = 101
TAG_OWN_GOAL = 102
TAG_ASSIST = 301
TAG_KEY_PASS = 302
TAG_LEFT_FOOT = 401
TAG_RIGHT_FOOT = 402
TAG_HEAD_BODY = 403
TAG_WON = 703  # a duel won
TAG_BLOCKED = 2101
TAG_ACCURATE = 1801
TAG_NOT_ACCURATE = 1802
ON_TARGET_TAGS = frozenset(range(1201, 1210))

# Wyscout v2 names -> ids: socceraction works on eventId / subEventId, the store keeps the names.
WYSCOUT_EVENT_IDS = {
    "Duel": 1, "Foul": 2, "Free Kick": 3, "Goalkeeper leaving line": 4, "Interruption": 5,
    "Offside": 6, "Others on the ball": 7, "Pass": 8, "Save attempt": 9, "Shot": 10,
}  # fmt: skip
WYSCOUT_SUBEVENT_IDS = {
    "Air duel": 10, "Ground attacking duel": 11, "Ground defending duel": 12,
    "Ground loose ball duel": 13, "Foul": 20, "Hand foul": 21, "Late card foul": 22,
    "Out of game foul": 23, "Protest": 24, "Simulation": 25, "Time lost foul": 26,
    "Violent Foul": 27, "Corner": 30, "Free Kick": 31, "Free kick cross": 32, "Free kick shot": 33,
    "Goal kick": 34, "Penalty": 35, "Throw in": 36, "Goalkeeper leaving line": 40,
    "Ball out of the field": 50, "Whistle": 51, "Acceleration": 70, "Clearance": 71, "Touch": 72,
    "Cross": 80, "Hand pass": 81, "Head pass": 82, "High pass": 83, "Launch": 84,
    "Simple pass": 85, "Smart pass": 86, "Reflexes": 90, "Save attempt": 91, "Shot": 100,
}  # fmt: skip

# The Wyscout tags socceraction reads (its ``wyscout_tags``), by the names it gives them.
SOCCERACTION_TAGS = {
    "goal": 101, "own_goal": 102, "left_foot": 401, "right_foot": 402, "head_body": 403,
    "high": 801, "blocked": 2101, "interception": 1401, "clearance": 1501, "missed_ball": 1302,
    "take_on_left": 503, "take_on_right": 504, "sliding_tackle": 1601, "red_card": 1701,
    "yellow_card": 1702, "second_yellow_card": 1703, "fairplay": 1001, "accurate": 1801,
    "not_accurate": 1802,
    "pos_1201": 1201, "pos_1202": 1202, "pos_1203": 1203, "pos_1204": 1204, "pos_1205": 1205,
    "pos_1206": 1206, "pos_1207": 1207, "pos_1208": 1208, "pos_1209": 1209, "pos_1210": 1210,
    "pos_1211": 1211, "pos_1212": 1212, "pos_1213": 1213, "pos_1214": 1214, "pos_1215": 1215,
    "pos_1216": 1216, "pos_1217": 1217, "pos_1218": 1218, "pos_1219": 1219, "pos_1220": 1220,
    "pos_1221": 1221, "pos_1222": 1222, "pos_1223": 1223,
}  # fmt: skip


@lru_cache(maxsize=1)
def coordinate_tables() -> tuple[list[float], list[float]]:
    """kloppy's Wyscout-to-metric transform on the integer grid the provider uses (0..100)."""
    from kloppy.domain import Point
    from kloppy.domain.models.pitch import WyscoutPitchDimensions

    dims = WyscoutPitchDimensions()
    xs, ys = [], []
    for v in range(0, 101):
        p = dims.to_metric_base(Point(v, v), pitch_length=PITCH_LENGTH, pitch_width=PITCH_WIDTH)
        xs.append(float(p.x))
        ys.append(PITCH_WIDTH - float(p.y))  # provider y runs top to bottom; ours bottom to top
    return xs, ys


def to_metres(x: float, y: float) -> tuple[float, float]:
    xs, ys = coordinate_tables()
    if float(x).is_integer() and float(y).is_integer() and 0 <= x <= 100 and 0 <= y <= 100:
        return xs[int(x)], ys[int(y)]
    from kloppy.domain import Point
    from kloppy.domain.models.pitch import WyscoutPitchDimensions

    p = WyscoutPitchDimensions().to_metric_base(
        Point(x, y), pitch_length=PITCH_LENGTH, pitch_width=PITCH_WIDTH
    )
    return float(p.x), PITCH_WIDTH - float(p.y)
