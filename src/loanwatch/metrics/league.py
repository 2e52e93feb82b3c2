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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loanwatch.metrics.profile import METRICS
from loanwatch.settings import ENVIRONMENT, Settings

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "league_strength.csv"
ENV_VAR = ENVIRONMENT["league_strength"]
DEFAULT_REFERENCE = "Serie A"
# Output rates that scale with the league: every per-90 metric of the profile
ADJUSTED_METRICS: tuple[str, ...] = tuple(f"{m}_p90" for m in METRICS)


def load_strengths(path: str | Path | None = None, *, settings: Settings | None = None) -> dict[str, float]:
    """Competition name -> strength, from ``path``, else the setting ``league_strength``
    (``$LOANWATCH_LEAGUE_STRENGTH``, loanwatch.toml), else the default."""
    setting = (settings or Settings.load()).league_strength if path is None else None
    chosen = Path(path) if path is not None else setting or DEFAULT_TABLE
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


# -- the reference league: the owner club's ------------------------------------------------------
# A director reads his loanee against his own club's league (Chelsea: the Premier League). Unless a
# league is chosen (``--reference-league``, or the setting ``$LOANWATCH_REFERENCE_LEAGUE`` for every
# report), the owner's league comes, in this order, from: the competition the owner club plays in
# the data; the loan list's column for it when the list has one; the editable table
# ``metrics/data/owner_leagues.csv`` (or ``$LOANWATCH_OWNER_LEAGUES``) for clubs outside the data.
# An owner league without a strength (or none known) falls back to Serie A, and the reference says so.

OWNER_TABLE = Path(__file__).resolve().parent / "data" / "owner_leagues.csv"
OWNER_ENV_VAR = ENVIRONMENT["owner_leagues"]
REFERENCE_ENV_VAR = ENVIRONMENT["reference_league"]
# Where a reference came from (the reports word each one).
REFERENCE_SOURCES: tuple[str, ...] = (
    "chosen",
    "setting",
    "owner_data",
    "owner_list",
    "owner_table",
    "default",
)


@dataclass(frozen=True)
class Reference:
    """The league figures are adjusted to, and why: ``source`` is one of :data:`REFERENCE_SOURCES`;
    ``owner_league`` is the owner's league when known but without a strength (then ``default``)."""

    league: str
    source: str
    owner_club: str = ""
    owner_league: str = ""


def load_owner_leagues(path: str | Path | None = None, *, settings: Settings | None = None) -> dict[str, str]:
    """Normalised club name -> league, from ``path``, else the setting ``owner_leagues``
    (``$LOANWATCH_OWNER_LEAGUES``, loanwatch.toml), else the default."""
    from loanwatch.portfolio.names import normalize_name

    chosen = Path(path) if path else (settings or Settings.load()).owner_leagues or OWNER_TABLE
    with chosen.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if line.strip() and not line.lstrip().startswith("#"))
        return {
            normalize_name(r.get("club") or ""): (r.get("competition") or "").strip()
            for r in rows
            if (r.get("club") or "").strip() and (r.get("competition") or "").strip()
        }


def resolve_reference(
    owner_club: str,
    *,
    chosen: str | None = None,
    league_in_data: str | None = None,
    league_in_list: str | None = None,
    strengths: dict[str, float] | None = None,
    owner_table: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> Reference:
    """The reference league for a loan owned by ``owner_club`` (see the order above). A chosen
    league (argument or setting) missing from the strength table is an error naming the leagues it knows."""
    from loanwatch.portfolio.names import normalize_name

    settings = settings or Settings.load()
    table = strengths if strengths is not None else load_strengths(settings=settings)
    setting = (settings.reference_league or "").strip()
    for league, source, where in (
        (chosen, "chosen", "reference league"),
        (setting, "setting", settings.source("reference_league")),
    ):
        if league:
            if league not in table:
                raise ValueError(
                    f"{where} {league!r} is not in the league strength table: one of {', '.join(table)}"
                )
            return Reference(league, source, owner_club)
    owners = owner_table if owner_table is not None else load_owner_leagues(settings=settings)
    for league, source in (
        (league_in_data, "owner_data"),
        ((league_in_list or "").strip(), "owner_list"),
        (owners.get(normalize_name(owner_club)) if owner_club else None, "owner_table"),
    ):
        if league:
            if league in table:
                return Reference(league, source, owner_club, league)
            return Reference(DEFAULT_REFERENCE, "default", owner_club, league)
    return Reference(DEFAULT_REFERENCE, "default", owner_club)
