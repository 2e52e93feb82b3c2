"""Reading a club's list (the loan list, the squad list) into sheets of rows: CSV / TSV (encodings,
delimiters) or XLSX (every worksheet), the header row found below any title, and its columns named
by field. Which headers name which field is a :class:`Headers` (``LOAN_LIST`` by default; the
squad list's is ``portfolio.squad.SQUAD_LIST``).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loanwatch.portfolio.cells import CellError, cell_text, fee_unit, is_empty, parse_fee
from loanwatch.portfolio.names import normalize_name

# -- headers: which column is which field ------------------------------------------------------

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


@dataclass(frozen=True)
class Headers:
    """The columns of one kind of list: each field and the headers clubs use for it (``aliases``),
    the fields a row needs (``required``) and the name of the list for messages."""

    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    what: str = "loan list"

    @functools.cached_property
    def lookup(self) -> dict[str, str]:
        return {_compact(a): f for f, names in self.aliases.items() for a in names}


LOAN_LIST = Headers(COLUMN_ALIASES, _REQUIRED)
_HEADER_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|€")
_CURRENCY_SUFFIX = re.compile(r"(?:in)?(?:mln|mio|milioni|mn|k)?(?:eur|euro|euros)?$")


def field_for_header(header: Any, headers: Headers = LOAN_LIST) -> str | None:
    """The field a column header names (a loan spell's, by default), or None for a column we do not use."""
    if header is None:
        return None
    text = str(header)
    lookup = headers.lookup
    # "Inizio (prestito)", "Fee (EUR)", "Riscatto €": the bracketed part is a hint, not the name.
    for candidate in (text, _HEADER_NOISE.sub(" ", text)):
        key = _compact(candidate)
        if key in lookup:
            return lookup[key]
        stripped = _CURRENCY_SUFFIX.sub("", key)
        if stripped and stripped in lookup:
            return lookup[stripped]
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


def _recognised(cells: Iterable[Any], headers: Headers) -> int:
    return len({f for f in (field_for_header(c, headers) for c in cells) if f})


_HEADER_SEARCH = 20  # rows where a header is looked for, below titles a sheet may have on top


def _sheet_from_records(records: Iterable[list[Any]], headers: Headers) -> Sheet:
    lines = [(n, list(cells)) for n, cells in enumerate(records, start=1)]
    filled = [(n, cells) for n, cells in lines if not all(is_empty(c) for c in cells)]
    if not filled:
        raise ValueError("the file is empty")
    # The header is the first non-empty row, unless that is a title ("Prestiti 2017/18") above
    # the columns: then it is the first row that names at least two columns we know.
    candidates = enumerate(filled[:_HEADER_SEARCH])
    header_at = next((i for i, (_, cells) in candidates if _recognised(cells, headers) >= 2), 0)
    header_row, header = filled[header_at]
    return Sheet(header, header_row, filled[header_at + 1 :])


def _first_lines(text: str, count: int = _HEADER_SEARCH) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][:count]


def read_csv(raw: bytes, headers: Headers = LOAN_LIST) -> Sheet:
    text, line_problems = _decode(raw)
    # The sniffer guesses a delimiter from the data; the header decides between its guess and the
    # other candidates, since a list whose headers we do not recognise cannot be imported anyway.
    try:
        sniffed: str | None = csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    head = _first_lines(text)

    def recognised(delimiter: str) -> int:
        rows = csv.reader(head, delimiter=delimiter)
        return max((_recognised(cells, headers) for cells in rows), default=0)

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
    sheet = _sheet_from_records(records, headers)
    sheet.row_warnings = row_warnings
    return sheet


def read_xlsx(raw: bytes, sheet_name: str | None = None, headers: Headers = LOAN_LIST) -> list[Sheet]:
    """Every worksheet that has the list's columns (or only ``sheet_name``)."""
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
                sheet = _sheet_from_records((list(r) for r in ws.iter_rows(values_only=True)), headers)
            except ValueError:
                continue  # an empty sheet
            sheet.name = ws.title
            sheets.append(sheet)
        if not sheets:
            raise ValueError("the file is empty")
        return sheets
    finally:
        workbook.close()


def read_sheets(path: Path, sheet_name: str | None = None, headers: Headers = LOAN_LIST) -> list[Sheet]:
    """The file's sheets: one for a CSV, every non-empty worksheet of a workbook."""
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ValueError("old .xls workbooks are not read: save the list as .xlsx or .csv")
    # An .xlsx is a zip file; check the content too, for a workbook saved with another extension.
    if suffix in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return read_xlsx(raw, sheet_name, headers)
    if sheet_name is not None:
        raise ValueError("--sheet is for workbooks (.xlsx); this file is a CSV")
    try:
        return [read_csv(raw, headers)]
    except csv.Error as err:
        raise ValueError(f"not a readable CSV file ({err})") from None


def read_sheet(path: Path) -> Sheet:
    """The first sheet (kept for callers that read one)."""
    return read_sheets(path)[0]


# -- columns of a row ----------------------------------------------------------------------------


def columns_of(header: Sequence[Any], headers: Headers = LOAN_LIST) -> dict[str, int]:
    """field -> column index; the first column wins when two name the same field."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = field_for_header(cell, headers)
        if name and name not in columns:
            columns[name] = index
    if "player" not in columns and "last_name" not in columns and "first_name" in columns:
        # "Nome" alone, with no "Cognome" beside it, is the whole name.
        columns["player"] = columns.pop("first_name")
    if "player" not in columns and "last_name" not in columns:
        raise ValueError(
            "no column for the player's name (expected a header such as player, name, giocatore or cognome); "
            f"the headers are: {', '.join(cell_text(h) for h in header if not is_empty(h))}"
        )
    missing = [f for f in headers.required if f not in columns]
    if missing:
        expected = "; ".join(f"{f}: {', '.join(headers.aliases[f][:4])}" for f in missing)
        raise ValueError(f"no column for {', '.join(missing)} (expected headers such as {expected})")
    return columns


def cell_at(cells: Sequence[Any], columns: Mapping[str, int], name: str) -> Any:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def name_as_written(cells: Sequence[Any], columns: Mapping[str, int]) -> str:
    name = cell_text(cell_at(cells, columns, "player"))
    if name:
        return name
    first, last = cell_at(cells, columns, "first_name"), cell_at(cells, columns, "last_name")
    parts = (cell_text(first), cell_text(last))
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Row:
    """One row of a list with its columns: each cell named as the user's file heads it, so an
    error says which cell to fix ("bad date '31/02/2021' in column Contract until: not a real date")."""

    cells: Sequence[Any]
    columns: Mapping[str, int]
    header: Sequence[Any]

    def column(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        return cell_text(self.header[index]) if index is not None and index < len(self.header) else field_name

    def parsed(self, field_name: str, parse: Callable[[Any], Any], what: str) -> Any:
        raw = cell_at(self.cells, self.columns, field_name)
        try:
            return parse(raw)
        except CellError as err:
            raise CellError(
                f"bad {what} {cell_text(raw)!r} in column {self.column(field_name)}: {err}"
            ) from None

    def fee_parser(self, field_name: str) -> Callable[[Any], int | None]:
        """parse_fee with the unit the column's header names ("Riscatto (mln €)")."""
        index = self.columns.get(field_name)
        try:
            unit = fee_unit(self.header[index]) if index is not None and index < len(self.header) else None
        except ValueError as err:
            raise CellError(str(err)) from None
        return lambda value: parse_fee(value, unit)
