"""The CSRF token is bound to the session (issue 17, item 11): an attacker's own CSRF cookie and token, planted
beside the victim's session cookie, are refused, on the pages' forms and on the API used with the cookie."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matchday.accounts.deps import CSRF_COOKIE, SESSION_COOKIE
from tests.accounts.conftest import PASSWORD, football_store, make_client, register

TOKEN = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def _browser(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://testserver")


def _plant(browser: TestClient, seed: str) -> None:
    """The CSRF cookie replaced, as a sibling domain can (its cookie is the one the victim's browser sends)."""
    for cookie in list(browser.cookies.jar):
        if cookie.name == CSRF_COOKIE:
            browser.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
    browser.cookies.set(CSRF_COOKIE, seed, domain="testserver.local", path="/")


def _token(browser: TestClient, path: str = "/profile") -> str:
    found = TOKEN.search(browser.get(path).text)
    assert found, path
    return found.group(1)


def _sign_in(browser: TestClient, name: str) -> None:
    token = _token(browser, "/login")
    answer = browser.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token},
                          follow_redirects=False)
    assert answer.status_code == 303 and SESSION_COOKIE in browser.cookies, answer.text[:300]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    engine = football_store(Path(tmp_path_factory.mktemp("csrf")) / "football.db")
    with make_client(engine) as client:
        register(client, "victim")
        register(client, "mallory")
        yield client.app
    engine.dispose()


def test_a_planted_csrf_pair_is_refused_beside_the_victims_session(app) -> None:  # noqa: ANN001
    attacker = _browser(app)
    anonymous_token, anonymous_seed = _token(attacker, "/login"), attacker.cookies[CSRF_COOKIE]
    _sign_in(attacker, "mallory")
    attacker_token, attacker_seed = _token(attacker), attacker.cookies[CSRF_COOKIE]

    victim = _browser(app)
    _sign_in(victim, "victim")
    own_token = _token(victim)
    for seed, token in ((attacker_seed, attacker_token), (anonymous_seed, anonymous_token)):
        _plant(victim, seed)
        form = victim.post("/profile", data={"csrf_token": token, "full_name": "pwned", "timezone": "UTC",
                                             "language": "en"}, follow_redirects=False)
        assert form.status_code in (303, 403) and form.headers.get("location", "/login").startswith("/login")
        api = victim.patch("/api/v1/users/me", json={"full_name": "pwned"}, headers={"X-CSRF-Token": token})
        assert api.status_code == 403, api.status_code
    me = victim.get("/api/v1/auth/me").json()
    assert me["full_name"] != "pwned"

    # the victim's own pages keep working: their token is made for their seed and session
    _plant(victim, attacker_seed)
    fresh = _token(victim)
    assert fresh != own_token
    ok = victim.patch("/api/v1/users/me", json={"full_name": "Victim"}, headers={"X-CSRF-Token": fresh})
    assert ok.status_code == 200 and ok.json()["full_name"] == "Victim"
