"""Load test (Locust): people browsing matches, tables and teams, and signed-in players predicting.

    locust -f loadtests/locustfile.py --host http://127.0.0.1:8000 --headless -u 100 -r 20 -t 60s

``Browser`` is the published scenario (browse live, today, fixtures, tables, teams, match pages); ``Predictor``
signs up, joins one prediction league and keeps changing predictions of upcoming matches. Ids are discovered
from the API at start, so any store works (one with a current season has upcoming matches to predict). All
users come from one address: run the server with high sign-in limits (``MATCHDAY_REGISTER_RATE_LIMIT``,
``MATCHDAY_LOGIN_RATE_LIMIT``, ``MATCHDAY_LOGIN_ADDRESS_RATE_LIMIT``), as ``benchmarks/stack.py`` does.
"""

from __future__ import annotations

import random
import uuid

from locust import HttpUser, between, events, task

STATE: dict[str, list] = {"leagues": [], "matches": [], "teams": [], "upcoming": [], "prediction_season": []}
LEAGUE_INVITE: dict[str, str] = {}


@events.test_start.add_listener
def discover(environment, **_kwargs) -> None:  # noqa: ANN001 - Locust's environment
    """Read ids to browse once, before the users start."""
    import httpx

    with httpx.Client(base_url=environment.host, timeout=30) as client:
        leagues = client.get("/api/v1/leagues", params={"limit": 100}).json()["items"]
        for league in leagues:
            labels = [s["label"] for s in client.get(f"/api/v1/leagues/{league['id']}/seasons").json()["items"]]
            if labels:
                STATE["leagues"].append((league["id"], max(labels)))
        matches = client.get("/api/v1/matches", params={"limit": 200}).json()["items"]
        STATE["matches"] = [m["id"] for m in matches]
        STATE["teams"] = [t["id"] for t in client.get("/api/v1/teams", params={"limit": 200}).json()["items"]]
        upcoming = client.get("/api/v1/matches/upcoming", params={"days": 30}).json()["items"]
        if upcoming:  # predict in the competition and season of the coming matches
            first = upcoming[0]
            STATE["prediction_season"] = [(first["league"]["id"], first["season"])]
            STATE["upcoming"] = [m["id"] for m in upcoming if m["league"]["id"] == first["league"]["id"]]


class Browser(HttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    @task(3)
    def today(self) -> None:
        self.client.get("/api/v1/matches/today")

    @task(2)
    def live(self) -> None:
        self.client.get("/api/v1/matches/live")

    @task(4)
    def table(self) -> None:
        league_id, season = random.choice(STATE["leagues"])
        self.client.get(f"/api/v1/leagues/{league_id}/table", params={"season": season},
                        name="/api/v1/leagues/{id}/table")

    @task(2)
    def fixtures(self) -> None:
        league_id, season = random.choice(STATE["leagues"])
        self.client.get(f"/api/v1/leagues/{league_id}/fixtures", params={"season": season},
                        name="/api/v1/leagues/{id}/fixtures")

    @task(3)
    def match(self) -> None:
        self.client.get(f"/api/v1/matches/{random.choice(STATE['matches'])}", name="/api/v1/matches/{id}")

    @task(2)
    def team(self) -> None:
        self.client.get(f"/api/v1/teams/{random.choice(STATE['teams'])}", name="/api/v1/teams/{id}")


class Predictor(HttpUser):
    """A signed-in player: register, join the shared prediction league, predict upcoming matches."""

    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        name = f"load{uuid.uuid4().hex[:12]}"
        password = f"Lt-{uuid.uuid4().hex}"
        self.client.post("/api/v1/auth/register", json={"email": f"{name}@example.com", "username": name,
                                                        "password": password})
        tokens = self.client.post("/api/v1/auth/login", data={"username": name, "password": password}).json()
        self.client.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        self.league_id = None
        if STATE["upcoming"]:
            self.league_id = self._join_or_create()

    def _join_or_create(self) -> int:
        if "code" not in LEAGUE_INVITE:
            league_id, season = STATE["prediction_season"][0]
            created = self.client.post("/api/v1/prediction-leagues", json={
                "name": "load test", "competition": str(league_id), "season": season, "scoring": "kicktipp",
                "visibility": "private"}).json()
            LEAGUE_INVITE.update(code=created["invite_code"], id=str(created["id"]))
            return created["id"]
        self.client.post("/api/v1/prediction-leagues/join", json={"invite_code": LEAGUE_INVITE["code"]})
        return int(LEAGUE_INVITE["id"])

    @task(3)
    def predict(self) -> None:
        if self.league_id is None:
            return
        match_id = random.choice(STATE["upcoming"])
        with self.client.put(f"/api/v1/prediction-leagues/{self.league_id}/predictions/{match_id}",
                             json={"home": random.randint(0, 3), "away": random.randint(0, 3)},
                             name="/api/v1/prediction-leagues/{id}/predictions/{match_id}",
                             catch_response=True) as response:
            if response.status_code in (200, 201, 409):  # 409: kicked off meanwhile, locked as it should be
                response.success()

    @task(1)
    def leaderboard(self) -> None:
        if self.league_id is not None:
            self.client.get(f"/api/v1/prediction-leagues/{self.league_id}/leaderboard",
                            name="/api/v1/prediction-leagues/{id}/leaderboard")
