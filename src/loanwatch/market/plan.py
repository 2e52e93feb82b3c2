"""The market plan's decisions (issue 11, part 5): what each one does to next season's squad.

A decision is about one player of the owner club (a loanee, a player of the squad) or a candidate
from the store (``sign``). Each says where he is next season, and so how it changes the squad list,
the depth chart and the loan counts the rules check reads:

===========  ===============  =============  ===========================================
decision     in the squad     on loan out    what it means
===========  ===============  =============  ===========================================
recall       yes              no             back from his loan into the owner's squad
integrate    yes              no             into the first team (from loan or the youth side)
sign         yes              no             a candidate (a player in the store) signed
extend       no               yes            his loan extended (same host club)
loan-out     no               yes            loaned out again (another host, or a first loan)
develop      no               yes            kept developing away from the first team, on loan
sell         no               no             sold: he leaves the club
===========  ===============  =============  ===========================================

The plan's pages show the situation before the decisions (the depth chart and the rules check as
the data and the lists have them) beside the one after them: :func:`apply_decisions` moves each
decided player in next season's depth chart (``market.depth``) and builds the chart again by the
same rules. Pure: no store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from loanwatch.market.check import ListFact, LoanFact
from loanwatch.market.depth import (
    CONTRACT_ENDS,
    DECISION,
    IN_SQUAD,
    LEAVES,
    ON_LOAN,
    RETURNS,
    STAYS,
    DepthEntry,
    RoleDepth,
    depth_chart,
)

DECISIONS: tuple[str, ...] = ("recall", "extend", "sell", "loan-out", "sign", "integrate", "develop")
TO_SQUAD = frozenset({"recall", "integrate", "sign"})
ON_LOAN_OUT = frozenset({"extend", "loan-out", "develop"})
LEAVING = frozenset({"sell"})
# The report's recommendation options (reports/recommend.py OPTIONS) and the decisions that follow
# each one: a card says whether the plan follows the data's call.
FOLLOWS: dict[str, frozenset[str]] = {
    "recall": frozenset({"recall"}),
    "keep": frozenset({"develop", "extend"}),
    "extend": frozenset({"extend"}),
    "sell": frozenset({"sell"}),
    "integrate": frozenset({"integrate", "recall"}),
}
DEFAULT_PLAN = "main"

# The market's evidence on a card: whom to sign instead of a loanee. The closest CANDIDATES players
# of his role by output, not the owner's, at most CANDIDATE_AGE_GAP years older than he is, with the
# minutes of a peer group; when there are none, why (the card says it: unknown is not zero).
CANDIDATES = 3
CANDIDATE_AGE_GAP = 2
NO_FIGURES = "no_figures"  # no match of his last season in the data: nothing to compare
NO_ROLE = "no_role"  # his role is not known
NO_OUTPUT = "no_output"  # no per-90 output figures (the models are not trained)
NO_POOL = "no_pool"  # nobody of his role qualifies
MISSING_CANDIDATES = (NO_FIGURES, NO_ROLE, NO_OUTPUT, NO_POOL)


def age_cap(age: int | None, gap: int = CANDIDATE_AGE_GAP) -> int | None:
    """The oldest a candidate to replace a player of ``age`` may be (None: no cap, his age unknown)."""
    return None if age is None else age + gap


def check_decision(decision: str) -> str:
    """The decision as stored (lower case); an unknown one is a ValueError listing them."""
    value = decision.strip().lower().replace("_", "-")
    if value not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}: one of {', '.join(DECISIONS)}")
    return value


@dataclass(frozen=True)
class Placement:
    """Where a player is next season under a decision (or without one)."""

    in_squad: bool
    on_loan_out: bool
    owned: bool


def placement(decision: str) -> Placement:
    d = check_decision(decision)
    return Placement(in_squad=d in TO_SQUAD, on_loan_out=d in ON_LOAN_OUT, owned=d not in LEAVING)


def follows(decision: str | None, call: str | None) -> bool | None:
    """Whether the decision follows the recommendation's call (None: no decision or no call)."""
    if decision is None or call is None:
        return None
    return check_decision(decision) in FOLLOWS.get(call, frozenset())


# -- the squad after the decisions (market/depth.py's chart, re-run) ----------------------------------


def decided_status(decision: str, *, loanee: bool) -> str:
    """A player's status in next season's chart under a decision (market/depth.py STATUSES): in
    the squad (a recalled loanee ``returns``, a squad player ``stays``), on loan, or leaving."""
    where = placement(decision)
    if where.in_squad:
        return RETURNS if loanee else STAYS
    return ON_LOAN if where.on_loan_out else LEAVES


