"""``loanwatch player``: a player's loan spells match by match, his per-90 profile and percentiles
(a goalkeeper: his goalkeeping profile)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from loanwatch.cli.common import (
    AsOfOption,
    MinMinutesOption,
    ReferenceOption,
    StoreOption,
    console,
    open_store,
    parse_date,
    timeline_table,
)
from loanwatch.domain import GOALKEEPER
from loanwatch.portfolio.names import display_name, legal_name
from loanwatch.tracking.timeline import SpellTimeline

if TYPE_CHECKING:
    from loanwatch.services.models import GoalkeeperProfile, Player, SpellProfile


def _n(what: str, n: float | int) -> str:
    """'1 goal', '2 goals': the reports' counted words (reports/vocab.py COUNTS), in English."""
    from loanwatch.reports import vocab
    from loanwatch.reports.i18n import Formatter

    return Formatter("en").n_(*vocab.COUNTS[what], n)

ProfileOption = Annotated[
    bool, typer.Option("--profile/--no-profile", help="Add per-90 figures and percentiles.")
]


def _timeline_table(timeline: SpellTimeline) -> Table:
    return timeline_table(
        timeline,
        lambda ln: ln.result,
        [
            ("G", lambda ln: str(ln.goals)),
            ("A", lambda ln: str(ln.assists)),
            ("Shots", lambda ln: str(ln.shots)),
            ("Passes", lambda ln: f"{ln.passes_accurate}/{ln.passes}"),
        ],
        figures_right=True,
    )


def player(
    name: Annotated[str, typer.Argument(help="The player's name, as you write it.")],
    as_of: AsOfOption = None,
    profile: ProfileOption = True,
    min_minutes: MinMinutesOption = None,
    reference_league: ReferenceOption = None,
    store: StoreOption = None,
) -> None:
    """The player's appearances during each loan spell."""
    lw = open_store(store)
    min_minutes = lw.ctx.settings.min_minutes if min_minutes is None else min_minutes
    ref = lw.players.resolve(name)  # once: everything below takes the reference
    timelines = lw.tracking.timelines(ref, parse_date(as_of))
    _print_player_header(lw.players.player(ref))
    console.print(f"[dim]as of {parse_date(as_of) or lw.tracking.default_as_of()}[/dim]")
    if not timelines:
        console.print("Not in the loan list: no loan spell for this player in the portfolio.")
    trained = lw.metrics.trained()
    ids = [ln.match_id for t in timelines for ln in t.lines if ln.match_id is not None]
    warnings = lw.players.match_warnings(ids)
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
                console.print(f"[yellow]data warning[/yellow] {day} vs {line.opponent}: {w.message}")
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
            entries = lw.metrics.spell_profiles(
                ref, as_of=parse_date(as_of), min_minutes=min_minutes, reference=reference_league
            )
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--reference-league") from None
        if not entries:
            console.print("No season profile: no match of the spell in the data.")
        keeper_spells = {e.spell.id for e in entries if e.profile.iloc[0]["role"] == GOALKEEPER}
        for entry in entries:
            if entry.spell.id in keeper_spells:
                continue  # a goalkeeper: his goalkeeping profile below, never goals, xG and xA
            console.print(_profile_table(entry))
            row = entry.profile.iloc[0]
            if not bool(row["qualified"]):
                console.print(
                    f"[yellow]{row['minutes']:.0f} minutes, under the {min_minutes:.0f}-minute threshold of "
                    "his peer group: read the percentiles with care.[/yellow]"
                )
            console.print(f"[dim]{_adjustment_words(row, entry.reference)}[/dim]")
        if keeper_spells:
            keepers = lw.metrics.goalkeeper_profiles(ref, as_of=parse_date(as_of), min_minutes=min_minutes)
            for keeper in keepers:
                if keeper.spell.id in keeper_spells:
                    console.print(_goalkeeper_table(keeper))
    if timelines and trained:
        from loanwatch.reports.render import models_text

        versions = [m.model_dump() for m in lw.metrics.model_versions()]
        console.print(f"[dim]{models_text('en', versions)}[/dim]")  # the report's words


def _print_player_header(player: Player) -> None:
    from loanwatch.reports.data import nationality
    from loanwatch.reports.i18n import Formatter

    who = player.record()
    shown, second = nationality(who, player.national_teams)
    fmt = Formatter("en")
    country = fmt.country(shown) + (f" (also {fmt.country(second)})" if second else "") if shown else ""
    full = legal_name(who)
    parts = [f"born {who['birth_date'] or '?'}", str(who["role"]), country]
    if full and full != display_name(who):
        parts.append(f"full name {full}")
    console.print(f"[bold]{display_name(who)}[/bold]  " + "  ".join(p for p in parts if p))


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


def _profile_table(entry: SpellProfile) -> Table:
    row = entry.profile.iloc[0]
    spell = entry.spell
    title = (
        f"{spell.host_club_name} {entry.season}: {row['role'].replace('_', ' ')}, "
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


GOALKEEPER_ROWS = (
    ("save_pct", "Save %", "pct"),
    ("goals_prevented_p90", "Goals prevented per 90 (vs average keeper)", "num"),
    ("goals_conceded_p90", "Goals conceded per 90 (pct: fewer is higher)", "num"),
    ("shots_faced_p90", "Shots on target faced per 90", "num"),
    ("claims_p90", "Claims (off his line) per 90", "num"),
    ("sweeps_p90", "Sweeping actions per 90", "num"),
    ("passes_p90", "Passes per 90", "num"),
    ("pass_accuracy", "Pass completion", "pct"),
    ("long_pass_accuracy", "Long pass (>= 32 m) completion", "pct"),
    ("launch_share", "Share of long passes", "pct"),
)


def _goalkeeper_table(entry: GoalkeeperProfile) -> Table:
    """A keeper's goalkeeping profile (metrics/goalkeeping.py) for the terminal."""
    row = entry.profile.iloc[0]
    spell = entry.spell

    def n(key: str, digits: int = 0) -> str:
        v = row.get(key)
        return "–" if v is None or v != v else f"{v:.{digits}f}"

    title = (
        f"{spell.host_club_name} {entry.season}: goalkeeper, {row['minutes']:.0f} min in goal; "
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
    for key, label, kind in GOALKEEPER_ROWS:
        value, pct = row.get(key), row.get(f"{key}_pct")
        missing = value is None or value != value
        shown = "–" if missing else f"{value:.0%}" if kind == "pct" else f"{value:.2f}"
        table.add_row(label, shown, "–" if pct is None or pct != pct else f"{pct:.0f}")
    return table
