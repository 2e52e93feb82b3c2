"""Alert rules: what needs the loan manager's attention as of a date. Pure.

Each rule reads one subject (a loan spell, or a watched player's spell at a club) as known on the
as-of date and returns the alerts whose situation is live then, or started within the look-back
(``general.lookback_days``, a week by default, so a weekly run sees everything of its week). Every
alert has a ``key`` naming the situation (rule, spell, the match that started it), so re-running
or replaying the season finds it again instead of raising it twice; the store keeps the first
as-of date it was seen (``raised_on``), its status and who dismissed it and why.

The rules and their defaults are documented in ``alerts.toml``:

- ``minutes_collapse``: share of the host club's minutes below ``share_below`` over the last
  ``matches`` matches, after at least ``previous_share_at_least`` over the ``matches`` before.
- ``out_of_squad``: not on the match sheet ``matches`` times in a row (critical at
  ``critical_after``).
- ``role_change``: the role of most minutes over the last ``matches`` appearances differs from the
  one before (trained stores only).
- ``breakout`` / ``slump``: ``trends.trend`` beyond ``z`` standard errors (trained stores only).
- ``obligation_close`` / ``obligation_fired``: appearances counted as the contract defines them
  (``contract.AppearanceRule``); fired on the match that reaches the trigger.
- ``loan_ending``: the loan ends within ``weeks`` weeks.
- ``recall_window``: a recall window of the spell's clause is open.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from loanwatch.domain import AppearanceStatus
from loanwatch.tracking.config import AlertConfig
from loanwatch.tracking.contract import appearance_rule, recall_windows
from loanwatch.tracking.timeline import MatchLine, SpellTimeline
from loanwatch.tracking.trends import RolePrior, main_role, trend

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


class _Builder:
    def __init__(self, subject: Subject, as_of: date, lookback_days: int) -> None:
        self.subject = subject
        self.as_of = as_of
        self.since = as_of - timedelta(days=lookback_days)
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
                triggered_on=triggered_on,
                player_id=s.player_id,
                spell_id=s.spell_id,
                match_id=match_id,
                active=active,
            )
        )


def _club(subject: Subject) -> str:
    return str(subject.spell.get("host_club_name") or "his club")


def minutes_collapse(b: _Builder, rule: Mapping[str, Any]) -> None:
    lines = b.subject.timeline.lines
    n = int(rule["matches"])

    def share(chunk: Sequence[MatchLine]) -> float:
        avail = sum(ln.match_minutes for ln in chunk)
        return sum(ln.minutes for ln in chunk) / avail if avail else 0.0

    flags = [
        i + 1 >= 2 * n
        and share(lines[i + 1 - n : i + 1]) < float(rule["share_below"])
        and share(lines[i + 1 - 2 * n : i + 1 - n]) >= float(rule["previous_share_at_least"])
        for i in range(len(lines))
    ]
    for start, active in _episodes(flags):
        recent = lines[start + 1 - n : start + 1]
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
                "rule": f"share below {float(rule['share_below']):.0%} over {n} matches after at least "
                f"{float(rule['previous_share_at_least']):.0%} over the {n} before",
            },
            line.kickoff.date(),
            active,
            line.match_id,
        )


def out_of_squad(b: _Builder, rule: Mapping[str, Any]) -> None:
    lines = b.subject.timeline.lines
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
        for needed, severity, suffix in ((n, rule["severity"], ""), (critical, "critical", ":critical")):
            if needed and len(run) >= needed:
                reached = run[needed - 1]
                b.add(
                    f"{run[0].match_id}{suffix}",
                    "out_of_squad",
                    severity,
                    f"not in {_club(b.subject)}'s squad for {len(run) if active else needed} matches "
                    f"in a row (since {run[0].kickoff.date()})",
                    {
                        "in_a_row": len(run),
                        "since": run[0].kickoff.date().isoformat(),
                        "matches": [_line_ref(ln) for ln in run],
                        "ongoing": active,
                        "rule": f"{needed} matches in a row off the sheet (injured, suspended, dropped)",
                    },
                    reached.kickoff.date(),
                    active,
                    reached.match_id,
                )
        i = j + 1


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
    kwargs = dict(
        metric=str(rule["metric"]),
        matches=int(rule["matches"]),
        min_minutes=float(rule["min_minutes"]),
        z_threshold=float(rule["z"]),
    )
    # Only the recent stretch matters for what is live; earlier verdicts are not news.
    first = max(0, len(lines) - 2 * int(rule["matches"]))
    trends = {}
    for i in range(len(lines)):
        if i < first:
            verdicts.append("")
            continue
        t = trend(lines[: i + 1], b.subject.priors, **kwargs)  # type: ignore[arg-type]
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
    contract = appearance_rule(spell)
    if not contract.count:
        return
    lines = b.subject.timeline.lines
    progress = contract.progress(lines, str(spell.get("competition_name") or ""))
    target = contract.count
    close_at = max(1, math.ceil(float(rule["close_share"]) * target))
    counted = [ln for ln, p, q in zip(lines, progress, [0, *progress], strict=False) if p > q]
    fee = spell.get("obligation_fee_eur") or spell.get("option_fee_eur")
    base = {
        "trigger": contract.words,
        "counts_as": contract.describe(),
        "target": target,
        "fee_eur": fee,
        "loan_type": spell.get("loan_type"),
        "counted_matches": [_line_ref(ln) for ln in counted],
    }
    count = progress[-1] if progress else 0
    if count >= target:
        line = counted[target - 1]
        b.add(
            "fired",
            "obligation_fired",
            rule["fired_severity"],
            f"purchase trigger '{contract.words}' reached on {line.kickoff.date()} vs {line.opponent}"
            + (f" ({fee:,} EUR)" if fee else ""),
            {**base, "count": count, "fired_on": line.kickoff.date().isoformat()},
            line.kickoff.date(),
            True,
            line.match_id,
        )
    elif count >= close_at:
        line = counted[close_at - 1]
        b.add(
            f"close:{target}",
            "obligation_close",
            rule["close_severity"],
            f"{count} of {target} for the purchase trigger '{contract.words}' ({target - count} to go)",
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
    "role_change": role_change,
    "form": form,
    "obligation": obligation,
    "loan_ending": loan_ending,
    "recall_window": recall_window,
}


def evaluate(subject: Subject, as_of: date, config: AlertConfig) -> list[Alert]:
    """Every alert live for this subject on ``as_of`` (its timeline already cut at that date)."""
    cfg = config.for_club(str(subject.spell.get("parent_club") or "")) if subject.is_loan else config
    b = _Builder(subject, as_of, cfg.lookback_days)
    for name, rule_fn in RULES.items():
        rule = cfg.rule(name)
        if rule.get("enabled", True):
            rule_fn(b, rule)
    return sorted(b.out, key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.triggered_on, a.key))
