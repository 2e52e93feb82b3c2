"""The loan and squad-list rules as data: one TOML file per rule set, loaded into typed, frozen models.

The shipped files are in ``rules/`` beside this module (docs/rules.md says what each one says and
where its text was read). A club adds or replaces rule sets with its own folder of TOML files, named
by the setting ``rules`` (``LOANWATCH_RULES``, ``rules = "..."`` in loanwatch.toml): a file whose
``id`` is a shipped one replaces it, any other is added.

A rule set names its body (FIFA, FIGC, UEFA), what it governs (``applies_to``: the competitions,
or "international loans"), the seasons it is in force (``seasons``: ``first``, and ``last`` or
none: still in force), its source (document, edition, article, paragraph, the URL where the text
was read) and its rules, each a typed limit with the sentence it comes from (``quote``) and whether
that sentence was read (``verified``; when not, ``note`` says what was not found).

:func:`applicable` answers "which rule sets apply to X in season Y". A file that cannot be read or
does not fit the model is an :class:`~loanwatch.errors.InvalidInput` naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from loanwatch.domain import SEASON_START_MONTH, season_name
from loanwatch.errors import InvalidInput
from loanwatch.settings import Settings

SHIPPED_DIR = Path(__file__).with_name("rules")
_SEASON = re.compile(r"(\d{4})/(\d{2})")


def season_year(name: str) -> int:
    """The year a club season named like the store names it ('2017/18') starts in."""
    found = _SEASON.fullmatch(name.strip())
    if not found or (int(found[1]) + 1) % 100 != int(found[2]):
        raise ValueError(f"{name!r} is not a season written like 2017/18")
    return int(found[1])


def _season(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a season written like 2017/18")
    return season_name(date(season_year(value), SEASON_START_MONTH, 1))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Seasons(_Model):
    """From ``first`` to ``last`` (both included); ``last`` None: still in force."""

    first: str
    last: str | None = None

    @field_validator("first", "last", mode="before")
    @classmethod
    def _named(cls, value: object) -> str | None:
        return None if value is None else _season(value)

    @model_validator(mode="after")
    def _ordered(self) -> Seasons:
        if self.last is not None and season_year(self.last) < season_year(self.first):
            raise ValueError(f"last season {self.last} is before the first, {self.first}")
        return self

    def __contains__(self, season: str) -> bool:
        year = season_year(season)
        return season_year(self.first) <= year and (self.last is None or year <= season_year(self.last))


class Source(_Model):
    """Where a rule's text is: the document, its edition or date, article and paragraph, and the
    URL where it was read. ``primary`` False: read in a report of the text, not the text itself."""

    document: str
    edition: str
    article: str | None = None
    paragraph: str | None = None
    url: str
    primary: bool = True


class Exemption(_Model):
    """Players a limit does not count: ``young`` (by age) or ``club_trained``.

    A young player's age is given one of two ways: ``born_from_offset`` (born on or after 1 January
    of the season's first year minus it), or ``max_age`` with ``as_of`` saying when it is taken."""

    kind: Literal["young", "club_trained"]
    born_from_offset: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    as_of: str | None = None
    text: str

    @model_validator(mode="after")
    def _age_given(self) -> Exemption:
        ages = (self.born_from_offset is not None) + (self.max_age is not None)
        if self.kind == "young" and ages != 1:
            raise ValueError("a 'young' exemption gives born_from_offset or max_age (one of them)")
        if self.kind == "club_trained" and ages:
            raise ValueError("a 'club_trained' exemption takes no age")
        return self

    def born_on_or_after(self, season: str) -> date | None:
        """The earliest birth date that is exempt in ``season`` (None: not an exemption by birth date)."""
        if self.born_from_offset is None:
            return None
        return date(season_year(season) - self.born_from_offset, 1, 1)


