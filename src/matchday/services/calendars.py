"""iCalendar (RFC 5545) feeds of matches: per team, per competition, per user's favourites. Each match is one
event with a stable UID; its DTSTART is the stored kick-off, so a moved match moves in every subscribed
calendar on the next refresh (SEQUENCE and LAST-MODIFIED grow with the match's last change)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import Connection

from matchday.errors import NotFound
from matchday.store import match_queries, team_queries
from matchday.store.match_queries import MatchFilter

MATCH_LENGTH = timedelta(minutes=115)  # 90 minutes, half time, stoppages
FEED_LIMIT = 2000
SEASONS_IN_FEED = 2  # a team's or a competition's latest seasons, past results included, and every later match
CANCELLED = frozenset({"cancelled", "abandoned"})
TENTATIVE = frozenset({"postponed", "suspended"})
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _summary(m: dict[str, Any]) -> str:
    if m["home_goals"] is not None and m["status"] in ("finished", "awarded", "live", "halftime"):
        return f"{m['home_name']} {m['home_goals']}–{m['away_goals']} {m['away_name']}"
    return f"{m['home_name']} v {m['away_name']}"


def _event(m: dict[str, Any], host: str, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"match-{m['id']}@{host}")
    changed = (m["updated_at"] or datetime(2000, 1, 1)).replace(tzinfo=UTC)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", max(0, int((changed - SEQUENCE_EPOCH).total_seconds() // 60)))  # grows with each change
    if m["kickoff_utc"] is not None:
        start = m["kickoff_utc"].replace(tzinfo=UTC)
        event.add("dtstart", start)
        event.add("dtend", start + MATCH_LENGTH)
    else:  # the day is known, not the time: an all-day event
        event.add("dtstart", m["match_date"])
        event.add("dtend", m["match_date"] + timedelta(days=1))
    event.add("summary", _summary(m))
    round_text = f" · {m['round']}" if m["round"] else ""
    event.add("description", f"{m['league_name']} {m['season']}{round_text}\n{base_url}/matches/{m['id']}")
    if m["venue"]:
        event.add("location", m["venue"])
    event.add("url", f"{base_url}/matches/{m['id']}")
    event.add("categories", [m["league_name"]])
    event.add("status", "CANCELLED" if m["status"] in CANCELLED else
              "TENTATIVE" if m["status"] in TENTATIVE else "CONFIRMED")
    return event


def feed(name: str, rows: Iterable[dict[str, Any]], base_url: str) -> bytes:
    """The iCalendar document of these matches (those without any date are left out)."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "matchday"
    calendar = Calendar()
    calendar.add("prodid", "-//matchday//match calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for row in sorted({r["id"]: r for r in rows}.values(), key=lambda r: (r["match_date"] or date.min, r["id"])):
        if row["match_date"] is not None or row["kickoff_utc"] is not None:
            calendar.add_component(_event(row, host, base_url))
    return calendar.to_ical()


def team_matches(conn: Connection, team_id: int, today: date) -> tuple[str, list[dict[str, Any]]]:
    team = team_queries.team(conn, team_id)
    seasons = team_queries.team_seasons(conn, team_id)
    labels = sorted({s["label"] for s in seasons}, reverse=True)[:SEASONS_IN_FEED]
    rows = [r for label in labels for r in match_queries.list_matches(
        conn, MatchFilter(team_id=team_id, season=label), FEED_LIMIT, 0)[0]]
    rows += match_queries.list_matches(conn, MatchFilter(team_id=team_id, date_from=today), FEED_LIMIT, 0)[0]
    return team["name"], rows


def league_matches(conn: Connection, key: str, today: date) -> tuple[str, list[dict[str, Any]]]:
    comp = team_queries.league_by_id_or_code(conn, key)
    seasons = team_queries.league_seasons(conn, comp.id)
    if not seasons:
        raise NotFound(f"league {comp.code} has no matches stored")
    rows = [r for s in seasons[:SEASONS_IN_FEED] for r in match_queries.list_matches(
        conn, MatchFilter(competition_id=comp.id, season=s["label"]), FEED_LIMIT, 0)[0]]
    rows += match_queries.list_matches(conn, MatchFilter(competition_id=comp.id, date_from=today), FEED_LIMIT, 0)[0]
    return comp.name, rows


def favourite_matches(conn: Connection, followed: dict[str, list[dict[str, Any]]], today: date
                      ) -> list[dict[str, Any]]:
    """The matches of a user's favourite teams and leagues: from 30 days ago on."""
    since = today - timedelta(days=30)
    rows: list[dict[str, Any]] = []
    for fav in followed["teams"]:
        rows += match_queries.list_matches(conn, MatchFilter(team_id=fav["team_id"], date_from=since),
                                           FEED_LIMIT, 0)[0]
    for fav in followed["leagues"]:
        rows += match_queries.list_matches(conn, MatchFilter(competition_id=fav["league_id"], date_from=since),
                                           FEED_LIMIT, 0)[0]
    return rows


def user_token(secret: str, user_id: int) -> str:
    """The private part of a user's feed address: a calendar app cannot sign in, so the address is the key."""
    digest = hmac.new(secret.encode(), f"calendar:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{user_id}-{digest}"


def user_of_token(secret: str, token: str) -> int:
    user_text, _, _digest = token.partition("-")
    if not user_text.isdigit() or len(user_text) > 10 or not hmac.compare_digest(
            user_token(secret, int(user_text)), token):
        raise NotFound("no such calendar")
    return int(user_text)
