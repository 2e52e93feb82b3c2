"""Who may see and change what: the roles of loanwatch and the one rule that hides contract terms.

The vocabulary of roles lives here only. The services (``loanwatch.services``) apply it to
everything they return, so the CLI, the Python API, JSON, the web app and the reports share it:
a coach's answer carries no contract term anywhere, evidence of alerts included.

==========================  =====  ========  =====  =====  =======
may                         admin  director  coach  scout  analyst
==========================  =====  ========  =====  =====  =======
see contract terms (fees,   yes    yes       no     no     no
option, obligation, wage,
clauses, notes on the deal)
import a loan list          yes    yes       no     no     no
import a squad list (wages) yes    yes       no     no     no
ingest data, train models   yes    yes       no     no     yes
dismiss alerts              yes    yes       no     no     no
write scout notes           yes    yes       no     yes    yes
manage watchlists           yes    yes       no     yes    yes
decide the market plan      yes    yes       no     no     no
manage users                yes    no        no     no     no
read the audit log          yes    yes       no     no     no
==========================  =====  ========  =====  =====  =======

Everyone sees the players, their spells (club, dates, competition), timelines, form, profiles,
the alerts that are not about contract terms (their figures, not the fee), digests and notes.

The report editions are roles: the coach's edition is what the coach sees, the sporting
director's edition what the director sees (:func:`edition_role`). A change a role may not make
raises :class:`~loanwatch.errors.Forbidden` (:func:`require`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from loanwatch.errors import Forbidden, InvalidInput


class Role(StrEnum):
    ADMIN = "admin"
    DIRECTOR = "director"
    COACH = "coach"
    SCOUT = "scout"
    ANALYST = "analyst"


class Permission(StrEnum):
    SEE_TERMS = "see contract terms"
    IMPORT_LOANS = "import a loan list"
    IMPORT_SQUAD = "import a squad list"
    INGEST = "ingest data and train models"
    DISMISS_ALERTS = "dismiss alerts"
    WRITE_NOTES = "write scout notes"
    MANAGE_WATCHLISTS = "manage watchlists"
    DECIDE_PLAN = "decide the market plan"
    MANAGE_USERS = "manage users"
    READ_AUDIT = "read the audit log"


# The table of the module docstring, as data: the one source of what each role may do.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DIRECTOR: frozenset(Permission) - {Permission.MANAGE_USERS},  # reads the audit log
    Role.COACH: frozenset(),
    Role.SCOUT: frozenset({Permission.WRITE_NOTES, Permission.MANAGE_WATCHLISTS}),
    Role.ANALYST: frozenset({Permission.INGEST, Permission.WRITE_NOTES, Permission.MANAGE_WATCHLISTS}),
}
# The role the command line acts as when none is chosen: the person at the terminal owns the store.
DEFAULT_ROLE = Role.DIRECTOR
# The report editions (``report --edition``): each is written as its role sees the player.
EDITIONS: dict[str, Role] = {"coach": Role.COACH, "director": Role.DIRECTOR}

# Contract terms: the loan_spells columns (store/schema.py) a role without SEE_TERMS never gets ...
SPELL_TERMS = frozenset(
    {
        "loan_type",
        "option_fee_eur",
        "obligation_fee_eur",
        "obligation_trigger",
        "trigger_appearances",
        "recall_clause",
        "notes",  # the loan list's notes on the deal
        "eligible_vs_owner",
        "wage_eur",  # not in the lists yet: hidden the day one carries it
    }
)
# ... the fields of a market plan's decision that are the director's notes on the deal ...
DECISION_TERMS = frozenset({"note"})
# ... the squad list's columns (store/schema.py squad_players; market/squad.SquadMember) ...
SQUAD_TERMS = frozenset({"wage_eur"})
# ... the evidence keys of alerts (tracking/alerts.py) that carry them ...
EVIDENCE_TERMS = frozenset({"fee_eur", "loan_type", "trigger", "clause", "counts_as", "wage_eur"})
# ... and the alerts about the terms themselves (their kind names the term): left out whole.
TERM_WORDS = ("trigger", "obligation", "option", "fee", "clause", "contract", "buy", "recall", "wage")
# Of the other alerts, these kinds' own (English) titles name no term; the others' title is
# dropped for a role without SEE_TERMS (a loan-ending alert's title names the option fee).
TERM_FREE_TITLES = frozenset(
    {"minutes_collapse", "out_of_squad", "not_starting", "role_change", "breakout", "slump"}
)


def role_of(value: str | Role) -> Role:
    """A role from its name; an unknown name is an InvalidInput listing the roles."""
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}: {', '.join(r.value for r in Role)}") from None


def edition_role(edition: str) -> Role:
    """The role a report edition is written for (coach or director)."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: coach or director")
    return EDITIONS[edition]


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def sees_terms(role: Role) -> bool:
    return may(role, Permission.SEE_TERMS)