class _Rule(_Model):
    id: str
    quote: str
    verified: bool
    note: str | None = Field(default=None, validate_default=True)
    article: str | None = None  # when it differs from the rule set's source
    paragraph: str | None = None
    url: str | None = None  # where the quote was read, when not the source's URL

    @field_validator("note")
    @classmethod
    def _unverified_says_why(cls, note: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("verified") is False and not note:
            raise ValueError("a rule that is not verified needs a note saying what was not found")
        return note


class Step(_Model):
    """One value of a limit that changes over the seasons (a transitional cap)."""

    seasons: Seasons
    max: int = Field(ge=0)


class LoanCap(_Rule):
    """At most ``max`` professionals loaned ``direction`` (out, in: each counted alone), counted
    ``at_any_time`` during the season or ``per_season`` (operations), not counting the exempt."""

    kind: Literal["loan_cap"]
    direction: tuple[Literal["out", "in"], ...] = ("out", "in")
    counted: Literal["at_any_time", "per_season"]
    steps: tuple[Step, ...] = Field(min_length=1)
    exemptions: tuple[Exemption, ...] = ()

    @model_validator(mode="after")
    def _steps_do_not_overlap(self) -> LoanCap:
        for one, other in zip(self.steps, self.steps[1:], strict=False):
            if one.seasons.last is None or season_year(other.seasons.first) <= season_year(one.seasons.last):
                raise ValueError(f"rule {self.id!r}: its steps overlap or are not in season order")
        return self

    def max_in(self, season: str) -> int | None:
        """The cap in ``season`` (None: no step covers it)."""
        return next((step.max for step in self.steps if season in step.seasons), None)


class SameClubCap(_Rule):
    """At most ``max_out_to`` professionals loaned out to one club and ``max_in_from`` loaned in
    from one club, at any given time, not counting the ``exemptions``.

    ``unsettled_exemptions``: exemptions the text read neither applies to this limit nor excludes
    from it (FIFA's, said of "these limitations" after both limits): a player one of them would
    exempt cannot be told, counted in ``possible`` and never for sure."""

    kind: Literal["same_club_cap"]
    max_out_to: int = Field(ge=0)
    max_in_from: int = Field(ge=0)
    exemptions: tuple[Exemption, ...] = ()
    unsettled_exemptions: tuple[Exemption, ...] = ()


class Duration(_Rule):
    """A loan lasts at most ``max_months``, and at least (``min_between_registration_periods``)
    the time between two registration periods."""

    kind: Literal["duration"]
    min_between_registration_periods: bool = False
    max_months: int = Field(ge=1)


class NoSubLoan(_Rule):
    """A player on loan may not be loaned on to a third club."""

    kind: Literal["no_sub_loan"]


class WrittenAgreement(_Rule):
    """The loan is made in writing; ``terms`` are what the agreement must set out."""

    kind: Literal["written_agreement"]
    terms: tuple[str, ...] = ()


class SquadList(_Rule):
    """A list of at most ``max_players`` (the players it counts: not the ``exemptions``), of which
    ``locally_trained_places`` are reserved for locally trained players (club- or association-
    trained), at most ``max_association_trained`` of them association-trained. Places reserved and
    not filled cannot be taken by others."""

    kind: Literal["squad_list"]
    list_name: str
    max_players: int = Field(ge=1)
    locally_trained_places: int = Field(ge=0)
    max_association_trained: int = Field(ge=0)
    exemptions: tuple[Exemption, ...] = ()

    @property
    def min_club_trained(self) -> int:
        """Places of the reserved ones only club-trained players can fill."""
        return self.locally_trained_places - self.max_association_trained


class UnlimitedList(_Rule):
    """A list with no cap on its number, of young players who meet ``condition`` (UEFA's List B)."""

    kind: Literal["unlimited_list"]
    list_name: str
    young: Exemption
    condition: str


Rule = Annotated[
    LoanCap | SameClubCap | Duration | NoSubLoan | WrittenAgreement | SquadList | UnlimitedList,
    Field(discriminator="kind"),
]


class RuleSet(_Model):
    """One rule set: one body's rules on one matter, for the seasons they are in force."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    body: str
    applies_to: tuple[str, ...] = Field(min_length=1)
    seasons: Seasons
    source: Source
    rules: tuple[Rule, ...] = Field(min_length=1)
    file: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> RuleSet:
        ids = [rule.id for rule in self.rules]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"rule ids used twice: {', '.join(twice)}")
        return self

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"rule set {self.id!r} has no rule {rule_id!r}")

    def governs(self, what: str) -> bool:
        """Whether it applies to ``what``: its body, or one of ``applies_to`` (case and spaces aside)."""
        wanted = " ".join(what.split()).casefold()
        return wanted in {" ".join(name.split()).casefold() for name in (self.body, *self.applies_to)}


def _where(error: ErrorDetails) -> str:
    """The key an error is about, as the file writes it: ``rules[0].steps[1].max``."""
    parts: list[str] = []
    for part in error["loc"]:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        elif part not in _KINDS:
            parts.append(part)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        parts.append("kind")
    return ".".join(parts) or "(top)"


# the discriminator's values: a branch name in an error's location, not a key of the file
_KINDS = frozenset(get_args(m.model_fields["kind"].annotation)[0] for m in get_args(get_args(Rule)[0]))


def load_file(path: Path) -> RuleSet:
    """One rule set file. One that cannot be read or does not fit: invalid input naming it and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(
            f"rule set {path}: cannot be read ({getattr(err, 'strerror', None) or err})"
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"rule set {path}: not valid TOML ({err})") from None
    try:
        return RuleSet.model_validate({**data, "file": path})
    except ValidationError as err:
        errors = err.errors()
        # a list that came out empty because its one item failed is that item's error, not another
        own = [
            e for e in errors if not any(o["loc"][: len(e["loc"])] == e["loc"] != o["loc"] for o in errors)
        ]
        more = f" (and {len(own) - 1} more)" if len(own) > 1 else ""
        raise InvalidInput(f"rule set {path}: {_where(own[0])}: {own[0]['msg']}{more}") from None


def _folder(folder: Path) -> list[RuleSet]:
    if not folder.is_dir():
        raise InvalidInput(f"rules folder {folder}: no such folder")
    return [load_file(path) for path in sorted(folder.glob("*.toml"))]


def load_rulesets(
    folder: Path | str | None = None, *, settings: Settings | None = None
) -> tuple[RuleSet, ...]:
    """The shipped rule sets, with the club's own (``folder``, else the setting ``rules``) over them:
    a club file whose id is a shipped one replaces it."""
    by_id: dict[str, RuleSet] = {}
    for ruleset in _folder(SHIPPED_DIR):
        by_id[ruleset.id] = ruleset
    club = folder if folder is not None else (settings or Settings.load()).rules
    if club is not None:
        own: dict[str, Path] = {}
        for ruleset in _folder(Path(club)):
            if ruleset.id in own:
                raise InvalidInput(
                    f"rule set {ruleset.file}: id {ruleset.id!r} is also the id of {own[ruleset.id]}"
                )
            own[ruleset.id] = ruleset.file or Path(club)
            by_id[ruleset.id] = ruleset
    return tuple(by_id.values())


def applicable(what: str, season: str, rulesets: Iterable[RuleSet] | None = None) -> list[RuleSet]:
    """The rule sets in force in ``season`` that apply to ``what`` (a body, a competition, or what a
    rule set governs, e.g. "international loans")."""
    try:
        season_year(season)
    except ValueError as err:
        raise InvalidInput(f"season {season!r}: {err}") from None
    chosen: Sequence[RuleSet] = tuple(rulesets) if rulesets is not None else load_rulesets()
    return [ruleset for ruleset in chosen if ruleset.governs(what) and season in ruleset.seasons]


__all__ = [
    "SHIPPED_DIR",
    "Duration",
    "Exemption",
    "LoanCap",
    "NoSubLoan",
    "Rule",
    "RuleSet",
    "SameClubCap",
    "Seasons",
    "Source",
    "SquadList",
    "Step",
    "UnlimitedList",
    "WrittenAgreement",
    "applicable",
    "load_file",
    "load_rulesets",
    "season_year",
]
