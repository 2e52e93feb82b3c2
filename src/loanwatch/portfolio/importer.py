"""Importing a club's loan list (CSV, TSV or XLSX) as its staff keep it: the club's ledger of loans.

A list names players and clubs the way people write them, in English or Italian, with dates and
fees in whatever format the spreadsheet had. Every row is checked in full before anything is
written: a row that cannot be matched to the ingested data is reported, never half-imported, and
the good rows are written in one transaction (``Store.save_loan_ledger``).

The ledger: a row is the spell with the same player, owner club, host club and season
(:func:`ledger_match`) and corrects it in place (dates, fees, terms); other rows add spells.
Spells an earlier import of the same file made and the file no longer lists are reported, and
removed with ``remove_missing``. Two spells of one player that overlap are refused, naming both.

Decisions, so the user knows what happens to his file:

- Encodings. UTF-16 (Excel's "Unicode text", with or without a byte-order mark) and UTF-8 are
  recognised; a file with no UTF-8 character at all is Windows-1252. A file that is UTF-8 but for a
  few stray bytes is read as UTF-8, each stray byte as Windows-1252, with a warning naming the row,
  the byte and the character it became (the row is imported: the user checks one cell).
- Fees. The unit comes from the cell ("1,5 mln", "500k") or the header ("Riscatto (mln €)"),
  decimals kept; refused as ambiguous: a bare number under 10,000 with no unit anywhere, a cell
  unit that contradicts the header's, an amount over a billion euros.
- Workbooks. Every sheet with the list's columns is read (rows named "sheet 'X' row N"); a sheet
  without them is reported, never dropped silently; ``sheet`` reads one.
- Names. A provider id or "Name (born YYYY-MM-DD)" picks one of several namesakes; an ambiguous
  name is refused listing the candidates (birth date, club, role, id). A player or club absent from
  the data is created from the list only when the row names a competition we hold no match data for
  (Audero to Venezia, Serie B); elsewhere an unknown name stays an error.
- Warnings stored on the spell (``warnings``, a JSON list): an appearance for the host club before
  the listed start, a trigger read as no number of appearances, a stray byte. The import still
  exits 0 for these; it exits non-zero only when a row was refused.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from loanwatch.domain import LoanType, season_start, season_start_year
from loanwatch.portfolio.names import (
    describe_player,
    display_name,
    find_players,
    legal_name,
    normalize_name,
    parse_player_query,
    resolve_players,
)
from loanwatch.store.repository import Store
from loanwatch.tracking.contract import trigger_count

# -- columns ------------------------------------------------------------------------------------

# Each field of a loan spell and the headers clubs use for it (English and Italian). Headers are
# compared in a compact form (accents, case, spaces, underscores and punctuation dropped), so
# "Data di nascita", "data_nascita" and "DATA DI NASCITA" are the same header.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "player": (
        "player",
        "name",
        "player name",
        "full name",
        "loanee",
        "giocatore",
        "calciatore",
        "nominativo",
        "nome e cognome",
        "nome cognome",
        "nome giocatore",
        "nome calciatore",
    ),
    # A list may split the name in two columns (Cognome, Nome) instead of one.
    "first_name": ("first name", "firstname", "given name", "forename", "nome"),
    "last_name": ("last name", "lastname", "surname", "family name", "cognome"),
    "birth_date": (
        "birth date",
        "birthdate",
        "date of birth",
        "dob",
        "born",
        "birthday",
        "data di nascita",
        "data nascita",
        "nato il",
        "nata il",
        "nascita",
    ),
    "parent_club": (
        "parent club",
        "parent",
        "owner",
        "owner club",
        "owning club",
        "club proprietario",
        "proprietario",
        "societa",
        "societa proprietaria",
        "club di appartenenza",
        "cartellino",
    ),
    "host_club": (
        "host club",
        "host",
        "loaned to",
        "loan club",
        "borrowing club",
        "destination",
        "club ospitante",
        "squadra",
        "squadra ospitante",
        "in prestito a",
        "prestito a",
        "prestato a",
        "destinazione",
    ),
    "competition": (
        "competition",
        "league",
        "division",
        "competizione",
        "campionato",
        "lega",
        "serie",
        "categoria",
    ),
    "loan_start": (
        "loan start",
        "start",
        "start date",
        "from",
        "loan from",
        "inizio",
        "inizio prestito",
        "data inizio",
        "dal",
        "decorrenza",
    ),
    "loan_end": (
        "loan end",
        "end",
        "end date",
        "until",
        "to",
        "loan until",
        "fine",
        "fine prestito",
        "data fine",
        "al",
        "scadenza",
        "scadenza prestito",
    ),
    "loan_type": (
        "loan type",
        "type",
        "tipo",
        "tipo prestito",
        "tipo di prestito",
        "formula",
        "tipologia",
    ),
    # One fee column, whatever the type: it goes to the option or the obligation by the loan type.
    "fee": (
        "option fee eur",
        "option fee",
        "fee",
        "fee eur",
        "option",
        "buy option",
        "purchase option",
        "option price",
        "riscatto",
        "prezzo riscatto",
        "prezzo di riscatto",
        "cifra riscatto",
        "importo riscatto",
        "diritto di riscatto",
    ),
    "obligation_fee": (
        "obligation fee eur",
        "obligation fee",
        "obligation price",
        "prezzo obbligo",
        "obbligo di riscatto",
        "importo obbligo",
    ),
    "obligation_trigger": (
        "obligation trigger",
        "trigger",
        "condition",
        "obligation condition",
        "condizione obbligo",
        "condizione",
        "condizioni",
        "condizioni obbligo",
        "condizione di obbligo",
    ),
    "recall": (
        "recall",
        "recall clause",
        "clausola di richiamo",
        "richiamo",
        "clausola richiamo",
        "controriscatto",
    ),
    "notes": ("notes", "note", "comments", "comment", "remarks", "commenti", "osservazioni"),
    "eligible_vs_owner": ("eligible vs owner", "eligible against owner", "impiegabile contro proprietario"),
}

# What a row needs, named as the report should name it.
_REQUIRED = ("host_club", "loan_start", "loan_end", "loan_type")


def _compact(text: str) -> str:
    return normalize_name(text).replace(" ", "")


_HEADER_LOOKUP: dict[str, str] = {_compact(a): f for f, aliases in COLUMN_ALIASES.items() for a in aliases}
_HEADER_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|€")
_CURRENCY_SUFFIX = re.compile(r"(?:in)?(?:mln|mio|milioni|mn|k)?(?:eur|euro|euros)?$")


def field_for_header(header: Any) -> str | None:
    """The loan-spell field a column header names, or None for a column we do not use."""
    if header is None:
        return None
    text = str(header)
    # "Inizio (prestito)", "Fee (EUR)", "Riscatto €": the bracketed part is a hint, not the name.
    for candidate in (text, _HEADER_NOISE.sub(" ", text)):
        key = _compact(candidate)
        if key in _HEADER_LOOKUP:
            return _HEADER_LOOKUP[key]
        stripped = _CURRENCY_SUFFIX.sub("", key)
        if stripped and stripped in _HEADER_LOOKUP:
            return _HEADER_LOOKUP[stripped]
    return None


# -- reading the file ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """The list as rows of cells: each row with its number as the spreadsheet shows it."""

    header: list[Any]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    name: str = ""  # the worksheet's name in a workbook
    row_warnings: dict[int, list[str]] = field(default_factory=dict)  # e.g. a byte not in UTF-8


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decode(raw: bytes) -> tuple[str, dict[int, list[str]]]:
    """The text of a CSV/TSV file, and per line (1-based) what could not be read as UTF-8.

    - A byte-order mark says UTF-16 (Excel's "Unicode text") or UTF-8; UTF-16 without a mark is
      recognised by its zero bytes.
    - A file that is valid UTF-8 is UTF-8.
    - A file with no UTF-8 sequence at all but bytes over 127 is a Windows-1252 ("ANSI") file.
    - A file that is UTF-8 but for a few bytes (a note pasted from another program): it is read as
      UTF-8 and each stray byte as Windows-1252, with a warning naming the line, the byte and the
      character it was read as, so the user can check it.
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), {}
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):  # UTF-16 without a mark: every other byte 0
        even_zeros = head[0::2].count(0)
        encoding = "utf-16-be" if even_zeros > head[1::2].count(0) else "utf-16-le"
        try:
            return raw.decode(encoding), {}
        except UnicodeDecodeError:
            raise ValueError(f"looks like UTF-16 text but is not readable as {encoding}") from None
    if raw[:3] == b"\xef\xbb\xbf":
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), {}
    except UnicodeDecodeError:
        pass
    if not _UTF8_SEQUENCE.search(raw):
        return raw.decode("cp1252", errors="replace"), {}
    problems: dict[int, list[str]] = {}
    lines = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        text, pos = [], 0
        while pos < len(line):
            try:
                text.append(line[pos:].decode("utf-8"))
                break
            except UnicodeDecodeError as err:
                text.append(line[pos : pos + err.start].decode("utf-8"))
                bad = line[pos + err.start : pos + err.start + 1]
                char = bad.decode("cp1252", errors="replace")
                problems.setdefault(number, []).append(
                    f"byte 0x{bad.hex().upper()} is not UTF-8; read as {char!r} (Windows-1252): "
                    "check the cell"
                )
                text.append(char)
                pos += err.start + 1
        lines.append("".join(text))
    return "\n".join(lines), problems


