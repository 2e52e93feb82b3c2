"""Alert rules: what needs the loan manager's attention as of a date. Pure.

Each rule reads one subject (a loan spell, or a watched player's spell at a club) as known on the
as-of date and returns the alerts whose condition holds then, or ended within the look-back
(``general.lookback_days``, a week by default, so a weekly run sees everything of its week; the
``everything`` flag of ``evaluate``: every episode of the spell so far). Every alert has a ``key``
naming the situation (rule, spell, the match that started it), so re-running or replaying the
season finds it again instead of raising it twice; a situation that grows keeps its key and
escalates (warning, then critical) instead of being raised again. An alert is dated by the match
that made its condition true (``triggered_on``, shown as "raised on"), never later than the as-of
date: the alerts as of a date are a pure function of the data up to that date; the store only
gives them an id and keeps their dismissals (who and why).

Matches he could not play (``UNCOUNTED``: no data, or ineligible against the club that owns him)
count neither as absences nor as minutes available.

The rules, their defaults (``alerts.toml``) and each kind's evidence keys (the reports translate
an alert from its ``kind`` and ``evidence``; keys are added, never renamed). ``matches`` /
``counted_matches`` are lists of match references: ``date``, ``opponent``, ``home``, ``result``,
``status``, ``minutes``.

- ``minutes_collapse``: share of the host club's minutes below ``share_below`` over the last
  ``matches`` matches, after at least ``previous_share_at_least`` over the ``matches`` before; it
  stays open while the share of the last ``matches`` stays below. Evidence: ``share_last``,
  ``share_before``, ``matches``, ``since``, ``matches_since``, ``ongoing``, ``rule``.
- ``out_of_squad``: not on the match sheet ``matches`` times in a row; the same alert turns
  critical at ``critical_after``. Evidence: ``in_a_row``, ``since``, ``matches``, ``ongoing``,
  ``critical_after``, ``escalated_on``, ``rule``.
- ``not_starting``: unused on the bench (or off the sheet, at least once on the bench)
  ``in_a_row`` matches in a row, or no start in the last ``no_start_in_last``; critical when the
  run without a start reaches ``critical_after``. Evidence: ``without_start``, ``since``,
  ``last_start`` (None: no start in the spell), ``unused``, ``came_on``, ``not_in_squad``,
  ``starts_in_last``, ``last_matches``, ``matches``, ``ongoing``, ``critical_after``,
  ``escalated_on``, ``rule``.
- ``role_change``: the role of most minutes over the last ``matches`` appearances differs from the
  one before (trained stores only). Evidence: ``from``, ``to``, ``matches`` (with ``role`` and
  ``confidence``), ``rule``.
- ``breakout`` / ``slump``: ``trends.trend`` beyond ``z`` standard errors (trained stores only).
  Evidence: the ``Trend`` fields (``verdict``, ``metric``, ``role``, ``recent_matches``,
  ``recent_minutes``, ``recent_p90``, ``baseline_minutes``, ``baseline_p90``,
  ``baseline_shrunk_p90``, ``recent_shrunk_p90``, ``change_p90``, ``se``, ``z``, ``role_mu``,
  ``prior_minutes``, ``words``) and ``explanation``.
- ``obligation_close`` / ``obligation_fired``: appearances counted as the contract defines them
  (``contract.AppearanceRule``); fired on the match that reaches the trigger. Evidence:
  ``trigger``, ``counts_as``, ``target``, ``fee_eur``, ``loan_type``, ``counted_matches``,
  ``count``; close: ``to_go``, ``close_share``; fired: ``fired_on``.
- ``loan_ending``: the loan ends within ``weeks`` weeks. Evidence: ``end_date``, ``days_left``,
  ``loan_type``, ``fee_eur``, ``rule``.
- ``recall_window``: a recall window of the spell's clause is open. Evidence: ``opens``,
  ``closes``, ``clause``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from loanwatch.domain import AppearanceStatus
from loanwatch.tracking.assessment import counted, form_trend, trigger_progress
from loanwatch.tracking.config import AlertConfig
from loanwatch.tracking.contract import recall_windows
from loanwatch.tracking.timeline import MatchLine, SpellTimeline
from loanwatch.tracking.trends import RolePrior, main_role

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str
    severity: str
    title: str
    evidence: dict[str, Any]
    triggered_on: date  # the date of the match (or the day) that started the situation
    player_id: int
    spell_id: int | None
    match_id: int | None = None
    active: bool = True  # the situation still holds on the as-of date

    def as_row(self, raised_on: date) -> dict[str, Any]:
        import json

        return {
            "key": self.key,
            "player_id": self.player_id,
            "spell_id": self.spell_id,
            "kind": self.kind,
            "severity": self.severity,
            "raised_on": raised_on,
            "match_id": self.match_id,
            "title": self.title,
            "evidence": json.dumps(self.evidence, default=str),
        }


@dataclass(frozen=True)
class Subject:
    """One player at one club as of a date: a loan spell, or a watched player's club."""

    player_id: int
    player_name: str
    timeline: SpellTimeline  # cut at the as-of date
    is_loan: bool = True
    next_spell_start: date | None = None  # the player's next loan spell, when it follows this one
    priors: Mapping[str, RolePrior] = field(default_factory=dict)

    @property
    def spell(self) -> Mapping[str, Any]:
        return self.timeline.spell

    @property
    def scope(self) -> str:
        if self.is_loan:
            return f"s{self.spell['id']}"
        return f"w{self.player_id}c{self.spell['host_club_id']}"

    @property
    def spell_id(self) -> int | None:
        return int(self.spell["id"]) if self.is_loan and self.spell.get("id") is not None else None


