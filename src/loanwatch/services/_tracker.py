"""Tracking over the store: the reads (and the alert writes) behind the tracking service
(services/tracking.py). Everything computed here is delegated to the pure modules of
``loanwatch.tracking`` (timeline, trends, alerts, assessment, digest); this module only gathers
their inputs as known on the as-of date. It sees everything: the service applies the access rule
to what it returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from loanwatch.domain import season_name, season_start
from loanwatch.portfolio.names import display_name
from loanwatch.store.repository import Store
from loanwatch.tracking.alerts import Alert, Subject, evaluate
from loanwatch.tracking.assessment import SpellAssessment, assess, trigger_progress
from loanwatch.tracking.config import AlertConfig
from loanwatch.tracking.digest import Digest, digest_entry, iso_week, order_entries, week_of
from loanwatch.tracking.timeline import SpellTimeline, spell_timeline, spell_window
from loanwatch.tracking.trends import RolePrior, role_priors


class Tracker:
    """Reads for one store, per player: a spell's club matches, the player's own per-match stats,
    his competition-season's pool for the role priors; caches what does not change between as-of
    dates of one run (the pools, the league calendars) so a replay week by week stays fast. No
    read here takes every match or every per-match row of the store."""

    def __init__(self, store: Store, config: AlertConfig) -> None:
        self.store = store
        self.config = config
        self._trained: bool | None = None
        self._pools: dict[tuple[str, str], pd.DataFrame] = {}
        self._priors: dict[tuple[str, str, date, str, float], dict[str, RolePrior]] = {}
        self._players: dict[int, dict[str, Any]] = {}
        self._player_stats: dict[int, dict[int, dict[str, Any]]] = {}
        self._owner_rules: frozenset[str] | None = None
        self._seasons: dict[tuple[int, str, str], tuple[list[date], int]] = {}
        self._as_of: date | None = None
        self._timelines: dict[tuple[Any, ...], SpellTimeline] = {}

    # -- cached reads ------------------------------------------------------------------------

    @property
    def trained(self) -> bool:
        if self._trained is None:
            self._trained = self.store.latest_model("vaep") is not None
        return self._trained

    def pool(self, competition: str, season: str) -> pd.DataFrame:
        """The per-match stats of a competition's season (both by name), with the day of each
        match (trained stores): one competition-season's rows, what its role priors read."""
        key = (competition, season)
        if key not in self._pools:
            from loanwatch.frames import PLAYER_MATCH_STATS

            rows = self.store.competition_season_stats_frame(competition, season)
            stats = PLAYER_MATCH_STATS.validate(rows.drop(columns=["kickoff"]))
            stats["day"] = pd.to_datetime(rows["kickoff"]).dt.date
            stats["role"] = stats["role"].fillna("")
            self._pools[key] = stats
        return self._pools[key]

    def player(self, player_id: int) -> dict[str, Any]:
        if player_id not in self._players:
            self._players[player_id] = self.store.player(player_id) or {"id": player_id}
        return self._players[player_id]

    def last_match_day(self) -> date | None:
        last = self.store.last_kickoff()
        return None if last is None else pd.Timestamp(last).date()

    def default_as_of(self) -> date:
        """Today, or the day of the last match of the competitions the portfolio's host clubs play
        in when the data is older (a summer tournament of national teams does not move it); the
        store's last match when there is no loan spell."""
        if self._as_of is None:
            spells = self.store.loan_spells()
            hosts = sorted({int(s["host_club_id"]) for s in spells if s.get("host_club_id")})
            last = self.store.last_kickoff(hosts) if hosts else None
            if last is None:
                last = self.store.last_kickoff()
            today = date.today()
            self._as_of = min(today, pd.Timestamp(last).date()) if last is not None else today
        return self._as_of

    # -- timelines ---------------------------------------------------------------------------

    def _stats_by_match(self, player_id: int) -> dict[int, dict[str, Any]] | None:
        """The player's own per-match stats by match id (his rows only; None before training)."""
        if not self.trained:
            return None
        if player_id not in self._player_stats:
            rows = self.store.player_match_stats_frame(player_ids=[player_id])
            rows["role"] = rows["role"].fillna("")
            self._player_stats[player_id] = {
                int(r["match_id"]): {str(k): v for k, v in r.items()} for r in rows.to_dict("records")
            }
        return self._player_stats[player_id]

    @property
    def owner_rules(self) -> frozenset[str]:
        """Competitions whose rules bar a loanee from playing his owner club (eligibility.toml)."""
        if self._owner_rules is None:
            from loanwatch.tracking.config import load_owner_rules

            self._owner_rules = load_owner_rules()
        return self._owner_rules

    def timeline(self, spell: Mapping[str, Any], as_of: date | None) -> SpellTimeline:
        """The spell match by match as of the date (cached per loan spell and date: the alerts,
        the assessment and the overview of one run read the same one)."""
        key = (spell.get("id"), spell.get("host_club_id"), spell["start_date"], spell["end_date"], as_of)
        if spell.get("id") is not None and key in self._timelines:
            return self._timelines[key]
        made = self._timeline(spell, as_of)
        if spell.get("id") is not None:
            self._timelines[key] = made
        return made

    def _timeline(self, spell: Mapping[str, Any], as_of: date | None) -> SpellTimeline:
        start, end = spell_window(spell, as_of)
        club = spell.get("host_club_id")
        matches = self.store.club_matches(club, start, end) if club else []
        fixtures = self.store.club_fixtures_without_data(club, start, end) if club else []
        apps = self.store.player_appearances(int(spell["player_id"]), [m["id"] for m in matches])
        stats = self._stats_by_match(int(spell["player_id"]))
        return spell_timeline(spell, matches, apps, stats, fixtures, self.owner_rules)

    def spells(self, player_id: int, as_of: date | None) -> list[dict[str, Any]]:
        return [s for s in self.store.loan_spells(player_id) if as_of is None or s["start_date"] <= as_of]

    def timelines(self, player_id: int, as_of: date | None) -> list[SpellTimeline]:
        return [self.timeline(s, as_of) for s in self.spells(player_id, as_of)]

    def watched_spells(self, player_id: int, as_of: date) -> list[dict[str, Any]]:
        """A watched player's clubs this season (as of the date), as spells: a January transfer
        gives two."""
        start = season_start(as_of)
        clubs = self.store.player_clubs_between(player_id, start, as_of)
        out = []
        for i, c in enumerate(clubs):
            nxt = clubs[i + 1]["first"].date() - timedelta(days=1) if i + 1 < len(clubs) else as_of
            club = self.store.club(int(c["club_id"])) or {}
            out.append(
                {
                    "id": None,
                    "player_id": player_id,
                    "player_name": display_name(self.player(player_id)),
                    "parent_club": "",
                    "host_club_id": int(c["club_id"]),
                    "host_club_name": club.get("name", ""),
                    "competition_name": "",
                    "start_date": start if i == 0 else c["first"].date(),
                    "end_date": nxt,
                    "loan_type": "",
                    "obligation_trigger": "",
                    "trigger_appearances": None,
                    "recall_clause": "",
                }
            )
        return out

    def _season_days(self, club: int, competition: str, season: str) -> tuple[list[date], int]:
        """The days of the club's league matches in a season (with data or only on a sheet) and
        the number of clubs in that league season. Cached: the store does not change in a run."""
        key = (club, competition, season)
        if key not in self._seasons:
            start = int(season[:4])
            first, last = date(start, 7, 1), date(start + 1, 6, 30)
            league = self.store.competition_matches_between(competition, first, last)
            clubs = {m["home_club_id"] for m in league} | {m["away_club_id"] for m in league}
            days = [
                pd.Timestamp(m["kickoff"]).date()
                for m in league
                if club in (m["home_club_id"], m["away_club_id"])
            ]
            days += [
                f["kickoff"].date()
                for f in self.store.club_fixtures_without_data(club, first, last)
                if str(f["competition"]) == competition
            ]
            self._seasons[key] = (sorted(days), len(clubs))
        return self._seasons[key]

    def season_over(self, timeline: SpellTimeline, as_of: date) -> bool:
        """True when the host club's league season (the competition of most of the spell's
        matches, the season of ``as_of``) is complete by ``as_of``: the club has played every
        other club of the league twice (a round the sheets list without data counts), the last of
        those matches by then."""
        club = timeline.spell.get("host_club_id")
        if not club or not timeline.lines:
            return False
        comp = str(pd.Series([ln.competition for ln in timeline.lines]).mode().iloc[0])
        days, clubs = self._season_days(int(club), comp, season_name(as_of))
        if clubs < 2 or len(days) < 2 * (clubs - 1):
            return False
        return days[-1] <= as_of

    def assessment(self, spell: Mapping[str, Any], as_of: date) -> SpellAssessment:
        """The spell judged once as of the date (tracking/assessment.py): what the alerts, the
        form section, the recommendation and the digest all read."""
        tl = self.timeline(spell, as_of)
        rules = self.config.for_club(str(spell.get("parent_club") or "")).rules  # as the alerts read them
        return assess(tl, as_of, self.priors(tl, as_of), rules, season_over=self.season_over(tl, as_of))

    # -- priors --------------------------------------------------------------------------------

    def priors(self, timeline: SpellTimeline, as_of: date) -> dict[str, RolePrior]:
        """Role priors for the spell's competition and season, from the matches played by as_of."""
        if not self.trained or not timeline.lines:
            return {}
        rule = self.config.rule("form")
        metric, fixed = str(rule["metric"]), float(rule.get("prior_minutes") or 0)
        comps = pd.Series([ln.competition for ln in timeline.lines]).mode()
        competition, season = str(comps.iloc[0]), season_name(as_of)
        key = (competition, season, as_of, metric, fixed)
        if key not in self._priors:
            s = self.pool(competition, season)
            self._priors[key] = role_priors(s[s["day"] <= as_of], metric, fixed)
        return self._priors[key]

    # -- subjects and alerts ---------------------------------------------------------------------

    def subjects(
        self, as_of: date, *, player_ids: Iterable[int] | None = None, watchlists: bool = True
    ) -> list[tuple[Subject, str | None]]:
        """Loan spells active on ``as_of`` and watched players' clubs: (subject, watchlist name)."""
        wanted = set(player_ids) if player_ids is not None else None
        all_spells = self.store.loan_spells()
        by_player: dict[int, list[dict[str, Any]]] = {}
        for s in all_spells:
            by_player.setdefault(int(s["player_id"]), []).append(s)
        out: list[tuple[Subject, str | None]] = []
        for pid, spells in by_player.items():
            if wanted is not None and pid not in wanted:
                continue
            spells.sort(key=lambda s: s["start_date"])
            for i, spell in enumerate(spells):
                if not spell["start_date"] <= as_of <= spell["end_date"]:
                    continue
                tl = self.timeline(spell, as_of)
                nxt = spells[i + 1]["start_date"] if i + 1 < len(spells) else None
                out.append(
                    (
                        Subject(pid, str(spell["player_name"]), tl, True, nxt, self.priors(tl, as_of)),
                        None,
                    )
                )
        if watchlists:
            owned = set(by_player)
            for row in self.store.watchlist_players():
                pid = int(row["player_id"])
                if pid in owned or (wanted is not None and pid not in wanted):
                    continue
                for spell in self.watched_spells(pid, as_of):
                    if spell["end_date"] < as_of:
                        continue
                    tl = self.timeline(spell, as_of)
                    subject = Subject(pid, spell["player_name"], tl, False, None, self.priors(tl, as_of))
                    out.append((subject, str(row["watchlist"])))
        return out

    def live_alerts(
        self, as_of: date, player_ids: Iterable[int] | None = None, *, everything: bool = False
    ) -> list[Alert]:
        """The alerts live on ``as_of`` (``everything``: every episode of the spells so far)."""
        alerts: dict[str, Alert] = {}
        for subject, _ in self.subjects(as_of, player_ids=player_ids):
            for a in evaluate(subject, as_of, self.config, everything=everything):
                alerts.setdefault(a.key, a)
        return list(alerts.values())

    def stored_by_key(self, player_id: int | None = None) -> dict[str, dict[str, Any]]:
        return {a["key"]: a for a in self.store.alerts(player_id=player_id)}

    def record(self, alerts: Sequence[Alert], as_of: date) -> dict[str, dict[str, Any]]:
        """Store the alerts not yet known (raised_on = the match that made them true); returns the
        stored rows by key. The store gives an alert its id and keeps its dismissal; what an alert
        says as of a date is always computed, never read back."""
        for a in alerts:
            self.store.upsert_alert(a.as_row(a.triggered_on))
        return self.stored_by_key()


