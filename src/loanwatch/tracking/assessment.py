"""One spell as of a date, judged once: availability, the trend verdict, the purchase trigger's
progress, and where the calendar stands. Pure.

Every reader takes its judgment from here, so two parts of one page cannot disagree: the alerts
(``alerts.py``: the form rule calls :func:`form_trend`, the obligation rule :func:`trigger_progress`),
the report's form section and recommendation (``reports.data`` through ``Loanwatch.assessment`` /
``Loanwatch.form``), the digest and the career view.

- **availability** (:class:`Availability`): the host club's matches that count (not those without
  data, not those he was ineligible for against his owner club), his appearances, starts and
  minutes share, the share of the last five against the earlier ones, and the current runs: off
  the sheet, without a start.
- **trend** (:class:`TrendVerdict`): with per-match stats (a trained store) the form trend of
  ``trends.trend`` and nothing else: "not enough minutes" means no direction, never a fallback.
  Without them, the minutes share of the last five matches against the earlier ones (a change of
  ``TREND_CHANGE`` or more, at least ``TREND_MATCHES`` matches), said to be a minutes reading.
- **trigger** (:class:`TriggerProgress`): the obligation or option to buy, as the loan list writes
  it. An appearance trigger is counted as the contract defines it (``contract.AppearanceRule``);
  an obligation without a condition will fire; a fired or certain obligation decides the question.
- **calendar** (:class:`Calendar`): the loan ended, the host club's league season is over (every
  round played: each club has met every other twice), a recall window is open.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from loanwatch.domain import AppearanceStatus, LoanType, season_start_year
from loanwatch.tracking.contract import appearance_rule, recall_windows
from loanwatch.tracking.timeline import MatchLine, SpellTimeline
from loanwatch.tracking.trends import RolePrior, Trend, trend

UNCOUNTED = frozenset({AppearanceStatus.NO_DATA, AppearanceStatus.INELIGIBLE})
RECENT_MATCHES = 5
TREND_MATCHES = 8
TREND_CHANGE = 0.25
# Trend verdicts as directions
DIRECTIONS: dict[str, str | None] = {
    "breakout": "up",
    "slump": "down",
    "steady": "flat",
    "not enough minutes": None,
    "not for goalkeepers": None,
    "no data": None,
}


def counted(lines: Sequence[MatchLine]) -> list[MatchLine]:
    """The matches that count for availability: not the ones without data, not the ones he could
    not play (ineligible against the club that owns him)."""
    return [ln for ln in lines if ln.status not in UNCOUNTED]


def _share(lines: Sequence[MatchLine]) -> float | None:
    available = sum(ln.match_minutes for ln in lines)
    return sum(ln.minutes for ln in lines) / available if available else None


@dataclass(frozen=True)
class Availability:
    matches: int  # host club matches that count
    ineligible: int  # against the owner club, barred
    no_data: int
    appearances: int
    starts: int
    minutes: float
    available_minutes: float
    recent_share: float | None  # the last RECENT_MATCHES counted matches
    earlier_share: float | None  # the counted matches before them
    off_sheet_run: int  # counted matches in a row off the sheet, up to the as-of date
    without_start_run: int  # counted matches in a row without a start, up to the as-of date
    last_start: date | None

    @property
    def share(self) -> float | None:
        return self.minutes / self.available_minutes if self.available_minutes else None


def availability(timeline: SpellTimeline) -> Availability:
    lines = counted(timeline.lines)
    recent, earlier = lines[-RECENT_MATCHES:], lines[:-RECENT_MATCHES]
    off = 0
    for ln in reversed(lines):
        if ln.status != AppearanceStatus.NOT_IN_SQUAD:
            break
        off += 1
    without = 0
    for ln in reversed(lines):
        if ln.status == AppearanceStatus.STARTED:
            break
        without += 1
    last_start = next(
        (ln.kickoff.date() for ln in reversed(lines) if ln.status == AppearanceStatus.STARTED), None
    )
    return Availability(
        matches=len(lines),
        ineligible=timeline.count(AppearanceStatus.INELIGIBLE),
        no_data=timeline.count(AppearanceStatus.NO_DATA),
        appearances=sum(1 for ln in lines if ln.appeared),
        starts=sum(1 for ln in lines if ln.status == AppearanceStatus.STARTED),
        minutes=sum(ln.minutes for ln in lines),
        available_minutes=sum(ln.match_minutes for ln in lines),
        recent_share=_share(recent) if len(lines) > RECENT_MATCHES else None,
        earlier_share=_share(earlier) if earlier else None,
        off_sheet_run=off,
        without_start_run=without,
        last_start=last_start,
    )


def form_trend(lines: Sequence[MatchLine], priors: Mapping[str, RolePrior], rule: Mapping[str, Any]) -> Trend:
    """The form trend with the ``[form]`` settings of alerts.toml: the one call every reader makes."""
    return trend(
        counted(lines),
        priors,
        metric=str(rule["metric"]),
        matches=int(rule["matches"]),
        min_minutes=float(rule["min_minutes"]),
        z_threshold=float(rule["z"]),
    )


@dataclass(frozen=True)
class TrendVerdict:
    direction: str  # up, down, flat, unknown
    source: str  # form (the metric's trend), minutes (no per-match stats), none
    verdict: str  # the form verdict (breakout, slump, steady, not enough minutes, no data)
    form: Trend | None  # the form trend, when per-match stats exist
    recent_share: float | None = None
    earlier_share: float | None = None


def trend_verdict(timeline: SpellTimeline, avail: Availability, form: Trend | None) -> TrendVerdict:
    if form is not None and form.verdict != "no data":
        return TrendVerdict(DIRECTIONS.get(form.verdict) or "unknown", "form", form.verdict, form)
    verdict = form.verdict if form is not None else "no data"
    if avail.matches >= TREND_MATCHES and avail.recent_share is not None and avail.earlier_share is not None:
        change = avail.recent_share - avail.earlier_share
        direction = "up" if change >= TREND_CHANGE else "down" if change <= -TREND_CHANGE else "flat"
        return TrendVerdict(direction, "minutes", verdict, form, avail.recent_share, avail.earlier_share)
    return TrendVerdict("unknown", "none", verdict, form)


@dataclass(frozen=True)
class TriggerProgress:
    kind: str  # obligation, option, none
    fee_eur: int | None
    words: str  # the trigger as the list writes it ("" : no condition)
    counts_as: str
    target: int | None  # appearances the trigger needs (None: no appearance trigger)
    count: int  # appearances as the contract counts them, so far
    counted_lines: tuple[MatchLine, ...]  # the matches that counted
    state: str  # fired, will fire (an obligation without a condition), close, open, none

    @property
    def decides(self) -> bool:
        """An obligation that has fired or will fire: the question of his future is settled."""
        return self.kind == "obligation" and self.state in ("fired", "will fire")

    @property
    def fired_line(self) -> MatchLine | None:
        return self.counted_lines[self.target - 1] if self.state == "fired" and self.target else None


def trigger_progress(
    spell: Mapping[str, Any], lines: Sequence[MatchLine], close_share: float = 0.7
) -> TriggerProgress:
    loan_type = str(spell.get("loan_type") or "")
    kind = {LoanType.WITH_OBLIGATION.value: "obligation", LoanType.WITH_OPTION.value: "option"}.get(
        loan_type, "none"
    )
    fee = spell.get("obligation_fee_eur") or spell.get("option_fee_eur")
    rule = appearance_rule(spell)
    if rule.count:
        progress = rule.progress(lines, str(spell.get("competition_name") or ""))
        used = tuple(ln for ln, p, q in zip(lines, progress, [0, *progress], strict=False) if p > q)
        count = progress[-1] if progress else 0
        close_at = max(1, math.ceil(close_share * rule.count))
        state = "fired" if count >= rule.count else "close" if count >= close_at else "open"
        return TriggerProgress(kind, fee, rule.words, rule.describe(), rule.count, count, used, state)
    words = str(spell.get("obligation_trigger") or "")
    if kind == "obligation" and not words.strip():
        state = "will fire"  # an obligation to buy with no condition in the list
    else:
        state = "open" if kind != "none" else "none"
    return TriggerProgress(kind, fee, words, rule.describe(), None, 0, (), state)


@dataclass(frozen=True)
class Calendar:
    as_of: date
    spell_end: date
    loan_ended: bool
    season_over: bool  # the host club's league season is complete by the as-of date
    ends_with_season: bool  # the loan ends in the summer after this season
    recall_window: tuple[date, date] | None  # open on the as-of date
    next_recall_window: tuple[date, date] | None

    @property
    def recall_possible(self) -> bool:
        return not (self.loan_ended or self.season_over)


def calendar(
    spell: Mapping[str, Any], as_of: date, season_over: bool, recall_rule: Mapping[str, Any] | None = None
) -> Calendar:
    end = spell["end_date"]
    windows = recall_windows(
        spell,
        str((recall_rule or {}).get("default_start", "01-02")),
        str((recall_rule or {}).get("default_end", "01-31")),
    )
    open_now = next(((a, b) for a, b in windows if a <= as_of <= b), None)
    upcoming = next(((a, b) for a, b in sorted(windows) if a > as_of), None)
    season_year = season_start_year(as_of)
    return Calendar(
        as_of=as_of,
        spell_end=end,
        loan_ended=end < as_of,
        season_over=season_over,
        ends_with_season=end <= date(season_year + 1, 9, 1),
        recall_window=open_now,
        next_recall_window=upcoming,
    )


@dataclass(frozen=True)
class SpellAssessment:
    spell: Mapping[str, Any]
    as_of: date
    availability: Availability
    trend: TrendVerdict
    trigger: TriggerProgress
    calendar: Calendar

    def form_dict(self) -> dict[str, Any]:
        """The form section's content (``Loanwatch.form``): the trend's numbers and words, with
        the direction every other reader uses."""
        t = self.trend
        base = t.form.as_dict() if t.form is not None else {"verdict": t.verdict}
        return {
            **base,
            "direction": t.direction,
            "source": t.source,
            "recent_share": t.recent_share,
            "earlier_share": t.earlier_share,
        }

    def as_dict(self) -> dict[str, Any]:
        trig = self.trigger
        return {
            "as_of": self.as_of,
            "spell_id": self.spell.get("id"),
            "availability": {**asdict(self.availability), "share": self.availability.share},
            "trend": self.form_dict(),
            "trigger": {
                "kind": trig.kind,
                "fee_eur": trig.fee_eur,
                "words": trig.words,
                "target": trig.target,
                "count": trig.count,
                "state": trig.state,
                "decides": trig.decides,
            },
            "calendar": asdict(self.calendar),
        }


def assess(
    timeline: SpellTimeline,
    as_of: date,
    priors: Mapping[str, RolePrior],
    rules: Mapping[str, Mapping[str, Any]],
    *,
    season_over: bool = False,
) -> SpellAssessment:
    """The spell as of ``as_of`` (its timeline already cut at that date). ``rules``: the alert
    settings (``form``, ``obligation``, ``recall_window`` tables of alerts.toml)."""
    avail = availability(timeline)
    form = form_trend(timeline.lines, priors, rules["form"]) if timeline.has_stats else None
    trig = trigger_progress(
        timeline.spell, timeline.lines, float(rules.get("obligation", {}).get("close_share", 0.7))
    )
    return SpellAssessment(
        spell=timeline.spell,
        as_of=as_of,
        availability=avail,
        trend=trend_verdict(timeline, avail, form),
        trigger=trig,
        calendar=calendar(timeline.spell, as_of, season_over, rules.get("recall_window")),
    )
