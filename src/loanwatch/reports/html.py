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


def render_player_report(player: Mapping[str, Any], timelines: Sequence[SpellTimeline]) -> str:
    spells = [
        {
            "timeline": t,
            "chart": Markup(minutes_chart_svg(t)) if t.has_data else None,  # noqa: S704 - our own SVG
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


def write_player_report(player: Mapping[str, Any], timelines: Sequence[SpellTimeline], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_filename(player)
    path.write_text(render_player_report(player, timelines), encoding="utf-8")
    return path
