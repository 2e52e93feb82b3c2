"""``loanwatch market similar``: replacements and similar players, by style and by output."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from loanwatch.cli.common import MinMinutesOption, StoreOption, console, err_console, open_store

if TYPE_CHECKING:
    from loanwatch.services.models import SimilarPlayer


def _table(title: str, rows: list[SimilarPlayer], lead: str) -> Table:
    from loanwatch.reports import vocab
    from loanwatch.reports.similar import feature_text

    table = Table(title=title)
    for header in (
        "#",
        "Player",
        "Age",
        "Club",
        "Competition",
        "Role",
        "Min",
        lead,
        "Other",
        "Close on",
        "Differs most on",
    ):
        table.add_column(
            header, justify="right" if header in ("#", "Age", "Min", lead, "Other") else "left"
        )
    for c in rows:
        style, output = (
            f"{c.style_distance:.2f}",
            "–" if c.output_distance is None else f"{c.output_distance:.1f}",
        )
        first, second = (style, output) if lead == "Style d." else (output, style)
        table.add_row(
            str(c.rank),
            c.player.display_name,
            "–" if c.age is None else str(c.age),
            c.club,
            c.competition,
            vocab.ROLES.get(c.role, c.role),
            f"{c.minutes:.0f}",
            first,
            second,
            "; ".join(feature_text("en", f.model_dump()) for f in c.close),
            "; ".join(feature_text("en", f.model_dump()) for f in c.apart),
        )
    return table


def similar(
    name: Annotated[
        str, typer.Argument(help="The player to find replacements for, as you write his name.")
    ],
    role: Annotated[
        str | None,
        typer.Option(
            help="Only players of this role (centre_back, winger, ...; 'any': every role). Default: his."
        ),
    ] = None,
    max_age: Annotated[int | None, typer.Option(help="At most this age at the season's end.")] = None,
    min_minutes: MinMinutesOption = None,
    competition: Annotated[
        list[str] | None, typer.Option("--competition", help="Only this competition (repeat for several).")
    ] = None,
    season: Annotated[str | None, typer.Option(help="Season, e.g. 2017/18. Default: his latest.")] = None,
    top: Annotated[int, typer.Option(help="Players shown per search.")] = 10,
    out: Annotated[
        Path | None,
        typer.Option(help="Write radars and heatmaps (PNG) and an HTML page that shows them here."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the page: it, en or fr.")] = "en",
    store: StoreOption = None,
) -> None:
    """Players like NAME in every ingested competition, by style (where each kind of action starts,
    player vectors) and by output (per-90 percentiles within the role, league-adjusted), each with
    what makes him close and what differs most. Exit status 1 for an unknown name or a player
    with too few minutes."""
    lw = open_store(store)
    ref = lw.players.resolve(name)
    result = lw.similar.similar(
        ref,
        role=role,
        max_age=max_age,
        min_minutes=min_minutes,
        competitions=competition or (),
        season=season,
        top=top,
    )
    from loanwatch.reports import vocab

    t = result.target
    console.print(
        f"[bold]{t.player.display_name}[/bold]: {t.club}, {t.competition} {t.season}, "
        f"{vocab.ROLES.get(t.role, t.role)}, "
        f"{t.minutes:.0f} minutes{'' if t.age is None else f', {t.age} years old'}"
    )
    console.print(
        f"[dim]{result.pool} player-seasons of {result.season} searched "
        f"(role {vocab.ROLES.get(result.role, result.role)}, "
        f"at least {result.min_minutes:.0f} minutes"
        f"{'' if result.max_age is None else f', at most {result.max_age} years old'}; "
        f"{', '.join(result.competitions)})[/dim]"
    )
    console.print(_table("By style (player vectors; distance: Manhattan)", result.style, "Style d."))
    console.print(
        _table("By output (per-90 percentiles in the role; distance: mean gap)", result.output, "Output d.")
    )
    if out is not None:
        files = lw.similar.write(result, out, lang=lang)
        err_console.print(f"{len(files)} files written to {out} (open {files[-1]})")
