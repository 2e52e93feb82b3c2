"""The ``loanwatch`` command. Presentation only: every action is a call to the services
(``loanwatch.services``), acting as the local user (the setting ``role``, by default the director).

One module per command group; ``common`` holds what they share (consoles, options, tables, and
``handle_errors``, the one place where an error of ``loanwatch.errors`` becomes an exit status):

- ``ingest``: ``ingest``, ``update`` (ingest, the incremental metrics step, the alerts)
- ``portfolio``: ``portfolio import|list``
- ``market``: ``squad import|list``, ``market depth``, ``rules check``
- ``player``: ``player``
- ``reports``: ``report``, ``demo``
- ``tracking``: ``digest``, ``alerts list|dismiss``
- ``models``: ``models train``
- ``metrics``: ``metrics export`` (a season's profiles; ``--parquet DIR``: per-match stats)
- ``watchlist``: ``watchlist add|show``
- ``notes``: ``notes add``
- ``plan``: ``market decide|undecide|plan``
- ``similar``: ``market similar`` (the ``market`` group, issue 11)
- ``users``: ``users add|list|disable``, ``serve`` (the web app: ``loanwatch.web``, loaded when it runs)
"""

from __future__ import annotations

import typer

from loanwatch.cli import (
    ingest,
    market,
    metrics,
    models,
    notes,
    plan,
    player,
    portfolio,
    reports,
    similar,
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
app.command()(ingest.update)
app.command()(player.player)
app.command()(reports.report)
app.command()(reports.demo)
app.command()(users.serve)
app.add_typer(portfolio.portfolio_app, name="portfolio")
app.add_typer(market.squad_app, name="squad")
app.add_typer(market.market_app, name="market")
market.market_app.command()(plan.decide)  # the plan's commands (cli/plan.py), in the market group
market.market_app.command()(plan.undecide)
market.market_app.command("plan")(plan.plan)
market.market_app.command("similar")(similar.similar)  # replacements and similar players (cli/similar.py)
app.add_typer(market.rules_app, name="rules")
app.add_typer(models.models_app, name="models")
app.add_typer(metrics.metrics_app, name="metrics")
app.add_typer(tracking.alerts_app, name="alerts")
app.add_typer(watchlist.watchlist_app, name="watchlist")
app.add_typer(notes.notes_app, name="notes")
app.add_typer(users.users_app, name="users")

__all__ = ["app"]
