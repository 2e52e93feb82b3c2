"""The ``loanwatch`` command. Presentation only: every action is a call to the services
(``loanwatch.services``), acting as the local user (the setting ``role``, by default the director).

One module per command group; ``common`` holds what they share (consoles, options, tables, and
``handle_errors``, the one place where an error of ``loanwatch.errors`` becomes an exit status):

- ``ingest``: ``ingest``
- ``portfolio``: ``portfolio import|list``
- ``player``: ``player``
- ``reports``: ``report``, ``demo``
- ``tracking``: ``digest``, ``alerts list|dismiss``
- ``models``: ``models train``
- ``metrics``: ``metrics export``
- ``watchlist``: ``watchlist add|show``
- ``notes``: ``notes add``
- ``users``: ``users add|list|disable``, ``serve`` (the web app: ``loanwatch.web``, loaded when it runs)
"""

from __future__ import annotations

import typer

from loanwatch.cli import (
    ingest,
    metrics,
    models,
    notes,
    player,
    portfolio,
    reports,
    tracking,
    users,
    watchlist,
)
from loanwatch.cli.common import Commands

app = typer.Typer(
    help="Follow a club's players on loan from real match data.", no_args_is_help=True, cls=Commands
)
# The order of `loanwatch --help`: the commands, then the groups.
app.command()(tracking.digest)
app.command()(ingest.ingest)
app.command()(player.player)
app.command()(reports.report)
app.command()(reports.demo)
app.command()(users.serve)
app.add_typer(portfolio.portfolio_app, name="portfolio")
app.add_typer(models.models_app, name="models")
app.add_typer(metrics.metrics_app, name="metrics")
app.add_typer(tracking.alerts_app, name="alerts")
app.add_typer(watchlist.watchlist_app, name="watchlist")
app.add_typer(notes.notes_app, name="notes")
app.add_typer(users.users_app, name="users")

__all__ = ["app"]
