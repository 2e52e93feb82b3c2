"""``loanwatch market decide|undecide|plan``: the market plan's decisions, the plan with its decision
cards, the squad and the rules before and after the decisions, and its PDF / HTML (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from loanwatch.access import sees_terms
from loanwatch.cli.common import AsOfOption, OwnerOption, StoreOption, console, open_store, parse_date
from loanwatch.cli.market import ROLE_SOURCE_WORDS

if TYPE_CHECKING:
    from loanwatch.services.models import DecisionCard, MarketPlan, PlanDecision

market_app = typer.Typer(
    help="The market plan: decisions, decision cards, the plan's PDF.", no_args_is_help=True
)

SeasonOption = Annotated[
    str | None,
    typer.Option(
        "--season", help="The season the plan is for, e.g. 2018/19 (default: the one after the data's)."
    ),
]
PlanOption = Annotated[str, typer.Option("--plan", help="The plan's name: a club keeps several drafts.")]
COUNT_WORDS = {
    "squad": "players in the squad",
    "returning": "back from loan",
    "signed": "signed",
    "on_loan": "on loan out",
    "leaving": "leaving (sold, bought by the host club, contract ended)",
    "open": "open: an option to buy not known to be exercised",
}
STATUS_WORDS = {"decision": "open (an option to buy)", "on_loan": "on loan", "contract_ends": "contract ends"}
DECISION_HELP = (
    "recall, extend, sell, loan-out, sign (a candidate), integrate or develop (keep developing on loan)."
)


def decide(
    name: Annotated[str, typer.Argument(help="The player: a loanee, a player of the squad, or a candidate.")],
    decision: Annotated[str, typer.Argument(help=DECISION_HELP)],
    season: SeasonOption = None,
    owner: OwnerOption = None,
    note: Annotated[
        str, typer.Option("--note", help="Why (a note on the deal: the coach does not see it).")
    ] = "",
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="loan-out (or develop): the club he goes to on loan. extend keeps the host."
        ),
    ] = None,
    plan: PlanOption = "main",
    store: StoreOption = None,
) -> None:
    """Record a decision on a player in the owner's plan for the season (it replaces his earlier
    one). Only the sporting director (and the admin) decide."""
    lw = open_store(store)
    done = lw.plan.decide(
        lw.players.resolve(name), decision, season=season, owner=owner, plan=plan, note=note, to=to
    )
    console.print(
        f"{done.player.display_name}: {decision_text(done)} ({done.owner}, {done.season}, plan {done.plan!r})"
    )
    if done.destination:
        country = (
            done.destination_country
            or "unknown (the club is not in the data: the loan rules cannot check it)"
        )
        console.print(f"  {done.destination}'s country: {country}")


def decision_text(decision: PlanDecision | None) -> str:
    """'loan-out to Bologna', 'extend (at Atalanta)', 'sell'; 'not decided'."""
    if decision is None:
        return "not decided"
    if not decision.destination:
        return decision.decision
    if decision.decision == "extend":
        return f"extend (at {decision.destination})"
    return f"{decision.decision} to {decision.destination}"


def undecide(
    name: Annotated[str, typer.Argument(help="The player.")],
    season: SeasonOption = None,
    owner: OwnerOption = None,
    plan: PlanOption = "main",
    store: StoreOption = None,
) -> None:
    """Remove the player's decision from the plan."""
    lw = open_store(store)
    ref = lw.players.resolve(name)
    if lw.plan.undecide(ref, season=season, owner=owner, plan=plan):
        console.print(f"{ref.display_name}: decision removed")
    else:
        console.print(f"{ref.display_name} had no decision in this plan")


