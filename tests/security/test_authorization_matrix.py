"""The authorization matrix: every route of the API x anonymous, user, member, other member, owner, admin →
the expected status. Every route is listed (a new one fails this test until it is); every route that writes
refuses a request without a credential (those that create credentials, register and login, and those whose proof
is an emailed link's token or that mail one to an address — password reset, email verification — excepted)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from matchday.accounts import users
from tests.accounts.conftest import PASSWORD, football_store, make_client
from tests.pools.conftest import SEASON, now, season_records, write

ROLES = ("anonymous", "user", "member", "other", "owner", "admin")
_names = itertools.count()


def expect(anonymous: int, user: int, member: int, other: int, owner: int, admin: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, user, member, other, owner, admin), strict=True))


class World:
    def __init__(self, client: TestClient, ids: list[int]) -> None:
        self.client, self.ids = client, ids
        self.tokens: dict[str, dict] = {}
        self.user_ids: dict[str, int] = {}
        for role in ROLES[1:]:
            self.client.post("/api/v1/auth/register", json={"email": f"{role}@example.org", "username": role,
                                                            "password": PASSWORD})
            self.tokens[role] = self.login(role)
            self.user_ids[role] = client.get("/api/v1/auth/me", headers=self.headers(role)).json()["id"]
        with client.app.state.accounts.engine.begin() as conn:
            users.set_role(conn, self.user_ids["admin"], "admin")
        self.team_id = client.get("/api/v1/teams", params={"search": "Avon"}).json()["items"][0]["id"]

    def login(self, role: str) -> dict:
        return self.client.post("/api/v1/auth/login", data={"username": role, "password": PASSWORD}).json()

    def headers(self, role: str, tokens: dict | None = None) -> dict[str, str]:
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {(tokens or self.tokens[role])['access_token']}"}

    def league(self) -> dict:
        """A fresh private prediction league: owner, member and other member; with one bonus question."""
        created = self.client.post("/api/v1/prediction-leagues", headers=self.headers("owner"), json={
            "name": "Matrix", "competition": "test.1", "season": SEASON, "scoring": "kicktipp"}).json()
        for role in ("member", "other"):
            self.client.post("/api/v1/prediction-leagues/join", headers=self.headers(role),
                             json={"invite_code": created["invite_code"]})
        question = self.client.post(f"/api/v1/prediction-leagues/{created['id']}/bonus-questions",
                                    headers=self.headers("owner"), json={
                                        "kind": "champion", "question": "Champion?", "points": 5,
                                        "deadline": (now() + timedelta(days=3)).isoformat() + "Z"}).json()
        return {**created, "question": question["id"]}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql+redis", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The same world on SQLite in-process, and on PostgreSQL with Redis (shared limits, cache and pub/sub); emails
    go to a real local SMTP server."""
    if request.param == "sqlite":
        engine, options = football_store(tmp_path_factory.mktemp("matrix") / "football.db"), {}
    else:
        from matchday.ingest.seed import seed_reference_data
        from matchday.store.engine import make_engine
        from matchday.store.migrate import upgrade
        from tests.conftest import _fresh_postgres_url

        engine = make_engine(_fresh_postgres_url(request.getfixturevalue("postgres")))
        upgrade(engine)
        seed_reference_data(engine)
        options = {"redis_url": request.getfixturevalue("redis_server").url}
    ids = write(engine, *season_records())
    options |= request.getfixturevalue("smtp_server").settings()
    with make_client(engine, **options) as client:
        yield World(client, ids)
    engine.dispose()


# (method, path template, expected, how to call): the call gets (world, role, fresh league) and returns a response
Call = Callable[[World, str, dict], object]
PL = "/api/v1/prediction-leagues"


def _json(method: str, path: str, body: object = None) -> Call:
    def call(w: World, role: str, pl: dict):  # noqa: ANN202
        url = path.format(id=pl.get("id"), match=w.ids[2], q=pl.get("question"), member=w.user_ids["member"])
        return w.client.request(method, url, headers=w.headers(role), json=body(w, role) if callable(body) else body)
    return call


