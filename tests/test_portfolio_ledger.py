"""The loan list as the club's ledger (issues 8 and 9), on the real lists shipped in data/portfolios.

The store: every player and club of the public Wyscout set, with four real matches (Atalanta-Roma
and Schalke-Leipzig of August 2017, Bologna's matches of 28 January and 4 February 2018). Serie A
and the Bundesliga have match data; Serie B, the Premier League and Ligue 1 have none here.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from conftest import copy_sample, terms_of
from loanwatch.api import REPO_ROOT, SAMPLE_PORTFOLIO, Loanwatch, PlayerNotFound
from loanwatch.cli import app
from loanwatch.portfolio.cells import fee_unit, parse_fee
from loanwatch.portfolio.names import parse_player_query
from loanwatch.services.models import LoanSpell
from loanwatch.tracking.contract import AppearanceRule, trigger_count
from test_postgres import pg_url  # noqa: F401  (a fresh database on the test server, or a skip)

GROUP_LIST = REPO_ROOT / "data" / "portfolios" / "group-2017-18.csv"
HEADER = ["player", "birth_date", "parent_club", "host_club", "competition", "loan_start", "loan_end",
          "loan_type", "option_fee_eur", "obligation_trigger", "notes"]


@pytest.fixture(scope="module")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ledger")
    data = copy_sample(root / "data", ["2575959", "2576171", "2576181"])  # Atalanta-Roma, Bologna x2
    copy_sample(data, ["2516744"], "Germany")  # Schalke 04 - RB Leipzig
    lw = Loanwatch(str(root / "template.db"))
    summary = lw.ingest([data])
    assert summary.rejected == 0, summary.errors
    lw.store.engine.dispose()
    return root / "template.db"


@pytest.fixture()
def store_path(ledger_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "loanwatch.db"
    shutil.copy(ledger_template, path)
    return path


@pytest.fixture()
def lw(store_path: Path) -> Loanwatch:
    return Loanwatch(str(store_path))


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def _by_name(lw: Loanwatch) -> dict[str, list[LoanSpell]]:
    out: dict[str, list[LoanSpell]] = {}
    for s in lw.loan_spells():
        out.setdefault(s.player_name, []).append(s)
    return out


# -- both shipped lists, exact counts; the ledger's identity --------------------------------------


def test_both_shipped_lists_import_with_exact_counts(lw: Loanwatch) -> None:
    group = lw.import_portfolio(GROUP_LIST)
    assert group.problems == []
    assert (group.added, group.updated, group.unchanged) == (17, 0, 0)
    assert group.created_players == ["Emil Audero"]  # Serie B: absent from the provider's players
    assert group.created_clubs == ["Venezia"]
    juve = lw.import_portfolio(SAMPLE_PORTFOLIO)
    assert juve.problems == []
    assert (juve.added, juve.updated, juve.unchanged) == (6, 0, 0)

    spells = lw.loan_spells()
    assert len(spells) == 23
    assert lw.store.counts()["loan_spells"] == 23
    assert len(lw.loanee_names()) == 22  # Orsolini has two spells
    assert sorted(lw.owners()) == sorted(
        ["Atalanta", "Barcelona", "Bayern München", "Benfica", "Chelsea", "Fiorentina", "Internazionale",
         "Juventus", "Monaco", "Real Madrid", "Sampdoria", "Udinese", "Valencia"]
    )
    by_name = _by_name(lw)
    audero = by_name["Emil Audero"][0]
    assert (audero.host_club_name, audero.competition_name, audero.has_match_data) == (
        "Venezia", "Serie B", False
    )
    assert audero.owner_name == "Juventus"
    assert lw.find_player("Emil Audero").birth_date == date(1997, 1, 18)
    without_data = sorted(s.player_name for s in spells if not s.has_match_data)
    assert without_data == ["Emil Audero", "Kenedy", "Kylian Mbappé", "Renato Sanches"]  # no Ligue 1 here

    # --owner: one shared filter; Juventus owns the six spells of its list, Kean and Audero.
    assert len(lw.loan_spells("Juventus")) == 8
    assert len(lw.loanee_names("Juve")) == 7
    assert {s.player_name for s in lw.loan_spells("Bayern Munich")} == {
        "Douglas Costa", "Serge Gnabry", "Renato Sanches"
    }
    with pytest.raises(ValueError, match="no loan is owned by 'Ajax'.*Juventus"):
        lw.loan_spells("Ajax")


def test_reimport_is_idempotent(lw: Loanwatch) -> None:
    lw.import_portfolio(GROUP_LIST)
    before = lw.loan_spells()
    players = lw.store.counts()["players"]
    again = lw.import_portfolio(GROUP_LIST)
    assert (again.added, again.updated, again.unchanged, again.problems) == (0, 0, 17, [])
    assert again.not_in_list == []
    assert lw.loan_spells() == before
    assert lw.store.counts()["players"] == players  # Audero is not created twice


def test_a_corrected_start_date_updates_the_spell_in_place(lw: Loanwatch, tmp_path: Path) -> None:
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    mandragora = _by_name(lw)["Rolando Mandragora"][0]
    rows = _rows(SAMPLE_PORTFOLIO)
    for row in rows:
        if row[0] == "Rolando Mandragora":
            row[5], row[8] = "2017-07-05", "21000000"  # the start date and the fee corrected
    corrected = _write(tmp_path / SAMPLE_PORTFOLIO.name, rows)

    result = lw.import_portfolio(corrected)

    assert (result.added, result.updated, result.unchanged, result.problems) == (0, 1, 5, [])
    spells = _by_name(lw)["Rolando Mandragora"]
    assert len(spells) == 1  # not a second spell
    assert spells[0].id == mandragora.id
    assert (spells[0].start_date, terms_of(spells[0]).option_fee_eur) == (date(2017, 7, 5), 21_000_000)
    assert len(lw.loan_spells()) == 6


def test_a_row_removed_from_the_list_is_reported_then_removed_with_the_flag(
    lw: Loanwatch, tmp_path: Path
) -> None:
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    rows = [r for r in _rows(SAMPLE_PORTFOLIO) if r[0] != "Marko Pjaca"]
    shorter = _write(tmp_path / SAMPLE_PORTFOLIO.name, rows)

    kept = lw.import_portfolio(shorter)
    assert [s["player_name"] for s in kept.not_in_list] == ["Marko Pjaca"]
    assert kept.removed == [] and kept.problems == []
    assert len(lw.loan_spells()) == 6  # reported, still there

    runner = CliRunner()
    out = runner.invoke(app, ["portfolio", "import", str(shorter), "--remove-missing", "--store", lw.url])
    assert out.exit_code == 0, out.output
    assert "removed Marko Pjaca at Schalke 04 2018-01-03 to 2018-06-30" in " ".join(out.output.split())
    assert "Marko Pjaca" not in _by_name(Loanwatch(lw.url))
    assert len(Loanwatch(lw.url).loan_spells()) == 5


def test_a_corrected_host_club_replaces_the_old_spell_only_with_the_flag(
    lw: Loanwatch, tmp_path: Path
) -> None:
    lw.import_portfolio(SAMPLE_PORTFOLIO)
    rows = _rows(SAMPLE_PORTFOLIO)
    for row in rows:
        if row[0] == "Rolando Mandragora":
            row[3] = "Bologna"  # the host club was wrong: a different spell, not a correction
    fixed = _write(tmp_path / SAMPLE_PORTFOLIO.name, rows)

    refused = lw.import_portfolio(fixed)
    assert [s["player_name"] for s in refused.not_in_list] == ["Rolando Mandragora"]
    assert len(refused.problems) == 1
    assert "overlaps the stored loan at Crotone 2017-07-01 to 2018-06-30" in refused.problems[0]
    assert "rerun with --remove-missing to replace it" in refused.problems[0]

    replaced = lw.import_portfolio(fixed, remove_missing=True)
    assert (replaced.problems, replaced.added, [s["host_club_name"] for s in replaced.removed]) == (
        [], 1, ["Crotone"]
    )
    assert [s.host_club_name for s in _by_name(lw)["Rolando Mandragora"]] == ["Bologna"]


def test_overlapping_spells_of_one_player_are_refused_naming_the_rows(lw: Loanwatch, tmp_path: Path) -> None:
    rows = [HEADER,
            ["Riccardo Orsolini", "1997-01-24", "Juventus", "Atalanta", "Serie A", "2017-07-01", "2018-01-31",
             "dry loan", "", "", ""],
            ["Riccardo Orsolini", "1997-01-24", "Juventus", "Bologna", "Serie A", "2018-01-25", "2019-06-30",
             "loan with obligation", "15000000", "10 presenze", ""],
            ["Moise Kean", "2000-02-28", "Juventus", "Hellas Verona", "Serie A", "2017-08-31", "2018-06-30",
             "dry loan", "", "", ""]]
    result = lw.import_portfolio(_write(tmp_path / "overlap.csv", rows))
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.startswith(
        "overlap.csv row 3 (Riccardo Orsolini): the loan 2018-01-25 to 2019-06-30 at Bologna"
    )
    assert "overlaps overlap.csv row 2 (Riccardo Orsolini): Atalanta 2017-07-01 to 2018-01-31" in problem
    assert sorted(_by_name(lw)) == ["Moise Kean", "Riccardo Orsolini"]  # the good rows landed


def test_an_appearance_before_the_listed_start_is_flagged(lw: Loanwatch, tmp_path: Path) -> None:
    """A real row (Orsolini to Bologna) with the start moved after his first real match for Bologna."""
    rows = [r for r in _rows(SAMPLE_PORTFOLIO) if r[0] != "Riccardo Orsolini" or r[3] == "Bologna"]
    for row in rows:
        if row[3] == "Bologna":
            row[5] = "2018-02-10"
    result = lw.import_portfolio(_write(tmp_path / "late-start.csv", rows))

    assert result.problems == []
    warning = next(w for w in result.warnings if "Orsolini" in w)
    # On the sheet but unused on 28 January: his first match on the pitch for Bologna is 4 February.
    assert warning.startswith("late-start.csv row 5 (Riccardo Orsolini): played for Bologna on 2018-02-04")
    assert "before the listed loan start 2018-02-10" in warning
    spell = _by_name(lw)["Riccardo Orsolini"][0]
    flag = spell.warnings[0]
    assert flag["kind"] == "appearance_before_start"
    assert (flag["first_match"], flag["matches"], flag["loan_start"]) == ("2018-02-04", 1, "2018-02-10")
    # The true start date raises nothing.
    assert not any("Orsolini" in w for w in lw.import_portfolio(SAMPLE_PORTFOLIO).warnings)


# -- fees, sheets, encodings, triggers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cell", "euros"),
    [
        ("Riscatto (mln €)", "1.5", 1_500_000),
        ("Riscatto (mln €)", 1.5, 1_500_000),
        ("Riscatto (mln €)", "1,25", 1_250_000),
        ("Riscatto (mln €)", "2 mln", 2_000_000),
        ("Fee (k€)", "750", 750_000),
        ("Fee (EUR)", "1.5 milioni", 1_500_000),
        ("Fee (EUR)", "2.5M", 2_500_000),
        ("Fee (EUR)", "1500000", 1_500_000),
        ("Option fee", "500k", 500_000),
    ],
)
def test_a_fee_is_read_with_the_unit_of_its_header_and_cell(header: str, cell: object, euros: int) -> None:
    assert parse_fee(cell, fee_unit(header)) == euros


@pytest.mark.parametrize(
    ("header", "cell", "reason"),
    [
        ("Riscatto", "1.5", "ambiguous"),  # 1.5 euros or millions?
        ("Riscatto", 2, "ambiguous"),
        ("Riscatto (mln €)", "500k", "the cell says thousands but the column is in millions"),
        ("Riscatto (mln €)", "1.500.000", "over a billion euros"),
        ("Fee", "12 apples", "not an amount"),
    ],
)
def test_an_ambiguous_fee_is_refused(header: str, cell: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_fee(cell, fee_unit(header))


def test_every_sheet_of_a_workbook_is_read_or_one_with_sheet(lw: Loanwatch, tmp_path: Path) -> None:
    rows = _rows(SAMPLE_PORTFOLIO)
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Estate"
    for row in [rows[0], *rows[1:4]]:
        first.append(row)
    second = wb.create_sheet("Gennaio")
    for row in [rows[0], *rows[4:]]:
        second.append(row)
    legend = wb.create_sheet("Legenda")
    legend.append(["Sigla", "Significato"])
    legend.append(["DR", "diritto di riscatto"])
    path = tmp_path / "prestiti.xlsx"
    wb.save(path)

    only = lw.import_portfolio(path, sheet="Gennaio")
    assert (only.added, only.problems) == (3, [])
    result = lw.import_portfolio(path)
    assert (result.added, result.unchanged, result.problems) == (3, 3, [])
    assert len(lw.loan_spells()) == 6
    # The legend sheet is not a loan list: said, not dropped silently.
    assert any("sheet 'Legenda': not read (1 rows)" in w for w in result.warnings)
    assert {s.source.split(":")[1] for s in lw.loan_spells()} == {"Estate", "Gennaio"}
    with pytest.raises(ValueError, match="no sheet named 'Marzo'.*Estate, Gennaio, Legenda"):
        lw.import_portfolio(path, sheet="Marzo")


def test_excel_unicode_text_utf16_is_read(lw: Loanwatch, tmp_path: Path) -> None:
    rows = _rows(SAMPLE_PORTFOLIO)
    rows[0] = ["Giocatore", "Data di nascita", "Società", "Squadra", "Campionato", "Inizio", "Fine",
               "Tipo", "Riscatto (mln €)", "Condizione", "Note"]
    for row in rows[1:]:
        row[8] = str(int(row[8]) / 1_000_000) if row[8] else ""
    path = tmp_path / "prestiti.txt"
    path.write_bytes(b"\xff\xfe" + "\r\n".join("\t".join(r) for r in rows).encode("utf-16-le"))

    result = lw.import_portfolio(path)

    assert (result.added, result.problems) == (6, [])
    fees = {
        s.player_name: terms_of(s).option_fee_eur or terms_of(s).obligation_fee_eur for s in lw.loan_spells()
    }
    assert fees["Rolando Mandragora"] == 20_000_000
    assert {s.parent_club for s in lw.loan_spells()} == {"Juventus"}


def test_a_utf8_file_with_one_windows_byte_keeps_its_utf8_and_names_the_row(
    lw: Loanwatch, tmp_path: Path
) -> None:
    rows = _rows(SAMPLE_PORTFOLIO)
    rows[1][10] = "ceduto già a gennaio"  # UTF-8
    text = "\n".join(",".join(r) for r in rows).encode("utf-8")
    text = text.replace(b"two-season loan", b"prestito biennale \xe0 titolo gratuito")  # one cp1252 byte (à)
    path = _write_bytes(tmp_path / "mixed.csv", text)

    result = lw.import_portfolio(path)

    assert result.problems == []
    notes = {s.player_name: terms_of(s).notes for s in lw.loan_spells()}
    assert notes["Mattia Caldara"] == "ceduto già a gennaio"  # not garbled as cp1252 ("giÃ ")
    assert notes["Leonardo Spinazzola"] == "prestito biennale à titolo gratuito"
    assert result.warnings == [
        "mixed.csv row 3 (Leonardo Spinazzola): byte 0xE0 is not UTF-8; read as 'à' (Windows-1252): "
        "check the cell"
    ]


def _write_bytes(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    ("words", "count"),
    [
        ("10 gare disputate", 10),
        ("dieci presenze", 10),
        ("10 matchs joués", 10),
        ("ventitré presenze", 23),
        ("trentotto partite", 38),
        ("quaranta gettoni", 40),
        ("vingt-cinq matchs", 25),
        ("trente et un matchs", 31),
        ("quarante rencontres", 40),
        ("twenty-five appearances", 25),
        ("forty apps", 40),
        ("dopo 12 presenze ufficiali", 12),
        ("apps: 10", 10),
        ("salvezza della squadra", None),
    ],
)
def test_triggers_in_words_are_read_by_the_one_parser(words: str, count: int | None) -> None:
    assert trigger_count(words) == count
    assert AppearanceRule.parse(words).count == count


def test_an_unreadable_trigger_is_a_warning_naming_the_row(lw: Loanwatch, tmp_path: Path) -> None:
    rows = [HEADER,
            ["Riccardo Orsolini", "1997-01-24", "Juventus", "Bologna", "Serie A", "2018-01-25", "2019-06-30",
             "loan with obligation", "15000000", "salvezza del Bologna", ""],
            ["Rolando Mandragora", "1997-06-29", "Juventus", "Crotone", "Serie A", "2017-07-01", "2018-06-30",
             "loan with option", "20000000", "dieci presenze", ""]]
    result = lw.import_portfolio(_write(tmp_path / "triggers.csv", rows))
    assert result.problems == []
    assert result.warnings == [
        "triggers.csv row 2 (Riccardo Orsolini): trigger 'salvezza del Bologna' is kept as text but no "
        "number of appearances could be read from it: it is not counted"
    ]
    counts = {s.player_name: terms_of(s).trigger_appearances for s in lw.loan_spells()}
    assert counts == {"Riccardo Orsolini": None, "Rolando Mandragora": 10}


# -- names -----------------------------------------------------------------------------------------


def test_an_ambiguous_name_lists_the_candidates(lw: Loanwatch) -> None:
    with pytest.raises(PlayerNotFound) as err:
        lw.find_player("Silva")
    text = str(err.value)
    # 46 players have Silva in their name: eight are described, the rest counted.
    assert len(re.findall(r"born \d{4}-", text)) == 8 and "and 38 more" in text
    assert "Bernardo Mota Veiga de Carvalho e Silva (known as Bernardo Silva, born 1994-08-10" in text
    assert "Name (born YYYY-MM-DD)" in text
    assert lw.find_player("Bernardo Silva (born 1994-08-10)").provider_id == "265673"
    assert lw.find_player("265673").provider_id == "265673"
    assert parse_player_query("wyscout:265673") == ("", None, "265673")


def test_an_ambiguous_name_in_the_list_is_refused_with_candidates_and_the_born_form_lands(
    lw: Loanwatch, tmp_path: Path
) -> None:
    rows = [HEADER,
            ["G. Pezzella", "", "Udinese", "Udinese", "Serie A", "2017-07-01", "2018-06-30", "dry loan",
             "", "", ""],
            ["G. Pezzella (born 1997-11-29)", "", "Udinese", "Udinese", "Serie A", "2017-07-01", "2018-06-30",
             "dry loan", "", "", ""]]
    result = lw.import_portfolio(_write(tmp_path / "names.csv", rows))
    assert len(result.problems) == 1
    assert result.problems[0].startswith("names.csv row 2 (G. Pezzella): ambiguous: 'G. Pezzella' could be")
    giuseppe = "Giuseppe Pezzella (known as G. Pezzella, born 1997-11-29, defender, wyscout id 388398)"
    assert giuseppe in result.problems[0]
    assert [s.player_name for s in lw.loan_spells()] == ["G. Pezzella (born 1997-11-29)"]


def test_an_unknown_name_in_a_competition_with_data_stays_an_error(lw: Loanwatch, tmp_path: Path) -> None:
    rows = [HEADER,
            ["Emil Audero", "1997-01-18", "Juventus", "Atalanta", "Serie A", "2017-07-01", "2018-06-30",
             "dry loan", "", "", ""],
            ["Emil Audero", "1997-01-18", "Juventus", "Venezia", "", "2017-07-01", "2018-06-30",
             "dry loan", "", "", ""]]
    result = lw.import_portfolio(_write(tmp_path / "audero.csv", rows))
    assert result.added == 0
    assert "audero.csv row 2 (Emil Audero): no player named 'Emil Audero' born 1997-01-18" in (
        result.problems[0]
    )
    assert "write that competition in the list" in result.problems[1]
    assert lw.store.counts()["players"] == Loanwatch(lw.url).store.counts()["players"]


# -- the command line --------------------------------------------------------------------------------


def test_cli_owner_filter_and_exit_statuses(store_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", str(store_path)]
    out = runner.invoke(app, ["portfolio", "import", str(GROUP_LIST), *store])
    assert out.exit_code == 0, out.output
    assert "17 added, 0 updated, 0 unchanged" in out.output
    assert "player Emil Audero created from the list" in out.output

    listed = runner.invoke(
        app, ["portfolio", "list", "--owner", "Bayern München", *store], env={"COLUMNS": "250"}
    )
    assert listed.exit_code == 0, listed.output
    assert "Loan spells (3) owned by Bayern München" in listed.output
    assert "Owner" in listed.output and "Renato Sanches" in listed.output and "Kenedy" not in listed.output
    assert "Premier League (no match data for this competition)" in listed.output
    assert "Fee (EUR)" in listed.output and "40,000,000" in listed.output  # the director sees the terms
    as_coach = runner.invoke(
        app,
        ["portfolio", "list", "--owner", "Bayern München", *store],
        env={"COLUMNS": "250", "LOANWATCH_ROLE": "coach"},
    )
    assert as_coach.exit_code == 0, as_coach.output
    assert "Renato Sanches" in as_coach.output  # the spells, without the columns of the terms
    assert not any(word in as_coach.output for word in ("Fee", "Type", "Trigger", "40,000,000"))

    unknown = runner.invoke(app, ["portfolio", "list", "--owner", "Ajax", *store])
    assert unknown.exit_code == 2 and "no loan is owned by 'Ajax'" in " ".join(unknown.output.split())
    for command in (["alerts", "list"], ["digest", "--json"]):
        got = runner.invoke(app, [*command, "--owner", "Chelsea", *store])
        assert got.exit_code == 0, got.output
        assert "Renato Sanches" not in got.output

    bad = _write(tmp_path / "bad.csv", [HEADER, ["Moise Kean", "2000-02-28", "Juventus", "Hellas Verona",
                                                  "Serie A", "2017-08-31", "2017-06-30", "dry loan", "", "",
                                                  ""]])
    refused = runner.invoke(app, ["portfolio", "import", str(bad), *store])
    assert refused.exit_code == 1
    help_text = runner.invoke(app, ["portfolio", "import", "--help"]).output
    assert "Exit status" in help_text


# -- PostgreSQL ------------------------------------------------------------------------------------


def test_the_ledger_on_postgresql(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    """The same ledger on PostgreSQL (skipped without a server: scripts/with-postgres.sh)."""
    lw = Loanwatch(pg_url)
    data = copy_sample(tmp_path / "data", ["2575959"])
    assert lw.ingest([data]).rejected == 0
    first = lw.import_portfolio(GROUP_LIST)
    assert (first.added, first.problems, first.created_players) == (17, [], ["Emil Audero"])
    again = lw.import_portfolio(GROUP_LIST)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 17)
    rows = _rows(GROUP_LIST)
    rows = [r for r in rows if r[0] != "Kenedy"]
    for row in rows:
        if row[0] == "Serge Gnabry":
            row[5] = "2017-07-02"
    edited = _write(tmp_path / GROUP_LIST.name, rows)
    result = lw.import_portfolio(edited, remove_missing=True)
    assert (result.updated, [s["player_name"] for s in result.removed]) == (1, ["Kenedy"])
    spells = _by_name(lw)
    assert len(lw.loan_spells()) == 16 and spells["Serge Gnabry"][0].start_date == date(2017, 7, 2)


def test_a_new_clause_updates_its_spell_and_a_new_file_name_changes_nothing(
    lw: Loanwatch, tmp_path: Path
) -> None:
    """The owner clause is part of the ledger: set in the same file it updates that one spell; the
    same list saved under another name is the same loans (unchanged, its provenance moves)."""
    assert lw.import_portfolio(SAMPLE_PORTFOLIO).added == 6
    rows = _rows(SAMPLE_PORTFOLIO)
    rows[0].append("eligible_vs_owner")
    for row in rows[1:]:
        row.append("no" if row[0] == "Mattia Caldara" else "")
    same_file = _write(tmp_path / SAMPLE_PORTFOLIO.name, rows)
    clause = lw.import_portfolio(same_file)
    assert clause.problems == []
    assert (clause.added, clause.updated, clause.unchanged) == (0, 1, 5)
    assert terms_of(_by_name(lw)["Mattia Caldara"][0]).eligible_vs_owner is False
    renamed = lw.import_portfolio(_write(tmp_path / "juventus-copy.csv", rows))
    assert (renamed.added, renamed.updated, renamed.unchanged) == (0, 0, 6)
    assert _by_name(lw)["Mattia Caldara"][0].source.startswith("juventus-copy.csv")
