"""A prediction league's lock time: at kick-off (the default), N minutes before it, or at the round's first
kick-off; the fixtures say when each match closes and the API refuses predictions after it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from matchday.domain.prediction_lock import locks_at
from matchday.domain.prediction_scoring import ScoringRules, rules_for
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, season_records, write

T = datetime(2026, 5, 1, 15, 0)


def test_lock_times() -> None:
    round_kickoffs = [T, T + timedelta(hours=2), None]
    assert locks_at(T + timedelta(hours=2), round_kickoffs, "kickoff") == T + timedelta(hours=2)
    assert locks_at(T, round_kickoffs, "before_kickoff", 30) == T - timedelta(minutes=30)
    assert locks_at(T + timedelta(hours=2), round_kickoffs, "round_start") == T
    assert locks_at(None, [None], "round_start") is None and locks_at(None, [], "kickoff") is None
    with pytest.raises(ValueError):
        locks_at(T, [], "halftime")


def test_rules_keep_the_lock_and_old_leagues_lock_at_kickoff() -> None:
    rules = rules_for("kicktipp", lock="before_kickoff", lock_minutes=45)
    assert (rules.lock, rules.lock_minutes) == ("before_kickoff", 45)
    assert ScoringRules.from_dict(rules.as_dict()) == rules
    old = {k: v for k, v in rules_for("kicktipp").as_dict().items() if k not in ("lock", "lock_minutes")}
    assert ScoringRules.from_dict(old).lock == "kickoff"
    with pytest.raises(ValueError):
        rules_for("kicktipp", lock_minutes=-1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (client, ids, headers)
    engine = football_store(tmp_path_factory.mktemp("locks") / "football.db")
    ids = write(engine, *season_records())
    with make_client(engine) as client:
        register(client, "lena")
        yield client, ids, bearer(login(client, "lena"))
    engine.dispose()


def _league(client, headers: dict, **lock: object) -> str:  # noqa: ANN001
    response = client.post("/api/v1/prediction-leagues", headers=headers, json={
        "name": "Locks", "competition": "test.1", "season": SEASON, "scoring": {"preset": "kicktipp", **lock}})
    assert response.status_code == 201, response.text
    assert {k: response.json()["scoring"][k] for k in lock} == lock
    return f"/api/v1/prediction-leagues/{response.json()['id']}"


def _fixtures(client, base: str, headers: dict, round_number: int) -> dict[int, dict]:  # noqa: ANN001
    return {f["match_id"]: f for f in client.get(f"{base}/fixtures", params={"round": round_number},
                                                 headers=headers).json()}


def test_round_start_closes_the_whole_round_at_its_first_kickoff(world) -> None:  # noqa: ANN001
    """Round 3: one match's kick-off has just passed, the other is a week ahead."""
    client, ids, h = world
    base = _league(client, h, lock="round_start")
    fixtures = _fixtures(client, base, h, 3)
    first = fixtures[ids[4]]
    assert fixtures[ids[5]]["locks_at"] == first["kickoff_utc"] and fixtures[ids[5]]["locked"]
    refused = client.put(f"{base}/predictions/{ids[5]}", headers=h, json={"home": 1, "away": 0})
    assert refused.status_code == 409 and refused.json()["error_code"] == "PREDICTION_LOCKED"
    assert "closes predictions at" in refused.json()["detail"]
    # at kick-off (the default), the week-ahead match is open
    default = _league(client, h, lock="kickoff")
    assert not _fixtures(client, default, h, 3)[ids[5]]["locked"]
    assert client.put(f"{default}/predictions/{ids[5]}", headers=h, json={"home": 1, "away": 0}).status_code == 201


def test_minutes_before_kickoff(world) -> None:  # noqa: ANN001
    """Round 2 kicks off in a day: two days before, it is closed; an hour before, still open."""
    client, ids, h = world
    early = _league(client, h, lock="before_kickoff", lock_minutes=2 * 24 * 60)
    fixture = _fixtures(client, early, h, 2)[ids[2]]
    assert fixture["locked"]
    kickoff = datetime.fromisoformat(fixture["kickoff_utc"])
    assert datetime.fromisoformat(fixture["locks_at"]) == kickoff - timedelta(days=2)
    assert client.put(f"{early}/predictions/{ids[2]}", headers=h, json={"home": 2, "away": 2}).status_code == 409
    late = _league(client, h, lock="before_kickoff", lock_minutes=60)
    assert not _fixtures(client, late, h, 2)[ids[2]]["locked"]
    assert client.put(f"{late}/predictions/{ids[2]}", headers=h, json={"home": 2, "away": 2}).status_code == 201
