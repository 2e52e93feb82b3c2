"""Parsing a loan list's cells: dates, fees and their units, yes / no, the loan type, triggers.

Each parser takes a cell as the spreadsheet gives it (text, a number, a date) and returns the
value, or raises ``CellError`` with the reason shown to the user ("not a date", "ambiguous: 1.5
euros?"). Trigger clauses are read by the project's one trigger parser (``tracking.contract``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from loanwatch.domain import LoanType
from loanwatch.portfolio.names import normalize_name
from loanwatch.tracking.contract import trigger_count


class CellError(ValueError):
    """A cell whose value cannot be read; the message is the reason shown to the user."""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its fictional 29 February 1900
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value: Any) -> date | None:
    """ISO, dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, a spreadsheet date, or an Excel day number."""
    if is_empty(value):
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
    if is_empty(value):
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


def cell_text(value: Any) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet keeps 10 as 10.0
    return str(value).strip()
