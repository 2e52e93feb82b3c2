"""The depth chart of next season: per role, who stays, who returns from loan, who leaves, whose
contract ends, and where each loanee would rank among the owner's players of his role.

Pure: the service gives the squad (``market.squad``), the loans with their judged trigger
(``tracking.assessment``: one source of truth), and the last-season figures (``metrics``: per-90
profiles, the loanee's adjusted to the owner's league). The rules, for the season starting on
``first_day`` (1 July):

- an owner's player whose contract ends before ``first_day`` is ``contract_ends``; an unknown
  contract end is not an end (``stays``, and ``contract_end`` None shows "unknown");
- a player the owner has on loan from another club leaves when the loan ends before
  ``first_day``, unless an obligation to buy fired (he ``stays``, bought) or an option to buy
  is open (``decision``);
- a loanee whose spell runs past ``first_day`` is still ``on_loan``; one whose spell ends before
  it ``returns``, unless an obligation to buy fired or will fire (he ``leaves``) or the host club
  holds an option to buy (``decision``: not known to be exercised).

The reason naming a term (obligation, option) is ``term_reason``, set to None by the service for a
role that may not see contract terms (access.py); ``reason`` names none.

Ranks: on VAEP per 90 and on minutes-weighted xG+xA per 90 (``xgxa_p90 x min(1, minutes /
min_minutes)``: a player with half the minutes a peer group needs counts half), among the
owner's players of his role who stay; 1 is the best; ``of`` counts him too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from loanwatch.domain import GOALKEEPER, ROLES, LoanType

STAYS = "stays"
CONTRACT_ENDS = "contract_ends"
RETURNS = "returns"
LEAVES = "leaves"
DECISION = "decision"
ON_LOAN = "on_loan"
STATUSES = (STAYS, CONTRACT_ENDS, RETURNS, LEAVES, DECISION, ON_LOAN)
# In next season's squad (the peers a loanee is ranked against, the plan's depth): these.
IN_SQUAD = frozenset({STAYS, RETURNS})


# Where a player's role comes from: the role of most of his minutes in the match data
# (metrics/roles.py), else the club's squad file, else the provider's player record (its coarse
# role says goalkeeper for sure; defender, midfielder, forward name no role of the chart's).
ROLE_FROM_DATA = "data"
ROLE_FROM_FILE = "squad_file"
ROLE_FROM_PROVIDER = "provider"
ROLE_SOURCES = (ROLE_FROM_DATA, ROLE_FROM_FILE, ROLE_FROM_PROVIDER)


def known_role(
    data_role: str | None, file_role: str | None, provider_role: str | None
) -> tuple[str | None, str | None]:
    """A player's role and where it comes from (ROLE_SOURCES); (None, None): nothing knows it."""
    if data_role:
        return data_role, ROLE_FROM_DATA
    if file_role:
        return file_role, ROLE_FROM_FILE
    if (provider_role or "").upper() == "GK":
        return GOALKEEPER, ROLE_FROM_PROVIDER
    return None, None


@dataclass(frozen=True)
class Outlook:
    """Where a player will be next season and why (``term_reason``: the words naming a term)."""

    status: str
    reason: str
    term_reason: str | None = None


@dataclass(frozen=True)
class Figures:
    """A player's last-season numbers the chart ranks on, and where they come from: the club and
    competition, the season, matches and minutes; per-90 figures adjusted to ``reference``
    (``league_factor``: 1 in the reference league itself; None: not adjusted, no strength known)."""

    club: str
    competition: str
    season: str
    matches: int
    minutes: float
    role: str | None
    reference: str
    league_factor: float | None
    vaep_p90: float | None
    xgxa_p90: float | None
    xgxa_weighted: float | None


def weighted(rate: float | None, minutes: float, min_minutes: float) -> float | None:
    """A per-90 rate weighted by minutes: ``rate x min(1, minutes / min_minutes)``."""
    if rate is None or min_minutes <= 0:
        return rate
    return rate * min(1.0, minutes / min_minutes)


def squad_outlook(
    first_day: date,
    contract_end: date | None,
    *,
    loan_from: str | None = None,
    loan_end: date | None = None,
    loan_type: str = "",
    decides: bool = False,
) -> Outlook:
    """An owner's player next season: his contract, and for one on loan from another club
    (``loan_from``) the end and terms of that loan (``decides``: an obligation fired or will)."""
    if loan_from is not None and loan_end is not None and loan_end < first_day:
        ends = f"his loan from {loan_from} ends {loan_end.isoformat()}"
        if loan_type == LoanType.WITH_OBLIGATION.value and decides:
            return Outlook(STAYS, f"{ends}; he stays", "the obligation to buy him fired")
        if loan_type == LoanType.WITH_OPTION.value:
            return Outlook(DECISION, ends, "the option to buy him is open")
        return Outlook(LEAVES, f"{ends}: he returns to {loan_from}")
    if contract_end is not None and contract_end < first_day:
        return Outlook(CONTRACT_ENDS, f"contract ends {contract_end.isoformat()}")
    if contract_end is None:
        return Outlook(STAYS, "contract end unknown")
    return Outlook(STAYS, f"under contract until {contract_end.isoformat()}")