def alert_dict(alert: Alert, stored: Mapping[str, Any] | None, as_of: date) -> dict[str, Any]:
    """The shape the API returns (the reports use it): kind, severity, title, evidence,
    raised_on, status, and the rest of what the store knows."""
    return {
        "id": stored["id"] if stored else None,
        "key": alert.key,
        "kind": alert.kind,
        "severity": alert.severity,
        "title": alert.title,
        "evidence": alert.evidence,
        "raised_on": alert.triggered_on,  # the match that made it true, never after as_of
        "triggered_on": alert.triggered_on,
        "status": stored["status"] if stored else "new",
        "dismissed_by": stored["dismissed_by"] if stored else None,
        "dismissed_at": stored.get("dismissed_at") if stored else None,
        "dismiss_reason": stored["dismiss_reason"] if stored else None,
        "player_id": alert.player_id,
        "spell_id": alert.spell_id,
        "match_id": alert.match_id,
        "active": alert.active,
    }


def refresh_alerts(tracker: Tracker, as_of: date, *, everything: bool = False) -> list[dict[str, Any]]:
    """Compute the live alerts as of the date (``everything``: every episode so far), store the
    new ones, return them with their status: a pure function of the data up to ``as_of`` and the
    stored dismissals."""
    live = tracker.live_alerts(as_of, everything=everything)
    stored = tracker.record(live, as_of)
    return [alert_dict(a, stored.get(a.key), as_of) for a in live]


