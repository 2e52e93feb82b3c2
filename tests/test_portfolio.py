"""Importing a club's loan list against the real 2017/18 data shipped in ``data/``."""

from __future__ import annotations

import csv
import gzip
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from conftest import copy_sample, terms_of
from loanwatch.api import SAMPLE_DATA, SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.cli import app
from loanwatch.cli import common as cli
from loanwatch.domain import LoanType
from loanwatch.portfolio.cells import parse_date, parse_fee, parse_loan_type, parse_trigger_appearances
from loanwatch.portfolio.importer import import_loan_list
from loanwatch.portfolio.names import find_players, normalize_name
from loanwatch.portfolio.sheets import field_for_header
from loanwatch.services.models import LoanSpell

# Wyscout ids of the example list's players, as the public players file has them.
ORSOLINI, PJACA, MANDRAGORA, CALDARA, SPINAZZOLA = "373768", "135810", "302799", "288663", "190167"
MBAPPE, RADU, GIUSEPPE_PEZZELLA = "353833", "20550", "388398"

# Fields that say what a spell is, whichever way the list was written.
SPELL_FIELDS = (
    "player_id",
    "host_club_id",
    "host_club_name",
    "competition_name",
    "start_date",
    "end_date",
    "loan_type",
    "option_fee_eur",
    "obligation_fee_eur",
    "trigger_appearances",
)


def _provider_ids(lw: Loanwatch) -> dict[int, str]:
    return {p["id"]: p["provider_id"] for p in lw.store.all_players()}


def _spells_by_player(lw: Loanwatch, spells: list[LoanSpell]) -> dict[str, list[LoanSpell]]:
    ids = _provider_ids(lw)
    out: dict[str, list[LoanSpell]] = {}
    for spell in sorted(spells, key=lambda s: s.start_date):
        out.setdefault(ids[spell.player_id], []).append(spell)
    return out