# A multi-byte UTF-8 character: a file that has one is UTF-8, whatever else it has.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _recognised(cells: Iterable[Any]) -> int:
    return len({f for f in map(field_for_header, cells) if f})


_HEADER_SEARCH = 20  # rows where a header is looked for, below titles a sheet may have on top


def _sheet_from_records(records: Iterable[list[Any]]) -> Sheet:
    lines = [(n, list(cells)) for n, cells in enumerate(records, start=1)]
    filled = [(n, cells) for n, cells in lines if not all(_is_empty(c) for c in cells)]
    if not filled:
        raise ValueError("the file is empty")
    # The header is the first non-empty row, unless that is a title ("Prestiti 2017/18") above
    # the columns: then it is the first row that names at least two columns we know.
    candidates = enumerate(filled[:_HEADER_SEARCH])
    header_at = next((i for i, (_, cells) in candidates if _recognised(cells) >= 2), 0)
    header_row, header = filled[header_at]
    return Sheet(header, header_row, filled[header_at + 1 :])


def _first_lines(text: str, count: int = _HEADER_SEARCH) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][:count]


def read_csv(raw: bytes) -> Sheet:
    text, line_problems = _decode(raw)
    # The sniffer guesses a delimiter from the data; the header decides between its guess and the
    # other candidates, since a list whose headers we do not recognise cannot be imported anyway.
    try:
        sniffed: str | None = csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    head = _first_lines(text)

    def recognised(delimiter: str) -> int:
        return max((_recognised(cells) for cells in csv.reader(head, delimiter=delimiter)), default=0)

    candidates = [d for d in (sniffed, ",", ";", "\t") if d]
    delimiter = max(candidates, key=recognised)  # max keeps the first best: the sniffer's guess
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, row_warnings, first_line = [], {}, 1
    for number, cells in enumerate(reader, start=1):
        records.append(cells)
        # A record may span lines (a quoted cell with a line break): its problems are its own.
        found = [p for line in range(first_line, reader.line_num + 1) for p in line_problems.get(line, [])]
        if found:
            row_warnings[number] = found
        first_line = reader.line_num + 1
    sheet = _sheet_from_records(records)
    sheet.row_warnings = row_warnings
    return sheet


