"""Prediction leagues over HTTP: membership, invite codes, the lock at kick-off, privacy, scores and
leaderboards, bonus questions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchday.pools import sync
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, full_time, kick_off, now, postpone, season_records, write


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a namespace of the test world
    engine = football_store(tmp_path_factory.mktemp("pools") / "football.db")
    records = season_records()
    ids = write(engine, *records)
    with make_client(engine) as client:
        tokens = {}
        for name in ("olga", "mike", "otto", "ada", "tess"):
            register(client, name)
            tokens[name] = bearer(login(client, name))
        from matchday.accounts import users

        with client.app.state.accounts.engine.begin() as conn:
            users.set_role(conn, 4, "admin")
        yield type("World", (), {"client": client, "engine": engine, "records": records, "ids": ids,
                                 "h": tokens})
    engine.dispose()


def _create(world, owner: str = "olga", scoring: object = "kicktipp", **extra: object) -> dict:  # noqa: ANN001
    response = world.client.post("/api/v1/prediction-leagues", headers=world.h[owner],
                                 json={"name": "Office", "competition": "test.1", "season": SEASON,
                                       "scoring": scoring, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def _join(world, name: str, code: str) -> None:  # noqa: ANN001
    response = world.client.post("/api/v1/prediction-leagues/join", headers=world.h[name], json={"invite_code": code})
    assert response.status_code == 200, response.text


def test_create_join_leave_remove_and_rotate(world) -> None:  # noqa: ANN001
    client, h = world.client, world.h
    league = _create(world)
    assert league["participants_scores_status"] == "up-to-date" and len(league["invite_code"]) == 10
    assert league["scoring"]["preset"] == "kicktipp" and league["scoring"]["tie_breakers"][0] == "round_wins"
    assert league["competition"]["code"] == "test.1" and league["member_count"] == 1
    base = f"/api/v1/prediction-leagues/{league['id']}"
    assert client.post("/api/v1/prediction-leagues", json={"name": "x", "competition": "test.1",
                                                           "season": SEASON}).status_code == 401
    assert client.post("/api/v1/prediction-leagues", headers=h["olga"],
                       json={"name": "x", "competition": "nope.9", "season": SEASON}).status_code == 404
    assert client.post("/api/v1/prediction-leagues", headers=h["olga"],
                       json={"name": "x", "competition": "test.1", "season": "1999-00"}).status_code == 404
    _join(world, "mike", league["invite_code"].lower())
    assert client.post("/api/v1/prediction-leagues/join", headers=h["mike"],
                       json={"invite_code": league["invite_code"]}).status_code == 400
    assert client.post("/api/v1/prediction-leagues/join", headers=h["otto"],
                       json={"invite_code": "ZZZZZZZZZZ"}).status_code == 404
    assert client.get(base, headers=h["otto"]).status_code == 404  # a private league does not exist for others
    assert client.get(base).status_code == 404
    assert client.get(base, headers=h["ada"]).json()["is_member"] is False  # an admin sees it
    assert [m["username"] for m in client.get(f"{base}/members", headers=h["mike"]).json()] == ["olga", "mike"]
    assert client.post(f"{base}/invite-code", headers=h["mike"]).status_code == 403
    new_code = client.post(f"{base}/invite-code", headers=h["olga"]).json()["invite_code"]
    assert client.post("/api/v1/prediction-leagues/join", headers=h["otto"],
                       json={"invite_code": league["invite_code"]}).status_code == 404
    _join(world, "otto", new_code)
    otto_id = client.get("/api/v1/auth/me", headers=h["otto"]).json()["id"]
    assert client.delete(f"{base}/members/{otto_id}", headers=h["mike"]).status_code == 403
    assert client.delete(f"{base}/members/{otto_id}", headers=h["olga"]).status_code == 204
    assert client.get(base, headers=h["otto"]).status_code == 404
    assert client.post(f"{base}/leave", headers=h["mike"]).status_code == 204
    assert client.post(f"{base}/leave", headers=h["olga"]).status_code == 409
    mine = [x["id"] for x in client.get("/api/v1/prediction-leagues", headers=h["olga"]).json()]
    assert mine.count(league["id"]) == 1
    public = _create(world, visibility="public")
    assert client.get(f"/api/v1/prediction-leagues/{public['id']}").json()["invite_code"] is None
    assert client.delete(f"/api/v1/prediction-leagues/{public['id']}", headers=h["mike"]).status_code == 403
    assert client.delete(f"/api/v1/prediction-leagues/{public['id']}", headers=h["olga"]).status_code == 204


def test_predictions_lock_at_kickoff_and_stay_private_until_then(world) -> None:  # noqa: ANN001
    client, h, ids, records = world.client, world.h, world.ids, world.records
    league = _create(world)
    _join(world, "mike", league["invite_code"])
    base = f"/api/v1/prediction-leagues/{league['id']}"
    first = client.put(f"{base}/predictions/{ids[2]}", headers=h["mike"], json={"home": 2, "away": 1})
    assert first.status_code == 201 and first.json()["round_number"] == 2
    again = client.put(f"{base}/predictions/{ids[2]}", headers=h["mike"], json={"home": 3, "away": 1})
    assert again.status_code == 200 and again.json()["home"] == 3
    finished = client.put(f"{base}/predictions/{ids[0]}", headers=h["mike"], json={"home": 2, "away": 1})
    assert finished.status_code == 409 and finished.json()["error_code"] == "PREDICTION_LOCKED"
    by_clock = client.put(f"{base}/predictions/{ids[4]}", headers=h["mike"], json={"home": 0, "away": 0})
    assert by_clock.status_code == 409 and by_clock.json()["error_code"] == "PREDICTION_LOCKED"  # still "scheduled"
    assert client.put(f"{base}/predictions/{ids[2]}", headers=h["otto"], json={"home": 1, "away": 1}).status_code == 404
    assert client.put(f"{base}/predictions/{ids[2]}", json={"home": 1, "away": 1}).status_code == 401
    negative = client.put(f"{base}/predictions/{ids[2]}", headers=h["mike"], json={"home": -1, "away": 1})
    assert negative.status_code == 422
    client.put(f"{base}/predictions/{ids[2]}", headers=h["olga"], json={"home": 0, "away": 0})
    seen_by_olga = client.get(f"{base}/predictions", headers=h["olga"], params={"match_id": ids[2]}).json()
    assert [p["username"] for p in seen_by_olga] == ["olga"]  # mike's tip is hidden before kick-off
    fixtures = client.get(f"{base}/fixtures", headers=h["mike"], params={"round": 2}).json()
    assert [f["locked"] for f in fixtures] == [False, False] and fixtures[0]["my_prediction"]["home"] == 3
    write(world.engine, kick_off(records[2]))
    locked = client.put(f"{base}/predictions/{ids[2]}", headers=h["mike"], json={"home": 0, "away": 3})
    assert locked.status_code == 409 and locked.json()["error_code"] == "PREDICTION_LOCKED"  # by status
    seen_after = client.get(f"{base}/predictions", headers=h["olga"], params={"match_id": ids[2]}).json()
    assert sorted(p["username"] for p in seen_after) == ["mike", "olga"]
    assert client.get(f"{base}/predictions", headers=h["otto"], params={"match_id": ids[2]}).status_code == 404
    # a postponed match reopens until its new kick-off
    write(world.engine, postpone(records[4], now() + timedelta(days=3)))
    assert client.put(f"{base}/predictions/{ids[4]}", headers=h["mike"], json={"home": 1, "away": 0}).status_code == 201
    other_season = client.put(f"{base}/predictions/999999", headers=h["mike"], json={"home": 1, "away": 0})
    assert other_season.status_code == 404


def test_scores_status_leaderboard_ties_and_round_winners(world) -> None:  # noqa: ANN001
    client, h, ids, records, engine = world.client, world.h, world.ids, world.records, world.engine
    league = _create(world, owner="tess", scoring="tippspiel2")
    for name in ("olga", "mike", "otto"):
        _join(world, name, league["invite_code"])
    base = f"/api/v1/prediction-leagues/{league['id']}"
    tips = {"tess": (2, 0), "olga": (1, 0), "mike": (2, 0), "otto": (0, 1)}  # on the round-2 match, still open
    for name, (home, away) in tips.items():
        assert client.put(f"{base}/predictions/{ids[3]}", headers=h[name],
                          json={"home": home, "away": away}).status_code == 201
    users_engine = client.app.state.accounts.engine
    with users_engine.begin() as conn:
        assert league["id"] in sync.mark_outdata(conn, {(league["competition"]["id"], SEASON): [ids[3]]})
    assert client.get(base, headers=h["tess"]).json()["participants_scores_status"] == "outdata"
    write(engine, full_time(records[3], 3, 1))  # Dee 3:1 Cam: the write's change set scores the league
    client.portal.call(client.app.state.publisher.publish)  # what the server's publisher does at once anyway
    assert client.get(base, headers=h["tess"]).json()["participants_scores_status"] == "up-to-date"
    board = client.get(f"{base}/leaderboard", headers=h["olga"]).json()
    table = [(r["rank"], r["username"], r["points"], r["differences"], r["tendencies"]) for r in board["items"]]
    # tippspiel2: 2:0 on 3:1 is the right difference (3), 1:0 the right winner (1), 0:1 nothing
    assert table == [(1, "mike", 3, 1, 0), (1, "tess", 3, 1, 0), (3, "olga", 1, 0, 1), (4, "otto", 0, 0, 0)]
    assert board["round_winners"] == [{"round": 2, "points": 3, "winners": [
        {"user_id": r["user_id"], "username": r["username"]} for r in board["items"][:2]]}]
    assert client.get(f"{base}/leaderboard", params={"round": 1}, headers=h["olga"]).json()["items"][0]["points"] == 0
    # a corrected result rescores
    write(engine, full_time(records[3], 3, 1))  # unchanged: nothing to do
    with users_engine.begin() as conn:
        sync.mark_outdata(conn, {(league["competition"]["id"], SEASON): [ids[3]]})
    from dataclasses import replace

    from matchday.domain.records import MatchStatus, ParseResult
    from matchday.ingest.pipeline import UnitSummary, write_parsed
    from matchday.store.runs import start_run

    with engine.begin() as conn:
        run_id = start_run(conn, "simulator", "correction")
    summary = UnitSummary("correction")
    write_parsed(engine, "simulator", run_id, "correction",
                 ParseResult(matches=[replace(records[3], status=MatchStatus.FINISHED, home_goals=1, away_goals=0)]),
                 summary)
    assert [c.match_id for c in summary.changes if c.result_may_have_moved] == [ids[3]]
    client.portal.call(client.app.state.publisher.publish)
    corrected = client.get(f"{base}/leaderboard", headers=h["olga"]).json()["items"]
    assert (corrected[0]["username"], corrected[0]["points"], corrected[0]["exact"]) == ("olga", 5, 1)


def test_two_workers_never_sync_the_same_league_and_a_crash_heals(world) -> None:  # noqa: ANN001
    client, engine = world.client, world.engine
    league = _create(world)
    users_engine = client.app.state.accounts.engine
    with users_engine.begin() as conn:
        sync.mark_outdata(conn, {(league["competition"]["id"], SEASON): [world.ids[0]]})
    t = now()
    crashed = sync.claim(users_engine, league["id"], t)  # worker A takes the lease and dies
    assert crashed is not None
    assert sync.claim(users_engine, league["id"], t) is None  # worker B cannot take it
    assert sync.sync_league(users_engine, engine, league["id"], t + timedelta(seconds=30)) is None
    assert client.get(f"/api/v1/prediction-leagues/{league['id']}",
                      headers=world.h["olga"]).json()["participants_scores_status"] == "syncing"
    healed = sync.sweep(users_engine, engine, t + sync.LEASE + timedelta(seconds=1))
    assert [r.prediction_league_id for r in healed if r.prediction_league_id == league["id"]] == [league["id"]]
    assert client.get(f"/api/v1/prediction-leagues/{league['id']}",
                      headers=world.h["olga"]).json()["participants_scores_status"] == "up-to-date"


def test_bonus_questions(world) -> None:  # noqa: ANN001
    client, h = world.client, world.h
    league = _create(world)
    _join(world, "mike", league["invite_code"])
    base = f"/api/v1/prediction-leagues/{league['id']}"
    deadline = (now() + timedelta(days=2)).isoformat() + "Z"
    assert client.post(f"{base}/bonus-questions", headers=h["mike"], json={
        "kind": "champion", "question": "Champion?", "points": 10, "deadline": deadline}).status_code == 403
    question = client.post(f"{base}/bonus-questions", headers=h["olga"], json={
        "kind": "champion", "question": "Champion?", "points": 10, "deadline": deadline}).json()
    late = client.post(f"{base}/bonus-questions", headers=h["olga"], json={
        "kind": "top_scorer", "question": "Top scorer?", "points": 5,
        "deadline": (now() - timedelta(minutes=1)).isoformat() + "Z"}).json()
    assert client.put(f"{base}/bonus-questions/{question['id']}/answer", headers=h["mike"],
                      json={"answer": "Avon"}).json()["my_answer"] == "Avon"
    closed = client.put(f"{base}/bonus-questions/{late['id']}/answer", headers=h["mike"], json={"answer": "X"})
    assert closed.status_code == 409 and closed.json()["error_code"] == "BONUS_LOCKED"
    client.post(f"{base}/bonus-questions/{question['id']}/resolve", headers=h["olga"], json={"correct_answer": " avon"})
    mike = next(r for r in client.get(f"{base}/leaderboard", headers=h["olga"]).json()["items"]
                if r["username"] == "mike")
    assert (mike["bonus_points"], mike["points"]) == (10, 10)


def test_a_bonus_answer_locks_at_its_resolution(world) -> None:  # noqa: ANN001
    """Issue 17, item 5: a resolved question takes no new answer and no change (0 points never become 10)."""
    client, h = world.client, world.h
    league = _create(world)
    _join(world, "mike", league["invite_code"])
    base = f"/api/v1/prediction-leagues/{league['id']}"
    question = client.post(f"{base}/bonus-questions", headers=h["olga"], json={
        "kind": "champion", "question": "Champion?", "points": 10,
        "deadline": (now() + timedelta(days=2)).isoformat() + "Z"}).json()
    answer = f"{base}/bonus-questions/{question['id']}/answer"
    assert client.put(answer, headers=h["mike"], json={"answer": "Bristol"}).status_code == 200
    client.post(f"{base}/bonus-questions/{question['id']}/resolve", headers=h["olga"], json={"correct_answer": "Avon"})
    changed = client.put(answer, headers=h["mike"], json={"answer": "Avon"})
    assert changed.status_code == 409 and changed.json()["error_code"] == "BONUS_LOCKED"
    assert "resolved" in changed.text
    late = client.put(answer, headers=h["olga"], json={"answer": "Avon"})  # a member who never answered: the same
    assert late.status_code == 409
    mike = next(r for r in client.get(f"{base}/leaderboard", headers=h["olga"]).json()["items"]
                if r["username"] == "mike")
    assert mike["bonus_points"] == 0
    assert client.get(f"{base}/bonus-questions", headers=h["mike"]).json()[0]["my_answer"] == "Bristol"


def test_custom_scoring_needs_its_points(world) -> None:  # noqa: ANN001
    bad = world.client.post("/api/v1/prediction-leagues", headers=world.h["olga"], json={
        "name": "x", "competition": "test.1", "season": SEASON, "scoring": {"preset": "custom", "exact": 3}})
    assert bad.status_code == 422
    league = _create(world, scoring={"preset": "custom", "exact": 6, "difference": 4, "tendency": 2,
                                     "draw_difference": False, "joker": True, "knockout_result": "final"})
    assert (league["scoring"]["exact"], league["scoring"]["joker"], league["scoring"]["knockout_result"]) == (
        6, True, "final")


def test_one_joker_per_round(world) -> None:  # noqa: ANN001
    client, h, ids = world.client, world.h, world.ids
    plain = _create(world)
    refused = client.put(f"/api/v1/prediction-leagues/{plain['id']}/predictions/{ids[5]}", headers=h["olga"],
                         json={"home": 1, "away": 0, "joker": True})
    assert refused.status_code == 400  # this prediction league plays without jokers
    league = _create(world, scoring={"preset": "kicktipp", "joker": True})
    base = f"/api/v1/prediction-leagues/{league['id']}"
    open_matches = [f["match_id"] for f in client.get(f"{base}/fixtures", headers=h["olga"]).json()
                    if not f["locked"] and f["round_number"] == 3]
    assert len(open_matches) == 2  # round 3: one postponed (reopened), one next week
    for match_id in open_matches:  # the joker moves to the last match it was put on
        client.put(f"{base}/predictions/{match_id}", headers=h["olga"], json={"home": 1, "away": 0, "joker": True})
    mine = {p["match_id"]: p["joker"] for p in client.get(f"{base}/predictions", headers=h["olga"]).json()}
    assert sum(mine.values()) == 1 and mine[open_matches[-1]] is True