def loan_outlook(
    first_day: date,
    *,
    host: str,
    end: date,
    loan_type: str,
    decides: bool,
    trigger_state: str = "",
    contract_end: date | None = None,
) -> Outlook:
    """A loanee next season, by his spell's end and terms (``decides``: the obligation to buy
    fired or will fire, as tracking.assessment judged it; ``trigger_state`` its state)."""
    if end >= first_day:
        reason = f"on loan at {host} until {end.isoformat()}"
        if loan_type == LoanType.WITH_OBLIGATION.value and decides:
            return Outlook(ON_LOAN, reason, f"the obligation to buy: {trigger_state}; he leaves at the end")
        return Outlook(ON_LOAN, reason)
    ends = f"loan at {host} ends {end.isoformat()}"
    if loan_type == LoanType.WITH_OBLIGATION.value and decides:
        return Outlook(LEAVES, f"{ends}; he leaves", f"the obligation to buy: {trigger_state}")
    if loan_type == LoanType.WITH_OPTION.value:
        return Outlook(DECISION, ends, "the host club's option to buy is not known to be exercised")
    if contract_end is not None and contract_end < first_day:
        return Outlook(CONTRACT_ENDS, f"{ends}; his contract ends {contract_end.isoformat()}")
    if loan_type == LoanType.WITH_OBLIGATION.value:
        return Outlook(
            RETURNS, f"{ends}: he returns", f"the obligation to buy did not fire ({trigger_state})"
        )
    return Outlook(RETURNS, f"{ends}: he returns")


@dataclass(frozen=True)
class DepthEntry:
    """One player in the depth chart: the owner's (``kind`` "squad") or a loanee ("loanee");
    ``figures`` None: no match data last season. ``rank_vaep`` / ``rank_xgxa``: a loanee's rank
    among the owner's players of his role who stay (``of`` counts him); a squad player's own."""

    kind: str
    player_id: int | None
    name: str
    role: str | None
    status: str
    reason: str
    term_reason: str | None
    age: int | None  # on 1 July of next season
    contract_end: date | None
    figures: Figures | None
    spell_id: int | None = None
    rank_vaep: int | None = None
    rank_xgxa: int | None = None
    of: int = 0
    words: str = ""
    role_source: str | None = None  # where ``role`` comes from (ROLE_SOURCES); None: not known
    provider_role: str = ""  # the provider's coarse role (GK, DF, MD, FW; "": not given)


@dataclass(frozen=True)
class RoleDepth:
    """A role of next season: the owner's players (by minutes) and the loanees who play it."""

    role: str
    squad: tuple[DepthEntry, ...]
    loanees: tuple[DepthEntry, ...]

    @property
    def staying(self) -> int:
        return sum(1 for e in self.squad if e.status in IN_SQUAD)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank(value: float | None, others: Iterable[float | None]) -> int | None:
    if value is None:
        return None
    return 1 + sum(1 for v in others if v is not None and v > value)


def role_label(role: str, count: int = 1) -> str:
    """'winger', 'wingers' (English, for the command line; reports translate ``role``)."""
    word = role.replace("_", " ")
    return word if count == 1 else f"{word}s"


def depth_chart(squad: Sequence[DepthEntry], loanees: Sequence[DepthEntry], owner: str) -> list[RoleDepth]:
    """Per role (domain.ROLES, then players of no known role), the owner's players and the loanees,
    each loanee ranked among the owner's players of his role who stay."""
    out: list[RoleDepth] = []
    roles = [r for r in ROLES if any(e.role == r for e in (*squad, *loanees))]
    if any(e.role is None for e in (*squad, *loanees)):
        roles.append("")
    for role in roles:
        mine = [e for e in squad if (e.role or "") == role]
        peers = [e for e in mine if e.status in IN_SQUAD and e.figures is not None and e.figures.minutes > 0]
        ranked_squad = tuple(
            replace(
                e,
                rank_vaep=_rank(_vaep(e), (_vaep(p) for p in peers if p is not e)),
                rank_xgxa=_rank(_xgxa(e), (_xgxa(p) for p in peers if p is not e)),
                of=len(peers),
            )
            if e in peers
            else e
            for e in mine
        )
        ranked_loanees = []
        for e in (x for x in loanees if (x.role or "") == role):
            if e.figures is None or not role:
                ranked_loanees.append(replace(e, of=len(peers) + 1, words="no match data last season"))
                continue
            rank_vaep = _rank(_vaep(e), (_vaep(p) for p in peers))
            rank_xgxa = _rank(_xgxa(e), (_xgxa(p) for p in peers))
            ranked_loanees.append(
                replace(
                    e,
                    rank_vaep=rank_vaep,
                    rank_xgxa=rank_xgxa,
                    of=len(peers) + 1,
                    words=rank_words(rank_vaep, rank_xgxa, len(peers) + 1, role, owner),
                )
            )
        out.append(RoleDepth(role, ranked_squad, tuple(ranked_loanees)))
    return out


def rank_words(rank_vaep: int | None, rank_xgxa: int | None, of: int, role: str, owner: str) -> str:
    """'he would rank 2nd of 4 wingers at Juventus on VAEP per 90, 3rd on minutes-weighted xG+xA'."""
    if rank_vaep is None and rank_xgxa is None:
        return "no VAEP, xG or xA for him last season: the models are not trained"
    parts = []
    if rank_vaep is not None:
        parts.append(f"{_ordinal(rank_vaep)} of {of} {role_label(role, of)} at {owner} on VAEP per 90")
    if rank_xgxa is not None:
        what = "on minutes-weighted xG+xA"
        parts.append(f"{_ordinal(rank_xgxa)} {what}" if parts else f"{_ordinal(rank_xgxa)} of {of} {what}")
    return "he would rank " + ", ".join(parts)


def _vaep(e: DepthEntry) -> float | None:
    return e.figures.vaep_p90 if e.figures else None


def _xgxa(e: DepthEntry) -> float | None:
    return e.figures.xgxa_weighted if e.figures else None
