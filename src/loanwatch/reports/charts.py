"""Charts for reports: matplotlib and mplsoccer figures as PNG data URIs (one file, HTML or PDF).

Every chart takes its words from the caller (already translated) and its numbers as plain data;
nothing here reads the store. PNG at 180 dpi: sharp on paper, and a PDF reader lists each chart
as an image (the tests check they are all there).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: reports are rendered headless

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

DPI = 180
FONT = "DejaVu Sans"
INK = "#1d2b3a"
ACCENT = "#1f4e79"
GOAL_COLOUR = "#c0392b"
PITCH_LINES = "#8a97a5"
STATUS_COLOURS = {
    "started": "#1f4e79",
    "came_on": "#6fa8dc",
    "unused": "#b7b7b7",
    "not_in_squad": "#c0392b",
    "no_data": "#eeeeee",
    "ineligible": "#8e7cc3",
}
PIZZA_GROUP_COLOURS = {"attack": "#1f4e79", "possession": "#3d85c6", "defence": "#7a9e3b"}

plt.rcParams.update({"font.family": FONT, "font.size": 8, "svg.fonttype": "path"})


def png_bytes(fig: Figure) -> bytes:
    """A figure as PNG bytes (closed after): for a file, or a data URI (:func:`_png`)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white", bbox_inches="tight", pad_inches=0.04)
    plt.close(fig)
    return buf.getvalue()


def _png(fig: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(fig)).decode("ascii")


def minutes_timeline(
    lines: Sequence[Mapping[str, Any]],
    status_labels: Mapping[str, str],
    ylabel: str,
    day: Callable[[Any], str],
) -> str:
    """Minutes per match of the host club across the spell, coloured by the player's status.

    ``lines``: dicts with ``kickoff``, ``status``, ``minutes``, ``match_minutes``; grey behind each
    bar is the match's full length."""
    fig, ax = plt.subplots(figsize=(7.2, 1.95))
    xs = list(range(len(lines)))
    ax.bar(xs, [ln["match_minutes"] for ln in lines], color="#eeeeee", width=0.8, zorder=1)
    ax.bar(
        xs,
        [ln["minutes"] for ln in lines],
        color=[STATUS_COLOURS[ln["status"]] for ln in lines],
        width=0.8,
        zorder=2,
    )
    for x, ln in zip(xs, lines, strict=True):
        if ln["status"] == "ineligible":  # against his owner club: a hatched bar, not an absence
            ax.bar(
                x, 90, color="none", edgecolor=STATUS_COLOURS["ineligible"], hatch="////", width=0.8, zorder=1
            )
        if ln["status"] in ("unused", "not_in_squad"):
            ax.plot(
                x,
                4,
                marker="x" if ln["status"] == "not_in_squad" else "o",
                color=STATUS_COLOURS[ln["status"]],
                markersize=4,
                zorder=3,
            )
    ax.set_ylim(0, max([100.0] + [ln["match_minutes"] + 5 for ln in lines]))
    ax.set_ylabel(ylabel)
    step = max(1, len(lines) // 14)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([day(ln["kickoff"]) for ln in lines][::step], fontsize=6.5, rotation=45, ha="right")
    ax.set_xlim(-0.6, max(len(lines), 1) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Patch | Line2D] = [
        Patch(color=STATUS_COLOURS[s], label=status_labels[s])
        for s in ("started", "came_on", "unused", "not_in_squad")
    ]
    if any(ln["status"] == "ineligible" for ln in lines) and "ineligible" in status_labels:
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=STATUS_COLOURS["ineligible"],
                hatch="////",
                label=status_labels["ineligible"],
            )
        )
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=len(handles),
        frameon=False,
        fontsize=7,
    )
    fig.tight_layout()
    return _png(fig)


