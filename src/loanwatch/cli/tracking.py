"""``loanwatch digest`` (the weekly digest) and ``loanwatch alerts list|dismiss``: what happened and
what needs a decision, as of any date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from loanwatch.cli.common import (
    AsOfOption,
    OwnerOption,
    StoreOption,
    console,
    err_console,
    open_store,
    parse_date,
)
from loanwatch.tracking.timeline import status_label

alerts_app = typer.Typer(help="Alerts: what needs a decision, as of any date.", no_args_is_help=True)

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        envvar="LOANWATCH_ALERTS",
        help="The club's alert settings (TOML over loanwatch/tracking/alerts.toml).",
    ),
]

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def _severity(text: str) -> str:
    return f"[{SEVERITY_STYLE.get(text, '')}]{text}[/]"


# Bookkeeping of the rules, not evidence a reader weighs (the title already says the rest).
_EVIDENCE_HIDDEN = frozenset({"ongoing", "critical_after", "escalated_on", "last_matches", "matches_since"})


def _evidence(evidence: dict[str, Any]) -> str:
    """An alert's evidence for the terminal: its figures in words, the last five matches behind it."""
    if "explanation" in evidence:
        return str(evidence["explanation"])
    parts = []
    for key, value in evidence.items():
        if key in _EVIDENCE_HIDDEN:
            continue
        if key in ("matches", "counted_matches") and isinstance(value, list):
            shown = value[-5:]
            more = f"{len(value) - len(shown)} earlier, then " if len(value) > len(shown) else ""
            parts.append(
                f"{key.replace('_', ' ')}: {more}"
                + ", ".join(f"{m['date']} {str(m['status']).replace('_', ' ')}" for m in shown)
            )
        elif value not in (None, "", [], {}):
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def digest(
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2018-W03.")] = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the digest as JSON.")] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="pdf or html: write the coach's one-page digest.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="it, en or fr (with --format).")] = "en",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (with --format).")] = None,
    config: ConfigOption = None,
    owner: OwnerOption = None,
    store: StoreOption = None,
) -> None:
    """The weekly digest: per loanee and watched player, the week's matches and what changed, alerts first."""
    lw = open_store(store, config, owner)
    try:
        d = lw.tracking.digest(week, parse_date(as_of), owner=owner)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--week") from None
    if fmt is not None:
        if fmt not in ("pdf", "html"):
            raise typer.BadParameter("pdf or html", param_hint="--format")
        path = out or Path(f"digest-{d.week}.{lang}.{fmt}")
        lw.reports.write_digest(d, path, lang=lang, fmt=fmt)
        console.print(f"Digest written: {path}")
        return
    if as_json:
        console.print_json(json.dumps(d.as_dict(), default=str))
        return
    console.print(f"[bold]Digest {d.week}[/bold] ({d.start} - {d.end}, as of {d.as_of})")
    if not d.entries:
        console.print("No loan spell active and no watched player on this date.")
    for e in d.entries:
        label = f"{e.player_name} ({e.club})" + (
            f"  [dim]watchlist {e.watchlist}[/dim]" if e.watchlist else ""
        )
        console.rule(label, align="left")
        for a in e.alerts:
            tag = "NEW " if a.get("new") else ""
            console.print(f"  {_severity(a['severity'])} {tag}#{a['id']} {a['title']}")
        for change in e.changes:
            console.print(f"  • {change}")
        for ln in e.matches:
            extra = f", {ln.role.replace('_', ' ')}" if ln.role else ""
            vaep = f", VAEP {ln.vaep:.2f}" if ln.vaep is not None and ln.appeared else ""
            console.print(
                f"  {ln.kickoff:%a %d %b} {'vs' if ln.home else 'at'} {ln.opponent} "
                f"{ln.result} ({ln.outcome}): "
                f"{status_label(ln.status)}, {ln.minutes:.0f} min{extra}{vaep}"
                + (f", {ln.goals} G" if ln.goals else "")
                + (f", {ln.assists} A" if ln.assists else "")
            )
        if not e.matches:
            console.print("  [dim]no match this week[/dim]")


@alerts_app.command("list")
def alerts_list(
    as_of: AsOfOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every alert raised by then, dismissed and past ones too.")
    ] = False,
    config: ConfigOption = None,
    owner: OwnerOption = None,
    store: StoreOption = None,
) -> None:
    """Open alerts as of a date (computed, and the new ones stored), most severe first."""
    lw = open_store(store, config, owner)
    day = parse_date(as_of) or lw.tracking.default_as_of()
    rows = lw.tracking.alerts(day, include_all=show_all, owner=owner)
    order = {"critical": 0, "warning": 1, "info": 2}
    rows.sort(key=lambda r: (r.status != "open", order.get(r.severity, 9), str(r.raised_on)))
    table = Table(title=f"Alerts as of {day} ({len(rows)}{', every one raised by then' if show_all else ''})")
    for col in ("ID", "Severity", "Raised", "Alert", "Evidence", "Status"):
        table.add_column(col, no_wrap=col in ("ID", "Severity", "Raised"))
    for r in rows:
        status = r.status
        if status == "dismissed":
            status = f"dismissed by {r.dismissed_by}: {r.dismiss_reason}"
        table.add_row(
            str(r.id),
            _severity(r.severity),
            str(r.raised_on),
            r.title,
            _evidence(r.evidence),
            status,
        )
    console.print(table)


@alerts_app.command("dismiss")
def alerts_dismiss(
    alert_id: Annotated[int, typer.Argument(help="The alert's ID (alerts list).")],
    by: Annotated[str, typer.Option("--by", help="Who dismisses it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    store: StoreOption = None,
) -> None:
    """Dismiss an alert, saying who and why; it stays dismissed when computed again."""
    lw = open_store(store)
    try:
        done = lw.tracking.dismiss_alert(alert_id, by, reason)
    except ValueError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from None
    if not done:
        err_console.print(f"[red]no alert #{alert_id}[/red]")
        raise typer.Exit(1)
    console.print(f"Alert #{alert_id} dismissed by {by}: {reason}")
