"""Similar players, two ways: by style (player vectors) and by output (the per-90 profile).

Pure computations on frames and arrays; the store reads and writes are the similar service's
(``services/similar.py``), the per-90 profile and its league adjustment ``metrics/profile.py`` and
``metrics/league.py``'s.

**Style: player vectors** after Decroos & Davis, *Player Vectors: Characterizing Soccer Players'
Playing Style from Match Event Streams* (ECML PKDD 2019). Followed: per SPADL action type, a
heatmap of where the player's actions start (attacking left to right), counted on a grid,
normalised to 90 minutes, smoothed with a Gaussian filter; per action type the heatmaps of all
players are compressed with non-negative matrix factorisation (NMF: the heatmap matrix ~ the
player loadings x the components); a player's vector is his loadings of every type, concatenated;
players are compared by the Manhattan distance of their vectors. The paper's action types (shot,
pass, cross, dribble, SPADL's carry) keep the paper's numbers of components (4, 5, 4, 5: the fewest
that explained 70% of the variance on its data). Deviations, each for a reason said here:

- a coarse grid of ``GRID`` = 12 x 8 cells (8.75 m x 8.5 m) instead of a fine one: a player-season
  has a few hundred actions of a type, and the store keeps the counts per player and
  competition-season (a few kilobytes each) so that a query reads no event;
- a fifth type, defensive actions (SPADL tackle, interception, clearance), 4 components: the paper
  describes players on the ball only, which leaves a defender's style to his passes;
- shots include direct free kicks but not penalties (where a penalty is taken says nothing);
- the NMF is fitted on the player-seasons with at least ``FIT_MINUTES`` in the store (the paper
  fits on every player of its data set), initialised deterministically (NNDSVD), so the same store
  gives the same vectors.

**Output**: the per-90 percentile profile within his role (``metrics.profile.season_profile``),
its per-90 rates adjusted to one league (``metrics.league.adjust``) and ranked within the role
across every competition of the season (``metrics.profile.percentiles_in_groups``): a vector of
percentiles (0-100), compared by the mean absolute difference of the metrics both players have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loanwatch.domain import PITCH_LENGTH, PITCH_WIDTH
from loanwatch.providers.spadl_vocab import ACTION_TYPE_IDS

GRID = (12, 8)  # cells along the length (x) and the width (y)
CELLS = GRID[0] * GRID[1]
SIGMA = 1.0  # the Gaussian filter's standard deviation, in cells
FIT_MINUTES = 450.0  # player-seasons the NMF is fitted on
BOX_X = PITCH_LENGTH - 16.5
BOX_HALF_WIDTH = 20.16

# Action groups: the SPADL types each counts, and the NMF components it is compressed to.
ACTION_GROUPS: dict[str, tuple[str, ...]] = {
    "shot": ("shot", "shot_freekick"),
    "pass": ("pass",),
    "cross": ("cross",),
    "dribble": ("dribble",),  # SPADL's carry: the paper's dribble
    "defence": ("tackle", "interception", "clearance"),
}
COMPONENTS: dict[str, int] = {"shot": 4, "pass": 5, "cross": 4, "dribble": 5, "defence": 4}
TYPE_GROUP: dict[int, str] = {ACTION_TYPE_IDS[t]: g for g, types in ACTION_GROUPS.items() for t in types}

COUNT_COLUMNS = ["player_id", "group", "cell", "count"]


def cell_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The grid cell of each location (metres, attacking left to right): ``ix * GRID[1] + iy``."""
    ix = np.clip((np.asarray(x, dtype=float) / PITCH_LENGTH * GRID[0]).astype(int), 0, GRID[0] - 1)
    iy = np.clip((np.asarray(y, dtype=float) / PITCH_WIDTH * GRID[1]).astype(int), 0, GRID[1] - 1)
    return np.asarray(ix * GRID[1] + iy, dtype=np.int64)


def action_counts(actions: pd.DataFrame, by: Sequence[str] = ("player_id",)) -> pd.DataFrame:
    """Where each player's actions of each group start: one row per ``by`` keys, group and cell
    with a count (``COUNT_COLUMNS``, plus the other ``by`` keys). ``actions``: SPADL attacking left
    to right (``metrics.roles.left_to_right``), with ``player_id``, ``type_id``, ``start_x``,
    ``start_y`` and ``period_id`` (shoot-outs, period 5, are left out)."""
    keys = list(by)
    if actions.empty:
        return pd.DataFrame(columns=[*keys, "group", "cell", "count"])
    a = actions.loc[actions["player_id"].notna() & (actions["period_id"] != 5)]
    group = a["type_id"].map(TYPE_GROUP)
    a = a.loc[group.notna()]
    frame = a[keys].copy()
    frame["player_id"] = frame["player_id"].astype(int)
    frame["group"] = group.loc[a.index]
    frame["cell"] = cell_of(a["start_x"].to_numpy(), a["start_y"].to_numpy())
    out = frame.groupby([*keys, "group", "cell"]).size().rename("count").reset_index()
    out["count"] = out["count"].astype(int)
    return out