def percentile_pizza(slices: Sequence[tuple[str, float, str]], legend: Mapping[str, str]) -> str:
    """Percentile pizza (mplsoccer ``PyPizza``): one slice per metric, its length the percentile.

    ``slices``: (label, percentile 0-100, group) with group attack / possession / defence."""
    from mplsoccer import PyPizza

    labels = [s[0] for s in slices]
    values = [round(float(s[1])) for s in slices]
    colours = [PIZZA_GROUP_COLOURS[s[2]] for s in slices]
    baker = PyPizza(
        params=labels,
        background_color="#ffffff",
        straight_line_color="#d9d9d9",
        straight_line_lw=1,
        last_circle_color="#9aa5b1",
        last_circle_lw=1,
        other_circle_lw=0.6,
        other_circle_color="#e5e5e5",
        other_circle_ls="-",
        inner_circle_size=14,
    )
    fig, ax = baker.make_pizza(
        values,
        figsize=(4.1, 4.1),
        color_blank_space="same",
        blank_alpha=0.12,
        slice_colors=colours,
        value_colors=["#ffffff"] * len(values),
        value_bck_colors=colours,
        param_location=112,
        kwargs_slices={"edgecolor": "#ffffff", "zorder": 2, "linewidth": 1},
        kwargs_params={"color": INK, "fontsize": 6.8, "va": "center"},
        kwargs_values={
            "color": "#ffffff",
            "fontsize": 7.5,
            "zorder": 3,
            "bbox": {"edgecolor": "#ffffff", "boxstyle": "round,pad=0.2", "lw": 1},
        },
    )
    fig.legend(
        handles=[Patch(color=PIZZA_GROUP_COLOURS[g], label=legend[g]) for g in PIZZA_GROUP_COLOURS],
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=7.5,
    )
    fig.subplots_adjust(left=0.14, right=0.86, top=0.88, bottom=0.14)
    return _png(fig)


def _pitch(half: bool, vertical: bool) -> Any:
    from mplsoccer import Pitch, VerticalPitch

    cls = VerticalPitch if vertical else Pitch
    return cls(
        pitch_type="custom",
        pitch_length=105,
        pitch_width=68,
        half=half,
        line_color=PITCH_LINES,
        linewidth=1,
        pad_bottom=-8 if half else 0.5,
        pad_top=2,
    )


def _shot_area(xg: float) -> float:
    """A shot's marker area (points squared) for its xG."""
    return 20 + 700 * xg


def _shot_size(s: Mapping[str, Any]) -> float:
    """The marker area of a stored shot; one whose xG is unknown is drawn as an xG of 0.05."""
    xg = s["xg"] if s["xg"] is not None and s["xg"] == s["xg"] else 0.05
    return _shot_area(float(xg))


def _draw_shots(
    pitch: Any,
    ax: Any,
    shots: Sequence[Mapping[str, Any]],
    size: Callable[[Mapping[str, Any]], float],
    marker: str = "o",
) -> None:
    """Shots as markers of area ``size``: the others hollow, the goals filled red above them."""
    hollow = {"facecolors": "none", "edgecolors": ACCENT, "linewidths": 1.1, "zorder": 3}
    filled = {"c": GOAL_COLOUR, "edgecolors": "#ffffff", "linewidths": 0.8, "zorder": 4}
    for goal, style in ((False, hollow), (True, filled)):
        drawn = [s for s in shots if bool(s["goal"]) == goal]
        if drawn:
            pitch.scatter(
                [s["x"] for s in drawn],
                [s["y"] for s in drawn],
                s=[size(s) for s in drawn],
                marker=marker,
                ax=ax,
                **style,
            )


def _key(label: str, face: str, edge: str, marker: str = "o", ms: float | None = None) -> Line2D:
    """A legend entry: one marker (``ms``: its size in points; None: matplotlib's default)."""
    return Line2D(
        [], [], marker=marker, ls="", markerfacecolor=face, markeredgecolor=edge, markersize=ms, label=label
    )


def _xg_keys() -> list[Line2D]:
    """The legend's xG sizes: markers as large as shots of xG 0.05 and 0.50 are drawn."""
    return [_key(f"xG {xg:.2f}", "none", "#777", ms=_shot_area(xg) ** 0.5) for xg in (0.05, 0.5)]


