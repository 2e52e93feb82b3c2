"""The ``loanwatch`` command on real stores: player, report, ingest, and how the store is chosen."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_sample
from loanwatch.api import SAMPLE_DATA, Loanwatch
from loanwatch.cli import app

needs_importer = pytest.mark.skipif(
    importlib.util.find_spec("loanwatch.portfolio.importer") is None,
    reason="the portfolio importer (loanwatch.portfolio.importer) is not written yet",
)
needs_html = pytest.mark.skipif(
    importlib.util.find_spec("loanwatch.reports.html") is None,
    reason="the HTML report (loanwatch.reports.html) is not written yet",
)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _invoke(runner: CliRunner, args: list[str], **kwargs: object):
    # Wide terminal so rich does not wrap the tables.
    return runner.invoke(app, args, env={"COLUMNS": "200", **kwargs.pop("env", {})}, **kwargs)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@needs_importer
def test_player_shows_both_spells(runner: CliRunner, with_portfolio: Loanwatch) -> None:
    result = _invoke(runner, ["player", "Orsolini", "--store", with_portfolio.location])
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "Riccardo Orsolini" in out or "R. Orsolini" in out
    assert "Atalanta (2017-07-01 - 2018-01-24)" in out
    assert "Bologna (2018-01-25 - 2019-06-30)" in out
    # Atalanta: 21 matches in the spell, 8 as a substitute, 13 unused; 152 minutes in all.
    assert "8 appearances (0 starts), 152 of 2006 minutes" in out
    # Bologna: 17 matches: 4 starts, 4 as a substitute, 5 unused, 4 not in the squad.
    assert "8 appearances (4 starts), 372 of 1630 minutes" in out
    for status in ("started", "came on", "unused", "not in squad"):
        assert status in out
    # Udinese - Bologna 1-0 (2018-05-20): started, substituted at minute 40 (the sheet).
    assert re.search(r"2018-05-20 │ Udinese \(A\) │ 0-1 │ started │ 40 ", out), out
    # Napoli - Bologna (2018-01-28): not on Bologna's sheet.
    assert re.search(r"2018-01-28 │ Napoli \(A\) │ 1-3 │ not in squad │ 0 ", out), out


@needs_importer
def test_player_not_found(runner: CliRunner, with_portfolio: Loanwatch) -> None:
    result = _invoke(runner, ["player", "Nobody Atall", "--store", with_portfolio.location])
    assert result.exit_code == 1
    assert "Nobody Atall" in result.output


@needs_importer
@needs_html
def test_report_writes_html(runner: CliRunner, with_portfolio: Loanwatch, tmp_path: Path) -> None:
    out_dir = tmp_path / "reports"
    result = _invoke(
        runner, ["report", "Orsolini", "--store", with_portfolio.location, "--out", str(out_dir)]
    )
    assert result.exit_code == 0, result.output
    files = list(out_dir.glob("*.html"))
    assert len(files) == 1
    assert str(files[0]) in _flat(result.output).replace(" ", "") or files[0].name in result.output
    html = files[0].read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert "Orsolini" in html
    assert "Bologna" in html and "Atalanta" in html


def test_ingest_prints_the_summary(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "data", ["2575959", "2575960"])
    store = tmp_path / "cli.db"
    result = _invoke(runner, ["ingest", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    for key, value in (
        ("matches", "2"),
        ("events", "3,157"),
        ("players", "3,603"),
        ("skipped", "0"),
        ("rejected", "0"),
    ):
        assert re.search(rf"{key} │ {re.escape(value)}\b", out), (key, out)
    assert str(store) in out
    assert Loanwatch(str(store)).store.counts()["matches"] == 2

    again = _invoke(runner, ["ingest", str(folder), "--store", str(store)])
    assert again.exit_code == 0
    assert re.search(r"skipped │ 5\b", _flat(again.output))


def test_ingest_exits_1_when_a_file_is_rejected(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "data", ["2575959"])
    bad = folder / "events" / "2575960.json.gz"
    raw = (SAMPLE_DATA / "events" / "Italy" / "2575960.json.gz").read_bytes()
    bad.write_bytes(raw[:1000])
    result = _invoke(runner, ["ingest", str(folder), "--store", str(tmp_path / "cli.db")])
    assert result.exit_code == 1
    out = _flat(result.output)
    assert re.search(r"matches │ 1\b", out)
    assert re.search(r"rejected │ 1\b", out)
    assert "2575960.json.gz" in out and "gzip" in out


def test_store_option_and_env_select_the_store(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOANWATCH_STORE", raising=False)
    folder = copy_sample(tmp_path / "data", ["2575959"])
    # Teams only: a quick ingest that still writes the store.
    teams = tmp_path / "teams.json"
    shutil.copy(folder / "teams.json", teams)

    by_option = tmp_path / "option.db"
    result = _invoke(runner, ["ingest", str(teams), "--store", str(by_option)])
    assert result.exit_code == 0, result.output
    assert by_option.exists()

    by_env = tmp_path / "env.db"
    result = _invoke(runner, ["ingest", str(teams)], env={"LOANWATCH_STORE": str(by_env)})
    assert result.exit_code == 0, result.output
    assert by_env.exists()
    assert str(by_env) in _flat(result.output).replace(" ", "") or str(by_env) in result.output

    # --store wins over the environment.
    other = tmp_path / "other.db"
    result = _invoke(
        runner, ["ingest", str(teams), "--store", str(other)], env={"LOANWATCH_STORE": str(by_env)}
    )
    assert result.exit_code == 0
    assert other.exists()
    assert not (tmp_path / "loanwatch.db").exists()
    assert len(Loanwatch(str(other)).store.all_clubs()) == 142


def test_default_store_is_loanwatch_db_in_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOANWATCH_STORE", raising=False)
    folder = copy_sample(tmp_path / "data", ["2575959"])
    result = runner.invoke(app, ["ingest", str(folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "loanwatch.db").exists()
    assert (
        str(tmp_path / "loanwatch.db") in _flat(result.output).replace(" ", "")
        or "loanwatch.db" in result.output
    )
    assert Loanwatch(str(tmp_path / "loanwatch.db")).store.counts()["matches"] == 1


def test_demo_is_the_quick_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make demo` runs `loanwatch demo`: the shipped sample in, a report per loanee out."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOANWATCH_STORE", raising=False)
    result = CliRunner().invoke(app, ["demo", "--no-train"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "loanwatch.db").exists()
    assert "6 loan spells imported" in result.output
    # the web app's demo users, one per role, printed once (docs/web.md)
    assert "loanwatch serve" in result.output and "coach / demo-coach" in result.output
    for name in (
        "riccardo-orsolini",
        "marko-pjaca",
        "mattia-caldara",
        "leonardo-spinazzola",
        "rolando-mandragora",
    ):
        assert (tmp_path / "reports" / f"{name}.html").stat().st_size > 0
        assert (tmp_path / "reports" / f"{name}.director.pdf").read_bytes().startswith(b"%PDF")


@needs_importer
def test_player_counts_in_words_and_says_why_model_figures_are_missing(
    runner: CliRunner, with_portfolio: Loanwatch
) -> None:
    for name in ("Orsolini", "Caldara", "Mandragora"):
        result = _invoke(runner, ["player", name, "--store", with_portfolio.location])
        assert result.exit_code == 0, result.output
        out = _flat(result.output)
        assert not re.search(r"\b1 (goals|assists|starts|appearances)\b", out), out
        # the sample store is not trained: the model-based figures are missing, and it says why
        assert "not trained in this store yet: run `loanwatch models train`" in out
    out = _flat(_invoke(runner, ["player", "Mandragora", "--store", with_portfolio.location]).output)
    assert re.search(r"\b\d+ goals?, \d+ assists?\b", out)
    result = _invoke(runner, ["player", "Chiesa", "--store", with_portfolio.location])
    assert result.exit_code == 0 and "Not in the loan list" in result.output
    assert "Federico Chiesa" in result.output and "Italy" in result.output


def test_a_bad_settings_file_is_named_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    """A missing or malformed ``--config`` file: exit 2, the file and the problem, no traceback."""
    store = str(tmp_path / "s.db")
    broken = tmp_path / "broken.toml"
    broken.write_text("x = [", encoding="utf-8")
    for path, problem in ((tmp_path / "missing.toml", "No such file"), (broken, "Invalid value")):
        result = _invoke(runner, ["alerts", "list", "--store", store, "--config", str(path)])
        flat = _flat(result.output)
        assert result.exit_code == 2, result.output
        assert str(path) in flat and problem in flat
        assert "Traceback" not in result.output
