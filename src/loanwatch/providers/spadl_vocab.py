"""SPADL's vocabulary: action types, results and body parts, and their ids.

The one home of the lists socceraction defines in ``socceraction.spadl.config`` (tested equal to it
in ``tests/test_spadl_vocab.py``), written out so that importing a metrics module does not import
socceraction and pandera until a model is trained or loaded. An id is the list position, as in
SPADL. The pitch is the domain's (``domain.PITCH_LENGTH`` x ``domain.PITCH_WIDTH``, SPADL's
105 x 68 m).
"""

from __future__ import annotations

ACTION_TYPES: tuple[str, ...] = (
    "pass", "cross", "throw_in", "freekick_crossed", "freekick_short", "corner_crossed",
    "corner_short", "take_on", "foul", "tackle", "interception", "shot", "shot_penalty",
    "shot_freekick", "keeper_save", "keeper_claim", "keeper_punch", "keeper_pick_up", "clearance",
    "bad_touch", "non_action", "dribble", "goalkick",
)  # fmt: skip
RESULTS: tuple[str, ...] = ("fail", "success", "offside", "owngoal", "yellow_card", "red_card")
BODYPARTS: tuple[str, ...] = ("foot", "head", "other", "head/other", "foot_left", "foot_right")
BODYPARTS_ONEHOT: tuple[str, ...] = BODYPARTS[:4]  # socceraction.vaep.features.bodypart_onehot's columns

ACTION_TYPE_IDS: dict[str, int] = {name: i for i, name in enumerate(ACTION_TYPES)}
RESULT_IDS: dict[str, int] = {name: i for i, name in enumerate(RESULTS)}
BODYPART_IDS: dict[str, int] = {name: i for i, name in enumerate(BODYPARTS)}

SUCCESS = RESULT_IDS["success"]
OWNGOAL = RESULT_IDS["owngoal"]


def type_ids(*names: str) -> frozenset[int]:
    """The ids of these action types (a KeyError names a type SPADL does not have)."""
    return frozenset(ACTION_TYPE_IDS[n] for n in names)


# socceraction: type_name.str.contains("shot") -> shot, shot_penalty, shot_freekick.
SHOT_TYPES = type_ids("shot", "shot_freekick", "shot_penalty")
