"""Login limits that hold behind the reverse proxy (issue 17, item 3), tested through a real proxy process in front
of a real ``matchday serve``: the client's address is the right-most one the proxy appended, never one the client
wrote; failures count per address and account (a username and its email are one account); an attacker cannot
lock the owner out.

The proxy connects to the API from 127.0.0.2, the only address the API trusts (MATCHDAY_TRUSTED_PROXIES); the
clients connect to the proxy from other loopback addresses, as clients from different hosts would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.ports import free_port, wait_for_port

PROXY_SOURCE = "127.0.0.2"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[str]:
    """``matchday serve`` behind the stand-in proxy; the proxy's URL."""
    try:  # the loopback range is ours: the proxy needs to connect from an address of its own
        with socket.create_connection(("127.0.0.1", 9), source_address=(PROXY_SOURCE, 0), timeout=1):
            pass
    except ConnectionRefusedError:
        pass
    except OSError as exc:
        pytest.skip(f"cannot connect from {PROXY_SOURCE} on this machine: {exc}")
    api_port, proxy_port = free_port(), free_port()
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'matchday.db'}",
           "MATCHDAY_COLLECT_IN_SERVE": "false", "MATCHDAY_JOBS_DIR": str(tmp_path / "jobs"),
           "MATCHDAY_TRUSTED_PROXIES": PROXY_SOURCE,
           "FORWARDED_ALLOW_IPS": "*",  # what deploy/compose.yaml used to set: no longer believed
           "MATCHDAY_LOGIN_ADDRESS_RATE_LIMIT": "10/minute", "MATCHDAY_LOGIN_RATE_LIMIT": "5/minute",
           "MATCHDAY_REGISTER_RATE_LIMIT": "100/minute"}
    env.pop("MATCHDAY_REDIS_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        api = subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(api_port)], env=env,
                               cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        proxy = subprocess.Popen([sys.executable, "-m", "tests.security.standin_proxy", str(proxy_port),
                                  str(api_port), PROXY_SOURCE], cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(api_port, api, log)
        wait_for_port(proxy_port, proxy, log)
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        for process in (proxy, api):
            process.terminate()
            process.wait(timeout=20)


def _client(base: str, address: str) -> httpx.Client:
    """A client connecting from ``address`` (a host of its own, as far as the proxy can tell)."""
    return httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _login(client: httpx.Client, login: str, password: str, **headers: str) -> int:
    return client.post("/api/v1/auth/login", data={"username": login, "password": password},
                       headers=headers).status_code


def _register_owner(base: str) -> None:
    with _client(base, "127.0.0.3") as owner:
        made = owner.post("/api/v1/auth/register",
                          json={"email": "owner@example.org", "username": "owner", "password": PASSWORD})
        assert made.status_code == 201, made.text


def test_a_spoofed_forwarded_for_escapes_no_limit(behind_proxy: str) -> None:

    # 25 logins, each with a spoofed X-Forwarded-For: the address counted is the proxy's view, so 15 are refused
    with _client(behind_proxy, "127.0.0.1") as spoofer:
        codes = [_login(spoofer, f"nobody{i}", "wrong password here", **{"X-Forwarded-For": f"10.9.{i}.1"})
                 for i in range(25)]
    assert codes.count(429) == 15 and codes.count(401) == 10, codes
    _register_owner(behind_proxy)
    with _client(behind_proxy, "127.0.0.3") as owner:
        tokens = owner.post("/api/v1/auth/login", data={"username": "owner", "password": PASSWORD},
                            headers={"X-Forwarded-For": "6.6.6.6"})
        assert tokens.status_code == 200, tokens.text
        listed = owner.get("/api/v1/users/me/sessions",
                           headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}).json()
        assert {s["client_address"] for s in listed} == {"127.0.0.3"}  # the proxy's view, not the header


def test_failures_count_per_address_and_account_and_never_lock_the_owner_out(behind_proxy: str) -> None:
    _register_owner(behind_proxy)

    # failures count per address and account; the username and the email are one account
    with _client(behind_proxy, "127.0.0.4") as guesser:
        codes = [_login(guesser, login, "wrong password here")
                 for login in ("owner", "owner", "owner", "owner@example.org", "OWNER@example.org")]
        assert codes == [401] * 5
        assert _login(guesser, "owner@example.org", "wrong password here") == 429
        assert _login(guesser, "owner", "wrong password here") == 429

    # an attacker spending the account's failures from their address does not lock the owner out
    with _client(behind_proxy, "127.0.0.5") as attacker:
        assert [_login(attacker, "owner", f"guess number {i}") for i in range(6)] == [401] * 5 + [429]
    with _client(behind_proxy, "127.0.0.3") as owner:
        assert _login(owner, "owner", PASSWORD) == 200
    with _client(behind_proxy, "127.0.0.5") as attacker:
        assert _login(attacker, "owner", PASSWORD) == 429  # the attacker's own address stays refused


def test_trusting_every_proxy_is_refused() -> None:
    from pydantic import ValidationError

    from matchday.settings import Settings

    for value in ("*", "10.0.0.1, *", "0.0.0.0/0"):
        with pytest.raises(ValidationError, match="MATCHDAY_TRUSTED_PROXIES"):
            Settings(trusted_proxies=value)
    compose = (REPO / "deploy" / "compose.yaml").read_text()
    assert 'FORWARDED_ALLOW_IPS: "*"' not in compose and "MATCHDAY_TRUSTED_PROXIES" in compose
