"""``loanwatch notes add``: scout notes on players."""

from __future__ import annotations

from typing import Annotated

import typer

from loanwatch.cli.common import StoreOption, console, open_store, parse_date

notes_app = typer.Typer(help="Scout notes on players.", no_args_is_help=True)


@notes_app.command("add")
def notes_add(
    name: Annotated[str, typer.Argument(help="The player's name.")],
    author: Annotated[str, typer.Option("--author", help="Who wrote it.")],
    text: Annotated[str, typer.Option("--text", help="The note.")],
    written_on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")] = None,
    store: StoreOption = None,
) -> None:
    """Add a scout note on a player."""
    lw = open_store(store)
    note_id = lw.tracking.add_note(lw.players.resolve(name), author, text, parse_date(written_on, "--date"))
    console.print(f"Note #{note_id} added")
