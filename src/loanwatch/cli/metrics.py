"""``loanwatch metrics export``: every player's season profile, for analysts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loanwatch.cli.common import (
    MinMinutesOption,
    SchedulerOption,
    StoreOption,
    WorkersOption,
    console,
    err_console,
    open_store,
)

metrics_app = typer.Typer(
    help="Per-90 figures, percentiles and action values for analysts.", no_args_is_help=True
)


@metrics_app.command("export")
def metrics_export(
    season: Annotated[str | None, typer.Option(help="Season, e.g. 2017/18 (tournaments: 2016).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Output file. Default: metrics-<season>.<format>")] = None,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Instead: every player's per-match stats of every season, as a Parquet data set "
            "in this folder, partitioned by competition and season.",
        ),
    ] = None,
    min_minutes: MinMinutesOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
) -> None:
    """Every player's season profile: totals, per 90, percentiles against his role's peers.

    With --parquet DIR: every player's per-match stats (the values `models train` and `update`
    stored), in DIR/competition=.../season=.../*.parquet (pyarrow, polars, DuckDB, dask read it).
    """
    lw = open_store(store)
    if parquet is not None:
        written = lw.metrics.export_partitioned(parquet, workers=workers, scheduler=scheduler)
        console.print(f"{written.rows} player matches written to {written.path}")
        return
    if season is None:
        err_console.print(
            "[red]Give --season (a season's profiles) or --parquet DIR (per-match stats).[/red]"
        )
        raise typer.Exit(2)
    min_minutes = lw.ctx.settings.min_minutes if min_minutes is None else min_minutes
    path = out or Path(f"metrics-{season.replace('/', '-')}.{fmt}")
    try:
        done = lw.metrics.export(season, path, fmt, min_minutes=min_minutes)
    except ValueError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from None
    console.print(f"{done.rows} player seasons written to {done.path}")