def _comparable(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {tuple(r[f] for f in SPELL_FIELDS) for r in rows}


@pytest.fixture(scope="module")
def small_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every player and club of the public set, with one Serie A and one Schalke 04 match.

    Enough to resolve names and clubs (and the two competitions) in well under a second; each test
    gets its own copy, so imports never leak from one test to another.
    """
    root = tmp_path_factory.mktemp("small")
    data = copy_sample(root / "data", ["2575959"])  # Serie A round 1
    copy_sample(data, ["2516744"], "Germany")  # a Schalke 04 Bundesliga match
    lw = Loanwatch(str(root / "template.db"))
    summary = lw.ingest([data])
    assert summary.rejected == 0, summary.errors
    lw.store.engine.dispose()
    return root / "template.db"


@pytest.fixture()
def store_path(small_store_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "loanwatch.db"
    shutil.copy(small_store_template, path)
    return path


@pytest.fixture()
def lw(store_path: Path) -> Loanwatch:
    return Loanwatch(str(store_path))


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


# -- the example list, on the whole shipped sample ----------------------------------------------


def test_example_list_imports_every_row(ingested: Loanwatch) -> None:
    result = ingested.import_portfolio(SAMPLE_PORTFOLIO)

    assert result.problems == []
    assert len(result.imported) == 6
    assert [r["source"] for r in result.imported] == [f"juventus-2017-18.csv:{n}" for n in range(2, 8)]
    spells = _spells_by_player(ingested, ingested.loan_spells())
    assert set(spells) == {ORSOLINI, PJACA, MANDRAGORA, CALDARA, SPINAZZOLA}

    atalanta, bologna = spells[ORSOLINI]
    assert (atalanta.host_club_name, terms_of(atalanta).loan_type) == ("Atalanta", LoanType.DRY.value)
    assert (atalanta.start_date, atalanta.end_date) == (date(2017, 7, 1), date(2018, 1, 24))
    assert bologna.host_club_name == "Bologna"
    bologna_terms = terms_of(bologna)
    assert bologna_terms.loan_type == LoanType.WITH_OBLIGATION.value
    assert bologna_terms.trigger_appearances == 10
    assert bologna_terms.obligation_trigger == "10 appearances"
    # The list has one fee column: on a loan with obligation, its fee is the obligation's.
    assert (bologna_terms.obligation_fee_eur, bologna_terms.option_fee_eur) == (15_000_000, None)
    assert bologna.player_name == "Riccardo Orsolini"

    (pjaca,) = spells[PJACA]
    assert pjaca.host_club_id is not None
    schalke = ingested.store.club(pjaca.host_club_id)
    assert schalke is not None and schalke["name"] == "Schalke 04"
    assert pjaca.competition_name == "Bundesliga"
    bundesliga = next(c for c in ingested.store.competitions() if c["name"] == "Bundesliga")
    assert pjaca.host_club_id in ingested.store.clubs_in_competition(bundesliga["id"])

    (mandragora,) = spells[MANDRAGORA]
    mandragora_terms = terms_of(mandragora)
    assert (mandragora_terms.option_fee_eur, mandragora_terms.obligation_fee_eur) == (20_000_000, None)
    assert mandragora_terms.loan_type == LoanType.WITH_OPTION.value
    assert terms_of(spells[CALDARA][0]).loan_type == LoanType.LOAN_BACK.value
    assert spells[SPINAZZOLA][0].start_date == date(2016, 7, 1)


def test_reimporting_the_same_list_changes_nothing(ingested: Loanwatch) -> None:
    ingested.import_portfolio(SAMPLE_PORTFOLIO)
    before = ingested.loan_spells()
    again = ingested.import_portfolio(SAMPLE_PORTFOLIO)
    after = ingested.loan_spells()

    assert len(again.imported) == 6 and again.problems == []
    assert after == before  # same ids, same values: updated in place, not added


# -- other ways clubs write the same list -------------------------------------------------------


def _italian_workbook(path: Path) -> Path:
    """The example list as an Italian club might keep it in Excel."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Elenco prestiti 2017/18"])  # a title line: the header is the first line of columns
    ws.append([])
    ws.append(
        [
            "Formula",
            "Calciatore",
            "Nato il",
            "In prestito a",
            "Campionato",
            "Dal",
            "Al",
            "Prezzo riscatto (€)",
            "Condizione obbligo",
            "Società",
            "Note",
        ]
    )
    ws.append(
        [
            "loan back",
            "M. Caldara",
            "05/05/1994",
            "Atalanta",
            "Serie A",
            "01/07/2017",
            "30/06/2018",
            None,
            None,
            "Juventus",
            None,
        ]
    )
    ws.append(
        [
            "prestito secco",
            "Spinazzola Leonardo",
            datetime(1993, 3, 25),
            "Atalanta B.C.",
            "Serie A",
            datetime(2016, 7, 1),
            datetime(2018, 6, 30),
            None,
            None,
            "Juventus",
            "biennale",
        ]
    )
    ws.append(
        [
            "prestito con diritto di riscatto",
            "Rolando Mandragora",
            "29/06/1997",
            "FC Crotone",
            "serie a",
            "01/07/2017",
            "30/06/2018",
            "20.000.000",
            None,
            "Juventus",
            None,
        ]
    )
    ws.append(
        [
            "prestito secco",
            "R. Orsolini",
            "24/01/1997",
            "Atalanta",
            "Serie A",
            "01/07/2017",
            "24/01/2018",
            None,
            None,
            "Juventus",
            None,
        ]
    )
    ws.append(
        [
            "prestito con obbligo di riscatto",
            "ORSOLINI Riccardo",
            "24.01.1997",
            "Bologna",
            "Serie A",
            "25/01/2018",
            "30/06/2019",
            "€15m",
            "10 presenze",
            "Juventus",
            None,
        ]
    )
    # An Excel date cell for the start, as a typed-in date becomes in a real workbook.
    ws.append(
        [
            "prestito con diritto di riscatto",
            "Marko Pjaca",
            "06/05/1995",
            "Schalke 04",
            "Bundesliga",
            datetime(2018, 1, 3),
            "30/06/2018",
            None,
            None,
            "Juventus",
            None,
        ]
    )
    wb.save(path)
    return path


