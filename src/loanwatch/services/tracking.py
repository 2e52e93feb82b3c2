"""Careers on loan as of any date, as the acting user may see them: timelines, careers, form,
assessments, alerts (computed, the new ones stored; dismissed with who and why), the weekly
digest, watchlists and scout notes. The store reads are in ``_tracker.py``; the judgments in the
pure modules of ``loanwatch.tracking``; the access rule (``loanwatch.access``) is applied here,
to everything returned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from loanwatch.access import Permission, Role, redact_alert, redact_spell, sees_terms
from loanwatch.services import _tracker as tracking_store
from loanwatch.services.context import Service, writes
from loanwatch.services.models import (
    AlertView,
    Assessment,
    Career,
    CareerSpell,
    Form,
    LoanOverview,
    Move,
    Player,
    PlayerRef,
    RecentMatch,
    ScoutNote,
    TriggerState,
    WatchEntry,
)
from loanwatch.services.players import PlayerService
from loanwatch.services.portfolio import PortfolioService, loan_spell
from loanwatch.tracking.assessment import RECENT_MATCHES, SpellAssessment, counted
from loanwatch.tracking.config import AlertConfig
from loanwatch.tracking.digest import Digest
from loanwatch.tracking.timeline import SpellTimeline

FORM_FIELDS = frozenset(Form.model_fields) - {"figures"}


def redact_timeline(timeline: SpellTimeline, role: Role) -> SpellTimeline:
    """The timeline with its spell as ``role`` may see it (access.redact_spell)."""
    return timeline if sees_terms(role) else replace(timeline, spell=redact_spell(timeline.spell, role))


def redact_assessment(judged: SpellAssessment, role: Role) -> Assessment:
    """The assessment as ``role`` sees it: without the contract's trigger (and fee) and the
    recall windows for a role that may not see contract terms (the judgment is the same)."""
    see = sees_terms(role)
    calendar = judged.calendar
    if not see:
        calendar = replace(calendar, recall_window=None, next_recall_window=None)
    return Assessment(
        spell=redact_spell(judged.spell, role),
        as_of=judged.as_of,
        availability=judged.availability,
        trend=judged.trend,
        trigger=judged.trigger if see else None,
        calendar=calendar,
    )


def alert_views(rows: Iterable[Mapping[str, object]], role: Role) -> list[AlertView]:
    """Alerts (tracker.alert_dict rows) as ``role`` sees them: those about terms it may not see
    left out, the others without the terms (access.redact_alert)."""
    out = []
    for row in rows:
        seen = redact_alert(row, role)
        if seen is not None:
            fields = {k: v for k, v in seen.items() if k in AlertView.model_fields}
            out.append(AlertView.model_validate(fields))
    return out


def form_view(form: Mapping[str, object]) -> Form:
    return Form.model_validate(
        {k: v for k, v in form.items() if k in FORM_FIELDS}
        | {"figures": {k: v for k, v in form.items() if k not in FORM_FIELDS}}
    )


def redact_digest(digest: Digest, role: Role) -> Digest:
    """The digest as ``role`` sees it: each entry's spell and alerts (access.redact_*)."""
    if sees_terms(role):
        return digest
    entries = []
    for e in digest.entries:
        alerts = [a for a in (redact_alert(a, role) for a in e.alerts) if a is not None]
        entries.append(replace(e, spell=redact_spell(e.spell, role), alerts=alerts))
    return replace(digest, entries=entries)


