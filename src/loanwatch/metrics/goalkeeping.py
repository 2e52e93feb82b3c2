"""A goalkeeper's work, per match and per season: shots faced, saves, goals prevented, claims,
sweeping and distribution, ranked against the goalkeepers of the same competition and season.

Pure functions on the store's frames (events, SPADL actions, the xG model's action values,
appearances, the per-match roles of ``metrics.roles``). Definitions, per keeper and match:

- **on the pitch**: between his appearance's ``minute_on`` and ``minute_off`` (the real timeline
  of ``ingest.minutes``); an event's time on that timeline is the length of the periods before
  it plus its second in its own period (a period's length: its last event, as the Wyscout reader
  measures it). A keeper is a player whose role in the match is ``goalkeeper`` (the provider
  lists him as one, or he made a keeper action: ``metrics.roles``). When two keepers of a club
  were on the pitch at a shot (a swap in the same minute) the one the match sheet lists in goal,
  then the one who played more, gets it. An outfield player with a keeper action counts as a
  keeper only for a match where, for more than a minute, no listed keeper of his club was on
  (he went in goal after a red card or an injury), and his minutes are those minutes.
- **shots faced** (``shots_faced``): the opponent's shots, free-kick shots and penalties that were
  on target (Wyscout goal-zone tags 1201-1209, what the store keeps as ``on_target``) or scored
  (a corner scored directly is a goal he faced too, without an xG),
  while he was on the pitch; shoot-out kicks excluded. ``penalties_faced`` / ``penalty_goals``:
  the penalties among them, shown apart as well as counted.
- **goals conceded** (``goals_conceded``): every goal of the opponent while he was on the pitch,
  own goals of his team-mates included (the scoreline); ``own_goals_conceded`` counts those, which
  are not shots faced. A goal is read from the shot (``is_goal``): Wyscout also tags 101 on the
  keeper's own save attempt, which is not a second goal.
- **saves** = shots faced that were not goals; ``save_pct`` = saves / shots faced.
- **goals prevented** (``goals_prevented``) = ``xg_faced`` (the sum of the project's xG, model
  kind ``xg`` in ``action_values``, of the shots on target he faced) minus the goals he conceded
  from shots (own goals excluded). It is pre-shot xG of on-target shots, not post-shot xG (the
  public data has no shot placement model): an on-target shot is scored far more often than its
  pre-shot xG says (Serie A 2017/18: 980 goals from 501 xG of on-target shots), so
  this raw figure is negative for nearly every keeper and does not read as a level. The profile
  therefore states it against his peers: ``goals_prevented_vs_peers`` = his ``xg_faced`` times
  the peer group's goals per xG faced (``peer_goals_per_xg``, the qualified keepers of the same
  competition and season) minus his goals from shots: the goals he kept out beyond what an
  average keeper of his league concedes on the same chances. ``goals_prevented_p90`` is that per
  90 minutes, and what the percentile ranks.
- **claims** (``claims``): Wyscout's "Goalkeeper leaving line" events (he comes off his line for
  the ball; the public data gives them no location) and SPADL ``keeper_claim`` /
  ``keeper_punch`` / ``keeper_pick_up`` actions (other providers).
- **sweeping** (``sweeps``): his clearances, interceptions and tackles (SPADL, attacking left to
  right) starting outside his own penalty area.
- **distribution**: his passes (SPADL pass, cross, goal kick, free kicks, throw-ins) and their
  completion; ``long_passes``: those of at least ``LONG_PASS_M`` (32 m) and their completion;
  ``launch_share`` = long passes / passes.

Percentiles (``<metric>_pct``) are of the per-match-weighted season figure, against the keepers of
the same competition and season with at least ``min_minutes`` (the season role ``goalkeeper``,
as ``metrics.profile`` ranks the other roles); for goals conceded per 90 fewer is better, so its
percentile is the share of peers who conceded more. ``launch_share`` is a style, not a level: it
is ranked but not part of any judgment.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from loanwatch.domain import PITCH_WIDTH
from loanwatch.frames import GOALKEEPER_MATCH_COUNTS
from loanwatch.metrics.profile import percentiles_in_groups, spell_rows
from loanwatch.metrics.roles import GOALKEEPER, left_to_right
from loanwatch.providers.spadl_vocab import SHOT_TYPES, SUCCESS, type_ids
from loanwatch.settings import MIN_MINUTES

CLAIM_TYPES = type_ids("keeper_claim", "keeper_punch", "keeper_pick_up")
SWEEP_TYPES = type_ids("clearance", "interception", "tackle")
PASS_TYPES = type_ids("pass", "cross", "goalkick", "freekick_short", "freekick_crossed", "throw_in")
LONG_PASS_M = 32.0
OWN_BOX_X = 16.5
BOX_HALF_WIDTH = 20.16
CENTRE_Y = PITCH_WIDTH / 2
SHOOTOUT = 5
LEAVING_LINE = "Goalkeeper leaving line"
PENALTY = "Penalty"

COUNT_COLUMNS = GOALKEEPER_MATCH_COUNTS
GK_MATCH_COLUMNS = ["match_id", "player_id", "club_id", "minutes", *COUNT_COLUMNS]
SHOT_COLUMNS = [
    "match_id",
    "player_id",
    "club_id",
    "action_id",
    "x",
    "y",
    "xg",
    "goal",
    "penalty",
]

# The season profile's metrics: key, and which way is better ("higher", "lower"; None: a style).
GK_METRICS: tuple[tuple[str, str | None], ...] = (
    ("save_pct", "higher"),
    ("goals_prevented_p90", "higher"),
    ("goals_conceded_p90", "lower"),
    ("shots_faced_p90", None),
    ("claims_p90", "higher"),
    ("sweeps_p90", "higher"),
    ("passes_p90", None),
    ("pass_accuracy", "higher"),
    ("long_pass_accuracy", "higher"),
    ("launch_share", None),
)
# What the recommendation weighs for a keeper (reports.recommend ROLE_METRICS["goalkeeper"]).
LEVEL_METRICS = ("save_pct", "goals_prevented_p90")
SEASON_KEYS = ["player_id", "competition_id", "competition", "season_id", "season"]
GK_SEASON_TOTALS_COLUMNS = [*SEASON_KEYS, "minutes", "matches", *COUNT_COLUMNS, "club_id"]


def _event_clock(events: pd.DataFrame, period_seconds: pd.Series | None = None) -> pd.Series:
    """Each event's minute on the match's real timeline (periods before it + its own second).
    The periods' lengths are the last event's second of each (``period_seconds``, indexed by
    match_id and period, when ``events`` is not every event of the matches)."""
    if period_seconds is None:
        ev = events.loc[events["period"] < SHOOTOUT]
        period_seconds = ev.groupby(["match_id", "period"])["second"].max()
    periods = period_seconds.index.get_level_values("period")
    length = period_seconds.loc[periods < SHOOTOUT].div(60.0).round(2)
    starts = length.groupby(level="match_id").cumsum() - length
    key = pd.MultiIndex.from_arrays([events["match_id"], events["period"]])
    start = pd.Series(starts.reindex(key).to_numpy(), index=events.index)
    return start + events["second"] / 60.0


def _keeper_at(moments: pd.DataFrame, keepers: pd.DataFrame) -> pd.Series:
    """For rows ``match_id, club_id, at`` (minute), the keeper of that club on the pitch then."""
    m = moments.reset_index().merge(keepers, on=["match_id", "club_id"], how="inner")
    on = (m["at"] >= m["minute_on"] - 1e-6) & (m["at"] <= m["minute_off"] + 1e-6)
    m = m.loc[on].sort_values(["index", "listed_gk", "minutes_played"], ascending=[True, False, False])
    m = m.drop_duplicates("index")
    return pd.Series(m["player_id"].to_numpy(), index=m["index"].to_numpy(), dtype="float")


def _keeper_appearances(appearances: pd.DataFrame, keepers: pd.DataFrame) -> pd.DataFrame:
    apps = appearances.loc[appearances["minutes_played"] > 0]
    apps = apps.merge(keepers[["match_id", "player_id"]].drop_duplicates(), on=["match_id", "player_id"])
    apps = apps.assign(listed_gk=apps["position"] == "GK")
    cols = ["match_id", "player_id", "club_id", "minute_on", "minute_off", "minutes_played", "listed_gk"]
    apps = apps[cols].astype({"minute_on": float, "minute_off": float}).reset_index(drop=True)
    # An outfield player with a keeper action is in goal only while no listed keeper was on.
    others = apps.loc[~apps["listed_gk"]]
    if others.empty:
        return apps
    listed = apps.loc[apps["listed_gk"], ["match_id", "club_id", "minute_on", "minute_off"]]
    pair = others.reset_index().merge(listed, on=["match_id", "club_id"], suffixes=("", "_gk"))
    overlap = (
        np.minimum(pair["minute_off"], pair["minute_off_gk"])
        - np.maximum(pair["minute_on"], pair["minute_on_gk"])
    ).clip(lower=0)
    covered = overlap.groupby(pair["index"]).sum()
    covered = covered.reindex(others.index).fillna(0.0)
    stand_in = covered < others["minutes_played"] - 1.0
    # his minutes in goal: the time no listed keeper was on
    apps.loc[others.index, "minutes_played"] = (others["minutes_played"] - covered).round(2)
    return apps.drop(others.index[~stand_in.to_numpy()]).reset_index(drop=True)


def keepers_of(roles: pd.DataFrame) -> pd.DataFrame:
    """``match_id, player_id`` of the players whose role in a match was goalkeeper."""
    return roles.loc[roles["role"] == GOALKEEPER, ["match_id", "player_id"]].reset_index(drop=True)


def shots_faced(
    events: pd.DataFrame,
    actions: pd.DataFrame,
    xg_values: pd.DataFrame | None,
    appearances: pd.DataFrame,
    keepers: pd.DataFrame,
    matches: pd.DataFrame,
    period_seconds: pd.Series | None = None,
) -> pd.DataFrame:
    """Every shot on target a keeper faced (``SHOT_COLUMNS``): the keeper (``player_id``) and his
    club, the shot's SPADL action, its location seen from the shooter (attacking left to right,
    metres), its xG (NaN without the model), goal or not, penalty or not.

    ``events`` may be only the shots and goals of the matches (``Store.shot_events_frame``) when
    ``period_seconds`` gives the periods' lengths, and ``actions`` only the shots."""
    if events.empty:
        return pd.DataFrame(columns=SHOT_COLUMNS)
    ev = events.loc[events["period"] < SHOOTOUT]
    goal = ev["is_goal"].astype(bool)
    ev = ev.loc[((ev["kind"] == "shot") & ev["on_target"].astype(bool)) | goal]
    if ev.empty:
        return pd.DataFrame(columns=SHOT_COLUMNS)
    clock = _event_clock(events, period_seconds).loc[ev.index]
    sides = matches.set_index("match_id")[["home_club_id", "away_club_id"]]
    home = sides["home_club_id"].reindex(ev["match_id"]).to_numpy()
    away = sides["away_club_id"].reindex(ev["match_id"]).to_numpy()
    defending = np.where(ev["club_id"].to_numpy() == home, away, home)
    moments = pd.DataFrame(
        {"match_id": ev["match_id"].to_numpy(), "club_id": defending, "at": clock.to_numpy()}
    )
    moments.index = ev.index
    keeper = _keeper_at(moments, _keeper_appearances(appearances, keepers))
    out = pd.DataFrame(
        {
            "match_id": ev["match_id"].astype(int),
            "seq": ev["seq"].astype(int),
            "player_id": keeper.reindex(ev.index),
            "club_id": defending,
            "goal": ev["is_goal"].astype(bool),
            "penalty": ev["subtype"] == PENALTY,
        }
    ).dropna(subset=["player_id"])
    out["player_id"] = out["player_id"].astype(int)
    # the shot's SPADL action: location attacking left to right, and its xG
    acts = actions.loc[actions["type_id"].isin(list(SHOT_TYPES)) & actions["original_event_seq"].notna()]
    if not acts.empty:
        acts = left_to_right(acts, matches)
    shot_acts = pd.DataFrame(
        {
            "match_id": acts["match_id"].astype(int).to_numpy() if not acts.empty else [],
            "seq": acts["original_event_seq"].astype(int).to_numpy() if not acts.empty else [],
            "action_id": acts["action_id"].astype(int).to_numpy() if not acts.empty else [],
            "x": acts["start_x"].to_numpy(dtype=float) if not acts.empty else [],
            "y": acts["start_y"].to_numpy(dtype=float) if not acts.empty else [],
        }
    )
    out = out.merge(shot_acts, on=["match_id", "seq"], how="left")
    if xg_values is not None and not xg_values.empty:
        xg = xg_values[["match_id", "action_id", "value"]].rename(columns={"value": "xg"})
        out = out.merge(xg, on=["match_id", "action_id"], how="left")
    else:
        out["xg"] = np.nan
    return out[SHOT_COLUMNS].sort_values(["match_id", "action_id"]).reset_index(drop=True)


