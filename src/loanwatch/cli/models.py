"""``loanwatch models train``: the VAEP, xT and xG models, versioned in the store."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from loanwatch.cli.common import (
    SchedulerOption,
    StoreOption,
    WorkersOption,
    console,
    err_console,
    open_store,
)

models_app = typer.Typer(
    help="The VAEP, xT and xG models, trained on the ingested data.", no_args_is_help=True
)


@models_app.command("train")
def models_train(
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Save new model versions even if nothing changed.")
    ] = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
) -> None:
    """Compute SPADL actions, train VAEP, xT and xG on the ingested matches, rate every action.

    Reproducible: fixed seeds, matches held out by a seeded split; a store of more than 600
    matches trains on a seeded sample of 600 (memory and time do not grow with the store). Each
    model is stored with its training set, parameters, library versions and held-out quality, as
    a new version. Every match is then rated with the new versions, competition by competition and
    season by season (on Dask workers with --workers or --scheduler).
    """
    lw = open_store(store)
    result = lw.metrics.train(
        retrain=retrain,
        step=lambda msg: err_console.print(f"[bold]…[/bold] {msg}"),
        workers=workers,
        scheduler=scheduler,
    )
    table = Table(title=f"Models ({result.matches} matches)")
    for col in ("Model", "Version", "Trained", "Held-out quality"):
        table.add_column(col)
    for kind, model in result.models.items():
        if model is None:
            continue
        q: dict[str, Any] = dict(model.quality)  # each kind's own held-out figures (metrics/models.py)
        if kind == "xg":
            quality = (
                f"log loss {q['log_loss']:.4f} vs {q['log_loss_baseline']:.4f} constant; "
                f"Brier {q['brier']:.4f} vs {q['brier_baseline']:.4f}; {q['n_shots']} shots"
            )
        elif kind == "vaep":
            quality = f"AUC scores {q['scores']['auc']:.3f}, concedes {q['concedes']['auc']:.3f}"
        else:
            quality = f"{q.get('iterations', '?')} iterations, max xT {q.get('max_xt', float('nan')):.3f}"
        table.add_row(kind, str(model.version), f"{model.trained_at:%Y-%m-%d %H:%M}", quality)
    console.print(table)
