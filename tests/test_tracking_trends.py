"""Trends (shrinkage), contract words and alert rules on their own; the metric path on a small
trained store (the first 3 real Serie A rounds, as in test_metrics_cli)."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import copy_sample
from loanwatch.api import SAMPLE_DATA, SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.domain import AppearanceStatus
from loanwatch.tracking.config import load_config
from loanwatch.tracking.contract import AppearanceRule, recall_windows
from loanwatch.tracking.timeline import MatchLine
from loanwatch.tracking.trends import role_priors, trend


def _line(i: int, minutes: float, vaep: float, role: str = "winger") -> MatchLine:
    return MatchLine(
        match_id=i,
        kickoff=datetime(2018, 1, 1) + timedelta(days=7 * i),
        competition="Serie A",
        opponent="X",
        home=True,
        club_goals=1,
        opponent_goals=0,
        status=AppearanceStatus.STARTED
        if minutes >= 45
        else AppearanceStatus.CAME_ON
        if minutes
        else AppearanceStatus.UNUSED,
        minutes=minutes,
        match_minutes=95.0,
        vaep=vaep,
        role=role,
        role_confidence=0.9,
    )


def _league(seed: int = 0) -> pd.DataFrame:
    """40 wingers whose true VAEP per 90 spreads around 0.3, 20 matches each, noisy."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for p in range(40):
        theta = rng.normal(0.3, 0.08)
        for m in range(20):
            minutes = float(rng.choice([90, 90, 60, 20]))
            rows.append(
                {
                    "player_id": p,
                    "match_id": m,
                    "minutes": minutes,
                    "role": "winger",
                    "vaep": rng.normal(theta * minutes / 90, 0.35 * (minutes / 90) ** 0.5),
                }
            )
    return pd.DataFrame(rows)


def test_priors_recover_the_noise_and_the_spread() -> None:
    prior = role_priors(_league(), "vaep")["winger"]
    assert abs(prior.mu - 0.3) < 0.03
    assert abs(prior.s2 - 0.35**2) < 0.02
    # k = 90 s2 / tau2 = 90 * 0.1225 / 0.0064 ~ 1700 minutes
    assert 900 < prior.prior_minutes < 3000


def test_small_samples_are_not_flagged_large_changes_are() -> None:
    priors = role_priors(_league(), "vaep")
    base = [_line(i, 90, 0.27) for i in range(10)]
    # 1.1 per 90 in 20 minutes (five cameos): noise, not a breakout.
    cameo = trend([*base, *[_line(10 + i, 4, 0.05) for i in range(5)]], priors, min_minutes=0)
    assert cameo.recent_p90 is not None and cameo.recent_p90 > 1.1
    assert cameo.verdict == "steady" and abs(cameo.z or 0) < 2
    assert "standard errors" in cameo.words and "shrunk toward the winger average" in cameo.words
    # Five full matches at 1.2 per 90 after ten at 0.27: a breakout, and reported shrunk.
    hot = trend([*base, *[_line(10 + i, 90, 1.2) for i in range(5)]], priors)
    assert hot.verdict == "breakout" and (hot.z or 0) > 2
    assert hot.recent_shrunk_p90 is not None and hot.recent_p90 is not None
    assert 0.27 < hot.recent_shrunk_p90 < hot.recent_p90
    cold = trend(
        [*[_line(i, 90, 0.9) for i in range(10)], *[_line(10 + i, 90, -0.4) for i in range(5)]], priors
    )
    assert cold.verdict == "slump"
    few = trend([*base[:1], *[_line(10 + i, 90, 1.2) for i in range(5)]], priors)
    assert few.verdict == "not enough minutes"


@pytest.mark.parametrize(
    ("words", "count", "starts", "minutes", "league"),
    [
        ("10 appearances", 10, False, 0, True),
        ("10 presenze", 10, False, 0, True),
        ("dopo 12 presenze ufficiali", 12, False, 0, False),
        ("10 starts", 10, True, 0, True),
        ("8 partite da titolare", 8, True, 0, True),
        ("10 appearances of at least 45 minutes", 10, False, 45, True),
        ("15 presenze di almeno 30 minuti", 15, False, 30, True),
    ],
)
def test_trigger_words(words: str, count: int, starts: bool, minutes: float, league: bool) -> None:
    rule = AppearanceRule.parse(words)
    assert (rule.count, rule.starts_only, rule.min_minutes, rule.league_only) == (
        count,
        starts,
        minutes,
        league,
    )


