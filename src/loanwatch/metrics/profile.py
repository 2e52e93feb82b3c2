"""Per-90 rates and percentiles per player and season (and per loan spell).

Definitions (per player and match; SPADL actions put left to right first, shoot-outs excluded):

- ``minutes``, ``goals``, ``assists``, ``shots``: the stored appearance (the box score the match
  reports use: own goals are not goals, shoot-out kicks not shots), so per-90 figures agree with
  the match sheet.
- ``key_passes``: a pass, cross or set-piece delivery whose next action (skipping a carry by the
  receiver) is a shot by a team-mate.
- ``progressive_passes``: a successful open-play pass or cross that ends at least 25% closer to the
  centre of the opponent goal (105, 34) than it started, or ends in the penalty area having started
  outside it. ``progressive_carries``: the same test on SPADL carries (``dribble``).
- ``dribbles``: successful take-ons (SPADL ``take_on`` with result success).
- ``tackles``, ``interceptions``: SPADL ``tackle`` and ``interception`` actions (attempts).
- ``duels_won``, ``aerials_won``, ``recoveries``: not in SPADL, taken from the stored provider
  events, Wyscout only (NaN for other providers or without events): duels won are ``Duel`` events
  tagged 703 (won); aerials won are ``Air duel`` ones; a recovery is the player's on-ball event
  (not a duel, a set piece, a save or a foul) that starts a possession, i.e. whose previous on-ball
  event in the same period was the opponent's (an approximation: Wyscout's public data has no
  recovery event).
- ``xg``, ``xa``, ``vaep``, ``vaep_offensive``, ``vaep_defensive``, ``xt``: sums of the action
  values of the trained models (``action_values`` keys ``xg``, ``xa``, ``vaep``, ``xt``); ``xa``,
  when no model gives it, is the xG of the shot each key pass led to. NaN when the model is absent.

Percentiles: per metric, of the per-90 rate, among the players of the same role (the role he
played most minutes), competition and season with at least ``min_minutes`` (900 by default): the
percentage of that peer group with a lower rate, ties counted half (0-100). A player under the
threshold is ranked against the qualified peers all the same and flagged ``qualified = False``;
``peer_group_size`` is the number of qualified peers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from loanwatch.domain import MATCH_COUNT_METRICS, MATCH_VALUE_METRICS, PITCH_LENGTH, PITCH_WIDTH
from loanwatch.metrics.roles import left_to_right, season_role
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS, SHOT_TYPES, SUCCESS, type_ids
from loanwatch.providers.wyscout_vocab import TAG_WON
from loanwatch.settings import MIN_MINUTES

_T = ACTION_TYPE_IDS
DELIVERY_TYPES = type_ids(
    "pass", "cross", "freekick_crossed", "freekick_short", "corner_crossed", "corner_short", "throw_in"
)
OPEN_PLAY_PASS_TYPES = type_ids("pass", "cross")
CARRY = _T["dribble"]
GOAL = (PITCH_LENGTH, PITCH_WIDTH / 2)
BOX_X = PITCH_LENGTH - 16.5
BOX_HALF_WIDTH = 20.16
PROGRESS_SHARE = 0.25  # a progressive action ends >= 25% closer to the goal centre

# Wyscout event vocabulary (store ``events``: type, subtype, tags)
WYSCOUT_WON = str(TAG_WON)  # tags are stored as text
_NOT_ON_BALL = {"Duel", "Interruption", "Foul", "Offside", "Goalkeeper leaving line"}
_NOT_RECOVERY = {"Free Kick", "Save attempt"}

COUNT_METRICS = list(MATCH_COUNT_METRICS)
VALUE_METRICS = list(MATCH_VALUE_METRICS)
METRICS = COUNT_METRICS + VALUE_METRICS
MATCH_STATS_COLUMNS = ["match_id", "player_id", "club_id", "minutes", *METRICS]


def _in_box(x: pd.Series, y: pd.Series) -> pd.Series:
    return (x >= BOX_X) & ((y - GOAL[1]).abs() <= BOX_HALF_WIDTH)


def _progressive(a: pd.DataFrame) -> pd.Series:
    start = np.hypot(GOAL[0] - a["start_x"], GOAL[1] - a["start_y"])
    end = np.hypot(GOAL[0] - a["end_x"], GOAL[1] - a["end_y"])
    into_box = _in_box(a["end_x"], a["end_y"]) & ~_in_box(a["start_x"], a["start_y"])
    return cast(pd.Series, (end <= (1 - PROGRESS_SHARE) * start) | into_box)  # a Series at run time


def _key_pass_shots(a: pd.DataFrame) -> pd.DataFrame:
    """Each delivery's index and the index of the team-mate's shot it led to (key passes)."""
    nxt = a.groupby("match_id", sort=False).shift(-1)
    nxt2 = a.groupby("match_id", sort=False).shift(-2)
    idx = pd.Series(a.index, index=a.index)
    nxt_idx = idx.groupby(a["match_id"]).shift(-1)
    nxt2_idx = idx.groupby(a["match_id"]).shift(-2)
    # the receiver may carry the ball before shooting: look one action further
    carry = (nxt["type_id"] == CARRY) & (nxt["club_id"] == a["club_id"])
    shot_team = nxt["club_id"].where(~carry, nxt2["club_id"])
    shot_type = nxt["type_id"].where(~carry, nxt2["type_id"])
    shot_player = nxt["player_id"].where(~carry, nxt2["player_id"])
    shot_idx = nxt_idx.where(~carry, nxt2_idx)
    key = (
        a["type_id"].isin(DELIVERY_TYPES)
        & shot_type.isin(SHOT_TYPES)
        & (shot_team == a["club_id"])
        & (shot_player != a["player_id"])
    )
    return pd.DataFrame({"pass_idx": a.index[key], "shot_idx": shot_idx[key].astype(int).to_numpy()})


def _wyscout_event_counts(events: pd.DataFrame) -> pd.DataFrame:
    """duels_won, aerials_won, recoveries per (match_id, player_id) from stored Wyscout events."""
    ev = events.sort_values(["match_id", "seq"])
    won = ev["tags"].fillna("").map(lambda t: WYSCOUT_WON in str(t).split())
    duel = ev["type"] == "Duel"
    out = pd.DataFrame({"match_id": ev["match_id"], "player_id": ev["player_id"]})
    out["duels_won"] = (duel & won).astype(int)
    out["aerials_won"] = (duel & won & (ev["subtype"] == "Air duel")).astype(int)
    on_ball = ev.loc[~ev["type"].isin(_NOT_ON_BALL)]
    prev_club = on_ball.groupby(["match_id", "period"])["club_id"].shift(1)
    recovery = (
        prev_club.notna() & (prev_club != on_ball["club_id"]) & ~on_ball["type"].isin(_NOT_RECOVERY)
    ).astype(int)
    out["recoveries"] = 0
    out.loc[recovery.index, "recoveries"] = recovery
    out = out.dropna(subset=["player_id"])
    out["player_id"] = out["player_id"].astype(int)
    return out.groupby(["match_id", "player_id"], as_index=False)[
        ["duels_won", "aerials_won", "recoveries"]
    ].sum()


def _value_sums(values: pd.DataFrame | None, a: pd.DataFrame, column: str) -> pd.Series | None:
    if values is None or values.empty:
        return None
    v = values.set_index(["match_id", "action_id"])[column]
    keyed = pd.MultiIndex.from_arrays([a["match_id"], a["action_id"]])
    per_action = pd.Series(v.reindex(keyed).to_numpy(), index=a.index)
    return per_action.groupby([a["match_id"], a["player_id"]]).sum(min_count=1)


def player_match_stats(
    actions: pd.DataFrame,
    action_values: Mapping[str, pd.DataFrame | None] | None,
    appearances: pd.DataFrame,
    raw_events: pd.DataFrame | None = None,
    *,
    matches: pd.DataFrame,
) -> pd.DataFrame:
    """One row per player and match he played in: ``MATCH_STATS_COLUMNS`` (see module docstring).

    ``actions``: SPADL in socceraction's direction of play; ``action_values``:
    ``{'xg' | 'xa' | 'vaep' | 'xt': DataFrame[match_id, action_id, offensive, defensive, value]}``;
    ``appearances``: the store's table; ``raw_events``: the store's events (for duels, aerials and
    recoveries); ``matches``: ``match_id, home_club_id`` (and ``provider``).
    """
    values = dict(action_values or {})
    apps = appearances.loc[appearances["minutes_played"] > 0]
    base = apps[["match_id", "player_id", "club_id", "minutes_played", "goals", "assists", "shots"]].rename(
        columns={"minutes_played": "minutes"}
    )
    a = left_to_right(actions, matches) if not actions.empty else actions.copy()
    a = a.loc[a["player_id"].notna() & (a["period_id"] != 5)] if not a.empty else a
    a = a.sort_values(["match_id", "action_id"]).reset_index(drop=True)
    if not a.empty:
        a["player_id"] = a["player_id"].astype(int)
    keys = [a["match_id"], a["player_id"]] if not a.empty else None

    counts: dict[str, pd.Series] = {}
    if keys is not None:
        success = a["result_id"] == SUCCESS
        t = a["type_id"]
        kp = _key_pass_shots(a)
        is_key = pd.Series(False, index=a.index)
        is_key.loc[kp["pass_idx"]] = True
        flags = {
            "key_passes": is_key,
            "progressive_passes": t.isin(OPEN_PLAY_PASS_TYPES) & success & _progressive(a),
            "progressive_carries": (t == CARRY) & success & _progressive(a),
            "dribbles": (t == _T["take_on"]) & success,
            "tackles": t == _T["tackle"],
            "interceptions": t == _T["interception"],
        }
        for name, flag in flags.items():
            counts[name] = flag.astype(int).groupby(keys).sum()
        for kind, cols in (
            ("xg", {"xg": "value"}),
            ("vaep", {"vaep": "value", "vaep_offensive": "offensive", "vaep_defensive": "defensive"}),
            ("xt", {"xt": "value"}),
        ):
            for name, col in cols.items():
                s = _value_sums(values.get(kind), a, col)
                if s is not None:
                    counts[name] = s
        xa_values = values.get("xa")
        if xa_values is not None and not xa_values.empty:
            s = _value_sums(xa_values, a, "value")
            if s is not None:
                counts["xa"] = s
        elif (xg_values := values.get("xg")) is not None and not xg_values.empty:
            # xA of a key pass = xG of the shot it set up
            xg = xg_values.set_index(["match_id", "action_id"])["value"]
            shots = a.loc[kp["shot_idx"]]
            shot_xg = xg.reindex(
                pd.MultiIndex.from_arrays([shots["match_id"], shots["action_id"]])
            ).to_numpy()
            passes = a.loc[kp["pass_idx"]]
            counts["xa"] = (
                pd.Series(shot_xg, index=passes.index)
                .groupby([passes["match_id"], passes["player_id"]])
                .sum(min_count=1)
            )

    df = base.set_index(["match_id", "player_id"])
    for name in METRICS:
        if name in df.columns:
            continue
        s = counts.get(name)
        if s is None:
            df[name] = np.nan
            continue
        s.index = s.index.set_names(["match_id", "player_id"])
        aligned = s.reindex(df.index)
        # a player with no action of a kind did none: 0, but a missing model stays NaN
        df[name] = aligned.fillna(0)
    df = df.reset_index()

    if raw_events is not None and not raw_events.empty:
        wy_matches = set(
            matches.loc[
                matches.get("provider", pd.Series("wyscout", index=matches.index)) == "wyscout", "match_id"
            ]
        )
        ev = raw_events.loc[raw_events["match_id"].isin(wy_matches)]
        if not ev.empty:
            extra = _wyscout_event_counts(ev).set_index(["match_id", "player_id"])
            idx = pd.MultiIndex.from_frame(df[["match_id", "player_id"]])
            in_wy = df["match_id"].isin(wy_matches).to_numpy()
            for name in ("duels_won", "aerials_won", "recoveries"):
                found = extra[name].reindex(idx).fillna(0).to_numpy(dtype=float)
                df[name] = np.where(in_wy, found, np.nan)
    return df[MATCH_STATS_COLUMNS].sort_values(["match_id", "player_id"]).reset_index(drop=True)


def percentile(values: np.ndarray, peers: np.ndarray) -> np.ndarray:
    """Percentage of peers below each value, ties counted half; NaN without peers or value."""
    peers = np.sort(peers[~np.isnan(peers)])
    if len(peers) == 0:
        return np.full(len(values), np.nan)
    below = np.searchsorted(peers, values, side="left")
    equal = np.searchsorted(peers, values, side="right") - below
    pct = 100.0 * (below + 0.5 * equal) / len(peers)
    return np.where(np.isnan(values), np.nan, np.round(pct, 1))


def _totals(stats: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    groups = stats.groupby(list(keys))
    # min_count=1: a metric with no value in any match (model not trained) stays NaN, not 0.
    return pd.concat(
        [
            groups["minutes"].sum(),
            groups["match_id"].nunique().rename("matches"),
            groups[list(METRICS)].sum(min_count=1),
        ],
        axis=1,
    ).reset_index()


def _per90(out: pd.DataFrame) -> pd.DataFrame:
    """``out`` with ``<metric>_p90`` = total * 90 / minutes (NaN without minutes), one block."""
    minutes = out["minutes"].where(out["minutes"] > 0).to_numpy(dtype=float)
    totals = out[list(METRICS)].to_numpy(dtype=float)
    names = [f"{m}_p90" for m in METRICS]
    rates = pd.DataFrame(totals * 90.0 / minutes[:, None], columns=names, index=out.index)
    return pd.concat([out.drop(columns=list(rates.columns), errors="ignore"), rates], axis=1)


def _aggregate(stats: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return _per90(_totals(stats, keys))


def _with_context(match_stats: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    ctx = matches[["match_id", "kickoff", "competition_id", "competition", "season_id", "season"]]
    return match_stats.merge(ctx, on="match_id", how="inner")


def _main_club(stats: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    per = stats.groupby([*keys, "club_id"])["minutes"].sum().reset_index()
    per = per.sort_values([*keys, "minutes"], ascending=[*([True] * len(keys)), False])
    return per.drop_duplicates(list(keys))[[*keys, "club_id"]]


SEASON_KEYS = ["player_id", "competition_id", "competition", "season_id", "season"]
# What a season's totals hold (season_totals; stored per competition-season: season_player_totals)
SEASON_TOTALS_COLUMNS = [*SEASON_KEYS, "minutes", "matches", *METRICS, "club_id", "role", "role_share"]


def season_totals(match_stats: pd.DataFrame, matches: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Per player, competition and season: ``SEASON_TOTALS_COLUMNS``, the totals of every metric,
    ``club_id`` (most minutes) and ``role`` (most minutes, with its share): what the season's
    percentiles rank (:func:`rank_season`) and what the store keeps per competition-season."""
    stats = _with_context(match_stats, matches)
    prof = _totals(stats, SEASON_KEYS).merge(_main_club(stats, SEASON_KEYS), on=SEASON_KEYS)
    role_ctx = _with_context(roles, matches)
    main_role = season_role(role_ctx, match_stats, by=SEASON_KEYS)
    prof = prof.merge(main_role[[*SEASON_KEYS, "role", "role_share"]], on=SEASON_KEYS, how="left")
    return prof[SEASON_TOTALS_COLUMNS]