def _register(w: World, role: str, _pl: dict):  # noqa: ANN202
    name = f"new{next(_names)}"
    return w.client.post("/api/v1/auth/register", headers=w.headers(role),
                         json={"email": f"{name}@example.org", "username": name, "password": PASSWORD})


def _login(w: World, role: str, _pl: dict):  # noqa: ANN202
    return w.client.post("/api/v1/auth/login", data={"username": "user", "password": PASSWORD})


def _refresh(w: World, role: str, _pl: dict):  # noqa: ANN202
    token = w.login(role)["refresh_token"] if role != "anonymous" else "not-a-token"
    return w.client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _logout(w: World, role: str, _pl: dict):  # noqa: ANN202
    fresh = w.login(role) if role != "anonymous" else None
    return w.client.post("/api/v1/auth/logout", headers=w.headers(role, fresh))


def _password(w: World, role: str, _pl: dict):  # noqa: ANN202
    body = {"current_password": PASSWORD, "new_password": "a different passphrase 9"}
    response = w.client.post("/api/v1/users/me/password", headers=w.headers(role), json=body)
    if response.status_code == 204:  # and back, so the other rows can still sign in
        w.client.post("/api/v1/users/me/password", headers=w.headers(role),
                      json={"current_password": body["new_password"], "new_password": PASSWORD})
    return response


def _owner_session(w: World, role: str, _pl: dict):  # noqa: ANN202
    extra = w.login("owner")
    sessions = w.client.get("/api/v1/users/me/sessions", headers=w.headers("owner", extra)).json()
    mine = next(s["id"] for s in sessions if s["current"])
    return w.client.delete(f"/api/v1/users/me/sessions/{mine}", headers=w.headers(role))


def _owner_favorite(method: str) -> Call:
    def call(w: World, role: str, _pl: dict):  # noqa: ANN202
        listed = w.client.get("/api/v1/users/favorites", headers=w.headers("owner")).json()["teams"]
        if not listed:
            listed = [w.client.post("/api/v1/users/favorites", headers=w.headers("owner"),
                                    json={"entity_type": "team", "entity_id": w.team_id}).json()]
        body = {"notification_enabled": False} if method == "PATCH" else None
        return w.client.request(method, f"/api/v1/users/favorites/{listed[0]['id']}", headers=w.headers(role),
                                json=body)
    return call


def _add_favorite(w: World, role: str, _pl: dict):  # noqa: ANN202
    if role != "anonymous":  # each role adds it once: remove an earlier one first
        for f in w.client.get("/api/v1/users/favorites", headers=w.headers(role)).json()["teams"]:
            w.client.delete(f"/api/v1/users/favorites/{f['id']}", headers=w.headers(role))
    return w.client.post("/api/v1/users/favorites", headers=w.headers(role),
                         json={"entity_type": "team", "entity_id": w.team_id})


PUSH_KEYS = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}  # a 65-byte point and a 16-byte secret, base64url


def _subscribe_push(w: World, role: str, _pl: dict):  # noqa: ANN202
    return w.client.post("/api/v1/users/push-subscriptions", headers=w.headers(role),
                         json={"endpoint": f"https://push.example.org/{role}", "keys": PUSH_KEYS})


def _owner_push_subscription(w: World, role: str, _pl: dict):  # noqa: ANN202
    mine = _subscribe_push(w, "owner", _pl).json()["id"]
    return w.client.delete(f"/api/v1/users/push-subscriptions/{mine}", headers=w.headers(role))