def _episodes(flags: Sequence[bool]) -> list[tuple[int, bool]]:
    """(index where a run of True starts, whether it lasts to the end)."""
    out = []
    for i, flag in enumerate(flags):
        if flag and (i == 0 or not flags[i - 1]):
            j = i
            while j + 1 < len(flags) and flags[j + 1]:
                j += 1
            out.append((i, j == len(flags) - 1))
    return out


def _line_ref(line: MatchLine) -> dict[str, Any]:
    return {
        "date": line.kickoff.date().isoformat(),
        "opponent": line.opponent,
        "home": line.home,
        "result": line.result,
        "status": line.status.value,
        "minutes": round(line.minutes, 1),
    }


def _run_evidence(run: Sequence[MatchLine], active: bool, critical: int, escalated: bool) -> dict[str, Any]:
    """The evidence of an alert on a run of matches (``out_of_squad``, ``not_starting``): the
    matches, whether the run goes on, and its escalation to critical after ``critical`` of them."""
    return {
        "matches": [_line_ref(ln) for ln in run],
        "ongoing": active,
        "critical_after": critical or None,
        "escalated_on": run[critical - 1].kickoff.date().isoformat() if escalated else None,
    }


class _Builder:
    def __init__(self, subject: Subject, as_of: date, lookback_days: int | None) -> None:
        self.subject = subject
        self.as_of = as_of
        # None: every episode of the spell so far (``alerts list --all``), ended ones included
        self.since = date.min if lookback_days is None else as_of - timedelta(days=lookback_days)
        self.out: list[Alert] = []

    def add(
        self,
        name: str,
        kind: str,
        severity: str,
        title: str,
        evidence: dict[str, Any],
        triggered_on: date,
        active: bool,
        match_id: int | None = None,
    ) -> None:
        if not active and triggered_on <= self.since:
            return  # an episode that ended before this week: not news any more
        s = self.subject
        self.out.append(
            Alert(
                key=f"{kind}:{s.scope}:{name}",
                kind=kind,
                severity=severity,
                title=f"{s.player_name}: {title}",
                evidence=evidence,
                triggered_on=min(triggered_on, self.as_of),
                player_id=s.player_id,
                spell_id=s.spell_id,
                match_id=match_id,
                active=active,
            )
        )


def _club(subject: Subject) -> str:
    return str(subject.spell.get("host_club_name") or "his club")


