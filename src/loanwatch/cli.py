"""The ``loanwatch`` command. Presentation only: every action is a call to ``loanwatch.api``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from loanwatch import cli_tracking
from loanwatch.api import Loanwatch
from loanwatch.cli_common import (
    AsOfOption,
    Commands,
    OwnerOption,
    StoreOption,
    console,
    err_console,
    open_store,
    owned,
    parse_date,
)
from loanwatch.domain import GOALKEEPER
from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.pipeline import IngestSummary
from loanwatch.portfolio.importer import describe_warning
from loanwatch.portfolio.names import display_name, legal_name
from loanwatch.settings import MIN_MINUTES
from loanwatch.tracking.timeline import SpellTimeline, status_label

app = typer.Typer(
    help="Follow a club's players on loan from real match data.", no_args_is_help=True, cls=Commands
)
portfolio_app = typer.Typer(help="The club's loan spells and watchlists.", no_args_is_help=True)
app.add_typer(portfolio_app, name="portfolio")
models_app = typer.Typer(
    help="The VAEP, xT and xG models, trained on the ingested data.", no_args_is_help=True
)
app.add_typer(models_app, name="models")
metrics_app = typer.Typer(
    help="Per-90 figures, percentiles and action values for analysts.", no_args_is_help=True
)
app.add_typer(metrics_app, name="metrics")
app.command()(cli_tracking.digest)
app.add_typer(cli_tracking.alerts_app, name="alerts")
app.add_typer(cli_tracking.watchlist_app, name="watchlist")
app.add_typer(cli_tracking.notes_app, name="notes")


@contextmanager
def _progress(label: str) -> Iterator[Any]:
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


def _print_summary(summary: IngestSummary, store: Loanwatch) -> None:
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
    console.print(f"Store: {store.location}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    provider: Annotated[
        str, typer.Option(help="wyscout (folders of the public data set), or any format kloppy reads.")
    ] = "wyscout",
    metadata: Annotated[
        Path | None, typer.Option(help="The lineup / match sheet file that goes with an event file.")
    ] = None,
    accept_score_mismatch: Annotated[
        bool,
        typer.Option(
            "--accept-score-mismatch",
            help="Store a match whose events do not add up to its score (a partial feed) with a "
            "warning, instead of rejecting it. Any provider.",
        ),
    ] = False,
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
        with _progress("Ingesting") as update:
            summary = lw.ingest(paths, update, accept_score_mismatch=accept_score_mismatch)
    else:
        summary = IngestSummary()
        for p in paths:
            try:
                one = lw.ingest_file(p, provider, metadata, accept_score_mismatch=accept_score_mismatch)
            except IngestError as err:
                summary.rejected += 1
                summary.errors.append(err)
                continue
            for key, value in one.as_dict().items():
                setattr(summary, key, getattr(summary, key) + value)
            summary.errors.extend(one.errors)
            summary.warnings.extend(one.warnings)
    _print_summary(summary, lw)
    if summary.rejected:
        raise typer.Exit(1)


@portfolio_app.command("import")
def portfolio_import(
    file: Annotated[Path, typer.Argument(help="The loan list: CSV, TSV (Excel's Unicode text too) or XLSX.")],
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Only this sheet of a workbook (default: each sheet with the columns)."),
    ] = None,
    remove_missing: Annotated[
        bool,
        typer.Option(
            "--remove-missing",
            help="Remove the loans an earlier import of this file made that it no longer lists "
            "(only when every row landed).",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Import a loan list as the club keeps it: the club's ledger of loans.

    A row updates the loan it is (same player, owner, host club and season: a corrected date or
    fee changes it in place) or adds one. Loans of an earlier import of the same file that it no
    longer lists are reported (removed with --remove-missing). Rows that cannot be matched, or
    whose loan overlaps another of the same player, are refused and listed; the others land.

    Exit status: 0 when every row landed (warnings, e.g. a start date after his first match for
    the host club, are printed); 1 when a row was refused; 2 when the file is not a loan list.
    """
    lw = open_store(store)
    try:
        result = lw.import_portfolio(file, sheet=sheet, remove_missing=remove_missing)
    except (OSError, ValueError) as err:
        err_console.print(f"[red]error[/red] {file}: {err}")
        raise typer.Exit(2) from None
    console.print(
        f"Imported {len(result.imported)} loan spells from {file}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )
    for name in result.created_players:
        console.print(f"  player {name} created from the list (no match data for his competition)")
    for name in result.created_clubs:
        console.print(f"  club {name} created from the list (no match data for its competition)")
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow] {warning}")
    for spell in result.not_in_list:
        verb = (
            "removed"
            if spell in result.removed
            else "no longer in the list (kept; --remove-missing removes it)"
        )
        err_console.print(
            f"[yellow]{verb}[/yellow] {spell['player_name']} at {spell['host_club_name']} "
            f"{spell['start_date']} to {spell['end_date']} (from {spell['source']})"
        )
    for problem in result.problems:
        err_console.print(f"[red]not imported[/red] {problem}")
    if result.problems:
        raise typer.Exit(1)


