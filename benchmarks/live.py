"""Live benchmark: (a) snapshot → WebSocket client latency; (b) fan-out to 1k/5k/10k clients vs a naive loop.

    .venv/bin/python benchmarks/live.py [--clients 1000,5000,10000] [--messages 20] [--goals 200]

(a) One process runs the real app (uvicorn) with a live source the benchmark controls and one WebSocket client
on live:all; each goal's latency runs from the poll that hands the snapshot to the pipeline to the client
receiving the ``goal`` message (upsert, outbox, commit, publish, hub, socket in between).
(b) `matchday serve` and, beside it, a bare Starlette server whose broadcast awaits each send in turn (the
published design's loop), both fed by Redis pub/sub; N clients in 4 separate processes subscribe to live:all,
the benchmark publishes messages stamped with the send time, and the clients record arrival times (loopback,
one machine clock). Each round connects N fresh clients (``connect``: until every one is subscribed and has its
snapshot), then for each message measures the time until the LAST client has it: p50, p99 and the maximum over
the messages, and whether every client got every message (no client starved). Our server runs under
``gc_probe.py``: the garbage collections that fell inside each round are counted and the longest reported
(the pauses ``gc.callbacks`` sees, explicit collections included). After the rounds of each N, a summary: the
median and worst connect ratio (matchday / naive, same round) and the worst p99, maximum and GC pause.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import redis
import uvicorn
import websockets

from matchday.domain.records import EventType, MatchEventRecord, MatchRecord, MatchStatus, Period, Side
from matchday.ingest.live import ingest_snapshots
from matchday.ingest.live_runner import load_policy
from matchday.server import create_server
from matchday.settings import Settings
from matchday.sources.simulator.generator import generate_season
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class BenchSource:
    """A live source whose next snapshot the benchmark sets; records when the pipeline takes each one."""

    name = "bench"
    interval_s = 0.002

    def __init__(self, base: MatchRecord) -> None:
        self.current = base
        self.handed_over: dict[int, float] = {}

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)

    def poll(self, keys: object) -> dict[str, MatchRecord]:
        goals = len(self.current.events)
        self.handed_over.setdefault(goals, time.perf_counter())
        return {"bench": self.current}


async def latency(db: Path, goals: int) -> list[float]:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    base = generate_season(2, seed=9, season="2026-27").matches[0]
    kickoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=10)
    live = replace(base, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=10, home_goals=0, away_goals=0,
                   events=(), kickoff_utc=kickoff, match_date=kickoff.date(), stats=(), lineups=())
    ingest_snapshots(engine, "bench", [live])
    source = BenchSource(live)
    port = _port()
    every_look = replace(load_policy(), live_interval_s=0)  # the match is due at every look (2 ms)
    app = create_server(Settings(database_url=str(engine.url)), engine, [source], policy=every_look)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    samples = []
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
        await ws.send('{"action":"subscribe","channels":["live:all"]}')
        await ws.recv()
        await ws.recv()
        for n in range(1, goals + 1):
            event = MatchEventRecord(EventType.GOAL, Side.HOME, 10 + n // 10, None, f"Scorer {n}")
            source.current = replace(source.current, home_goals=n, minute=10 + n // 10,
                                     events=(*source.current.events, event))
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "goal" and message["data"]["score"]["home"] == n:
                    samples.append(time.perf_counter() - source.handed_over[n])
                    break
    server.should_exit = True
    await serving
    return samples


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    def raise_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    return subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=raise_limit)


def _wait_http(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _gc_pauses(path: Path | None, start: float, end: float) -> list[tuple[int, float, float]]:
    """(generation, seconds, CPU seconds) of each collection the probed server started between ``start`` and
    ``end`` (wall time is the pause; CPU time less than that means the process was descheduled meanwhile)."""
    if path is None or not path.exists():
        return []
    found = []
    for line in path.read_text("utf-8").splitlines():
        at, generation, seconds, cpu = line.split()
        if start <= float(at) <= end:
            found.append((int(generation), float(seconds), float(cpu)))
    return found


def fanout(ws_url: str, clients: int, messages: int, redis_url: str, processes: int = 4) -> dict:
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    connecting = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(HERE / "ws_clients.py"), ws_url, str(n), str(messages), "120"],
                              stdout=subprocess.PIPE, text=True) for n in per]
    for proc in procs:
        line = proc.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"client process failed: {line!r}")
    connect_s = time.perf_counter() - connecting  # every client connected, subscribed and given its snapshot
    publisher = redis.Redis.from_url(redis_url)
    time.sleep(0.5)
    for k in range(1, messages + 1):
        message = {"id": k, "type": "match_update", "channels": ["live:all"],
                   "timestamp": datetime.now(UTC).isoformat(), "data": {"match_id": 1, "sent_at": time.time()}}
        publisher.publish("matchday:feed", json.dumps(message))
        time.sleep(0.4)
    arrivals: dict[str, list[float]] = {}
    complete = 0
    for proc in procs:
        result = json.loads(proc.stdout.readline())
        proc.wait(timeout=30)
        complete += result["complete"]
        for key, values in result["arrivals"].items():
            arrivals.setdefault(key, []).extend(values)
    last = [max(values) for values in arrivals.values()]
    everyone = [v for values in arrivals.values() for v in values]
    return {"clients": clients, "complete": complete, "connect_s": connect_s, "last_p50": _pct(last, 50),
            "last_p99": _pct(last, 99), "last_max": max(last),
            "all_p50": _pct(everyone, 50), "all_p99": _pct(everyone, 99),
            "delivered": sum(len(v) for v in arrivals.values()), "expected": clients * messages}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="1000,5000,10000")
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--goals", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10, help="fan-out rounds per N (each reported)")
    parser.add_argument("--no-latency", action="store_true", help="skip (a)")
    parser.add_argument("--gc-log", type=Path, help="keep our server's collection log here (default: dropped)")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    work = Path(tempfile.mkdtemp(prefix="matchday-live-bench-"))
    try:
        if not args.no_latency:
            samples = asyncio.run(latency(work / "latency.db", args.goals))
            print(f"(a) snapshot → client, {len(samples)} goals, one client: p50 "
                  f"{statistics.median(samples) * 1000:.1f} ms  p99 {_pct(samples, 99) * 1000:.1f} ms  "
                  f"max {max(samples) * 1000:.1f} ms")
        if shutil.which("redis-server") is None:
            sys.exit("redis-server is not installed: (b) needs it")
        redis_port = _port()
        redis_proc = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly",
                                       "no"], stdout=subprocess.DEVNULL)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        engine = make_engine(f"sqlite:///{work / 'fanout.db'}")
        upgrade(engine)
        engine.dispose()
        ours_port, naive_port = _port(), _port()
        env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{work / 'fanout.db'}", "REDIS_URL": redis_url,
               "MATCHDAY_WS_QUEUE_SIZE": "256"}
        gc_log = args.gc_log or work / "gc.log"  # every collection of our server, timed (benchmarks/gc_probe.py)
        ours = _start([sys.executable, str(HERE / "gc_probe.py"), str(gc_log), "serve", "--port", str(ours_port)],
                      env)
        naive = _start([sys.executable, "-m", "uvicorn", "naive_ws:app", "--app-dir", str(HERE), "--port",
                        str(naive_port), "--log-level", "warning", "--backlog", "4096", "--ws-max-size", "65536",
                        "--ws-per-message-deflate", "false"], env)  # the same uvicorn settings as `matchday serve`
        try:
            _wait_http(f"http://127.0.0.1:{ours_port}/health")
            _wait_http(f"http://127.0.0.1:{naive_port}/")
            print(f"(b) fan-out to N clients on live:all ({args.messages} messages; clients in 4 processes; "
                  f"{os.cpu_count()} cores shared by server, clients and Redis)")
            print(f"{'round':<6}{'server':<28}{'N':>7}{'connect':>9}{'last p50':>10}{'last p99':>10}"
                  f"{'last max':>10}{'any p99':>9}{'complete':>12}  GC of our server in the round")
            for n in (int(x) for x in args.clients.split(",")):
                results: dict[str, list[dict]] = {"matchday": [], "naive await-each-send": []}
                longest_gc = 0.0
                for round_no in range(1, args.rounds + 1):
                    for label, port in (("matchday", ours_port), ("naive await-each-send", naive_port)):
                        started = time.time()
                        r = fanout(f"ws://127.0.0.1:{port}/ws", n, args.messages, redis_url)
                        results[label].append(r)
                        pauses = _gc_pauses(gc_log, started, time.time()) if label == "matchday" else []
                        longest_gc = max([longest_gc, *(s for _g, s, _c in pauses)])
                        full = [seconds for generation, seconds, _cpu in pauses if generation == 2]
                        worst = max(pauses, key=lambda p: p[1], default=(0, 0.0, 0.0))
                        gc_note = (f"{len(pauses)} collections, {sum(p[1] for p in pauses) * 1000:.0f} ms in all, "
                                   f"{len(full)} full, longest {worst[1] * 1000:.0f} ms (gen {worst[0]}, CPU "
                                   f"{worst[2] * 1000:.0f} ms), longest CPU "
                                   f"{max((p[2] for p in pauses), default=0) * 1000:.0f} ms"
                                   if label == "matchday" else "")
                        print(f"{round_no:<6}{label:<28}{n:>7}{r['connect_s']:>8.1f}s{r['last_p50'] * 1000:>8.0f}ms"
                              f"{r['last_p99'] * 1000:>8.0f}ms{r['last_max'] * 1000:>8.0f}ms"
                              f"{r['all_p99'] * 1000:>7.0f}ms{r['complete']:>6}/{n:<6}{gc_note}", flush=True)
                ours_r, naive_r = results["matchday"], results["naive await-each-send"]
                ratios = [o["connect_s"] / b["connect_s"] for o, b in zip(ours_r, naive_r, strict=True)]
                print(f"N={n}, {args.rounds} rounds: connect matchday/naive median "
                      f"{statistics.median(ratios):.2f}x (worst {max(ratios):.2f}x); last-client p99 worst: matchday "
                      f"{max(r['last_p99'] for r in ours_r) * 1000:.0f} ms, naive "
                      f"{max(r['last_p99'] for r in naive_r) * 1000:.0f} ms; last-client max worst: matchday "
                      f"{max(r['last_max'] for r in ours_r) * 1000:.0f} ms, naive "
                      f"{max(r['last_max'] for r in naive_r) * 1000:.0f} ms; longest GC pause of our server "
                      f"{longest_gc * 1000:.0f} ms", flush=True)
        finally:
            for proc in (ours, naive, redis_proc):
                proc.terminate()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
