"""Alert rules' settings: the documented defaults (``alerts.toml`` beside this file), a club's own
file over them, and per-parent-club overrides (``[clubs."Juventus".out_of_squad]``).

Pure apart from reading the TOML files it is pointed at.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loanwatch.errors import InvalidInput
from loanwatch.settings import ENVIRONMENT, Settings

DEFAULTS_FILE = Path(__file__).with_name("alerts.toml")
ENV_VAR = ENVIRONMENT["alerts"]
ELIGIBILITY_FILE = Path(__file__).with_name("eligibility.toml")
ELIGIBILITY_ENV_VAR = ENVIRONMENT["eligibility"]
SEVERITIES = ("info", "warning", "critical")


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class AlertConfig:
    """The rules' settings; ``for_club`` gives the ones that apply to one parent club."""

    rules: dict[str, dict[str, Any]]
    clubs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def rule(self, name: str) -> dict[str, Any]:
        return self.rules[name]

    @property
    def lookback_days(self) -> int:
        return int(self.rules.get("general", {}).get("lookback_days", 7))

    def for_club(self, parent_club: str | None) -> AlertConfig:
        if not parent_club:
            return self
        wanted = parent_club.strip().casefold()
        for name, over in self.clubs.items():
            if name.strip().casefold() == wanted:
                return AlertConfig(_merge(self.rules, over))
        return self

    def with_overrides(self, overrides: Mapping[str, Any]) -> AlertConfig:
        """A copy with some settings changed: ``{"out_of_squad": {"matches": 2}}``."""
        data = dict(overrides)
        clubs = _merge(self.clubs, data.pop("clubs", {}))
        return AlertConfig(_merge(self.rules, data), clubs)


def _validate(rules: Mapping[str, Any]) -> None:
    for name, rule in rules.items():
        if not isinstance(rule, Mapping):
            raise ValueError(f"alert settings: [{name}] must be a table")
        for key, value in rule.items():
            if key.endswith("severity") and value not in SEVERITIES:
                raise ValueError(f"alert settings: {name}.{key} = {value!r}, not one of {SEVERITIES}")


def _read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """A club's settings file: a missing, unreadable or malformed file is invalid input naming it."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InvalidInput(f"{what} {path}: {getattr(err, 'strerror', None) or err}") from None


def load_config(path: str | Path | None = None, *, settings: Settings | None = None) -> AlertConfig:
    """The defaults, with ``path`` (or the setting ``alerts``: ``LOANWATCH_ALERTS``, loanwatch.toml)
    over them."""
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    user_path = path or (settings or Settings.load()).alerts
    if user_path:
        data = _merge(data, _read_toml(user_path, "alert settings"))
    clubs = data.pop("clubs", {})
    _validate(data)
    for over in clubs.values():
        _validate(over)
    return AlertConfig(data, clubs)


def load_owner_rules(path: str | Path | None = None, *, settings: Settings | None = None) -> frozenset[str]:
    """The competitions (casefolded names) whose rules bar a loanee from playing his owner club:
    ``eligibility.toml`` beside this file, with ``path`` (or the setting ``eligibility``:
    ``LOANWATCH_ELIGIBILITY``, loanwatch.toml) over it."""
    data = tomllib.loads(ELIGIBILITY_FILE.read_text(encoding="utf-8"))
    user_path = path or (settings or Settings.load()).eligibility
    if user_path:
        data = _merge(data, _read_toml(user_path, "eligibility settings"))
    out = set()
    for name, setting in (data.get("competitions") or {}).items():
        if not isinstance(setting, Mapping) or not isinstance(setting.get("owner_club_rule", False), bool):
            raise ValueError(
                f"eligibility settings: [competitions.{name!r}] owner_club_rule must be true or false"
            )
        if setting.get("owner_club_rule"):
            out.add(str(name).strip().casefold())
    return frozenset(out)
