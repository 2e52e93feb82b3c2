"""The similar-players page (``market similar --out DIR``): per candidate of each search, a
side-by-side radar of the two players' output percentiles and both players' heatmaps per action
group, as PNG files, and an HTML page that shows them with the tables. Words from the catalogs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from loanwatch.reports import vocab
from loanwatch.reports.i18n import translations


def _word(lang: str, table: Mapping[str, str], key: str) -> str:
    return translations(lang).gettext(table[key]) if key in table else key


def feature_text(lang: str, feature: Mapping[str, Any]) -> str:
    """A feature of a comparison in a scout's words: "Passes: left half-space, middle third" for a
    style component, "Key passes per 90" for an output metric."""
    tr = translations(lang)
    if feature["kind"] == "style":
        return tr.gettext(vocab.STYLE_FEATURE) % {
            "action": _word(lang, vocab.STYLE_GROUPS, str(feature["group"])),
            "width": _word(lang, vocab.WIDTHS, str(feature["width"])),
            "depth": _word(lang, vocab.DEPTHS, str(feature["depth"])),
        }
    return tr.gettext(vocab.OUTPUT_FEATURE) % {"metric": _word(lang, vocab.METRICS, str(feature["key"]))}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "player"


def write_page(result: Mapping[str, Any], out: Path, *, lang: str = "en") -> list[Path]:
    """The PNG files and ``index.html`` of a comparison (``SimilarPlayers.model_dump()``) in ``out``."""
    from loanwatch.market.similarity import ACTION_GROUPS, GRID
    from loanwatch.reports import charts  # matplotlib: only when a page is written
    from loanwatch.reports.render import environment

    out.mkdir(parents=True, exist_ok=True)
    target = result["target"]
    metrics: Sequence[str] = result["metrics"]
    labels = [_word(lang, vocab.METRICS, m) for m in metrics]
    groups = [(g, _word(lang, vocab.STYLE_GROUPS, g)) for g in ACTION_GROUPS]
    written: list[Path] = []
    page: dict[str, Any] = dict(result)
    for search in ("style", "output"):
        rows = []
        for c in result[search]:
            names = (target["player"]["display_name"], c["player"]["display_name"])
            stem = f"{search}-{c['rank']:02d}-{_slug(c['player']['display_name'])}"
            radar = out / f"{stem}-radar.png"
            radar.write_bytes(
                charts.png_bytes(
                    charts.radar_compare(
                        labels,
                        [target["profile"].get(m) for m in metrics],
                        [c["profile"].get(m) for m in metrics],
                        names,
                    )
                )
            )
            maps = out / f"{stem}-heatmaps.png"
            maps.write_bytes(
                charts.png_bytes(
                    charts.heatmap_pair([target["heatmaps"], c["heatmaps"]], groups, names, GRID)
                )
            )
            written += [radar, maps]
            rows.append(
                dict(
                    c,
                    radar=radar.name,
                    maps=maps.name,
                    close_words=[feature_text(lang, f) for f in c["close"]],
                    apart_words=[feature_text(lang, f) for f in c["apart"]],
                )
            )
        page[search] = rows
    html = (
        environment(lang)  # the reports' environment: the catalog, n_, the number filters
        .get_template("similar.html.j2")
        .render(r=page, t=target, word=lambda table, key: _word(lang, table, key))
    )
    index = out / "index.html"
    index.write_text(html, encoding="utf-8")
    return [*written, index]