@portfolio_app.command("list")
def portfolio_list(owner: OwnerOption = None, store: StoreOption = None) -> None:
    """The loan spells with their owner club and terms (with --owner: one owner's)."""
    lw = open_store(store)
    owned(lw, owner)
    spells = lw.loan_spells(owner)
    title = f"Loan spells ({len(spells)})" + (f" owned by {owner}" if owner else "")
    table = Table(title=title)
    for col in ("Player", "Owner", "Host club", "Competition", "From", "To", "Type", "Fee (EUR)", "Trigger"):
        table.add_column(col)
    notes: list[str] = []
    for s in spells:
        fee = s["obligation_fee_eur"] or s["option_fee_eur"]
        competition = s["competition_name"] if s["has_match_data"] else (
            f"{s['competition_name'] or '?'} (no match data for this competition)"
        )
        flag = " [yellow]![/yellow]" if s["warnings"] else ""
        table.add_row(
            s["player_name"] + flag,
            s["owner_name"],
            s["host_club_name"],
            competition,
            str(s["start_date"]),
            str(s["end_date"]),
            s["loan_type"].replace("_", " "),
            f"{fee:,}" if fee else "",
            s["obligation_trigger"],
        )
        notes.extend(f"{s['player_name']}: {describe_warning(w)}" for w in s["warnings"])
    console.print(table)
    for note in notes:
        console.print(f"[yellow]![/yellow] {note}")


ReferenceOption = Annotated[
    str | None,
    typer.Option(
        "--reference-league",
        help="League to adjust per-90 figures to (default: the owner club's league; "
        "setting: LOANWATCH_REFERENCE_LEAGUE).",
    ),
]
MinMinutesOption = Annotated[
    float | None,
    typer.Option(
        help=f"Minutes to be in a peer group (default: {MIN_MINUTES}; setting: LOANWATCH_MIN_MINUTES)."
    ),
]


def _n(what: str, n: float | int) -> str:
    """'1 goal', '2 goals': the reports' counted words (reports/vocab.py COUNTS), in English."""
    from loanwatch.reports import vocab
    from loanwatch.reports.i18n import Formatter

    return Formatter("en").n_(*vocab.COUNTS[what], n)


def _timeline_table(timeline: SpellTimeline) -> Table:
    spell = timeline.spell
    title = f"{spell['host_club_name']} ({spell['start_date']} - {spell['end_date']})"
    table = Table(title=title)
    for col in ("Date", "Opponent", "Result", "Status", "Min", "G", "A", "Shots", "Passes"):
        table.add_column(
            col,
            justify="right" if col not in ("Date", "Opponent", "Status") else "left",
            no_wrap=col != "Opponent",  # a status or date split over two lines is misread
        )
    for line in timeline.lines:
        table.add_row(
            line.kickoff.strftime("%Y-%m-%d"),
            f"{line.opponent} ({'H' if line.home else 'A'})",
            line.result,
            status_label(line.status),
            f"{line.minutes:.0f}",
            str(line.goals),
            str(line.assists),
            str(line.shots),
            f"{line.passes_accurate}/{line.passes}",
        )
    return table


