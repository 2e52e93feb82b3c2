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
# The plan most tests read is for 2016/17: its depth chart would read the squad of 2015/16, which
# the sample has no match of, so a plan is built in seconds (the season's profiles of an untrained
# store are computed from its events); its cards are the loanees' real ones. The squad before and
# after the decisions is tested on 2018/19 (test_decisions_change_the_squad_and_the_counts).
SEASON = "2016/17"
RULES_SEASON = "2025/26"  # the loan rules of FIFA (2022) and the FIGC (from 1 July 2025) in force
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
    lw.decide("Mandragora", "sell", season=SEASON, note="Crotone's option: bid expected")
    lw.decide("Caldara", "integrate", season=SEASON)
    lw.decide("Orsolini", "develop", season=SEASON, note="another year at Bologna")
    lw.decide("Chiesa", "sign", season=SEASON)
    return path


@pytest.fixture(scope="module")
def director(store: Path) -> Services:
    """The director's services over the store: one context, so the season's profiles behind the
    depth chart (computed from the events in this untrained store) are computed once."""
    return Services(Context.open(str(store), user=User("DS", Role.DIRECTOR)))


@pytest.fixture(scope="module")
def coach(director: Services) -> Services:
    """The coach on the same context (its caches): the same store as the coach sees it."""
    return Services(director.ctx.as_role(Role.COACH))


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


def test_decisions_are_stored_per_owner_season_and_plan(director: Services) -> None:
    svc = director
    plan = svc.plan
    assert plan.owner() == "Juventus" and plan.owner("juventus") == "Juventus"
    assert plan.season() == "2018/19"  # the season after the data's last day (20 May 2018)
    decided = {d.player.display_name: d for d in plan.decisions(SEASON)}
    assert {n: d.decision for n, d in decided.items()} == {
        "Rolando Mandragora": "sell",
        "Mattia Caldara": "integrate",
        "Riccardo Orsolini": "develop",
        "Federico Chiesa": "sign",
    }
    assert decided["Rolando Mandragora"].note == "Crotone's option: bid expected"
    assert {d.owner for d in decided.values()} == {"Juventus"} and {d.season for d in decided.values()} == {
        SEASON
    }
    # another plan, another season: separate
    pjaca = svc.players.resolve("Pjaca")
    plan.decide(pjaca, "loan-out", plan="draft B")
    assert [d.player.display_name for d in plan.decisions(plan="draft B")] == ["Marko Pjaca"]
    assert [d.season for d in plan.decisions(plan="draft B")] == ["2018/19"]  # the default season
    assert plan.decisions("2019/20") == []
    # a new decision replaces the player's earlier one; undecide removes it
    plan.decide(pjaca, "recall", plan="draft B")
    assert [d.decision for d in plan.decisions(plan="draft B")] == ["recall"]
    assert plan.undecide(pjaca, plan="draft B") and not plan.undecide(pjaca, plan="draft B")


def test_bad_decisions_are_clear_errors(director: Services, coach: Services) -> None:
    svc = director
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
    with pytest.raises(Forbidden):
        coach.plan.decide(caldara, "sell")
    with pytest.raises(Forbidden):
        coach.plan.undecide(caldara)
    # the coach sees the decisions, not the director's notes on the deal
    assert {d.decision for d in coach.plan.decisions(SEASON)} == {"sell", "integrate", "develop", "sign"}
    assert {d.note for d in coach.plan.decisions(SEASON)} == {None}


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COACH])
def test_each_card_is_the_reports_recommendation(director: Services, coach: Services, role: Role) -> None:
    svc = director if role is Role.DIRECTOR else coach
    edition = "director" if role is Role.DIRECTOR else "coach"
    cards = svc.plan.cards(SEASON)
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


