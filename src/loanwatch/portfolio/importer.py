"""Importing a club's loan list (CSV or XLSX) as its staff keep it, into the store's loan spells.

A list names players and clubs the way people write them, in English or Italian, with dates and
fees in whatever format the spreadsheet had. Every row is checked in full before anything is
written: a row that cannot be matched to the ingested data is reported, never half-imported, and
the good rows are written in one call (one transaction) to ``Store.replace_loan_spells``.
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

from loanwatch.domain import LoanType
from loanwatch.portfolio.names import display_name, find_players, legal_name, normalize_name
from loanwatch.store.repository import Store

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
}

# What a row needs, named as the report should name it.
_REQUIRED = ("host_club", "loan_start", "loan_end", "loan_type")


def _compact(text: str) -> str:
    return normalize_name(text).replace(" ", "")


_HEADER_LOOKUP: dict[str, str] = {_compact(a): f for f, aliases in COLUMN_ALIASES.items() for a in aliases}
_HEADER_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|€")
_CURRENCY_SUFFIX = re.compile(r"(?:in)?(?:eur|euro|euros)$")


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


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decode(raw: bytes) -> str:
    # Spreadsheets save CSV as UTF-8 (often with a BOM) or, on Windows, in the ANSI code page.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # never fails: every byte is a character


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
    text = _decode(raw)
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
    return _sheet_from_records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_xlsx(raw: bytes) -> Sheet:
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
        sheet = workbook.worksheets[0]
        return _sheet_from_records(list(r) for r in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def read_sheet(path: Path) -> Sheet:
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ValueError("old .xls workbooks are not read: save the list as .xlsx or .csv")
    # An .xlsx is a zip file; check the content too, for a workbook saved with another extension.
    if suffix in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return read_xlsx(raw)
    try:
        return read_csv(raw)
    except csv.Error as err:
        raise ValueError(f"not a readable CSV file ({err})") from None


# -- parsing cells ------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell whose value cannot be read; the message is the reason shown to the user."""


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
    "m": 1_000_000,
    "mln": 1_000_000,
    "mio": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "milione": 1_000_000,
    "milioni": 1_000_000,
    "mn": 1_000_000,
    "k": 1_000,
    "mila": 1_000,
    "thousand": 1_000,
}
_FEE = re.compile(r"^(\d[\d.,' ]*)\s*([a-z]*)$")
_NO_FEE = {"", "-", "--", "n a", "na", "none", "nessuno", "nessuna", "no", "nd", "n d", "tbd", "x"}