MATRIX: list[tuple[str, str, dict[str, int], Call]] = [
    ("POST", "/api/v1/auth/register", expect(201, 201, 201, 201, 201, 201), _register),
    ("POST", "/api/v1/auth/login", expect(200, 200, 200, 200, 200, 200), _login),
    ("POST", "/api/v1/auth/refresh", expect(401, 200, 200, 200, 200, 200), _refresh),
    ("POST", "/api/v1/auth/logout", expect(401, 204, 204, 204, 204, 204), _logout),
    ("GET", "/api/v1/auth/me", expect(401, 200, 200, 200, 200, 200), _json("GET", "/api/v1/auth/me")),
    # the same answer for anyone, known address or not (the email goes to the address, not the asker)
    ("POST", "/api/v1/auth/password-reset/request", expect(202, 202, 202, 202, 202, 202),
     _json("POST", "/api/v1/auth/password-reset/request", {"email": "owner@example.org"})),
    ("POST", "/api/v1/auth/password-reset", expect(400, 400, 400, 400, 400, 400),  # the proof is the token
     _json("POST", "/api/v1/auth/password-reset", {"token": "not-a-token", "new_password": "whatever it is 9"})),
    ("POST", "/api/v1/auth/verify-email/request", expect(401, 202, 202, 202, 202, 202),
     _json("POST", "/api/v1/auth/verify-email/request")),
    ("POST", "/api/v1/auth/verify-email", expect(400, 400, 400, 400, 400, 400),
     _json("POST", "/api/v1/auth/verify-email", {"token": "not-a-token"})),
    ("PATCH", "/api/v1/users/me", expect(401, 200, 200, 200, 200, 200),
     _json("PATCH", "/api/v1/users/me", {"timezone": "Europe/Paris"})),
    ("POST", "/api/v1/users/me/password", expect(401, 204, 204, 204, 204, 204), _password),
    ("GET", "/api/v1/users/me/sessions", expect(401, 200, 200, 200, 200, 200),
     _json("GET", "/api/v1/users/me/sessions")),
    ("DELETE", "/api/v1/users/me/sessions/{session_id}", expect(401, 404, 404, 404, 204, 404), _owner_session),
    ("GET", "/api/v1/users/favorites", expect(401, 200, 200, 200, 200, 200), _json("GET", "/api/v1/users/favorites")),
    ("POST", "/api/v1/users/favorites", expect(401, 201, 201, 201, 201, 201), _add_favorite),
    ("PATCH", "/api/v1/users/favorites/{favorite_id}", expect(401, 404, 404, 404, 200, 404), _owner_favorite("PATCH")),
    ("DELETE", "/api/v1/users/favorites/{favorite_id}", expect(401, 404, 404, 404, 204, 404),
     _owner_favorite("DELETE")),
    ("GET", "/api/v1/users/notifications", expect(401, 200, 200, 200, 200, 200),
     _json("GET", "/api/v1/users/notifications")),
    ("PUT", "/api/v1/users/notifications", expect(401, 200, 200, 200, 200, 200),
     _json("PUT", "/api/v1/users/notifications", {"kinds": ["goal", "final_score"]})),
    ("POST", "/api/v1/users/push-subscriptions", expect(401, 201, 201, 201, 201, 201), _subscribe_push),
    ("DELETE", "/api/v1/users/push-subscriptions/{subscription_id}", expect(401, 404, 404, 404, 204, 404),
     _owner_push_subscription),
    ("POST", PL, expect(401, 201, 201, 201, 201, 201),
     _json("POST", PL, {"name": "Mine", "competition": "test.1", "season": SEASON})),
    ("GET", PL, expect(401, 200, 200, 200, 200, 200), _json("GET", PL)),
    ("POST", f"{PL}/join", expect(401, 200, 400, 400, 400, 200),
     lambda w, role, pl: w.client.post(f"{PL}/join", headers=w.headers(role), json={"invite_code": pl["invite_code"]})),
    ("GET", f"{PL}/{{league_id}}", expect(404, 404, 200, 200, 200, 200), _json("GET", PL + "/{id}")),
    ("DELETE", f"{PL}/{{league_id}}", expect(401, 404, 403, 403, 204, 403), _json("DELETE", PL + "/{id}")),
    ("PATCH", f"{PL}/{{league_id}}", expect(401, 404, 403, 403, 200, 403),
     _json("PATCH", PL + "/{id}", {"reminder_minutes": 60})),
    ("GET", f"{PL}/{{league_id}}/members", expect(401, 404, 200, 200, 200, 200), _json("GET", PL + "/{id}/members")),
    ("DELETE", f"{PL}/{{league_id}}/members/{{user_id}}", expect(401, 404, 204, 403, 204, 403),
     _json("DELETE", PL + "/{id}/members/{member}")),
    ("POST", f"{PL}/{{league_id}}/leave", expect(401, 404, 204, 204, 409, 404), _json("POST", PL + "/{id}/leave")),
    ("POST", f"{PL}/{{league_id}}/invite-code", expect(401, 404, 403, 403, 200, 403),
     _json("POST", PL + "/{id}/invite-code")),
    ("GET", f"{PL}/{{league_id}}/fixtures", expect(401, 404, 200, 200, 200, 200), _json("GET", PL + "/{id}/fixtures")),
    ("PUT", f"{PL}/{{league_id}}/predictions/{{match_id}}", expect(401, 404, 201, 201, 201, 403),
     _json("PUT", PL + "/{id}/predictions/{match}", {"home": 1, "away": 0})),
    ("GET", f"{PL}/{{league_id}}/predictions", expect(404, 404, 200, 200, 200, 200),
     _json("GET", PL + "/{id}/predictions?match_id={match}")),
    ("GET", f"{PL}/{{league_id}}/leaderboard", expect(404, 404, 200, 200, 200, 200),
     _json("GET", PL + "/{id}/leaderboard")),
    ("GET", f"{PL}/{{league_id}}/members/{{user_id}}/season", expect(404, 404, 200, 200, 200, 200),
     _json("GET", PL + "/{id}/members/{member}/season")),
    ("GET", f"{PL}/{{league_id}}/bonus-questions", expect(401, 404, 200, 200, 200, 200),
     _json("GET", PL + "/{id}/bonus-questions")),
    ("POST", f"{PL}/{{league_id}}/bonus-questions", expect(401, 404, 403, 403, 201, 403),
     _json("POST", PL + "/{id}/bonus-questions", lambda w, r: {
         "kind": "custom", "question": "Goals?", "points": 3, "deadline": (now() + timedelta(days=1)).isoformat()})),
    # the collector's admin routes: an admin user's token works as well as an admin API key (tests/collector)
    ("POST", "/api/v1/admin/crawl/trigger", expect(401, 403, 403, 403, 403, 404),  # 404: no such job here
     _json("POST", "/api/v1/admin/crawl/trigger", {"job_id": "no-such-job"})),
    ("GET", "/api/v1/admin/crawl/status", expect(401, 403, 403, 403, 403, 200),
     _json("GET", "/api/v1/admin/crawl/status")),
    ("GET", "/api/v1/admin/crawl/logs", expect(401, 403, 403, 403, 403, 404),
     _json("GET", "/api/v1/admin/crawl/logs?job_id=no-such-job")),
    ("GET", "/api/v1/admin/coverage", expect(401, 403, 403, 403, 403, 200), _json("GET", "/api/v1/admin/coverage")),
    ("GET", "/api/v1/admin/quota", expect(401, 403, 403, 403, 403, 200), _json("GET", "/api/v1/admin/quota")),
    ("PUT", f"{PL}/{{league_id}}/bonus-questions/{{question_id}}/answer", expect(401, 404, 200, 200, 200, 403),
     _json("PUT", PL + "/{id}/bonus-questions/{q}/answer", {"answer": "Avon"})),
    ("POST", f"{PL}/{{league_id}}/bonus-questions/{{question_id}}/resolve", expect(401, 404, 403, 403, 200, 403),
     _json("POST", PL + "/{id}/bonus-questions/{q}/resolve", {"correct_answer": "Avon"})),
]


