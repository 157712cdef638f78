"""Six ESPN fifa.world scoreboards captured during the 2026 World Cup knockouts, played back in time order by the
fake provider through a live-loop job (each at its capture time), become the right goals and status changes on
the feed. The expectations below are read off the captures (scorers, minutes, statuses), not off our output."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from matchday.ingest import coverage
from matchday.store.schema import external_ids, feed_events
from tests.collector.conftest import SAMPLES
from tests.collector.fake_provider import Reply

ESPN = SAMPLES / "espn"
CAPTURES = [  # (file, the moment it was captured: the source's clock for that poll)
    ("scoreboard_fifa.world_2026-07-11T223715Z_STATUS_SECOND_HALF.json", datetime(2026, 7, 11, 22, 37, 15)),
    ("scoreboard_fifa.world_2026-07-11T234313Z_STATUS_OVERTIME.json", datetime(2026, 7, 11, 23, 43, 13)),
    ("scoreboard_fifa.world_2026-07-12T014703Z_STATUS_IN_PROGRESS.json", datetime(2026, 7, 12, 1, 47, 3)),
    ("scoreboard_fifa.world_2026-07-18T214010Z_STATUS_FIRST_HALF.json", datetime(2026, 7, 18, 21, 40, 10)),
    ("scoreboard_fifa.world_2026-07-19T200209Z_STATUS_HALFTIME.json", datetime(2026, 7, 19, 20, 2, 9)),
    ("scoreboard_fifa.world_2026-08-22T194247Z_final_all-post.json", datetime(2026, 8, 22, 19, 42, 47)),
]
LIVE_JOB = {"job_id": "espn-wc-live", "provider": "espn", "type": "live_loop", "priority": "CRITICAL",
            "endpoint": "scoreboard", "params": {"league": "fifa.world"},
            "interval": {"type": "interval", "seconds": 8}, "discovery_seconds": 60,
            "coverage_target": {"min_count": 32, "required_fields": ["kickoff_utc", "venue"]}}

# per ESPN event: (capture index, side, minute, added, scorer) of each goal as it appeared on the scoreboards
GOALS = {
    "760512": [(0, "home", 36, None, "Andreas Schjelderup"), (0, "away", 45, 2, "Jude Bellingham"),
               (1, "away", 93, None, "Jude Bellingham")],  # Norway 1-2 England, after extra time
    "760513": [(2, "home", 10, None, "Alexis Mac Allister"), (3, "away", 67, None, "Dan Ndoye"),
               (3, "home", 112, None, "Julián Álvarez"), (3, "home", 120, 1, "Lautaro Martínez")],
    "760514": [(3, "away", 22, None, "Mikel Oyarzabal"), (3, "away", 58, None, "Pedro Porro")],  # France 0-2 Spain
    "760516": [(3, "away", 3, None, "Declan Rice"), (3, "away", 18, None, "Ezri Konsa"),
               (3, "away", 37, None, "Bukayo Saka"), (4, "away", 45, 1, "Bukayo Saka"),
               (4, "home", 48, None, "Kylian Mbappé"), (4, "home", 54, None, "Bradley Barcola"),
               (4, "home", 66, None, "Kylian Mbappé"), (4, "away", 87, None, "Bukayo Saka"),
               (4, "home", 90, 6, "Ousmane Dembélé"), (4, "away", 90, 8, "Jude Bellingham")],  # France 4-6 England
    "760517": [(5, "home", 106, None, "Ferran Torres")],  # the final: Spain 1-0 Argentina, after extra time
}
# per ESPN event: (capture index, status, period) of each status change on the feed
STATUSES = {
    "760512": [(0, "live", "second_half"), (1, "live", "extra_time"), (2, "finished", None)],
    "760513": [(2, "live", "first_half"), (3, "finished", None)],
    "760514": [(3, "finished", None)],
    "760516": [(3, "live", "first_half"), (4, "finished", None)],
    "760517": [(4, "halftime", "halftime"), (5, "finished", None)],
}


def test_scoreboards_played_back_become_the_right_feed(make_collector, fake) -> None:
    step = {"index": 0}
    fake.script("/fifa.world/scoreboard", lambda _request: Reply.file(ESPN / CAPTURES[step["index"]][0]))
    collector = make_collector([LIVE_JOB], providers={"espn": {"minute_limit": 20}})
    collector.live_clock = lambda: CAPTURES[step["index"]][1]
    seen_at: dict[int, int] = {}  # feed event id -> the capture that produced it
    for index in range(len(CAPTURES)):
        step["index"] = index
        outcome = collector.run_job("espn-wc-live", "schedule")
        assert outcome.status == "ok", outcome.error
        with collector.engine.connect() as conn:
            for (event_id,) in conn.execute(select(feed_events.c.id)):
                seen_at.setdefault(event_id, index)
    assert fake.requests_to("/fifa.world/scoreboard") == len(CAPTURES)  # one scoreboard per look

    with collector.engine.connect() as conn:
        espn_id = dict(conn.execute(select(external_ids.c.internal_id, external_ids.c.external_id).where(
            external_ids.c.source == "espn", external_ids.c.entity == "match")).all())
        feed = conn.execute(select(feed_events).order_by(feed_events.c.id)).mappings().all()
    by_event: dict[str, list] = {}
    for row in feed:
        by_event.setdefault(espn_id.get(row["match_id"], "?"), []).append(row)
    for event, expected in GOALS.items():
        goals = [(seen_at[r["id"]], r["payload"]["side"], r["payload"]["minute"], r["payload"]["added_minute"],
                  r["payload"]["player"]) for r in by_event[event] if r["type"] == "goal"]
        assert goals == expected, event
        last = [r for r in by_event[event] if r["type"] == "goal"][-1]["payload"]["score"]
        assert (last["home"], last["away"]) == {"760512": (1, 2), "760513": (3, 1), "760514": (0, 2),
                                                "760516": (4, 6), "760517": (1, 0)}[event]
    for event, expected in STATUSES.items():
        statuses = [(seen_at[r["id"]], r["payload"]["status"], r["payload"]["period"]) for r in by_event[event]
                    if r["type"] == "match_status"]
        assert statuses == expected, event
    # a repeated or older scoreboard adds nothing: the already-final matches of the first capture say it
    assert all(seen_at[r["id"]] == 0 for r in by_event["760486"])
    # coverage of the live loop: the 32 knockout matches of the scoreboard (round of 32 to the final)
    row = coverage.report(collector.engine, {})[0]
    assert (row["competition"], row["season"], row["count"], row["status"]) == ("fifa.world", "2026", 32, "ok")