def heatmap_matrix(
    counts: pd.DataFrame, minutes: pd.Series, group: str, *, smooth: bool = True
) -> np.ndarray:
    """One row per entry of ``minutes`` (its index: the entry's key, e.g. a player-season id): the
    group's heatmap, per 90 minutes, smoothed (``SIGMA``), flattened to ``CELLS`` values.
    ``counts``: ``key, group, cell, count``."""
    from scipy.ndimage import gaussian_filter

    keys = list(minutes.index)
    pos = {k: i for i, k in enumerate(keys)}
    m = np.zeros((len(keys), CELLS))
    mine = counts.loc[(counts["group"] == group) & counts["key"].isin(pos)]
    if len(mine):
        rows = mine["key"].map(pos).to_numpy(dtype=int)
        np.add.at(m, (rows, mine["cell"].to_numpy(dtype=int)), mine["count"].to_numpy(dtype=float))
    per90 = 90.0 / np.maximum(minutes.to_numpy(dtype=float), 1.0)
    m *= per90[:, None]
    if smooth and len(keys):
        grids = m.reshape(len(keys), *GRID)
        grids = gaussian_filter(grids, sigma=(0, SIGMA, SIGMA), mode="constant")
        m = grids.reshape(len(keys), CELLS)
    return m


@dataclass(frozen=True)
class StyleModel:
    """The fitted NMF components of each action group (``components[g]``: k x CELLS)."""

    components: Mapping[str, np.ndarray]

    @property
    def features(self) -> list[tuple[str, int]]:
        """(group, component index) of each position of a player vector."""
        return [(g, i) for g in ACTION_GROUPS for i in range(len(self.components[g]))]


def fit_style(heatmaps: Mapping[str, np.ndarray]) -> StyleModel:
    """NMF per action group on the heatmaps (rows: the player-seasons to fit on)."""
    from sklearn.decomposition import NMF

    components = {}
    for g, k in COMPONENTS.items():
        m = heatmaps[g]
        k = max(1, min(k, m.shape[0], CELLS))
        nmf = NMF(n_components=k, init="nndsvd", max_iter=1000, tol=1e-4)
        nmf.fit(m)
        components[g] = nmf.components_
    return StyleModel(components)


def style_vectors(model: StyleModel, heatmaps: Mapping[str, np.ndarray]) -> np.ndarray:
    """Each row's player vector: its NMF loadings per group (non-negative least squares on the
    fitted components), concatenated in ``model.features`` order."""
    from scipy.optimize import nnls

    parts = []
    for g in ACTION_GROUPS:
        comp = model.components[g]  # k x CELLS
        m = heatmaps[g]
        out = np.zeros((m.shape[0], comp.shape[0]))
        for i, row in enumerate(m):
            if row.any():
                out[i] = nnls(comp.T, row)[0]
        parts.append(out)
    return np.hstack(parts)