def rank_season(
    totals: pd.DataFrame, *, min_minutes: float = MIN_MINUTES, ranked: bool = True
) -> pd.DataFrame:
    """:func:`season_totals` (computed, or read back from the store) with per-90 rates
    (``<metric>_p90``), ``qualified`` and the percentiles against the season's peers: the
    :func:`season_profile`. ``ranked=False``: without the season's own percentiles (what a
    spell's profile ranks against: its peers' minutes, roles and rates)."""
    prof = _per90(totals[SEASON_TOTALS_COLUMNS].copy())
    front = [*SEASON_KEYS, "minutes", "matches", *METRICS, *(f"{m}_p90" for m in METRICS)]
    prof = prof[[*front, "club_id", "role", "role_share"]]
    prof["qualified"] = prof["minutes"] >= min_minutes
    return _rank(prof, prof, min_minutes) if ranked else prof


def season_profile(
    match_stats: pd.DataFrame,
    matches: pd.DataFrame,
    roles: pd.DataFrame,
    *,
    min_minutes: float = MIN_MINUTES,
) -> pd.DataFrame:
    """Per player, competition and season: totals, per-90 rates (``<metric>_p90``) and percentiles
    (``<metric>_pct``) against same-role, same-competition, same-season peers with at least
    ``min_minutes``; with ``role``, ``club_id`` (most minutes), ``matches``, ``minutes``,
    ``qualified`` and ``peer_group_size``."""
    return rank_season(season_totals(match_stats, matches, roles), min_minutes=min_minutes)


