"""Schemathesis against the app's own OpenAPI document: no 5xx, every response conforms to its schema.

Driven through Hypothesis directly (one property per operation) rather than schemathesis' pytest plugin,
which does not load under this pytest version. Derandomised: every run (and CI) tries the same examples, so a
red run always reproduces; to explore new inputs, run with ``MATCHDAY_FUZZ_RANDOM=1``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

# every warning is an error here whatever the global configuration: an unclosed connection's ResourceWarning,
# raised when the fixture's end collects the app's leftovers, fails the test, never a line after the summary
pytestmark = pytest.mark.filterwarnings("error")
EXPLORE = os.environ.get("MATCHDAY_FUZZ_RANDOM") == "1"
USER_TAGS = {"accounts", "favorites", "notifications", "prediction leagues"}


def test_every_operation_conforms_to_its_schema(fuzz_schema) -> None:  # noqa: ANN001 - a schemathesis schema
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    operations = [op for op in operations if not set(op.tags or ()) & USER_TAGS]  # test_accounts_fuzz: signed in
    assert len(operations) >= 25
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=50, deadline=None, database=None, derandomize=not EXPLORE,
                  suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:  # noqa: ANN001 - a schemathesis Case
            case.call_and_validate()

        conforms()