def read_xlsx(raw: bytes, sheet_name: str | None = None) -> list[Sheet]:
    """Every worksheet that has the loan list's columns (or only ``sheet_name``)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # From bytes, not the path: openpyxl refuses a workbook whose file name is not .xlsx.
        # data_only: a formula cell gives the value Excel last computed, which the user sees.
        workbook = load_workbook(io.BytesIO(raw), data_only=True)
    except (zipfile.BadZipFile, KeyError, InvalidFileException) as err:
        raise ValueError(f"not a readable .xlsx workbook ({err})") from None
    try:
        if not workbook.worksheets:
            raise ValueError("the workbook has no sheet")
        names = [ws.title for ws in workbook.worksheets]
        if sheet_name is not None and sheet_name not in names:
            raise ValueError(f"no sheet named {sheet_name!r} (the sheets are: {', '.join(names)})")
        sheets: list[Sheet] = []
        for ws in workbook.worksheets:
            if sheet_name is not None and ws.title != sheet_name:
                continue
            try:
                sheet = _sheet_from_records(list(r) for r in ws.iter_rows(values_only=True))
            except ValueError:
                continue  # an empty sheet
            sheet.name = ws.title
            sheets.append(sheet)
        if not sheets:
            raise ValueError("the file is empty")
        return sheets
    finally:
        workbook.close()


def read_sheets(path: Path, sheet_name: str | None = None) -> list[Sheet]:
    """The file's sheets: one for a CSV, every non-empty worksheet of a workbook."""
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ValueError("old .xls workbooks are not read: save the list as .xlsx or .csv")
    # An .xlsx is a zip file; check the content too, for a workbook saved with another extension.
    if suffix in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return read_xlsx(raw, sheet_name)
    if sheet_name is not None:
        raise ValueError("--sheet is for workbooks (.xlsx); this file is a CSV")
    try:
        return [read_csv(raw)]
    except csv.Error as err:
        raise ValueError(f"not a readable CSV file ({err})") from None


def read_sheet(path: Path) -> Sheet:
    """The first sheet (kept for callers that read one)."""
    return read_sheets(path)[0]


# -- parsing cells ------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell whose value cannot be read; the message is the reason shown to the user."""


class NotInData(CellError):
    """A player or club name the ingested data does not have at all (not an ambiguous one)."""


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its fictional 29 February 1900
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value: Any) -> date | None:
    """ISO, dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, a spreadsheet date, or an Excel day number."""
    if _is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_day(float(value))
    text = str(value).strip()
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            # Day first, as clubs in Europe write dates; a month over 12 is an error, not a guess.
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[2]), int(m[1]))
    except ValueError:
        raise CellError("not a real date") from None
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _excel_day(float(text))
    raise CellError("not a date")


def _excel_day(serial: float) -> date:
    if not 1 <= serial < 2958466:  # Excel's range: 1900-01-01 to 9999-12-31
        raise CellError("not a date")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


_MULTIPLIERS = {
    "m": 1_000_000, "mln": 1_000_000, "mio": 1_000_000, "mil": 1_000_000, "million": 1_000_000,
    "millions": 1_000_000, "milione": 1_000_000, "milioni": 1_000_000, "mn": 1_000_000,
    "mln eur": 1_000_000, "me": 1_000_000,
    "k": 1_000, "mila": 1_000, "thousand": 1_000, "thousands": 1_000, "migliaia": 1_000, "000": 1_000,
}
_UNIT_NAMES = {1_000_000: "millions", 1_000: "thousands"}
_FEE = re.compile(r"^(\d[\d.,' ]*)\s*([a-z]*)$")
_NO_FEE = {"", "-", "--", "n a", "na", "none", "nessuno", "nessuna", "no", "nd", "n d", "tbd", "x"}
_HEADER_UNIT = re.compile(r"\b(mln|mio|mn|milioni|millions?|m|k|migliaia|thousands?|000)\b")
_SMALLEST_FEE = 10_000  # below this, a number without a unit is more likely millions than euros
_LARGEST_FEE = 1_000_000_000


def fee_unit(header: Any) -> int | None:
    """The multiplier a fee column's header gives its numbers: "Riscatto (mln €)" -> 1,000,000,
    "Fee (k€)" / "Fee (EUR '000)" -> 1,000; None when the header names no unit."""
    if header is None:
        return None
    text = normalize_name(str(header).replace("€", " eur ").replace("'000", " 000 "))
    text = re.sub(r"(?<=\b[mk])eur\b|\beur\b|\beuro?s?\b", " ", text)  # meur, keur, eur
    units = {_MULTIPLIERS[u] for u in _HEADER_UNIT.findall(text)}
    if len(units) > 1:
        raise ValueError(f"the column {header!r} names two units")
    return units.pop() if units else None