def minutes_collapse(b: _Builder, rule: Mapping[str, Any]) -> None:
    lines = counted(b.subject.timeline.lines)
    n = int(rule["matches"])
    below = float(rule["share_below"])

    def share(chunk: Sequence[MatchLine]) -> float:
        avail = sum(ln.match_minutes for ln in chunk)
        return sum(ln.minutes for ln in chunk) / avail if avail else 0.0

    # The collapse starts when the share drops after a good stretch, and lasts while the share of
    # the last ``n`` matches stays below the threshold (the bench does not end it).
    flags: list[bool] = []
    for i in range(len(lines)):
        low = i + 1 >= n and share(lines[i + 1 - n : i + 1]) < below
        if flags and flags[-1]:
            flags.append(low)
        else:
            flags.append(
                low
                and i + 1 >= 2 * n
                and share(lines[i + 1 - 2 * n : i + 1 - n]) >= float(rule["previous_share_at_least"])
            )
    for start, active in _episodes(flags):
        stop = start
        while stop + 1 < len(flags) and flags[stop + 1]:
            stop += 1
        recent = lines[stop + 1 - n : stop + 1]
        before = lines[start + 1 - 2 * n : start + 1 - n]
        line = lines[start]
        b.add(
            str(line.match_id),
            "minutes_collapse",
            rule["severity"],
            f"{share(recent):.0%} of {_club(b.subject)}'s minutes over the last {n} matches "
            f"(was {share(before):.0%})",
            {
                "share_last": round(share(recent), 3),
                "share_before": round(share(before), 3),
                "matches": [_line_ref(ln) for ln in recent],
                "since": line.kickoff.date().isoformat(),
                "matches_since": stop - start + 1,
                "ongoing": active,
                "rule": f"share below {below:.0%} over {n} matches after at least "
                f"{float(rule['previous_share_at_least']):.0%} over the {n} before",
            },
            line.kickoff.date(),
            active,
            line.match_id,
        )


def out_of_squad(b: _Builder, rule: Mapping[str, Any]) -> None:
    """One alert per run off the sheet; it escalates to critical when the run reaches
    ``critical_after`` (same key, so it is never listed twice)."""
    lines = counted(b.subject.timeline.lines)
    n, critical = int(rule["matches"]), int(rule.get("critical_after") or 0)
    i = 0
    while i < len(lines):
        if lines[i].status != AppearanceStatus.NOT_IN_SQUAD:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and lines[j + 1].status == AppearanceStatus.NOT_IN_SQUAD:
            j += 1
        run = lines[i : j + 1]
        active = j == len(lines) - 1
        if len(run) >= n:
            escalated = bool(critical) and len(run) >= critical
            reached = run[n - 1]
            b.add(
                str(run[0].match_id),
                "out_of_squad",
                "critical" if escalated else rule["severity"],
                f"not in {_club(b.subject)}'s squad for {len(run)} matches in a row "
                f"(since {run[0].kickoff.date()})",
                {
                    "in_a_row": len(run),
                    "since": run[0].kickoff.date().isoformat(),
                    **_run_evidence(run, active, critical, escalated),
                    "rule": f"{n} matches in a row off the sheet (injured, suspended, dropped)",
                },
                reached.kickoff.date(),
                active,
                reached.match_id,
            )
        i = j + 1


def not_starting(b: _Builder, rule: Mapping[str, Any]) -> None:
    """He stopped starting: unused on the bench (or off the sheet) ``in_a_row`` matches in a row, or
    no start in the last ``no_start_in_last`` matches. A run only off the sheet is ``out_of_squad``'s.
    One alert per run of matches without a start; critical from ``critical_after`` of them."""
    lines = counted(b.subject.timeline.lines)
    n, m = int(rule["in_a_row"]), int(rule["no_start_in_last"])
    critical = int(rule.get("critical_after") or 0)
    benched = (AppearanceStatus.UNUSED, AppearanceStatus.NOT_IN_SQUAD)

    def held(i: int) -> bool:
        last_n = lines[max(0, i + 1 - n) : i + 1]
        row = (
            len(last_n) == n
            and all(ln.status in benched for ln in last_n)
            and any(ln.status == AppearanceStatus.UNUSED for ln in last_n)
        )
        last_m = lines[max(0, i + 1 - m) : i + 1]
        no_start = (
            len(last_m) == m
            and not any(ln.status == AppearanceStatus.STARTED for ln in last_m)
            and not all(ln.status == AppearanceStatus.NOT_IN_SQUAD for ln in last_m)
        )
        return row or no_start

    flags = [held(i) for i in range(len(lines))]
    for start, active in _episodes(flags):
        stop = start
        while stop + 1 < len(flags) and flags[stop + 1]:
            stop += 1
        first = start  # the run of matches without a start that led to it
        while first > 0 and lines[first - 1].status != AppearanceStatus.STARTED:
            first -= 1
        run = lines[first : stop + 1]
        last_start = next(
            (ln for ln in reversed(lines[:first]) if ln.status == AppearanceStatus.STARTED), None
        )
        escalated = bool(critical) and len(run) >= critical
        line = lines[start]
        window = lines[max(0, stop + 1 - m) : stop + 1]
        b.add(
            str(line.match_id),
            "not_starting",
            "critical" if escalated else rule["severity"],
            f"no start for {_club(b.subject)} in {len(run)} matches (since {run[0].kickoff.date()}): "
            f"{sum(ln.status == AppearanceStatus.UNUSED for ln in run)} on the bench unused, "
            f"{sum(ln.status == AppearanceStatus.CAME_ON for ln in run)} off the bench, "
            f"{sum(ln.status == AppearanceStatus.NOT_IN_SQUAD for ln in run)} not in the squad",
            {
                "without_start": len(run),
                "since": run[0].kickoff.date().isoformat(),
                "last_start": last_start.kickoff.date().isoformat() if last_start else None,
                "unused": sum(ln.status == AppearanceStatus.UNUSED for ln in run),
                "came_on": sum(ln.status == AppearanceStatus.CAME_ON for ln in run),
                "not_in_squad": sum(ln.status == AppearanceStatus.NOT_IN_SQUAD for ln in run),
                "starts_in_last": sum(ln.status == AppearanceStatus.STARTED for ln in window),
                "last_matches": len(window),
                **_run_evidence(run, active, critical, escalated),
                "rule": f"unused or not in the squad {n} matches in a row, or no start in the last {m}",
            },
            line.kickoff.date(),
            active,
            line.match_id,
        )


