"""Settings (loanwatch.settings): one object, read in one function, in the order
argument > environment > file (LOANWATCH_CONFIG or ./loanwatch.toml) > default, on each key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loanwatch.cli import app
from loanwatch.errors import InvalidInput
from loanwatch.metrics import league
from loanwatch.settings import CONFIG_ENV, ENVIRONMENT, MIN_MINUTES, RETRAIN_GROWTH, Settings
from loanwatch.store.engine import resolve_store_url

# key -> (value in the file, value in the environment, value given as an argument, as read)
VALUES: dict[str, tuple[Any, str, Any]] = {
    "store": ("file.db", "env.db", "flag.db"),
    "alerts": ("file-alerts.toml", "env-alerts.toml", "flag-alerts.toml"),
    "eligibility": ("file-elig.toml", "env-elig.toml", "flag-elig.toml"),
    "rules": ("file-rules", "env-rules", "flag-rules"),
    "league_strength": ("file-strength.csv", "env-strength.csv", "flag-strength.csv"),
    "owner_leagues": ("file-owners.csv", "env-owners.csv", "flag-owners.csv"),
    "reference_league": ("Ligue 1", "Bundesliga", "Serie A"),
    "min_minutes": (600, "450", 300),
    "role": ("coach", "scout", "analyst"),
    "retrain_growth": (0.5, "0.3", 0.1),
    "dask_scheduler": ("tcp://file:8786", "tcp://env:8786", "tcp://flag:8786"),
    "session_idle_minutes": (45, "20", 10),
    "token_hours": (24, "6", 2),
    "secure_cookies": (True, "no", True),
}
DEFAULTS: dict[str, Any] = {
    "store": "loanwatch.db",
    "alerts": None,
    "eligibility": None,
    "rules": None,
    "league_strength": None,
    "owner_leagues": None,
    "reference_league": None,
    "min_minutes": MIN_MINUTES,
    "role": "director",
    "retrain_growth": RETRAIN_GROWTH,
    "dask_scheduler": None,
    "session_idle_minutes": 30,
    "token_hours": 12,
    "secure_cookies": False,
}
AS_READ = {
    "min_minutes": float,
    "retrain_growth": float,
    "session_idle_minutes": int,
    "token_hours": int,
    "secure_cookies": lambda v: v == "yes",
}


def _toml(values: dict[str, Any]) -> str:
    return "".join(
        f"{k} = {str(v).lower()}\n"
        if isinstance(v, bool)
        else f"{k} = {v!r}\n"
        if isinstance(v, int)
        else f'{k} = "{v}"\n'
        for k, v in values.items()
    )


def _plain(settings: Settings, key: str) -> Any:
    value = getattr(settings, key)
    return value.name if isinstance(value, Path) else Path(value).name if key == "store" else value


def test_every_key_has_its_variable_and_a_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./loanwatch.toml here
    assert set(VALUES) == set(ENVIRONMENT) == set(DEFAULTS)
    assert {k: getattr(Settings.load(environ={}), k) for k in DEFAULTS} == DEFAULTS
    assert MIN_MINUTES == 900


@pytest.mark.parametrize("key", list(VALUES))
def test_argument_over_environment_over_file_over_default(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./loanwatch.toml here
    in_file, in_env, given = VALUES[key]
    config = tmp_path / "conf" / "settings.toml"
    config.parent.mkdir()
    config.write_text(_toml({key: in_file}), encoding="utf-8")
    file_env = {CONFIG_ENV: str(config)}
    env = {**file_env, ENVIRONMENT[key]: in_env}

    default = Settings.load(environ={})
    assert getattr(default, key) == DEFAULTS[key] and default.source(key) == "default"
    from_file = Settings.load(environ=file_env)
    assert _plain(from_file, key) == in_file and from_file.source(key) == f"{key} in {config}"
    if key in ("store", "alerts", "eligibility", "rules", "league_strength", "owner_leagues"):
        # a relative path in the file is read from the file's folder
        assert str(getattr(from_file, key)) == str(config.parent / in_file)
    from_env = Settings.load(environ=env)
    expected_env = AS_READ[key](in_env) if key in AS_READ else in_env
    assert _plain(from_env, key) == expected_env and from_env.source(key) == ENVIRONMENT[key]
    given_over = Settings.load(environ=env, **{key: given})
    assert _plain(given_over, key) == given and given_over.source(key) == "argument"
    assert _plain(Settings.load(environ=env, **{key: None}), key) == expected_env  # None: not given
    # an empty variable counts as not set
    assert _plain(Settings.load(environ={**file_env, ENVIRONMENT[key]: ""}), key) == in_file


def test_the_file_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loanwatch.toml").write_text('store = "here.db"\nmin_minutes = 450\n', encoding="utf-8")
    settings = Settings.load(environ={})
    assert (settings.store, settings.min_minutes) == (str(tmp_path / "here.db"), 450)
    monkeypatch.delenv("LOANWATCH_STORE", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    assert resolve_store_url() == f"sqlite:///{tmp_path / 'here.db'}"
    assert resolve_store_url("flag.db") == f"sqlite:///{tmp_path / 'flag.db'}"


def test_the_loaders_read_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "strength.csv"
    own.write_text("competition,strength\nSerie A,1.0\nLigue 1,0.5\n", encoding="utf-8")
    (tmp_path / "loanwatch.toml").write_text(
        'league_strength = "strength.csv"\nreference_league = "Ligue 1"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    for var in (CONFIG_ENV, league.ENV_VAR, league.REFERENCE_ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    assert league.load_strengths() == {"Serie A": 1.0, "Ligue 1": 0.5}
    ref = league.resolve_reference("Chelsea")
    assert (ref.league, ref.source) == ("Ligue 1", "setting")
    passed = Settings.load(environ={}, reference_league="Serie A")
    assert league.resolve_reference("Chelsea", settings=passed).league == "Serie A"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("min_minuts = 600\n", "unknown setting 'min_minuts' (known: store, alerts,"),
        ("min_minutes = 'lots'\n", "min_minutes = 'lots': not a number of minutes"),
        ("min_minutes = -5\n", "not a number of minutes (0 or more)"),
        ("retrain_growth = 'often'\n", "retrain_growth = 'often': not a share of growth"),
        ("alerts = 3\n", "alerts = 3: not a file path"),
        ("store = [\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_a_clear_invalid_input(text: str, problem: str, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        Settings.load(environ={CONFIG_ENV: str(config)})
    assert str(err.value).startswith(f"settings file {config} (named by {CONFIG_ENV}): ")
    assert problem in str(err.value)


def test_bad_environment_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="LOANWATCH_MIN_MINUTES = 'many': not a number of minutes"):
        Settings.load(environ={"LOANWATCH_MIN_MINUTES": "many"})
    with pytest.raises(InvalidInput, match="no such file"):
        Settings.load(environ={CONFIG_ENV: str(tmp_path / "missing.toml")})
    with pytest.raises(TypeError):
        Settings.load(environ={}, colour="red")


def test_the_cli_says_what_is_wrong_with_the_settings_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "loanwatch.toml"
    config.write_text('store = "x.db"\nstrength = "mine.csv"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["portfolio", "list", "--store", str(tmp_path / "lw.db")],
        env={"COLUMNS": "200", CONFIG_ENV: str(config)},
    )
    assert result.exit_code == InvalidInput.exit_status == 2, result.output
    text = " ".join(result.output.split())
    assert text.startswith(f"settings file {config} (named by {CONFIG_ENV}): unknown setting 'strength'"), (
        text
    )
    assert "Traceback" not in result.output and not (tmp_path / "lw.db").exists()
