"""Reading the owner club's squad list (CSV, TSV or XLSX) as its staff keep it: player, contract end
and, where the club knows them, years trained at the club and in the association, EU status, wage.

The file is read like the loan list (``portfolio.sheets`` with the squad's :data:`SQUAD_LIST`
headers, ``portfolio.cells`` for dates, yes / no and amounts, ``portfolio.resolve`` for the names),
English or Italian headers. Every row is checked in full; a row that cannot be read or whose
player is not one player of the data is refused, naming the file, the row and the cell; the good
rows are returned (the service writes them in one transaction).

A player the ingested data does not have is kept by name only when the row gives his birth date
(a youth player who has not played yet); without it the row is refused (a typo, most likely).

What an empty cell means: not known. It is stored as NULL and shown as "unknown", never as no.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loanwatch.domain import GOALKEEPER, ROLES
from loanwatch.portfolio.cells import (
    CellError,
    cell_text,
    is_empty,
    parse_date,
    parse_yes_no,
)
from loanwatch.portfolio.resolve import NotInData, Resolver
from loanwatch.portfolio.sheets import (
    COLUMN_ALIASES,
    Headers,
    Row,
    columns_of,
    name_as_written,
    read_sheets,
)
from loanwatch.store.repository import Store

# Years of training that make a player club- or association-trained: three entire seasons (or 36
# months) between the ages of 15 and 21 (FIFA's club-trained players; UEFA's and Serie A's locally
# trained ones; docs/rules.md).
TRAINED_YEARS = 3

SQUAD_ALIASES: dict[str, tuple[str, ...]] = {
    "player": COLUMN_ALIASES["player"],
    "first_name": COLUMN_ALIASES["first_name"],
    "last_name": COLUMN_ALIASES["last_name"],
    "birth_date": COLUMN_ALIASES["birth_date"],
    "contract_end": (
        "contract end",
        "contract until",
        "contract expiry",
        "contract expires",
        "contract ends",
        "expiry",
        "scadenza contratto",
        "scadenza",
        "fine contratto",
        "contratto fino al",
        "contratto",
        "contract",
    ),
    "club_trained_years": (
        "club trained years",
        "years club trained",
        "years at club 15 21",
        "anni vivaio",
        "anni nel vivaio",
        "anni formazione club",
        "anni di formazione nel club",
    ),
    "association_trained_years": (
        "association trained years",
        "years association trained",
        "years in association 15 21",
        "anni formazione italia",
        "anni formazione in italia",
        "anni di formazione in italia",
        "anni vivai italiani",
    ),
    "club_trained": (
        "club trained",
        "home grown",
        "homegrown",
        "cresciuto nel vivaio",
        "vivaio",
        "formato nel club",
    ),
    "association_trained": (
        "association trained",
        "trained in association",
        "formato in italia",
        "cresciuto in italia",
        "vivaio italiano",
    ),
    "eu": ("eu", "eu status", "eu player", "eu national", "comunitario", "ue", "cittadino ue"),
    "role": ("role", "position", "ruolo", "posizione", "poste"),
    "wage": (
        "wage",
        "wage eur",
        "gross wage",
        "annual wage",
        "salary",
        "ingaggio",
        "ingaggio lordo",
        "stipendio",
        "ingaggio annuo",
    ),
}
SQUAD_LIST = Headers(SQUAD_ALIASES, (), what="squad list")


@dataclass
class SquadRead:
    """What reading a squad file gave: the rows to store, the rows refused (one line each), and
    what to check (a player kept by name who is not in the data)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# A squad file's role, in the words a club writes (en / it / fr), as domain.ROLES names it.
ROLE_WORDS: dict[str, str] = {
    **{r.replace("_", " "): r for r in ROLES},
    "gk": GOALKEEPER,
    "keeper": GOALKEEPER,
    "portiere": GOALKEEPER,
    "gardien": GOALKEEPER,
    "gardien de but": GOALKEEPER,
    "centre-back": "centre_back",
    "center back": "centre_back",
    "difensore centrale": "centre_back",
    "centrale": "centre_back",
    "défenseur central": "centre_back",
    "full-back": "full_back",
    "terzino": "full_back",
    "arrière latéral": "full_back",
    "mediano": "defensive_midfielder",
    "milieu défensif": "defensive_midfielder",
    "centrocampista": "central_midfielder",
    "centrocampista centrale": "central_midfielder",
    "milieu central": "central_midfielder",
    "trequartista": "attacking_midfielder",
    "milieu offensif": "attacking_midfielder",
    "ala": "winger",
    "ailier": "winger",
    "attaccante": "striker",
    "punta": "striker",
    "centravanti": "striker",
    "attaquant": "striker",
    "avant-centre": "striker",
}


