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
the data and the lists have them) beside the one after them. Pure: no store.
"""

from __future__ import annotations

from dataclasses import dataclass

DECISIONS: tuple[str, ...] = ("recall", "extend", "sell", "loan-out", "sign", "integrate", "develop")
IN_SQUAD = frozenset({"recall", "integrate", "sign"})
ON_LOAN_OUT = frozenset({"extend", "loan-out", "develop"})
LEAVES = frozenset({"sell"})
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
    return Placement(in_squad=d in IN_SQUAD, on_loan_out=d in ON_LOAN_OUT, owned=d not in LEAVES)


def follows(decision: str | None, call: str | None) -> bool | None:
    """Whether the decision follows the recommendation's call (None: no decision or no call)."""
    if decision is None or call is None:
        return None
    return check_decision(decision) in FOLLOWS.get(call, frozenset())