def goalkeeper_match_stats(
    events: pd.DataFrame,
    actions: pd.DataFrame,
    xg_values: pd.DataFrame | None,
    appearances: pd.DataFrame,
    roles: pd.DataFrame,
    *,
    matches: pd.DataFrame,
) -> pd.DataFrame:
    """One row per keeper and match he played in goal (``GK_MATCH_COLUMNS``, module docstring).

    ``events``, ``actions`` (SPADL, socceraction's direction of play), ``appearances``:
    the store's frames; ``xg_values``: the latest xG model's ``action_values`` (None untrained:
    ``xg_faced`` NaN); ``roles``: ``metrics.roles.infer_roles`` output; ``matches``:
    ``match_id, home_club_id, away_club_id``."""
    keepers = keepers_of(roles)
    apps = _keeper_appearances(appearances, keepers)
    base = apps[["match_id", "player_id", "club_id", "minutes_played"]].rename(
        columns={"minutes_played": "minutes"}
    )
    if base.empty:
        return pd.DataFrame(columns=GK_MATCH_COLUMNS)
    keys = ["match_id", "player_id"]
    df = base.set_index(keys)
    shots = shots_faced(events, actions, xg_values, appearances, keepers, matches)
    g = shots.groupby(keys)
    df["shots_faced"] = g.size()
    df["goals_from_shots"] = g["goal"].sum()
    df["penalties_faced"] = g["penalty"].sum()
    df["penalty_goals"] = (
        (shots["goal"] & shots["penalty"]).groupby([shots["match_id"], shots["player_id"]]).sum()
    )
    df["xg_faced"] = g["xg"].sum(min_count=1)

    ev = events.loc[events["period"] < SHOOTOUT] if not events.empty else events
    own = ev.loc[ev["is_own_goal"].astype(bool)] if not ev.empty else ev
    if not own.empty:
        clock = _event_clock(events).loc[own.index]
        moments = pd.DataFrame(
            {
                "match_id": own["match_id"].to_numpy(),
                "club_id": own["club_id"].to_numpy(),
                "at": clock.to_numpy(),
            }
        )
        moments.index = own.index
        who = _keeper_at(moments, apps)
        og = pd.DataFrame({"match_id": own["match_id"], "player_id": who.reindex(own.index)}).dropna()
        df["own_goals_conceded"] = og.groupby(["match_id", "player_id"]).size().rename_axis(keys)
    else:
        df["own_goals_conceded"] = 0
    claims = pd.Series(dtype=float)
    if not ev.empty and "player_id" in ev:
        line = ev.loc[(ev["type"] == LEAVING_LINE) & ev["player_id"].notna()]
        claims = line.groupby([line["match_id"], line["player_id"].astype(int)]).size()

    a = (
        actions.loc[actions["player_id"].notna() & (actions["period_id"] < SHOOTOUT)]
        if not actions.empty
        else actions
    )
    if not a.empty:
        a = left_to_right(a, matches)
        a = a.assign(player_id=a["player_id"].astype(int))
        mine = a.merge(
            base[["match_id", "player_id"]],
            on=["match_id", "player_id"],
        )
        t = mine["type_id"]
        ok = mine["result_id"] == SUCCESS
        outside = (mine["start_x"] > OWN_BOX_X) | ((mine["start_y"] - CENTRE_Y).abs() > BOX_HALF_WIDTH)
        length = np.hypot(mine["end_x"] - mine["start_x"], mine["end_y"] - mine["start_y"])
        passes = t.isin(list(PASS_TYPES))
        long = passes & (length >= LONG_PASS_M)
        flags = {
            "claims_spadl": t.isin(list(CLAIM_TYPES)),
            "sweeps": t.isin(list(SWEEP_TYPES)) & outside,
            "passes": passes,
            "passes_accurate": passes & ok,
            "long_passes": long,
            "long_passes_accurate": long & ok,
        }
        by = [mine["match_id"], mine["player_id"]]
        for name, flag in flags.items():
            df[name] = flag.astype(int).groupby(by).sum()
    for name in (
        "claims_spadl",
        "sweeps",
        "passes",
        "passes_accurate",
        "long_passes",
        "long_passes_accurate",
    ):
        if name not in df:
            df[name] = 0
    df["claims"] = claims.reindex(df.index).fillna(0).to_numpy() + df["claims_spadl"].fillna(0).to_numpy()
    for name in (*COUNT_COLUMNS, "goals_from_shots"):
        if name != "xg_faced" and name in df:
            df[name] = df[name].fillna(0)
    df["goals_conceded"] = df["goals_from_shots"] + df["own_goals_conceded"]
    df["saves"] = df["shots_faced"] - df["goals_from_shots"]
    if xg_values is None or xg_values.empty:
        df["xg_faced"] = np.nan
    else:
        df["xg_faced"] = df["xg_faced"].fillna(0.0)
    df = df.reset_index()
    return df[GK_MATCH_COLUMNS].sort_values(keys).reset_index(drop=True)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return num / den.where(den > 0)