def test_italian_xlsx_imports_the_same_spells(lw: Loanwatch, tmp_path: Path) -> None:
    from_csv = lw.import_portfolio(SAMPLE_PORTFOLIO)
    assert from_csv.problems == [] and len(from_csv.imported) == 6

    workbook = _italian_workbook(tmp_path / "prestiti.xlsx")
    from_xlsx = lw.import_portfolio(workbook)

    assert from_xlsx.problems == []
    assert _comparable(from_xlsx.imported) == _comparable(from_csv.imported)
    assert len(lw.loan_spells()) == 6  # the same spells, updated, not doubled
    bologna = next(r for r in from_xlsx.imported if r["host_club_name"] == "Bologna")
    assert bologna["obligation_trigger"] == "10 presenze"
    assert bologna["player_name"] == "ORSOLINI Riccardo"  # as the list writes it
    assert bologna["source"] == "prestiti.xlsx:Sheet:8"  # the sheet and the row number Excel shows
    assert bologna["parent_club"] == "Juventus"


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-8-sig"), (",", "utf-8-sig"), (";", "utf-8")]
)
def test_csv_delimiters_and_encodings(lw: Loanwatch, tmp_path: Path, delimiter: str, encoding: str) -> None:
    with SAMPLE_PORTFOLIO.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    # An accented name, to see it survive the code page and the BOM.
    rows.append(
        [
            "Kylian Mbappé",
            "20/12/1998",
            "Monaco",
            "Paris Saint-Germain",
            "Ligue 1",
            "31/08/2017",
            "30/06/2018",
            "prestito con obbligo di riscatto",
            "€145m",
            "",
            "",
        ]
    )
    path = _write_csv(tmp_path / "list.csv", rows, delimiter, encoding)

    result = lw.import_portfolio(path)

    assert result.problems == []
    assert len(result.imported) == 7
    mbappe = result.imported[-1]
    assert mbappe["player_name"] == "Kylian Mbappé"
    assert mbappe["host_club_name"] == "PSG"
    assert mbappe["obligation_fee_eur"] == 145_000_000


# -- names as people write them -----------------------------------------------------------------


def test_the_dataset_escapes_names_and_the_store_shows_them_clean(lw: Loanwatch) -> None:
    with gzip.open(SAMPLE_DATA / "players.json.gz") as fh:
        raw = fh.read()
    assert b"Mbapp\\\\u00e9 Lottin" in raw  # literally backslash-u in the public file
    assert b"\\\\u015etefan Daniel" in raw
    by_id = {p["provider_id"]: p for p in lw.store.all_players()}
    assert by_id[MBAPPE]["short_name"] == "K. Mbappé"
    assert by_id[RADU]["first_name"] == "Ştefan Daniel"
    assert normalize_name("Ştefan Daniel Radu") == "stefan daniel radu"


@pytest.mark.parametrize(
    ("written", "born", "provider_id"),
    [
        ("Kylian Mbappe", date(1998, 12, 20), MBAPPE),
        ("K. MBAPPÉ", None, MBAPPE),
        ("mbappe kylian", None, MBAPPE),
        ("Stefan Radu", date(1986, 10, 22), RADU),
        ("Ştefan Radu", None, RADU),
        ("R. Orsolini", date(1997, 1, 24), ORSOLINI),
        ("Orsolini R.", None, ORSOLINI),
        ("G. Pezzella", date(1997, 11, 29), GIUSEPPE_PEZZELLA),
    ],
)
def test_names_resolve(lw: Loanwatch, written: str, born: date | None, provider_id: str) -> None:
    matches = find_players(written, lw.store.all_players(), born)
    assert [m.player["provider_id"] for m in matches] == [provider_id]


def test_accented_names_import(lw: Loanwatch, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "accents.csv",
        [
            ["player", "dob", "host club", "league", "from", "until", "type"],
            ["Kylian Mbappe", "1998-12-20", "PSG", "Ligue 1", "2017-08-31", "2018-06-30", "obligation"],
            ["Stefan Radu", "22/10/1986", "Inter", "Serie A", "01/07/2017", "30/06/2018", "dry loan"],
        ],
    )
    result = lw.import_portfolio(path)

    assert result.problems == []
    ids = _provider_ids(lw)
    imported = {ids[row["player_id"]]: row for row in result.imported}  # the list's rows, as stored
    assert imported[MBAPPE]["player_name"] == "Kylian Mbappe"
    assert imported[RADU]["host_club_name"] == "Internazionale"


# -- rows that cannot be imported ---------------------------------------------------------------


