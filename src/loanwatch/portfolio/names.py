"""Finding a player from a name as people write it: accents, short names, birth date for ties."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "\u00ad": "",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """'Mbappé' -> 'Mbappe', 'rinnovo è' -> 'rinnovo e': the accents folded away (NFKD, marks dropped)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# Cached: matching a loan list compares every row with every player of the store (thousands).
@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """'Şenol Radu' -> 'senol radu'; 'K. Mbappé' -> 'k mbappe'."""
    text = strip_accents(name.translate(_FOLD)).lower()
    return _NON_WORD.sub(" ", text).strip()


_INITIAL = re.compile(r"^((?:\w\.\s*)+)(.+)$")


def display_name(player: Mapping[str, Any]) -> str:
    """The name people know: the provider's short name ("Kenedy", "Douglas Costa"), its initial
    expanded with the first name ("K. Mbappé" -> "Kylian Mbappé"); else first and last name."""
    first, last = str(player.get("first_name") or ""), str(player.get("last_name") or "")
    short = str(player.get("short_name") or "").strip()
    m = _INITIAL.match(short)
    if m and first:
        # each initial stands for a given name, in order ("Edgar Yoel" for "Y.": Yoel)
        given, chosen = first.split(), []
        for initial in (i for i in re.split(r"[.\s]+", m[1]) if i):
            found = next((g for g in given if normalize_name(g).startswith(normalize_name(initial))), None)
            if found is None:
                return short
            chosen.append(found)
            given = given[given.index(found) + 1 :]
        return " ".join([*chosen, m[2].strip()])
    return short or f"{first} {last}".strip()


def legal_name(player: Mapping[str, Any]) -> str:
    """First and last name as the provider registers them (Robert Kenedy Nunes do Nascimento)."""
    return f"{player.get('first_name') or ''} {player.get('last_name') or ''}".strip()


@dataclass(frozen=True)
class NameMatch:
    player: Mapping[str, Any]
    score: int  # 3 full name, 2 every word of the query in the name, 1 initial and surname


def _score(query: str, player: Mapping[str, Any]) -> int:
    q = normalize_name(query)
    if not q:
        return 0
    first = normalize_name(player.get("first_name") or "")
    last = normalize_name(player.get("last_name") or "")
    short = normalize_name(player.get("short_name") or "")
    full = f"{first} {last}".strip()
    if q in (full, short) or (last and q == last):
        return 3
    q_words = set(q.split())
    name_words = set(full.split()) | set(short.split())
    if q_words and q_words <= name_words and (not last or set(last.split()) & q_words):
        return 2
    # "R. Orsolini" against Riccardo Orsolini, or "Orsolini Riccardo"
    words = q.split()
    if len(words) >= 2 and last and first:
        initials = {w for w in words if len(w) == 1}
        rest = " ".join(w for w in words if len(w) > 1)
        if rest == last and initials and all(first.startswith(i) for i in initials):
            return 1
    return 0


def find_players(
    query: str, players: Iterable[Mapping[str, Any]], birth_date: date | None = None
) -> list[NameMatch]:
    """The best-scoring players for a name; a birth date, when given, must agree."""
    scored = []
    for p in players:
        s = _score(query, p)
        if s and (birth_date is None or p.get("birth_date") in (None, birth_date)):
            scored.append(NameMatch(p, s))
    if not scored:
        return []
    best = max(m.score for m in scored)
    top = [m for m in scored if m.score == best]
    if birth_date is not None and len(top) > 1:
        exact = [m for m in top if m.player.get("birth_date") == birth_date]
        if exact:
            return exact
    return top


# -- telling namesakes apart ------------------------------------------------------------------------

# "Silva (born 1994-08-10)", "Silva (nato il 10/08/1994)" is not read: ISO dates only, as shown.
_BORN = re.compile(r"^(.*?)\s*\(\s*(?:born|nato|nata|ne|nee|né|née)?\s*(\d{4}-\d{2}-\d{2})\s*\)\s*$", re.I)
_PROVIDER_ID = re.compile(r"^(?:([a-z]+)[:\s])?\s*(\d+)$", re.I)


def parse_player_query(query: str) -> tuple[str, date | None, str | None]:
    """What a user typed to name a player: (name, birth date, provider id).

    "Bernardo Silva (born 1994-08-10)" -> ("Bernardo Silva", 1994-08-10, None); "265673" or
    "wyscout:265673" -> ("", None, "265673")."""
    text = query.strip()
    if m := _PROVIDER_ID.match(text):
        return "", None, m[2]
    if m := _BORN.match(text):
        try:
            return m[1].strip(), date.fromisoformat(m[2]), None
        except ValueError:
            pass
    return text, None, None


def resolve_players(
    query: str, players: Iterable[Mapping[str, Any]], birth_date: date | None = None
) -> list[NameMatch]:
    """The players a query may mean: one when it names one, several when it is ambiguous.

    Accepts a provider id and the "Name (born YYYY-MM-DD)" form. A single word that is one
    player's surname but also part of other players' names ("Silva") is ambiguous: every player
    whose name has the word is returned, so the user can choose."""
    pool = list(players)
    name, born, provider_id = parse_player_query(query)
    if provider_id is not None:
        return [NameMatch(p, 3) for p in pool if str(p.get("provider_id")) == provider_id]
    born = born or birth_date
    matches = find_players(name, pool, born)
    words = normalize_name(name).split()
    if len(matches) == 1 and born is None and len(words) == 1:
        word = words[0]
        namesakes = [
            p
            for p in pool
            if word in normalize_name(f"{p.get('first_name') or ''} {p.get('last_name') or ''}").split()
            or word in normalize_name(p.get("short_name") or "").split()
        ]
        if len(namesakes) > 1:
            best = matches[0].player
            return [matches[0]] + [NameMatch(p, 2) for p in namesakes if p is not best]
    return matches


def describe_player(player: Mapping[str, Any], club: str = "") -> str:
    """'Bernardo Silva (born 1994-08-10, Manchester City, midfielder, wyscout id 265673)': enough to
    choose between namesakes, and the id or the birth date to write to pick one."""
    roles = {"GK": "goalkeeper", "DF": "defender", "MD": "midfielder", "FW": "forward"}
    role = player.get("role") or ""
    short = player.get("short_name") or ""
    head = legal_name(player) or display_name(player)  # the registered name tells namesakes apart
    known_as = short and normalize_name(short) != normalize_name(head)
    parts = [
        f"known as {short}" if known_as else "",
        f"born {player.get('birth_date') or '?'}",
        club,
        roles.get(role, role),
        f"{player.get('provider')} id {player.get('provider_id')}",
    ]
    return f"{head} ({', '.join(p for p in parts if p)})"