def _derive(prof: pd.DataFrame) -> pd.DataFrame:
    per90 = 90.0 / prof["minutes"].where(prof["minutes"] > 0)
    prof["goals_from_shots"] = prof["goals_conceded"] - prof["own_goals_conceded"]
    prof["goals_prevented"] = prof["xg_faced"] - prof["goals_from_shots"]
    prof["save_pct"] = _ratio(prof["saves"], prof["shots_faced"])
    prof["pass_accuracy"] = _ratio(prof["passes_accurate"], prof["passes"])
    prof["long_pass_accuracy"] = _ratio(prof["long_passes_accurate"], prof["long_passes"])
    prof["launch_share"] = _ratio(prof["long_passes"], prof["passes"])
    for name in ("goals_conceded", "shots_faced", "claims", "sweeps", "passes", "saves"):
        prof[f"{name}_p90"] = prof[name] * per90
    return prof


def _aggregate(stats: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    return _derive(goalkeeper_season_totals(stats, matches))


def goalkeeper_season_totals(stats: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Per keeper, competition and season: ``GK_SEASON_TOTALS_COLUMNS``, his totals in goal and
    the club of most of his minutes (what the store keeps per competition-season:
    season_goalkeeper_totals)."""
    ctx = matches[["match_id", "competition_id", "competition", "season_id", "season"]]
    s = stats.merge(ctx, on="match_id", how="inner")
    g = s.groupby(SEASON_KEYS)
    out = pd.concat(
        [
            g["minutes"].sum(),
            g["match_id"].nunique().rename("matches"),
            g[[c for c in COUNT_COLUMNS if c != "xg_faced"]].sum(),
            g["xg_faced"].sum(min_count=1),
        ],
        axis=1,
    ).reset_index()
    per_club = s.groupby([*SEASON_KEYS, "club_id"])["minutes"].sum().reset_index()
    per_club = per_club.sort_values("minutes", ascending=False).drop_duplicates(SEASON_KEYS)
    out = out.merge(per_club[[*SEASON_KEYS, "club_id"]], on=SEASON_KEYS, how="left")
    return out[GK_SEASON_TOTALS_COLUMNS]


def _rank(prof: pd.DataFrame, reference: pd.DataFrame, min_minutes: float) -> pd.DataFrame:
    """Percentiles of ``prof`` rows against the qualified keepers of ``reference``."""
    prof = prof.copy()
    group = ["competition_id", "season_id"]
    peers = reference.loc[(reference["minutes"] >= min_minutes) & (reference["role"] == GOALKEEPER)]
    sizes = peers.groupby(group).size().rename("peer_group_size").reset_index()
    prof = prof.drop(columns=["peer_group_size"], errors="ignore").merge(sizes, on=group, how="left")
    prof["peer_group_size"] = prof["peer_group_size"].fillna(0).astype(int)
    # goals per xG faced of the peer group: what an average keeper concedes on the same chances
    sums = peers.groupby(group)[["goals_from_shots", "xg_faced"]].sum()
    rate = _ratio(sums["goals_from_shots"], sums["xg_faced"]).rename("peer_goals_per_xg").reset_index()

    def against_peers(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.drop(columns=["peer_goals_per_xg"], errors="ignore").merge(rate, on=group, how="left")
        frame["goals_prevented_vs_peers"] = (
            frame["xg_faced"] * frame["peer_goals_per_xg"] - frame["goals_from_shots"]
        )
        frame["goals_prevented_p90"] = (
            frame["goals_prevented_vs_peers"] * 90.0 / frame["minutes"].where(frame["minutes"] > 0)
        )
        return frame

    prof, peers = against_peers(prof), against_peers(peers)
    metrics = [(f"{m}_pct", m, -1.0 if better == "lower" else 1.0) for m, better in GK_METRICS]
    return percentiles_in_groups(prof, peers, group, metrics)


def goalkeeper_season_profile(
    gk_stats: pd.DataFrame,
    matches: pd.DataFrame,
    season_profile: pd.DataFrame,
    *,
    min_minutes: float = MIN_MINUTES,
) -> pd.DataFrame:
    """Per keeper, competition and season: totals, rates (``GK_METRICS``) and percentiles
    (``<metric>_pct``) against the keepers of the same competition and season with at least
    ``min_minutes`` in goal; ``peer_group_size``, ``qualified``, ``goals_prevented_vs_peers``, and
    ``role``: his season role over all his minutes (``season_profile``: the
    ``metrics.profile.season_profile`` of the same matches), so a peer is a keeper by season."""
    if gk_stats.empty:
        return pd.DataFrame(columns=[*SEASON_KEYS, "minutes", "role", "qualified", "peer_group_size"])
    return rank_goalkeeper_season(
        goalkeeper_season_totals(gk_stats, matches), season_profile, min_minutes=min_minutes
    )


def rank_goalkeeper_season(
    totals: pd.DataFrame,
    season_profile: pd.DataFrame,
    *,
    min_minutes: float = MIN_MINUTES,
    ranked: bool = True,
) -> pd.DataFrame:
    """:func:`goalkeeper_season_totals` (computed, or read back from the store) with the rates,
    the season role (``season_profile``'s) and the percentiles: the
    :func:`goalkeeper_season_profile`. ``ranked=False``: without the season's own percentiles
    (what a spell's profile ranks against)."""
    if totals.empty:
        return pd.DataFrame(columns=[*SEASON_KEYS, "minutes", "role", "qualified", "peer_group_size"])
    prof = _derive(totals[GK_SEASON_TOTALS_COLUMNS].copy())
    roles = season_profile[[*SEASON_KEYS, "role"]].drop_duplicates(SEASON_KEYS)
    prof = prof.merge(roles, on=SEASON_KEYS, how="left")
    prof["qualified"] = prof["minutes"] >= min_minutes
    return _rank(prof, prof, min_minutes) if ranked else prof


def goalkeeper_spell_profile(
    gk_stats: pd.DataFrame,
    matches: pd.DataFrame,
    season: pd.DataFrame,
    player_id: int,
    start: date,
    end: date,
    *,
    min_minutes: float = MIN_MINUTES,
) -> pd.DataFrame:
    """A loan spell of a keeper: his figures between ``start`` and ``end`` (inclusive), per
    competition and season, ranked against that season's keepers (``season``: a
    :func:`goalkeeper_season_profile`); empty when he kept no goal in the window."""
    mine = spell_rows(gk_stats, matches, player_id, start, end)
    if mine.empty:
        return season.iloc[0:0].copy()
    prof = _aggregate(mine, matches)
    prof["role"] = GOALKEEPER
    prof["qualified"] = prof["minutes"] >= min_minutes
    prof["start"], prof["end"] = start, end
    return _rank(prof, season, min_minutes)