def test_unmatched_rows_are_listed_and_the_rest_imported(lw: Loanwatch, tmp_path: Path) -> None:
    header = [
        "player",
        "birth_date",
        "host_club",
        "competition",
        "loan_start",
        "loan_end",
        "loan_type",
        "option_fee_eur",
        "obligation_trigger",
    ]
    path = _write_csv(
        tmp_path / "mixed.csv",
        [
            header,
            [
                "Rolando Mandragora",
                "1997-06-29",
                "Crotone",
                "Serie A",
                "2017-07-01",
                "2018-06-30",
                "loan with option",
                "20,000,000",
                "",
            ],  # row 2: good
            [
                "Giovanni Inesistente",
                "1990-01-01",
                "Crotone",
                "Serie A",
                "2017-07-01",
                "2018-06-30",
                "dry loan",
                "",
                "",
            ],  # row 3: nobody of that name
            [
                "G. Pezzella",
                "",
                "Udinese",
                "Serie A",
                "2017-07-01",
                "2018-06-30",
                "dry loan",
                "",
                "",
            ],  # row 4: two players are G. Pezzella
            [
                "Riccardo Orsolini",
                "1997-01-25",
                "Atalanta",
                "Serie A",
                "2017-07-01",
                "2018-01-24",
                "dry loan",
                "",
                "",
            ],  # row 5: Orsolini was born on the 24th
            [
                "Marko Pjaca",
                "1995-05-06",
                "Schalke 05",
                "Bundesliga",
                "2018-01-03",
                "2018-06-30",
                "loan with option",
                "",
                "",
            ],  # row 6: no such club
            [
                "Mattia Caldara",
                "1994-05-05",
                "Atalanta",
                "Serie A",
                "2017-07-01",
                "31/06/2018",
                "loan back",
                "",
                "",
            ],  # row 7: June has 30 days
            [
                "Leonardo Spinazzola",
                "1993-03-25",
                "Atalanta",
                "Serie A",
                "2016-07-01",
                "2018-06-30",
                "prestito misterioso",
                "",
                "",
            ],  # row 8: a loan type we do not know
            [
                "G. Pezzella",
                "29/11/1997",
                "Udinese",
                "Serie A",
                "2017-07-01",
                "2018-06-30",
                "dry loan",
                "",
                "",
            ],  # row 9: good, the birth date tells the Pezzellas apart
        ],
    )

    result = lw.import_portfolio(path)

    spells = _spells_by_player(lw, lw.loan_spells())
    assert set(spells) == {MANDRAGORA, GIUSEPPE_PEZZELLA}  # nothing of the bad rows was written
    assert terms_of(spells[MANDRAGORA][0]).option_fee_eur == 20_000_000
    assert [r["source"] for r in result.imported] == ["mixed.csv:2", "mixed.csv:9"]

    problems = dict(zip([3, 4, 5, 6, 7, 8], result.problems, strict=True))
    for number, line in problems.items():
        assert line.startswith(f"mixed.csv row {number} (")
    assert "no player named 'Giovanni Inesistente' born 1990-01-01 in the ingested data" in problems[3]
    assert "ambiguous: 'G. Pezzella' could be" in problems[4]
    # Enough to choose: birth date, role (and club when he played in the data), and the id.
    german = "Germán Alejandro Pezzella (known as G. Pezzella, born 1991-06-27, defender, wyscout id 86328)"
    giuseppe = "Giuseppe Pezzella (known as G. Pezzella, born 1997-11-29, defender, wyscout id 388398)"
    assert german in problems[4] and giuseppe in problems[4]
    assert "no player named 'Riccardo Orsolini' born 1997-01-25" in problems[5]
    assert "born 1997-01-24" in problems[5]  # the hint names the one the data has
    assert "host club 'Schalke 05' not found" in problems[6]
    assert "bad date '31/06/2018' in column loan_end" in problems[7]
    assert "bad loan type 'prestito misterioso' in column loan_type" in problems[8]


def test_a_list_without_a_name_column_is_refused(lw: Loanwatch, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "odd.csv", [["who", "where"], ["Orsolini", "Bologna"]])
    with pytest.raises(ValueError, match="no column for the player's name"):
        import_loan_list(lw.store, path)
    assert lw.loan_spells() == []


