"""``loanwatch portfolio import|list``: the club's loan list, the ledger of its loan spells."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from loanwatch.access import sees_terms
from loanwatch.cli.common import OwnerOption, StoreOption, console, err_console, open_store
from loanwatch.portfolio.importer import describe_warning

portfolio_app = typer.Typer(help="The club's loan spells: the loan list and its terms.", no_args_is_help=True)


@portfolio_app.command("import")
def portfolio_import(
    file: Annotated[Path, typer.Argument(help="The loan list: CSV, TSV (Excel's Unicode text too) or XLSX.")],
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Only this sheet of a workbook (default: each sheet with the columns)."),
    ] = None,
    remove_missing: Annotated[
        bool,
        typer.Option(
            "--remove-missing",
            help="Remove the loans an earlier import of this file made that it no longer lists "
            "(only when every row landed).",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Import a loan list as the club keeps it: the club's ledger of loans.

    A row updates the loan it is (same player, owner, host club and season: a corrected date or
    fee changes it in place) or adds one. Loans of an earlier import of the same file that it no
    longer lists are reported (removed with --remove-missing). Rows that cannot be matched, or
    whose loan overlaps another of the same player, are refused and listed; the others land.

    Exit status: 0 when every row landed (warnings, e.g. a start date after his first match for
    the host club, are printed); 1 when a row was refused; 2 when the file is not a loan list.
    """
    lw = open_store(store)
    try:
        result = lw.portfolio.import_loan_list(file, sheet=sheet, remove_missing=remove_missing)
    except (OSError, ValueError) as err:
        err_console.print(f"[red]error[/red] {file}: {err}")
        raise typer.Exit(2) from None
    console.print(
        f"Imported {len(result.imported)} loan spells from {file}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )
    for name in result.created_players:
        console.print(f"  player {name} created from the list (no match data for his competition)")
    for name in result.created_clubs:
        console.print(f"  club {name} created from the list (no match data for its competition)")
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow] {warning}")
    for spell in result.not_in_list:
        verb = (
            "removed"
            if spell in result.removed
            else "no longer in the list (kept; --remove-missing removes it)"
        )
        err_console.print(
            f"[yellow]{verb}[/yellow] {spell['player_name']} at {spell['host_club_name']} "
            f"{spell['start_date']} to {spell['end_date']} (from {spell['source']})"
        )
    for problem in result.problems:
        err_console.print(f"[red]not imported[/red] {problem}")
    if result.problems:
        raise typer.Exit(1)


@portfolio_app.command("list")
def portfolio_list(owner: OwnerOption = None, store: StoreOption = None) -> None:
    """The loan spells with their owner club and terms (with --owner: one owner's; the terms only for a
    role that may see them)."""
    lw = open_store(store, owner=owner)
    spells = lw.portfolio.loan_spells(owner)
    title = f"Loan spells ({len(spells)})" + (f" owned by {owner}" if owner else "")
    table = Table(title=title)
    terms_shown = sees_terms(lw.ctx.role)  # a role that may not see them gets no empty columns for them
    columns = ("Player", "Owner", "Host club", "Competition", "From", "To")
    for col in columns + (("Type", "Fee (EUR)", "Trigger") if terms_shown else ()):
        table.add_column(col)
    notes: list[str] = []
    for s in spells:
        terms = s.terms
        fee = (terms.obligation_fee_eur or terms.option_fee_eur) if terms else None
        competition = s.competition_name if s.has_match_data else (
            f"{s.competition_name or '?'} (no match data for this competition)"
        )
        flag = " [yellow]![/yellow]" if s.warnings else ""
        row = [s.player_name + flag, s.owner_name, s.host_club_name, competition]
        row += [str(s.start_date), str(s.end_date)]
        if terms_shown:
            row += [
                terms.loan_type.replace("_", " ") if terms else "",
                f"{fee:,}" if fee else "",
                terms.obligation_trigger if terms else "",
            ]
        table.add_row(*row)
        notes.extend(f"{s.player_name}: {describe_warning(w)}" for w in s.warnings)
    console.print(table)
    for note in notes:
        console.print(f"[yellow]![/yellow] {note}")
