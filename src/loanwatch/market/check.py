"""The rules check: the rule sets in force in a season (``market.rulesets``) applied to the owner's
loans out and in and its squad list. Pure: the service gives it the loans and the squad.

Each rule gives one :class:`Finding` per scope it counts (loans out, loans in, loans out to one
club, a list). Unknown is not zero: a player whose exemption cannot be told (his training status
not given, an age limit whose date the text does not fix and that he crosses during the loan) is
counted in ``possible`` and listed in ``unknown``, and a finding that depends on him says
"cannot check", never "ok".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from loanwatch.domain import SEASON_START_MONTH
from loanwatch.market.rulesets import (
    Duration,
    Exemption,
    LoanCap,
    NoSubLoan,
    Rule,
    RuleSet,
    SameClubCap,
    SquadList,
    UnlimitedList,
    WrittenAgreement,
    season_year,
)

BREACH = "breach"
NEAR_BREACH = "near_breach"  # at the limit: one more would breach
OK = "ok"
CANNOT_CHECK = "cannot_check"
NOT_APPLICABLE = "not_applicable"
FINDING_STATUSES = (BREACH, NEAR_BREACH, CANNOT_CHECK, OK, NOT_APPLICABLE)


@dataclass(frozen=True)
class Finding:
    """One rule applied to one scope: the rule set and article it comes from (``quote``: its
    sentence; ``primary`` False: read in a report of the text), what was counted (``count`` for
    sure, ``possible`` at most, against ``limit``; ``limit_at_most``: the limit at most when it
    depends on what cannot be told, e.g. a list's places for players whose training is unknown),
    who counts, who is exempt and why, who cannot be told, and the day the count was highest
    (``on``)."""

    ruleset: str
    rule: str
    kind: str
    title: str
    body: str
    article: str | None
    paragraph: str | None
    quote: str
    url: str
    primary: bool
    verified: bool
    scope: str
    status: str
    limit: int | None
    count: int | None
    possible: int | None
    limit_at_most: int | None = None
    counted: tuple[str, ...] = ()
    exempt: tuple[tuple[str, str], ...] = ()  # (player, why)
    unknown: tuple[tuple[str, str], ...] = ()  # (player, what is not known)
    on: date | None = None
    words: str = ""


# -- the facts the check reads (the service builds them from the store) ------------------------


@dataclass(frozen=True)
class LoanFact:
    """A loan of the owner's, out (``direction`` "out": to ``other_club``) or in (from it).
    ``international``: the other club is in another association (None: its country is not known);
    ``club_trained``: the player is club-trained by the releasing club (None: not known)."""

    player: str
    player_id: int | None
    birth_date: date | None
    direction: str
    other_club: str
    start: date
    end: date
    international: bool | None
    club_trained: bool | None
    on_loan_to_owner: bool = False  # a loan out of a player the owner has on loan (a sub-loan)


@dataclass(frozen=True)
class ListFact:
    """A player of the owner's squad list (``market.squad.SquadMember``, reduced to what the list
    rules read); None is not known."""

    player: str
    birth_date: date | None
    club_trained: bool | None
    association_trained: bool | None


def years_between(start: date, end: date) -> date:
    """The day a period starting ``start`` reaches one year (29 February: 1 March)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return date(start.year + 1, 3, 1)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- who counts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counted:
    """A loan or a listed player against one rule: counts (True), exempt (False), or cannot be
    told (None), and why."""

    name: str
    counts: bool | None
    why: str
    kind: str = ""  # what is not known, grouped in the words: "club-trained status", ...
    start: date | None = None
    end: date | None = None
    club: str = ""


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _young(
    ex: Exemption, birth: date | None, start: date, end: date, data_season: str
) -> tuple[bool | None, str]:
    if birth is None:
        return None, "birth date unknown"
    cutoff = ex.born_on_or_after(data_season)
    if cutoff is not None:
        if birth >= cutoff:
            return True, f"{ex.text} (born {birth.isoformat()})"
        return False, ""
    assert ex.max_age is not None
    if _age_on(birth, end) <= ex.max_age:
        return True, f"{ex.text} ({_age_on(birth, end)} at the loan's end, {end.isoformat()})"
    if _age_on(birth, start) > ex.max_age:
        return False, ""
    turns = (
        birth.replace(year=birth.year + ex.max_age + 1)
        if (birth.month, birth.day) != (2, 29)
        else (date(birth.year + ex.max_age + 1, 3, 1))
    )
    return None, (
        f"turns {ex.max_age + 1} on {turns.isoformat()}, during the loan: the day the age is taken on "
        "is not in the text read"
    )