def parse_fee(value: Any) -> int | None:
    """Euros from "20000000", "20.000.000", "20,000,000", "€20m", "20 mln", "1,5 milioni"."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(round(value))
    text = str(value).strip().lower()
    if normalize_name(text) in _NO_FEE:
        return None
    text = re.sub(r"€|\beur(?:o|os)?\b", " ", text).strip()
    m = _FEE.match(text)
    if not m or (m[2] and m[2] not in _MULTIPLIERS):
        raise CellError("not an amount")
    number, multiplier = m[1].replace(" ", "").replace("'", ""), _MULTIPLIERS.get(m[2], 1)
    try:
        amount = _parse_number(number, scaled=multiplier > 1)
    except ValueError:
        raise CellError("not an amount") from None
    return int(round(amount * multiplier))


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
            # 20.000.000 or 20,000: groups of three digits are thousands. With "m" after the
            # number (1,5 mln, 2.5m) a single separator is a decimal point.
            if len(parts) > 2 or (not scaled and len(parts[1]) == 3):
                if not all(len(p) == 3 for p in parts[1:]):
                    raise ValueError(text)
                return float("".join(parts))
            return float(text.replace(",", "."))
    return float(text)


_APPEARANCES = r"(?:appearances?|apps?|presenze|presenza|partite|gettoni|matches|games|caps)"
_TRIGGER_NUMBER_FIRST = re.compile(rf"(\d+)\s*(?:official\s+|ufficiali\s+)?{_APPEARANCES}\b")
_TRIGGER_WORDS_FIRST = re.compile(rf"\b{_APPEARANCES}\s*[:=]?\s*(\d+)\b")


def parse_trigger_appearances(text: str) -> int | None:
    """10 from "10 appearances", "10 presenze", "dopo 10 presenze ufficiali", "apps: 10"."""
    folded = normalize_name(text)
    m = _TRIGGER_NUMBER_FIRST.search(folded) or _TRIGGER_WORDS_FIRST.search(folded)
    return int(m[1]) if m else None


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
        )

    # players

    def player(self, name: str, birth_date: date | None) -> dict[str, Any]:
        matches = find_players(name, self.players, birth_date)
        if len(matches) == 1:
            return dict(matches[0].player)
        born = f" born {birth_date.isoformat()}" if birth_date else ""
        if not matches:
            message = f"no player named {name!r}{born} in the ingested data"
            if birth_date is not None:
                # The name alone finds someone: say who, so a typo in the date is easy to spot.
                others = find_players(name, self.players)
                if others:
                    message += f" (it has {_describe_players(m.player for m in others)})"
            raise CellError(message)
        hint = "" if birth_date else "; add the birth date to tell them apart"
        who = _describe_players(m.player for m in matches)
        raise CellError(f"ambiguous: {name!r}{born} could be {who}{hint}")

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
            raise CellError(f"host club {name!r} not found in the ingested data")
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


@dataclass
class ImportResult:
    imported: list[dict[str, Any]] = field(default_factory=list)  # the loan_spells rows written
    problems: list[str] = field(default_factory=list)  # one line per row not imported


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
    fee = parsed("fee", parse_fee, "amount")
    obligation_fee = parsed("obligation_fee", parse_fee, "amount")

    player = resolver.player(name, birth_date)

    host_name = _text(_cell(cells, columns, "host_club"))
    if not host_name:
        raise CellError(f"no host club in column {column('host_club')}")
    competition_written = _text(_cell(cells, columns, "competition"))
    competition = resolver.competition(competition_written) if competition_written else None
    club = resolver.club(host_name, competition)
    if competition is not None:
        competition_name = competition["name"]
    elif competition_written:
        competition_name = competition_written  # a competition we hold no data for: keep its name
    else:
        # Not in the list: the one competition the club plays in the data, when there is one.
        played = resolver.competitions_of(club["id"])
        competition_name = played[0]["name"] if len(played) == 1 else ""

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

    return {
        "player_id": player["id"],
        "player_name": name,
        "parent_club": _text(_cell(cells, columns, "parent_club")),
        "host_club_id": club["id"],
        "host_club_name": club["name"],
        "competition_name": competition_name,
        "start_date": start,
        "end_date": end,
        "loan_type": loan_type.value,
        "option_fee_eur": option_fee_eur,
        "obligation_fee_eur": obligation_fee_eur,
        "obligation_trigger": trigger,
        "trigger_appearances": parse_trigger_appearances(trigger) if trigger else None,
        "recall_clause": _text(_cell(cells, columns, "recall")),
        "notes": notes,
        "source": source,
    }


def import_loan_list(store: Store, path: Path) -> ImportResult:
    """Import a loan list (CSV or XLSX). Rows that cannot be matched are listed, not imported.

    Raises ValueError when the file as a whole cannot be read as a loan list (no name column...),
    OSError when it cannot be read at all.
    """
    path = Path(path)
    sheet = read_sheet(path)
    columns = _columns(sheet.header)
    resolver = _Resolver.load(store)
    result = ImportResult()
    seen: dict[tuple[int, date], int] = {}
    for number, cells in sheet.rows:
        name = _name_as_written(cells, columns)
        where = f"{path.name} row {number}" + (f" ({name})" if name else "")
        try:
            row = _spell_row(cells, columns, sheet.header, resolver, f"{path.name}:{number}", name)
        except CellError as err:
            result.problems.append(f"{where}: {err}")
            continue
        key = (row["player_id"], row["start_date"])
        if key in seen:
            # The store keeps one spell per player and start date: a second one would overwrite it.
            result.problems.append(f"{where}: same player and loan start as row {seen[key]}")
            continue
        seen[key] = number
        result.imported.append(row)
    if result.imported:
        store.replace_loan_spells(result.imported)
    return result