def digest(tracker: Tracker, week: str | None, as_of: date | None) -> Digest:
    """The week's digest. ``week`` (YYYY-Www) gives Monday-Sunday and an as-of of that Sunday (or
    ``as_of`` when earlier); ``as_of`` alone gives its week up to that day."""
    if week is not None:
        start, end = iso_week(week)
        as_of = min(end, as_of) if as_of else end
    else:
        as_of = as_of or tracker.default_as_of()
        week = week_of(as_of)
        start, end = iso_week(week)
        end = as_of
    subjects = tracker.subjects(as_of)
    live: list[Alert] = []
    for subject, _ in subjects:
        live.extend(evaluate(subject, as_of, tracker.config))
    stored = tracker.record(live, as_of)
    by_subject: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for a in live:
        row = alert_dict(a, stored.get(a.key), as_of)
        if row["status"] == "dismissed":
            continue
        if a.kind in ("breakout", "slump") and not a.active:
            continue  # a trend that no longer holds would contradict the entry's form verdict
        escalated = a.evidence.get("escalated_on")
        row["new"] = start <= a.triggered_on <= end or (
            bool(escalated) and start <= date.fromisoformat(str(escalated)) <= end
        )
        scope = a.key.split(":")[1]
        by_subject.setdefault((a.player_id, scope), []).append(row)
    out = Digest(week=week, start=start, end=end, as_of=as_of)
    for subject, watchlist in subjects:
        tl = subject.timeline
        entry = digest_entry(
            subject.player_id,
            subject.player_name,
            tl,
            by_subject.get((subject.player_id, subject.scope), []),
            start,
            end,
            watchlist,
        )
        # the same judgment of the spell as the report's form section and recommendation
        rules = tracker.config.for_club(str(tl.spell.get("parent_club") or "")).rules
        judged = assess(tl, as_of, subject.priors, rules)
        entry.form = {k: judged.form_dict()[k] for k in ("verdict", "direction", "source")}
        out.entries.append(entry)
    out.entries = order_entries(out.entries)
    return out