def parse_fee(value: Any, unit: int | None = None) -> int | None:
    """Euros from "20000000", "20.000.000", "20,000,000", "€20m", "20 mln", "1,5 milioni"; with
    ``unit`` (the header's, see :func:`fee_unit`) a bare number is in that unit: 1.5 -> 1,500,000.

    Refused as ambiguous: a cell whose unit contradicts the header's, a bare number under
    10,000 euros with no unit anywhere (1.5: euros or millions?), thousands separators in a
    column in millions (1.500.000 mln), an amount over a billion euros."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        amount = float(value) * (unit or 1)
        return _checked_fee(amount, value, unit)
    text = str(value).strip().lower()
    if normalize_name(text) in _NO_FEE:
        return None
    text = re.sub(r"€|\beur(?:o|os)?\b", " ", text).strip()
    m = _FEE.match(text)
    if not m or (m[2] and m[2] not in _MULTIPLIERS):
        raise CellError("not an amount")
    cell_unit = _MULTIPLIERS.get(m[2]) if m[2] else None
    if cell_unit and unit and cell_unit != unit:
        raise CellError(f"the cell says {_UNIT_NAMES[cell_unit]} but the column is in {_UNIT_NAMES[unit]}")
    multiplier = cell_unit or unit or 1
    number = m[1].replace(" ", "").replace("'", "")
    try:
        amount = _parse_number(number, scaled=multiplier > 1)
    except ValueError:
        raise CellError("not an amount") from None
    return _checked_fee(amount * multiplier, value, cell_unit or unit)


def _checked_fee(amount: float, written: Any, unit: int | None) -> int:
    if amount and unit is None and abs(amount) < _SMALLEST_FEE:
        raise CellError(
            f"ambiguous: {written!r} euros? write the unit in the cell (1.5 mln) "
            "or in the header (Fee (mln €))"
        )
    if abs(amount) > _LARGEST_FEE:
        where = f" in a column in {_UNIT_NAMES[unit]}" if unit else ""
        raise CellError(f"ambiguous: {written!r}{where} is over a billion euros")
    if amount < 0:
        raise CellError("a negative amount")
    return int(round(amount))


def _parse_number(text: str, *, scaled: bool) -> float:
    text = text.rstrip(".,")
    if "." in text and "," in text:
        # The separator written last is the decimal one: 1.234.567,50 or 1,234,567.50.
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(text.replace(thousands, "").replace(decimal, "."))
    for sep in (".", ","):
        if sep in text:
            parts = text.split(sep)
            # 20.000.000 or 20,000: groups of three digits are thousands. With a unit (1,5 mln,
            # 2.5m, or a column in millions) a single separator is a decimal point.
            if len(parts) > 2 or (not scaled and len(parts[1]) == 3):
                if not all(len(p) == 3 for p in parts[1:]):
                    raise ValueError(text)
                return float("".join(parts))
            return float(text.replace(",", "."))
    return float(text)


def parse_trigger_appearances(text: str) -> int | None:
    """10 from "10 appearances", "dieci presenze", "10 matchs joués": the project's one trigger
    parser (tracking/contract.py), as the importer stores it."""
    return trigger_count(text)


_YES = frozenset({"yes", "y", "si", "true", "1", "oui", "x"})
_NO = frozenset({"no", "n", "false", "0", "non"})


def parse_yes_no(value: Any) -> bool | None:
    """yes / no (sì / no, true / false, 1 / 0); empty: None (not in the terms)."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = normalize_name(str(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError("write yes or no (sì / no)")


def parse_loan_type(value: Any) -> LoanType:
    """The loan type in words, English or Italian (or loanwatch's own values)."""
    text = normalize_name(str(value or ""))
    if not text:
        raise CellError("no loan type")
    words = set(text.split())
    # Obligation first: "obbligo di riscatto" and "diritto di riscatto" share the word riscatto.
    if words & {"obligation", "obligatory", "mandatory", "obbligo", "obbligatorio", "obbligatoria"}:
        return LoanType.WITH_OBLIGATION
    if "back" in words or "loanback" in words or text in ("prestito di ritorno", "ritorno"):
        return LoanType.LOAN_BACK
    if words & {"option", "diritto", "opzione", "riscatto"}:
        return LoanType.WITH_OPTION
    if words & {"dry", "secco"} or text in (
        "loan",
        "prestito",
        "free loan",
        "paid loan",
        "season loan",
        "prestito gratuito",
        "prestito oneroso",
        "prestito annuale",
        "prestito biennale",
        "temporary",
        "temporaneo",
    ):
        return LoanType.DRY
    raise CellError("not a loan type we know (dry loan, loan with option, loan with obligation, loan back)")


def _text(value: Any) -> str:
    if _is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet keeps 10 as 10.0
    return str(value).strip()


# -- resolving names ----------------------------------------------------------------------------

# Names clubs use that share no word with the data set's club names.
CLUB_ALIASES = {
    "inter": "internazionale",
    "juve": "juventus",
    "inter milan": "internazionale",
    "inter milano": "internazionale",
    "fc inter": "internazionale",
    "ac milan": "milan",
    "paris saint germain": "psg",
    "paris sg": "psg",
    "man utd": "manchester united",
    "man united": "manchester united",
    "man city": "manchester city",
    "spurs": "tottenham hotspur",
    "wolves": "wolverhampton wanderers",
    "bayern munich": "bayern munchen",
    "bayern": "bayern munchen",
    "cologne": "koln",
    "gladbach": "borussia m gladbach",
    "monchengladbach": "borussia m gladbach",
    "borussia monchengladbach": "borussia m gladbach",
    "verona": "hellas verona",
    "atletico": "atletico madrid",
    "barca": "barcelona",
}

# Words that say what kind of club it is, not which: "FC Schalke 04" is Schalke 04.
_CLUB_NOISE = frozenset(
    {
        "fc",
        "ac",
        "as",
        "ss",
        "ssc",
        "us",
        "uc",
        "sc",
        "cfc",
        "acf",
        "afc",
        "bc",
        "bv",
        "vfl",
        "vfb",
        "tsg",
        "fsv",
        "sv",
        "tsv",
        "cf",
        "ud",
        "rc",
        "rcd",
        "sd",
        "cd",
        "ca",
        "calcio",
        "club",
        "football",
        "futbol",
        "fussball",
        "1",
        "de",
        "1893",
        "1899",
        "1907",
        "1909",
        "1913",
    }
)

COMPETITION_ALIASES = {
    "serie a tim": "serie a",
    "campionato serie a": "serie a",
    "1 bundesliga": "bundesliga",
    "bundesliga 1": "bundesliga",
    "epl": "premier league",
    "english premier league": "premier league",
    "laliga": "la liga",
    "liga": "la liga",
    "primera division": "la liga",
    "ligue 1 conforama": "ligue 1",
}


