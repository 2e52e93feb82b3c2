"""A loan contract's words, read as rules: what counts as an appearance for an obligation trigger,
and when a recall window is open. Pure.

This module is THE trigger parser of loanwatch: the loan-list importer stores what
``AppearanceRule.parse`` reads (``trigger_appearances``) and tracking counts with the same rule.

Appearances, as ``AppearanceRule.parse`` reads the trigger (Italian, English or French; the number
in digits or in words up to ninety-nine: "dieci presenze", "twenty apps", "vingt-cinq matchs"):

- "10 appearances", "10 presenze", "10 gare disputate", "10 matchs joués", "10 apps": 10 matches on
  the pitch (started or came on, any minutes) for the host club, in league matches, during the
  spell. This is the default reading of "appearance".
- "10 starts", "10 partite da titolare", "10 titularisations": only matches he started.
- "... of at least 45 minutes", "... di almeno 45 minuti", "... d'au moins 45 minutes", "45'+":
  only matches with that many minutes played.
- "official" / "ufficiali" / "officiels" / "all competitions" / "tutte le competizioni" /
  "toutes compétitions": every competition of the host club we hold data for, not only the league.

A trigger with words but no count we can read (``count`` None) is kept as text; the importer
warns about it, naming the row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from loanwatch.domain import SEASON_START_MONTH, AppearanceStatus, season_start_year
from loanwatch.portfolio.names import strip_accents
from loanwatch.tracking.timeline import MatchLine


def _fold(text: str) -> str:
    return strip_accents(text).casefold()


# -- numbers written in words (it, en, fr), 1 to 99 ------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _number_words() -> dict[str, int]:
    words: dict[str, int] = {}
    en_units = _words("one two three four five six seven eight nine")
    en_teens = _words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
    en_tens = _words("twenty thirty forty fifty sixty seventy eighty ninety")
    it_units = _words("uno due tre quattro cinque sei sette otto nove")
    it_teens = (
        _words("dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove")
    )
    it_tens = _words("venti trenta quaranta cinquanta sessanta settanta ottanta novanta")
    fr_units = _words("un deux trois quatre cinq six sept huit neuf")
    fr_teens = _words("dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf")
    fr_tens = _words("vingt trente quarante cinquante soixante")
    for units, teens, tens in ((en_units, en_teens, en_tens), (it_units, it_teens, it_tens)):
        words.update({w: i for i, w in enumerate(units, 1)})
        words.update({w: i for i, w in enumerate(teens, 10)})
        for t, ten in enumerate(tens, 2):
            words[ten] = 10 * t
            for u, unit in enumerate(units, 1):
                if units is en_units:
                    words[f"{ten}-{unit}"] = words[f"{ten} {unit}"] = 10 * t + u
                else:  # Italian elides the tens' vowel before uno and otto: ventuno, ventotto
                    stem = ten[:-1] if unit in ("uno", "otto") else ten
                    words[stem + unit] = 10 * t + u
    words["una"] = words["un"] = words["une"] = 1
    words.update({w: i for i, w in enumerate(fr_units, 1)})
    words.update({w: i for i, w in enumerate(fr_teens, 10)})
    for t, ten in enumerate(fr_tens, 2):
        words[ten] = 10 * t
        for u, unit in enumerate(fr_units, 1):
            words[f"{ten}-{unit}"] = 10 * t + u
        words[f"{ten} et un"] = words[f"{ten}-et-un"] = 10 * t + 1
    for u, teen in enumerate(fr_teens):  # soixante-dix .. soixante-dix-neuf
        words[f"soixante-{teen}"] = 70 + u
    words["soixante et onze"] = 71
    words["quatre-vingts"] = words["quatre-vingt"] = 80
    for u, unit in enumerate(fr_units + fr_teens, 1):
        words[f"quatre-vingt-{unit}"] = 80 + u
    # Hyphens and spaces are the same in a written trigger: "vingt-cinq", "vingt cinq".
    return {k.replace("-", " "): v for k, v in words.items()} | words


NUMBER_WORDS: dict[str, int] = _number_words()
_NUMBER_WORD = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\w-])"
)


def digits_for_words(text: str) -> str:
    """'dieci presenze' -> '10 presenze' (text already folded: lower case, no accents)."""
    return _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m[1]]), text)


_COUNTED = (
    r"(?:appearances?|apps?|caps?|matches|match|matchs|games?|starts?|presenze|presenza|partite|partita"
    r"|gare|gara|gettoni|gettone|incontri|titolarit[a]?|rencontres?|apparitions?|titularisations?)"
)
_BETWEEN = r"(?:\s+(?:official|ufficiali|league|officiels?|de\s+championnat|di\s+campionato|de))?"
_NUMBER_FIRST = re.compile(rf"(\d+)\s*{_BETWEEN}\s*{_COUNTED}\b")
_WORDS_FIRST = re.compile(rf"\b{_COUNTED}\s*[:=]?\s*(\d+)\b")
_STARTS = re.compile(
    r"\bstarts?\b|\bstarting\b|titolar|\bfrom the start\b|\bdall'inizio\b|titulari|\btitulaire"
)
_MINUTES = re.compile(
    r"(?:at\s+least|minimum(?:\s+of)?|min\.?|almeno|di\s+almeno|au\s+moins|>=|≥)\s*(\d+)\s*"
    r"(?:'|min|minutes|minuti)"
    r"|(\d+)\s*(?:'|min|minutes|minuti)\s*\+|(\d+)\s*\+\s*(?:'|min|minutes|minuti)"
)
_ALL_COMPETITIONS = re.compile(
    r"\bofficial\b|\bufficial|\ball competitions\b|\btutte le competizioni\b|\bany competition\b"
    r"|\bofficiels?\b|\btoutes (?:les )?competitions\b"
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
        """Read the trigger's words; ``count`` (what the store holds) is used when the words have
        no number we recognise."""
        text = digits_for_words(_fold(words or ""))
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


def trigger_count(words: str) -> int | None:
    """The number of appearances a trigger asks for ("dieci presenze" -> 10), None when it asks
    for none we can read. What the importer stores as ``trigger_appearances``."""
    return AppearanceRule.parse(words).count


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
    return spell_start.year + (1 if month < SEASON_START_MONTH <= spell_start.month else 0)


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
    seasons = range(season_start_year(start_d), end_d.year + 1)
    months = [n for word, n in _MONTHS.items() if re.search(rf"\b{word}\b", clause)]
    windows: list[tuple[date, date]] = []
    if months and not _WINTER.search(clause.replace("january", "").replace("gennaio", "")):
        for season in seasons:
            for month in sorted(set(months)):
                year = season + (1 if month < SEASON_START_MONTH else 0)
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