_UNKNOWN_KIND = {
    "birth date unknown": "birth date",
    "club-trained status unknown": "club-trained status",
}


def _exempt(
    exemptions: Sequence[Exemption],
    *,
    birth: date | None,
    club_trained: bool | None,
    start: date,
    end: date,
    data_season: str,
) -> tuple[bool | None, str, str]:
    """(exempt, why, what is not known): True with the exemption's words, False, or None."""
    unknown: list[tuple[str, str]] = []
    for ex in exemptions:
        if ex.kind == "young":
            state, why = _young(ex, birth, start, end, data_season)
            kind = "birth date" if why == "birth date unknown" else "age on the day it is taken"
        else:
            state, why, kind = (
                club_trained,
                ex.text if club_trained else "club-trained status unknown",
                ("club-trained status"),
            )
        if state is True:
            return True, why, ""
        if state is None:
            unknown.append((why, kind))
    if unknown:
        return None, "; ".join(w for w, _ in unknown), unknown[0][1]
    return False, "", ""


def _scope(ruleset: RuleSet) -> str | None:
    """Which loans a rule set's loan rules count: international, domestic, or all (None)."""
    if ruleset.governs("international loans"):
        return "international"
    if ruleset.governs("domestic loans"):
        return "domestic"
    return None


def _loan_exempt(
    exemptions: Sequence[Exemption], loan: LoanFact, data_season: str
) -> tuple[bool | None, str, str]:
    """:func:`_exempt` for a loan: its player's birth date and training, the loan's dates."""
    return _exempt(
        exemptions,
        birth=loan.birth_date,
        club_trained=loan.club_trained,
        start=loan.start,
        end=loan.end,
        data_season=data_season,
    )


def _loan_state(
    loan: LoanFact, scope: str | None, exemptions: Sequence[Exemption], data_season: str
) -> _Counted | None:
    """The loan against a rule: None when it is out of the rule's scope for sure."""
    inside: bool | None = True
    if scope is not None:
        inside = None if loan.international is None else loan.international == (scope == "international")
    if inside is False:
        return None
    exempt, why, kind = _loan_exempt(exemptions, loan, data_season)
    where = dict(name=loan.player, start=loan.start, end=loan.end, club=loan.other_club)
    if exempt is True:
        return _Counted(counts=False, why=why, **where)  # type: ignore[arg-type]
    if inside is None:
        return _Counted(
            counts=None,
            why=f"whether the loan to {loan.other_club} is international is not known "
            "(its country is not in the data)",
            kind="country of the other club",
            **where,  # type: ignore[arg-type]
        )
    if exempt is None:
        return _Counted(counts=None, why=why, kind=kind, **where)  # type: ignore[arg-type]
    return _Counted(counts=True, why="", **where)  # type: ignore[arg-type]


def _peak(states: Sequence[_Counted]) -> tuple[int, int, date | None, list[_Counted], list[_Counted]]:
    """At any time: the most loans counted at once (sure, possible), the day, and who they were."""
    best: tuple[int, int, date | None, list[_Counted], list[_Counted]] = (0, 0, None, [], [])
    for day in sorted({s.start for s in states if s.start}):
        active = [s for s in states if s.start and s.end and s.start <= day <= s.end]
        sure = [s for s in active if s.counts is True]
        maybe = [s for s in active if s.counts is None]
        if (len(sure) + len(maybe), len(sure)) > (best[1], best[0]):
            best = (len(sure), len(sure) + len(maybe), day, sure, maybe)
    return best