def _german_fold(text: str) -> str:
    # "München" folds to "munchen" but Germans also write "Muenchen": compare both ways alike.
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _club_key(name: str) -> str:
    return _german_fold(normalize_name(name))


def _club_core(name: str) -> frozenset[str]:
    # "A.C. Milan" and "Atalanta B.C." spell the club's kind in letters: join them back (AC, BC).
    words = re.sub(r"\b([a-z]) (?=[a-z]\b)", r"\1", _club_key(name)).split()
    return frozenset(w for w in words if w not in _CLUB_NOISE)


def same_club(a: str, b: str) -> bool:
    """Whether two names written for a club are the same club: "Bayern Munich" and "FC Bayern
    München", "Inter" and "Internazionale" (the aliases above; FC, AC, founding years dropped)."""
    ka, kb = (_club_key(CLUB_ALIASES.get(_club_key(x), _club_key(x))) for x in (a, b))
    return ka == kb or (bool(_club_core(ka)) and _club_core(ka) == _club_core(kb))


@dataclass
class _Resolver:
    """The store's players, clubs and competitions, read once per import."""

    players: list[dict[str, Any]]
    clubs: list[dict[str, Any]]
    competitions: list[dict[str, Any]]
    competition_clubs: dict[int, set[int]]

    @classmethod
    def load(cls, store: Store) -> _Resolver:
        competitions = store.competitions()
        return cls(
            players=store.all_players(),
            clubs=store.all_clubs(),
            competitions=competitions,
            competition_clubs={c["id"]: store.clubs_in_competition(c["id"]) for c in competitions},
            store=store,
        )

    store: Store | None = None

    # players

    def player(self, name: str, birth_date: date | None) -> dict[str, Any]:
        """The one player the list means; CellError listing the candidates when it is not one."""
        matches = resolve_players(name, self.players, birth_date)
        if len(matches) == 1:
            return dict(matches[0].player)
        written, born_in_name, _ = parse_player_query(name)
        birth_date = birth_date or born_in_name
        born = f" born {birth_date.isoformat()}" if birth_date else ""
        if not matches:
            message = f"no player named {name!r}{born} in the ingested data"
            if birth_date is not None:
                # The name alone finds someone: say who, so a typo in the date is easy to spot.
                others = find_players(written, self.players)
                if others:
                    message += f" (it has {self.describe(m.player for m in others)})"
            raise NotInData(message)
        hint = (
            "; add the birth date (column birth date, or 'Name (born YYYY-MM-DD)') or the provider id "
            "to tell them apart"
        )
        who = self.describe(m.player for m in matches)
        raise CellError(f"ambiguous: {name!r}{born} could be {who}{hint}")

    def describe(self, players: Iterable[Mapping[str, Any]]) -> str:
        chosen = list(players)
        clubs = self.store.latest_clubs([int(p["id"]) for p in chosen[:6]]) if self.store else {}
        described = [describe_player(p, clubs.get(int(p["id"]), "")) for p in chosen[:6]]
        more = f" and {len(chosen) - 6} more" if len(chosen) > 6 else ""
        return ", ".join(described) + more

    # competitions

    def competition(self, name: str) -> dict[str, Any] | None:
        key = normalize_name(name)
        key = COMPETITION_ALIASES.get(key, key)
        found = [c for c in self.competitions if normalize_name(c["name"]) == key]
        return found[0] if len(found) == 1 else None

    def competitions_of(self, club_id: int) -> list[dict[str, Any]]:
        return [c for c in self.competitions if club_id in self.competition_clubs.get(c["id"], set())]

    # clubs

    def club(self, name: str, competition: dict[str, Any] | None) -> dict[str, Any]:
        key = _club_key(name)
        key = _club_key(CLUB_ALIASES.get(key, key))
        core = _club_core(key)
        scored: list[tuple[int, dict[str, Any]]] = []
        for club in self.clubs:
            names = [n for n in (club["name"], club["official_name"]) if n]
            if any(_club_key(n) == key for n in names):
                score = 3
            elif core and any(_club_core(n) == core for n in names):
                score = 2  # "Bologna FC" for "Bologna FC 1909": the same words once FC and 1909 go
            elif core and any(core <= _club_core(n) for n in names):
                score = 1  # "Chievo" for "Chievo Verona"
            else:
                continue
            scored.append((score, club))
        where = f" in {competition['name']}" if competition else ""
        if not scored:
            raise NotInData(f"host club {name!r} not found in the ingested data")
        if competition is not None:
            # The list says where the club plays: a club of that competition wins over namesakes.
            playing = self.competition_clubs.get(competition["id"], set())
            in_competition = [(s, c) for s, c in scored if c["id"] in playing]
            scored = in_competition or scored
        best = max(s for s, _ in scored)
        top = [c for s, c in scored if s == best]
        if len(top) > 1:
            choices = ", ".join(f"{c['name']} ({c['official_name'] or c['area']})" for c in top[:6])
            raise CellError(f"host club {name!r}{where} is ambiguous: it could be {choices}")
        return top[0]


def _describe_players(players: Iterable[Mapping[str, Any]]) -> str:
    described = [
        f"{legal_name(p) or display_name(p)} (born {p.get('birth_date') or '?'}, "
        f"{p.get('provider')} id {p.get('provider_id')})"
        for p in players
    ]
    more = f" and {len(described) - 6} more" if len(described) > 6 else ""
    return ", ".join(described[:6]) + more


# -- importing ----------------------------------------------------------------------------------


LIST_PROVIDER = "loan list"  # players and clubs created from a loan list (no match data for them)