def test_trigger_counts_on_real_timelines(with_portfolio: Loanwatch) -> None:
    (_, bologna) = with_portfolio.timelines("Orsolini", date(2018, 5, 20))
    rule = AppearanceRule.parse("3 appearances of at least 45 minutes")
    progress = rule.progress(bologna.lines, "Serie A")
    reached = bologna.lines[progress.index(3)]
    assert reached.kickoff.date() == date(2018, 4, 29)  # 67' v Inter, 96' v Cagliari, 99' v Milan
    (crotone,) = with_portfolio.timelines("Mandragora", date(2018, 5, 20))
    starts = AppearanceRule.parse("5 starts").progress(crotone.lines, "Serie A")
    assert crotone.lines[starts.index(5)].kickoff.date() == date(2017, 9, 24)  # unused on 09-20


def test_recall_windows_from_words() -> None:
    spell = {"start_date": date(2017, 7, 1), "end_date": date(2018, 6, 30)}
    assert recall_windows({**spell, "recall_clause": "January window"}) == [
        (date(2018, 1, 1), date(2018, 1, 31))
    ]
    assert recall_windows({**spell, "recall_clause": "richiamo nella finestra invernale"}) == [
        (date(2018, 1, 2), date(2018, 1, 31))
    ]
    assert recall_windows({**spell, "recall_clause": "2018-01-05 to 2018-01-20"}) == [
        (date(2018, 1, 5), date(2018, 1, 20))
    ]
    assert recall_windows({**spell, "recall_clause": ""}) == []


def test_config_per_club_and_file(tmp_path: Path) -> None:
    path = tmp_path / "club.toml"
    path.write_text('[out_of_squad]\nmatches = 4\n[clubs."Juventus".out_of_squad]\nmatches = 2\n')
    config = load_config(path)
    assert config.rule("out_of_squad")["matches"] == 4
    assert config.for_club("juventus").rule("out_of_squad")["matches"] == 2
    assert config.rule("loan_ending")["weeks"] == 8  # defaults kept
    path.write_text('[loan_ending]\nseverity = "loud"\n')
    with pytest.raises(ValueError, match="severity"):
        load_config(path)


# -- a small trained store ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    sheets = json.loads(gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes()))
    root = tmp_path_factory.mktemp("tracking-trained")
    folder = copy_sample(root / "data", sorted(str(m["wyId"]) for m in sheets if m["gameweek"] <= 3))
    lw = Loanwatch(str(root / "lw.db"))
    lw.ingest([folder])
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    lw.compute_metrics()
    lw.configure_alerts(overrides={"form": {"matches": 1, "min_minutes": 90}})
    return lw


def test_trained_timelines_carry_output_and_role(trained: Loanwatch) -> None:
    (crotone,) = trained.timelines("Mandragora", date(2017, 9, 11))
    assert crotone.has_stats and len(crotone.lines) == 3
    played = [ln for ln in crotone.lines if ln.appeared]
    assert all(ln.vaep is not None and ln.xg is not None and ln.role for ln in played)
    career = trained.career("Mandragora", date(2017, 9, 11))
    last_5 = career.spells[0].windows["last_5"]
    assert last_5 is not None and last_5["vaep_p90"] is not None


def test_form_on_real_data_says_how_it_was_judged(trained: Loanwatch) -> None:
    verdict = trained.form("Mandragora", date(2017, 9, 11))
    figures: dict[str, Any] = dict(verdict.figures)  # the numbers behind the verdict (tracking/trends.py)
    assert verdict.verdict in ("breakout", "slump", "steady")
    assert figures["role_mu"] is not None and figures["prior_minutes"] >= 90
    assert figures["se"] > 0 and "standard errors" in verdict.words
    for alert in trained.player_alerts("Mandragora", date(2017, 9, 11)):
        assert {"kind", "severity", "title", "evidence", "raised_on", "status"} <= set(alert.model_dump())
