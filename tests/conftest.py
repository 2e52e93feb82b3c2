"""Shared fixtures: stores built from the real sample data shipped in ``data/``.

The session stores are read-only for tests: a test that changes a store builds its own in tmp_path.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from loanwatch.api import SAMPLE_DATA, SAMPLE_PORTFOLIO, Loanwatch
from loanwatch.services.models import LoanSpell, LoanTerms

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wyscout-2017-18"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Loanwatch:
    """The whole shipped sample (Serie A 2017/18, Schalke's Bundesliga matches) in a SQLite store."""
    store = tmp_path_factory.mktemp("store") / "loanwatch.db"
    lw = Loanwatch(str(store))
    summary = lw.ingest([SAMPLE_DATA])
    assert summary.rejected == 0, summary.errors
    return lw


@pytest.fixture(scope="session")
def with_portfolio(ingested: Loanwatch) -> Loanwatch:
    """The sample store with the example loan list imported."""
    ingested.import_portfolio(SAMPLE_PORTFOLIO)
    return ingested


def terms_of(spell: LoanSpell) -> LoanTerms:
    """A spell's contract terms, read as the director (who sees them: never None for him)."""
    assert spell.terms is not None, f"no terms on {spell.player_name}'s spell: read as a role that sees them"
    return spell.terms


def copy_sample(dest: Path, match_ids: list[str], competition: str = "Italy") -> Path:
    """A small real Wyscout folder: reference files, match sheets and the named match files."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("players.json.gz", "teams.json"):
        shutil.copy(SAMPLE_DATA / name, dest / name)
    (dest / "matches").mkdir(exist_ok=True)
    shutil.copy(SAMPLE_DATA / "matches" / f"matches_{competition}.json.gz", dest / "matches")
    (dest / "events").mkdir(exist_ok=True)
    for mid in match_ids:
        name = f"{mid}.json.gz"
        shutil.copy(SAMPLE_DATA / "events" / competition / name, dest / "events" / name)
    return dest


@pytest.fixture()
def small_sample(tmp_path: Path) -> Iterator[Path]:
    """Three real Serie A matches (round 1) with their sheets, players and teams, in tmp_path."""
    yield copy_sample(tmp_path / "data", ["2575959", "2575960", "2575961"])


def first_rounds(rounds: int) -> list[str]:
    """The Wyscout ids of the sample's Serie A matches of the first ``rounds`` rounds."""
    sheets = json.loads(gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes()))
    return sorted(str(m["wyId"]) for m in sheets if m["gameweek"] <= rounds)


@pytest.fixture(scope="session")
def trained_rounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first three real Serie A rounds (30 matches) with the example loan list, trained as a
    user trains it (`loanwatch models train`). Read-only: copy it to change it."""
    from typer.testing import CliRunner

    from loanwatch.cli import app

    root = tmp_path_factory.mktemp("metrics")
    folder = copy_sample(root / "data", first_rounds(3))
    store = root / "lw.db"
    lw = Loanwatch(str(store))
    assert lw.ingest([folder]).matches == 30
    lw.import_portfolio(SAMPLE_PORTFOLIO)  # Schalke is not in this store: that row is reported, the rest land
    result = CliRunner().invoke(app, ["models", "train", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return store


def copy_store(source: str | Path, dest: str | Path) -> Path:
    """A copy of a SQLite store, its write-ahead log included (sqlite3's backup)."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    src.close()
    out.close()
    return Path(dest)

@pytest.fixture(scope="session")
def with_actions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first three Serie A rounds of the sample (30 matches) with their SPADL actions and
    per-match stats and roles stored, no model trained: what `market similar` reads, built fast."""
    import gzip
    import json

    from loanwatch.metrics import spadl
    from loanwatch.metrics.compute import refresh_season_aggregates, save_match_level, season_profiles

    root = tmp_path_factory.mktemp("actions")
    sheets = json.loads(gzip.decompress((SAMPLE_DATA / "matches" / "matches_Italy.json.gz").read_bytes()))
    folder = copy_sample(root / "data", sorted(str(m["wyId"]) for m in sheets if m["gameweek"] <= 3))
    lw = Loanwatch(str(root / "lw.db"))
    assert lw.ingest([folder]).matches == 30
    spadl.compute_actions(lw.store, sorted(int(m) for m in lw.store.matches_frame()["match_id"]))
    for (competition_id, season_name), season in season_profiles(lw.store).items():
        save_match_level(lw.store, season)
        refresh_season_aggregates(lw.store, competition_id, season_name)  # what models train stores
    return root / "lw.db"
# -- the web app (tests/test_web_*.py; helpers in tests/webtools.py) --------------------------------
# The web modules load when a web fixture is first used, not for every test run.


@pytest.fixture(scope="session")
def web_store(with_portfolio: Loanwatch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the sample store with the loan list and one user per role (the web tests write)."""
    from webtools import add_users

    source = with_portfolio.url.removeprefix("sqlite:///")
    path = str(copy_store(source, tmp_path_factory.mktemp("web") / "lw.db"))
    add_users(path)
    return path


@pytest.fixture(scope="session")
def web_app(web_store: str) -> Any:
    """The web app (``loanwatch.web.app.create_app``) over ``web_store``."""
    from loanwatch.web.app import create_app
    from webtools import settings_for

    return create_app(settings_for(web_store))


@pytest.fixture(scope="session")
def clients(web_app: Any) -> Any:
    """``webtools.Clients``: a TestClient per role, logged in with a bearer token."""
    from webtools import Clients

    return Clients(web_app, {})


@pytest.fixture(scope="session")
def users_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new store holding one user per role and nothing else (made once, copied by fresh_app)."""
    from webtools import add_users

    path = tmp_path_factory.mktemp("users") / "users.db"
    add_users(str(path))
    return path


@pytest.fixture()
def fresh_app(users_store: Path, tmp_path: Path) -> Callable[..., Any]:
    """``make(**settings)``: an app over this test's copy of ``users_store`` (sessions, logins)."""
    from loanwatch.web.app import create_app
    from webtools import settings_for

    def make(**overrides: object) -> Any:
        store = tmp_path / "users.db"
        if not store.exists():
            copy_store(users_store, store)
        return create_app(settings_for(str(store), **overrides))

    return make


@pytest.fixture(scope="session")
def live_server(web_app: Any) -> Iterator[Any]:
    """``webtools.LiveServer``: the web app served by uvicorn on a free loopback port (a thread)."""
    from webtools import serve_in_thread

    with serve_in_thread(web_app) as server:
        yield server
