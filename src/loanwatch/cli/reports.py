"""``loanwatch report`` (one player's report, or --all) and ``loanwatch demo`` (the shipped sample,
end to end)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loanwatch.cli.common import (
    AsOfOption,
    MinMinutesOption,
    OwnerOption,
    ReferenceOption,
    StoreOption,
    console,
    err_console,
    open_store,
    owned,
    parse_date,
    print_summary,
    progress,
)

if TYPE_CHECKING:
    from loanwatch.services import Services
    from loanwatch.services.reports import ReportOptions


def report(
    name: Annotated[str | None, typer.Argument(help="The player's name (or --all).")] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the report in.")] = Path("reports"),
    as_of: AsOfOption = None,
    lang: Annotated[str, typer.Option("--lang", help="it, en or fr.")] = "en",
    fmt: Annotated[str, typer.Option("--format", help="pdf or html.")] = "html",
    edition: Annotated[
        str, typer.Option("--edition", help="coach (no fees or contract terms) or director.")
    ] = "coach",
    every: Annotated[bool, typer.Option("--all", help="Every player of the portfolio.")] = False,
    min_minutes: MinMinutesOption = None,
    owner: OwnerOption = None,
    reference_league: ReferenceOption = None,
    store: StoreOption = None,
) -> None:
    """Write the player's report (A4 PDF or HTML, in Italian, English or French), or --all of them."""
    if lang not in ("it", "en", "fr"):
        raise typer.BadParameter(f"{lang!r}: it, en or fr", param_hint="--lang")
    if fmt not in ("pdf", "html"):
        raise typer.BadParameter(f"{fmt!r}: pdf or html", param_hint="--format")
    if edition not in ("coach", "director"):
        raise typer.BadParameter(f"{edition!r}: coach or director", param_hint="--edition")
    if (name is None) == (not every):
        raise typer.BadParameter("give a player's name or --all, not both")
    lw = open_store(store)
    min_minutes = lw.ctx.settings.min_minutes if min_minutes is None else min_minutes
    options: ReportOptions = {
        "lang": lang,
        "fmt": fmt,
        "edition": edition,
        "min_minutes": min_minutes,
        "reference_league": reference_league,
    }
    from loanwatch.metrics.league import resolve_reference

    try:
        resolve_reference("", chosen=reference_league)  # a league the table does not know: said now
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--reference-league") from None
    if every:
        owned(lw, owner)
        with progress("Reports") as update:
            paths = lw.reports.write_all(out, parse_date(as_of), progress=update, owner=owner, **options)
        console.print(f"{len(paths)} reports written to {out}")
        return
    path = lw.reports.write(lw.players.resolve(str(name)), out, parse_date(as_of), **options)
    console.print(f"Report written: {path}")


def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the reports in.")] = Path("reports"),
    train: Annotated[
        bool, typer.Option("--train/--no-train", help="Train the models (about a minute).")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Ingest the shipped Serie A 2017/18 sample, import the example loan list, train the models,
    and write every loanee's report (HTML for the coach, PDF for the sporting director)."""
    started = datetime.now()
    lw = open_store(store)
    console.print(f"Store: {lw.ctx.location}")
    with progress("Ingesting the sample") as update:
        result = lw.ingest.demo(
            out, update, train=train, step=lambda msg: err_console.print(f"[bold]…[/bold] {msg}")
        )
    print_summary(result.ingest, lw)
    console.print(f"Portfolio: {len(result.portfolio.imported)} loan spells imported")
    for problem in result.portfolio.problems:
        err_console.print(f"[yellow]not imported[/yellow] {problem}")
    for path in result.reports:
        console.print(f"Report: {path}")
    demo_users(lw, store)
    console.print(f"Done in {(datetime.now() - started).total_seconds():.1f} s")


def demo_users(lw: Services, store: str | None) -> None:
    """The demo store's users, one per role (services.users.DEMO_USERS), added by the admin at the
    terminal; their passwords are printed when they are added, and how to open the web app."""
    from loanwatch.access import Role
    from loanwatch.services import Services
    from loanwatch.services.users import DEMO_USERS

    admin = Services(lw.ctx.as_role(Role.ADMIN)).users
    known = {u.name for u in admin.users()}
    added = [(name, role, password) for name, role, password in DEMO_USERS if name not in known]
    for name, role, password in added:
        admin.add_user(name, role, password)
    where = f" --store {store}" if store else ""
    console.print(f"Web app: `loanwatch serve{where}`, then open http://127.0.0.1:8000/ in a browser")
    if added:
        console.print("Demo users (this demo store only; user / password):")
        for name, role, password in added:
            console.print(f"  {name} / {password}  ({role.value})")
    else:
        console.print(f"Demo users: {', '.join(n for n, _, _ in DEMO_USERS)} (added by the first demo run)")
