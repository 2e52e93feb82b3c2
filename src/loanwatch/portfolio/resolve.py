"""Resolving a loan list's names against the store: the player, the host club, the competition.

A name the data has once is that player or club; several namesakes are an error listing them
(``CellError``), a name the data does not have at all is ``NotInData`` (the importer may then
create the player or club from the list, for a competition without match data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from loanwatch.portfolio.cells import CellError
from loanwatch.portfolio.names import (
    describe_player,
    find_players,
    normalize_name,
    parse_player_query,
    resolve_players,
)
from loanwatch.store.repository import Store


class NotInData(CellError):
    """A player or club name the ingested data does not have at all (not an ambiguous one)."""


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


def club_key(name: str) -> str:
    return _german_fold(normalize_name(name))


def _club_core(name: str) -> frozenset[str]:
    # "A.C. Milan" and "Atalanta B.C." spell the club's kind in letters: join them back (AC, BC).
    words = re.sub(r"\b([a-z]) (?=[a-z]\b)", r"\1", club_key(name)).split()
    return frozenset(w for w in words if w not in _CLUB_NOISE)


def same_club(a: str, b: str) -> bool:
    """Whether two names written for a club are the same club: "Bayern Munich" and "FC Bayern
    München", "Inter" and "Internazionale" (the aliases above; FC, AC, founding years dropped)."""
    ka, kb = (club_key(CLUB_ALIASES.get(club_key(x), club_key(x))) for x in (a, b))
    return ka == kb or (bool(_club_core(ka)) and _club_core(ka) == _club_core(kb))


@dataclass
class Resolver:
    """The store's players, clubs and competitions, read once per import."""

    players: list[dict[str, Any]]
    clubs: list[dict[str, Any]]
    competitions: list[dict[str, Any]]
    competition_clubs: dict[int, set[int]]

    @classmethod
    def load(cls, store: Store) -> Resolver:
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
        key = club_key(name)
        key = club_key(CLUB_ALIASES.get(key, key))
        core = _club_core(key)
        scored: list[tuple[int, dict[str, Any]]] = []
        for club in self.clubs:
            names = [n for n in (club["name"], club["official_name"]) if n]
            if any(club_key(n) == key for n in names):
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


LIST_PROVIDER = "loan list"  # players and clubs created from a loan list (no match data for them)


def list_player_id(name: str, birth_date: date | None) -> str:
    return f"{normalize_name(name)}|{birth_date.isoformat() if birth_date else ''}"


def list_player(name: str, birth_date: date | None) -> dict[str, Any]:
    first, _, last = name.strip().rpartition(" ")
    return {
        "provider": LIST_PROVIDER, "provider_id": list_player_id(name, birth_date),
        "short_name": name.strip(),
        "first_name": first, "last_name": last, "birth_date": birth_date, "foot": "", "height_cm": None,
        "role": "", "nationality": "",
    }
