"""Every id in every route and token goes through one bounded type (issue 17, item 10): an id past the stores'
range is a 404 page, a 422 or a 401, never a 500 (OverflowError) or a reset keep-alive connection."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from matchday.accounts import tokens
from matchday.settings import DEVELOPMENT_SECRET
from tests.accounts.conftest import bearer, football_store, login, make_client, register

HUGE = ("2147483648", "9223372036854775807", "9223372036854775808", str(2**70))


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    engine = football_store(Path(tmp_path_factory.mktemp("ids")) / "football.db")
    with make_client(engine) as client:
        register(client, "idtester")
        yield client, bearer(login(client, "idtester"))
    engine.dispose()


def test_huge_ids_in_routes_are_never_a_500(signed_in) -> None:  # noqa: ANN001
    client, headers = signed_in
    for huge in HUGE:
        page = client.get(f"/prediction-leagues/{huge}", headers=headers)
        assert page.status_code == 404, (huge, page.status_code)
        for path in (f"/api/v1/prediction-leagues/{huge}", f"/api/v1/prediction-leagues/1/members/{huge}",
                     f"/api/v1/matches/{huge}", f"/api/v1/teams/{huge}", f"/api/v1/players/{huge}",
                     f"/api/v1/prediction-leagues/1/predictions?match_id={huge}"):
            status = client.get(path, headers=headers).status_code
            assert status in (404, 405, 422), (path, status)
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # the connection still serves


def test_a_signed_token_whose_sub_is_out_of_range_is_401(signed_in) -> None:  # noqa: ANN001
    client, _headers = signed_in
    for sub in (2**70, 2**63, 0, -1):
        token, *_ = tokens.issue(DEVELOPMENT_SECRET, "access", sub, "session", timedelta(minutes=5))
        answer = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, (sub, answer.status_code)
