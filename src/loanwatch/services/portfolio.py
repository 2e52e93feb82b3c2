"""The club's loan list: importing it (the ledger), its spells as the acting user may see them,
the owner clubs and the owner filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from loanwatch.access import SPELL_TERMS, Permission, sees_terms
from loanwatch.portfolio.names import normalize_name
from loanwatch.services.context import Service, writes
from loanwatch.services.models import LoanSpell, LoanTerms, PlayerRef
from loanwatch.services.players import player_ref

if TYPE_CHECKING:
    from loanwatch.portfolio.importer import ImportResult


def loan_spell(row: Mapping[str, object], *, see_terms: bool, has_match_data: bool = False) -> LoanSpell:
    """A store's loan_spells row as a model: its terms only for a role that may see them."""
    fields = LoanSpell.model_fields
    base = {k: v for k, v in row.items() if k in fields and k not in SPELL_TERMS}
    terms = LoanTerms.model_validate(
        {k: v for k, v in row.items() if k in LoanTerms.model_fields and v is not None}
    )
    return LoanSpell.model_validate(
        base
        | {
            "owner_name": str(row.get("parent_club") or ""),
            "has_match_data": has_match_data,
            "terms": terms if see_terms else None,
        }
    )


class PortfolioService(Service):
    @writes
    def import_loan_list(
        self, path: str | Path, *, sheet: str | None = None, remove_missing: bool = False
    ) -> ImportResult:
        """Import a club's loan list (CSV, TSV or XLSX) as its ledger: rows update the spells they
        are (player, owner, host, season) or add one; spells of an earlier import of the file that
        it no longer lists are reported, and removed with ``remove_missing``. Returns an
        ``ImportResult`` (portfolio/importer.py): added, updated, unchanged, problems, warnings.
        The lists carry contract terms: only roles that may see them import one."""
        from loanwatch.portfolio.importer import import_loan_list

        self.ctx.require(Permission.IMPORT_LOANS)
        self.ctx.store_changed()
        result = import_loan_list(self.store, Path(path), sheet=sheet, remove_missing=remove_missing)
        self.ctx.record(
            "imported loan list",
            Path(path).name,
            added=result.added,
            updated=result.updated,
            removed=len(result.removed),
            problems=len(result.problems),
        )
        return result

    def loan_spells(self, owner: str | None = None) -> list[LoanSpell]:
        """The loan spells (of one owner club with ``owner``), each with its owner club
        (``owner_name``), ``has_match_data`` (False: "no match data for this competition", a loan
        still counted) and ``warnings``: what the import noticed, as dicts with a ``kind``
        ("appearance_before_start": he played for the host club before the listed start, with
        ``first_match``, ``matches``, ``loan_start``; "trigger_unread": a trigger kept as text and
        not counted; "encoding": a byte of the file read as Windows-1252); ``terms`` as the acting
        user may see them."""
        competitions, clubs = self._with_data()
        see = sees_terms(self.ctx.role)
        spells = []
        for s in self.owned_by(self.store.loan_spells(), owner):
            if s["competition_name"]:
                has_data = normalize_name(s["competition_name"]) in competitions
            else:
                has_data = s["host_club_id"] in clubs
            spells.append(loan_spell(s, see_terms=see, has_match_data=has_data))
        return spells

    def _with_data(self) -> tuple[set[str], set[int]]:
        """The competitions (normalised names) and clubs (ids) the store holds matches of."""
        competitions, clubs = set(), set()
        for c in self.store.competitions():
            playing = self.store.clubs_in_competition(int(c["id"]))
            if playing:
                competitions.add(normalize_name(c["name"]))
                clubs |= playing
        return competitions, clubs

    def owners(self) -> list[str]:
        """The owner clubs of the store's loans, as the lists write them (a group or an agency
        keeps several)."""
        return sorted({s["parent_club"] for s in self.store.loan_spells() if s["parent_club"]})

    def owned_by(
        self, spells: Sequence[Mapping[str, object]], owner: str | None
    ) -> list[Mapping[str, object]]:
        """THE owner filter: the spells whose owner club is ``owner`` (None: every spell). An owner
        no spell has raises ValueError naming the owners there are."""
        if owner is None:
            return list(spells)
        from loanwatch.portfolio.importer import same_club

        kept = [s for s in spells if same_club(str(s["parent_club"] or ""), owner)]
        if not kept and not any(same_club(o, owner) for o in self.owners()):
            raise ValueError(f"no loan is owned by {owner!r} (owners: {', '.join(self.owners()) or 'none'})")
        return kept

    def owned_player_ids(self, owner: str | None) -> set[int] | None:
        """The players on loan from ``owner`` (None when no owner is given: no filter)."""
        if owner is None:
            return None
        return {int(str(s["player_id"])) for s in self.owned_by(self.store.loan_spells(), owner)}

    def loanees(self, owner: str | None = None) -> list[PlayerRef]:
        """Every player of the portfolio (of one owner club with ``owner``), once, in the list's order."""
        ids = dict.fromkeys(int(str(s["player_id"])) for s in self.owned_by(self.store.loan_spells(), owner))
        return [player_ref(self.store.player(pid) or {"id": pid}) for pid in ids]

    def loanee_names(self, owner: str | None = None) -> list[str]:
        """Every player of the portfolio (of ``owner``), once, as reports name them."""
        return [r.display_name for r in self.loanees(owner)]
