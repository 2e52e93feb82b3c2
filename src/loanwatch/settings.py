"""loanwatch's settings: one object, read in one function (:meth:`Settings.load`).

Each setting is taken from the first of:

1. an explicit value (a command-line flag, an argument of the Python API): ``Settings.load(key=value)``;
   ``None`` means "not given";
2. the environment (an empty variable counts as not set);
3. a TOML file: the one named by ``LOANWATCH_CONFIG``, else ``./loanwatch.toml`` when it exists
   (paths in it are relative to the file's folder);
4. the default.

===================  ============================  ====================  ===============================
key (TOML)           environment                   default               what
===================  ============================  ====================  ===============================
``store``            ``LOANWATCH_STORE``           ``loanwatch.db``      a SQLite file path or a URL
``alerts``           ``LOANWATCH_ALERTS``          (none)                a club's alert overrides (TOML)
``eligibility``      ``LOANWATCH_ELIGIBILITY``     (none)                owner-club rule overrides (TOML)
``rules``            ``LOANWATCH_RULES``           (none: the shipped)   a club's rule sets (a folder of TOML)
``league_strength``  ``LOANWATCH_LEAGUE_STRENGTH`` (none: the shipped)   the league strength table (CSV)
``owner_leagues``    ``LOANWATCH_OWNER_LEAGUES``   (none: the shipped)   owner clubs' leagues (CSV)
``reference_league`` ``LOANWATCH_REFERENCE_LEAGUE`` (none: per owner)    the league figures are scaled to
``min_minutes``      ``LOANWATCH_MIN_MINUTES``     ``900``               minutes to be in a peer group
``role``             ``LOANWATCH_ROLE``            ``director``          the role the local user acts as
                                                                         (access.py: admin, director,
                                                                         coach, scout, analyst)
``retrain_growth``   ``LOANWATCH_RETRAIN_GROWTH``  ``0.2``               `update` retrains the models when
                                                                         the matches grew by this share
                                                                         since they were trained (0: never)
``dask_scheduler``   ``LOANWATCH_DASK_SCHEDULER``  (none: serial)        a Dask scheduler (tcp://host:8786)
                                                                         the metrics steps run on
``session_idle_minutes`` ``LOANWATCH_SESSION_IDLE_MINUTES`` ``30``       the web app: a session unused this
                                                                         long ends (docs/web.md)
``token_hours``      ``LOANWATCH_TOKEN_HOURS``     ``12``                the web app: an API token's life
``secure_cookies``   ``LOANWATCH_SECURE_COOKIES``  ``false``             the web app: cookies ``Secure``
                                                                         even on plain HTTP (behind an
                                                                         HTTPS proxy); HTTPS always is
===================  ============================  ====================  ===============================

A file that cannot be read, a key it does not know, a value of the wrong kind: an
:class:`~loanwatch.errors.InvalidInput` naming the file (or the variable) and the key. This is
the only module of loanwatch that reads the environment for settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from loanwatch.access import DEFAULT_ROLE, Role, role_of
from loanwatch.errors import InvalidInput

MIN_MINUTES = 900  # minutes a player needs to be in a peer group: the one default
RETRAIN_GROWTH = 0.2  # `update` retrains when the matches grew by 20% since the models were trained
DEFAULT_STORE_FILE = "loanwatch.db"
CONFIG_ENV = "LOANWATCH_CONFIG"
CONFIG_FILE = "loanwatch.toml"

# key -> the environment variable that sets it
ENVIRONMENT: dict[str, str] = {
    "store": "LOANWATCH_STORE",
    "alerts": "LOANWATCH_ALERTS",
    "eligibility": "LOANWATCH_ELIGIBILITY",
    "rules": "LOANWATCH_RULES",
    "league_strength": "LOANWATCH_LEAGUE_STRENGTH",
    "owner_leagues": "LOANWATCH_OWNER_LEAGUES",
    "reference_league": "LOANWATCH_REFERENCE_LEAGUE",
    "min_minutes": "LOANWATCH_MIN_MINUTES",
    "role": "LOANWATCH_ROLE",
    "retrain_growth": "LOANWATCH_RETRAIN_GROWTH",
    "dask_scheduler": "LOANWATCH_DASK_SCHEDULER",
    "session_idle_minutes": "LOANWATCH_SESSION_IDLE_MINUTES",
    "token_hours": "LOANWATCH_TOKEN_HOURS",
    "secure_cookies": "LOANWATCH_SECURE_COOKIES",
}
_PATHS = frozenset({"alerts", "eligibility", "rules", "league_strength", "owner_leagues"})
_COUNTS = frozenset({"session_idle_minutes", "token_hours"})  # whole numbers, 1 or more
_TRUE, _FALSE = frozenset({"true", "yes", "1", "on"}), frozenset({"false", "no", "0", "off"})


@dataclass(frozen=True)
class Settings:
    store: str = DEFAULT_STORE_FILE
    alerts: Path | None = None
    eligibility: Path | None = None
    rules: Path | None = None  # a folder of the club's rule sets (loanwatch.market.rulesets)
    league_strength: Path | None = None
    owner_leagues: Path | None = None
    reference_league: str | None = None
    min_minutes: float = MIN_MINUTES
    role: str = DEFAULT_ROLE.value  # the person at the terminal owns the store (access.py)
    retrain_growth: float = RETRAIN_GROWTH  # 0: `update` never retrains (`models train --retrain` does)
    dask_scheduler: str | None = None  # tcp://host:8786: metrics steps on that Dask cluster
    session_idle_minutes: int = 30  # the web app (docs/web.md): a session unused this long ends
    token_hours: int = 12  # an API token's life (POST /api/v1/token)
    secure_cookies: bool = False  # cookies marked Secure on plain HTTP too (HTTPS always is)
    # key -> where its value came from, in words ("LOANWATCH_STORE", "min_minutes in ./loanwatch.toml")
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def source(self, key: str) -> str:
        """Where ``key``'s value came from: "argument", an environment variable, "KEY in FILE", "default"."""
        return self.sources.get(key, "default")

    @classmethod
    def load(cls, *, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings: explicit ``overrides`` (None = not given) > environment > file > default.

        ``environ`` replaces ``os.environ`` (for tests and embedding)."""
        env = os.environ if environ is None else environ
        unknown = set(overrides) - set(ENVIRONMENT)
        if unknown:
            raise TypeError(f"Settings.load() got unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        file_path = env.get(CONFIG_ENV) or ""
        if file_path or Path(CONFIG_FILE).is_file():
            for key, value in _read_file(
                Path(file_path or CONFIG_FILE), named_by_env=bool(file_path)
            ).items():
                values[key] = value
                sources[key] = f"{key} in {file_path or CONFIG_FILE}"
        for key, var in ENVIRONMENT.items():
            text = (env.get(var) or "").strip()
            if text:
                values[key] = _convert(key, text, var, base=None)
                sources[key] = var
        for key, value in overrides.items():
            if value is not None:
                values[key] = _convert(key, value, "argument", base=None)
                sources[key] = "argument"
        return replace(cls(), **values, sources=sources)


def _read_file(path: Path, *, named_by_env: bool) -> dict[str, Any]:
    where = f"{path} (named by {CONFIG_ENV})" if named_by_env else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"settings file {where}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"settings file {where}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"settings file {where}: not valid TOML ({err})") from None
    unknown = [k for k in data if k not in ENVIRONMENT]
    if unknown:
        raise InvalidInput(
            f"settings file {where}: unknown setting {', '.join(repr(k) for k in unknown)} "
            f"(known: {', '.join(ENVIRONMENT)})"
        )
    base = path.resolve().parent
    return {
        key: _convert(key, value, f"settings file {where}: {key}", base=base) for key, value in data.items()
    }


def _convert(key: str, value: Any, where: str, *, base: Path | None) -> Any:
    """``value`` as the kind ``key`` holds; ``base`` resolves a relative path (a file's folder)."""
    if key == "min_minutes":
        if isinstance(value, bool):
            raise InvalidInput(f"{where} = {value!r}: not a number of minutes")
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{where} = {value!r}: not a number of minutes") from None
        if not minutes >= 0:
            raise InvalidInput(f"{where} = {value!r}: not a number of minutes (0 or more)")
        return int(minutes) if minutes.is_integer() else minutes
    if key == "retrain_growth":
        try:
            growth = float(value) if not isinstance(value, bool) else float("nan")
        except (TypeError, ValueError):
            growth = float("nan")
        if not growth >= 0:
            raise InvalidInput(f"{where} = {value!r}: not a share of growth (0 or more, e.g. 0.2)")
        return growth
    if key in _COUNTS:
        if isinstance(value, bool) or not str(value).strip().isdigit() or int(str(value)) < 1:
            raise InvalidInput(f"{where} = {value!r}: not a whole number (1 or more)")
        return int(str(value))
    if key == "secure_cookies":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in _TRUE | _FALSE:
            raise InvalidInput(f"{where} = {value!r}: not true or false")
        return text in _TRUE
    if key == "role":
        try:
            return role_of(str(value)).value
        except InvalidInput:
            raise InvalidInput(
                f"{where} = {value!r}: not a role ({', '.join(r.value for r in Role)})"
            ) from None
    if key in _PATHS:
        if not isinstance(value, str | os.PathLike) or not str(value).strip():
            raise InvalidInput(f"{where} = {value!r}: not a file path")
        path = Path(value).expanduser()
        return base / path if base is not None and not path.is_absolute() else path
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} = {value!r}: not a text")
    if key == "store" and base is not None and "://" not in value and not Path(value).is_absolute():
        return str(base / value)
    return value.strip()


__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILE",
    "DEFAULT_STORE_FILE",
    "ENVIRONMENT",
    "MIN_MINUTES",
    "RETRAIN_GROWTH",
    "Settings",
]
