"""``loanwatch squad import|list``, ``loanwatch market depth``, ``loanwatch rules check``: the owner's
squad, next season's depth per role with the loanees ranked among the owner's players, the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from loanwatch.cli.common import (
    MinMinutesOption,
    ReferenceOption,
    StoreOption,
    console,
    err_console,
    open_store,
)

squad_app = typer.Typer(
    help="The owner club's squad: the club's file, or who played in the data.", no_args_is_help=True
)
market_app = typer.Typer(
    help="The market plan: depth per role, similar players, decisions, the plan.", no_args_is_help=True
)
rules_app = typer.Typer(
    help="The loan and squad-list rules (docs/rules.md) applied to the club.", no_args_is_help=True
)

ClubOption = Annotated[
    str | None,
    typer.Option("--owner", help="The owner club (default: the one owner of the loan list)."),
]
SeasonOption = Annotated[
    str | None, typer.Option("--season", help="The season, written like 2017/18 (default: see the command).")
]


def _shown(value: object) -> str:
    from loanwatch.market.squad import shown

    return shown(value)


@squad_app.command("import")
def squad_import(
    file: Annotated[
        Path, typer.Argument(help="The squad list: CSV, TSV or XLSX, English or Italian headers.")
    ],
    owner: ClubOption = None,
    season: SeasonOption = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Only this sheet of a workbook.")] = None,
    store: StoreOption = None,
) -> None:
    """Import the owner club's squad as the club keeps it: player, contract end, years trained at
    the club and in the association (15 to 21), EU status, wage. An empty cell is "unknown".

    --season: the season of the list (default: the owner's latest season in the data). --owner:
    the club (default: the one owner of the loan list).

    Exit status: 0 when every row landed; 1 when a row was refused (each listed with its file, row
    and cell; the others land); 2 when the file is not a squad list or cannot be read.
    """
    svc = open_store(store)
    result = svc.market.import_squad(file, owner=owner, season=season, sheet=sheet)
    console.print(
        f"Imported {result.added + result.updated} players of {result.owner} {result.season} from {file}: "
        f"{result.added} added, {result.updated} updated"
    )
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow] {warning}")
    for problem in result.problems:
        err_console.print(f"[red]not imported[/red] {problem}")
    if result.problems:
        raise typer.Exit(1)


@squad_app.command("list")
def squad_list(owner: ClubOption = None, season: SeasonOption = None, store: StoreOption = None) -> None:
    """The owner's squad in a season (default: its latest in the data): the club's file where
    imported, and who played for the club (minutes, matches, the role of most of his minutes); ages
    on 1 July and nationalities from the provider. What is not known is shown "unknown"; the wage
    only for a role that may see contract terms."""
    from loanwatch.access import sees_terms

    svc = open_store(store)
    squad = svc.market.squad(owner, season)
    terms = sees_terms(svc.ctx.role)
    table = Table(title=f"{squad.owner} squad {squad.season} ({len(squad.members)} players)")
    columns = ["Player", "Role", "Age", "Nationality", "Min", "Matches", "Contract end", "Club-trained"]
    columns += ["Assoc.-trained", "EU"] + (["Wage (EUR)"] if terms else []) + ["Source"]
    for col in columns:
        table.add_column(col, justify="right" if col in ("Age", "Min", "Matches") else "left")
    for m in squad.members:
        role = (m.role or "").replace("_", " ") or f"did not play ({m.provider_role or 'unknown'})"
        loan = f" (on loan from {m.loan_in_from})" if m.loan_in_from else ""
        loan += f" (on loan at {m.on_loan_to})" if m.on_loan_to else ""
        row = [
            m.name + loan,
            role,
            _shown(m.age),
            m.nationality or "unknown",
            f"{m.minutes:.0f}",
            str(m.matches),
        ]
        row += [_shown(m.contract_end), _shown(m.club_trained), _shown(m.association_trained), _shown(m.eu)]
        if terms:
            row.append(f"{m.wage_eur:,}" if m.wage_eur is not None else "unknown")
        row.append(m.source)
        table.add_row(*row)
    console.print(table)
    for note in squad.notes:
        console.print(f"[yellow]![/yellow] {note}")


@market_app.command("depth")
def market_depth(
    owner: ClubOption = None,
    season: SeasonOption = None,
    min_minutes: MinMinutesOption = None,
    reference_league: ReferenceOption = None,
    store: StoreOption = None,
) -> None:
    """Next season's depth per role (--season, default: the one after the owner's latest in the
    data): who stays, who returns from loan (by the loan's end and terms), who leaves, whose contract
    ends; ages on 1 July; last season's club, competition, matches, minutes; VAEP per 90 and
    minutes-weighted xG+xA per 90 (xG+xA per 90 x min(1, minutes / min-minutes)), the loanees'
    adjusted to the owner's league, and where each loanee would rank among the owner's players of
    his role who stay."""
    svc = open_store(store)
    chart = svc.market.depth(owner, season, min_minutes=min_minutes, reference=reference_league)
    console.print(
        f"[bold]{chart.owner} {chart.season}[/bold]: depth per role from {chart.first_day}; figures of "
        f"{chart.last_season} adjusted to {chart.reference.league}; loans judged as of {chart.as_of}"
    )
    for role in chart.roles:
        name = role.role.replace("_", " ") or "role unknown (did not play)"
        table = Table(title=f"{name}: {role.staying} of {len(role.squad)} in the squad next season")
        for col in (
            "Player",
            "Next season",
            "Why",
            "Age",
            "Last season",
            "Min",
            "VAEP/90",
            "xG+xA/90 w.",
            "Rank",
        ):
            table.add_column(
                col, justify="right" if col in ("Age", "Min", "VAEP/90", "xG+xA/90 w.") else "left"
            )
        for e in (*role.squad, *role.loanees):
            f = e.figures
            where = f"{f.club}, {f.competition} {f.season}, {f.matches} m" if f else "no match data"
            why = "; ".join(p for p in (e.reason, e.term_reason) if p)
            rank = "" if e.rank_vaep is None else f"{e.rank_vaep}/{e.of}, {e.rank_xgxa or '-'}/{e.of}"
            label = f"[bold]{e.name}[/bold] (loanee)" if e.kind == "loanee" else e.name
            table.add_row(
                label,
                e.status.replace("_", " "),
                why,
                _shown(e.age),
                where,
                f"{f.minutes:.0f}" if f else "",
                _num(f.vaep_p90 if f else None),
                _num(f.xgxa_weighted if f else None),
                rank,
            )
        console.print(table)
        for e in role.loanees:
            if e.words:
                console.print(f"  {e.name}: {e.words}")
        for e in (*role.squad, *role.loanees):
            if e.role_source in ROLE_SOURCE_WORDS:
                console.print(f"  {e.name}: role {ROLE_SOURCE_WORDS[e.role_source]}")
    for note in chart.notes:
        console.print(f"[yellow]![/yellow] {note}")


ROLE_SOURCE_WORDS = {
    "squad_file": "from the club's squad file (no match of his in the data)",
    "provider": "from the provider's player record (no match of his in the data)",
}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@rules_app.command("check")
def rules_check(
    season: Annotated[
        str | None,
        typer.Option("--season", help="The season whose rules apply, like 2024/25 (default: today's)."),
    ] = None,
    owner: ClubOption = None,
    data_season: Annotated[
        str | None,
        typer.Option(
            "--data-season", help="The season of the loans and squad checked (default: the owner's latest)."
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """The rule sets in force in --season applied to the owner's loans out and in and squad list:
    breaches and near breaches (at the limit), each with the rule set, article and quote. A rule
    that needs what the club did not give (a training status, the country of a club) says "cannot
    check", naming the players, never passes silently.

    Exit status: 0 when nothing breaches; 1 when a rule is breached."""
    from loanwatch.market.check import BREACH

    svc = open_store(store)
    check = svc.market.rules_check(season, owner, data_season=data_season)
    console.print(
        f"[bold]{check.owner}[/bold]: loans and squad of {check.data_season} "
        f"under the rules of {check.season} "
        f"({', '.join(check.rulesets) or 'no rule set in force'})"
    )
    colour = {"breach": "red", "near_breach": "yellow", "cannot_check": "magenta", "ok": "green"}
    for f in check.findings:
        where = ", ".join(p for p in (f"art. {f.article}" if f.article else "", f.paragraph or "") if p)
        status = f.status.replace("_", " ")
        console.print(
            f"[{colour.get(f.status, 'white')}]{status}[/] {f.title} "
            f"({f.ruleset} {f.rule}; {where or 'no article'}"
            f"{'' if f.primary else ', read in a report of the text'}): {f.scope}: {f.words}"
        )
        if f.status in ("breach", "near_breach", "cannot_check"):
            console.print(f'    "{f.quote}"')
    for note in check.notes:
        console.print(f"[yellow]![/yellow] {note}")
    if any(f.status == BREACH for f in check.findings):
        raise typer.Exit(1)
