"""A writer's commit never waits on an API process (DESIGN §13): time a load unit and a live poll with every API
process healthy, then with one of them hung (SIGSTOP), in the same run, on PostgreSQL + Redis with two
`matchday serve` processes. The ratio hung / healthy is the figure: ~1.0 means no writer waits for a reader.

    .venv/bin/python benchmarks/writer_wait.py [--units 6] [--polls 30]

Runs against whichever matchday is first on the path, so ``PYTHONPATH=<old checkout>/src`` measures an older
design with the same script (before DESIGN §13, writers waited up to 10 s for each live API process).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO.parent / "shared" / "data"
SEASON = DATA / "football-data-co-uk" / "E0" / "2011-12.csv"
FIRST = "E0,13/08/11,Blackburn,Wolves,1,2,A"
sys.path.insert(0, str(REPO))

from benchmarks.api import _port, _wait  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

from matchday.domain.records import MatchStatus, Period  # noqa: E402
from matchday.ingest.live import ingest_snapshots  # noqa: E402
from matchday.ingest.pipeline import load_units, read_contents  # noqa: E402
from matchday.sources.base import get_source  # noqa: E402
from matchday.store.engine import make_engine  # noqa: E402
from matchday.store.migrate import upgrade  # noqa: E402

try:
    from matchday.cache import write_position
except ImportError:  # the design before DESIGN §13
    from matchday.store import write_position  # type: ignore[no-redef]


def _season(work: Path, n: int) -> Path:
    """The season with its first match's score corrected (a different one each time: every unit writes)."""
    path = work / f"E0-{n}.csv"
    path.write_text(SEASON.read_text().replace(FIRST, f"E0,13/08/11,Blackburn,Wolves,{n % 5},{n % 3},"
                                               f"{'H' if n % 5 > n % 3 else 'A' if n % 3 > n % 5 else 'D'}"))
    return path


def _time_units(engine, work: Path, start: int, count: int) -> list[float]:  # noqa: ANN001
    plugin = get_source("football-data-uk")
    times = []
    for n in range(start, start + count):
        units = plugin.plan([_season(work, n)], {})
        began = time.perf_counter()
        load_units(engine, plugin, units)
        times.append(time.perf_counter() - began)
    return times


def _time_polls(engine, live, start: int, count: int) -> list[float]:  # noqa: ANN001
    times = []
    for minute in range(start, start + count):
        snapshot = replace(live, minute=minute % 90 + 1, home_goals=minute // 10 % 5)
        began = time.perf_counter()
        ingest_snapshots(engine, "football-data-uk", [snapshot])
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=6)
    parser.add_argument("--polls", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="matchday-writer-"))
    postgres, redis_server = PostgresServer(), RedisServer()
    postgres.start()
    redis_server.start()
    engine = make_engine(postgres.url())
    upgrade(engine)
    plugin = get_source("football-data-uk")
    load_units(engine, plugin, plugin.plan([SEASON], {}))
    unit = plugin.plan([SEASON], {})[0]
    last = plugin.parse(unit, read_contents(unit)).matches[-1]
    live = replace(last, status=MatchStatus.LIVE, period=Period.SECOND_HALF, minute=50, home_goals=0, away_goals=0,
                   kickoff_utc=datetime.now(UTC).replace(tzinfo=None), season="2026-27")
    env = {**os.environ, "MATCHDAY_DATABASE_URL": postgres.url(), "MATCHDAY_REDIS_URL": redis_server.url,
           "MATCHDAY_COLLECT_IN_SERVE": "false"}
    servers = []
    try:
        for _ in range(2):
            port = _port()
            servers.append(subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(port)],
                                            env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
            _wait(f"http://127.0.0.1:{port}/health")
        time.sleep(2)  # registered, subscribed
        write_position.attach(engine, redis_server.url)  # this process writes like the CLI or a worker
        _time_polls(engine, live, 0, 3)  # warm up
        healthy_units = _time_units(engine, work, 0, args.units)
        healthy_polls = _time_polls(engine, live, 3, args.polls)
        os.kill(servers[1].pid, signal.SIGSTOP)
        try:
            hung_units = _time_units(engine, work, args.units, args.units)
            hung_polls = _time_polls(engine, live, 3 + args.polls, args.polls)
        finally:
            os.kill(servers[1].pid, signal.SIGCONT)
        print(f"writer on PostgreSQL + Redis, two API processes; median (max) seconds; {os.cpu_count()} cores, "
              f"shared machine")
        print(f"{'':<22}{'all healthy':>18}{'one hung':>18}{'hung / healthy':>16}")
        for name, healthy, hung in (("load unit (E0 season)", healthy_units, hung_units),
                                    ("live poll", healthy_polls, hung_polls)):
            a, b = statistics.median(healthy), statistics.median(hung)
            print(f"{name:<22}{a:>10.3f} ({max(healthy):.3f}){b:>10.3f} ({max(hung):.3f}){b / a:>15.2f}×")
    finally:
        write_position.detach(engine)
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        engine.dispose()
        redis_server.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
