"""The market plan (issue 11, part 5) on the shipped sample with the example loan list: decisions
stored per owner, season and plan; one card per loanee carrying the recommendation of his own
report on the same date; the plan's PDF in Italian, English and French, the coach's edition
without terms or deal notes; the commands a director types."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loanwatch.access import Role
from loanwatch.api import Loanwatch
from loanwatch.cli import app
from loanwatch.errors import Forbidden, InvalidInput, NotFound
from loanwatch.market.plan import DECISIONS, check_decision, follows, placement
from loanwatch.reports.plan import plan_filename
from loanwatch.services import Context, Services, User
from loanwatch.services.plan import next_season

LOANEES = {"Mattia Caldara", "Leonardo Spinazzola", "Rolando Mandragora", "Riccardo Orsolini", "Marko Pjaca"}
FEES = ("20,000,000", "20.000.000", "20 000 000", "15,000,000", "15.000.000", "15 000 000")


@pytest.fixture(scope="module")
def store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample store with the loan list, with a plan decided in it."""
    path = tmp_path_factory.mktemp("plan") / "lw.db"
    source = sqlite3.connect(with_portfolio.url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as copy:
        source.backup(copy)
    source.close()
    lw = Loanwatch(str(path))
    lw.decide("Mandragora", "sell", note="Crotone's option: bid expected")
    lw.decide("Caldara", "integrate")
    lw.decide("Orsolini", "develop", note="another year at Bologna")
    lw.decide("Chiesa", "sign")
    return path


def services(store: Path, role: Role = Role.DIRECTOR) -> Services:
    return Services(Context.open(str(store), user=User(role.value, role)))


def test_the_decisions_vocabulary() -> None:
    assert DECISIONS == ("recall", "extend", "sell", "loan-out", "sign", "integrate", "develop")
    assert check_decision("Loan_Out") == "loan-out"
    with pytest.raises(ValueError, match="one of recall"):
        check_decision("swap")
    assert placement("recall").in_squad and not placement("recall").on_loan_out
    assert placement("extend").on_loan_out and not placement("extend").in_squad
    assert not placement("sell").owned and not placement("sell").in_squad
    assert follows("develop", "keep") and follows("recall", "recall") and not follows("sell", "extend")
    assert follows(None, "keep") is None and follows("sell", None) is None
    assert next_season(date(2018, 5, 20)) == "2018/19" and next_season(date(2018, 7, 1)) == "2019/20"
    assert plan_filename("Juventus", "2018/19", "it", "director") == "plan-juventus-2018-19.it.director.pdf"


def test_decisions_are_stored_per_owner_season_and_plan(store: Path) -> None:
    svc = services(store)
    plan = svc.plan
    assert plan.owner() == "Juventus" and plan.owner("juventus") == "Juventus"
    assert plan.season() == "2018/19"  # the season after the data's last day (20 May 2018)
    decided = {d.player.display_name: d for d in plan.decisions()}
    assert {n: d.decision for n, d in decided.items()} == {
        "Rolando Mandragora": "sell",
        "Mattia Caldara": "integrate",
        "Riccardo Orsolini": "develop",
        "Federico Chiesa": "sign",
    }
    assert decided["Rolando Mandragora"].note == "Crotone's option: bid expected"
    assert {d.owner for d in decided.values()} == {"Juventus"} and {d.season for d in decided.values()} == {
        "2018/19"
    }
    # another plan, another season: separate
    pjaca = svc.players.resolve("Pjaca")
    plan.decide(pjaca, "loan-out", plan="draft B")
    assert [d.player.display_name for d in plan.decisions(plan="draft B")] == ["Marko Pjaca"]
    assert plan.decisions("2019/20") == []
    # a new decision replaces the player's earlier one; undecide removes it
    plan.decide(pjaca, "recall", plan="draft B")
    assert [d.decision for d in plan.decisions(plan="draft B")] == ["recall"]
    assert plan.undecide(pjaca, plan="draft B") and not plan.undecide(pjaca, plan="draft B")


def test_bad_decisions_are_clear_errors(store: Path) -> None:
    svc = services(store)
    chiesa, caldara = svc.players.resolve("Chiesa"), svc.players.resolve("Caldara")
    with pytest.raises(InvalidInput, match="unknown decision 'swap'"):
        svc.plan.decide(caldara, "swap")
    with pytest.raises(
        InvalidInput, match="Mattia Caldara is on loan from Juventus: sign is for a candidate"
    ):
        svc.plan.decide(caldara, "sign")
    with pytest.raises(
        InvalidInput, match="Federico Chiesa is not on loan from Juventus: recall is for a loanee"
    ):
        svc.plan.decide(chiesa, "recall")
    with pytest.raises(InvalidInput, match="like 2017/18"):
        svc.plan.decide(caldara, "sell", season="2018-19")
    with pytest.raises(NotFound, match="no loan is owned by 'Milan'"):
        svc.plan.decide(caldara, "sell", owner="Milan")
    coach = services(store, Role.COACH)
    with pytest.raises(Forbidden):
        coach.plan.decide(caldara, "sell")
    with pytest.raises(Forbidden):
        coach.plan.undecide(caldara)
    # the coach sees the decisions, not the director's notes on the deal
    assert {d.decision for d in coach.plan.decisions()} == {"sell", "integrate", "develop", "sign"}
    assert {d.note for d in coach.plan.decisions()} == {None}


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COACH])
def test_each_card_is_the_reports_recommendation(store: Path, role: Role) -> None:
    svc = services(store, role)
    edition = "director" if role is Role.DIRECTOR else "coach"
    cards = svc.plan.cards()
    assert {c.player.display_name for c in cards} == LOANEES
    for card in cards:
        content = svc.reports.report(card.player, card.as_of, edition=edition).content
        rec, mine = content["recommendation"], card.recommendation
        assert (mine is None) == (rec is None), card.player.display_name
        if rec is None:
            continue
        assert (mine.call, mine.confidence) == (rec.call, rec.confidence)  # type: ignore[union-attr]
        assert [(a.option, a.stance, a.score, a.reasons) for a in mine.options] == [  # type: ignore[union-attr]
            (a.option, a.stance, a.score, a.reasons) for a in rec.options
        ]
        current = content["current"]
        assert card.current is not None and card.current["minutes"] == current["minutes"]
        assert card.current["matches"] == current["matches"] == len(current["lines"])
        assert (card.spell is not None and card.spell.terms is not None) == (role is Role.DIRECTOR)
        # every figure has its source: the spell's matches and the loan list's row
        sources = {s.what: s.params for s in card.sources}
        assert sources["matches"]["matches"] == current["matches"]
        assert sources["loan"]["file"] == "juventus-2017-18.csv" and sources["loan"]["row"]
    by_name = {c.player.display_name: c for c in cards}
    mandragora = by_name["Rolando Mandragora"]
    assert mandragora.decision is not None and mandragora.decision.decision == "sell"
    call = mandragora.recommendation.call if mandragora.recommendation else None
    assert mandragora.follows == (None if call is None else call == "sell")
    # Orsolini's obligation (10 appearances): its progress on the director's card only
    orsolini = by_name["Riccardo Orsolini"]
    if role is Role.DIRECTOR:
        assert orsolini.trigger is not None and orsolini.trigger.target == 10
        assert orsolini.trigger.count == 8  # his appearances for Bologna in the sample's matches
    else:
        assert orsolini.trigger is None
    # the cards' figures are the match sheets': Caldara, 38 Atalanta matches, 24 starts
    caldara = by_name["Mattia Caldara"].current
    assert caldara is not None and (caldara["matches"], caldara["starts"]) == (38, 24)


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out.replace("\u202f", " ").replace("\xa0", " "))