def _role(value: Any) -> str | None:
    if is_empty(value):
        return None
    word = " ".join(cell_text(value).strip().casefold().replace("_", " ").split())
    if word not in ROLE_WORDS:
        raise CellError(
            f"not a role: one of {', '.join(r.replace('_', ' ') for r in ROLES)} (or portiere, ...)"
        )
    return ROLE_WORDS[word]


def _years(value: Any) -> int | None:
    if is_empty(value):
        return None
    text = cell_text(value).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError("not a number of years") from None
    if number < 0 or number > 7 or not number.is_integer():
        raise CellError("write the entire seasons trained between 15 and 21 (0 to 6)")
    return int(number)


def _trained(years: int | None, said: bool | None, what: str) -> bool | None:
    if years is None:
        return said
    trained = years >= TRAINED_YEARS
    if said is not None and said != trained:
        raise CellError(f"{what} says {'yes' if said else 'no'} but the years say {years}")
    return trained


def _squad_row(
    cells: Sequence[Any], columns: Mapping[str, int], header: Sequence[Any], resolver: Resolver, name: str
) -> dict[str, Any]:
    row_cells = Row(cells, columns, header)
    column, parsed = row_cells.column, row_cells.parsed
    if not name:
        raise CellError("no player name")
    birth_date = parsed("birth_date", parse_date, "date")
    wage = parsed("wage", row_cells.fee_parser("wage"), "wage")
    club_years = parsed("club_trained_years", _years, "years")
    association_years = parsed("association_trained_years", _years, "years")
    try:
        club_trained = _trained(club_years, parsed("club_trained", parse_yes_no, "yes/no"), "club-trained")
        association_trained = _trained(
            association_years, parsed("association_trained", parse_yes_no, "yes/no"), "association-trained"
        )
    except CellError as err:
        raise CellError(f"{err} (columns {column('club_trained_years')}, {column('club_trained')})") from None
    if club_trained and association_trained is False:
        raise CellError("a club-trained player is association-trained too: the row says he is not")
    row: dict[str, Any] = {
        "player_name": name,
        "birth_date": birth_date,
        "contract_end": parsed("contract_end", parse_date, "date"),
        "club_trained": club_trained,
        "club_trained_years": club_years,
        "association_trained": True if club_trained else association_trained,
        "association_trained_years": association_years,
        "eu": parsed("eu", parse_yes_no, "yes/no"),
        "wage_eur": wage,
        "role": parsed("role", _role, "role"),
    }
    try:
        player = resolver.player(name, birth_date)
    except NotInData as err:
        if birth_date is None:
            raise NotInData(
                f"{err}; a player who has not played in the data is kept by name when the row gives "
                "his birth date"
            ) from None
        return row | {"player_id": None, "not_in_data": True}
    return row | {"player_id": int(player["id"]), "birth_date": birth_date or player.get("birth_date")}


def read_squad(store: Store, path: Path, *, sheet: str | None = None) -> SquadRead:
    """The squad rows of a file (each with ``source``: file and row), the refused rows and the
    warnings. Raises ValueError when the file as a whole is not a squad list (no name column),
    OSError when it cannot be read."""
    path = Path(path)
    sheets = read_sheets(path, sheet, SQUAD_LIST)
    resolver = Resolver.load(store)
    out = SquadRead()
    several = len(sheets) > 1
    usable = 0
    seen: dict[object, str] = {}
    for sh in sheets:
        where_sheet = f" sheet {sh.name!r}" if several else ""
        try:
            columns = columns_of(sh.header, SQUAD_LIST)
        except ValueError as err:
            if not several:
                raise
            out.warnings.append(f"{path.name}{where_sheet}: not read ({len(sh.rows)} rows): {err}")
            continue
        usable += 1
        for number, cells in sh.rows:
            name = name_as_written(cells, columns)
            label = f"{path.name}{where_sheet} row {number}" + (f" ({name})" if name else "")
            try:
                row = _squad_row(cells, columns, sh.header, resolver, name)
            except CellError as err:
                out.problems.append(f"{label}: {err}")
                continue
            key = row["player_id"] or (name.casefold(), row["birth_date"])
            if key in seen:
                out.problems.append(f"{label}: the same player as {seen[key]}")
                continue
            seen[key] = label
            if row.pop("not_in_data", False):
                out.warnings.append(
                    f"{label}: not in the ingested data: kept by name and birth date (no minutes, no profile)"
                )
            row["source"] = f"{path.name}:{sh.name}:{number}" if sh.name else f"{path.name}:{number}"
            out.warnings.extend(f"{label}: {w}" for w in sh.row_warnings.get(number, []))
            out.rows.append(row)
    if not usable:
        raise ValueError("no sheet has the squad list's columns")
    return out
