"""API benchmark: cached matchday endpoints vs a bare Starlette endpoint of the same body size, same run.

    .venv/bin/python benchmarks/api.py [--connections 64] [--seconds 10]

Builds a store from the shared data (Premier League 1993-2025, World Cup 2022, a simulated current season),
starts `matchday serve` and, beside it, the same uvicorn serving ``bare_app`` with byte-identical bodies, then
drives each endpoint with wrk (Debian's package) at a fixed concurrency and prints requests/s, p50/p95/p99 and
the ratio ours/bare. Both servers are single uvicorn processes on this machine; wrk runs on the same 2 cores.
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

import httpx

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO.parent / "shared" / "data"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _store(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
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


def _wrk(url: str, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(HERE / "percentiles.lua"),
                          url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT rps=([\d.]+) p50=(\d+) p95=(\d+) p99=(\d+) errors=(\d+) non2xx=(\d+)", out)
    if not found:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rps, p50, p95, p99, errors, non2xx = found.groups()
    return {"rps": float(rps), "p50_ms": int(p50) / 1000, "p95_ms": int(p95) / 1000, "p99_ms": int(p99) / 1000,
            "errors": int(errors) + int(non2xx)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="matchday-bench-"))
    db = work / "bench.db"
    _store(db)
    ours_port, bare_port = _port(), _port()
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{db}"}
    ours = subprocess.Popen([sys.executable, "-m", "matchday.cli", "serve", "--port", str(ours_port)], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{ours_port}"
    bare_proc = None
    try:
        _wait(base + "/health")
        match_id = httpx.get(base + "/api/v1/matches", params={"date": "2024-08-16"}).json()["items"][0]["id"]
        endpoints = {"today": "/api/v1/matches/today", "table": "/api/v1/leagues/eng.1/table?season=2011-12",
                     "match": f"/api/v1/matches/{match_id}"}
        bodies = work / "bodies"
        bodies.mkdir()
        for name, path in endpoints.items():
            (bodies / f"{name}.json").write_bytes(httpx.get(base + path).content)
        bare_proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE),
                                      "--port", str(bare_port), "--log-level", "warning", "--no-access-log"],
                                     env={**env, "BARE_BODIES": str(bodies)}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        _wait(f"http://127.0.0.1:{bare_port}/bare/table")
        print(f"wrk -t2 -c{args.connections} -d{args.seconds}s; one uvicorn process each; "
              f"{os.cpu_count()} cores shared with wrk")
        print(f"{'endpoint':<42}{'bytes':>7}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'err':>6}")
        for name, path in endpoints.items():
            size = (bodies / f"{name}.json").stat().st_size
            httpx.get(base + path)  # warm the cache, as in steady state
            mine = _wrk(base + path, args.connections, args.seconds)
            bare = _wrk(f"http://127.0.0.1:{bare_port}/bare/{name}", args.connections, args.seconds)
            for label, result in ((path, mine), (f"bare starlette ({name})", bare)):
                print(f"{label:<42}{size:>7}{result['rps']:>10.0f}{result['p50_ms']:>9.2f}{result['p95_ms']:>9.2f}"
                      f"{result['p99_ms']:>9.2f}{result['errors']:>6}")
            print(f"{'  ratio ours/bare (throughput)':<42}{'':>7}{mine['rps'] / bare['rps']:>10.2f}")
    finally:
        ours.terminate()
        if bare_proc:
            bare_proc.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
