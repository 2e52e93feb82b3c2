"""League context: a strength coefficient per competition, so that a loanee's per-90 output in
Ligue 1 can be read against one in Serie A.

The default table is ``metrics/data/league_strength.csv`` (UEFA country coefficients, damped; the
file says where the numbers come from and how). A user's own table, same columns
(``competition,strength``), replaces it: a path given to ``load_strengths``, else the file named
by ``LOANWATCH_LEAGUE_STRENGTH``. Lines starting with ``#`` are comments.

``adjust`` multiplies output rates (per-90 of goals, xG, xA, VAEP, ...) by
``strength(competition) / strength(reference)``: output in a weaker league counts for less. Minutes,
counts of matches, percentiles (already relative to the player's own league) and totals are left
as they are; ``adjustment_note`` names the figures adjusted and the factor used.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from loanwatch.metrics.profile import METRICS

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "league_strength.csv"
ENV_VAR = "LOANWATCH_LEAGUE_STRENGTH"
DEFAULT_REFERENCE = "Serie A"
# Output rates that scale with the league: every per-90 metric of the profile
ADJUSTED_METRICS: tuple[str, ...] = tuple(f"{m}_p90" for m in METRICS)


def load_strengths(path: str | Path | None = None) -> dict[str, float]:
    """Competition name -> strength, from ``path``, else ``$LOANWATCH_LEAGUE_STRENGTH``, else the default."""
    chosen = (
        Path(path)
        if path is not None
        else Path(os.environ[ENV_VAR])
        if os.environ.get(ENV_VAR)
        else DEFAULT_TABLE
    )
    with chosen.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if line.strip() and not line.lstrip().startswith("#"))
        strengths: dict[str, float] = {}
        for row in rows:
            name = (row.get("competition") or "").strip()
            value = (row.get("strength") or "").strip()
            if not name or not value:
                continue
            strength = float(value)
            if strength <= 0:
                raise ValueError(f"{chosen}: strength of {name!r} must be positive, not {strength}")
            strengths[name] = strength
    return strengths


def adjust(
    profile: pd.DataFrame,
    strengths: dict[str, float] | None = None,
    reference: str = DEFAULT_REFERENCE,
    metrics: Sequence[str] = ADJUSTED_METRICS,
) -> pd.DataFrame:
    """``profile`` with ``<metric>_adj`` = ``<metric>`` x strength(competition) / strength(reference)
    for each output rate present, plus ``league_factor`` and a text ``adjustment_note``.

    A competition missing from the table is not adjusted (factor NaN, ``_adj`` NaN) and the note
    says so, rather than silently treated as equal to the reference.
    """
    table = strengths if strengths is not None else load_strengths()
    if reference not in table:
        raise KeyError(f"reference competition {reference!r} is not in the league strength table")
    out = profile.copy()
    present = [m for m in metrics if m in out.columns]
    factor = out["competition"].map(lambda c: table[c] / table[reference] if c in table else float("nan"))
    out["league_factor"] = factor.round(3)
    for m in present:
        out[f"{m}_adj"] = out[m] * factor
    names = ", ".join(present)
    notes = []
    for comp, f in zip(out["competition"], factor, strict=True):
        if pd.isna(f):
            notes.append(f"{comp}: no league strength in the table, figures not adjusted")
        else:
            notes.append(
                f"Adjusted to {reference} level: {names} multiplied by {f:.3f} "
                f"(strength {comp} {table[comp]:.3f} / {reference} {table[reference]:.3f}); "
                "minutes, totals and percentiles not adjusted"
            )
    out["adjustment_note"] = notes
    return out