def role_change(b: _Builder, rule: Mapping[str, Any]) -> None:
    played = [ln for ln in b.subject.timeline.lines if ln.appeared and ln.role]
    n, need = int(rule["matches"]), int(rule["min_previous_appearances"])
    new_roles: list[str] = []
    for i in range(len(played)):
        recent, before = played[max(0, i + 1 - n) : i + 1], played[: max(0, i + 1 - n)]
        if len(recent) < n or len(before) < need:
            new_roles.append("")
            continue
        now, then = main_role(recent), main_role(before)
        conf = [ln.role_confidence for ln in recent if ln.role == now and ln.role_confidence is not None]
        sure = bool(conf) and sum(conf) / len(conf) >= float(rule["min_confidence"])
        new_roles.append(f"{then}>{now}" if now != then and sure else "")
    for start, active in _episodes([bool(r) for r in new_roles]):
        then, now = new_roles[start].split(">")
        line = played[start]
        recent = played[max(0, start + 1 - n) : start + 1]
        b.add(
            f"{line.match_id}:{now}",
            "role_change",
            rule["severity"],
            f"now plays {now.replace('_', ' ')} (was {then.replace('_', ' ')})",
            {
                "from": then,
                "to": now,
                "matches": [
                    {**_line_ref(ln), "role": ln.role, "confidence": ln.role_confidence} for ln in recent
                ],
                "rule": f"role of most minutes over the last {n} appearances differs from the one before",
            },
            line.kickoff.date(),
            active,
            line.match_id,
        )


def form(b: _Builder, rule: Mapping[str, Any]) -> None:
    lines = b.subject.timeline.lines
    if not b.subject.timeline.has_stats or not b.subject.priors:
        return
    verdicts = []
    # Only the recent stretch matters for what is live; earlier verdicts are not news. The verdict
    # on the last line is the assessment's (the same call on the same lines).
    first = max(0, len(lines) - 2 * int(rule["matches"]))
    trends = {}
    for i in range(len(lines)):
        if i < first:
            verdicts.append("")
            continue
        t = form_trend(lines[: i + 1], b.subject.priors, rule)
        trends[i] = t
        verdicts.append(t.verdict if t.verdict in ("breakout", "slump") else "")
    for kind in ("breakout", "slump"):
        for start, active in _episodes([v == kind for v in verdicts]):
            t, line = trends[start], lines[start]
            b.add(
                str(line.match_id),
                kind,
                rule[f"{kind}_severity"],
                f"{kind} in {t.metric.upper()} per 90 ({t.recent_p90:.2f} vs {t.baseline_shrunk_p90:.2f}, "
                f"z {t.z:+.1f})",
                {**t.as_dict(), "explanation": t.words},
                line.kickoff.date(),
                active,
                line.match_id,
            )


