"""Words without a store: every message translated (plurals too, in each catalog's plural forms),
countries in the reader's language from the provider's codes, alerts written from their kind and
evidence, the names people know, stored warnings read defensively, and the reference league."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from loanwatch.api import SAMPLE_DATA
from loanwatch.ingest.wyscout import player_from_json
from loanwatch.metrics import league
from loanwatch.portfolio.names import display_name, legal_name
from loanwatch.reports import vocab
from loanwatch.reports.data import edition_alerts, nationality, read_warnings
from loanwatch.reports.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    Formatter,
    area_code,
    extract_plural_messages,
    translations,
)
from loanwatch.reports.render import alert_text, warning_text

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def sample_players() -> dict[str, dict[str, object]]:
    """The shipped players.json, by short name, as the store holds them."""
    raw = json.loads(gzip.decompress((SAMPLE_DATA / "players.json.gz").read_bytes()))
    out = {}
    for p in raw:
        player = player_from_json(p)
        out[player.short_name] = {k: getattr(player, k) for k in player.__dataclass_fields__}
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_counted_message_has_every_plural_form(lang: str) -> None:
    catalog = _catalog(lang)
    assert catalog.plural_expr, lang  # Plural-Forms in the header
    plurals = extract_plural_messages()
    assert len(plurals) >= 8
    for singular, plural in plurals:
        entry = catalog.get(singular)
        assert entry is not None and entry.pluralizable, (lang, singular)
        assert len(entry.string) == catalog.num_plurals and all(entry.string), (lang, singular)
        wanted = sorted(set(PLACEHOLDER.findall(singular + plural)))
        for form in entry.string:
            assert set(PLACEHOLDER.findall(form)) <= set(wanted), (lang, form)


def test_plural_forms_per_language() -> None:
    it, en, fr = Formatter("it"), Formatter("en"), Formatter("fr")
    goal = ("%(n)s goal", "%(n)s goals")
    # the CLI's counted words and the reports' share the catalogs: "1 gol", "1 but", "1 goal"
    assert en.n_(*goal, 1) == "1 goal" and en.n_(*goal, 2) == "2 goals"
    assert it.n_(*goal, 1) == "1 gol" and it.n_(*goal, 3) == "3 gol"
    assert fr.n_(*goal, 1) == "1 but" and fr.n_(*goal, 0) == "0 but" and fr.n_(*goal, 2) == "2 buts"
    assert en.n_("%(n)s start", "%(n)s starts", 1) == "1 start"
    assert fr.n_("%(n)s year old", "%(n)s years old", 1) == "1 an"
    assert it.n_("%(n)s year old", "%(n)s years old", 21) == "21 anni"
    assert en.n_(*goal, 2006) == "2,006 goals" and it.n_(*goal, 2006) == "2.006 gol"


def test_countries_from_the_providers_codes(sample_players: dict[str, dict[str, object]]) -> None:
    assert (
        Formatter("fr").country("XEN") == "Angleterre" and Formatter("it").country("England") == "Inghilterra"
    )
    assert Formatter("fr").country("BE") == "Belgique" and Formatter("it").country("Belgium") == "Belgio"
    assert Formatter("fr").country("Congo DR") == Formatter("fr").country("CD")
    assert area_code("XKS") == "XK" and area_code("C\\u00f4te d'Ivoire") == "CI"
    # every area of the shipped players.json has a code, so every one is shown in the reader's words
    raw = json.loads(gzip.decompress((SAMPLE_DATA / "players.json.gz").read_bytes()))
    names = {(p.get(k) or {}).get("name") for p in raw for k in ("passportArea", "birthArea")} - {None, ""}
    assert [n for n in names if not area_code(n)] == []
    rashford = sample_players["M. Rashford"]
    assert rashford["passport_area"] == "XEN"
    shown, second = nationality(rashford, [])
    assert Formatter("fr").country(shown) == "Angleterre" and second == ""
    # Loftus-Cheek: born in England, a Jamaican passport too: England shown, Jamaica as the second
    shown, second = nationality(sample_players["R. Loftus-Cheek"], [])
    assert (Formatter("fr").country(shown), Formatter("fr").country(second)) == ("Angleterre", "Jamaïque")
    # the national team he played for comes first (Batshuayi: Belgium, passport Congo DR)
    batshuayi = sample_players["M. Batshuayi"]
    assert (batshuayi["passport_area"], batshuayi["birth_area"]) == ("CD", "BE")
    assert nationality(batshuayi, ["Belgium"]) == ("BE", "CD")
    # Mbappé: a Cameroonian passport in the data, born in France: France, and Cameroon as the second
    assert nationality(sample_players["K. Mbappé"], []) == ("FR", "CM")


def test_the_names_people_know(sample_players: dict[str, dict[str, object]]) -> None:
    kenedy = sample_players["Kenedy"]
    assert display_name(kenedy) == "Kenedy"
    assert legal_name(kenedy) == "Robert Kenedy Nunes do Nascimento"
    assert display_name(sample_players["K. Mbappé"]) == "Kylian Mbappé"
    assert display_name(sample_players["M. Batshuayi"]) == "Michy Batshuayi"
    assert display_name(sample_players["R. Mandragora"]) == "Rolando Mandragora"
    assert display_name({"short_name": "Y. Bárcenas", "first_name": "Edgar Yoel"}) == "Yoel Bárcenas"
    assert display_name({"short_name": "", "first_name": "Marko", "last_name": "Pjaca"}) == "Marko Pjaca"


# Alerts as tracking/alerts.py writes them (kind + evidence), one per kind.
ALERTS = [
    {
        "kind": "minutes_collapse",
        "severity": "warning",
        "evidence": {"share_last": 0.2, "share_before": 0.86, "matches": [{}, {}, {}, {}, {}]},
    },
    {"kind": "out_of_squad", "severity": "warning", "evidence": {"in_a_row": 1, "since": "2018-04-21"}},
    {"kind": "out_of_squad", "severity": "warning", "evidence": {"in_a_row": 4, "since": "2018-04-21"}},
    {"kind": "role_change", "severity": "info", "evidence": {"from": "winger", "to": "striker"}},
    {
        "kind": "breakout",
        "severity": "info",
        "evidence": {"metric": "vaep", "recent_p90": 1.21, "baseline_shrunk_p90": 0.4, "z": 2.5},
    },
    {
        "kind": "slump",
        "severity": "warning",
        "evidence": {"metric": "vaep", "recent_p90": 0.1, "baseline_shrunk_p90": 0.4, "z": -2.2},
    },
    {
        "kind": "obligation_fired",
        "severity": "critical",
        "evidence": {"trigger": "25 presenze", "fired_on": "2018-03-04", "fee_eur": 25_000_000},
    },
    {
        "kind": "obligation_close",
        "severity": "warning",
        "evidence": {"trigger": "25 presenze", "count": 24, "target": 25, "to_go": 1},
    },
    {
        "kind": "loan_ending",
        "severity": "warning",
        "evidence": {
            "end_date": "2018-06-30",
            "days_left": 1,
            "loan_type": "loan_with_option",
            "fee_eur": 1_000_000,
        },
    },
    {
        "kind": "recall_window",
        "severity": "info",
        "evidence": {"opens": "2018-01-02", "closes": "2018-01-31"},
    },
]
ENGLISH = (
    "minutes over",
    "Not in the squad",
    "Now plays",
    "per 90 up",
    "per 90 down",
    "Purchase",
    "to go",
    "The loan ends",
    "Recall window",
    "fee ",
    "decide on",
    " day",
    "since",
)


@pytest.mark.parametrize("lang", ["it", "fr"])
def test_alerts_are_written_in_the_readers_language(lang: str) -> None:
    fmt = Formatter(lang)
    texts = [alert_text(lang, a) for a in ALERTS]
    assert all(texts), texts
    for text in texts:
        assert not any(word in text for word in ENGLISH), text
    assert fmt.pct(0.2) in texts[0] and fmt.pct(0.86) in texts[0]
    assert texts[1] != texts[2]  # 1 match / 4 matches: the plural form
    assert fmt.date(date(2018, 6, 30)) in texts[8] and fmt.money(1_000_000) in texts[8]
    assert translations(lang).gettext(vocab.ROLES["striker"]) in texts[3]
    # the coach's edition: no contract term reaches the words (fee, loan type, trigger)
    coach = edition_alerts([{**ALERTS[8], "status": "open"}], "coach")
    assert coach and fmt.money(1_000_000) not in alert_text(lang, coach[0])
    assert "option" not in alert_text(lang, coach[0])


def test_an_alert_without_its_evidence_shows_its_kind_only() -> None:
    assert alert_text("fr", {"kind": "out_of_squad", "title": "Mandragora: not in the squad"}) == ""
    assert alert_text("fr", {"kind": "out_of_squad", "evidence": {"since": "2018-01-01"}}) == ""
    assert alert_text("fr", {"kind": "a_new_kind", "evidence": {"x": 1}}) == ""


def test_stored_warnings_are_read_defensively() -> None:
    legacy = "match 2576335: goals in the events {1: 1} differ from the sheet's score {1: 2}"
    assert read_warnings("") == [] and read_warnings(None) == []
    assert read_warnings(legacy) == [{"code": "score_mismatch", "message": legacy}]
    stored = json.dumps(
        [{"code": "score_mismatch", "message": "goals differ"}, {"code": "late_kickoff"}, "text"]
    )
    got = read_warnings(stored)
    assert [w["code"] for w in got] == ["score_mismatch", "late_kickoff", ""]
    assert got[1]["message"] == "late_kickoff" and got[2]["message"] == "text"
    assert "tabellino" in warning_text("it", got[0]) and "feuille de match" in warning_text("fr", got[0])
    assert warning_text("fr", {"code": "unknown", "message": "as stored"}) == "as stored"


def test_the_reference_league_follows_the_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(league.REFERENCE_ENV_VAR, raising=False)
    ref = league.resolve_reference("Chelsea")  # not in the data: the table of owner leagues
    assert (ref.league, ref.source) == ("Premier League", "owner_table")
    ref = league.resolve_reference("Juventus", league_in_data="Serie A")
    assert (ref.league, ref.source) == ("Serie A", "owner_data")
    ref = league.resolve_reference("Some Club", league_in_list="Ligue 1")
    assert (ref.league, ref.source) == ("Ligue 1", "owner_list")
    ref = league.resolve_reference("Benfica")  # a league without a strength: the default, and why
    assert (ref.league, ref.source, ref.owner_league) == ("Serie A", "default", "Primeira Liga")
    assert league.resolve_reference("Chelsea", chosen="Ligue 1").source == "chosen"
    with pytest.raises(ValueError, match="not in the league strength table"):
        league.resolve_reference("Chelsea", chosen="Eredivisie")
    monkeypatch.setenv(league.REFERENCE_ENV_VAR, "Bundesliga")
    assert (league.resolve_reference("Chelsea").league, league.resolve_reference("Chelsea").source) == (
        "Bundesliga",
        "setting",
    )
