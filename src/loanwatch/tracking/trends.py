"""Form trends that are larger than the noise of the minutes played. Pure.

The model (normal-normal empirical Bayes, per role, competition and season, on the data known at
the as-of date):

- A player's output in a match with ``m`` minutes (w = m / 90 "nineties") is
  ``x ~ Normal(theta * w, s2 * w)``: ``theta`` his true rate per 90, ``s2`` the match-to-match
  noise of a full match. Over a window of W nineties his observed rate ``r = sum(x) / W`` has
  variance ``s2 / W``: few minutes, much noise.
- Players of a role differ: ``theta ~ Normal(mu, tau2)``, ``mu`` the role's average per 90.
- ``mu``, ``s2`` and ``tau2`` are estimated from every player of that role (method of moments):
  ``s2`` from each player's match-to-match scatter around his own rate, ``tau2`` from the scatter
  of players' rates beyond what ``s2`` explains. The prior weighs ``k = 90 * s2 / tau2`` minutes
  (clipped to 90-3000; or fixed by the ``prior_minutes`` setting).
- His baseline (the spell before the recent window) is shrunk toward the role's average:
  ``b = (k * mu + minutes * r_base) / (k + minutes)``, variance ``vb = 90 * s2 / (k + minutes)``.
- The recent window (the host club's last N matches) is compared with what the baseline predicts
  for the minutes he played in it: ``z = (r_recent - b) / sqrt(vb + s2 / W_recent)``. A breakout
  (z >= +z_threshold) or a slump (z <= -z_threshold) is flagged only then, and only with at least
  ``min_minutes`` in the window and in the baseline. The change reported is the shrunk one: the
  recent rate with the baseline as its prior, minus the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from loanwatch.domain import GOALKEEPER
from loanwatch.tracking.timeline import MatchLine

MIN_PRIOR_MINUTES = 90.0
MAX_PRIOR_MINUTES = 3000.0
POOLED = "all roles"


@dataclass(frozen=True)
class RolePrior:
    role: str
    mu: float  # role average per 90
    s2: float  # variance of one full match's output (per 90)
    tau2: float  # between-player variance of true rates per 90
    prior_minutes: float
    players: int


def _prior_for(frame: pd.DataFrame, metric: str, role: str, fixed_minutes: float) -> RolePrior | None:
    f = frame[(frame["minutes"] > 0) & frame[metric].notna()]
    if f.empty:
        return None
    w = f["minutes"].to_numpy(float) / 90.0
    x = f[metric].to_numpy(float)
    mu = float(x.sum() / w.sum())
    players = f.assign(_w=w, _x=x, _w2=w * w).groupby("player_id")[["_w", "_x", "_w2"]].sum()
    rate = players["_x"] / players["_w"]
    resid = x - rate.reindex(f["player_id"]).to_numpy() * w
    dof = float((players["_w"] - players["_w2"] / players["_w"]).sum())
    s2 = float((resid * resid).sum() / dof) if dof > 0 else 0.0
    if s2 <= 0:
        return None
    stable = players[players["_w"] >= 5]
    if len(stable) >= 3:
        r = stable["_x"] / stable["_w"]
        tau2 = float(((r - mu) ** 2).mean() - (s2 / stable["_w"]).mean())
    else:
        tau2 = 0.0
    if fixed_minutes > 0:
        k = fixed_minutes
    else:
        k = 90.0 * s2 / tau2 if tau2 > 0 else MAX_PRIOR_MINUTES
        k = min(max(k, MIN_PRIOR_MINUTES), MAX_PRIOR_MINUTES)
    return RolePrior(role, mu, s2, 90.0 * s2 / k, k, int(players.shape[0]))


def role_priors(stats: pd.DataFrame, metric: str, prior_minutes: float = 0.0) -> dict[str, RolePrior]:
    """Priors per role (and pooled over roles, key ``POOLED``) from per-match stats rows with
    ``player_id``, ``minutes``, ``role`` and the metric."""
    out: dict[str, RolePrior] = {}
    if stats.empty or metric not in stats:
        return out
    pooled = _prior_for(stats, metric, POOLED, prior_minutes)
    if pooled is not None:
        out[POOLED] = pooled
    for role, frame in stats.groupby("role"):
        if not role:
            continue
        prior = _prior_for(frame, metric, str(role), prior_minutes)
        if prior is not None and prior.players >= 5:
            out[str(role)] = prior
    return out


def main_role(lines: Sequence[MatchLine]) -> str:
    minutes: dict[str, float] = {}
    for line in lines:
        if line.role and line.minutes > 0:
            minutes[line.role] = minutes.get(line.role, 0.0) + line.minutes
    return max(minutes, key=lambda r: minutes[r]) if minutes else ""


@dataclass(frozen=True)
class Trend:
    verdict: str  # breakout, slump, steady, not enough minutes, no data
    metric: str
    role: str
    recent_matches: int
    recent_minutes: float
    recent_p90: float | None
    baseline_minutes: float
    baseline_p90: float | None
    baseline_shrunk_p90: float | None
    recent_shrunk_p90: float | None
    change_p90: float | None
    se: float | None
    z: float | None
    role_mu: float | None
    prior_minutes: float | None
    words: str

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 4)
        return out


def _total(lines: Sequence[MatchLine], metric: str) -> tuple[float, float]:
    used = [ln for ln in lines if getattr(ln, metric) is not None]
    return sum(ln.minutes for ln in used), sum(getattr(ln, metric) or 0.0 for ln in used)


def trend(
    lines: Sequence[MatchLine],
    priors: Mapping[str, RolePrior],
    *,
    metric: str = "vaep",
    matches: int = 5,
    min_minutes: float = 180.0,
    z_threshold: float = 2.0,
) -> Trend:
    """The verdict on the last ``matches`` lines against the ones before them (see module doc)."""
    label = metric.upper() if metric in ("xg", "xa") else metric.replace("_", " ").upper()

    def verdict_only(verdict: str, m_r: float, m_b: float, words: str) -> Trend:
        """The trend without its rates (no data, a goalkeeper, too few minutes); the full verdict
        below adds them to it."""
        return Trend(
            verdict,
            metric,
            role,
            len(recent),
            m_r,
            None,
            m_b,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            words,
        )

    recent, base = list(lines[-matches:]), list(lines[:-matches])
    role = main_role(lines)
    if not any(getattr(ln, metric) is not None for ln in lines):
        return verdict_only("no data", 0.0, 0.0, f"No {label} per match: run `loanwatch models train`.")
    prior = priors.get(role) or priors.get(POOLED)
    m_r, x_r = _total(recent, metric)
    m_b, x_b = _total(base, metric)
    if role == GOALKEEPER:
        # VAEP, xT, xG and xA measure play with the ball, not goalkeeping: a keeper's form is read
        # on his goalkeeping profile (metrics/goalkeeping.py), never as a breakout or a slump here.
        return verdict_only(
            "not for goalkeepers",
            m_r,
            m_b,
            f"No {label} form trend for a goalkeeper: his goalkeeping profile says how he plays.",
        )
    if prior is None or m_r < min_minutes or m_b < min_minutes:
        return verdict_only(
            "not enough minutes",
            m_r,
            m_b,
            f"{m_r:.0f} minutes in the last {len(recent)} matches and {m_b:.0f} before them: "
            f"a trend needs {min_minutes:.0f} in each.",
        )
    k = prior.prior_minutes
    w_r, w_b = m_r / 90.0, m_b / 90.0
    r_recent, r_base = x_r / w_r, x_b / w_b
    b = (k * prior.mu + m_b * r_base) / (k + m_b)
    vb = 90.0 * prior.s2 / (k + m_b)
    se = math.sqrt(vb + prior.s2 / w_r)
    z = (r_recent - b) / se
    # The recent rate shrunk toward his baseline (the baseline's posterior as its prior).
    recent_shrunk = (b / vb + x_r / prior.s2) / (1 / vb + w_r / prior.s2)
    verdict = "breakout" if z >= z_threshold else "slump" if z <= -z_threshold else "steady"
    role_name = role.replace("_", " ") if role else "all roles"
    words = (
        f"{label} per 90: {r_recent:.2f} in the last {len(recent)} matches ({m_r:.0f} min) against "
        f"{r_base:.2f} before ({m_b:.0f} min), {b:.2f} once shrunk toward the {role_name} average "
        f"{prior.mu:.2f} (prior weight {k:.0f} min). The difference is {z:+.1f} standard errors "
        f"(se {se:.2f} for these minutes); shrunk change {recent_shrunk - b:+.2f} per 90. "
        + (
            f"Flagged as a {verdict}: beyond {z_threshold:g} standard errors."
            if verdict != "steady"
            else f"Within the noise ({z_threshold:g} standard errors): no change flagged."
        )
    )
    return replace(
        verdict_only(verdict, m_r, m_b, words),
        recent_p90=r_recent,
        baseline_p90=r_base,
        baseline_shrunk_p90=b,
        recent_shrunk_p90=recent_shrunk,
        change_p90=recent_shrunk - b,
        se=se,
        z=z,
        role_mu=prior.mu,
        prior_minutes=k,
    )
