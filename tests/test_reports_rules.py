"""The reports' words and rules, without a store: catalogs complete in every language, numbers and
dates in the reader's locale, and the recommendation rules on made-up facts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from loanwatch.reports.i18n import LANGUAGES, LOCALE_DIR, Formatter, extract_messages, translations
from loanwatch.reports.recommend import Facts, recommend
from loanwatch.reports.render import report_filename


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    catalog = _catalog(lang)
    for message in extract_messages():
        entry = catalog.get(message)
        assert entry is not None and entry.string, (lang, message)
        assert sorted(re.findall(r"%\(\w+\)s", message)) == sorted(re.findall(r"%\(\w+\)s", entry.string)), (
            message
        )
    assert translations(lang).gettext("Recall") == catalog.get("Recall").string


def test_numbers_and_dates_in_the_readers_locale() -> None:
    day = date(2018, 1, 24)
    assert Formatter("it").date(day) == "24 gen 2018"
    assert Formatter("en").date(day) == "24 Jan 2018"
    assert Formatter("fr").date(day) == "24 janv. 2018"
    assert Formatter("it").num(2006) == "2.006"
    assert Formatter("en").num(2006) == "2,006"
    assert Formatter("fr").num(2006).replace("\u202f", " ") == "2 006"
    assert Formatter("it").money(15_000_000) == "15.000.000\xa0€"
    assert Formatter("fr").country("Italy") == "Italie"


def test_report_filenames() -> None:
    assert report_filename("Mattia Caldara") == "mattia-caldara.html"
    assert report_filename("Mattia Caldara", "it", "director", "pdf") == "mattia-caldara.it.director.pdf"


def _facts(**kw: object) -> Facts:
    base: dict[str, object] = dict(
        as_of=date(2018, 4, 1),
        age=21,
        matches=20,
        appearances=18,
        starts=16,
        minutes=1500,
        available_minutes=1900,
        role="winger",
        peers=40,
        qualified=True,
        competition="Serie A",
        percentiles={m: 80.0 for m in ("xa", "key_passes", "dribbles", "progressive_carries", "xg", "vaep")},
    )
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def test_a_young_regular_in_the_top_third_points_to_integration() -> None:
    rec = recommend(_facts())
    stance = {a.option: a.stance for a in rec.options}
    assert rec.call == "integrate" and rec.confidence == "high"
    assert stance["recall"] == "against" and stance["sell"] == "against"


def test_a_fringe_player_points_to_recall() -> None:
    rec = recommend(_facts(minutes=300, starts=2, appearances=6, percentiles={}, peers=0))
    options = {a.option: a for a in rec.options}
    assert options["recall"].score >= 1 and options["keep"].stance == "against"
    assert options["integrate"].stance == "against"
    assert any("cannot support" in r.message for r in options["integrate"].reasons)
    assert rec.confidence == "low"  # 300 minutes: too little to judge on


def test_few_matches_weigh_nothing() -> None:
    rec = recommend(_facts(matches=3, minutes=270, available_minutes=285))
    assert rec.call is None and all(not a.reasons for a in rec.options)
    assert rec.confidence == "low"


def test_a_mature_low_profile_points_to_sale_and_the_obligation_counts() -> None:
    low = {m: 15.0 for m in ("xa", "key_passes", "dribbles", "progressive_carries", "xg", "vaep")}
    rec = recommend(_facts(age=28, percentiles=low, trigger_appearances=20, appearances=18))
    sell = next(a for a in rec.options if a.option == "sell")
    assert sell.stance == "supported" and rec.call == "sell"
    assert any("obligation" in r.message for r in sell.reasons)
