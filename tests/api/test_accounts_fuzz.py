"""Schemathesis over the users' routes (accounts, favorites, prediction leagues), signed in, every check on.

A signed-in user's bearer token goes with every request. Routes answer schema-valid input with the documented
business refusals too (400 a taken username or a used reset token, 422 a weak password or an unknown time zone,
409 a locked prediction or an address verified already), so those count as accepted; password reset and
verification send their emails to a real local SMTP server; no 5xx, every body as documented. ``/auth/logout`` is
left out: it would end the session the run signs in with.
"""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import end_fuzzed_app, engine_of_its_own
from tests.api.test_schema_fuzz import EXPLORE, USER_TAGS

pytestmark = pytest.mark.filterwarnings("error")  # as test_schema_fuzz: an unclosed connection fails the test
PASSWORD = "long random words 42"


def _postgres_store(request: pytest.FixtureRequest):  # noqa: ANN202 - an Engine
    """A PostgreSQL store with the simulated season the users' routes need (the leagues the fuzz creates)."""
    from matchday.accounts.store import upgrade_users
    from matchday.ingest.seed import seed_reference_data
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade
    from tests.api.conftest import SIM_NOW
    from tests.conftest import _fresh_postgres_url
    from tests.ingest.helpers import load

    engine = make_engine(_fresh_postgres_url(request.getfixturevalue("postgres")))
    upgrade(engine)
    upgrade_users(engine)
    seed_reference_data(engine)
    load(engine, "simulator", teams="10", seed="4", season="2026-27", played_until=SIM_NOW.isoformat())
    return engine


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql+redis", marks=pytest.mark.postgres)])
def signed_in_schema(request: pytest.FixtureRequest):  # noqa: ANN201 - the schemathesis schema with a bearer token
    """On the SQLite API store in-process, and on PostgreSQL with Redis (limits, cache and pub/sub shared)."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    from matchday.server import create_server
    from matchday.settings import Settings

    if request.param == "sqlite":
        store, redis_url = engine_of_its_own(request, request.getfixturevalue("api_store")), None
    else:
        store, redis_url = _postgres_store(request), request.getfixturevalue("redis_server").url
        request.addfinalizer(store.dispose)
    smtp = request.getfixturevalue("smtp_server")  # password reset and verification send real emails
    app = create_server(Settings(database_url=str(store.url.render_as_string(hide_password=False)),
                                 redis_url=redis_url, login_rate_limit="10000/minute",
                                 login_address_rate_limit="10000/minute", password_reset_rate_limit="10000/minute",
                                 register_rate_limit="10000/minute", **smtp.settings()), store)
    with TestClient(app) as client:
        client.post("/api/v1/auth/register", json={"email": "fuzz@example.org", "username": "fuzzer",
                                                   "password": PASSWORD})
        token = client.post("/api/v1/auth/login", data={"username": "fuzzer", "password": PASSWORD}).json()
        league = client.post("/api/v1/prediction-leagues", headers={"Authorization": f"Bearer {token['access_token']}"},
                             json={"name": "fuzz", "competition": "sim.1", "season": "2026-27"})
        assert league.status_code == 201, league.text
    config = SchemathesisConfig.from_dict({
        "headers": {"Authorization": f"Bearer {token['access_token']}"},
        "checks": {"positive_data_acceptance": {"expected-statuses": [
            "2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]}}})
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    end_fuzzed_app(app)


def test_users_routes_conform_to_their_schema_signed_in(signed_in_schema) -> None:  # noqa: ANN001
    operations = [r.ok() for r in signed_in_schema.get_all_operations()]
    operations = [op for op in operations if set(op.tags or ()) & USER_TAGS and op.path != "/api/v1/auth/logout"]
    assert len(operations) >= 25
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=int(os.environ.get("MATCHDAY_FUZZ_EXAMPLES", "25")), deadline=None, database=None,
                  derandomize=not EXPLORE, suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:  # noqa: ANN001 - a schemathesis Case
            case.call_and_validate()

        conforms()
