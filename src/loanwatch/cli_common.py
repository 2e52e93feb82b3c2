"""What every `loanwatch` command shares: the consoles, the --store and --as-of options, and the
one place where errors a user can act on become one line and an exit status (``handle_errors``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from loanwatch.api import Loanwatch
from loanwatch.errors import LoanwatchError

console = Console()
err_console = Console(stderr=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="LOANWATCH_STORE",
        help="A SQLite file path or a database URL. Default: loanwatch.db in the current folder.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Only what was known on this date (YYYY-MM-DD). Default: the latest data."),
]

OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only the loans of this owner club (a store may hold several owners' loans: a group, "
        "an agency).",
    ),
]


def owned(lw: Loanwatch, owner: str | None) -> set[int] | None:
    """The owner's loanees (ids), or None without --owner; an unknown owner is a usage error."""
    try:
        return lw.owned_player_ids(owner)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--owner") from None


def fit_width() -> None:
    """Piped or captured output gets a wide page: Rich would otherwise wrap tables at 80 columns."""
    if not sys.stdout.isatty():
        console.width = err_console.width = max(int(os.environ.get("COLUMNS") or 0), 160)


def open_store(store: str | None) -> Loanwatch:
    fit_width()
    return Loanwatch(store)


def parse_date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


# Errors a user can act on (the one tree of loanwatch.errors), each printed as its one-line
# message; the exit status is the class's ``exit_status`` (see the table in loanwatch/errors.py).
# Anything else is a bug and is raised.
USER_ERRORS: tuple[type[Exception], ...] = (LoanwatchError,)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn a user-facing error into a red line on stderr and ``typer.Exit(status)``."""
    try:
        yield
    except USER_ERRORS as err:
        err_console.print(f"[red]{escape(str(err))}[/red]")
        raise typer.Exit(int(getattr(err, "exit_status", 1))) from None


class Commands(TyperGroup):
    """The ``loanwatch`` command group: every command and sub-command runs inside handle_errors."""

    def invoke(self, ctx: Any) -> Any:
        with handle_errors():
            return super().invoke(ctx)
