"""``loanwatch watchlist add|show``: young talents the club does not own, followed as loanees are."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from loanwatch.cli.common import AsOfOption, StoreOption, console, open_store, parse_date, timeline_table
from loanwatch.portfolio.names import display_name
from loanwatch.tracking.timeline import SpellTimeline

watchlist_app = typer.Typer(help="Young talents the club does not own.", no_args_is_help=True)


@watchlist_app.command("add")
def watchlist_add(
    name: Annotated[str, typer.Argument(help="The player's name.")],
    watchlist: Annotated[str, typer.Option("--list", help="The watchlist's name.")],
    note: Annotated[str, typer.Option("--note", help="Why he is watched.")] = "",
    store: StoreOption = None,
) -> None:
    """Add a player to a watchlist."""
    lw = open_store(store)
    player = lw.tracking.watch(lw.players.resolve(name), watchlist, note)
    console.print(f"{display_name(player.record())} added to watchlist {watchlist}")


def _timeline_table(tl: SpellTimeline) -> Table:
    return timeline_table(
        tl,
        lambda ln: f"{ln.result} {ln.outcome}",
        [
            ("Share", lambda ln: f"{ln.share:.0%}"),
            ("Role", lambda ln: ln.role.replace("_", " ")),
            ("xG", lambda ln: _figure(ln.xg)),
            ("xA", lambda ln: _figure(ln.xa)),
            ("VAEP", lambda ln: _figure(ln.vaep)),
        ],
    )


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


@watchlist_app.command("show")
def watchlist_show(
    watchlist: Annotated[str | None, typer.Argument(help="The watchlist (all when omitted).")] = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Watched players, match by match this season, as for loanees."""
    lw = open_store(store)
    entries = lw.tracking.watchlist(watchlist, parse_date(as_of))
    if not entries:
        console.print("No watched player.")
    for e in entries:
        name = display_name(e.player.record())
        console.print(f"[bold]{name}[/bold]  [dim]{e.watchlist}[/dim]  {e.note}")
        for tl in e.timelines:
            console.print(_timeline_table(tl))
        for n in e.notes:
            console.print(f"  note {n.written_on} {n.author}: {n.text}")
