"""The bad-input corpus (tests/bad_input/): every bad delivery through the `loanwatch ingest` command.

Each case is a real delivery of four Serie A matches with one mutation (built by
tests/bad_input/build.py, expectations in tests/bad_input/cases.toml). For each: the message names
the file and the problem, no traceback reaches the user, the exit status says what happened, the
good matches of the same run landed, the store is consistent, and a rerun completes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_input"))

import build  # noqa: E402  (tests/bad_input/build.py)

from loanwatch.api import Loanwatch  # noqa: E402
from loanwatch.cli import app  # noqa: E402
from loanwatch.domain import warnings_from_json  # noqa: E402
from loanwatch.ingest.errors import WARNING_CODES  # noqa: E402
from test_bad_input import assert_consistent  # noqa: E402

CASES = build.cases()
FINGERPRINT = (
    "SELECT m.provider_id, "
    "(SELECT count(*) FROM events e WHERE e.match_id = m.id) AS events, "
    "(SELECT sum(a.passes) FROM appearances a WHERE a.match_id = m.id) AS passes, "
    "(SELECT sum(a.goals) FROM appearances a WHERE a.match_id = m.id) AS goals, "
    "(SELECT round(sum(a.minutes_played), 2) FROM appearances a WHERE a.match_id = m.id) AS minutes, "
    "m.warnings FROM matches m"
)


def _fingerprint(db: Path) -> dict[str, Any]:
    lw = Loanwatch(str(db))
    with lw.store.engine.connect() as conn:
        return {r.provider_id: r for r in conn.execute(text(FINGERPRINT))}


def _ingest(paths: list[Path], db: Path) -> Any:
    return CliRunner().invoke(app, ["ingest", *map(str, paths), "--store", str(db)])


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same four matches, unmutated: what a case's good records must equal."""
    root = tmp_path_factory.mktemp("clean")
    delivery = build.Delivery(root / "delivery")
    result = _ingest(delivery.paths, root / "store.db")
    assert result.exit_code == 0, result.output
    return _fingerprint(root / "store.db")


def test_the_corpus_is_large_enough_and_complete() -> None:
    assert len(CASES) >= 30
    assert [c["id"] for c in CASES] == list(dict.fromkeys(c["id"] for c in CASES))
    assert {c["id"] for c in CASES} == set(build.MUTATIONS)
    assert {c["outcome"] for c in CASES} <= {"rejected", "warning", "stored"}
    assert {c["code"] for c in CASES if c["outcome"] == "warning"} <= WARNING_CODES


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_delivery(case: dict[str, Any], tmp_path: Path, clean: dict[str, Any]) -> None:
    db = tmp_path / "store.db"
    root = tmp_path / "delivery"
    if case.get("rerun_of_clean"):
        first = _ingest(build.Delivery(root).paths, db)
        assert first.exit_code == 0, first.output
        delivery = build.Delivery.__new__(build.Delivery)
        delivery.root, delivery.paths = root, [root]
        build.MUTATIONS[case["id"]](delivery)
    else:
        delivery = build.build(case, root)
    named = case["file"]
    path = Path(named) if named.startswith("/") else (root / named)
    shown = str(path) if named.startswith("/") else str(path.resolve()) if ".." in named else str(path)

    result = _ingest(delivery.paths, db)
    output = " ".join(result.output.split())  # Rich wraps long lines
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception

    stored = _fingerprint(db)
    target = build.TARGET
    for good in build.GOOD:  # the good records of the same run landed, as a clean ingest has them
        assert tuple(stored[good])[:5] == tuple(clean[good])[:5], good
    if case["outcome"] == "rejected":
        assert result.exit_code == 1, result.output
        assert f"rejected {shown}" in output or f"rejected {path}" in output, output
        assert case["message"] in output, output
        assert (target in stored) == case.get("target_lands", False)
    elif case["outcome"] == "warning":
        assert result.exit_code == 0, result.output
        assert "rejected /" not in output
        warnings = warnings_from_json(stored[target].warnings)
        assert [w.code for w in warnings] == [case["code"]], warnings
        assert case["message"] in warnings[0].text
        assert case["message"] in output and "stored with a warning" in output
        if case.get("same_as_clean"):
            assert tuple(stored[target])[:5] == tuple(clean[target])[:5]
    else:
        assert result.exit_code == 0, result.output
        assert "rejected /" not in output and "warning" not in output
        assert tuple(stored[target])[:5] == tuple(clean[target])[:5]
    assert_consistent(Loanwatch(str(db)))
    if case.get("rerun_of_clean"):
        lw = Loanwatch(str(db))
        with lw.store.engine.connect() as conn:
            row = conn.execute(
                text("SELECT status, error FROM source_files WHERE path = :p"), {"p": str(path.resolve())}
            ).one()
        assert row.status == "ingested" and case["message"] in row.error  # as the data: the old version

    rerun = _ingest(delivery.paths, db)
    assert "Traceback" not in rerun.output
    assert rerun.exit_code == case.get("rerun_exit", result.exit_code), rerun.output
    assert _fingerprint(db) == stored
    assert_consistent(Loanwatch(str(db)))
