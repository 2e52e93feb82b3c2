"""Roles: the position each player actually played in each match, from where his actions happen.

Providers give a coarse role per player (Wyscout: GK / DF / MD / FW), the same all season. A coach
wants to know whether a loanee played centre back or full back, holding or attacking midfield, on
the wing or through the middle, match by match. ``infer_roles`` reads that from the location of the
player's open-play actions, with the provider's coarse role as a prior.

How a role is called (all thresholds below are module constants, tuned on Serie A 2017/18):

1. Actions are put left to right per match (``socceraction.spadl.utils.play_left_to_right``: the
   SPADL converters leave away-team actions mirrored, i.e. in the home team's direction), so for
   every player x grows towards the opponent goal. Set pieces (throw-ins, corners, free kicks, goal
   kicks, penalties) and keeper actions are left out of the location: where a set piece is taken
   says where the ball went out, not where the player plays.
2. Goalkeepers: a player the provider lists as GK, or who made any keeper action in the match
   (save, claim, punch, pick-up), is a goalkeeper.
3. Outfield players, from the mean location of their open-play actions:
   - depth ``dx`` = mean x minus the mean x of all open-play actions of his team's outfield players
     in that match. Relative, because a dominant side plays its whole shape 10-15 m higher (Napoli's
     full backs average x 52-59, a relegated side's wingers less): absolute x bands would call a
     top side's full backs midfielders.
   - width ``w`` = |mean y - 34|, the distance of his mean location from the centre line of the
     pitch (metres).
   Bands (metres): defence ``dx < DEFENCE_DX`` (-8), attack ``dx >= ATTACK_DX`` (+9), midfield
   between. Wide: ``w >= WIDE_M`` (16) in defence and midfield, ``w >= WIDE_A`` (11) in attack
   (strikers stay within ~10 m of the centre line, wingers who cut inside average 12-15 m).

   ============  ==========================================  ===================================
   band          central                                     wide
   ============  ==========================================  ===================================
   defence       centre_back                                 full_back
   midfield      defensive_midfielder (dx < 0),              full_back (dx < WIDE_HIGH_DX = 4),
                 central_midfielder (0 <= dx < 9)            winger (dx >= 4)
   attack        striker                                     winger
   ============  ==========================================  ===================================

4. Prior from the coarse role: a call the provider's role makes implausible is replaced as in
   ``PRIOR_SUBSTITUTES`` (a DF in the midfield band is a defensive midfielder, not a central one; a
   MD through the middle in the attack band is an attacking midfielder, not a striker; a FW in the
   central midfield band is an attacking midfielder dropping deep), and its confidence halved.
5. Fewer than ``MIN_ACTIONS`` (15) open-play actions: no confident call; the coarse role is mapped
   to a default (``COARSE_DEFAULT``) with confidence 0 and ``basis = 'provider'``.

``confidence`` (0-1) is the probability that the player's true mean location falls in the same
cell as the observed one: Φ(d / se), d the distance in metres to the nearest band edge that would
change the call, se the standard error of his mean location in that direction (std / √n). A player
on the edge between two roles gets ~0.5, one far inside a cell with many actions ~1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd

from loanwatch.domain import (
    ATTACKING_MIDFIELDER as ATTACKING_MIDFIELDER,
)
from loanwatch.domain import (
    CENTRAL_MIDFIELDER as CENTRAL_MIDFIELDER,
)
from loanwatch.domain import (
    CENTRE_BACK as CENTRE_BACK,
)
from loanwatch.domain import (
    DEFENSIVE_MIDFIELDER as DEFENSIVE_MIDFIELDER,
)
from loanwatch.domain import (
    FULL_BACK as FULL_BACK,
)
from loanwatch.domain import (
    GOALKEEPER as GOALKEEPER,
)
from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.domain import (
    ROLES as ROLES,
)
from loanwatch.domain import (
    STRIKER as STRIKER,
)
from loanwatch.domain import (
    WINGER as WINGER,
)
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS

DEFENCE_DX = -8.0  # metres behind the team's mean action depth: below is the back line
ATTACK_DX = 9.0  # metres ahead of it: above is the front line
DM_DX = 0.0  # central midfielders behind the team's mean depth are holding midfielders
WIDE_HIGH_DX = 4.0  # wide midfield-band players ahead of this are wingers, behind it full backs
WIDE_M = 16.0  # |y - 34| from which a defender / midfielder is wide (centre backs reach ~15.6)
WIDE_A = 11.0  # |y - 34| from which a forward is wide (strikers stay within ~10 m)
MIN_ACTIONS = 15  # open-play actions needed for a location-based call

_T = ACTION_TYPE_IDS
SET_PIECE_TYPES: frozenset[int] = frozenset(
    _T[n]
    for n in (
        "throw_in",
        "freekick_crossed",
        "freekick_short",
        "corner_crossed",
        "corner_short",
        "shot_penalty",
        "shot_freekick",
        "goalkick",
    )
)
KEEPER_TYPES: frozenset[int] = frozenset(
    _T[n] for n in ("keeper_save", "keeper_claim", "keeper_punch", "keeper_pick_up")
)

COARSE_DEFAULT: dict[str, str] = {
    "GK": GOALKEEPER,
    "DF": CENTRE_BACK,
    "MD": CENTRAL_MIDFIELDER,
    "FW": STRIKER,
}
DEFAULT_ROLE = CENTRAL_MIDFIELDER  # no coarse role and too few actions

# (coarse role, location call) -> the call that role makes plausible
PRIOR_SUBSTITUTES: dict[tuple[str, str], str] = {
    ("DF", CENTRAL_MIDFIELDER): DEFENSIVE_MIDFIELDER,
    ("DF", ATTACKING_MIDFIELDER): DEFENSIVE_MIDFIELDER,
    ("DF", WINGER): FULL_BACK,  # a wing-back high up
    ("DF", STRIKER): CENTRE_BACK,  # a centre back thrown forward late on
    ("MD", STRIKER): ATTACKING_MIDFIELDER,
    ("MD", CENTRE_BACK): DEFENSIVE_MIDFIELDER,
    ("FW", DEFENSIVE_MIDFIELDER): ATTACKING_MIDFIELDER,
    ("FW", CENTRAL_MIDFIELDER): ATTACKING_MIDFIELDER,
    ("FW", CENTRE_BACK): STRIKER,
    ("FW", FULL_BACK): WINGER,
}

ROLE_COLUMNS = ["match_id", "player_id", "role", "confidence", "mean_x", "mean_y", "n_actions", "basis"]


def left_to_right(actions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Actions of every match with each team attacking left to right.

    ``actions`` come in socceraction's direction of play (``match_id``, ``club_id``, away-team
    actions in the home team's direction); ``matches`` gives ``match_id`` and ``home_club_id``.
    """
    # socceraction.spadl.utils.play_left_to_right for every game at once: an away team's actions
    # are mirrored (x -> length - x, y -> width - y), the same arithmetic on the same columns.
    out = actions.copy()
    if out.empty:
        return out
    home = out["match_id"].map(matches.set_index("match_id")["home_club_id"])
    if home.isna().any():
        missing = sorted(set(out.loc[home.isna(), "match_id"]))[:5]
        raise KeyError(f"no home club for matches {missing}")
    away = (out["club_id"] != home).to_numpy()
    if away.any():
        for col, size in (
            ("start_x", PITCH_LENGTH),
            ("end_x", PITCH_LENGTH),
            ("start_y", PITCH_WIDTH),
            ("end_y", PITCH_WIDTH),
        ):
            out.loc[away, col] = size - actions[col].to_numpy()[away]
    return out if out.index.is_monotonic_increasing else out.sort_index()