def career(tracker: Tracker, player_id: int, as_of: date | None) -> dict[str, Any]:
    """One player's loans as one career: each spell match by match with its rolling windows, and
    the moves between spells (a recall followed by a new loan is one move, not two careers)."""
    from loanwatch.tracking.timeline import rolling

    day = as_of or tracker.default_as_of()
    spells = tracker.spells(player_id, as_of)
    timelines = [tracker.timeline(s, as_of) for s in spells]
    entries, moves = [], []
    for i, tl in enumerate(timelines):
        spell = tl.spell
        previous = timelines[i - 1] if i else None
        nxt = spells[i + 1] if i + 1 < len(spells) else None
        if spell["end_date"] < day:
            recalled = nxt is not None and (nxt["start_date"] - spell["end_date"]).days <= 7
            state = (
                "recalled"
                if recalled and spell["end_date"] < date(spell["end_date"].year, 6, 30)
                else "ended"
            )
        else:
            state = "active"
        trig = trigger_progress(spell, tl.lines)
        entries.append(
            {
                "spell": spell,
                "timeline": tl,
                "state": state,
                "windows": {k: (w.as_dict() if w else None) for k, w in rolling(tl, previous).items()},
                "trigger": None
                if trig.target is None
                else {
                    "words": trig.words,
                    "counts_as": trig.counts_as,
                    "target": trig.target,
                    "count": trig.count,
                },
            }
        )
        if nxt is not None and (nxt["start_date"] - spell["end_date"]).days <= 7:
            moves.append(
                {
                    "date": nxt["start_date"],
                    "from": spell["host_club_name"],
                    "to": nxt["host_club_name"],
                    "kind": "recall and new loan",
                    "words": f"recalled from {spell['host_club_name']} on {spell['end_date']}, "
                    f"loaned to {nxt['host_club_name']} from {nxt['start_date']}",
                }
            )
    return {"player": tracker.player(player_id), "as_of": day, "spells": entries, "moves": moves}


