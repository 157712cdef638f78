"""The live loop beside benchmarks/api.py's "hits under writes": every second one match of the simulated league
moves on a minute, and every fifth second someone scores, written through the live path (``ingest_snapshots``,
the one write tail) as a live poll would; with MATCHDAY_REDIS_URL the write position is announced there, as a
scaled-out writer's is. Runs until killed; prints WRITING once its first write committed.

    python api_writer.py DATABASE_URL
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from matchday.cache import write_position
from matchday.domain.records import MatchStatus, Period
from matchday.ingest.live import ingest_snapshots
from matchday.sources.simulator.generator import generate_season
from matchday.store.engine import make_engine


def main(url: str) -> None:
    engine = make_engine(url)
    write_position.attach(engine, os.environ.get("MATCHDAY_REDIS_URL"))
    base = generate_season(2, seed=9, season="2026-27").matches[0]  # a match of the league the API serves live
    kickoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    current = replace(base, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=1, home_goals=0,
                      away_goals=0, events=(), kickoff_utc=kickoff, match_date=kickoff.date(), stats=(), lineups=())
    writes = 0
    while True:
        started = time.monotonic()
        ingest_snapshots(engine, "bench-writer", [current])
        writes += 1
        if writes == 1:
            print("WRITING", flush=True)
        goal = writes % 5 == 0
        current = replace(current, minute=min(90, current.minute + 1),
                          home_goals=current.home_goals + (1 if goal and writes % 10 else 0),
                          away_goals=current.away_goals + (1 if goal and not writes % 10 else 0))
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


if __name__ == "__main__":
    main(sys.argv[1])