def classify(dx: float, w: float) -> str:
    """The role of an outfield player from his relative depth and width (the table in the docstring)."""
    if dx < DEFENCE_DX:
        return FULL_BACK if w >= WIDE_M else CENTRE_BACK
    if dx < ATTACK_DX:
        if w >= WIDE_M:
            return FULL_BACK if dx < WIDE_HIGH_DX else WINGER
        return DEFENSIVE_MIDFIELDER if dx < DM_DX else CENTRAL_MIDFIELDER
    return WINGER if w >= WIDE_A else STRIKER


def _margins(dx: float, w: float) -> tuple[float, float]:
    """Distances (metres) from (dx, w) to the nearest depth edge and width edge of its cell."""
    if dx < DEFENCE_DX:
        depth_edges: Sequence[float] = (DEFENCE_DX,)
        width_edge = WIDE_M
    elif dx < ATTACK_DX:
        inner = WIDE_HIGH_DX if w >= WIDE_M else DM_DX
        depth_edges = (DEFENCE_DX, inner, ATTACK_DX)
        width_edge = WIDE_M
    else:
        depth_edges = (ATTACK_DX,)
        width_edge = WIDE_A
    return min(abs(dx - e) for e in depth_edges), abs(w - width_edge)


def _confidence(dx: float, w: float, sd_x: float, sd_y: float, n: int) -> float:
    d_depth, d_width = _margins(dx, w)
    sd_x = 1.0 if math.isnan(sd_x) else sd_x
    sd_y = 1.0 if math.isnan(sd_y) else sd_y
    se_x = max(sd_x, 1.0) / math.sqrt(n)  # floor: a handful of identical locations is not certainty
    se_y = max(sd_y, 1.0) / math.sqrt(n)
    z = min(d_depth / se_x, d_width / se_y)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def infer_roles(
    actions: pd.DataFrame,
    matches: pd.DataFrame,
    appearances: pd.DataFrame,
    *,
    min_actions: int = MIN_ACTIONS,
) -> pd.DataFrame:
    """The role each player played in each match.

    ``actions``: SPADL (``match_id``, ``club_id``, ``player_id``, ...), socceraction's direction
    convention. ``matches``: ``match_id``, ``home_club_id``. ``appearances``: ``match_id``,
    ``player_id``, ``club_id``, ``minutes_played``, ``position`` (the coarse role).

    Returns one row per player with minutes in a match: ``match_id, player_id, role, confidence,
    mean_x, mean_y, n_actions, basis`` (``basis``: location, keeper_actions, provider). ``mean_x``
    and ``mean_y`` are the mean open-play location, left to right, NaN without actions.
    """
    played = appearances.loc[
        appearances["minutes_played"] > 0, ["match_id", "player_id", "club_id", "position"]
    ]
    if actions.empty:
        acts = pd.DataFrame(columns=["match_id", "club_id", "player_id", "type_id", "start_x", "start_y"])
    else:
        acts = left_to_right(actions[actions["player_id"].notna()], matches)

    keepers = set(
        map(
            tuple,
            acts.loc[acts["type_id"].isin(KEEPER_TYPES), ["match_id", "player_id"]].astype(int).to_numpy(),
        )
    )
    open_play = acts.loc[~acts["type_id"].isin(SET_PIECE_TYPES | KEEPER_TYPES)]
    loc = (
        open_play.groupby(["match_id", "player_id"])
        .agg(
            club_id=("club_id", "first"),
            mean_x=("start_x", "mean"),
            mean_y=("start_y", "mean"),
            sd_x=("start_x", "std"),
            sd_y=("start_y", "std"),
            n_actions=("start_x", "size"),
        )
        .reset_index()
    )
    loc["player_id"] = loc["player_id"].astype(int)
    df = played.merge(loc.drop(columns="club_id"), on=["match_id", "player_id"], how="left")
    df["n_actions"] = df["n_actions"].fillna(0).astype(int)
    df["is_keeper"] = [
        pos == "GK" or (m, p) in keepers
        for m, p, pos in zip(df["match_id"], df["player_id"], df["position"], strict=True)
    ]

    # The team's depth reference: mean x of every open-play action of its outfield players.
    outfield = df.loc[~df["is_keeper"] & (df["n_actions"] > 0)]
    sums = (
        (outfield["mean_x"] * outfield["n_actions"])
        .groupby([outfield["match_id"], outfield["club_id"]])
        .sum()
    )
    counts = outfield.groupby(["match_id", "club_id"])["n_actions"].sum()
    team_x = (sums / counts).rename("team_x").reset_index()
    df = df.merge(team_x, on=["match_id", "club_id"], how="left")

    roles: list[str] = []
    confidence: list[float] = []
    basis: list[str] = []
    records = cast(list[dict[str, Any]], df.to_dict("records"))
    for r in records:
        coarse = str(r["position"] or "")
        n = int(r["n_actions"])
        if r["is_keeper"]:
            roles.append(GOALKEEPER)
            confidence.append(1.0)
            basis.append("provider" if coarse == "GK" else "keeper_actions")
            continue
        if n < min_actions or pd.isna(r["team_x"]):
            roles.append(COARSE_DEFAULT.get(coarse, DEFAULT_ROLE))
            confidence.append(0.0)
            basis.append("provider")
            continue
        dx = float(r["mean_x"]) - float(r["team_x"])
        w = abs(float(r["mean_y"]) - PITCH_WIDTH / 2)
        role = classify(dx, w)
        sd_x, sd_y = float(r["sd_x"]), float(r["sd_y"])  # NaN with one action: floored in _confidence
        conf = _confidence(dx, w, sd_x, sd_y, n)
        substitute = PRIOR_SUBSTITUTES.get((coarse, role))
        if substitute is not None:
            role, conf = substitute, conf / 2
        roles.append(role)
        confidence.append(round(conf, 3))
        basis.append("location")
    df["role"] = roles
    df["confidence"] = confidence
    df["basis"] = basis
    return df[ROLE_COLUMNS].sort_values(["match_id", "player_id"]).reset_index(drop=True)