TITLES = {"it": "Piano di mercato 2016/17: Juventus", "en": "Market plan 2016/17: Juventus"}
TITLES["fr"] = "Plan de mercato 2016/17 : Juventus"
SELL = {"it": "Cessione", "en": "Sell", "fr": "Vendre"}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing: run scripts/system-deps.sh")
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_plan_pdf_in_each_language(
    director: Services, coach: Services, tmp_path: Path, lang: str
) -> None:
    svc = director
    pdf = svc.plan.write(tmp_path / f"plan.{lang}.pdf", SEASON, lang=lang, edition="director")
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
        pdf = coach.plan.write(tmp_path / "plan.coach.pdf", SEASON, lang=lang, edition="coach")
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
            coach.plan.write(tmp_path / "no.pdf", SEASON, edition="director")


def test_the_commands(store: Path, tmp_path: Path) -> None:
    """The commands as a director types them; on a plan for 2016/17 (its squad would be read from
    2015/16, which the sample has no match of: the command runs in seconds, the cards are real)."""
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "200"})
        return result.exit_code, result.output

    code, out = run("market", "decide", "Pjaca", "loan-out", "--season", "2016/17", "--note", "abroad")
    assert code == 0 and "Marko Pjaca: loan-out (Juventus, 2016/17, plan 'main')" in out
    code, out = run("market", "decide", "Pjaca", "loan-out", "--season", "2016/17", "--to", "Sassuolo")
    assert code == 0 and "Marko Pjaca: loan-out to Sassuolo (Juventus, 2016/17, plan 'main')" in out
    assert "Sassuolo's country: Italy" in out
    code, out = run("market", "decide", "Mandragora", "sell", "--season", "2016/17")
    assert code == 0
    code, out = run("market", "plan", "--season", "2016/17")
    assert code == 0, out
    assert "Market plan 2016/17: Juventus" in out and "Decisions (5)" in out
    assert "Loan and terms: the loan list juventus-2017-18.csv, row 4." in out  # Mandragora's row
    assert "plan: loan-out to Sassuolo" in out and "sign instead: none" in out
    assert "The rules of 2016/17: before and after the decisions" in out  # the list rules of then
    code, out = run("market", "plan", "--season", "2016/17", "--pdf", str(tmp_path / "p.pdf"), "--lang", "fr")
    assert code == 0 and (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    code, out = run("market", "undecide", "Pjaca", "--season", "2016/17")
    assert code == 0 and "decision removed" in out
    code, out = run("market", "decide", "Pjaca", "swap")
    assert code == 2 and "unknown decision 'swap'" in out and "Traceback" not in out
    result = runner.invoke(
        app, ["market", "decide", "Pjaca", "sell", "--store", str(store)], env={"LOANWATCH_ROLE": "coach"}
    )
    assert result.exit_code == 1 and "may not decide the market plan" in result.output


def test_decisions_change_the_squad_and_the_counts(director: Services, tmp_path: Path) -> None:
    """A plan of five decisions on the real loan list: next season's squad, per role and in
    counts, before and after (the depth chart of `market depth`, rebuilt with the decisions)."""
    svc = director
    decided = {"Mandragora": "sell", "Caldara": "integrate", "Orsolini": "develop", "Pjaca": "recall"}
    decided["Chiesa"] = "sign"
    for name, decision in decided.items():
        svc.plan.decide(svc.players.resolve(name), decision, plan="squad")
    empty = svc.plan.plan(plan="nothing decided").squad
    result = svc.plan.plan(plan="squad")
    plan = result.squad
    assert empty is not None and plan is not None
    # without decisions, after is before
    assert all(before == after for before, after in empty.counts.values())
    # before: who played for Juventus in 2017/18 (the sample's match sheets) and the two loanees
    # whose loans end without terms (Caldara, Spinazzola); Mandragora and Pjaca have an open
    # option to buy, Orsolini's loan runs to 2019
    apps = svc.ctx.store.appearances_frame()
    juventus = {int(c["id"]) for c in svc.ctx.store.all_clubs() if c["name"] == "Juventus"}
    played = apps[apps["club_id"].isin(juventus) & (apps["minutes_played"] > 0)]["player_id"].nunique()
    assert plan.counts["squad"][0] == played + 2
    assert plan.counts["returning"][0] == 2 and plan.counts["open"][0] == 2 and plan.counts["on_loan"][0] == 1
    # after: Pjaca recalled and Chiesa signed join, Mandragora sold leaves, Orsolini stays on loan,
    # Caldara (returning anyway) is integrated
    assert {k: after - before for k, (before, after) in plan.counts.items()} == {
        "squad": 2,
        "returning": 1,
        "signed": 1,
        "on_loan": 0,
        "leaving": 1,
        "open": -2,
    }
    joined = {name: why for r in plan.roles for name, why in r.joins}
    assert joined == {"Marko Pjaca": "recall", "Federico Chiesa": "sign"}
    assert not any(r.goes for r in plan.roles)
    assert sum(r.after for r in plan.roles) == plan.counts["squad"][1]
    # each loanee's card stands him in the depth chart: his status next season without a decision
    cards = {c.player.display_name: c for c in result.cards}
    statuses = {n: c.standing.status for n, c in cards.items() if c.standing is not None}
    assert statuses == {
        "Mattia Caldara": "returns",
        "Leonardo Spinazzola": "returns",
        "Rolando Mandragora": "decision",
        "Marko Pjaca": "decision",
        "Riccardo Orsolini": "on_loan",
    }
    # and the plan's pages say it: the squad table, who joins and why, in the reader's language
    text = _pdf_text(
        director.plan.write(tmp_path / "squad.it.pdf", plan="squad", lang="it", edition="director")
    )
    assert "Rosa 2018/19: prima e dopo le decisioni" in text
    assert "+ Marko Pjaca" in text and "+ Federico Chiesa" in text
    assert "(richiamo anticipato)" in text and "(acquisto)" in text
    # the rules of 2018/19 (UEFA's List A) checked again after the decisions: Caldara (integrated),
    # Pjaca (recalled) and Chiesa (signed) join the list; their training status is not known, so
    # the list is "cannot check", never "within the rule"
    rows = {(f.ruleset, f.scope): f for f in plan.findings}
    list_a = rows[("uefa-club-competitions-lists", "List A")]
    assert list_a.before == list_a.after == "cannot_check"
    assert (list_a.after_possible or 0) - (list_a.before_possible or 0) == 3


def test_a_loan_out_goes_to_a_club_and_the_rules_count_it(director: Services, coach: Services) -> None:
    """`market decide NAME loan-out --to CLUB`: the destination is stored and shown, and the rules
    check after the decisions counts the new loan by that club's country (the data's): Spinazzola
    (born 1993: no young player's exemption) loaned to Sassuolo is one more domestic loan of the
    season under the FIGC; Caldara loaned to Schalke one more international loan under FIFA (at
    most: his club-trained status is unknown); to a club the data does not hold (Venezia), the
    loan cannot be checked."""
    svc = director  # a plan for a season under the loan rules of FIFA and the FIGC
    spinazzola, caldara = svc.players.resolve("Spinazzola"), svc.players.resolve("Caldara")
    done = svc.plan.decide(spinazzola, "loan-out", plan="dest", season=RULES_SEASON, to="sassuolo")
    assert (done.destination, done.destination_country) == ("Sassuolo", "Italy")
    result = svc.plan.plan(plan="dest", season=RULES_SEASON)
    squad = result.squad
    assert squad is not None
    rows = {(f.ruleset, f.rule, f.scope): f for f in squad.findings}

    def moved(body: str) -> list[tuple[str, str, int | None, int | None]]:
        return [(k[1], k[2], f.before_count, f.after_count) for k, f in rows.items() if k[0].startswith(body)]

    figc = [
        f for k, f in rows.items() if k[0].startswith("figc") and k[1] == "season-cap" and "out" in f.scope
    ]
    assert figc and figc[0].after_count == (figc[0].before_count or 0) + 1, moved("figc")
    # the card, the decisions and the depth chart after the decisions say where he goes
    card = next(c for c in result.cards if c.player.id == spinazzola.id)
    assert card.decision is not None and card.decision.destination == "Sassuolo"
    svc.plan.decide(caldara, "loan-out", plan="dest", season=RULES_SEASON, to="Schalke 04")
    squad = svc.plan.plan(plan="dest", season=RULES_SEASON).squad
    assert squad is not None
    fifa = [
        f
        for f in squad.findings
        if f.ruleset.startswith("fifa") and f.rule == "season-cap" and "out" in f.scope
    ]
    assert fifa and fifa[0].after_possible == (fifa[0].before_possible or 0) + 1
    svc.plan.undecide(caldara, plan="dest", season=RULES_SEASON)
    doc = result.document()
    assert any(r["destination"] == "Sassuolo" for r in doc["rows"])  # type: ignore[index, union-attr]
    # the coach sees the destination too (it shapes the squad: not a term)
    assert [d.destination for d in coach.plan.decisions(plan="dest", season=RULES_SEASON)] == ["Sassuolo"]
    # a club the data does not hold: its country is unknown, the loan cannot be checked
    done = svc.plan.decide(spinazzola, "loan-out", plan="dest", season=RULES_SEASON, to="Venezia")
    assert (done.destination, done.destination_country) == ("Venezia", None)
    squad = svc.plan.plan(plan="dest", season=RULES_SEASON).squad
    assert squad is not None
    unknown = [
        f for f in squad.findings if f.ruleset.startswith(("fifa", "figc")) and f.after == "cannot_check"
    ]
    assert unknown, [(f.ruleset, f.rule, f.scope, f.before, f.after) for f in squad.findings]
    # extend keeps the host club; --to is only for a loan-out (or develop)
    kept = svc.plan.decide(spinazzola, "extend", plan="dest", season=RULES_SEASON)
    assert kept.destination == "Atalanta"
    with pytest.raises(InvalidInput, match="extend keeps"):
        svc.plan.decide(spinazzola, "extend", plan="dest", season=RULES_SEASON, to="Sassuolo")
    with pytest.raises(InvalidInput, match="--to is for loan-out"):
        svc.plan.decide(spinazzola, "sell", plan="dest", season=RULES_SEASON, to="Sassuolo")
    # next season's depth chart after the decisions (a plan for 2018/19: the data's next season)
    svc.plan.decide(spinazzola, "loan-out", plan="dest", to="Sassuolo")
    after = [e for r in svc.plan.plan(plan="dest").squad.after for e in r.loanees]  # type: ignore[union-attr]
    assert [e.reason for e in after if e.player_id == spinazzola.id] == ["plan: loan-out to Sassuolo"]


@pytest.fixture(scope="module")
def trained_plan(trained_rounds: Path, tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The director over a copy of the first three Serie A rounds, trained (VAEP, xG, xA), the peer
    groups' minutes lowered to 180 (three rounds hold 270 at most)."""
    from conftest import copy_store
    from loanwatch.settings import Settings

    path = copy_store(trained_rounds, tmp_path_factory.mktemp("trained-plan") / "lw.db")
    settings = Settings.load(store=str(path), min_minutes=180)
    return Services(Context.open(str(path), settings=settings, user=User("DS", Role.DIRECTOR)))


def test_each_card_names_whom_to_sign_instead(trained_plan: Services) -> None:
    """The market's evidence on a card: the three players of the loanee's role closest to him by
    output (the search of `market similar`), none of them the owner's, at most two years older,
    with a peer group's minutes; each with his club, age, minutes, figures adjusted to the owner's
    league, his rank among the owner's players of the role and his source. The coach's card carries
    them too, and no term."""
    from loanwatch.market.plan import CANDIDATE_AGE_GAP, CANDIDATES

    svc = trained_plan
    plan = svc.plan.plan()
    cards = {c.player.display_name: c for c in plan.cards}
    juventus = {int(c["id"]) for c in svc.ctx.store.all_clubs() if c["name"] == "Juventus"}
    owned = {e.player_id for r in plan.squad.before for e in (*r.squad, *r.loanees)}  # type: ignore[union-attr]
    with_candidates = [c for c in cards.values() if c.candidates]
    assert with_candidates, {n: c.candidates_missing for n, c in cards.items()}
    assert any(len(c.candidates) == CANDIDATES for c in with_candidates)
    for card in with_candidates:
        assert card.standing is not None and card.standing.figures is not None
        search = card.candidate_search
        assert search is not None and search.params["role"] == card.standing.role
        assert len(card.candidates) == min(CANDIDATES, int(search.params["pool"] or 0))
        assert search.params["minutes"] == 180 and card.candidates_missing is None
        distances = [c.output_distance for c in card.candidates]
        assert len({c.player.id for c in card.candidates}) == len(card.candidates)
        assert distances == sorted(distances)
        for cand in card.candidates:
            assert cand.role == card.standing.role and cand.player.id not in owned
            assert cand.minutes >= 180 and cand.club and cand.club != "Juventus"
            assert cand.age is not None and card.standing.age is not None
            assert cand.age <= card.standing.age + CANDIDATE_AGE_GAP
            # his figures, adjusted to the owner's league, and his rank at the owner, as a loanee's
            st = cand.standing
            assert st is not None and st.figures is not None and st.figures.reference == "Serie A"
            assert st.figures.club == cand.club and st.figures.minutes == cand.minutes
            assert st.of == card.standing.of and st.words.startswith("he would rank")
            if st.figures.vaep_p90 is not None and card.standing.figures.vaep_p90 is not None:
                gap = st.figures.vaep_p90 - card.standing.figures.vaep_p90
                assert cand.vaep_gap == pytest.approx(gap, abs=1e-3)
            # his source: the competition-season and the stored profile
            assert cand.source.what == "candidate"
            assert (cand.source.params["competition"], cand.source.params["season"]) == (
                cand.competition,
                "2017/18",
            )
            apps = svc.ctx.store.appearances_frame()
            assert not apps[(apps["player_id"] == cand.player.id) & apps["club_id"].isin(juventus)].shape[0]
    # the coach's plan: the same candidates, no term anywhere on the card
    coach = Services(svc.ctx.as_role(Role.COACH)).plan.plan()
    for mine, theirs in zip(plan.cards, coach.cards, strict=True):
        assert [c.player.id for c in mine.candidates] == [c.player.id for c in theirs.candidates]
        assert theirs.spell is None or theirs.spell.terms is None
        assert theirs.trigger is None and (theirs.decision is None or theirs.decision.note is None)
    # a loanee without match data in the store (Pjaca, at Schalke: not in these rounds) has none,
    # and the card says why
    assert cards["Marko Pjaca"].candidates == [] and cards["Marko Pjaca"].candidates_missing == "no_figures"


SIGN_INSTEAD = {"it": "Chi acquistare al suo posto", "en": "Whom to sign instead"}
SIGN_INSTEAD["fr"] = "Qui recruter à sa place"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing: run scripts/system-deps.sh")
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_plan_pdf_names_whom_to_sign_instead(trained_plan: Services, tmp_path: Path, lang: str) -> None:
    """The cards' candidates in the plan's PDF, in each language, the coach's edition too."""
    svc = trained_plan
    edition = "coach" if lang == "fr" else "director"
    plan = svc.plan.plan(edition=edition)
    text = _pdf_text(svc.plan.write(tmp_path / f"plan.{lang}.pdf", lang=lang, edition=edition))
    assert text.count(SIGN_INSTEAD[lang]) >= sum(1 for c in plan.cards if c.candidates)
    for card in plan.cards:
        for cand in card.candidates:
            assert cand.player.display_name in text and cand.club in text
    if edition == "coach":
        assert not any(fee in text for fee in FEES) and "bid expected" not in text
