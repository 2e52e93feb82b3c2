"""What every `loanwatch` command shares: the consoles, the shared options (--store, --as-of,
--owner, --min-minutes, --reference-league), the progress bar, the tables two commands print (the
ingest summary, a spell match by match), and the one place where errors a user can act on become
one line and an exit status (``handle_errors``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from loanwatch.errors import LoanwatchError
from loanwatch.settings import MIN_MINUTES
from loanwatch.tracking.timeline import MatchLine, SpellTimeline, status_label

if TYPE_CHECKING:  # the services (pandas, the models, the store) load when a command runs, not for --help
    from loanwatch.ingest.pipeline import IngestSummary
    from loanwatch.services import Services

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

ReferenceOption = Annotated[
    str | None,
    typer.Option(
        "--reference-league",
        help="League to adjust per-90 figures to (default: the owner club's league; "
        "setting: LOANWATCH_REFERENCE_LEAGUE).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Run the per-partition metrics steps on a local Dask cluster of N worker processes.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the per-partition metrics steps on this Dask scheduler (tcp://host:8786; "
        "setting: LOANWATCH_DASK_SCHEDULER). Its workers open the store themselves.",
    ),
]
MinMinutesOption = Annotated[
    float | None,
    typer.Option(
        help=f"Minutes to be in a peer group (default: {MIN_MINUTES}; setting: LOANWATCH_MIN_MINUTES)."
    ),
]


def owned(svc: Services, owner: str | None) -> set[int] | None:
    """The owner's loanees (ids), or None without --owner; an unknown owner is a usage error."""
    try:
        return svc.portfolio.owned_player_ids(owner)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--owner") from None


def fit_width() -> None:
    """Piped or captured output gets a wide page: Rich would otherwise wrap tables at 80 columns."""
    if not sys.stdout.isatty():
        console.width = err_console.width = max(int(os.environ.get("COLUMNS") or 0), 160)


def open_store(store: str | None, config: str | None = None, owner: str | None = None) -> Services:
    """The services over the store (--store), acting as the local user with the setting ``role``
    (LOANWATCH_ROLE; default: the director, the person at the terminal owns the store); with the
    club's alert settings (--config) when given; an unknown --owner is a usage error."""
    fit_width()
    from loanwatch.services import Context, Services

    svc = Services(Context.open(store))
    if config:
        svc.tracking.configure_alerts(config)
    if owner is not None:
        owned(svc, owner)
    return svc


def parse_date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


@contextmanager
def progress(label: str) -> Iterator[Any]:
    """A progress bar on stderr; yields ``update(name, done, total)``."""
    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[file]}"),
        console=err_console,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None, file="")

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, file=name)

        yield update


def print_summary(summary: IngestSummary, store: Services) -> None:
    """What an ingest did (``ingest``, ``demo``): counts, then each warning and rejection."""
    table = Table(title="Ingest summary", show_header=False)
    for key, value in summary.as_dict().items():
        table.add_row(key, f"{value:,}")
    if flagged := len({(path, match_id) for path, match_id, _ in summary.warnings}):
        table.add_row("stored with warnings", f"{flagged:,}")
    console.print(table)
    for path, match_id, w in summary.warnings:
        err_console.print(f"[yellow]stored with a warning[/yellow] {path} (match {match_id}): {w.text}")
    for err in summary.errors:
        err_console.print(f"[red]rejected[/red] {err.path}: {err.problem}")
    console.print(f"Store: {store.ctx.location}")


Column = tuple[str, Callable[[MatchLine], str]]
"""A column of a timeline table: its header and the cell of one match."""

_TIMELINE_TEXT = frozenset({"Date", "Opponent", "Status", "Role"})


def timeline_table(
    timeline: SpellTimeline,
    result: Callable[[MatchLine], str],
    figures: Sequence[Column],
    *,
    figures_right: bool = False,
) -> Table:
    """A spell match by match: date, opponent, result, status, minutes, then the caller's figures
    (``player``: goals, assists, shots, passes; ``watchlist show``: share, role, xG, xA, VAEP)."""
    spell = timeline.spell
    table = Table(title=f"{spell['host_club_name']} ({spell['start_date']} - {spell['end_date']})")
    columns: list[Column] = [
        ("Date", lambda ln: f"{ln.kickoff:%Y-%m-%d}"),
        ("Opponent", lambda ln: f"{ln.opponent} ({'H' if ln.home else 'A'})"),
        ("Result", result),
        ("Status", lambda ln: status_label(ln.status)),
        ("Min", lambda ln: f"{ln.minutes:.0f}"),
        *figures,
    ]
    for header, _ in columns:
        table.add_column(
            header,
            justify="right" if figures_right and header not in _TIMELINE_TEXT else "left",
            no_wrap=header != "Opponent",  # a status or date split over two lines is misread
        )
    for line in timeline.lines:
        table.add_row(*(cell(line) for _, cell in columns))
    return table


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
