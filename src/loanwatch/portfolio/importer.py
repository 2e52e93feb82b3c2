"""Importing a club's loan list (CSV, TSV or XLSX) as its staff keep it: the club's ledger of loans.

A list names players and clubs the way people write them, in English or Italian, with dates and
fees in whatever format the spreadsheet had. Every row is checked in full before anything is
written: a row that cannot be matched to the ingested data is reported, never half-imported, and
the good rows are written in one transaction (``Store.save_loan_ledger``).

The import in four parts: ``portfolio.sheets`` reads the file into sheets of rows (encodings,
delimiters, workbooks, the header row); ``portfolio.cells`` parses a cell (dates, fees and units,
yes / no, loan types, triggers); ``portfolio.resolve`` finds the players, clubs and competitions a
row names in the store; this module turns rows into the ledger's changes and writes them.

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from loanwatch.domain import LoanType, season_start, season_start_year
from loanwatch.portfolio.cells import (
    CellError,
    cell_text,
    parse_date,
    parse_loan_type,
    parse_trigger_appearances,
    parse_yes_no,
)
from loanwatch.portfolio.names import normalize_name, parse_player_query
from loanwatch.portfolio.resolve import (
    LIST_PROVIDER,
    NotInData,
    Resolver,
    club_key,
    list_player,
    list_player_id,
)
from loanwatch.portfolio.resolve import same_club as same_club  # re-exported: the owner filter's old path
from loanwatch.portfolio.sheets import Row, cell_at, columns_of, name_as_written, read_sheets
from loanwatch.store.repository import Store

# -- importing ----------------------------------------------------------------------------------


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


def _spell_row(
    cells: Sequence[Any],
    columns: Mapping[str, int],
    header: Sequence[Any],
    resolver: Resolver,
    source: str,
    name: str,
) -> dict[str, Any]:
    """The loan_spells row for one line of the list; CellError says why the line cannot be one."""
    row = Row(cells, columns, header)
    column, parsed = row.column, row.parsed

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
    fee = parsed("fee", row.fee_parser("fee"), "amount")
    obligation_fee = parsed("obligation_fee", row.fee_parser("obligation_fee"), "amount")

    host_name = cell_text(cell_at(cells, columns, "host_club"))
    if not host_name:
        raise CellError(f"no host club in column {column('host_club')}")
    competition_written = cell_text(cell_at(cells, columns, "competition"))
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
        extra["player_key"] = (LIST_PROVIDER, list_player_id(written, birth_date))
        extra["new_player"] = list_player(written, birth_date)
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

    notes = cell_text(cell_at(cells, columns, "notes"))
    option_fee_eur: int | None = None
    obligation_fee_eur: int | None = obligation_fee
    if loan_type is LoanType.WITH_OPTION:
        option_fee_eur = fee
    elif loan_type is LoanType.WITH_OBLIGATION:
        obligation_fee_eur = obligation_fee if obligation_fee is not None else fee
    elif fee is not None:
        # A fee on a dry loan is the loan's price, not an option: keep it, where the user sees it.
        notes = "; ".join(p for p in (notes, f"fee in the list: EUR {fee:,}") if p)
    trigger = cell_text(cell_at(cells, columns, "obligation_trigger"))

    return extra | {
        "player_name": name,
        "parent_club": cell_text(cell_at(cells, columns, "parent_club")),
        "host_club_name": host_club_name,
        "competition_name": competition_name,
        "start_date": start,
        "end_date": end,
        "loan_type": loan_type.value,
        "option_fee_eur": option_fee_eur,
        "obligation_fee_eur": obligation_fee_eur,
        "obligation_trigger": trigger,
        "trigger_appearances": parse_trigger_appearances(trigger) if trigger else None,
        "recall_clause": cell_text(cell_at(cells, columns, "recall")),
        "notes": notes,
        "source": source,
        "eligible_vs_owner": parsed("eligible_vs_owner", parse_yes_no, "yes/no"),
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
    return club_key(a["host_club_name"]) == club_key(b["host_club_name"])


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
    resolver = Resolver.load(store)
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
            columns = columns_of(sh.header)
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
            name = name_as_written(cells, columns)
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
