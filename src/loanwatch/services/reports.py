"""Reports: the service gathers what a player's report needs (the player resolved once, every
read made here, as the edition's role may see it: ``report --edition coach|director`` picks the
role the report is written for), ``reports.data`` formats it and ``reports.render`` writes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

import pandas as pd

from loanwatch.access import Role, edition_role, require_view
from loanwatch.reports import data as report_data
from loanwatch.reports.source import ProfileEntry, ReportInputs
from loanwatch.services import _tracker as tracking_store
from loanwatch.services.context import Service
from loanwatch.services.metrics import MetricsService
from loanwatch.services.models import PlayerRef, PlayerReport
from loanwatch.services.players import PlayerService
from loanwatch.services.portfolio import PortfolioService
from loanwatch.services.tracking import TrackingService, redact_assessment, redact_timeline
from loanwatch.settings import MIN_MINUTES
from loanwatch.tracking.digest import Digest


class ReportOptions(TypedDict, total=False):
    """How a report is written, every key optional: ``lang`` it / en / fr (en), ``fmt`` html / pdf
    (html), ``edition`` coach / director (coach: the role the report is written for),
    ``min_minutes`` (settings.MIN_MINUTES), ``reference_league`` (None: the owner's league)."""

    lang: str
    fmt: str
    edition: str
    min_minutes: float
    reference_league: str | None


class ReportService(Service):
    def _role(self, edition: str) -> Role:
        """The role an edition is written for; the acting user may not write an edition that
        shows more than he may see (a coach asking for the director's)."""
        role = edition_role(edition)
        require_view(self.ctx.role, role)
        return role

    def _inputs(
        self,
        ref: PlayerRef,
        *,
        as_of: date | None = None,
        edition: str = "coach",
        min_minutes: float = MIN_MINUTES,
        reference_league: str | None = None,
    ) -> ReportInputs:
        """Everything a player's report reads, as the edition's role may see it."""
        role = self._role(edition)
        ctx = self.ctx.as_role(role)
        store, tracker = ctx.store, ctx.tracker()
        metrics = MetricsService(ctx)
        player = PlayerService(ctx).player(ref)
        full = tracker.timelines(ref.id, as_of)
        timelines = [redact_timeline(t, role) for t in full]
        last_seen = store.player_last_match_date(ref.id)
        day = report_data.report_date(timelines, last_seen, tracker.default_as_of(), as_of)
        current = report_data.current_timeline(full)
        trained = metrics.trained()
        profiles: list[ProfileEntry] = []
        keepers: list[ProfileEntry] = []
        if current is not None:
            current_id = int(current.spell["id"])
            if trained:
                profiles = [
                    ProfileEntry(current_id, p.season, p.profile, reference=p.reference)
                    for p in metrics.spell_profiles(
                        ref, as_of=as_of, min_minutes=min_minutes, reference=reference_league, timelines=full
                    )
                    if p.spell.id == current_id
                ]
            if report_data.is_keeper(player.record(), profiles):
                keepers = [
                    ProfileEntry(current_id, g.season, g.profile, matches=g.matches, shots=g.shots)
                    for g in metrics.goalkeeper_profiles(
                        ref, as_of=as_of, min_minutes=min_minutes, timelines=full
                    )
                    if g.spell.id == current_id
                ]
        actions, xg = pd.DataFrame(), pd.DataFrame()
        if current is not None and not keepers:
            actions, xg = metrics.player_events(ref.id, report_data.played_match_ids(current))
        judged = (
            tracking_store.assessment(tracker, ref.id, day, int(current.spell["id"]))
            if current is not None
            else None
        )
        tracking = TrackingService(ctx)
        xg_model = metrics.latest_model("xg")
        versions = metrics.model_versions()
        all_ids = [ln.match_id for t in full for ln in t.lines if ln.match_id is not None]
        return ReportInputs(
            edition=edition,
            player=player.record(),
            national_teams=player.national_teams,
            timelines=timelines,
            report_date=day,
            last_seen=last_seen,
            match_warnings=store.match_warnings(all_ids),
            trained=trained,
            xg_model={"version": xg_model.version, "trained_at": xg_model.trained_at} if xg_model else None,
            model_versions=[
                {"kind": m.kind, "label": m.label, "version": m.version, "trained_at": m.trained_at}
                for m in versions
            ],
            in_portfolio=bool(store.loan_spells(ref.id)),
            profiles=profiles,
            goalkeeper=keepers,
            judged=judged,
            shown_assessment=redact_assessment(judged, role).as_dict() if judged is not None else None,
            form=None if judged is not None else tracking.form(ref, as_of).as_dict(),
            alerts=[a.model_dump() for a in tracking.player_alerts(ref, day)],
            notes=[n.model_dump() for n in tracking.notes(ref, as_of)],
            actions=actions,
            xg=xg,
        )

    def report(
        self, ref: PlayerRef, as_of: date | None = None, **options: Unpack[ReportOptions]
    ) -> PlayerReport:
        """A player's report content (reports.data) as the edition's role may see it."""
        edition = options.get("edition", "coach")
        min_minutes = options.get("min_minutes", MIN_MINUTES)
        inputs = self._inputs(
            ref,
            as_of=as_of,
            edition=edition,
            min_minutes=min_minutes,
            reference_league=options.get("reference_league"),
        )
        content = report_data.player_report_data(inputs, as_of=as_of, min_minutes=min_minutes)
        return PlayerReport(edition=edition, role=edition_role(edition).value, player=ref, content=content)

    def write(
        self,
        ref: PlayerRef,
        out_dir: str | Path = "reports",
        as_of: date | None = None,
        **options: Unpack[ReportOptions],
    ) -> Path:
        """Write the player's report (:class:`ReportOptions`: language, format, edition...). The
        season profile, shot and action maps need the trained models (`loanwatch models train`);
        without them the report says so."""
        from loanwatch.reports.i18n import check_lang
        from loanwatch.reports.render import check_format, write_player_report

        lang, fmt = options.get("lang", "en"), options.get("fmt", "html")
        check_lang(lang)
        check_format(fmt)
        report = self.report(ref, as_of, **options)
        return write_player_report(report.content, Path(out_dir), lang, fmt)

    def write_all(
        self,
        out_dir: str | Path = "reports",
        as_of: date | None = None,
        *,
        progress: Callable[[str, int, int], None] | None = None,
        owner: str | None = None,
        **options: Unpack[ReportOptions],
    ) -> list[Path]:
        """:meth:`write` for every loanee (of ``owner``); ``progress(name, done, total)`` after each one."""
        refs = PortfolioService(self.ctx).loanees(owner)
        paths = []
        for done, ref in enumerate(refs, 1):
            paths.append(self.write(ref, out_dir, as_of, **options))
            if progress is not None:
                progress(ref.display_name, done, len(refs))
        return paths

    def write_digest(
        self, digest: Digest, path: str | Path, *, lang: str = "en", fmt: str = "pdf", edition: str = "coach"
    ) -> Path:
        """The weekly digest as the edition's role may see it (one A4 page, alerts first), with
        the data-quality warnings of the week's matches."""
        from loanwatch.reports.render import digest_match_ids, render_digest

        self._role(edition)
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        warnings = self.store.match_warnings(digest_match_ids(digest))
        out.write_bytes(render_digest(digest, lang, fmt, edition, warnings=warnings))
        return out
