"""Bad loan lists (tests/bad_input/portfolio/): each names file, row and problem, with no traceback;
the good rows of the same file land; the store stays consistent; a rerun completes.

The files are small and hand-made; the players and clubs in them are real (the shipped sample).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import terms_of
from loanwatch.api import Loanwatch
from loanwatch.cli import app
from test_portfolio_ledger import ledger_template  # noqa: F401  (the store fixture)

CORPUS = Path(__file__).parent / "bad_input" / "portfolio"

# file -> (rows that land, [(where, what) for each refused row])
EXPECTED: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "fee_without_unit.csv": (
        1, [("row 3 (Rolando Mandragora)", "bad amount '1,5' in column Riscatto: ambiguous")]
    ),
    "fee_unit_contradicts_header.csv": (
        1, [("row 3 (Rolando Mandragora)", "the cell says thousands but the column is in millions")]
    ),
    "fee_thousands_in_millions.csv": (
        1, [("row 2 (Rolando Mandragora)", "'1.500.000' in a column in millions is over a billion euros")]
    ),
    "overlapping_loans.csv": (
        2, [("row 3 (Riccardo Orsolini)", "overlaps overlapping_loans.csv row 2 (Riccardo Orsolini)")]
    ),
    "duplicate_row.csv": (
        2, [("row 4 (Moise Kean)", "overlaps duplicate_row.csv row 2 (Moise Kean)")]
    ),
    "impossible_date.csv": (
        1, [("row 3 (Moise Kean)", "bad date '31/06/2018' in column loan_end: not a real date")]
    ),
    "ends_before_start.csv": (
        1, [("row 2 (Moise Kean)", "the loan ends (2017-06-30) before it starts (2017-08-31)")]
    ),
    "unknown_player.csv": (
        1, [("row 3 (Giovanni Inesistente)", "no player named 'Giovanni Inesistente' born 1990-01-01")]
    ),
    "ambiguous_name.csv": (
        1, [("row 3 (G. Pezzella)", "ambiguous: 'G. Pezzella' could be Germán Alejandro Pezzella (known as")]
    ),
    "unknown_club.csv": (
        1, [("row 2 (Marko Pjaca)", "host club 'Schalke 05' not found in the ingested data")]
    ),
    "unknown_loan_type.csv": (
        1, [("row 3 (Moise Kean)", "bad loan type 'prestito misterioso' in column loan_type")]
    ),
    "no_player_name.csv": (1, [("row 3", "no player name")]),
    "unknown_player_without_competition.csv": (
        1, [("row 3 (Emil Audero)", "write that competition in the list")]
    ),
    "italian_semicolons_bad_start.csv": (
        1, [("row 3 (Moise Kean)", "bad date 'prossima estate' in column Inizio")]
    ),
    "excel_unicode_text.txt": (
        1, [("row 3 (Moise Kean)", "bad date '30/02/2018' in column Fine: not a real date")]
    ),
    "mixed_encoding.csv": (
        2, [("row 4 (Rolando Mandragora)", "bad loan type 'comodato' in column loan_type")]
    ),
    "two_sheets.xlsx": (
        2, [("sheet 'Gennaio' row 3 (Rolando Mandragora)", "bad amount '1.5' in column option_fee_eur")]
    ),
}


def test_the_corpus_is_complete() -> None:
    assert sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".md") == sorted(EXPECTED)


def _one_line(text: str) -> str:
    return " ".join(text.split())  # Rich wraps long lines at the console's width


def _spells(lw: Loanwatch) -> list[tuple[object, ...]]:
    return sorted((s["player_id"], s["start_date"], s["host_club_id"]) for s in lw.store.loan_spells())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_loan_list_names_file_row_and_problem(
    name: str, ledger_template: Path, tmp_path: Path  # noqa: F811
) -> None:
    landed, refused = EXPECTED[name]
    store = tmp_path / "loanwatch.db"
    shutil.copy(ledger_template, store)
    runner = CliRunner()
    args = ["portfolio", "import", str(CORPUS / name), "--store", str(store)]

    first = runner.invoke(app, args)

    output = _one_line(first.output)
    assert first.exit_code == 1, output
    assert first.exception is None or isinstance(first.exception, SystemExit)
    assert "Traceback" not in output
    for where, what in refused:
        assert f"not imported {name} {where}: " in output, output
        assert what in output, output
    assert output.count("not imported ") == len(refused)
    assert f"Imported {landed} loan spells" in output
    lw = Loanwatch(str(store))
    assert len(lw.store.loan_spells()) == landed
    with lw.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    before = _spells(lw)

    again = runner.invoke(app, args)  # a rerun completes, changes nothing, says the same
    assert again.exit_code == 1
    assert f"Imported {landed} loan spells" in again.output and "0 added, 0 updated" in again.output
    assert _one_line(again.output).count("not imported ") == len(refused)
    assert _spells(Loanwatch(str(store))) == before


def test_the_stray_windows_byte_is_a_warning_naming_the_row(
    ledger_template: Path, tmp_path: Path  # noqa: F811
) -> None:
    store = tmp_path / "loanwatch.db"
    shutil.copy(ledger_template, store)
    args = ["portfolio", "import", str(CORPUS / "mixed_encoding.csv"), "--store", str(store)]
    output = _one_line(CliRunner().invoke(app, args).output)
    assert "warning mixed_encoding.csv row 3 (Moise Kean): byte 0xF9 is not UTF-8; read as 'ù'" in output
    notes = {s.player_name: terms_of(s).notes for s in Loanwatch(str(store)).loan_spells()}
    assert notes == {
        "Mattia Caldara": "rientro già previsto",  # the file's UTF-8, kept
        "Moise Kean": "prima stagione in Serie A; più minuti",  # the one Windows-1252 byte
    }