class TrackingService(Service):
    def configure_alerts(
        self, path: str | Path | None = None, overrides: Mapping[str, Mapping[str, object]] | None = None
    ) -> AlertConfig:
        """Use a club's alert settings (a TOML file over tracking/alerts.toml, and/or overrides such
        as ``{"out_of_squad": {"matches": 2}}``) for this context's alerts and digests."""
        from loanwatch.tracking.config import load_config

        config = load_config(path, settings=self.ctx.settings)
        self.ctx.caches.alert_config = config.with_overrides(dict(overrides)) if overrides else config
        return self.ctx.caches.alert_config

    def default_as_of(self) -> date:
        """The date an answer is as of when none is asked: the last match of the competitions the
        portfolio's host clubs play in (or today, when earlier)."""
        return self.ctx.tracker().default_as_of()

    def timelines(self, ref: PlayerRef, as_of: date | None = None) -> list[SpellTimeline]:
        """The player's loan spells match by match (only matches played by ``as_of``), with xG,
        xA, VAEP and the role played per match when the models are trained (``loanwatch models
        train``); availability and minutes otherwise."""
        role = self.ctx.role
        return [redact_timeline(t, role) for t in self.ctx.tracker().timelines(ref.id, as_of)]

    def career(self, ref: PlayerRef, as_of: date | None = None) -> Career:
        """One career: every spell (timeline, last 5 / last 10 / season / previous spell windows,
        trigger progress for a role that sees the terms) and the moves between them (a January
        recall and new loan)."""
        raw = tracking_store.career(self.ctx.tracker(), ref.id, as_of)
        role = self.ctx.role
        see = sees_terms(role)
        spells = [
            CareerSpell(
                spell=loan_spell(e["spell"], see_terms=see, has_match_data=e["timeline"].has_data),
                timeline=redact_timeline(e["timeline"], role),
                state=e["state"],
                windows=e["windows"],
                trigger=TriggerState(**e["trigger"]) if see and e["trigger"] else None,
            )
            for e in raw["spells"]
        ]
        moves = [
            Move(date=m["date"], from_club=m["from"], to_club=m["to"], kind=m["kind"], words=m["words"])
            for m in raw["moves"]
        ]
        player = PlayerService(self.ctx).player(ref)
        return Career(player=player, as_of=raw["as_of"], spells=spells, moves=moves)

    def player_alerts(self, ref: PlayerRef, as_of: date | None = None) -> list[AlertView]:
        """The player's alerts live on ``as_of`` (kind, severity, title, evidence, raised_on,
        status: open / dismissed, or new when not yet stored), as the acting user may see them.
        Reads only."""
        tracker = self.ctx.tracker()
        day = as_of or tracker.default_as_of()
        stored = tracker.stored_by_key(ref.id)
        live = tracker.live_alerts(day, [ref.id])
        rows = [tracking_store.alert_dict(a, stored.get(a.key), day) for a in live]
        return alert_views(rows, self.ctx.role)

    def form(self, ref: PlayerRef, as_of: date | None = None) -> Form:
        """The trend verdict (breakout / slump / steady / not enough minutes / no data) for the
        player's current spell, with its numbers and ``words`` explaining it (tracking/trends.py)."""
        return form_view(tracking_store.form(self.ctx.tracker(), ref.id, as_of))

    def assessment(
        self, ref: PlayerRef, as_of: date | None = None, spell_id: int | None = None
    ) -> Assessment | None:
        """The player's current spell (or ``spell_id``) judged once as of the date: availability,
        trend verdict, trigger progress, calendar (tracking/assessment.py); None without a spell.
        The form section, the alerts and the recommendation all read it."""
        judged = tracking_store.assessment(self.ctx.tracker(), ref.id, as_of, spell_id)
        return None if judged is None else redact_assessment(judged, self.ctx.role)

    def overview(self, as_of: date | None = None, owner: str | None = None) -> list[LoanOverview]:
        """Every loanee (of ``owner``) on one line, in the list's order: his current spell (the
        one running on ``as_of``, else the last one with matches by then, else his last listed),
        the host club's last five matches that count (the ones ``recent_share`` reads), minutes
        share, trend, open alerts and trigger progress, from the spell's one assessment (the
        reports, the digest and the alerts read the same). Reads only, per player: his rows, his
        club's matches, his competition-season's pool."""
        tracker = self.ctx.tracker()
        day = as_of or tracker.default_as_of()
        role = self.ctx.role
        see = sees_terms(role)
        players = PlayerService(self.ctx)
        refs = PortfolioService(self.ctx).loanees(owner)
        ids = [r.id for r in refs]
        stored = tracker.stored_by_key()
        live = tracker.live_alerts(day, ids)
        rows = [tracking_store.alert_dict(a, stored.get(a.key), day) for a in live]
        by_player: dict[int, list[dict[str, object]]] = {}
        for row in rows:
            if row["status"] != "dismissed":
                by_player.setdefault(int(str(row["player_id"])), []).append(row)
        out = []
        for ref in refs:
            spell = tracking_store.current_spell(tracker, ref.id, day)
            if spell is None:
                listed = self.store.loan_spells(ref.id)
                if not listed:
                    continue
                spell = listed[-1]
            judged = tracker.assessment(spell, day)
            timeline = tracker.timeline(spell, day)
            avail, trig = judged.availability, judged.trigger
            recent = counted(timeline.lines)[-RECENT_MATCHES:]  # the matches recent_share reads
            out.append(
                LoanOverview(
                    player=players.ref(ref.id),
                    spell=loan_spell(spell, see_terms=see, has_match_data=timeline.has_data),
                    owner=str(spell.get("parent_club") or ""),
                    host_club=str(spell.get("host_club_name") or ""),
                    competition=str(spell.get("competition_name") or ""),
                    as_of=day,
                    last_five=[
                        RecentMatch(
                            match_id=ln.match_id,
                            day=ln.kickoff.date(),
                            opponent=ln.opponent,
                            competition=ln.competition,
                            home=ln.home,
                            status=ln.status.value,
                            minutes=ln.minutes,
                        )
                        for ln in recent
                    ],
                    matches=avail.matches,
                    appearances=avail.appearances,
                    starts=avail.starts,
                    minutes=avail.minutes,
                    minutes_share=avail.share,
                    recent_share=avail.recent_share,
                    trend=judged.trend.direction,
                    verdict=judged.trend.verdict,
                    trend_source=judged.trend.source,
                    open_alerts=alert_views(by_player.get(ref.id, []), role),
                    trigger=TriggerState(
                        words=trig.words, counts_as=trig.counts_as, target=trig.target, count=trig.count
                    )
                    if see and trig.target is not None
                    else None,
                    trigger_state=trig.state if see and trig.kind != "none" else None,
                )
            )
        return out

    @writes
    def refresh_alerts(self, as_of: date | None = None) -> list[AlertView]:
        """Compute every alert live on ``as_of`` and store the new ones (raised_on = the match that
        made each true)."""
        tracker = self.ctx.tracker()
        rows = tracking_store.refresh_alerts(tracker, as_of or tracker.default_as_of())
        return alert_views(rows, self.ctx.role)

    @writes
    def alerts(
        self, as_of: date | None = None, *, include_all: bool = False, owner: str | None = None
    ) -> list[AlertView]:
        """Open alerts live on ``as_of`` (refreshed first); ``include_all``: every alert raised by
        then, dismissed and ended ones included; ``owner``: only that owner's loanees. Computed from
        the data up to ``as_of``: the same answer whatever ran before (the store keeps ids and
        dismissals)."""
        wanted = PortfolioService(self.ctx).owned_player_ids(owner)
        tracker = self.ctx.tracker()
        day = as_of or tracker.default_as_of()
        rows = tracking_store.refresh_alerts(tracker, day, everything=include_all)
        if not include_all:
            rows = [r for r in rows if r["status"] == "open"]
        rows = [r for r in rows if wanted is None or int(r["player_id"]) in wanted]
        return alert_views(rows, self.ctx.role)

    @writes
    def digest(self, week: str | None = None, as_of: date | None = None, owner: str | None = None) -> Digest:
        """The weekly digest (``week`` as 2018-W03, or the week of ``as_of``): per loanee and
        watched player, the week's matches and what changed, alerts first. Stores new alerts.
        With ``owner``: only that owner club's loanees (no watched players)."""
        wanted = PortfolioService(self.ctx).owned_player_ids(owner)
        out = tracking_store.digest(self.ctx.tracker(), week, as_of)
        if wanted is not None:
            out.entries = [e for e in out.entries if e.watchlist is None and e.player_id in wanted]
        return redact_digest(out, self.ctx.role)

    @writes
    def dismiss_alert(self, alert_id: int, by: str, reason: str) -> bool:
        """Dismiss an alert, with who and why; it stays dismissed when it is computed again."""
        self.ctx.require(Permission.DISMISS_ALERTS)
        self.ctx.store_changed()
        if not by.strip() or not reason.strip():
            raise ValueError("a dismissal needs who dismissed it and why")
        done = self.store.dismiss_alert(alert_id, by.strip(), reason.strip())
        if done:
            self.ctx.record("dismissed alert", f"alert {alert_id}", by=by.strip(), reason=reason.strip())
        return done

    @writes
    def watch(self, ref: PlayerRef, watchlist: str, note: str = "") -> Player:
        """Add a player (a young talent the club does not own) to a watchlist."""
        self.ctx.require(Permission.MANAGE_WATCHLISTS)
        self.ctx.store_changed()
        self.store.add_to_watchlist(watchlist, ref.id, note)
        self.ctx.record("watched player", f"player {ref.id}", watchlist=watchlist)
        return PlayerService(self.ctx).player(ref)

    def watchlist(self, watchlist: str | None = None, as_of: date | None = None) -> list[WatchEntry]:
        """Watched players with the same timelines as loanees (their clubs this season by as_of)."""
        tracker = self.ctx.tracker()
        players = PlayerService(self.ctx)
        day = as_of or tracker.default_as_of()
        out = []
        for row in self.store.watchlist_players(watchlist):
            pid = int(row["player_id"])
            spells = tracker.watched_spells(pid, day)
            out.append(
                WatchEntry(
                    watchlist=row["watchlist"],
                    note=row["note"],
                    player=players.player(players.ref(pid)),
                    timelines=[tracker.timeline(s, day) for s in spells],
                    notes=[ScoutNote.model_validate(n) for n in self.store.scout_notes(pid, day)],
                )
            )
        return out

    def notes(self, ref: PlayerRef, as_of: date | None = None) -> list[ScoutNote]:
        """The scout notes on a player written by ``as_of``."""
        return [ScoutNote.model_validate(n) for n in self.store.scout_notes(ref.id, as_of)]

    @writes
    def add_note(self, ref: PlayerRef, author: str, text: str, written_on: date | None = None) -> int:
        """A scout's note on a player (loanee or watched), dated."""
        self.ctx.require(Permission.WRITE_NOTES)
        self.ctx.store_changed()
        note_id = self.store.add_scout_note(ref.id, author, written_on or date.today(), text)
        self.ctx.record("added note", f"player {ref.id}", note=note_id)
        return note_id