def _rank(prof: pd.DataFrame, reference: pd.DataFrame, min_minutes: float) -> pd.DataFrame:
    """Percentiles of ``prof`` rows against the qualified rows of ``reference`` (season profiles)."""
    prof = prof.copy()
    group = ["competition_id", "season_id", "role"]
    peers = reference.loc[reference["minutes"] >= min_minutes]
    sizes = peers.groupby(group).size().rename("peer_group_size").reset_index()
    prof = prof.drop(columns=["peer_group_size"], errors="ignore").merge(sizes, on=group, how="left")
    prof["peer_group_size"] = prof["peer_group_size"].fillna(0).astype(int)
    return percentiles_in_groups(prof, peers, group, [(f"{m}_pct", f"{m}_p90", 1.0) for m in METRICS])


def percentiles_in_groups(
    prof: pd.DataFrame, peers: pd.DataFrame, group: list[str], metrics: Sequence[tuple[str, str, float]]
) -> pd.DataFrame:
    """``prof`` with a :func:`percentile` column per metric, each row against the ``peers`` of its
    ``group``: ``metrics`` are (percentile column, value column, sign), sign -1 where lower is
    better. NaN where a row has no peers."""
    columns = {out: np.full(len(prof), np.nan) for out, _col, _sign in metrics}
    def key(k: object) -> tuple[object, ...]:  # iteration gives tuples, .indices scalars for one column
        return k if isinstance(k, tuple) else (k,)

    peer_groups = {key(k): g for k, g in peers.groupby(group)}
    for k, at in prof.groupby(group).indices.items():  # positions of each group's rows
        g = peer_groups.get(key(k))
        if g is None:
            continue
        rows = prof.iloc[at]
        for out, col, sign in metrics:
            columns[out][at] = percentile(
                sign * rows[col].to_numpy(dtype=float), sign * g[col].to_numpy(dtype=float)
            )
    for out, values in columns.items():
        prof[out] = values
    return prof