@app.command()
def player(
    name: Annotated[str, typer.Argument(help="The player's name, as you write it.")],
    as_of: AsOfOption = None,
    profile: Annotated[
        bool, typer.Option("--profile/--no-profile", help="Add per-90 figures and percentiles.")
    ] = True,
    min_minutes: MinMinutesOption = None,
    reference_league: ReferenceOption = None,
    store: StoreOption = None,
) -> None:
    """The player's appearances during each loan spell."""
    lw = open_store(store)
    min_minutes = lw.settings.min_minutes if min_minutes is None else min_minutes
    who = lw.find_player(name)
    timelines = lw.player_timelines(name, parse_date(as_of))
    _print_player_header(lw, who)
    console.print(f"[dim]as of {parse_date(as_of) or lw.default_as_of()}[/dim]")
    if not timelines:
        console.print("Not in the loan list: no loan spell for this player in the portfolio.")
    trained = lw.store.latest_model("vaep") is not None
    warnings = _match_warnings(lw, timelines)
    for timeline in timelines:
        if not timeline.has_data:
            console.print(
                f"{timeline.spell['host_club_name']}: no match data ingested for this club in "
                f"{timeline.spell['competition_name'] or 'its competition'} during the spell."
            )
            continue
        console.print(_timeline_table(timeline))
        for line in timeline.lines:
            for w in warnings.get(line.match_id, []) if line.match_id is not None else []:
                day = f"{line.kickoff:%Y-%m-%d}"
                console.print(f"[yellow]data warning[/yellow] {day} vs {line.opponent}: {w['message']}")
        console.print(
            f"{_n('appearances', timeline.appearances)} ({_n('starts', timeline.starts)}), "
            f"{timeline.minutes:.0f} of {timeline.available_minutes:.0f} minutes, "
            f"{_n('goals', timeline.goals)}, {_n('assists', timeline.assists)}"
        )
    if timelines and not trained:
        console.print(
            "xG, xA, VAEP, roles and percentiles come from the models, which are not trained in this "
            "store yet: run `loanwatch models train`."
        )
    if profile and timelines and trained:
        try:
            entries = lw.spell_profiles(
                name, as_of=parse_date(as_of), min_minutes=min_minutes, reference=reference_league
            )
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--reference-league") from None
        if not entries:
            console.print("No season profile: no match of the spell in the data.")
        keeper_spells = {
            int(e["spell"]["id"]) for e in entries if e["profile"].iloc[0]["role"] == GOALKEEPER
        }
        for entry in entries:
            if int(entry["spell"]["id"]) in keeper_spells:
                continue  # a goalkeeper: his goalkeeping profile below, never goals, xG and xA
            console.print(_profile_table(entry))
            row = entry["profile"].iloc[0]
            if not bool(row["qualified"]):
                console.print(
                    f"[yellow]{row['minutes']:.0f} minutes, under the {min_minutes:.0f}-minute threshold of "
                    "his peer group: read the percentiles with care.[/yellow]"
                )
            console.print(f"[dim]{_adjustment_words(row, entry.get('reference'))}[/dim]")
        if keeper_spells:
            for entry in lw.goalkeeper_profiles(name, as_of=parse_date(as_of), min_minutes=min_minutes):
                if int(entry["spell"]["id"]) in keeper_spells:
                    console.print(_goalkeeper_table(entry))


def _print_player_header(lw: Loanwatch, who: dict[str, Any]) -> None:
    from loanwatch.reports.data import nationality
    from loanwatch.reports.i18n import Formatter

    shown, second = nationality(who, lw.store.player_national_teams(int(who["id"])))
    fmt = Formatter("en")
    country = fmt.country(shown) + (f" (also {fmt.country(second)})" if second else "") if shown else ""
    full = legal_name(who)
    parts = [f"born {who['birth_date'] or '?'}", who["role"], country]
    if full and full != display_name(who):
        parts.append(f"full name {full}")
    console.print(f"[bold]{display_name(who)}[/bold]  " + "  ".join(p for p in parts if p))


def _match_warnings(lw: Loanwatch, timelines: list[SpellTimeline]) -> dict[int, list[dict[str, str]]]:
    from loanwatch.reports.data import read_warnings

    ids = [ln.match_id for t in timelines for ln in t.lines if ln.match_id is not None]
    return {mid: read_warnings(raw) for mid, raw in lw.store.match_warnings(ids).items()}


