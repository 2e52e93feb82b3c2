"""Ingest: provider files into the store (Wyscout folders; any format kloppy reads), and the demo
(the shipped sample ingested, the example loan list imported, the models trained, every loanee's
report written)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from loanwatch.access import Permission
from loanwatch.ingest.errors import IngestError
from loanwatch.ingest.pipeline import Ingestor, IngestSummary, Progress
from loanwatch.services.context import Service, writes
from loanwatch.services.metrics import MetricsService
from loanwatch.services.models import DemoResult, UpdateRun
from loanwatch.services.portfolio import PortfolioService
from loanwatch.services.reports import ReportService

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_DATA = REPO_ROOT / "data" / "wyscout-2017-18"
SAMPLE_PORTFOLIO = REPO_ROOT / "data" / "portfolios" / "juventus-2017-18.csv"


class IngestService(Service):
    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        *,
        accept_score_mismatch: bool = False,
    ) -> IngestSummary:
        """Ingest Wyscout files or folders (match files, match sheets, players, teams).

        ``accept_score_mismatch`` stores a match whose events cannot explain its score (a partial
        feed), with a ``score_mismatch`` warning; otherwise it is rejected."""
        self.ctx.require(Permission.INGEST)
        self.ctx.store_changed()
        ingestor = Ingestor(self.store, progress, accept_score_mismatch=accept_score_mismatch)
        return ingestor.run([Path(p) for p in paths])

    @writes
    def update(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        *,
        accept_score_mismatch: bool = False,
        step: Callable[[str], None] | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> UpdateRun:
        """The weekly routine: ingest the new files (those already ingested are skipped), rate the
        new matches with the current model versions (``MetricsService.update``: no retraining
        unless the setting ``retrain_growth`` says so), refresh the alerts."""
        from loanwatch.services.tracking import TrackingService

        summary = self.ingest(paths, progress, accept_score_mismatch=accept_score_mismatch)
        metrics = MetricsService(self.ctx).update(step=step, workers=workers, scheduler=scheduler)
        tracking = TrackingService(self.ctx)
        alerts = tracking.refresh_alerts() if self.store.loan_spells() else []
        return UpdateRun(ingest=summary, metrics=metrics, alerts=alerts)

    @writes
    def ingest_file(
        self,
        path: str | Path,
        provider: str,
        metadata: str | Path | None = None,
        *,
        accept_score_mismatch: bool = False,
    ) -> IngestSummary:
        """Ingest one match of any provider kloppy reads (statsbomb, opta, ...).

        ``accept_score_mismatch`` stores a match whose events do not add up to its score (a
        partial feed), with the mismatch kept as a warning on the match; otherwise it is rejected.
        """
        from loanwatch.ingest.kloppy_reader import ingest_with_kloppy

        self.ctx.require(Permission.INGEST)
        self.ctx.store_changed()
        return ingest_with_kloppy(
            self.store,
            Path(path),
            provider,
            Path(metadata) if metadata else None,
            accept_score_mismatch=accept_score_mismatch,
        )

    def demo(
        self,
        out_dir: str | Path = "reports",
        progress: Progress | None = None,
        *,
        train: bool = True,
        step: Callable[[str], None] | None = None,
    ) -> DemoResult:
        """Ingest the shipped sample, import the example loan list, train the models (unless
        ``train`` is False), and write each loanee's report (HTML, and PDF for the director)."""
        if not SAMPLE_DATA.exists():
            raise IngestError(SAMPLE_DATA, "the sample data shipped with loanwatch is missing")
        summary = self.ingest([SAMPLE_DATA], progress)
        imported = PortfolioService(self.ctx).import_loan_list(SAMPLE_PORTFOLIO)
        if train:
            MetricsService(self.ctx).train(step=step)
        reports = ReportService(self.ctx)
        paths = []
        for ref in PortfolioService(self.ctx).loanees():
            paths.append(reports.write(ref, out_dir))
            paths.append(reports.write(ref, out_dir, fmt="pdf", edition="director"))
        return DemoResult(ingest=summary, portfolio=imported, reports=paths)
