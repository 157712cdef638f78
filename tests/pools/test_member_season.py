"""A member's season chart: points per round, running total and rank after each round, from the scores the
scoring job materialised, over HTTP and on the prediction league page."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, func, select

from matchday.accounts.schema import prediction_leagues, predictions
from matchday.web.prediction_charts import season_chart
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, full_time, season_records, write


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (client, league, ids)
    engine = football_store(tmp_path_factory.mktemp("season") / "football.db")
    records = season_records()
    ids = write(engine, *records)
    with make_client(engine) as client:
        h = {}
        for name in ("olga", "mike", "otto"):
            register(client, name)
            h[name] = bearer(login(client, name))
        league = client.post("/api/v1/prediction-leagues", headers=h["olga"], json={
            "name": "Office", "competition": "test.1", "season": SEASON, "scoring": "kicktipp"}).json()
        for name in ("mike", "otto"):
            client.post("/api/v1/prediction-leagues/join", headers=h[name], json={"invite_code": league["invite_code"]})
        base = f"/api/v1/prediction-leagues/{league['id']}"
        tips = {("olga", 2): (2, 0), ("mike", 2): (0, 1), ("olga", 5): (2, 0), ("mike", 5): (1, 1)}
        for (name, index), (home, away) in tips.items():
            assert client.put(f"{base}/predictions/{ids[index]}", headers=h[name],
                              json={"home": home, "away": away}).status_code == 201
        write(engine, full_time(records[2], 2, 0), full_time(records[5], 1, 1))
        # the server's own scoring subscriber takes the results from the change stream (DESIGN §13); wait for it
        # rather than score beside it (a second scorer would race it for the lease)
        _wait_scored(client.app.state.accounts.engine, league["id"], [ids[2], ids[5]])
        yield client, league, h
    engine.dispose()


def _wait_scored(users_engine: Engine, league_id: int, match_ids: list[int]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with users_engine.connect() as conn:
            status = conn.execute(select(prediction_leagues.c.participants_scores_status)
                                  .where(prediction_leagues.c.id == league_id)).scalar_one()
            unscored = conn.execute(select(func.count()).select_from(predictions).where(
                predictions.c.prediction_league_id == league_id, predictions.c.match_id.in_(match_ids),
                predictions.c.points.is_(None))).scalar_one()
        if status == "up-to-date" and unscored == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"prediction league {league_id} was not scored: {status}, {unscored} predictions unscored")


def test_points_total_and_rank_by_round(scored) -> None:  # noqa: ANN001
    client, league, h = scored
    members = {m["username"]: m["user_id"] for m in client.get(
        f"/api/v1/prediction-leagues/{league['id']}/members", headers=h["olga"]).json()}
    season = {}
    for name in ("olga", "mike", "otto"):
        body = client.get(f"/api/v1/prediction-leagues/{league['id']}/members/{members[name]}/season",
                          headers=h["olga"]).json()
        season[name] = [(r["round"], r["points"], r["total"], r["rank"]) for r in body["rounds"]]
    # kicktipp: exact 4; round 2 olga exact on 2:0, round 3 mike exact on 1:1; level after round 3 on points,
    # round wins and exact scores: they share first place
    assert season["olga"] == [(2, 4, 4, 1), (3, 0, 4, 1)]
    assert season["mike"] == [(2, 0, 0, 2), (3, 4, 4, 1)]
    assert season["otto"] == [(2, 0, 0, 2), (3, 0, 0, 3)]
    outsider = client.get(f"/api/v1/prediction-leagues/{league['id']}/members/999/season", headers=h["olga"])
    assert outsider.status_code == 404


def test_season_chart_svg() -> None:
    svg = season_chart([{"round": 1, "points": 4, "total": 4, "rank": 1, "members": 3},
                        {"round": 2, "points": 0, "total": 4, "rank": 2, "members": 3}])
    assert svg.count('class="round-bar"') == 2 and 'class="rank-line"' in svg
    assert season_chart([]) == ""


def test_prediction_league_page_shows_the_members_season(scored) -> None:  # noqa: ANN001
    """The page as the server renders it, signed in through the login form (in Chromium:
    tests/web/test_prediction_league_pages.py)."""
    import re

    client, league, _h = scored
    client.cookies.clear()
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    signed_in = client.post("/login", data={"csrf_token": token, "username": "mike",
                                            "password": "correct horse battery staple"}, follow_redirects=True)
    assert signed_in.status_code == 200
    html = client.get(f"/prediction-leagues/{league['id']}").text
    assert 'data-role="my-season"' in html and "season-chart" in html
    assert "After round 3: 4 points, rank 1 of 3" in html