def _adjustment_words(row: Any, ref: Any) -> str:
    """The league adjustment as a reader reads it (no column names): factor, strengths, reference."""
    factor = row.get("league_factor")
    league = ref.league if ref is not None else "Serie A"
    if factor is None or factor != factor:
        return f"{row['competition']}: no league strength in the table, figures not adjusted"
    return (
        f"Adjusted to {league} level: per-90 output multiplied by {factor:.3f}, the strength of "
        f"{row['competition']} relative to {league}; minutes, totals and percentiles not adjusted "
        f"({_reference_words(ref)})"
    )


def _reference_words(ref: Any) -> str:
    if ref is None:
        return "reference: Serie A"
    source = {
        "chosen": "chosen with --reference-league",
        "setting": "the setting LOANWATCH_REFERENCE_LEAGUE",
        "owner_data": f"the league of the owner club, {ref.owner_club}",
        "owner_list": f"the league of the owner club, {ref.owner_club}, from the loan list",
        "owner_table": f"the league of the owner club, {ref.owner_club}, from the table of owner leagues",
    }.get(ref.source, "the default reference league")
    if ref.source == "default" and ref.owner_league:
        source += f"; {ref.owner_league}, the owner club's league, has no strength in the table"
    return f"reference {ref.league}: {source}"