# -- cell formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "euros"),
    [
        ("20000000", 20_000_000),
        ("20.000.000", 20_000_000),
        ("20,000,000", 20_000_000),
        ("€20m", 20_000_000),
        ("20 mln", 20_000_000),
        ("1,5 milioni", 1_500_000),
        ("EUR 2.5m", 2_500_000),
        ("500k", 500_000),
        ("2.500.000,00 €", 2_500_000),
        (20000000.0, 20_000_000),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_fee(cell: object, euros: int | None) -> None:
    assert parse_fee(cell) == euros


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2018-01-25", date(2018, 1, 25)),
        ("25/01/2018", date(2018, 1, 25)),
        ("25.01.2018", date(2018, 1, 25)),
        ("5/1/18", date(2018, 1, 5)),
        (datetime(2018, 1, 25, 0, 0), date(2018, 1, 25)),
        (43125, date(2018, 1, 25)),  # Excel's day number
        ("43125", date(2018, 1, 25)),
        ("", None),
    ],
)
def test_parse_date(cell: object, day: date | None) -> None:
    assert parse_date(cell) == day


@pytest.mark.parametrize("cell", ["2018-02-30", "13/13/2018", "next summer", "1e9"])
def test_parse_date_refuses(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_date(cell)


@pytest.mark.parametrize(
    ("words", "loan_type"),
    [
        ("dry loan", LoanType.DRY),
        ("Prestito secco", LoanType.DRY),
        ("loan with option", LoanType.WITH_OPTION),
        ("prestito con diritto di riscatto", LoanType.WITH_OPTION),
        ("loan with obligation", LoanType.WITH_OBLIGATION),
        ("Prestito con obbligo di riscatto", LoanType.WITH_OBLIGATION),
        ("loan back", LoanType.LOAN_BACK),
        ("loan_with_option", LoanType.WITH_OPTION),
    ],
)
def test_parse_loan_type(words: str, loan_type: LoanType) -> None:
    assert parse_loan_type(words) is loan_type


@pytest.mark.parametrize(
    ("words", "count"),
    [("10 appearances", 10), ("10 presenze", 10), ("dopo 12 presenze ufficiali", 12), ("salvezza", None)],
)
def test_trigger_appearances(words: str, count: int | None) -> None:
    assert parse_trigger_appearances(words) == count


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Data di nascita", "birth_date"),
        ("data_nascita", "birth_date"),
        ("DOB", "birth_date"),
        ("Club proprietario", "parent_club"),
        ("Società", "parent_club"),
        ("Loaned to", "host_club"),
        ("in prestito a", "host_club"),
        ("Inizio (prestito)", "loan_start"),
        ("Fine prestito", "loan_end"),
        ("Tipo prestito", "loan_type"),
        ("Option fee (EUR)", "fee"),
        ("Clausola di richiamo", "recall"),
        ("Calciatore", "player"),
        ("something else", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


# -- the command line ---------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines to the terminal's width


def test_cli_import_and_list(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a terminal: rich would draw the table 80 columns wide, wrapping names over two lines.
    monkeypatch.setattr(cli.console, "width", 200)
    runner = CliRunner()
    result = runner.invoke(app, ["portfolio", "import", str(SAMPLE_PORTFOLIO), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "Imported 6 loan spells" in _flat(result.output)

    listed = runner.invoke(app, ["portfolio", "list", "--store", str(store_path)])
    assert listed.exit_code == 0, listed.output
    for text in ("Riccardo Orsolini", "Schalke 04", "Bologna", "20,000,000"):
        assert text in listed.output


def test_cli_import_exits_1_when_rows_are_left_out(store_path: Path, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "some-bad.csv",
        [
            ["player", "birth_date", "host_club", "loan_start", "loan_end", "loan_type"],
            ["Marko Pjaca", "1995-05-06", "Schalke 04", "2018-01-03", "2018-06-30", "loan with option"],
            ["Nobody Atall", "", "Schalke 04", "2018-01-03", "2018-06-30", "dry loan"],
        ],
    )
    result = CliRunner().invoke(app, ["portfolio", "import", str(path), "--store", str(store_path)])

    assert result.exit_code == 1
    out = _flat(result.output)
    assert "Imported 1 loan spells" in out
    assert "not imported some-bad.csv row 3 (Nobody Atall): no player named 'Nobody Atall'" in out


def test_cli_import_exits_2_on_a_file_that_is_not_a_loan_list(store_path: Path, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "odd.csv", [["who", "where"], ["Orsolini", "Bologna"]])
    result = CliRunner().invoke(app, ["portfolio", "import", str(path), "--store", str(store_path)])
    assert result.exit_code == 2
    assert "no column for the player's name" in _flat(result.output)
