"""Stack benchmark: one API process vs two behind Redis, same store, same run.

    .venv/bin/python benchmarks/stack.py [--users 100] [--seconds 30] [--clients 1000,10000] [--messages 10]

(a) HTTP: the Locust scenario in ``loadtests/locustfile.py`` (people browsing; signed-in players predicting
when the server has accounts), run headless at ``--users`` concurrent users against `matchday serve` and then
against `matchday serve --workers 2` sharing one Redis; prints requests/s and p50/p95/p99 (published target:
p95 under 200 ms at 100 users).
(b) WebSocket: N clients on live:all spread over the same two set-ups, messages published through Redis;
publish-to-last-client p50/p99 (the fan-out measure of benchmarks/live.py).
Locust, the clients, Redis and the servers all share this machine's cores: compare the rows, not the numbers
with another machine's.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared_data import data_root

from api import _port, _wait
from live import fanout
from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = data_root()


def _store(path: Path) -> None:
    """Premier League 1993-2025 plus a simulated current season with matches still to play (to predict)."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_reference_data(engine)
    now = datetime.now(UTC).replace(tzinfo=None)
    for source, paths, options in (
        ("football-data-uk", [DATA / "football-data-co-uk" / "E0"], {}),
        ("simulator", [], {"season": "2026-27", "played_until": (now - timedelta(days=3)).isoformat()}),
    ):
        plugin = get_source(source)
        load_units(engine, plugin, plugin.plan(paths, options))
    engine.dispose()


def _serve(db: Path, redis_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = _port()
    # every Locust user comes from 127.0.0.1: the per-address sign-in limits would refuse all but a few
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{db}", "MATCHDAY_REDIS_URL": redis_url,
           "MATCHDAY_REGISTER_RATE_LIMIT": "100000/minute", "MATCHDAY_LOGIN_RATE_LIMIT": "100000/minute",
           "MATCHDAY_LOGIN_ADDRESS_RATE_LIMIT": "100000/minute"}

    def raise_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    process = subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(port), "--workers",
                                str(workers)], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, preexec_fn=raise_limit)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/health")
    return process, base


def _locust(base: str, users: int, seconds: int, work: Path) -> dict[str, float]:
    prefix = work / f"locust-{_port()}"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(REPO / "loadtests" / "locustfile.py"), "--headless",
                    "--host", base, "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
                    "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"], cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    return {"rps": float(total["Requests/s"]), "p50": float(total["50%"]), "p95": float(total["95%"]),
            "p99": float(total["99%"]), "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", default="1000,10000")
    parser.add_argument("--messages", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed")
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    work = Path(tempfile.mkdtemp(prefix="matchday-stack-bench-"))
    redis_port = _port()
    redis_proc = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                                  stdout=subprocess.DEVNULL)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    try:
        db = work / "stack.db"
        _store(db)
        setups = (("1 process", 1), ("2 processes + Redis", 2))
        print(f"(a) Locust, {args.users} users, {args.seconds} s each; {os.cpu_count()} cores shared with Locust")
        print(f"{'set-up':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'requests':>10}{'failures':>10}")
        for label, workers in setups:
            process, base = _serve(db, redis_url, workers)
            try:
                r = _locust(base, args.users, args.seconds, work)
            finally:
                process.terminate()
                process.wait(timeout=30)
            print(f"{label:<22}{r['rps']:>9.0f}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['p99']:>9.0f}{r['requests']:>10}"
                  f"{r['failures']:>10}", flush=True)
        print(f"(b) WebSocket fan-out through Redis, {args.messages} messages; clients in 4 processes")
        print(f"{'set-up':<22}{'N':>7}{'last p50':>10}{'last p99':>10}{'complete':>12}")
        for label, workers in setups:
            process, base = _serve(db, redis_url, workers)
            try:
                for n in (int(x) for x in args.clients.split(",")):
                    r = fanout(base.replace("http", "ws") + "/ws", n, args.messages, redis_url)
                    print(f"{label:<22}{n:>7}{r['last_p50'] * 1000:>8.0f}ms{r['last_p99'] * 1000:>8.0f}ms"
                          f"{r['complete']:>7}/{n}", flush=True)
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        redis_proc.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