def _unknown_words(unknown: Sequence[_Counted]) -> str:
    kinds: dict[str, int] = {}
    for u in unknown:
        kinds[u.kind or "status"] = kinds.get(u.kind or "status", 0) + 1
    return "; ".join(f"{kind} unknown for {_plural(n, 'player')}" for kind, n in kinds.items())


def _status(count: int, possible: int, limit: int) -> str:
    if count > limit:
        return BREACH
    if possible > limit:
        return CANNOT_CHECK
    if possible == limit:
        return NEAR_BREACH
    return OK


def _verdict(
    status: str, count: int, possible: int, limit: int, what: str, unknown: Sequence[_Counted]
) -> str:
    if status == BREACH:
        return f"{count} {what} count, over the limit of {limit}"  # what: "international loans out"
    if status == CANNOT_CHECK:
        return (
            f"cannot check: {_unknown_words(unknown)}; {count} count for sure, {possible} if they all count, "
            f"the limit is {limit}"
        )
    at = "at the limit: one more would breach" if status == NEAR_BREACH else f"the limit is {limit}"
    either = f" ({_unknown_words(unknown)}: within the limit either way)" if unknown else ""
    return f"{what}: {possible if status == NEAR_BREACH else count} counted, {at}{either}"


def _finding(ruleset: RuleSet, rule: Rule, scope: str, status: str, **fields: Any) -> Finding:
    source = ruleset.source
    return Finding(
        ruleset=ruleset.id,
        rule=rule.id,
        kind=rule.kind,
        title=ruleset.title,
        body=ruleset.body,
        article=rule.article or source.article,
        paragraph=rule.paragraph or source.paragraph,
        quote=rule.quote,
        url=rule.url or source.url,
        primary=source.primary,
        verified=rule.verified,
        scope=scope,
        status=status,
        **fields,
    )


# -- the rules -------------------------------------------------------------------------------


def _loan_cap(
    ruleset: RuleSet, rule: LoanCap, season: str, data_season: str, loans: Sequence[LoanFact]
) -> list[Finding]:
    limit = rule.max_in(season)
    if limit is None:
        return []
    scope = _scope(ruleset)
    out = []
    first = date(season_year(data_season), SEASON_START_MONTH, 1)
    last = date(season_year(data_season) + 1, SEASON_START_MONTH, 1)
    for direction in rule.direction:
        states, earlier = [], []
        for loan in (x for x in loans if x.direction == direction):
            state = _loan_state(loan, scope, rule.exemptions, data_season)
            if state is None:
                continue
            if rule.counted == "per_season" and not first <= loan.start < last:
                earlier.append(
                    replace(state, counts=False, why=f"began {loan.start.isoformat()}, before {data_season}")
                )
                continue
            states.append(state)
        if rule.counted == "at_any_time":
            count, possible, on, sure, maybe = _peak(states)
        else:
            sure = [s for s in states if s.counts is True]
            maybe = [s for s in states if s.counts is None]
            count, possible, on = len(sure), len(sure) + len(maybe), None
        status = _status(count, possible, limit)
        what = f"{scope + ' ' if scope else ''}loans {direction}"
        exempt = [s for s in (*states, *earlier) if s.counts is False]
        out.append(
            _finding(
                ruleset,
                rule,
                what + (" at any time" if rule.counted == "at_any_time" else f" in {data_season}"),
                status,
                limit=limit,
                count=count,
                possible=possible,
                counted=tuple(s.name for s in sure),
                exempt=tuple((s.name, s.why) for s in exempt),
                unknown=tuple((s.name, s.why) for s in maybe),
                on=on,
                words=_verdict(status, count, possible, limit, what, maybe),
            )
        )
    return out


_UNSETTLED = "exemption from this limit"  # what is not known, in the words: "... unknown for 2 players"