@pytest.mark.parametrize(("method", "path", "expected", "call"), MATRIX, ids=[f"{m} {p}" for m, p, _e, _c in MATRIX])
def test_authorization_matrix(world: World, method: str, path: str, expected: dict[str, int], call: Call) -> None:
    got = {}
    for role in ROLES:
        response = call(world, role, world.league())
        got[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()) == {"detail", "error_code", "timestamp", "path", "trace_id"}
    assert got == expected


def test_every_route_is_in_the_matrix_and_nothing_writes_anonymously(world: World) -> None:
    listed = {(m, p) for m, p, _e, _c in MATRIX}
    operations = [(method.upper(), path) for path, ops in world.client.app.openapi()["paths"].items()
                  for method in ops]
    writes = [op for op in operations if op[0] != "GET"]
    assert set(writes) <= listed, f"write routes missing from the matrix: {sorted(set(writes) - listed)}"
    public_writes = {("POST", "/api/v1/auth/register"), ("POST", "/api/v1/auth/login"),
                     ("POST", "/api/v1/auth/password-reset/request"), ("POST", "/api/v1/auth/password-reset"),
                     ("POST", "/api/v1/auth/verify-email")}
    for method, path, expected, _call in MATRIX:
        if method != "GET" and (method, path) not in public_writes:
            assert expected["anonymous"] in (401, 404), (method, path)
    # every read route outside the matrix is public: anonymous and signed in alike, never 401/403
    for method, path in operations:
        if (method, path) in listed:
            continue
        url = path.replace("{", "").replace("}", "")
        url = "/".join("1" if seg.endswith("_id") or seg in ("key", "id") else seg for seg in url.split("/"))
        for role in ("anonymous", "user"):
            status = world.client.get(url, headers=world.headers(role)).status_code
            assert status not in (401, 403, 500), (path, role, status)


