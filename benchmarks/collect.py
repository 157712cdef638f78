"""Collector benchmark: provider parse throughput against json.loads alone, and the scheduler's overhead.

    flock /tmp/matchday-heavy.lock .venv/bin/python benchmarks/collect.py [path/to/shared/data] [--jobs 1000]

1. Parse throughput (records/s) of API-Football fixtures (a 1,183-fixture ``date=`` answer and the 246-fixture
   ``live=all`` answer with embedded events) and of the six ESPN fifa.world scoreboards, against ``json.loads``
   alone on the same bytes (the floor: no parser can beat decoding the JSON).
2. The scheduler with N configured jobs (1,000 by default) against the local fake provider: the cost of one
   scheduler look (which jobs are due) with N jobs, and N job runs through the one runner (quota, breaker,
   retries, raw archive, parse, store, run record, coverage) against the same N requests done bare (httpx GET,
   parse, store) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from shared_data import data_root  # noqa: E402
from tests.collector.fake_provider import FakeProvider, Reply  # noqa: E402

from matchday.ingest.collector import Collector, discover_providers  # noqa: E402
from matchday.ingest.pipeline import UnitSummary, write_parsed  # noqa: E402
from matchday.ingest.scheduler import Scheduler  # noqa: E402
from matchday.ingest.seed import seed_reference_data  # noqa: E402
from matchday.logs import configure_logging  # noqa: E402
from matchday.settings import Settings  # noqa: E402
from matchday.store.engine import make_engine  # noqa: E402
from matchday.store.migrate import upgrade  # noqa: E402
from matchday.store.runs import start_run  # noqa: E402


def _best(fn, repeat: int = 5) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def parse_throughput(samples: Path) -> list[dict]:
    providers = discover_providers()
    cases = [
        ("api-football fixtures date=2024-05-25", "api-football", "fixtures", {"date": "2024-05-25"},
         [samples / "api-football" / "unwrapped" / "fixtures_date-2024-05-25.json"]),
        ("api-football fixtures live=all (events)", "api-football", "fixtures", {"live": "all"},
         [samples / "api-football" / "unwrapped" / "fixtures_live-all_2024-05-11.json"]),
        ("espn fifa.world scoreboards (6)", "espn", "scoreboard", {"league": "fifa.world"},
         sorted((samples / "espn").glob("scoreboard_fifa.world_*.json"))),
    ]
    rows = []
    for label, name, endpoint, params, paths in cases:
        bodies = [p.read_bytes() for p in paths]
        provider = providers[name]
        records = sum(len(provider.parse(endpoint, params, b).matches) for b in bodies)
        floor = _best(lambda bodies=bodies: [json.loads(b) for b in bodies])
        parse = _best(lambda bodies=bodies, provider=provider, endpoint=endpoint, params=params:
                      [provider.parse(endpoint, params, b) for b in bodies])
        rows.append({"case": label, "records": records, "bytes": sum(map(len, bodies)),
                     "json_loads_records_s": records / floor, "parse_records_s": records / parse,
                     "parse_over_json_loads": parse / floor})
    return rows


def _store(directory: Path):  # noqa: ANN202 - an Engine
    engine = make_engine(f"sqlite:///{directory / 'bench.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    return engine


def scheduler_overhead(samples: Path, job_count: int) -> dict:
    standings = samples / "api-football" / "standings_league-39_season-2022.json"
    body = standings.read_bytes()
    fake = FakeProvider().start()
    fake.script("/standings", Reply(body=body))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            jobs_dir = tmp_path / "jobs"
            jobs_dir.mkdir()
            jobs = [{"job_id": f"standings-{i}", "provider": "api-football", "type": "incremental_daily",
                     "priority": ["CRITICAL", "HIGH", "MEDIUM", "LOW"][i % 4], "endpoint": "standings",
                     "params": {"league": 39, "season": 2022, "page": i},
                     "interval": {"type": "cron", "cron": "0 * * * *"}, "coverage_target": {"min_count": 20}}
                    for i in range(job_count)]
            (jobs_dir / "bench.yaml").write_text(yaml.safe_dump({"jobs": jobs}))
            (jobs_dir / "providers.yaml").write_text(yaml.safe_dump({"api-football": {"daily_limit": job_count * 2,
                                                                                       "minute_limit": job_count * 2}}))
            engine = _store(tmp_path)
            settings = Settings(database_url=str(engine.url), jobs_dir=jobs_dir, api_football_base_url=fake.url,
                                api_football_key="bench", redis_url=None, log_level="WARNING")
            configure_logging(settings)  # warnings only: a log line per run would be measured too
            started = time.perf_counter()
            collector = Collector.create(settings, engine)
            load_s = time.perf_counter() - started
            scheduler = Scheduler(collector, tick_s=0, concurrency=1)
            now = datetime.now(UTC).replace(tzinfo=None)
            all_due_s = _best(lambda: scheduler.due(now), repeat=3)

            async def run_all() -> None:
                await scheduler.tick()
                await scheduler.drain()

            started = time.perf_counter()
            asyncio.run(run_all())
            runs_s = time.perf_counter() - started
            statuses = {o.status for o in scheduler.outcomes}
            none_due_s = _best(lambda: scheduler.due(now), repeat=3)  # every job has run: nothing due
            collector.close()

            (tmp_path / "bare").mkdir()
            bare_engine = _store(tmp_path / "bare")
            provider = discover_providers()["api-football"]
            started = time.perf_counter()
            with httpx.Client() as client:
                for i in range(job_count):
                    answer = client.get(f"{fake.url}/standings", params={"league": 39, "season": 2022, "page": i},
                                        headers={"x-apisports-key": "bench"}).content
                    parsed = provider.parse("standings", {}, answer)
                    with bare_engine.begin() as conn:
                        run_id = start_run(conn, "api-football", f"bare-{i}")
                    write_parsed(bare_engine, "api-football", run_id, f"bare-{i}", parsed,
                                 UnitSummary("bare", duration_s=time.perf_counter()))
            bare_s = time.perf_counter() - started
            engine.dispose()
            bare_engine.dispose()
    finally:
        fake.stop()
    return {"jobs": job_count, "statuses": sorted(statuses), "registry_load_s": load_s,
            "look_all_due_ms": all_due_s * 1000, "look_none_due_ms": none_due_s * 1000,
            "runner_total_s": runs_s, "runner_per_job_ms": runs_s / job_count * 1000,
            "bare_total_s": bare_s, "bare_per_job_ms": bare_s / job_count * 1000,
            "overhead_per_job_ms": (runs_s - bare_s) / job_count * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    samples, job_count = (args.data or data_root()) / "api-samples", args.jobs
    print("parse throughput (best of 5)")
    print(f"{'case':42} {'records':>8} {'json.loads rec/s':>17} {'parse rec/s':>12} {'parse/json':>10}")
    for row in parse_throughput(samples):
        print(f"{row['case']:42} {row['records']:>8} {row['json_loads_records_s']:>17,.0f} "
              f"{row['parse_records_s']:>12,.0f} {row['parse_over_json_loads']:>9.1f}x")
    result = scheduler_overhead(samples, job_count)
    print(f"\nscheduler with {result['jobs']} configured jobs against the fake provider (one worker)")
    print(f"  load + validate the job files, sync the registry: {result['registry_load_s']:.2f} s")
    print(f"  one scheduler look, all {result['jobs']} due: {result['look_all_due_ms']:.1f} ms; "
          f"none due: {result['look_none_due_ms']:.1f} ms")
    print(f"  {result['jobs']} runs through the runner: {result['runner_total_s']:.2f} s "
          f"({result['runner_per_job_ms']:.2f} ms/job, statuses {result['statuses']})")
    print(f"  the same {result['jobs']} requests bare (GET, parse, store): {result['bare_total_s']:.2f} s "
          f"({result['bare_per_job_ms']:.2f} ms/job)")
    print(f"  overhead of quota + breaker + retries + archive + run record + coverage: "
          f"{result['overhead_per_job_ms']:.2f} ms/job")


if __name__ == "__main__":
    main()