@dataclass
class ImportResult:
    """What an import did. ``problems``: rows refused (the import exits non-zero); ``warnings``:
    rows imported with something to check; ``not_in_list``: spells an earlier import of this file
    made that the file no longer has (removed, into ``removed``, with ``remove_missing``)."""

    imported: list[dict[str, Any]] = field(default_factory=list)  # the list's rows, as stored
    problems: list[str] = field(default_factory=list)  # one line per row not imported
    warnings: list[str] = field(default_factory=list)  # one line per thing to check
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_list: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    created_players: list[str] = field(default_factory=list)
    created_clubs: list[str] = field(default_factory=list)

def _columns(header: Sequence[Any]) -> dict[str, int]:
    """field -> column index; the first column wins when two name the same field."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = field_for_header(cell)
        if name and name not in columns:
            columns[name] = index
    if "player" not in columns and "last_name" not in columns and "first_name" in columns:
        # "Nome" alone, with no "Cognome" beside it, is the whole name.
        columns["player"] = columns.pop("first_name")
    if "player" not in columns and "last_name" not in columns:
        raise ValueError(
            "no column for the player's name (expected a header such as player, name, giocatore or cognome); "
            f"the headers are: {', '.join(_text(h) for h in header if not _is_empty(h))}"
        )
    missing = [f for f in _REQUIRED if f not in columns]
    if missing:
        expected = "; ".join(f"{f}: {', '.join(COLUMN_ALIASES[f][:4])}" for f in missing)
        raise ValueError(f"no column for {', '.join(missing)} (expected headers such as {expected})")
    return columns


def _cell(cells: Sequence[Any], columns: Mapping[str, int], name: str) -> Any:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _name_as_written(cells: Sequence[Any], columns: Mapping[str, int]) -> str:
    name = _text(_cell(cells, columns, "player"))
    if name:
        return name
    parts = (_text(_cell(cells, columns, "first_name")), _text(_cell(cells, columns, "last_name")))
    return " ".join(p for p in parts if p)


def _fee_parser(header: Sequence[Any], columns: Mapping[str, int], name: str) -> Callable[[Any], int | None]:
    """parse_fee with the unit the column's header names ("Riscatto (mln €)")."""
    index = columns.get(name)
    try:
        unit = fee_unit(header[index]) if index is not None and index < len(header) else None
    except ValueError as err:
        raise CellError(str(err)) from None
    return lambda value: parse_fee(value, unit)


def _spell_row(
    cells: Sequence[Any],
    columns: Mapping[str, int],
    header: Sequence[Any],
    resolver: _Resolver,
    source: str,
    name: str,
) -> dict[str, Any]:
    """The loan_spells row for one line of the list; CellError says why the line cannot be one."""

    def column(field_name: str) -> str:
        # Name the column as the user's list heads it, so they find the cell to fix.
        index = columns.get(field_name)
        return _text(header[index]) if index is not None and index < len(header) else field_name

    def parsed(field_name: str, parse: Callable[[Any], Any], what: str) -> Any:
        raw = _cell(cells, columns, field_name)
        try:
            return parse(raw)
        except CellError as err:
            raise CellError(f"bad {what} {_text(raw)!r} in column {column(field_name)}: {err}") from None

    if not name:
        raise CellError("no player name")
    birth_date = parsed("birth_date", parse_date, "date")
    start = parsed("loan_start", parse_date, "date")
    end = parsed("loan_end", parse_date, "date")
    if start is None:
        raise CellError(f"no loan start date in column {column('loan_start')}")
    if end is None:
        raise CellError(f"no loan end date in column {column('loan_end')}")
    if end < start:
        raise CellError(f"the loan ends ({end}) before it starts ({start})")
    loan_type = parsed("loan_type", parse_loan_type, "loan type")
    fee = parsed("fee", _fee_parser(header, columns, "fee"), "amount")
    obligation_fee = parsed("obligation_fee", _fee_parser(header, columns, "obligation_fee"), "amount")

    host_name = _text(_cell(cells, columns, "host_club"))
    if not host_name:
        raise CellError(f"no host club in column {column('host_club')}")
    competition_written = _text(_cell(cells, columns, "competition"))
    competition = resolver.competition(competition_written) if competition_written else None
    # A competition named in the list that we hold no match data for (Serie B, the Premier League):
    # the loan is still the club's; a club or player the data does not have is created from the list.
    without_data = bool(competition_written) and (
        competition is None or not resolver.competition_clubs.get(competition["id"])
    )
    extra: dict[str, Any] = {}
    try:
        player = resolver.player(name, birth_date)
        extra["player_id"] = player["id"]
    except NotInData as err:
        written, born_in_name, provider_id = parse_player_query(name)
        if not without_data or provider_id is not None:
            if competition_written and not without_data:
                raise
            raise NotInData(
                f"{err}; a player absent from the data is created from the list only for a loan to a "
                "competition without match data: write that competition in the list"
            ) from None
        birth_date = birth_date or born_in_name
        extra["player_key"] = (LIST_PROVIDER, _list_player_id(written, birth_date))
        extra["new_player"] = _list_player(written, birth_date)
    try:
        club = resolver.club(host_name, competition)
        extra["host_club_id"] = club["id"]
        host_club_name = club["name"]
    except NotInData as err:
        if not without_data:
            if competition_written:
                raise
            raise NotInData(
                f"{err}; for a club of a competition without match data, write the competition in the list"
            ) from None
        extra["host_club_key"] = (LIST_PROVIDER, normalize_name(host_name))
        extra["new_club"] = {
            "provider": LIST_PROVIDER, "provider_id": normalize_name(host_name), "name": host_name,
            "official_name": "", "area": "",
        }
        host_club_name = host_name
    if competition is not None:
        competition_name = competition["name"]
    elif competition_written:
        competition_name = competition_written  # a competition we hold no data for: keep its name
    elif "host_club_id" in extra:
        # Not in the list: the one competition the club plays in the data, when there is one.
        played = resolver.competitions_of(extra["host_club_id"])
        competition_name = played[0]["name"] if len(played) == 1 else ""
    else:
        competition_name = ""

    notes = _text(_cell(cells, columns, "notes"))
    option_fee_eur: int | None = None
    obligation_fee_eur: int | None = obligation_fee
    if loan_type is LoanType.WITH_OPTION:
        option_fee_eur = fee
    elif loan_type is LoanType.WITH_OBLIGATION:
        obligation_fee_eur = obligation_fee if obligation_fee is not None else fee
    elif fee is not None:
        # A fee on a dry loan is the loan's price, not an option: keep it, where the user sees it.
        notes = "; ".join(p for p in (notes, f"fee in the list: EUR {fee:,}") if p)
    trigger = _text(_cell(cells, columns, "obligation_trigger"))

    return extra | {
        "player_name": name,
        "parent_club": _text(_cell(cells, columns, "parent_club")),
        "host_club_name": host_club_name,
        "competition_name": competition_name,
        "start_date": start,
        "end_date": end,
        "loan_type": loan_type.value,
        "option_fee_eur": option_fee_eur,
        "obligation_fee_eur": obligation_fee_eur,
        "obligation_trigger": trigger,
        "trigger_appearances": trigger_count(trigger) if trigger else None,
        "recall_clause": _text(_cell(cells, columns, "recall")),
        "notes": notes,
        "source": source,
        "eligible_vs_owner": parsed("eligible_vs_owner", parse_yes_no, "yes/no"),
    }


