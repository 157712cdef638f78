"""The API beyond cached hits, for benchmarks/api.py: a miss-heavy mix (distinct match ids, tables as of distinct
dates) and cached hits while a live loop writes every second (invalidation traffic), each beside a bare Starlette
server answering the same bytes by path in the same run."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select

from matchday.store.engine import make_engine
from matchday.store.schema import competitions, matches, seasons

HERE = Path(__file__).resolve().parent
Wrk = Callable[..., dict[str, float]]
Row = Callable[[str, int, dict[str, float]], None]


def miss_paths(db: Path, count: int, seed: int = 7) -> dict[str, list[str]]:
    """``count`` distinct match pages and ``count`` distinct as-of tables (Premier League seasons, any date)."""
    rng = random.Random(seed)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        ids = list(conn.execute(select(matches.c.id).order_by(matches.c.id)).scalars())
        spans = conn.execute(
            select(seasons.c.label, func.min(matches.c.match_date), func.max(matches.c.match_date))
            .join(matches, matches.c.season_id == seasons.c.id)
            .join(competitions, competitions.c.id == matches.c.competition_id)
            .where(competitions.c.code == "eng.1").group_by(seasons.c.label)).all()
    engine.dispose()
    tables = sorted({(label, first.fromordinal(rng.randint(first.toordinal(), last.toordinal())).isoformat())
                     for label, first, last in spans for _ in range(count // len(spans) + 8)})
    rng.shuffle(tables)
    return {"match": [f"/api/v1/matches/{i}" for i in rng.sample(ids, min(count, len(ids)))],
            "table": [f"/api/v1/leagues/eng.1/table?season={s}&as_of={d}" for s, d in tables[:count]]}


def fetch_bodies(base: str, paths: list[str], folder: Path) -> dict[str, str]:
    """Each path's body from ``base``, kept in ``folder``: the bare server's manifest (path → file)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for n, path in enumerate(paths):
            answer = client.get(path)
            answer.raise_for_status()
            file = folder / f"{n}.json"
            file.write_bytes(answer.content)
            manifest[path] = str(file)
    return manifest


def start_bare(manifest: dict[str, str], work: Path, port: int) -> subprocess.Popen:
    (work / "bare_paths.json").write_text(json.dumps(manifest))
    empty = work / "no_bodies"
    empty.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE), "--port",
                             str(port), "--log-level", "warning", "--no-access-log"],
                            env={**os.environ, "BARE_BODIES": str(empty), "BARE_PATHS": str(work / "bare_paths.json")},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_misses(bases: dict[str, str], bare: str, lists: dict[str, list[str]], manifest: dict[str, str], work: Path,
               wrk: Wrk, row: Row, connections: int, seconds: int) -> None:
    """Every request a path the server has not answered before (until the list wraps: requests > paths)."""
    for kind, paths in lists.items():
        listed = work / f"miss_{kind}.txt"
        listed.write_text("\n".join(paths) + "\n")
        size = round(sum(Path(manifest[p]).stat().st_size for p in paths) / len(paths))  # the mean body
        print(f"miss-heavy: {len(paths)} distinct {kind} paths, e.g. {paths[0]}")
        env = {"MISS_PATHS": str(listed)}
        before = wrk(bare + "/", connections, seconds, script="misses.lua", env=env)
        row(f"  bare starlette ({kind} by path), before", size, before)
        results = {setup: wrk(base + "/", connections, seconds, script="misses.lua", env=env)
                   for setup, base in bases.items()}
        after = wrk(bare + "/", connections, seconds, script="misses.lua", env=env)
        row(f"  bare starlette ({kind} by path), after", size, after)
        bare_rps = (before["rps"] + after["rps"]) / 2
        for setup, mine in results.items():
            row(f"  {setup}", size, mine)
            print(f"{'    ratio ours/bare (throughput)':<52}{'':>7}{mine['rps'] / bare_rps:>10.2f}"
                  f"   requests/paths {mine['rps'] * seconds / len(paths):.2f}")


def run_under_writes(setups: dict[str, tuple[str, str, dict[str, str]]], bare: str, paths: list[str], wrk: Wrk,
                     row: Row, connections: int, seconds: int) -> None:
    """Cached endpoints hit while ``api_writer.py`` writes a live match every second into the store they read:
    the simulated league's table and the live list (invalidated by the writes) and a table no write touches."""
    for setup, (base, url, env) in setups.items():
        writer = subprocess.Popen([sys.executable, str(HERE / "api_writer.py"), url], env={**os.environ, **env},
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "WRITING", "the writer failed"
            print(f"{setup}: a live match written every second")
            for path in paths:
                size = len(httpx.get(base + path).content)
                before = wrk(bare + path, connections, seconds)
                mine = wrk(base + path, connections, seconds)
                after = wrk(bare + path, connections, seconds)
                print(path)
                row("  bare starlette, before", size, before)
                row(f"  {setup}, under writes", size, mine)
                row("  bare starlette, after", size, after)
                print(f"{'    ratio ours/bare (throughput)':<52}{'':>7}"
                      f"{mine['rps'] / ((before['rps'] + after['rps']) / 2):>10.2f}")
        finally:
            writer.terminate()
            writer.wait(timeout=20)