def plan(
    season: SeasonOption = None,
    owner: OwnerOption = None,
    plan_name: PlanOption = "main",
    as_of: AsOfOption = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the plan as a PDF to this file.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the plan as HTML to this file.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="it, en or fr (with --pdf / --html).")] = "en",
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition", help="coach (no fees, terms or deal notes) or director (default: your role's)."
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """The owner's plan for the season: the decisions, the squad, depth chart, loan counts and rule
    breaches before and after them, and one decision card per loanee (the recommendation of his
    report on the same date). With --pdf / --html: the plan as a document in Italian, English or
    French, the director's edition with the terms, the coach's without."""
    if lang not in ("it", "en", "fr"):
        raise typer.BadParameter(f"{lang!r}: it, en or fr", param_hint="--lang")
    if edition not in (None, "coach", "director"):
        raise typer.BadParameter(f"{edition!r}: coach or director", param_hint="--edition")
    lw = open_store(store)
    day = parse_date(as_of)
    written = False
    for out, fmt in ((pdf, "pdf"), (html, "html")):
        if out is not None:
            shown = edition or ("director" if sees_terms(lw.ctx.role) else "coach")
            path = lw.plan.write(out, season, owner, plan_name, as_of=day, lang=lang, fmt=fmt, edition=shown)
            console.print(f"Plan written: {path}")
            written = True
    if not written:
        print_plan(lw.plan.plan(season, owner, plan_name, as_of=day, edition=edition))


def print_plan(result: MarketPlan) -> None:
    from loanwatch.reports.render import say

    console.print(
        f"[bold]Market plan {result.season}: {result.owner}[/bold] (plan {result.plan!r}, "
        f"{result.edition}'s view, data as of {result.as_of or '-'})"
    )
    decisions = Table(title=f"Decisions ({len(result.decisions)})")
    for col in ("Player", "Decision", "The data points to", "Follows", "Note"):
        decisions.add_column(col)
    calls = {c.player.id: c for c in result.cards}
    for d in result.decisions:
        card = calls.get(d.player.id)
        decisions.add_row(
            d.player.display_name,
            decision_text(d),
            _call(card) if card else "(not a loanee)",
            {True: "yes", False: "no", None: ""}[card.follows if card else None],
            d.note or "",
        )
    console.print(decisions)
    squad = result.squad
    if squad is not None:
        table = Table(title=f"Squad {squad.season}: before and after the decisions")
        for col in ("Role", "Before", "After", "Changes", "Players after"):
            table.add_column(col, justify="right" if col in ("Before", "After") else "left")
        for change in squad.roles:
            changes = [f"+ {n} ({why})" for n, why in change.joins] + [
                f"- {n} ({why})" for n, why in change.goes
            ]
            role = change.role.replace("_", " ") if change.role else "role unknown"
            table.add_row(
                role, str(change.before), str(change.after), ", ".join(changes), ", ".join(change.players)
            )
        console.print(table)
        counts = Table(title=f"{squad.season} in numbers")
        for col in ("", "Before", "After"):
            counts.add_column(col, justify="right" if col else "left")
        for key, (before, after) in squad.counts.items():
            counts.add_row(COUNT_WORDS.get(key, key), str(before), str(after))
        console.print(counts)
        shown = [f for f in squad.findings if f.before != "not_applicable"]
        if shown:
            rules = Table(title=f"The rules of {squad.rules_season}: before and after the decisions")
            for col in ("Rule", "Scope", "Before", "After"):
                rules.add_column(col)
            for f in shown:
                rules.add_row(
                    f"{f.title} ({f.ruleset})",
                    f.scope,
                    _finding(f.before, f.before_count, f.before_possible, f.limit, f.limit_at_most),
                    _finding(
                        f.after,
                        f.after_count,
                        f.after_possible,
                        f.limit if f.after_limit is None else f.after_limit,
                        f.after_limit_at_most,
                    ),
                )
            console.print(rules)
        for note in squad.notes:
            console.print(f"[yellow]![/yellow] {note}")
    for card in result.cards:
        console.print(f"\n[bold]{card.player.display_name}[/bold]: {_call(card)}")
        cur = card.current
        if cur:
            share = cur.get("share")
            console.print(
                f"  {cur['host_club']} ({cur['competition']}): {cur['matches']} matches, "
                f"{cur['appearances']} apps, {cur['starts']} starts, "
                f"{cur['minutes']:.0f} of {cur['available_minutes']:.0f} minutes"
                + (f" ({share:.0%})" if isinstance(share, float) else "")
            )
        if card.spell and card.spell.terms:
            t = card.spell.terms
            fee = t.obligation_fee_eur or t.option_fee_eur
            console.print(
                f"  terms: {t.loan_type.replace('_', ' ')}"
                + (f", fee {fee:,} EUR" if fee else "")
                + (f", condition {t.obligation_trigger}" if t.obligation_trigger else "")
                + (
                    f" ({card.trigger.count} of {card.trigger.target})"
                    if card.trigger and card.trigger.target
                    else ""
                )
            )
        rec = card.recommendation
        if rec:
            for a in rec.options:
                if a.stance in ("supported", "decided"):
                    for r in a.reasons:
                        if r.weight > 0:
                            console.print(f"  for {a.option}: {say('en', r)}")
        if card.standing is not None:
            status = STATUS_WORDS.get(card.standing.status, card.standing.status)
            console.print(f"  next season without a decision: {status}")
            if card.standing.role_source in ROLE_SOURCE_WORDS:
                role = (card.standing.role or "").replace("_", " ")
                console.print(f"  role: {role}, {ROLE_SOURCE_WORDS[card.standing.role_source]}")
            if card.standing.words:
                console.print(f"  {card.standing.words}")
            if card.ahead:
                ahead = ", ".join(f"{e.name} ({e.figures.vaep_p90:.2f})" for e in card.ahead if e.figures)
                console.print(f"  ahead of him on VAEP per 90: {ahead}")
        for line in candidate_lines(card):
            console.print(f"  {line}")
        console.print(f"  plan: {decision_text(card.decision)}")
        from loanwatch.reports.plan import source_text

        for s in card.sources:
            console.print(f"  [dim]{source_text('en', s.model_dump())}[/dim]")


MISSING_WORDS = {
    "no_figures": "no match of his last season in the data: nobody to compare him with",
    "no_role": "his role is not known: nobody to compare him with",
    "no_output": "no output figures (loanwatch models train): nobody to compare him with",
    "no_pool": "nobody of his role qualifies (age, minutes, not the owner's)",
}


def candidate_lines(card: DecisionCard) -> list[str]:
    """Whom to sign instead: the card's candidates in words (English, the command line's)."""
    search = card.candidate_search
    if not card.candidates:
        return [f"sign instead: none ({MISSING_WORDS.get(card.candidates_missing or '', 'unknown')})"]
    assert search is not None
    p = search.params
    role = str(p["role"]).replace("_", " ")
    cap = (
        f", aged {p['age']} or under on 1 July (he is {p.get('his_age')})"
        if p.get("age") is not None
        else ", any age (his age is unknown)"
    )
    lines = [
        f"sign instead (closest by output among {p['pool']} {role}s of {p['season']} not at {p['owner']}"
        f"{cap}, {float(str(p['minutes'])):.0f}+ minutes):"
    ]
    for n, c in enumerate(card.candidates, 1):
        f = c.standing.figures if c.standing else None
        figures = []
        if f is not None and f.vaep_p90 is not None:
            figures.append(
                f"VAEP/90 {f.vaep_p90:.2f}"
                + (f" ({c.vaep_gap:+.2f} vs him)" if c.vaep_gap is not None else "")
            )
        if f is not None and f.xgxa_weighted is not None:
            figures.append(
                f"weighted xG+xA {f.xgxa_weighted:.2f}"
                + (f" ({c.xgxa_gap:+.2f})" if c.xgxa_gap is not None else "")
            )
        age = "age unknown" if c.age is None else f"{c.age}"
        shown = f": {', '.join(figures)}" if figures else ""
        lines.append(
            f"  {n}. {c.player.display_name} ({c.club}, {c.competition} {c.season}; {age}; "
            f"{c.minutes:.0f} min; output distance {c.output_distance:.1f}){shown}"
        )
        if c.standing is not None and c.standing.words:
            lines.append(f"     {c.standing.words}")
    return lines


def _finding(
    status: str, count: int | None, possible: int | None, limit: int | None, most: int | None = None
) -> str:
    """'ok 2 / 6', 'cannot check 1-2 / 6' (counted for sure, at most where unknown), 'cannot check
    23-24 / 18-25' (the limit too depends on what is unknown)."""
    words = status.replace("_", " ")
    if count is None:
        return words
    counted = str(count) if possible in (None, count) else f"{count}-{possible}"
    if limit is None:
        return f"{words} {counted}"
    return f"{words} {counted} / {limit}" + (f"-{most}" if most not in (None, limit) else "")


def _call(card: DecisionCard) -> str:
    rec = card.recommendation
    if rec is None:
        return "no recommendation (no match of the spell in the data)"
    if any(a.decided for a in rec.options):
        return "sell (settled by the loan's terms)"
    return f"{rec.call} ({rec.confidence} confidence)" if rec.call else "no option clearly supported"