def test_pages_that_write_demand_the_csrf_token(world: World) -> None:
    client = world.client
    for path in ("/login", "/register", "/logout", "/language"):
        response = client.post(path, data={"username": "user", "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 403 and "csrf" in response.text.lower(), (path, response.status_code)
    # a browser's cookie session, signed in through the login form with its token
    session = TestClient(client.app, base_url="https://testserver")  # the cookies are Secure
    page = session.get("/login")
    assert page.status_code == 200 and "matchday_csrf" in page.headers.get("set-cookie", "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = session.post("/login", data={"username": "user", "password": PASSWORD, "csrf_token": token},
                             follow_redirects=False)
    assert signed_in.status_code == 303
    # the token is bound to the session: signed in, the pages carry a new one (the login page's no longer counts)
    profile = session.get("/profile")
    token = re.search(r'name="csrf_token" value="([^"]+)"', profile.text).group(1)
    me = world.headers("user")
    before = client.get("/api/v1/auth/me", headers=me).json()["full_name"]
    # the session cookie alone changes nothing: neither the profile form nor the API
    refused = session.post("/profile", data={"full_name": "Forged", "timezone": "UTC", "language": "en"},
                           follow_redirects=False)
    assert refused.status_code == 403 and "csrf" in refused.text.lower()
    assert session.patch("/api/v1/users/me", json={"full_name": "Forged"}).status_code == 403
    assert client.get("/api/v1/auth/me", headers=me).json()["full_name"] == before
    # with the token, the same requests go through (so the refusals above were the token's)
    saved = session.post("/profile", data={"full_name": "Via form", "timezone": "UTC", "language": "en",
                                           "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 200 and "Profile saved." in saved.text
    assert session.patch("/api/v1/users/me", json={"full_name": before},
                         headers={"X-CSRF-Token": token}).status_code == 200
    # signing out through the page ends the session itself, not only the cookie in this browser
    cookie = session.cookies["matchday_session"]
    assert session.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replayed = TestClient(client.app, cookies={"matchday_session": cookie})
    assert replayed.get("/profile", follow_redirects=False).headers["location"].startswith("/login")