def _unsettled(
    state: _Counted, loan: LoanFact, exemptions: Sequence[Exemption], data_season: str
) -> _Counted:
    """A loan that counts, against exemptions the text read does not settle for this limit: one
    they would (or might) exempt cannot be told; one none of them exempts still counts."""
    exempt, why, kind = _loan_exempt(exemptions, loan, data_season)
    if exempt is False:
        return state
    if exempt is None:  # not known whether he is exempt, nor whether it would count here
        why = f"{why}; whether that exemption applies to this limit is not in the text read either"
        return replace(state, counts=None, why=why, kind=kind)
    why = f"{why}: whether that exempts him from this limit is not in the text read"
    return replace(state, counts=None, why=why, kind=_UNSETTLED)


def _same_club(
    ruleset: RuleSet, rule: SameClubCap, data_season: str, loans: Sequence[LoanFact]
) -> list[Finding]:
    scope = _scope(ruleset)
    out = []
    for direction, limit in (("out", rule.max_out_to), ("in", rule.max_in_from)):
        by_club: dict[str, list[_Counted]] = {}
        for loan in (x for x in loans if x.direction == direction):
            state = _loan_state(loan, scope, rule.exemptions, data_season)
            if state is not None and state.counts is True and rule.unsettled_exemptions:
                state = _unsettled(state, loan, rule.unsettled_exemptions, data_season)
            if state is not None:
                by_club.setdefault(loan.other_club.casefold(), []).append(state)
        if not by_club:
            continue
        peaks = {club: _peak(states) for club, states in by_club.items()}
        best = max((p[1], p[0]) for p in peaks.values())
        tied = sorted(
            (c for c in peaks if (peaks[c][1], peaks[c][0]) == best), key=lambda c: by_club[c][0].club
        )
        club = tied[0]  # the clubs tied at the most have the same counts: the first by name is shown
        count, possible, on, sure, maybe = peaks[club]
        name = by_club[club][0].club
        most = ", ".join(by_club[c][0].club for c in tied)
        status = _status(count, possible, limit)
        what = (
            f"{scope + ' ' if scope else ''}loans {direction} {'to' if direction == 'out' else 'from'} {name}"
        )
        out.append(
            _finding(
                ruleset,
                rule,
                f"loans {direction} {'to' if direction == 'out' else 'from'} one club (the most: {most})",
                status,
                limit=limit,
                count=count,
                possible=possible,
                counted=tuple(s.name for s in sure),
                unknown=tuple((s.name, s.why) for s in maybe),
                on=on,
                words=_verdict(status, count, possible, limit, what, maybe),
            )
        )
    return out


def _duration(ruleset: RuleSet, rule: Duration, data_season: str, loans: Sequence[LoanFact]) -> list[Finding]:
    scope = _scope(ruleset)
    too_long: list[tuple[str, str]] = []
    maybe: list[tuple[str, str]] = []
    for loan in loans:
        state = _loan_state(loan, scope, (), data_season)
        if state is None:
            continue
        longest = _add_months(loan.start, rule.max_months) - timedelta(days=1)
        if loan.end > longest:
            why = f"{loan.start.isoformat()} to {loan.end.isoformat()}: over {rule.max_months} months"
            (too_long if state.counts else maybe).append((loan.player, why))
    status = BREACH if too_long else CANNOT_CHECK if maybe else OK
    if too_long:
        words = f"{_plural(len(too_long), 'loan')} longer than {rule.max_months} months: " + ", ".join(
            f"{p} ({w})" for p, w in too_long
        )
    elif maybe:
        words = (
            f"cannot check: {_plural(len(maybe), 'loan')} longer than {rule.max_months} months "
            "whose country is not known: " + ", ".join(p for p, _ in maybe)
        )
    else:
        words = f"no loan longer than {rule.max_months} months"
    if rule.min_between_registration_periods:
        words += (
            "; the minimum (between two registration periods) is not checked: the periods are not in the data"
        )
    return [
        _finding(
            ruleset,
            rule,
            f"{scope + ' ' if scope else ''}loans",
            status,
            limit=rule.max_months,
            count=len(too_long),
            possible=len(too_long) + len(maybe),
            counted=tuple(p for p, _ in too_long),
            unknown=tuple(maybe),
            words=words,
        )
    ]


