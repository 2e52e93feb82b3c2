"""``loanwatch ingest``: match files, match sheets, players and teams into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loanwatch.cli.common import (
    SchedulerOption,
    StoreOption,
    WorkersOption,
    console,
    err_console,
    open_store,
    print_summary,
    progress,
)
from loanwatch.ingest.errors import IngestError

AcceptScoreMismatchOption = Annotated[
    bool,
    typer.Option(
        "--accept-score-mismatch",
        help="Store a match whose events do not add up to its score (a partial feed) with a "
        "warning, instead of rejecting it. Any provider.",
    ),
]


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    provider: Annotated[
        str, typer.Option(help="wyscout (folders of the public data set), or any format kloppy reads.")
    ] = "wyscout",
    metadata: Annotated[
        Path | None, typer.Option(help="The lineup / match sheet file that goes with an event file.")
    ] = None,
    accept_score_mismatch: AcceptScoreMismatchOption = False,
    store: StoreOption = None,
) -> None:
    """Ingest match files, match sheets, players and teams. Files already ingested are skipped.

    A bad file, or a bad entry of a players / teams / match-sheet file, is rejected with a message
    naming it and the problem; everything good in the same run lands. A match the store can hold
    truthfully despite a data problem is stored with a named warning (printed, and shown in reports).

    Exit status: 0 when every input landed (warnings may have been printed); 1 when something
    was rejected (each is listed; rerun once it is fixed: what landed is skipped); 2 on bad
    arguments.
    """
    lw = open_store(store)
    if provider == "wyscout":
        with progress("Ingesting") as update:
            summary = lw.ingest.ingest(paths, update, accept_score_mismatch=accept_score_mismatch)
    else:
        from loanwatch.ingest.pipeline import IngestSummary

        summary = IngestSummary()
        for p in paths:
            try:
                one = lw.ingest.ingest_file(
                    p, provider, metadata, accept_score_mismatch=accept_score_mismatch
                )
            except IngestError as err:
                summary.rejected += 1
                summary.errors.append(err)
                continue
            for key, value in one.as_dict().items():
                setattr(summary, key, getattr(summary, key) + value)
            summary.errors.extend(one.errors)
            summary.warnings.extend(one.warnings)
    print_summary(summary, lw)
    if summary.rejected:
        raise typer.Exit(1)


def update(
    paths: Annotated[list[Path], typer.Argument(help="Folders or files of the new matches (Wyscout).")],
    accept_score_mismatch: AcceptScoreMismatchOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
) -> None:
    """The weekly routine: ingest the new matches, rate them with the current models, refresh the alerts.

    Files already ingested are skipped. The new matches are converted to SPADL actions and rated
    with the model versions in the store (no retraining: what is stored already does not change);
    their per-match stats are stored and the alerts refreshed. The models are trained again only
    when the matches grew by the setting retrain_growth (default 0.2: 20%) since they were trained,
    or on `loanwatch models train --retrain`.

    Exit status: 0 when every input landed; 1 when something was rejected (each is listed; the
    rest landed and was rated); 2 on bad arguments.
    """
    lw = open_store(store)
    with progress("Ingesting") as bar:
        run = lw.ingest.update(
            paths,
            bar,
            accept_score_mismatch=accept_score_mismatch,
            step=lambda msg: err_console.print(f"[bold]…[/bold] {msg}"),
            workers=workers,
            scheduler=scheduler,
        )
    print_summary(run.ingest, lw)
    m = run.metrics
    versions = ", ".join(f"{k} v{v.version}" for k, v in m.models.items() if v is not None)
    how = "models trained again" if m.retrained else "no retraining"
    console.print(
        f"{m.rated} matches rated with {versions} ({how}; {m.new_actions} new actions; "
        f"{m.matches} matches in the store; on {m.ran_on})"
    )
    console.print(f"{len(run.alerts)} alerts live")
    if run.ingest.rejected:
        raise typer.Exit(1)