TITLES = {"it": "Piano di mercato 2018/19: Juventus", "en": "Market plan 2018/19: Juventus"}
TITLES["fr"] = "Plan de mercato 2018/19 : Juventus"
SELL = {"it": "Cessione", "en": "Sell", "fr": "Vendre"}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing: run scripts/system-deps.sh")
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_plan_pdf_in_each_language(store: Path, tmp_path: Path, lang: str) -> None:
    svc = services(store)
    pdf = svc.plan.write(tmp_path / f"plan.{lang}.pdf", lang=lang, edition="director")
    text = _pdf_text(pdf)
    assert TITLES[lang] in text
    for name in LOANEES:
        assert name in text
    assert SELL[lang] in text and "Crotone's option: bid expected" in text  # the decision and its note
    assert any(fee in text for fee in FEES)  # the director's edition carries the terms
    assert "juventus-2017-18.csv" in text  # each card names its sources
    if lang == "en":
        assert "Pappalardo" in text
        # the coach's edition: the same plan without fee, option, obligation, clause or deal note
        coach = services(store, Role.COACH)
        pdf = coach.plan.write(tmp_path / "plan.coach.pdf", lang=lang, edition="coach")
        text = _pdf_text(pdf)
        assert all(name in text for name in LOANEES)
        for word in (
            *FEES,
            "Option to buy",
            "Obligation",
            "Notes on the deal",
            "bid expected",
            "illustrative",
        ):
            assert word not in text, word
        with pytest.raises(Forbidden):
            coach.plan.write(tmp_path / "no.pdf", edition="director")


def test_the_commands(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "200"})
        return result.exit_code, result.output

    code, out = run("market", "decide", "Pjaca", "loan-out", "--note", "one more season abroad")
    assert code == 0 and "Marko Pjaca: loan-out (Juventus, 2018/19, plan 'main')" in out
    code, out = run("market", "plan")
    assert code == 0, out
    assert "Market plan 2018/19: Juventus" in out and "Decisions (5)" in out
    assert "Loan and terms: the loan list juventus-2017-18.csv, row 4." in out  # Mandragora's row
    code, out = run("market", "undecide", "Pjaca")
    assert code == 0 and "decision removed" in out
    code, out = run("market", "decide", "Pjaca", "swap")
    assert code == 2 and "unknown decision 'swap'" in out and "Traceback" not in out
    code, out = run("market", "plan", "--html", str(tmp_path / "plan.html"), "--lang", "fr")
    assert code == 0 and (tmp_path / "plan.html").read_text(encoding="utf-8").count('class="card"') == 5
    result = runner.invoke(
        app, ["market", "decide", "Pjaca", "sell", "--store", str(store)], env={"LOANWATCH_ROLE": "coach"}
    )
    assert result.exit_code == 1 and "may not decide the market plan" in result.output