def _no_sub_loan(ruleset: RuleSet, rule: NoSubLoan, loans: Sequence[LoanFact]) -> list[Finding]:
    subs = [x for x in loans if x.direction == "out" and x.on_loan_to_owner]
    status = BREACH if subs else OK
    words = (
        "loaned on while on loan to the club: " + ", ".join(f"{x.player} to {x.other_club}" for x in subs)
        if subs
        else "no player on loan to the club is loaned on "
        "(the club's own lists; the host clubs' are not known)"
    )
    scope = _scope(ruleset)
    return [
        _finding(
            ruleset,
            rule,
            f"{scope + ' ' if scope else ''}loans out",
            status,
            limit=0,
            count=len(subs),
            possible=len(subs),
            counted=tuple(x.player for x in subs),
            words=words,
        )
    ]


def _written(ruleset: RuleSet, rule: WrittenAgreement, loans: Sequence[LoanFact]) -> list[Finding]:
    scope = _scope(ruleset)
    n = sum(1 for x in loans if scope is None or x.international is not False)
    terms = ", ".join(rule.terms) or "its terms"
    return [
        _finding(
            ruleset,
            rule,
            f"{scope + ' ' if scope else ''}loans",
            CANNOT_CHECK,
            limit=None,
            count=None,
            possible=None,
            words=f"cannot check: the agreements ({terms}) are not in loanwatch; "
            f"{_plural(n, 'loan')} to check",
        )
    ]


def _trained_counts(players: Sequence[ListFact]) -> tuple[int, int, int, int, int]:
    """(club-trained, association-trained) at the least, the same at the most (a status not given
    counted as the best it could be), and how many players' status is not fully known."""
    low_club = low_assoc = high_club = high_assoc = unknown = 0
    for p in players:
        low_club += p.club_trained is True
        low_assoc += p.club_trained is not True and p.association_trained is True
        if p.club_trained is None or p.club_trained is True:
            high_club += 1
        elif p.association_trained is not False:
            high_assoc += 1
        unknown += p.club_trained is None or (p.club_trained is False and p.association_trained is None)
    return low_club, low_assoc, high_club, high_assoc, unknown


def _capacity(rule: SquadList, club: int, assoc: int) -> int:
    reserved = rule.locally_trained_places
    return rule.max_players - reserved + min(reserved, club + min(assoc, rule.max_association_trained))


