"""API benchmark: matchday endpoints vs a bare Starlette endpoint of the same bytes, same run.

    .venv/bin/python benchmarks/api.py [--connections 64] [--seconds 10] [--no-stack] [--hits-only]

Builds a store from the shared data (Premier League 1993-2025, World Cup 2022, a simulated current season),
starts `matchday serve` and, beside it, the same uvicorn serving ``bare_app`` with byte-identical bodies, then
drives each endpoint with wrk (Debian's package) at a fixed concurrency and prints requests/s, p50/p95/p99 and
the ratio ours/bare; also bare behind matchday's own uvicorn configuration (``bare_same_server.py``), whose
ratio isolates the app's cost from the server configuration's. All are single uvicorn processes on this machine;
wrk runs on the same 2 cores.

Unless ``--no-stack``, the same store is also loaded into a PostgreSQL server and served with Redis (the
scaled-out deployment, one API process): writers push the write log's position to the API processes, so a hit
is answered from the process's mirror of the shared cache (``cache/push.py``).

Then (unless ``--hits-only``, see ``api_mixes.py``): a miss-heavy mix, every request a match or an as-of table the
server has not answered before, and cached hits while a live loop writes every second; on SQLite and on
PostgreSQL + Redis with two API processes (``serve --workers 2``), each beside bare Starlette serving the same
bytes by path.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import api_mixes
import httpx
from shared_data import data_root

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = data_root()


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _store(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    seed_reference_data(engine)
    for source, paths, options in (
        ("football-data-uk", [DATA / "football-data-co-uk" / "E0"], {}),
        ("openfootball", [DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"], {}),
        ("simulator", [], {"season": "2026-27", "played_until": datetime.now(UTC).replace(tzinfo=None).isoformat()}),
    ):
        plugin = get_source(source)
        load_units(engine, plugin, plugin.plan(paths, options))
    engine.dispose()


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _wrk(url: str, connections: int, seconds: int, script: str = "percentiles.lua",
         env: dict[str, str] | None = None) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(HERE / script), url],
                         capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}).stdout
    found = re.search(r"RESULT rps=([\d.]+) p50=(\d+) p95=(\d+) p99=(\d+) errors=(\d+) non2xx=(\d+)", out)
    if not found:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rps, p50, p95, p99, errors, non2xx = found.groups()
    return {"rps": float(rps), "p50_ms": int(p50) / 1000, "p95_ms": int(p95) / 1000, "p99_ms": int(p99) / 1000,
            "errors": int(errors) + int(non2xx)}


def _servers(stack: bool, db: Path, work: Path) -> tuple[dict[str, dict[str, str]], list]:  # type: ignore[type-arg]
    """The set-ups to measure: name → environment; and the servers to stop afterwards."""
    setups = {"embedded (SQLite)": {"MATCHDAY_DATABASE_URL": f"sqlite:///{db}"}}
    if not stack:
        return setups, []
    sys.path.insert(0, str(REPO))
    from tests.postgres_server import PostgresServer, PostgresUnavailable
    from tests.redis_server import RedisServer, RedisUnavailable

    try:
        postgres, redis_server = PostgresServer(), RedisServer()
        postgres.start()
        redis_server.start()
    except (PostgresUnavailable, RedisUnavailable) as exc:
        print(f"(no scaled-out figures: {exc})")
        return setups, []
    _store(postgres.url())
    scaled = {"MATCHDAY_DATABASE_URL": postgres.url(), "MATCHDAY_REDIS_URL": redis_server.url}
    setups["PostgreSQL + Redis"] = scaled
    return setups, [postgres, redis_server]


def _row(label: str, size: int, result: dict[str, float]) -> None:
    print(f"{label:<52}{size:>7}{result['rps']:>10.0f}{result['p50_ms']:>9.2f}{result['p95_ms']:>9.2f}"
          f"{result['p99_ms']:>9.2f}{result['errors']:>6}")


def _serve(env: dict[str, str], processes: list[subprocess.Popen], *options: str) -> str:
    port = _port()
    processes.append(subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(port), *options],
                                      env={**os.environ, **env}, cwd=REPO, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/health")
    return base


def _mixes(args: argparse.Namespace, db: Path, work: Path, setups: dict[str, dict[str, str]],
           processes: list[subprocess.Popen]) -> None:
    """Misses and hits under writes, against servers started for them (their caches cold)."""
    sqlite_env = setups["embedded (SQLite)"]
    writer = subprocess.Popen([sys.executable, str(HERE / "api_writer.py"), sqlite_env["MATCHDAY_DATABASE_URL"]],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "WRITING"
    writer.terminate()  # the live match is in the store: the bodies the bare server answers include it
    writer.wait(timeout=20)
    lists = api_mixes.miss_paths(db, args.miss_paths)
    written = ["/api/v1/leagues/sim.1/table?season=2026-27", "/api/v1/matches/live",
               "/api/v1/leagues/eng.1/table?season=2011-12"]
    prefetch = _serve(sqlite_env, processes)  # a server of its own: the measured ones never saw these paths
    manifest = api_mixes.fetch_bodies(prefetch, [*lists["match"], *lists["table"], *written], work / "by_path")
    bare_port = _port()
    processes.append(api_mixes.start_bare(manifest, work, bare_port))
    bare = f"http://127.0.0.1:{bare_port}"
    _wait(bare + written[0])
    measured = {"embedded (SQLite)": (_serve(sqlite_env, processes), sqlite_env)}
    if "PostgreSQL + Redis" in setups:
        scaled = setups["PostgreSQL + Redis"]
        measured["PostgreSQL + Redis, 2 API processes"] = (_serve(scaled, processes, "--workers", "2"), scaled)
    print(f"\nmisses: wrk -t2 -c{args.connections} -d{args.seconds}s, servers started for this part (cold caches)")
    api_mixes.run_misses({name: base for name, (base, _env) in measured.items()}, bare, lists, manifest, work,
                         _wrk, _row, args.connections, args.seconds)
    print("\nhits under writes: the same servers, the paths warmed once, a live match written every second")
    api_mixes.run_under_writes({name: (base, env["MATCHDAY_DATABASE_URL"], env)
                                for name, (base, env) in measured.items()}, bare, written, _wrk, _row,
                               args.connections, args.seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-stack", action="store_true", help="SQLite only: no PostgreSQL + Redis figures")
    parser.add_argument("--hits-only", action="store_true", help="only cached hits (no misses, no writes)")
    parser.add_argument("--miss-paths", type=int, default=4000, help="distinct paths of each miss-heavy mix")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="matchday-bench-"))
    db = work / "bench.db"
    _store(f"sqlite:///{db}")
    setups, services = _servers(not args.no_stack, db, work)
    processes: list[subprocess.Popen] = []
    try:
        bases = {}
        for name, extra in setups.items():
            port = _port()
            processes.append(subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(port)],
                                              env={**os.environ, **extra}, cwd=REPO, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL))
            bases[name] = f"http://127.0.0.1:{port}"
            _wait(bases[name] + "/health")
        base = bases["embedded (SQLite)"]
        match_id = httpx.get(base + "/api/v1/matches", params={"date": "2024-08-16"}).json()["items"][0]["id"]
        endpoints = {"today": "/api/v1/matches/today", "table": "/api/v1/leagues/eng.1/table?season=2011-12",
                     "match": f"/api/v1/matches/{match_id}"}
        bodies = work / "bodies"
        bodies.mkdir()
        for name, path in endpoints.items():
            (bodies / f"{name}.json").write_bytes(httpx.get(base + path).content)
        bare_port = _port()
        processes.append(subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE),
                                           "--port", str(bare_port), "--log-level", "warning", "--no-access-log"],
                                          env={**os.environ, "BARE_BODIES": str(bodies)},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(f"http://127.0.0.1:{bare_port}/bare/table")
        same_port = _port()  # bare again, behind matchday's own server configuration (bare_same_server.py)
        processes.append(subprocess.Popen([sys.executable, str(HERE / "bare_same_server.py"), str(same_port)],
                                          env={**os.environ, "BARE_BODIES": str(bodies)},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(f"http://127.0.0.1:{same_port}/bare/table")
        print(f"wrk -t2 -c{args.connections} -d{args.seconds}s; one uvicorn process each; "
              f"{os.cpu_count()} cores shared with wrk (and PostgreSQL, Redis)")
        print(f"{'endpoint':<52}{'bytes':>7}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'err':>6}")
        for name, path in endpoints.items():
            size = (bodies / f"{name}.json").stat().st_size
            bare_url = f"http://127.0.0.1:{bare_port}/bare/{name}"
            print(path)
            # the baseline before and after ours: the ratio is to their mean, so drift of the shared machine
            # during the run weighs on both sides alike
            before = _wrk(bare_url, args.connections, args.seconds)
            _row(f"  bare starlette ({name}), before", size, before)
            results = {}
            for setup, setup_base in bases.items():
                httpx.get(setup_base + path)  # warm the cache, as in steady state
                results[setup] = _wrk(setup_base + path, args.connections, args.seconds)
            after = _wrk(bare_url, args.connections, args.seconds)
            _row(f"  bare starlette ({name}), after", size, after)
            same = _wrk(f"http://127.0.0.1:{same_port}/bare/{name}", args.connections, args.seconds)
            _row("  bare starlette, matchday's server config", size, same)
            bare_rps = (before["rps"] + after["rps"]) / 2
            for setup, mine in results.items():
                _row(f"  {setup}", size, mine)
                print(f"{'    ratio ours/bare (throughput)':<52}{'':>7}{mine['rps'] / bare_rps:>10.2f}")
                print(f"{'    ratio ours/bare with our server config':<52}{'':>7}{mine['rps'] / same['rps']:>10.2f}")
        if not args.hits_only:
            _mixes(args, db, work, setups, processes)
    finally:
        for process in processes:
            process.terminate()
        for service in services:
            service.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
