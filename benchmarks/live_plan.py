"""A live loop that fits the plan (#18 §2): requests per poll and per hour, and seconds from a goal in the
provider's answer to the feed, on the free plan (100 a day, 10 a minute) and a 7,500-a-day plan (300 a minute),
with 5 and with 246 fixtures in play (the recorded ``live=all`` answer of 2024-05-11), against the stand-in
provider (a real HTTP server on 127.0.0.1), same run.

    .venv/bin/python benchmarks/live_plan.py [--polls 8]

Measured: requests per poll (the old pattern, ``live=all`` to discover then ``ids=`` 20 at a time; the new one,
one ``live=all`` per poll), and the time from the stand-in's answer carrying a goal to the goal on the feed for one
poll (fetch, parse, store, publish). Derived from them with the interval the collector itself chooses for the plan
at the start of a match day (``QuotaStatus.pace_s``: the day's budget spread to its reset, and the minute limit):
requests per hour, and the goal's mean delay (half an interval plus the poll).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.collector.fake_provider import FakeProvider, Received, Reply  # noqa: E402

from matchday.fetch.quota import QuotaStatus  # noqa: E402
from matchday.ingest.collector import Collector  # noqa: E402
from matchday.ingest.publish import Publisher, Subscriber  # noqa: E402
from matchday.settings import Settings  # noqa: E402
from matchday.sources.api_football import IDS_PER_REQUEST  # noqa: E402
from matchday.store.engine import make_engine  # noqa: E402
from matchday.store.migrate import upgrade  # noqa: E402

CAPTURE = REPO.parent / "shared" / "data" / "api-samples" / "api-football" / "unwrapped" / \
    "fixtures_live-all_2024-05-11.json"
PLANS = {"free (100/day, 10/min)": (100, 10), "7,500/day (300/min)": (7500, 300)}


class Stand:
    """The live=all answer with ``n`` fixtures kicked off 30 minutes ago; ``goal()`` scores in the first."""

    def __init__(self, n: int) -> None:
        capture = json.loads(CAPTURE.read_bytes())
        self.envelope = {k: v for k, v in capture.items() if k != "response"}
        self.fixtures = copy.deepcopy(capture["response"][:n])
        kickoff = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
        for fixture in self.fixtures:
            fixture["fixture"]["date"] = kickoff.isoformat()
            fixture["fixture"]["timestamp"] = int(kickoff.timestamp())
            fixture["fixture"]["status"] = {"long": "First Half", "short": "1H", "elapsed": 30}
            fixture["goals"], fixture["events"] = {"home": 0, "away": 0}, []

    def reply(self, request: Received) -> Reply:
        wanted = set(request.query["ids"].split("-")) if "ids" in request.query else None
        chosen = [f for f in self.fixtures if wanted is None or str(f["fixture"]["id"]) in wanted]
        return Reply(body=json.dumps({**self.envelope, "parameters": request.query, "results": len(chosen),
                                      "response": chosen}).encode())

    def goal(self) -> None:
        self.fixtures[0]["goals"]["home"] += 1


def _run(n: int, polls: int, work: Path) -> dict[str, float]:
    fake = FakeProvider().start()
    stand = Stand(n)
    fake.script("/fixtures", stand.reply)
    fake.script("/status", Reply(body=b'{"get": "status", "response": []}'))
    jobs = work / f"jobs-{n}"
    jobs.mkdir()
    (jobs / "live.yaml").write_text(json.dumps({"jobs": [
        {"job_id": "live", "provider": "api-football", "type": "live_loop", "priority": "CRITICAL",
         "endpoint": "fixtures", "params": {"live": "all"}, "interval": {"type": "interval", "seconds": 1},
         "live_interval_seconds": 0.001, "discovery_seconds": 3600}]}))
    settings = Settings(database_url=f"sqlite:///{work / f'live-{n}.db'}", jobs_dir=jobs,
                        api_football_base_url=fake.url, api_football_key="bench", redis_url=None,
                        quota_wait_max_s=0.0)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    collector = Collector.create(settings, engine)
    goals: list[float] = []
    publisher = Publisher(engine, [Subscriber("feed", "feed", lambda batch: goals.extend(
        time.perf_counter() for m in batch if m["type"] == "goal"))])
    try:
        collector.run_job("live")  # discovery
        publisher.publish_once()
        per_poll, delays = [], []
        for _ in range(polls):
            before = len(fake.received)
            stand.goal()
            scored_at = time.perf_counter()
            outcome = collector.run_job("live")
            publisher.publish_once()
            assert outcome.status == "ok", outcome
            per_poll.append(len(fake.received) - before)
            delays.append(goals[-1] - scored_at)
        return {"new": statistics.mean(per_poll), "old": float(math.ceil(n / IDS_PER_REQUEST)),
                "poll_s": statistics.median(delays)}
    finally:
        collector.close()
        engine.dispose()
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="matchday-liveplan-"))
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)  # the match day's start
    print("before: ids= 20 a time every 15 s (the job's interval), kept only to the minute limit; after: one live=all "
          "per poll at the interval the collector chooses for the plan (QuotaStatus.pace_s). Requests per poll and "
          "one poll's time measured against the stand-in; goal delay = interval / 2 + one poll.")
    print(f"{'fixtures':>8}  {'plan':<24}{'req/poll':>14}{'interval s':>16}{'req/hour':>16}{'budget lasts h':>18}"
          f"{'goal→feed s':>16}")
    print(f"{'':>8}  {'':<24}{'before  after':>14}{'before   after':>16}{'before   after':>16}"
          f"{'before   after':>18}{'before   after':>16}")
    for n in (5, 246):
        measured = _run(n, args.polls, work)
        for plan, (daily, minute) in PLANS.items():
            status = QuotaStatus("api-football", daily, daily, now + timedelta(days=1), minute, minute, None, {})
            before_interval = max(15.0, 60.0 * measured["old"] / minute)
            after_interval = status.pace_s(measured["new"], now)
            per_hour = (3600 / before_interval * measured["old"], 3600 / after_interval * measured["new"])
            lasts = (min(24.0, daily / per_hour[0]), min(24.0, daily / per_hour[1]))
            delay = (before_interval / 2 + measured["poll_s"], after_interval / 2 + measured["poll_s"])
            print(f"{n:>8}  {plan:<24}{measured['old']:>6.0f}{measured['new']:>8.1f}{before_interval:>8.0f}"
                  f"{after_interval:>8.0f}{per_hour[0]:>8.0f}{per_hour[1]:>8.1f}{lasts[0]:>9.1f}{lasts[1]:>9.1f}"
                  f"{delay[0]:>8.0f}{delay[1]:>8.0f}")
        print(f"{'':>8}  one poll of {n} fixtures: {measured['poll_s'] * 1000:.0f} ms from the answer to the feed")


if __name__ == "__main__":
    main()