def _squad_list(
    ruleset: RuleSet, rule: SquadList, data_season: str, players: Sequence[ListFact] | None
) -> list[Finding]:
    scope = rule.list_name
    if not players:
        return [
            _finding(
                ruleset,
                rule,
                scope,
                CANNOT_CHECK,
                limit=rule.max_players,
                count=None,
                possible=None,
                words="cannot check: no squad for the season (loanwatch squad import FILE, or match data)",
            )
        ]
    list_b = next((r for r in ruleset.rules if isinstance(r, UnlimitedList)), None)
    first = date(season_year(data_season), SEASON_START_MONTH, 1)
    last_day = date(season_year(data_season) + 1, 6, 30)
    counted: list[ListFact] = []
    maybe: list[tuple[ListFact, str, str]] = []
    exempt: list[tuple[str, str]] = []
    for p in players:
        state, why, kind = _exempt(
            rule.exemptions,
            birth=p.birth_date,
            club_trained=None,
            start=first,
            end=last_day,
            data_season=data_season,
        )
        if state is True:
            exempt.append((p.player, why))
            continue
        if list_b is not None and state is not None:
            young, _ = _young(list_b.young, p.birth_date, first, last_day, data_season)
            if young is not False:
                maybe.append(
                    (
                        p,
                        f"{list_b.list_name} if {list_b.condition}: not known",
                        "eligibility for " + list_b.list_name,
                    )
                )
                continue
        if state is None:
            maybe.append((p, why, kind))
            continue
        counted.append(p)
    everyone = counted + [p for p, _, _ in maybe]
    club, assoc, _, _, unknown_training = _trained_counts(everyone)
    sure_club, sure_assoc, _, _, _ = _trained_counts(counted)
    _, _, best_club, best_assoc, _ = _trained_counts(everyone)
    low = _capacity(rule, sure_club, sure_assoc)
    high = _capacity(rule, best_club, best_assoc)
    n_low, n_high = len(counted), len(everyone)
    free = rule.max_players - rule.locally_trained_places
    if n_low > high:
        status = BREACH
    elif n_high <= low:
        status = NEAR_BREACH if n_high == low else OK
    else:
        status = CANNOT_CHECK
    untrained = [
        p.player
        for p in everyone
        if p.club_trained is None or (p.club_trained is False and p.association_trained is None)
    ]
    places = (
        f"{free} free places and {rule.locally_trained_places} for locally trained players (at most "
        f"{rule.max_association_trained} association-trained)"
    )
    trained = (
        f"{club} club-trained, {assoc} association-trained, training status unknown for {unknown_training}"
    )
    if status == CANNOT_CHECK:
        reasons = []
        if untrained:
            reasons.append(f"club-trained status unknown for {_plural(len(untrained), 'player')}")
        if maybe:
            reasons.append(_unknown_words([_Counted(p.player, None, w, k) for p, w, k in maybe]))
        counting = f"{n_low} players count" if n_low == n_high else f"{n_low} to {n_high} players count"
        words = (
            f"cannot check: {'; '.join(reasons)}; {counting} for {places}: the list holds {low} to {high} "
            f"of them ({trained})"
        )
    elif status == BREACH:
        words = f"{n_low} players count but the list holds at most {high} ({places}; {trained})"
    else:
        either = " whatever the unknown training status" if unknown_training else ""
        words = f"{n_high} players count; the list holds {low}{either} ({places}; {trained})"
    return [
        _finding(
            ruleset,
            rule,
            scope,
            status,
            limit=high if status == BREACH else low,
            limit_at_most=high if status == CANNOT_CHECK and high != low else None,
            count=n_low,
            possible=n_high,
            counted=tuple(p.player for p in counted),
            exempt=tuple(exempt),
            unknown=tuple((p.player, w) for p, w, _ in maybe)
            + tuple((name, "club-trained status unknown") for name in untrained if status == CANNOT_CHECK),
            words=words,
        )
    ]


def check(
    rulesets: Sequence[RuleSet],
    season: str,
    data_season: str,
    loans: Sequence[LoanFact],
    squad: Sequence[ListFact] | None,
) -> list[Finding]:
    """Every rule of ``rulesets`` (those in force in ``season``) applied to the loans and the squad
    list of ``data_season``; age limits given by offset are taken from ``data_season`` (would
    these loans and this list be allowed under those rules?)."""
    out: list[Finding] = []
    for ruleset in rulesets:
        for rule in ruleset.rules:
            if isinstance(rule, LoanCap):
                out += _loan_cap(ruleset, rule, season, data_season, loans)
            elif isinstance(rule, SameClubCap):
                out += _same_club(ruleset, rule, data_season, loans)
            elif isinstance(rule, Duration):
                out += _duration(ruleset, rule, data_season, loans)
            elif isinstance(rule, NoSubLoan):
                out += _no_sub_loan(ruleset, rule, loans)
            elif isinstance(rule, WrittenAgreement):
                out += _written(ruleset, rule, loans)
            elif isinstance(rule, SquadList):
                out += _squad_list(ruleset, rule, data_season, squad)
    order = {s: i for i, s in enumerate(FINDING_STATUSES)}
    return sorted(out, key=lambda f: order[f.status])
