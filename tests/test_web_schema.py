"""schemathesis over the whole JSON API (its OpenAPI at /openapi.json), as the sporting director:
no server error, and every answer matches the schema (status codes, content types, bodies).
A bounded number of examples per operation keeps it short (schemathesis' pytest loader does not
run under this pytest: each operation's strategy is driven by hypothesis here).

Left out: schemathesis' "schema-valid data is accepted" check, which fails on a 422 the
document cannot express (an as-of date outside 1900-2100, a week 53 a year does not have, a
user name with a space): those answers are still checked against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import copy_store
from loanwatch.web.app import create_app
from webtools import Clients, settings_for

EXAMPLES = 5  # per operation


@pytest.fixture()
def own_app(web_store: str, tmp_path: Path) -> FastAPI:
    """The app over its own copy of the web store: the random logins schemathesis tries must not
    throttle the other tests' logins (one client address)."""
    return create_app(settings_for(str(copy_store(web_store, tmp_path / "schema.db"))))


def test_the_api_answers_as_it_says(own_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", own_app)
    headers = {"Authorization": f"Bearer {Clients(own_app, {}).token('director')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 19
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as err:  # every operation checked; failures reported at once
            failures[operation.label] = str(err)[:2000]
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