def apply_decisions(
    roles: Sequence[RoleDepth],
    decisions: Mapping[int, str],
    owner: str,
    signings: Sequence[DepthEntry] = (),
    destinations: Mapping[int, str] | None = None,
) -> list[RoleDepth]:
    """Next season's depth chart as the decisions change it: a recalled or integrated loanee joins
    the owner's players of his role (and is ranked among them), a loanee extended, loaned out or
    kept developing stays on loan, a player sold leaves, a candidate signed joins; the chart is
    then built again by the same rules (``depth_chart``: the loanees still out ranked against the
    squad as it now is). ``destinations``: where a decision sends a player ("plan: loan-out to
    Bologna")."""
    squad: list[DepthEntry] = []
    loanees: list[DepthEntry] = []
    where = dict(destinations or {})

    def why(pid: int | None, d: str) -> str:
        to = where.get(pid) if pid is not None else None
        return f"plan: {d}" + ("" if not to else f" (at {to})" if d == "extend" else f" to {to}")

    for role in roles:
        for e in role.squad:
            d = decisions.get(e.player_id) if e.player_id is not None else None
            if d is None:
                squad.append(e)
            else:
                status = decided_status(d, loanee=False)
                squad.append(replace(e, status=status, reason=why(e.player_id, d), term_reason=None))
        for e in role.loanees:
            d = decisions.get(e.player_id) if e.player_id is not None else None
            if d is None:
                loanees.append(e)
                continue
            status = decided_status(d, loanee=True)
            moved = replace(e, status=status, reason=why(e.player_id, d), term_reason=None, rank_vaep=None)
            moved = replace(moved, rank_xgxa=None, of=0, words="")
            (squad if status in IN_SQUAD else loanees).append(moved)
    squad.extend(signings)
    return depth_chart(squad, loanees, owner)


def in_squad(roles: Sequence[RoleDepth]) -> dict[str, list[DepthEntry]]:
    """Per role, next season's squad: the owner's players who stay and the loanees who return."""
    return {r.role: [e for e in (*r.squad, *r.loanees) if e.status in IN_SQUAD] for r in roles}


# The plan's counts of next season, before and after the decisions (reports/vocab.PLAN_COUNTS words).
COUNTS: tuple[str, ...] = ("squad", "returning", "signed", "on_loan", "leaving", "open")


def counts(roles: Sequence[RoleDepth]) -> dict[str, int]:
    """Next season in numbers: the squad (who stays or returns), loanees returning, players signed,
    loans out (on loan next season), players leaving (sold, bought by the host club, contract
    ended), and open questions (an option to buy not known to be exercised)."""
    entries = [e for r in roles for e in (*r.squad, *r.loanees)]
    return {
        "squad": sum(1 for e in entries if e.status in IN_SQUAD),
        "returning": sum(1 for e in entries if e.status == RETURNS),
        "signed": sum(1 for e in entries if e.kind == SIGNING),
        "on_loan": sum(1 for e in entries if e.status == ON_LOAN),
        "leaving": sum(1 for e in entries if e.status in (LEAVES, CONTRACT_ENDS)),
        "open": sum(1 for e in entries if e.status == DECISION),
    }


SIGNING = "signing"  # a DepthEntry's kind for a candidate signed by the plan


# -- the rules after the decisions (market/check.py's facts, changed) --------------------------------

AWAY = frozenset({"sell", "loan-out", "develop", "extend"})  # off the owner's list next season
BACK = frozenset({"sell", "recall", "integrate"})  # their loan out ends


def facts_after(
    loans: Sequence[LoanFact],
    listed: Sequence[ListFact],
    decisions: Mapping[int, str],
    names: Mapping[int, str],
    joining: Sequence[ListFact],
    moves: Mapping[int, LoanFact] | None = None,
) -> tuple[list[LoanFact], list[ListFact]]:
    """The rules check's facts as the decisions change them: a loan out ends for a player sold,
    recalled or integrated; a loan-out to a named club (``moves``: the new loan, by player) takes
    the place of the player's loans out, so it counts as international or domestic by that club's
    country (unknown: "cannot check"); the squad list loses the players sold or sent (back) on loan
    and gains those recalled, integrated or signed (``joining``: their training status unknown
    unless the club's squad file gave it); ``names``: the decided players' names as the list
    writes them."""
    moved = dict(moves or {})
    ended = {pid for pid, d in decisions.items() if d in BACK} | set(moved)
    kept = [f for f in loans if not (f.direction == "out" and f.player_id in ended)]
    kept += list(moved.values())
    away = {names[pid] for pid, d in decisions.items() if d in AWAY and pid in names}
    new_list = [f for f in listed if f.player not in away]
    present = {f.player for f in new_list}
    new_list += [f for f in joining if f.player not in present]
    return kept, new_list