def _list_player_id(name: str, birth_date: date | None) -> str:
    return f"{normalize_name(name)}|{birth_date.isoformat() if birth_date else ''}"


def _list_player(name: str, birth_date: date | None) -> dict[str, Any]:
    first, _, last = name.strip().rpartition(" ")
    return {
        "provider": LIST_PROVIDER, "provider_id": _list_player_id(name, birth_date),
        "short_name": name.strip(),
        "first_name": first, "last_name": last, "birth_date": birth_date, "foot": "", "height_cm": None,
        "role": "", "nationality": "",
    }


def _seasons(spell: Mapping[str, Any]) -> set[int]:
    return set(range(season_start_year(spell["start_date"]), season_start_year(spell["end_date"]) + 1))


def _overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return bool(a["start_date"] <= b["end_date"] and b["start_date"] <= a["end_date"])


def _who(row: Mapping[str, Any]) -> Any:
    return row.get("player_id") or row.get("player_key")


def _same_host(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("host_club_id") and b.get("host_club_id"):
        return bool(a["host_club_id"] == b["host_club_id"])
    return _club_key(a["host_club_name"]) == _club_key(b["host_club_name"])


def ledger_match(row: Mapping[str, Any], spell: Mapping[str, Any]) -> bool:
    """Whether a row of the list is this stored spell, corrected or not: the same player, owner
    club and host club, in a season they share. Dates, fees and terms are what a row corrects."""
    return bool(
        _who(row) == spell["player_id"]
        and normalize_name(row["parent_club"]) == normalize_name(spell["parent_club"])
        and _same_host(row, spell)
        and _seasons(row) & _seasons(spell)
    )


_STORED = (
    "player_id", "player_name", "parent_club", "host_club_id", "host_club_name", "competition_name",
    "start_date", "end_date", "loan_type", "option_fee_eur", "obligation_fee_eur", "obligation_trigger",
    "trigger_appearances", "recall_clause", "notes", "source", "warnings", "eligible_vs_owner",
)


def describe_warning(warning: Mapping[str, Any]) -> str:
    """A spell's stored warning in words (English, for the command line; reports translate the kind)."""
    kind = warning.get("kind")
    if kind == "appearance_before_start":
        return (
            f"played for {warning['host_club']} on {warning['first_match']} ({warning['matches']} "
            f"match(es) in all) before the listed loan start {warning['loan_start']}: check the start date"
        )
    if kind == "trigger_unread":
        return (
            f"trigger {warning['trigger']!r} is kept as text but no number of appearances could be read "
            "from it: it is not counted"
        )
    if kind == "encoding":
        return str(warning["detail"])
    return str(warning)


def _early_appearances(store: Store, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """An appearance for the host club between the season's start and the listed loan start."""
    if not row.get("player_id") or not row.get("host_club_id"):
        return None
    start = row["start_date"]
    first_day = season_start(start)  # the spell's own season: a loan extended is no error
    if start <= first_day:
        return None
    before = start - timedelta(days=1)
    played = store.appearances_for_club(row["player_id"], row["host_club_id"], first_day, before)
    if not played:
        return None
    first = played[0]
    return {
        "kind": "appearance_before_start",
        "host_club": row["host_club_name"],
        "loan_start": start.isoformat(),
        "first_match": first["kickoff"].date().isoformat(),
        "first_match_id": int(first["match_id"]),
        "matches": len(played),
    }


def import_loan_list(
    store: Store, path: Path, *, sheet: str | None = None, remove_missing: bool = False
) -> ImportResult:
    """Import a loan list (CSV, TSV, XLSX) as the club's ledger of loans.

    Each row is matched to the spell it is (:func:`ledger_match`: player, owner, host, season) and
    updates it in place, or adds one. Spells an earlier import of the same file made and the file
    no longer lists are reported (``not_in_list``) and, with ``remove_missing``, removed (only when
    every row landed, so that a refused row never removes its spell). Rows that cannot be matched,
    and rows whose spells overlap another of the same player, are refused and listed; the good rows
    land in one transaction.

    Raises ValueError when the file as a whole cannot be read as a loan list (no name column...),
    OSError when it cannot be read at all.
    """
    path = Path(path)
    sheets = read_sheets(path, sheet)
    resolver = _Resolver.load(store)
    result = ImportResult()
    several = len(sheets) > 1
    existing = store.loan_spells()
    mine = f"{path.name}:"
    accepted: list[tuple[str, dict[str, Any]]] = []  # (label, row)
    players: dict[tuple[str, str], dict[str, Any]] = {}
    clubs: dict[tuple[str, str], dict[str, Any]] = {}
    claimed: dict[int, dict[str, Any]] = {}  # stored spell id -> the row that updates it
    usable = 0
    for sh in sheets:
        where_sheet = f" sheet {sh.name!r}" if several else ""
        try:
            columns = _columns(sh.header)
        except ValueError as err:
            if not several:
                raise
            # A workbook may have a legend or a pivot sheet: say what was not read, never drop it silently.
            result.warnings.append(
                f"{path.name}{where_sheet}: not read ({len(sh.rows)} rows): {err}; "
                "use --sheet to import one sheet only"
            )
            continue
        usable += 1
        for number, cells in sh.rows:
            name = _name_as_written(cells, columns)
            label = f"{path.name}{where_sheet} row {number}" + (f" ({name})" if name else "")
            source = f"{path.name}:{sh.name}:{number}" if sh.name else f"{path.name}:{number}"
            try:
                row = _spell_row(cells, columns, sh.header, resolver, source, name)
            except CellError as err:
                result.problems.append(f"{label}: {err}")
                continue
            if new_player := row.pop("new_player", None):
                players.setdefault(row["player_key"], new_player)
            if new_club := row.pop("new_club", None):
                clubs.setdefault(row["host_club_key"], new_club)
            warnings: list[dict[str, Any]] = [
                {"kind": "encoding", "detail": detail} for detail in sh.row_warnings.get(number, [])
            ]
            if row["obligation_trigger"] and row["trigger_appearances"] is None:
                warnings.append({"kind": "trigger_unread", "trigger": row["obligation_trigger"]})
            if early := _early_appearances(store, row):
                warnings.append(early)
            row["warnings"] = warnings
            # One player, one club at a time: a spell overlapping another of his is refused.
            clash = next((o for _, o in accepted if _who(o) == _who(row) and _overlap(o, row)), None)
            if clash is not None:
                other_label = next(lbl for lbl, r in accepted if r is clash)
                result.problems.append(
                    f"{label}: the loan {row['start_date']} to {row['end_date']} at {row['host_club_name']} "
                    f"overlaps {other_label}: {clash['host_club_name']} {clash['start_date']} to "
                    f"{clash['end_date']}; a player is on loan at one club at a time"
                )
                continue
            # The stored spell this row is: the one with the same start first, then any other.
            same = [e for e in existing if e["id"] not in claimed and ledger_match(row, e)]
            same.sort(key=lambda e: e["start_date"] != row["start_date"])
            match = same[0] if same else None
            if match is not None:
                claimed[match["id"]] = row
                row["id"] = match["id"]
            accepted.append((label, row))
    if not usable:
        raise ValueError("no sheet has the loan list's columns")

    missing = [e for e in existing if e["id"] not in claimed and str(e["source"]).startswith(mine)]
    result.not_in_list = missing

    def store_clashes(removing: bool) -> dict[str, dict[str, Any]]:
        """Row label -> the stored spell (not this row's) its loan overlaps."""
        kept = [e for e in existing if e["id"] not in claimed and not (removing and e in missing)]
        clashes = {}
        for label, row in accepted:
            clash = next((e for e in kept if e["player_id"] == _who(row) and _overlap(e, row)), None)
            if clash is not None:
                clashes[label] = clash
        return clashes

    # Removal only when every row lands, so that a refused row never loses its spell.
    removing = remove_missing and not result.problems
    clashes = store_clashes(removing)
    if removing and clashes:
        removing, clashes = False, store_clashes(False)
    inserts: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    for label, row in accepted:
        clash = clashes.get(label)
        if clash is not None:
            hint = (
                "; it is no longer in this list: rerun with --remove-missing to replace it"
                if clash in missing
                else ""
            )
            result.problems.append(
                f"{label}: the loan {row['start_date']} to {row['end_date']} at {row['host_club_name']} "
                f"overlaps the stored loan at {clash['host_club_name']} {clash['start_date']} to "
                f"{clash['end_date']} (from {clash['source'] or 'an earlier import'}){hint}"
            )
            continue
        for w in row["warnings"]:
            result.warnings.append(f"{label}: {describe_warning(w)}")
        spell_id = row.pop("id", None)
        if spell_id is None:
            inserts.append(row)
            result.added += 1
        else:
            stored = next(e for e in existing if e["id"] == spell_id)
            differing = [k for k in _STORED if k in row and stored.get(k) != row.get(k)]
            if not differing:
                result.unchanged += 1
            elif differing == ["source"]:
                updates[spell_id] = row  # the same loan, listed in another file: its provenance moves
                result.unchanged += 1
            else:
                updates[spell_id] = row
                result.updated += 1
        result.imported.append(row)
    if remove_missing and missing and result.problems:
        result.warnings.append(
            f"{path.name}: {len(missing)} stored loan(s) no longer in the list were kept, because rows "
            "were refused: fix them and import again to remove them"
        )
    deletes = [int(e["id"]) for e in missing] if removing else []
    result.removed = missing if removing else []
    needed_players = {r["player_key"] for r in inserts + list(updates.values()) if "player_key" in r}
    needed_clubs = {r["host_club_key"] for r in inserts + list(updates.values()) if "host_club_key" in r}
    result.created_players = [players[k]["short_name"] for k in needed_players]
    result.created_clubs = [clubs[k]["name"] for k in needed_clubs]
    if inserts or updates or deletes:
        store.save_loan_ledger(
            inserts=inserts,
            updates=updates,
            deletes=deletes,
            players=[players[k] for k in needed_players],
            clubs=[clubs[k] for k in needed_clubs],
        )
    return result