def require(role: Role, permission: Permission) -> None:
    """Raise Forbidden unless ``role`` may do it."""
    if not may(role, permission):
        raise Forbidden(f"the {role.value} role may not {permission.value}")


def require_view(role: Role, wanted: Role) -> None:
    """Raise Forbidden when ``role`` asks for what a role seeing more would see (a coach asking
    for the director's edition)."""
    if sees_terms(wanted) and not sees_terms(role):
        raise Forbidden(f"the {role.value} role may not read the {wanted.value}'s edition")


def redact_spell(spell: Mapping[str, Any], role: Role) -> dict[str, Any]:
    """A loan spell (a store row, or a timeline's spell) as ``role`` sees it: without its contract
    terms when the role may not see them."""
    if sees_terms(role):
        return dict(spell)
    return {k: v for k, v in spell.items() if k not in SPELL_TERMS}


def redact_decision(decision: Mapping[str, Any], role: Role) -> dict[str, Any]:
    """A market plan's decision (a store row) as ``role`` sees it: its note on the deal only for a
    role that may see contract terms (the decision itself is everyone's: it shapes the squad)."""
    if sees_terms(role):
        return dict(decision)
    return {k: v for k, v in decision.items() if k not in DECISION_TERMS}


def hidden_terms(role: Role, terms: frozenset[str]) -> dict[str, Any]:
    """The term fields a role may not see, set to None (``dataclasses.replace(x, **hidden)``):
    empty for a role that may see them."""
    return {} if sees_terms(role) else dict.fromkeys(terms)


def is_term_alert(kind: str) -> bool:
    """An alert about a contract term (its kind names the term: obligation_fired, recall_window)."""
    return any(w in kind.lower() for w in TERM_WORDS)


def redact_evidence(evidence: Mapping[str, Any], role: Role) -> dict[str, Any]:
    if sees_terms(role):
        return dict(evidence)
    return {k: v for k, v in evidence.items() if k not in EVIDENCE_TERMS}


def shows_alert(kind: str, role: Role) -> bool:
    """False for an alert about contract terms, to a role that may not see them."""
    return sees_terms(role) or not is_term_alert(kind)


def redacted_title(kind: str, title: str, role: Role) -> str:
    """The alert's own title, or '' where it could name a term the role may not see."""
    return title if sees_terms(role) or kind in TERM_FREE_TITLES else ""


def redact_alert(alert: Mapping[str, Any], role: Role) -> dict[str, Any] | None:
    """An alert (a dict with kind, title, evidence) as ``role`` sees it: None when it is about a
    contract term the role may not see; else without the title that could name one and without
    the terms in its evidence (the alert's words are written from the evidence)."""
    if sees_terms(role):
        return dict(alert)
    kind = str(alert.get("kind") or "")
    if not shows_alert(kind, role):
        return None
    row = dict(alert)
    if "title" in row:
        row["title"] = redacted_title(kind, str(row["title"] or ""), role)
    evidence = row.get("evidence")
    if isinstance(evidence, Mapping):
        row["evidence"] = redact_evidence(evidence, role)
    return row


__all__ = [
    "DEFAULT_ROLE",
    "DECISION_TERMS",
    "EDITIONS",
    "EVIDENCE_TERMS",
    "PERMISSIONS",
    "SPELL_TERMS",
    "SQUAD_TERMS",
    "Permission",
    "Role",
    "edition_role",
    "hidden_terms",
    "is_term_alert",
    "may",
    "redact_alert",
    "redact_decision",
    "redact_evidence",
    "redact_spell",
    "redacted_title",
    "require",
    "require_view",
    "role_of",
    "sees_terms",
    "shows_alert",
]
