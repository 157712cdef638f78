"""iCalendar feeds per team, per competition and per user's favourites, read back with the icalendar library;
a match that moves moves in the feed (same UID, new DTSTART, higher SEQUENCE)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from matchday.services.calendars import user_token
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.conftest import DATA
from tests.ingest.helpers import load

SCHEDULED = (DATA / "api-samples" / "football-data-org" / "unwrapped" /
             "competitions-PL-matches_status-SCHEDULED_season-2025.json")
# moved to a day ahead of today, so the favourites feed (30 days back, all ahead) has it whenever the test runs
MOVED_TO = (datetime.now(UTC) + timedelta(days=40)).replace(hour=15, minute=0, second=0, microsecond=0)


def _calendar(response) -> Calendar:  # noqa: ANN001 - an httpx response
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.content
    assert all(len(line) <= 75 for line in text.split(b"\r\n")), "RFC 5545 folds lines at 75 octets"
    assert text.endswith(b"\r\n") and b"\n" not in text.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(text)
    assert calendar.errors == [] and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        assert event.errors == []
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert required in event, required
    return calendar


def _event(calendar: Calendar, match_id: int):  # noqa: ANN202 - an icalendar Event
    return next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"match-{match_id}@"))


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, Path]:
    folder = tmp_path_factory.mktemp("calendars")
    engine = football_store(folder / "football.db")
    load(engine, "football-data-org", SCHEDULED)
    with make_client(engine) as client:
        yield client, folder
    engine.dispose()


def _move(client: TestClient, folder: Path) -> None:
    """football-data.org reschedules Everton v Manchester United (its id 538050): the same answer with the new
    kick-off, loaded through the pipeline (a second load changes nothing)."""
    doc = json.loads(SCHEDULED.read_text("utf-8"))
    next(m for m in doc["matches"] if m["id"] == 538050)["utcDate"] = MOVED_TO.strftime("%Y-%m-%dT%H:%M:%SZ")
    copy = folder / "moved" / SCHEDULED.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(json.dumps(doc), "utf-8")
    load(client.app.state.engine, "football-data-org", copy)


def _everton_match(client: TestClient) -> tuple[int, int]:
    [everton] = client.get("/api/v1/teams", params={"search": "Everton"}).json()["items"]
    fixtures = client.get(f"/api/v1/teams/{everton['id']}/fixtures", params={"limit": 200}).json()["items"]
    match = next(m for m in fixtures if m["home"]["name"].startswith("Everton")
                 and m["away"]["name"].startswith("Manchester United"))
    return everton["id"], match["id"]


def test_team_feed_lists_its_matches_with_their_kickoffs(setup) -> None:  # noqa: ANN001
    client, _folder = setup
    team_id, match_id = _everton_match(client)
    calendar = _calendar(client.get(f"/calendar/team/{team_id}.ics"))
    fixtures = client.get(f"/api/v1/teams/{team_id}/fixtures", params={"limit": 200}).json()
    assert len(calendar.walk("VEVENT")) == fixtures["total"]
    event = _event(calendar, match_id)
    assert event.decoded("DTSTART") == datetime(2026, 2, 23, 20, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]).startswith("Everton") and " v " in str(event["SUMMARY"])
    assert str(event["URL"]).endswith(f"/matches/{match_id}")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_moved_match_moves_in_the_feed(setup) -> None:  # noqa: ANN001
    client, folder = setup
    team_id, match_id = _everton_match(client)
    before = _event(_calendar(client.get(f"/calendar/team/{team_id}.ics")), match_id)
    _move(client, folder)
    after = _event(_calendar(client.get(f"/calendar/team/{team_id}.ics")), match_id)
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == MOVED_TO
    assert after.decoded("DTEND") > after.decoded("DTSTART")
    assert int(after["SEQUENCE"]) >= int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_league_feed(setup) -> None:  # noqa: ANN001
    client, _folder = setup
    calendar = _calendar(client.get("/calendar/league/eng.1.ics"))
    total = client.get("/api/v1/leagues/eng.1/fixtures", params={"limit": 1}).json()["total"]
    assert len(calendar.walk("VEVENT")) == total == 109
    assert str(calendar["X-WR-CALNAME"]).startswith("Premier League")
    assert client.get("/calendar/league/nowhere.1.ics").status_code == 404


def test_favourites_feed_is_private_and_follows_the_favourites(setup) -> None:  # noqa: ANN001
    client, folder = setup
    team_id, match_id = _everton_match(client)
    _move(client, folder)
    me = register(client, "calendar-fan")
    tokens = login(client, "calendar-fan")
    token = user_token(client.app.state.accounts.settings.secret_key, me["id"])
    assert _calendar(client.get(f"/calendar/user/{token}.ics")).walk("VEVENT") == []
    added = client.post("/api/v1/users/favorites", headers=bearer(tokens),
                        json={"entity_type": "team", "entity_id": team_id})
    assert added.status_code == 201, added.text
    events = _calendar(client.get(f"/calendar/user/{token}.ics")).walk("VEVENT")
    # the feed starts 30 days ago: of Everton's 2025-26 fixtures only the one moved ahead is left
    assert [str(e["UID"]).split("@")[0] for e in events] == [f"match-{match_id}"]
    for forged in (f"{me['id']}-{'0' * 32}", f"{me['id'] + 1}-{token.split('-')[1]}", "x", "1"):
        assert client.get(f"/calendar/user/{forged}.ics").status_code == 404, forged


def test_unknown_team_is_a_404(setup) -> None:  # noqa: ANN001
    client, _folder = setup
    assert client.get("/calendar/team/999999.ics").status_code == 404


def test_profile_page_offers_the_private_feed(setup) -> None:  # noqa: ANN001
    import re

    client, _folder = setup
    register(client, "calendar-reader")
    client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"csrf_token": token, "username": "calendar-reader",
                                "password": "correct horse battery staple"}, follow_redirects=True)
    page = client.get("/profile").text
    feed = re.search(r'data-role="calendar" href="([^"]+)"', page).group(1)
    client.cookies.clear()  # a calendar app has no session: the address alone opens the feed
    assert _calendar(client.get(feed))["X-WR-CALNAME"] == "My matches · matchday"