def season_role(
    per_match_roles: pd.DataFrame, minutes: pd.DataFrame, by: Sequence[str] = ("player_id",)
) -> pd.DataFrame:
    """The role each player played most minutes in.

    ``per_match_roles``: ``infer_roles`` output (plus any grouping columns named in ``by``, e.g.
    competition and season). ``minutes``: ``match_id, player_id`` and ``minutes`` or
    ``minutes_played``. Returns ``by`` + ``role, role_minutes, role_share`` (share of his minutes
    in that role); ties go to the role listed first in ``ROLES``.
    """
    mins = minutes.rename(columns={"minutes_played": "minutes"})[["match_id", "player_id", "minutes"]]
    df = per_match_roles.merge(mins, on=["match_id", "player_id"], how="inner")
    keys = list(by)
    per_role = df.groupby([*keys, "role"])["minutes"].sum().reset_index()
    per_role["order"] = per_role["role"].map({r: i for i, r in enumerate(ROLES)}).fillna(len(ROLES))
    total = per_role.groupby(keys)["minutes"].transform("sum")
    per_role["role_share"] = (per_role["minutes"] / total.where(total > 0)).round(3)
    best = per_role.sort_values([*keys, "minutes", "order"], ascending=[*([True] * len(keys)), False, True])
    best = best.drop_duplicates(keys).rename(columns={"minutes": "role_minutes"})
    return best[[*keys, "role", "role_minutes", "role_share"]].reset_index(drop=True)
