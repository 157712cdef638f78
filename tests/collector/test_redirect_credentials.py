"""Keys never leave their host (issue 17, item 4): a provider redirecting to another origin gets the request
repeated there without its credentials, for every provider and for the download client; a redirect within the
origin keeps them. Two real local servers: the provider, and the other host recording what reaches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from matchday.fetch.client import fetch, make_client
from matchday.settings import Settings
from tests.collector.conftest import APIF
from tests.collector.fake_provider import FakeProvider, Reply

STANDINGS = APIF / "standings_league-39_season-2022.json"
CREDENTIALS = ("x-apisports-key", "x-auth-token", "authorization", "cookie")


@pytest.fixture
def other_host() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    yield server
    server.stop()


def _redirect(to: str) -> Reply:
    return Reply(302, b"", {"Location": to})


def test_a_providers_key_never_follows_a_redirect_to_another_origin(make_collector, fake, other_host) -> None:
    collector = make_collector()
    other_host.script("/standings", Reply.file(STANDINGS))
    other_host.script("/v4/competitions/PL", Reply(200, b'{"id": 2021, "name": "Premier League"}'))
    fake.script("/standings", _redirect(f"{other_host.url}/standings?league=39&season=2022"))
    fake.script("/competitions/PL", _redirect(f"{other_host.url}/v4/competitions/PL"))
    collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    collector.client.request("football-data-org", "competition", {"competition": "PL"})
    assert fake.received[0].headers["x-apisports-key"] == "secret-test-key"  # the provider itself gets it
    assert fake.received[1].headers["x-auth-token"] == "secret-token"
    assert [r.path for r in other_host.received] == ["/standings", "/v4/competitions/PL"]
    for request in other_host.received:
        assert not set(CREDENTIALS) & set(request.headers), request.headers
        assert "secret" not in repr(request.headers)


def test_a_redirect_within_the_origin_keeps_the_key(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", _redirect(f"{fake.url}/v3/standings?league=39&season=2022"))
    fake.script("/v3/standings", Reply.file(STANDINGS))
    result = collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert result.status == 200 and fake.received[1].headers["x-apisports-key"] == "secret-test-key"


def test_the_download_client_drops_credentials_off_origin(fake, other_host) -> None:
    settings = Settings(redis_url=None)
    fake.script("/E0.csv", _redirect(f"{other_host.url}/files/E0.csv"))
    other_host.script("/files/E0.csv", Reply(200, b"Div,Date\n"))
    with make_client(settings) as client:
        _response, body = fetch(client, f"{fake.url}/E0.csv", 1,
                                headers={"Authorization": "Bearer secret", "X-Auth-Token": "secret"})
    assert body == b"Div,Date\n"
    assert fake.received[0].headers["x-auth-token"] == "secret"
    assert not set(CREDENTIALS) & set(other_host.received[0].headers), other_host.received[0].headers
