"""One judgment per spell: the form section, the alerts and the recommendation of a report agree,
on the real 2017/18 sample with both real loan lists (data/portfolios).

Facts from the data and the lists: Kalinić is at Milan on a loan with a 25 M obligation to buy and
no condition; Serie A 2017/18 ends on 2018-05-20 (Milan, Atalanta: 38 rounds in the sample);
Schalke's Bundesliga season (the sample holds all 34 of its matches) ends on 2018-05-12.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from loanwatch.api import Loanwatch
from loanwatch.reports.recommend import Facts, recommend

PORTFOLIOS = Path(__file__).resolve().parents[1] / "data" / "portfolios"
DATES = (date(2017, 11, 5), date(2018, 3, 1), date(2018, 5, 20))


@pytest.fixture(scope="module")
def lw(ingested: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    path = tmp_path_factory.mktemp("judged") / "lw.db"
    shutil.copy(ingested.url.removeprefix("sqlite:///"), path)
    out = Loanwatch(str(path))
    for name in ("juventus-2017-18.csv", "group-2017-18.csv"):
        out.import_portfolio(PORTFOLIOS / name)
    return out


@pytest.fixture(scope="module")
def reports(lw: Loanwatch) -> dict[tuple[str, date], dict[str, Any]]:
    out = {}
    for name in ("Kalinić", "Spinazzola", "Caldara", "Mandragora", "Pjaca", "Meret", "Kean", "Orsolini"):
        for day in DATES:
            out[(name, day)] = lw.report_data(name, as_of=day, edition="director")
    return out


def _cited_direction(rec: Any) -> set[str]:
    said = [r.message for a in rec.options for r in a.reasons] + [r.message for r in rec.notes]
    return {"down" if "downward" in m else "up" for m in said if "trend is" in m}


def test_form_verdict_recommendation_and_alerts_agree(
    reports: dict[tuple[str, date], dict[str, Any]],
) -> None:
    checked = 0
    for (name, day), d in reports.items():
        rec, form = d["recommendation"], d["form"]
        if rec is None:
            continue
        checked += 1
        direction = form["direction"]
        cited = _cited_direction(rec)
        assert cited <= ({direction} if direction in ("up", "down") else set()), (name, day, form, cited)
        if form["source"] == "form" and direction == "unknown":
            assert not cited
        for a in d["alerts"]:
            if a["kind"] in ("breakout", "slump"):
                assert a["kind"] == form["verdict"], (name, day)
        assert d["assessment"]["trend"]["direction"] == direction
    assert checked >= 15


def test_the_calendar_closes_recall_after_the_season(reports: dict[tuple[str, date], dict[str, Any]]) -> None:
    for (name, day), d in reports.items():
        rec = d["recommendation"]
        if rec is None:
            continue
        stance = {a.option: a.stance for a in rec.options}
        season_over = d["assessment"]["calendar"]["season_over"]
        assert season_over == (day == date(2018, 5, 20)), (name, day)
        if season_over:
            assert stance["recall"] in ("closed", "decided") or name == "Kalinić", (name, stance)
            assert stance["recall"] != "open" and stance["recall"] != "supported"
        else:
            assert stance["recall"] != "closed" or d["assessment"]["trigger"]["decides"], (name, day)


def test_an_obligation_that_will_fire_decides_the_question(
    reports: dict[tuple[str, date], dict[str, Any]],
) -> None:
    for day in DATES:
        d = reports[("Kalinić", day)]
        assert d["assessment"]["trigger"]["state"] == "will fire"
        rec = d["recommendation"]
        stance = {a.option: a.stance for a in rec.options}
        assert rec.call == "sell" and stance["sell"] == "decided"
        assert all(stance[o] == "closed" for o in ("recall", "keep", "extend", "integrate")), stance
        assert rec.confidence == "high" and "terms" in rec.confidence_reasons[0].message


def test_headline_confidence_and_options_are_coherent(
    reports: dict[tuple[str, date], dict[str, Any]],
) -> None:
    for (name, day), d in reports.items():
        rec = d["recommendation"]
        if rec is None:
            continue
        options = {a.option: a for a in rec.options}
        if rec.call is None:
            assert rec.confidence == "low", (name, day)
        else:
            assert rec.confidence == options[rec.call].confidence, (name, day)
        if options["keep"].stance == "against":
            assert options["extend"].stance in ("against", "closed"), (name, day)


def test_too_few_minutes_for_the_form_trend_is_no_trend() -> None:
    """The contradiction of issue 8: the form section says it cannot tell, the recommendation read
    a fall in minutes as a trend. With the assessment's verdict it cites none."""
    facts = Facts(
        as_of=date(2018, 3, 1),
        age=24,
        matches=20,
        appearances=12,
        starts=9,
        minutes=1000,
        available_minutes=1900,
        recent_share=0.05,
        earlier_share=0.7,
        trend_direction="unknown",
        trend_source="form",
    )
    rec = recommend(facts)
    assert not _cited_direction(rec)
    assert any("too few minutes for the form trend" in r.message for r in rec.notes)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing: run scripts/system-deps.sh")
def test_the_pdf_says_the_terms_decide_and_names_no_module(lw: Loanwatch, tmp_path: Path) -> None:
    path = lw.report("Kalinić", tmp_path, date(2018, 5, 20), fmt="pdf", edition="director")
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "settled by the loan's terms" in text and "high confidence" in text
    assert "The loan's terms settle it: Sell" in text and "The data points to" not in text
    assert "Keep on loan: supported" not in text and "Recall: open" not in text
    assert not re.search(r"\bloanwatch\.\w", text) and "module" not in text  # no module name
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(
        r"\b[a-z]+_[a-z_]+\b", text
    )  # no field name
