"""The player report as HTML: kept for callers of the first version; see ``render.py``."""

from __future__ import annotations

from loanwatch.reports.render import render_player_html, report_filename, write_player_report

__all__ = ["render_player_html", "report_filename", "write_player_report"]
