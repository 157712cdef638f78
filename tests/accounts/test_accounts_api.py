"""Accounts over HTTP: register, login, refresh rotation and reuse, logout, profile, sessions, rate limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from matchday.accounts import passwords
from tests.accounts.conftest import PASSWORD, bearer, football_store, login, make_client, register

ERROR_KEYS = {"detail", "error_code", "timestamp", "path", "trace_id"}


def test_register_answers_the_public_fields(accounts_client: TestClient) -> None:
    body = register(accounts_client, "alice")
    assert set(body) == {"id", "email", "username", "is_active", "is_premium", "created_at"}
    assert body["username"] == "alice" and body["is_active"] is True and body["is_premium"] is False
    assert body["created_at"].endswith("Z")  # UTC, said so


@pytest.mark.parametrize(("email", "username"), [("ALICE@example.org", "someone"), ("other@example.org", "ALICE")])
def test_taken_email_or_username_is_400_case_insensitively(accounts_client: TestClient, email: str,
                                                          username: str) -> None:
    register(accounts_client, "alice") if accounts_client.post(
        "/api/v1/auth/login", data={"username": "alice", "password": PASSWORD}).status_code != 200 else None
    response = accounts_client.post("/api/v1/auth/register",
                                    json={"email": email, "username": username, "password": PASSWORD})
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize(("password", "rule"), [("short1!", "too short"), ("password1234", "common or breached"),
                                                ("bobbybobby-2024!", "username")])
def test_weak_passwords_are_422_naming_the_rule(accounts_client: TestClient, password: str, rule: str) -> None:
    response = accounts_client.post("/api/v1/auth/register",
                                    json={"email": "bobby@example.org", "username": "bobby", "password": password})
    assert response.status_code == 422
    assert rule in response.json()["detail"]


def test_invalid_email_is_422(accounts_client: TestClient) -> None:
    response = accounts_client.post("/api/v1/auth/register",
                                    json={"email": "not-an-email", "username": "carol", "password": PASSWORD})
    assert response.status_code == 422 and "email" in response.json()["detail"]


def test_login_by_username_or_email_and_one_message_for_wrong_credentials(accounts_client: TestClient) -> None:
    register(accounts_client, "dave")
    tokens = login(accounts_client, "dave")
    assert tokens["token_type"] == "bearer"
    by_email = login(accounts_client, "DAVE@example.org")  # the email, in any case, signs in the same user
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(by_email)).json()["username"] == "dave"
    wrong = accounts_client.post("/api/v1/auth/login", data={"username": "dave", "password": "wrong password!"})
    unknown = accounts_client.post("/api/v1/auth/login", data={"username": "nobody", "password": "wrong password!"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    me = accounts_client.get("/api/v1/auth/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["username"] == "dave" and me.json()["role"] == "user"


def test_login_does_the_same_work_whether_or_not_the_user_exists(accounts_client: TestClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """One argon2 verification either way (timing is the hash's, not the lookup's)."""
    register(accounts_client, "erin")
    calls: list[str] = []
    original = passwords._hasher.verify

    def counting(password: str, hashed: str) -> bool:
        calls.append(hashed[:9])
        return original(password, hashed)

    monkeypatch.setattr(passwords._hasher, "verify", counting)
    for name in ("erin", "nobody-at-all"):
        accounts_client.post("/api/v1/auth/login", data={"username": name, "password": "wrong password!"})
    assert len(calls) == 2 and calls[0] == calls[1] == "$argon2id"


def test_refresh_rotates_and_reuse_revokes_the_whole_family(accounts_client: TestClient) -> None:
    register(accounts_client, "frank")
    first = login(accounts_client, "frank")
    second = accounts_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(second)).status_code == 200
    reused = accounts_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert "already used" in reused.json()["detail"]
    # the family is gone: the newest refresh token and its access token no longer work either
    assert accounts_client.post("/api/v1/auth/refresh",
                                json={"refresh_token": second["refresh_token"]}).status_code == 401
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(second)).status_code == 401


def test_logout_ends_the_access_token_too(accounts_client: TestClient) -> None:
    register(accounts_client, "grace")
    tokens = login(accounts_client, "grace")
    assert accounts_client.post("/api/v1/auth/logout", headers=bearer(tokens)).status_code == 204
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(tokens)).status_code == 401
    assert accounts_client.post("/api/v1/auth/refresh",
                                json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_an_access_token_is_not_a_refresh_token(accounts_client: TestClient) -> None:
    register(accounts_client, "heidi")
    tokens = login(accounts_client, "heidi")
    assert accounts_client.post("/api/v1/auth/refresh",
                                json={"refresh_token": tokens["access_token"]}).status_code == 401
    assert accounts_client.get("/api/v1/auth/me",
                               headers={"Authorization": f"Bearer {tokens['refresh_token']}"}).status_code == 401


def test_profile_time_zone_is_checked_against_the_iana_database(accounts_client: TestClient) -> None:
    register(accounts_client, "ivan")
    headers = bearer(login(accounts_client, "ivan"))
    ok = accounts_client.patch("/api/v1/users/me", headers=headers,
                               json={"timezone": "Europe/Berlin", "full_name": "Ivan I", "language": "de"})
    assert ok.status_code == 200 and ok.json()["timezone"] == "Europe/Berlin" and ok.json()["language"] == "de"
    bad = accounts_client.patch("/api/v1/users/me", headers=headers, json={"timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and "IANA" in bad.json()["detail"]
    assert accounts_client.patch("/api/v1/users/me", json={"timezone": "UTC"}).status_code == 401


def test_sessions_are_listed_and_revoked_and_a_password_change_ends_the_others(accounts_client: TestClient) -> None:
    register(accounts_client, "judy")
    laptop, phone, tablet = (login(accounts_client, "judy") for _ in range(3))
    listed = accounts_client.get("/api/v1/users/me/sessions", headers=bearer(laptop)).json()
    assert len(listed) == 3 and sum(s["current"] for s in listed) == 1
    tablet_id = next(s["id"] for s in listed if not s["current"])
    assert accounts_client.delete(f"/api/v1/users/me/sessions/{tablet_id}", headers=bearer(laptop)).status_code == 204
    assert len(accounts_client.get("/api/v1/users/me/sessions", headers=bearer(laptop)).json()) == 2
    change = accounts_client.post("/api/v1/users/me/password", headers=bearer(laptop),
                                  json={"current_password": PASSWORD, "new_password": "a new long passphrase 7"})
    assert change.status_code == 204
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(laptop)).status_code == 200
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(phone)).status_code == 401
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(tablet)).status_code == 401
    assert login(accounts_client, "judy", "a new long passphrase 7")
    other = register(accounts_client, "mallory")
    assert other
    mallory = login(accounts_client, "mallory")
    own = accounts_client.get("/api/v1/users/me/sessions", headers=bearer(laptop)).json()[0]["id"]
    assert accounts_client.delete(f"/api/v1/users/me/sessions/{own}", headers=bearer(mallory)).status_code == 404


def test_login_and_register_are_rate_limited_with_429_and_retry_after(tmp_path) -> None:  # noqa: ANN001
    engine = football_store(tmp_path / "football.db")
    with make_client(engine, login_rate_limit="3/minute", register_rate_limit="2/minute") as client:
        register(client, "kim")
        codes = [client.post("/api/v1/auth/login", data={"username": "kim", "password": "wrong password!"}).status_code
                 for _ in range(3)]
        refused = client.post("/api/v1/auth/login", data={"username": "kim", "password": PASSWORD})
        assert codes == [401, 401, 401] and refused.status_code == 429
        assert set(refused.json()) == ERROR_KEYS and refused.json()["error_code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        client.post("/api/v1/auth/register", json={"email": "l@example.org", "username": "lee", "password": PASSWORD})
        again = client.post("/api/v1/auth/register",
                            json={"email": "m@example.org", "username": "max", "password": PASSWORD})
        assert again.status_code == 429 and "Retry-After" in again.headers
    engine.dispose()


def test_separate_users_database(tmp_path) -> None:  # noqa: ANN001
    """MATCHDAY_USERS_DATABASE_URL: the users store apart from the football store."""
    from sqlalchemy import inspect

    engine = football_store(tmp_path / "football.db")
    with make_client(engine, f"sqlite:///{tmp_path / 'users.db'}") as client:
        register(client, "nina")
        assert client.get("/api/v1/auth/me", headers=bearer(login(client, "nina"))).status_code == 200
        assert client.app.state.accounts.engine is not engine
    assert "users" not in inspect(engine).get_table_names()
    engine.dispose()


def test_a_deactivated_account_is_403(accounts_client: TestClient) -> None:
    from sqlalchemy import update

    from matchday.accounts.schema import users as users_table

    register(accounts_client, "olaf")
    tokens = login(accounts_client, "olaf")
    with accounts_client.app.state.accounts.engine.begin() as conn:
        conn.execute(update(users_table).where(users_table.c.username == "olaf").values(is_active=False))
    assert accounts_client.post("/api/v1/auth/login", data={"username": "olaf", "password": PASSWORD}
                                ).status_code == 403
    assert accounts_client.get("/api/v1/auth/me", headers=bearer(tokens)).status_code == 403