def obligation(b: _Builder, rule: Mapping[str, Any]) -> None:
    spell = b.subject.spell
    if not b.subject.is_loan:
        return
    p = trigger_progress(spell, b.subject.timeline.lines, float(rule["close_share"]))
    if p.target is None:
        return
    target, counted_lines, fee = p.target, p.counted_lines, p.fee_eur
    close_at = max(1, math.ceil(float(rule["close_share"]) * target))
    base = {
        "trigger": p.words,
        "counts_as": p.counts_as,
        "target": target,
        "fee_eur": fee,
        "loan_type": spell.get("loan_type"),
        "counted_matches": [_line_ref(ln) for ln in counted_lines],
    }
    count = p.count
    if p.state == "fired":
        line = counted_lines[target - 1]
        b.add(
            "fired",
            "obligation_fired",
            rule["fired_severity"],
            f"purchase trigger '{p.words}' reached on {line.kickoff.date()} vs {line.opponent}"
            + (f" ({fee:,} EUR)" if fee else ""),
            {**base, "count": count, "fired_on": line.kickoff.date().isoformat()},
            line.kickoff.date(),
            True,
            line.match_id,
        )
    elif p.state == "close":
        line = counted_lines[close_at - 1]
        b.add(
            f"close:{target}",
            "obligation_close",
            rule["close_severity"],
            f"{count} of {target} for the purchase trigger '{p.words}' ({target - count} to go)",
            {**base, "count": count, "to_go": target - count, "close_share": float(rule["close_share"])},
            line.kickoff.date(),
            True,
            line.match_id,
        )


def loan_ending(b: _Builder, rule: Mapping[str, Any]) -> None:
    s = b.subject
    if not s.is_loan:
        return
    end = s.spell["end_date"]
    if s.next_spell_start is not None and (s.next_spell_start - end).days <= 7:
        return  # ended by a recall and a new loan: a move, not an expiry
    opens = end - timedelta(weeks=int(rule["weeks"]))
    if not opens <= b.as_of <= end:
        return
    fee = s.spell.get("option_fee_eur") or s.spell.get("obligation_fee_eur")
    decision = {
        "loan_with_option": "decide on the option" + (f" ({fee:,} EUR)" if fee else ""),
        "loan_with_obligation": "obligation: check the trigger",
        "loan_back": "he returns to the club",
    }.get(str(s.spell.get("loan_type")), "plan his return or next loan")
    b.add(
        str(end),
        "loan_ending",
        rule["severity"],
        f"loan at {_club(s)} ends {end} ({(end - b.as_of).days} days): {decision}",
        {
            "end_date": end.isoformat(),
            "days_left": (end - b.as_of).days,
            "loan_type": s.spell.get("loan_type"),
            "fee_eur": fee,
            "rule": f"within {int(rule['weeks'])} weeks of the end",
        },
        opens,
        True,
    )


def recall_window(b: _Builder, rule: Mapping[str, Any]) -> None:
    s = b.subject
    if not s.is_loan:
        return
    for start, end in recall_windows(s.spell, str(rule["default_start"]), str(rule["default_end"])):
        if start <= b.as_of <= end:
            b.add(
                str(start),
                "recall_window",
                rule["severity"],
                f"recall window open until {end} ('{s.spell.get('recall_clause')}')",
                {
                    "opens": start.isoformat(),
                    "closes": end.isoformat(),
                    "clause": s.spell.get("recall_clause"),
                },
                start,
                True,
            )


RULES: dict[str, Callable[[_Builder, Mapping[str, Any]], None]] = {
    "minutes_collapse": minutes_collapse,
    "out_of_squad": out_of_squad,
    "not_starting": not_starting,
    "role_change": role_change,
    "form": form,
    "obligation": obligation,
    "loan_ending": loan_ending,
    "recall_window": recall_window,
}


def evaluate(subject: Subject, as_of: date, config: AlertConfig, *, everything: bool = False) -> list[Alert]:
    """Every alert live for this subject on ``as_of`` (its timeline already cut at that date);
    ``everything``: every episode of the spell so far, ended ones too. A pure function of the
    timeline: the same date gives the same alerts whatever ran before."""
    cfg = config.for_club(str(subject.spell.get("parent_club") or "")) if subject.is_loan else config
    b = _Builder(subject, as_of, None if everything else cfg.lookback_days)
    for name, rule_fn in RULES.items():
        rule = cfg.rule(name)
        if rule.get("enabled", True):
            rule_fn(b, rule)
    return sorted(b.out, key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.triggered_on, a.key))