def manhattan(target: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The Manhattan (L1) distance of each row of ``others`` to ``target`` (the paper's)."""
    return np.abs(others - target[None, :]).sum(axis=1)


def output_distance(target: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The mean absolute difference of percentiles (0-100) over the metrics both have."""
    diff = np.abs(others - target[None, :])
    valid = ~np.isnan(diff)
    n = valid.sum(axis=1)
    total = np.where(valid, diff, 0.0).sum(axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.inf)


def euclidean_standardised(target: np.ndarray, others: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Euclidean distance after dividing each column by ``scale`` (its standard deviation)."""
    s = np.where(scale > 0, scale, 1.0)
    d = (others - target[None, :]) / s
    return np.sqrt(np.nansum(d * d, axis=1))


# -- naming a style feature in a scout's words --------------------------------------------------

DEPTHS = ("own_third", "middle_third", "final_third", "box")
WIDTHS = ("right_wing", "right_half_space", "centre", "left_half_space", "left_wing")


def zone(x: float, y: float) -> tuple[str, str]:
    """The depth and the channel of a location, attacking left to right (socceraction's
    convention: y grows towards the attacking team's left touchline)."""
    if x >= BOX_X and abs(y - PITCH_WIDTH / 2) <= BOX_HALF_WIDTH:
        depth = "box"
    else:
        depth = DEPTHS[min(int(x / (PITCH_LENGTH / 3)), 2)]
    width = WIDTHS[min(max(int(y / (PITCH_WIDTH / 5)), 0), 4)]
    return depth, width


def component_zone(component: np.ndarray) -> tuple[str, str]:
    """Where a component's weight is centred."""
    grid = np.asarray(component, dtype=float).reshape(GRID)
    total = grid.sum()
    if total <= 0:
        return "middle_third", "centre"
    cx = (np.arange(GRID[0]) + 0.5) * PITCH_LENGTH / GRID[0]
    cy = (np.arange(GRID[1]) + 0.5) * PITCH_WIDTH / GRID[1]
    x = float((grid.sum(axis=1) * cx).sum() / total)
    y = float((grid.sum(axis=0) * cy).sum() / total)
    return zone(x, y)


@dataclass(frozen=True)
class Feature:
    """A feature of a comparison: its key (a style component ``pass:2`` or a metric), the two
    players' values and how far apart they are in units of the feature's spread among everyone."""

    key: str
    group: str  # the action group of a style feature, the metric of an output one
    depth: str = ""  # where a style feature sits (DEPTHS, WIDTHS); empty for an output one
    width: str = ""
    target: float = 0.0
    other: float = 0.0
    gap: float = 0.0


def explain(
    keys: Sequence[str],
    target: np.ndarray,
    other: np.ndarray,
    spread: np.ndarray,
    *,
    zones: Mapping[str, tuple[str, str]] | None = None,
    groups: Mapping[str, str] | None = None,
    n: int = 3,
    floor: float = 0.0,
) -> tuple[list[Feature], list[Feature]]:
    """The ``n`` features that make two players close (the smallest gaps among features where
    either has more than ``floor``) and the ``n`` that differ most (the largest gaps), gaps in
    units of ``spread`` (each feature's standard deviation among the candidates)."""
    zones = zones or {}
    groups = groups or {}
    s = np.where(spread > 0, spread, 1.0)
    gaps = np.abs(target - other) / s
    feats = []
    for i, key in enumerate(keys):
        if np.isnan(gaps[i]):
            continue
        depth, width = zones.get(key, ("", ""))
        feats.append(
            Feature(
                key=key,
                group=groups.get(key, key.split(":")[0]),
                depth=depth,
                width=width,
                target=float(target[i]),
                other=float(other[i]),
                gap=round(float(gaps[i]), 2),
            )
        )
    active = [f for f in feats if max(f.target, f.other) > floor]
    close = sorted(active, key=lambda f: (f.gap, -max(f.target, f.other)))[:n]
    apart = sorted(feats, key=lambda f: -f.gap)[:n]
    return close, apart


# -- the benchmark's measure ---------------------------------------------------------------------


def retrieval_ranks(
    queries: np.ndarray, pool: np.ndarray, distance: str, scale: np.ndarray | None = None
) -> np.ndarray:
    """For each query row i, the rank (1 = nearest) of pool row i among all pool rows: how well
    one half of a player's season finds his other half. ``distance``: ``manhattan``, ``output``
    or ``euclidean`` (standardised by ``scale``)."""
    ranks = np.empty(len(queries), dtype=int)
    for i, q in enumerate(queries):
        if distance == "manhattan":
            d = manhattan(q, pool)
        elif distance == "output":
            d = output_distance(q, pool)
        else:
            d = euclidean_standardised(q, pool, scale if scale is not None else np.ones(pool.shape[1]))
        ranks[i] = int((d < d[i]).sum()) + 1
    return ranks


def accuracy(ranks: np.ndarray) -> dict[str, float]:
    """Top-1, top-10 accuracy and mean rank of retrieval ranks."""
    if len(ranks) == 0:
        return {"top1": float("nan"), "top10": float("nan"), "mean_rank": float("nan")}
    return {
        "top1": float((ranks <= 1).mean()),
        "top10": float((ranks <= 10).mean()),
        "mean_rank": float(ranks.mean()),
    }


def season_halves(played: pd.DataFrame) -> pd.Series:
    """Which half of his season each of a player's matches falls in (0: the first half of his
    matches in date order, 1: the rest), for ``played``: ``player_id, match_id, kickoff``; the
    result is aligned with ``played``'s index."""
    order = played.sort_values(["player_id", "kickoff", "match_id"])
    n = order.groupby("player_id")["match_id"].transform("size")
    position = order.groupby("player_id").cumcount()
    half = (position >= (n + 1) // 2).astype(int)
    return half.reindex(played.index)
