"""Charts for reports, rendered to inline SVG (no files to lose, crisp in HTML and PDF)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: reports are rendered headless

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from loanwatch.domain import AppearanceStatus  # noqa: E402
from loanwatch.tracking.timeline import SpellTimeline  # noqa: E402

STATUS_COLOURS = {
    AppearanceStatus.STARTED: "#1f4e79",
    AppearanceStatus.CAME_ON: "#6fa8dc",
    AppearanceStatus.UNUSED: "#b7b7b7",
    AppearanceStatus.NOT_IN_SQUAD: "#c0392b",
}
STATUS_LABELS = {
    AppearanceStatus.STARTED: "started",
    AppearanceStatus.CAME_ON: "came on",
    AppearanceStatus.UNUSED: "unused substitute",
    AppearanceStatus.NOT_IN_SQUAD: "not in squad",
}


def minutes_chart_svg(timeline: SpellTimeline) -> str:
    """Minutes per match across the spell: a bar per match, coloured by availability."""
    lines = timeline.lines
    fig, ax = plt.subplots(figsize=(9, 2.8), dpi=100)
    xs = list(range(len(lines)))
    ax.bar(xs, [line.match_minutes for line in lines], color="#eeeeee", width=0.8, zorder=1)
    ax.bar(
        xs,
        [line.minutes for line in lines],
        color=[STATUS_COLOURS[line.status] for line in lines],
        width=0.8,
        zorder=2,
    )
    for x, line in zip(xs, lines, strict=True):
        if line.status in (AppearanceStatus.UNUSED, AppearanceStatus.NOT_IN_SQUAD):
            ax.plot(
                x,
                3,
                marker="x" if line.status == AppearanceStatus.NOT_IN_SQUAD else "o",
                color=STATUS_COLOURS[line.status],
                markersize=5,
                zorder=3,
            )
    ax.set_ylim(0, max([100.0] + [line.match_minutes + 5 for line in lines]))  # extra time fits
    ax.set_ylabel("minutes")
    step = max(1, len(lines) // 12)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels(
        [line.kickoff.strftime("%d %b") for line in lines][::step], fontsize=7, rotation=45, ha="right"
    )
    ax.set_xlim(-0.6, max(len(lines), 1) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Patch | Line2D] = [
        Patch(color=c, label=STATUS_LABELS[s]) for s, c in STATUS_COLOURS.items()
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.22), ncol=4, frameon=False, fontsize=8
    )
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inlined in HTML
