"""The one error tree (loanwatch.errors): each class's statuses, the old import paths, and the
CLI's one-line message and exit status for a name that matches nobody and one that fits several."""

from __future__ import annotations

import pickle
import re

import pytest
from typer.testing import CliRunner

from loanwatch import errors
from loanwatch.api import Loanwatch
from loanwatch.cli import app

STATUSES: dict[type[errors.LoanwatchError], tuple[int, int]] = {
    errors.LoanwatchError: (1, 500),
    errors.NotFound: (1, 404),
    errors.PlayerNotFound: (1, 404),
    errors.Ambiguous: (1, 409),
    errors.PlayerAmbiguous: (1, 409),
    errors.InvalidInput: (2, 422),
    errors.NotAuthenticated: (1, 401),
    errors.TooManyAttempts: (1, 429),
    errors.IngestError: (1, 422),
    errors.StoreError: (3, 503),
    errors.StoreUnavailable: (3, 503),
    errors.NotAStore: (3, 503),
    errors.StoreReadOnly: (3, 503),
    errors.StoreFull: (3, 507),
    errors.StoreBusy: (3, 503),
    errors.UnknownStoreKind: (3, 400),
}


@pytest.mark.parametrize("cls", list(STATUSES), ids=lambda c: c.__name__)
def test_each_class_carries_its_statuses(cls: type[errors.LoanwatchError]) -> None:
    assert (cls.exit_status, cls.http_status) == STATUSES[cls]
    assert issubclass(cls, errors.LoanwatchError)


def test_the_tree_is_documented() -> None:
    doc = errors.__doc__ or ""
    for cls, (exit_status, http_status) in STATUSES.items():
        assert re.search(rf"^``{cls.__name__}``\s+{exit_status}\s+{http_status}\s", doc, re.M), cls.__name__


def test_the_old_paths_are_the_same_classes() -> None:
    from loanwatch import api
    from loanwatch.ingest import errors as ingest_errors
    from loanwatch.store import errors as store_errors

    assert ingest_errors.IngestError is errors.IngestError
    assert store_errors.StoreError is errors.StoreError and store_errors.StoreFull is errors.StoreFull
    assert api.PlayerNotFound is errors.PlayerNotFound
    assert issubclass(errors.PlayerAmbiguous, errors.PlayerNotFound)  # code catching it keeps working
    assert issubclass(errors.PlayerNotFound, LookupError)


def test_errors_cross_processes() -> None:
    for err in (
        errors.IngestError("a.json", "not JSON"),
        errors.StoreFull("x.db", "the store x.db is full"),
        errors.PlayerAmbiguous("Silva", ["a", "b"]),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err)


def _invoke(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args, env={"COLUMNS": "200"})


def test_cli_a_name_that_matches_nobody(ingested: Loanwatch) -> None:
    with pytest.raises(errors.PlayerNotFound) as err:
        ingested.find_player("Zzyzx Nobody")
    assert type(err.value) is errors.PlayerNotFound
    result = _invoke(["player", "Zzyzx Nobody", "--store", ingested.location])
    assert result.exit_code == errors.PlayerNotFound.exit_status == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["no single player matches 'Zzyzx Nobody'"], result.output
    assert "Traceback" not in result.output


def test_cli_a_name_that_fits_several_players(ingested: Loanwatch) -> None:
    # 46 players of the shipped sample have Silva in their name.
    with pytest.raises(errors.Ambiguous) as err:
        ingested.find_player("Silva")
    assert err.value.http_status == 409
    result = _invoke(["player", "Silva", "--store", ingested.location])
    assert result.exit_code == errors.PlayerAmbiguous.exit_status == 1
    text = " ".join(result.output.split())
    assert text.startswith("no single player matches 'Silva' (it could be: ")
    assert "Name (born YYYY-MM-DD)" in text and "Traceback" not in result.output
