"""The typed results of the market service (pydantic v2, frozen, like ``models.py``): the squad, the
depth chart of next season, the rules check. The pure modules' own dataclasses
(``market.squad.SquadMember``, ``market.depth.RoleDepth`` / ``DepthEntry``, ``market.check.Finding``)
are returned as they are inside them, typed and dumped by ``model_dump()`` like the rest; they are
built as the acting user may see them (no wage, no term reason for the coach: access.py)."""

from __future__ import annotations

from datetime import date

from loanwatch.market.check import Finding
from loanwatch.market.depth import RoleDepth
from loanwatch.market.squad import SquadMember
from loanwatch.metrics.league import Reference
from loanwatch.services.models import Model


class SquadImport(Model):
    """What ``squad import`` did: rows added and updated, rows refused (``problems``: file, row and
    cell; the import exits 1), what to check (``warnings``)."""

    owner: str
    season: str
    path: str
    added: int
    updated: int
    problems: list[str] = []
    warnings: list[str] = []


class Squad(Model):
    """The owner's squad in a season: from the club's file (``from_file``), the match data (who
    played, by role and minutes) or both; ``notes`` say what is not known."""

    owner: str
    season: str
    from_file: bool
    from_data: bool
    members: list[SquadMember]
    notes: list[str] = []


class DepthChart(Model):
    """Next season (``season``, from ``first_day``) per role: who stays, returns, leaves, whose
    contract ends; the loanees ranked among the owner's players of their role on last season's
    (``last_season``) figures, adjusted to ``reference``'s league; ``min_minutes``: the minutes
    that weigh xG+xA fully."""

    owner: str
    season: str
    last_season: str
    first_day: date
    as_of: date  # the loans' triggers judged as of this day
    reference: Reference
    min_minutes: float
    roles: list[RoleDepth]
    notes: list[str] = []


class RulesCheck(Model):
    """The rule sets in force in ``season`` applied to the owner's loans out and in and squad list of
    ``data_season``: one finding per rule (breach, near breach, ok, cannot check, not applicable)."""

    owner: str
    season: str
    data_season: str
    rulesets: list[str]
    findings: list[Finding]
    notes: list[str] = []
