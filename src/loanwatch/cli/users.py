"""``loanwatch users add|list|disable``: the web app's users, and ``loanwatch serve``: the web app.

At the terminal the ``users`` commands act as the admin (whoever may open the store file
administers it), unless the setting ``role`` names another role (then that role's rights apply:
a coach may not add users)."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from loanwatch.cli.common import StoreOption, console, err_console, fit_width

if TYPE_CHECKING:
    from loanwatch.services import Services

users_app = typer.Typer(help="The web app's users (loanwatch serve).", no_args_is_help=True)

ROLES = "director|coach|scout|analyst|admin"


def admin_services(store: str | None) -> Services:
    """The services over the store, as the admin at the terminal (or the setting ``role``)."""
    fit_width()
    from loanwatch.access import Role, role_of
    from loanwatch.services import Context, Services, User
    from loanwatch.settings import Settings

    settings = Settings.load(store=store)
    role = Role.ADMIN if settings.source("role") == "default" else role_of(settings.role)
    return Services(Context.open(store, settings=settings, user=User("local", role)))


def read_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise typer.BadParameter("the two passwords differ")
    return first


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name (no spaces).")],
    role: Annotated[str, typer.Option("--role", help=f"One of {ROLES} (docs/web.md: what each may do).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Add a user of the web app. The password is read from the terminal (not echoed), or from
    standard input with --password-stdin; it is stored as an Argon2 hash only."""
    svc = admin_services(store)
    password = read_password(name, password_stdin)
    account = svc.users.add_user(name, role, password)
    console.print(f"User {account.name} added ({account.role})")


@users_app.command("list")
def users_list(store: StoreOption = None) -> None:
    """The users: name, role, whether they may log in, language, as-of date."""
    svc = admin_services(store)
    table = Table("name", "role", "active", "language", "as of", "created")
    for u in svc.users.users():
        table.add_row(
            u.name,
            u.role,
            "yes" if u.active else "no (disabled)",
            u.lang,
            u.as_of.isoformat() if u.as_of else "",
            u.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(help="The user name.")],
    store: StoreOption = None,
) -> None:
    """The user may no longer log in; his sessions and API tokens end now."""
    account = admin_services(store).users.disable_user(name)
    console.print(f"User {account.name} disabled")


def serve(
    host: Annotated[
        str, typer.Option(help="The address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port.")] = 8000,
    store: StoreOption = None,
) -> None:
    """Serve the web app and the JSON API (/api/v1, /docs) on the store: SQLite, or PostgreSQL
    with a postgresql:// URL. Users log in with the accounts of `loanwatch users add`."""
    fit_width()
    import uvicorn

    from loanwatch.settings import Settings
    from loanwatch.web.app import create_app

    settings = Settings.load(store=store)
    app = create_app(settings)
    web = app.state.web
    if not admin_services(store).users.users():
        err_console.print(
            "[yellow]No users yet:[/yellow] add one with `loanwatch users add NAME --role admin`"
        )
    console.print(f"Store: {web.base.location}")
    console.print(f"Open http://{host}:{port}/ in a browser (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="info")
