"""The player report as a self-contained HTML page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from loanwatch.portfolio.names import display_name, normalize_name
from loanwatch.reports.charts import STATUS_LABELS, minutes_chart_svg
from loanwatch.tracking.timeline import SpellTimeline

DATA_SOURCE = (
    "Match data: Wyscout public match event data set, CC BY 4.0 — Pappalardo, L., Cintia, P., "
    "Rossi, A. et al. A public data set of spatio-temporal match events in soccer competitions. "
    "Scientific Data 6, 236 (2019)."
)

_env = Environment(
    loader=PackageLoader("loanwatch.reports", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def report_filename(player: Mapping[str, Any]) -> str:
    slug = re.sub(r"\s+", "-", normalize_name(display_name(player))) or f"player-{player['id']}"
    return f"{slug}.html"


PROFILE_METRICS = (
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


def _number(value: Any, digits: int) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def _profile_rows(entry: Mapping[str, Any]) -> dict[str, Any]:
    row = entry["profile"].iloc[0]
    return {
        "season": entry["season"],
        "competition": row["competition"],
        "role": str(row["role"]).replace("_", " "),
        "minutes": _number(row["minutes"], 0),
        "peers": int(row["peer_group_size"]),
        "qualified": bool(row["qualified"]),
        "note": row["adjustment_note"],
        "rows": [
            (
                label,
                _number(row.get(f"{key}_p90"), 2),
                _number(row.get(f"{key}_pct"), 0),
                _number(row.get(f"{key}_p90_adj"), 2),
            )
            for key, label in PROFILE_METRICS
        ],
    }


def render_player_report(
    player: Mapping[str, Any],
    timelines: Sequence[SpellTimeline],
    profiles: Sequence[Mapping[str, Any]] = (),
) -> str:
    by_spell: dict[int, list[dict[str, Any]]] = {}
    for entry in profiles:
        by_spell.setdefault(int(entry["spell"]["id"]), []).append(_profile_rows(entry))
    spells = [
        {
            "timeline": t,
            "chart": Markup(minutes_chart_svg(t)) if t.has_data else None,  # noqa: S704 - our own SVG
            "profiles": by_spell.get(int(t.spell["id"]), []),
        }
        for t in timelines
    ]
    return _env.get_template("player.html.j2").render(
        name=display_name(player),
        player=player,
        spells=spells,
        status_labels={s.value: label for s, label in STATUS_LABELS.items()},
        generated=date.today(),
        data_source=DATA_SOURCE,
    )


def write_player_report(
    player: Mapping[str, Any],
    timelines: Sequence[SpellTimeline],
    out_dir: Path,
    profiles: Sequence[Mapping[str, Any]] = (),
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_filename(player)
    path.write_text(render_player_report(player, timelines, profiles), encoding="utf-8")
    return path
