"""Players: a name (or a provider id, or "Name (born YYYY-MM-DD)") resolved ONCE, at the edge,
into a :class:`~loanwatch.services.models.PlayerRef`; every other service takes the ref."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from loanwatch.errors import NotFound, player_not_found
from loanwatch.portfolio.names import describe_player, display_name, normalize_name, resolve_players
from loanwatch.reports.data import read_warnings
from loanwatch.services.context import Service
from loanwatch.services.models import MatchWarning, Player, PlayerRef


def player_ref(row: Mapping[str, object]) -> PlayerRef:
    """The reference of a store's players row."""
    birth = row.get("birth_date")
    return PlayerRef(
        id=int(str(row["id"])),
        name=str(row.get("short_name") or ""),
        display_name=display_name(row),
        birth_date=birth if isinstance(birth, date) else None,
        role=str(row.get("role") or ""),
        provider_id=str(row.get("provider_id") or ""),
    )


class PlayerService(Service):
    def resolve(self, name: str) -> PlayerRef:
        """One player by name: loanees first (as the club's list writes them), then everyone.

        Also accepted: a provider id ("265673") and "Name (born YYYY-MM-DD)". A name that fits
        several players raises PlayerAmbiguous (a PlayerNotFound) listing them (birth date, club,
        role, id); one that fits nobody, PlayerNotFound."""
        store = self.store
        spells = store.loan_spells()
        loanees = {s["player_id"]: s for s in spells}
        matches = resolve_players(name, [store.player(pid) or {} for pid in loanees])
        if not matches:
            wanted = normalize_name(name)
            listed = [s for s in spells if wanted and wanted in normalize_name(s["player_name"])]
            if len({s["player_id"] for s in listed}) == 1:
                return player_ref(store.player(listed[0]["player_id"]) or {"id": listed[0]["player_id"]})
            matches = resolve_players(name, store.all_players())
        if len(matches) != 1:
            chosen = [m.player for m in matches[:8]]
            clubs = store.latest_clubs([int(p["id"]) for p in chosen])
            described = [describe_player(p, clubs.get(int(p["id"]), "")) for p in chosen]
            if len(matches) > len(chosen):
                described.append(f"and {len(matches) - len(chosen)} more")
            raise player_not_found(name, described, matches=len(matches))
        return player_ref(dict(matches[0].player))

    def ref(self, player_id: int) -> PlayerRef:
        """The reference of a player known by id (a loan spell's, an alert's, a web address's);
        NotFound when the store has no such player."""
        row = self.store.player(player_id)
        if row is None:
            raise NotFound(f"no player with id {player_id}")
        return player_ref(row)

    def player(self, ref: PlayerRef) -> Player:
        """The player's record and the national teams he played for in the data."""
        row = self.store.player(ref.id) or {"id": ref.id}
        known = {k: v for k, v in row.items() if k in Player.model_fields and v is not None}
        return Player.model_validate(known | {"national_teams": self.store.player_national_teams(ref.id)})

    def match_warnings(self, match_ids: Sequence[int]) -> dict[int, list[MatchWarning]]:
        """The data-quality warnings stored on these matches (reports.data.read_warnings)."""
        return {
            mid: [MatchWarning(code=w["code"], message=w["message"]) for w in read_warnings(raw)]
            for mid, raw in self.store.match_warnings(list(match_ids)).items()
        }