def current_spell(tracker: Tracker, player_id: int, day: date) -> dict[str, Any] | None:
    """The spell a player's page is about on ``day``: the one running then, else the last one
    with matches by then."""
    spells = tracker.spells(player_id, day)
    running = [s for s in spells if s["start_date"] <= day <= s["end_date"]]
    if running:
        return running[-1]
    with_lines = [s for s in spells if tracker.timeline(s, day).lines]
    return with_lines[-1] if with_lines else None


def assessment(
    tracker: Tracker, player_id: int, as_of: date | None, spell_id: int | None = None
) -> SpellAssessment | None:
    """The player's current spell (or ``spell_id``) judged as of the date."""
    day = as_of or tracker.default_as_of()
    if spell_id is not None:
        spell = next((s for s in tracker.spells(player_id, day) if s["id"] == spell_id), None)
    else:
        spell = current_spell(tracker, player_id, day)
    return None if spell is None else tracker.assessment(spell, day)


def form(tracker: Tracker, player_id: int, as_of: date | None, spell_id: int | None = None) -> dict[str, Any]:
    """The trend verdict for the player's current spell (see assessment.py and trends.py), with
    its numbers, the words explaining it and the direction the recommendation reads."""
    day = as_of or tracker.default_as_of()
    a = assessment(tracker, player_id, day, spell_id)
    rule = tracker.config.rule("form")
    if a is None or not tracker.timeline(a.spell, day).lines:
        return {
            "verdict": "no data",
            "direction": "unknown",
            "source": "none",
            "metric": rule["metric"],
            "as_of": day,
            "club": None,
            "words": "No match of a loan spell in the store by this date.",
        }
    return {**a.form_dict(), "as_of": day, "club": a.spell["host_club_name"], "spell_id": a.spell["id"]}