@models_app.command("train")
def models_train(
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Save new model versions even if nothing changed.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Compute SPADL actions, train VAEP, xT and xG on every ingested match, rate every action.

    Reproducible: fixed seeds, matches held out by a seeded split; each model is stored with its
    training set, parameters, library versions and held-out quality, as a new version.
    """
    lw = open_store(store)
    result = lw.compute_metrics(retrain=retrain, step=lambda msg: err_console.print(f"[bold]…[/bold] {msg}"))
    table = Table(title=f"Models ({result['matches']} matches)")
    for col in ("Model", "Version", "Trained", "Held-out quality"):
        table.add_column(col)
    for kind, model in result["models"].items():
        if model is None:
            continue
        q = model["quality"]
        if kind == "xg":
            quality = (
                f"log loss {q['log_loss']:.4f} vs {q['log_loss_baseline']:.4f} constant; "
                f"Brier {q['brier']:.4f} vs {q['brier_baseline']:.4f}; {q['n_shots']} shots"
            )
        elif kind == "vaep":
            quality = f"AUC scores {q['scores']['auc']:.3f}, concedes {q['concedes']['auc']:.3f}"
        else:
            quality = f"{q.get('iterations', '?')} iterations, max xT {q.get('max_xt', float('nan')):.3f}"
        table.add_row(kind, str(model["version"]), f"{model['trained_at']:%Y-%m-%d %H:%M}", quality)
    console.print(table)


@metrics_app.command("export")
def metrics_export(
    season: Annotated[str, typer.Option(help="Season, e.g. 2017/18 (tournaments: 2016).")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Output file. Default: metrics-<season>.<format>")] = None,
    min_minutes: MinMinutesOption = None,
    store: StoreOption = None,
) -> None:
    """Every player's season profile: totals, per 90, percentiles against his role's peers."""
    lw = open_store(store)
    min_minutes = lw.settings.min_minutes if min_minutes is None else min_minutes
    path = out or Path(f"metrics-{season.replace('/', '-')}.{fmt}")
    try:
        written, rows = lw.export_metrics(season, path, fmt, min_minutes=min_minutes)
    except ValueError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from None
    console.print(f"{rows} player seasons written to {written}")


PROFILE_ROWS = (
    ("goals", "Goals"),
    ("xg", "xG"),
    ("xa", "xA"),
    ("shots", "Shots"),
    ("key_passes", "Key passes"),
    ("progressive_passes", "Progressive passes"),
    ("progressive_carries", "Progressive carries"),
    ("dribbles", "Dribbles"),
    ("duels_won", "Duels won"),
    ("aerials_won", "Aerials won"),
    ("interceptions", "Interceptions"),
    ("tackles", "Tackles"),
    ("recoveries", "Recoveries"),
    ("vaep", "VAEP"),
)


def _profile_table(entry: dict[str, Any]) -> Table:
    row = entry["profile"].iloc[0]
    spell = entry["spell"]
    title = (
        f"{spell['host_club_name']} {entry['season']}: {row['role'].replace('_', ' ')}, "
        f"{row['minutes']:.0f} min; percentiles vs {int(row['peer_group_size'])} "
        f"{row['role'].replace('_', ' ')}s in {row['competition']}"
    )
    table = Table(title=title)
    for col in ("Per 90", "Value", "Percentile", "Adjusted"):
        table.add_column(col, justify="left" if col == "Per 90" else "right")
    for key, label in PROFILE_ROWS:
        value, pct = row.get(f"{key}_p90"), row.get(f"{key}_pct")
        adj = row.get(f"{key}_p90_adj")
        table.add_row(
            label,
            "–" if value is None or value != value else f"{value:.2f}",
            "–" if pct is None or pct != pct else f"{pct:.0f}",
            "–" if adj is None or adj != adj else f"{adj:.2f}",
        )
    return table


GOALKEEPER_ROWS = {
    "save_pct": ("Save %", "pct"),
    "goals_prevented_p90": ("Goals prevented per 90 (vs average keeper)", "num"),
    "goals_conceded_p90": ("Goals conceded per 90 (pct: fewer is higher)", "num"),
    "shots_faced_p90": ("Shots on target faced per 90", "num"),
    "claims_p90": ("Claims (off his line) per 90", "num"),
    "sweeps_p90": ("Sweeping actions per 90", "num"),
    "passes_p90": ("Passes per 90", "num"),
    "pass_accuracy": ("Pass completion", "pct"),
    "long_pass_accuracy": ("Long pass (>= 32 m) completion", "pct"),
    "launch_share": ("Share of long passes", "pct"),
}


def _goalkeeper_table(entry: dict[str, Any]) -> Table:
    """A keeper's goalkeeping profile (metrics/goalkeeping.py) for the terminal."""
    row = entry["profile"].iloc[0]
    spell = entry["spell"]

    def n(key: str, digits: int = 0) -> str:
        v = row.get(key)
        return "–" if v is None or v != v else f"{v:.{digits}f}"

    title = (
        f"{spell['host_club_name']} {entry['season']}: goalkeeper, {row['minutes']:.0f} min in goal; "
        f"percentiles vs {int(row['peer_group_size'])} goalkeepers in {row['competition']}\n"
        f"{n('shots_faced')} shots on target faced, {n('saves')} saves, {n('goals_conceded')} goals conceded "
        f"({n('own_goals_conceded')} own goals), penalties {n('penalty_goals')}/{n('penalties_faced')}; "
        f"xG faced {n('xg_faced', 2)}, goals prevented {n('goals_prevented_vs_peers', 1)} "
        "vs an average keeper "
        f"({n('goals_prevented', 1)} before the league's rate of {n('peer_goals_per_xg', 2)} goals per xG)"
    )
    table = Table(title=title)
    for col in ("Goalkeeping", "Value", "Percentile"):
        table.add_column(col, justify="left" if col == "Goalkeeping" else "right")
    for key, (label, kind) in GOALKEEPER_ROWS.items():
        value, pct = row.get(key), row.get(f"{key}_pct")
        missing = value is None or value != value
        shown = "–" if missing else f"{value:.0%}" if kind == "pct" else f"{value:.2f}"
        table.add_row(label, shown, "–" if pct is None or pct != pct else f"{pct:.0f}")
    return table


@app.command()
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
    min_minutes = lw.settings.min_minutes if min_minutes is None else min_minutes
    options: dict[str, Any] = {
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
        with _progress("Reports") as update:
            paths = lw.report_all(out, parse_date(as_of), progress=update, owner=owner, **options)
        console.print(f"{len(paths)} reports written to {out}")
        return
    path = lw.report(str(name), out, parse_date(as_of), **options)
    console.print(f"Report written: {path}")


@app.command()
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
    console.print(f"Store: {lw.location}")
    with _progress("Ingesting the sample") as update:
        result = lw.demo(
            out, update, train=train, step=lambda msg: err_console.print(f"[bold]…[/bold] {msg}")
        )
    _print_summary(result["ingest"], lw)
    console.print(f"Portfolio: {len(result['portfolio'].imported)} loan spells imported")
    for problem in result["portfolio"].problems:
        err_console.print(f"[yellow]not imported[/yellow] {problem}")
    for path in result["reports"]:
        console.print(f"Report: {path}")
    console.print(f"Done in {(datetime.now() - started).total_seconds():.1f} s")


if __name__ == "__main__":
    app()
