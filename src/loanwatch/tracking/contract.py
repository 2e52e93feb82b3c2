"""A loan contract's words, read as rules: what counts as an appearance for an obligation trigger,
and when a recall window is open. Pure.

Appearances, as ``AppearanceRule.parse`` reads the trigger:

- "10 appearances", "10 presenze", "10 apps", "10 partite": 10 matches on the pitch (started or came
  on, any minutes) for the host club, in league matches, during the spell. This is the default
  reading of "appearance".
- "10 starts", "10 partite da titolare", "10 presenze da titolare": only matches he started.
- "... of at least 45 minutes", "... di almeno 45 minuti", "45'+": only matches with that many
  minutes played.
- "official" / "ufficiali" / "all competitions" / "tutte le competizioni": every competition of the
  host club we hold data for, not only the league.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from loanwatch.domain import AppearanceStatus
from loanwatch.tracking.timeline import MatchLine


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


_COUNTED = r"(?:appearances?|apps?|presenze|presenza|partite|gettoni|matches|games|starts?|titolarit[a]?)"
_NUMBER_FIRST = re.compile(rf"(\d+)\s*(?:official\s+|ufficiali\s+|league\s+)?{_COUNTED}")
_WORDS_FIRST = re.compile(rf"\b{_COUNTED}\s*[:=]?\s*(\d+)\b")
_STARTS = re.compile(r"\bstarts?\b|\bstarting\b|titolar|\bfrom the start\b|\bdall'inizio\b")
_MINUTES = re.compile(
    r"(?:at\s+least|minimum(?:\s+of)?|min\.?|almeno|di\s+almeno|>=|≥)\s*(\d+)\s*(?:'|min|minutes|minuti)"
    r"|(\d+)\s*(?:'|min|minutes|minuti)\s*\+|(\d+)\s*\+\s*(?:'|min|minutes|minuti)"
)
_ALL_COMPETITIONS = re.compile(
    r"\bofficial\b|\bufficial|\ball competitions\b|\btutte le competizioni\b|\bany competition\b"
)


@dataclass(frozen=True)
class AppearanceRule:
    """What the contract counts, and how many it takes."""

    count: int | None  # None: the trigger does not count appearances
    starts_only: bool = False
    min_minutes: float = 0.0
    league_only: bool = True
    words: str = ""

    @classmethod
    def parse(cls, words: str, count: int | None = None) -> AppearanceRule:
        """Read the trigger's words; ``count`` (the importer's parse) is used when the words have
        no number we recognise."""
        text = _fold(words or "")
        m = _NUMBER_FIRST.search(text) or _WORDS_FIRST.search(text)
        number = int(m[1]) if m else count
        minutes = 0.0
        if mm := _MINUTES.search(text):
            minutes = float(next(g for g in mm.groups() if g))
        return cls(
            count=number,
            starts_only=bool(_STARTS.search(text)),
            min_minutes=minutes,
            league_only=not _ALL_COMPETITIONS.search(text),
            words=words or "",
        )

    def describe(self) -> str:
        if self.count is None:
            return "no appearance trigger"
        what = "starts" if self.starts_only else "appearances (started or came on)"
        more = f" of at least {self.min_minutes:g} minutes" if self.min_minutes else ""
        where = "in league matches" if self.league_only else "in every competition"
        return f"{self.count} {what}{more} for the host club {where} during the spell"

    def counts(self, line: MatchLine, league: str = "") -> bool:
        if self.league_only and league and _fold(line.competition) != _fold(league):
            return False
        if self.starts_only:
            if line.status != AppearanceStatus.STARTED:
                return False
        elif not line.appeared:
            return False
        return line.minutes >= self.min_minutes

    def progress(self, lines: Sequence[MatchLine], league: str = "") -> list[int]:
        """The running count after each line."""
        out, n = [], 0
        for line in lines:
            n += self.counts(line, league)
            out.append(n)
        return out


def appearance_rule(spell: Mapping[str, Any]) -> AppearanceRule:
    return AppearanceRule.parse(spell.get("obligation_trigger") or "", spell.get("trigger_appearances"))


# -- recall windows -------------------------------------------------------------------------------

_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            start=1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            (
                "gennaio",
                "febbraio",
                "marzo",
                "aprile",
                "maggio",
                "giugno",
                "luglio",
                "agosto",
                "settembre",
                "ottobre",
                "novembre",
                "dicembre",
            ),
            start=1,
        )
    },
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b")
_WINTER = re.compile(r"\bwinter\b|\binvernale\b|\bmid-?season\b|\bjanuary\b|\bgennaio\b")
_SUMMER = re.compile(r"\bsummer\b|\bestiv")


def _season_year(spell_start: date, month: int) -> int:
    """The calendar year a month falls in for a season starting at ``spell_start``."""
    return spell_start.year + (1 if month < 7 <= spell_start.month else 0)


def recall_windows(
    spell: Mapping[str, Any], default_start: str = "01-02", default_end: str = "01-31"
) -> list[tuple[date, date]]:
    """The windows in which the parent club can recall the player, from the recall clause.

    Two dates ("2018-01-02 to 2018-01-31", "dal 2/1 al 31/1"): that window. A month name
    ("January", "gennaio"): that month, each season of the spell. "winter" / "invernale": the
    default window (``default_start``-``default_end``, month-day) each season. Any other clause:
    the default window. No clause: none."""
    clause = _fold(spell.get("recall_clause") or "")
    if not clause.strip():
        return []
    start_d, end_d = spell["start_date"], spell["end_date"]
    iso = [date(int(y), int(m), int(d)) for y, m, d in _ISO_DATE.findall(clause)]
    if len(iso) >= 2:
        return [(iso[0], iso[1])]
    if len(iso) == 0:
        dmy = _DMY_DATE.findall(clause)
        if len(dmy) >= 2:
            out = []
            (d1, m1, y1), (d2, m2, y2) = dmy[:2]
            y_a = int(y1) if y1 else _season_year(start_d, int(m1))
            y_b = int(y2) if y2 else _season_year(start_d, int(m2))
            y_a += 2000 if y_a < 100 else 0
            y_b += 2000 if y_b < 100 else 0
            out.append((date(y_a, int(m1), int(d1)), date(y_b, int(m2), int(d2))))
            return out
    seasons = range(start_d.year if start_d.month >= 7 else start_d.year - 1, end_d.year + 1)
    months = [n for word, n in _MONTHS.items() if re.search(rf"\b{word}\b", clause)]
    windows: list[tuple[date, date]] = []
    if months and not _WINTER.search(clause.replace("january", "").replace("gennaio", "")):
        for season in seasons:
            for month in sorted(set(months)):
                year = season + (1 if month < 7 else 0)
                last = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
                windows.append((date(year, month, 1), date.fromordinal(last)))
    else:
        sm, sd = (int(x) for x in default_start.split("-"))
        em, ed = (int(x) for x in default_end.split("-"))
        if _SUMMER.search(clause) and not _WINTER.search(clause):
            sm, sd, em, ed = 7, 1, 8, 31
        for season in seasons:
            ys = season + (1 if sm < 7 else 0)
            ye = season + (1 if em < 7 else 0)
            windows.append((date(ys, sm, sd), date(ye, em, ed)))
    return [(a, b) for a, b in windows if b >= start_d and a <= end_d]