def spell_rows(
    stats: pd.DataFrame, matches: pd.DataFrame, player_id: int, start: date, end: date
) -> pd.DataFrame:
    """A player's rows of per-match ``stats`` in the matches played from ``start`` to ``end``
    (inclusive): a loan spell's window, for outfield players and keepers alike."""
    kick = pd.to_datetime(matches["kickoff"]).dt.date
    window = matches.loc[(kick >= start) & (kick <= end), "match_id"]
    return stats.loc[(stats["player_id"] == player_id) & stats["match_id"].isin(window)]


def spell_profile(
    match_stats: pd.DataFrame,
    matches: pd.DataFrame,
    roles: pd.DataFrame,
    player_id: int,
    start: date,
    end: date,
    *,
    min_minutes: float = MIN_MINUTES,
    season: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A loan spell: the player's figures between ``start`` and ``end`` (inclusive), per competition
    and season, ranked against that season's peers (``season``: a ``season_profile``, computed
    from all the matches when not given). The spell's own role is the one he played most in it;
    ``qualified`` says whether the spell reached ``min_minutes``."""
    if season is None:
        season = season_profile(match_stats, matches, roles, min_minutes=min_minutes)
    mine = spell_rows(match_stats, matches, player_id, start, end)
    if mine.empty:
        return season.iloc[0:0].copy()
    stats = _with_context(mine, matches)
    prof = _aggregate(stats, SEASON_KEYS).merge(_main_club(stats, SEASON_KEYS), on=SEASON_KEYS)
    role_ctx = _with_context(roles.loc[roles["match_id"].isin(mine["match_id"])], matches)
    main_role = season_role(role_ctx, mine, by=SEASON_KEYS)
    prof = prof.merge(main_role[[*SEASON_KEYS, "role", "role_share"]], on=SEASON_KEYS, how="left")
    prof["qualified"] = prof["minutes"] >= min_minutes
    prof["start"], prof["end"] = start, end
    return _rank(prof, season, min_minutes)