# The shot maps' legends (matplotlib's legend spacings): the player's four entries in one row,
# the goalkeeper's five in two.
_SHOT_LEGEND = (4, {"handlelength": 2.8, "handletextpad": 0.6, "columnspacing": 1.0, "borderpad": 1.0})
_FACED_LEGEND = (3, {"handlelength": 2.4, "handletextpad": 0.5, "columnspacing": 1.0, "labelspacing": 0.9})


def _shot_map_png(
    fig: Figure, ax: Any, handles: list[Any], title: str, layout: tuple[int, Mapping[str, float]]
) -> str:
    """A shot map's legend under the pitch (``layout``: its columns and matplotlib's legend
    spacings), its title above, as a PNG."""
    ncol, spacing = layout
    ax.legend(
        handles=handles,
        loc="upper center",
        ncol=ncol,
        frameon=False,
        fontsize=6,
        bbox_to_anchor=(0.5, 0.0),
        **spacing,
    )
    ax.set_title(title, fontsize=8, color=INK)
    return _png(fig)


def shot_map(shots: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    """The player's shots on the attacking half (SPADL coordinates, attacking left to right),
    marker area proportional to the stored xG; goals filled red, other shots hollow."""
    pitch = _pitch(half=True, vertical=True)
    fig, ax = pitch.draw(figsize=(3.6, 3.3))
    _draw_shots(pitch, ax, shots, _shot_size)
    handles = [
        _key(labels["goal"], GOAL_COLOUR, "#fff"),
        _key(labels["shot"], "none", ACCENT),
        *_xg_keys(),
    ]
    return _shot_map_png(fig, ax, handles, labels["title"], _SHOT_LEGEND)


def action_map(actions: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    """Where the player had the ball and defended: a heat grid of all his on-ball actions and
    markers for his tackles and interceptions (attacking left to right)."""
    import numpy as np

    pitch = _pitch(half=False, vertical=False)
    fig, ax = pitch.draw(figsize=(4.2, 3.3))
    xs = np.array([a["x"] for a in actions], dtype=float)
    ys = np.array([a["y"] for a in actions], dtype=float)
    if len(xs):
        stats = pitch.bin_statistic(xs, ys, statistic="count", bins=(6, 4), normalize=True)
        pitch.heatmap(stats, ax=ax, cmap="Blues", edgecolor="#ffffff", lw=0.5, alpha=0.85, zorder=1)
    defensive = [a for a in actions if a["defensive"]]
    if defensive:
        pitch.scatter(
            [a["x"] for a in defensive],
            [a["y"] for a in defensive],
            marker="^",
            s=14,
            c="#e67e22",
            edgecolors="#ffffff",
            linewidths=0.4,
            ax=ax,
            zorder=3,
        )
    pitch.arrows(40, -4, 65, -4, ax=ax, color=INK, width=1, headwidth=4, headlength=4, clip_on=False)
    ax.text(52.5, -6.5, labels["attack"], ha="center", va="top", fontsize=6.5, color=INK)
    handles = [
        Patch(color="#6fa8dc", label=labels["touches"]),
        _key(labels["defensive"], "#e67e22", "#fff", "^"),
    ]
    ax.legend(
        handles=handles, loc="upper center", ncol=2, frameon=False, fontsize=6.5, bbox_to_anchor=(0.5, 1.1)
    )
    ax.set_title(labels["title"], fontsize=8, color=INK, pad=16)
    return _png(fig)


PENALTY_MARKER = 60.0  # points squared


def shots_faced_map(shots: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    """A goalkeeper's shots on target faced, drawn where they were struck, the goal he defended at
    the top (SPADL coordinates of the shooter, attacking left to right); marker area proportional
    to the stored xG; goals conceded filled red, saves hollow; penalties as small squares of one
    size (they are all struck from the spot, and would hide the shots around it).

    ``labels``: ``goal``, ``save``, ``penalty``, ``title`` in the reader's language."""
    pitch = _pitch(half=True, vertical=True)
    fig, ax = pitch.draw(figsize=(3.6, 3.3))

    def size(s: Mapping[str, Any]) -> float:
        return PENALTY_MARKER if s.get("penalty") else _shot_size(s)

    for penalty, marker in ((False, "o"), (True, "s")):
        _draw_shots(pitch, ax, [s for s in shots if bool(s.get("penalty")) == penalty], size, marker)

    handles = [
        _key(labels["goal"], GOAL_COLOUR, "#fff", ms=6),
        _key(labels["save"], "none", ACCENT, ms=6),
        _key(labels["penalty"], "none", "#777", "s", ms=PENALTY_MARKER**0.5),
        *_xg_keys(),
    ]
    return _shot_map_png(fig, ax, handles, labels["title"], _FACED_LEGEND)


COMPARE_COLOURS = (ACCENT, "#e67e22")  # the target, the other player


def radar_compare(
    labels: Sequence[str], values: Sequence[float], other: Sequence[float], names: Sequence[str]
) -> Figure:
    """Two players' percentiles (0-100) on one radar (mplsoccer ``Radar``): the target filled
    blue, the other orange; a metric either lacks is drawn at 0."""
    from mplsoccer import Radar

    n = len(labels)
    rings = {"num_rings": 4, "ring_width": 1, "center_circle_radius": 1}
    radar = Radar(list(labels), [0] * n, [100] * n, round_int=[True] * n, **rings)
    fig, ax = radar.setup_axis(figsize=(4.4, 4.4))
    radar.draw_circles(ax=ax, facecolor="#f3f5f7", edgecolor="#d9d9d9")
    clean = [[0.0 if v is None or v != v else float(v) for v in vs] for vs in (values, other)]
    radar.draw_radar_compare(
        clean[0],
        clean[1],
        ax=ax,
        kwargs_radar={"facecolor": COMPARE_COLOURS[0], "alpha": 0.5},
        kwargs_compare={"facecolor": COMPARE_COLOURS[1], "alpha": 0.5},
    )
    radar.draw_range_labels(ax=ax, fontsize=5.5, color="#6b7785")
    radar.draw_param_labels(ax=ax, fontsize=6.5, color=INK)
    ax.legend(
        handles=[
            Patch(color=c, alpha=0.6, label=name) for c, name in zip(COMPARE_COLOURS, names, strict=True)
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 1.1),
        ncol=2,
        frameon=False,
        fontsize=7,
    )
    return fig


def heatmap_pair(
    grids: Sequence[Mapping[str, Sequence[float]]],
    groups: Sequence[tuple[str, str]],
    names: Sequence[str],
    shape: tuple[int, int],
) -> Figure:
    """Both players' heatmaps (per 90, smoothed) of each action group, side by side: one row per
    player, one column per group (``groups``: key, title), on one colour scale per group.
    ``shape``: the grid's cells along the length and the width (attacking left to right)."""
    import numpy as np

    pitch = _pitch(half=False, vertical=False)
    fig, axes = plt.subplots(len(grids), len(groups), figsize=(1.9 * len(groups), 1.45 * len(grids) + 0.3))
    axes = np.atleast_2d(axes)
    edges_x = np.linspace(0, 105, shape[0] + 1)
    edges_y = np.linspace(0, 68, shape[1] + 1)
    for col, (key, title) in enumerate(groups):
        top = max([max(g[key]) if g.get(key) else 0.0 for g in grids] + [1e-9])
        for row, g in enumerate(grids):
            ax = axes[row, col]
            pitch.draw(ax=ax)
            values = np.asarray(g.get(key) or [0.0] * (shape[0] * shape[1]), dtype=float).reshape(shape)
            ax.pcolormesh(edges_x, edges_y, values.T, cmap="Blues", vmin=0, vmax=top, alpha=0.9, zorder=1)
            if row == 0:
                ax.set_title(title, fontsize=7, color=INK)
            if col == 0:
                ax.text(-4, 34, names[row], rotation=90, ha="right", va="center", fontsize=6.5, color=INK)
    fig.tight_layout()
    return fig
