"""Bulk-load benchmark: matchday's pipeline vs a naive csv + sqlite3.executemany baseline, same run, same input.

    .venv/bin/python benchmarks/load.py [--data path/to/shared/data] [--database URL ...] [--no-postgres] [--rounds N]

Loads every match file of engsoccerdata and international_results (~310k matches) into an empty store (first
load, then an idempotent re-load) and, side by side, the same rows with plain ``csv`` + ``sqlite3.executemany``
into one unindexed table (on PostgreSQL: plain ``csv`` + ``COPY`` of the same 6 columns, the ratio of a
PostgreSQL store is to that). Without ``--database`` it measures a fresh SQLite file and a PostgreSQL server started
from the machine's binaries the way the tests start one (``tests/postgres_server.py``). Prints matches/s (wall
clock) for each and the ratios to the baseline, plus this process's CPU seconds (on PostgreSQL the server's own
CPU is not in it). With ``--rounds N`` (not with ``--database``) each round measures the baseline and ours again on
fresh stores, and the median of each ratio over the rounds ends the output: on a shared 2-core machine one baseline
run can be a third slower than the next. Run it alone:
``flock /tmp/matchday-heavy.lock .venv/bin/python benchmarks/load.py``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shared_data import data_root
from sqlalchemy import func, select

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches

REPO = Path(__file__).resolve().parents[1]


def _ours(data: Path, url: str) -> tuple[int, int, list[tuple[float, float]]]:
    """(new on the first load, unchanged on the re-load, [(wall s, cpu s) of each])."""
    engine = make_engine(url)
    upgrade(engine)
    seed_reference_data(engine)
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(matches)).scalar_one():
            raise SystemExit(f"{url} already holds matches: a first load needs an empty store")
    jobs = [(get_source("engsoccerdata"), [data / "engsoccerdata" / "data-raw"]),
            (get_source("international-results"), [data / "international_results"])]
    timings = []
    new = unchanged = 0
    for attempt in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        for source, paths in jobs:
            for summary in load_units(engine, source, source.plan(paths, {})):
                if summary.status != "ok":
                    raise SystemExit(f"{summary.location}: {summary.error}")
                new += summary.new if attempt == 0 else 0
                unchanged += summary.unchanged if attempt == 1 else 0
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    engine.dispose()
    return new, unchanged, timings


def _baseline_files(data: Path) -> list[Path]:
    files = [p for p in sorted((data / "engsoccerdata" / "data-raw").glob("*.csv*"))
             if p.name.split(".")[0] not in {"teamnames", "england_club_data", "germany_club_data", "mlsconfs",
                                             "deductions"}]
    files.append(data / "international_results" / "results.csv.gz")
    return files


def _baseline_rows(path: Path) -> list[tuple]:
    """The 6 columns (date, season, home, away, goals) of one file, read with plain ``csv``."""
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = [h.lower() for h in next(reader)]
    if "home_team" in header:  # international results
        idx = [header.index(c) for c in ("date", "date", "home_team", "away_team", "home_score", "away_score")]
    else:
        idx = [header.index(c) for c in ("date", "season", "home", "visitor", "hgoal", "vgoal")]
    return [tuple(r[i] for i in idx) for r in reader if r]


def _baseline(data: Path, db: Path) -> tuple[int, float, float]:
    """Naive SQLite: csv + ``executemany`` into one unindexed table, one transaction."""
    started, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE results (date TEXT, season TEXT, home TEXT, away TEXT, hg TEXT, ag TEXT)")
    count = 0
    for path in _baseline_files(data):
        rows = _baseline_rows(path)
        conn.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)", rows)
        count += len(rows)
    conn.commit()
    conn.close()
    return count, time.perf_counter() - started, time.process_time() - cpu


def _baseline_postgres(data: Path, url: str) -> tuple[int, float, float]:
    """Naive PostgreSQL: csv + ``COPY`` of the same 6 columns into one unindexed table, one transaction."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE baseline_results (date TEXT, season TEXT, home TEXT, away TEXT, hg TEXT, "
                     "ag TEXT)")
        with conn.cursor() as cursor:
            for path in _baseline_files(data):
                rows = _baseline_rows(path)
                with cursor.copy("COPY baseline_results FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                count += len(rows)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE baseline_results")
    return count, elapsed, used


def _postgres():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO))
    from tests.postgres_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer()
        server.start()
    except PostgresUnavailable as exc:
        print(f"(no PostgreSQL figures: {exc})")
        return None
    return server


def _round(data: Path, urls: list[str], work: Path) -> dict[str, float]:
    """One round: each store's baseline and our first load and re-load, side by side; the ratios by row name."""
    ratios = {}
    base_rows, base_s, base_cpu = _baseline(data, work / "baseline.db")
    sqlite_rate = base_rows / base_s
    print(f"baseline  csv+executemany (SQLite)  {base_rows:>8} rows      {base_s:6.2f} s "
          f"(cpu {base_cpu:5.2f})  {sqlite_rate:>9,.0f} rows/s", flush=True)
    for url in urls:
        name = url.split(":", 1)[0].split("+")[0]
        base_rate = sqlite_rate
        if name == "postgresql":  # compared with the naive loader of the same database
            pg_rows, pg_s, pg_cpu = _baseline_postgres(data, url)
            base_rate = pg_rows / pg_s
            print(f"baseline  csv+COPY (PostgreSQL)     {pg_rows:>8} rows      {pg_s:6.2f} s "
                  f"(cpu {pg_cpu:5.2f})  {base_rate:>9,.0f} rows/s", flush=True)
        new, unchanged, ((first_s, first_cpu), (reload_s, reload_cpu)) = _ours(data, url)
        first_rate, reload_rate = new / first_s, unchanged / reload_s
        ratios[f"first load ({name})"] = first_rate / base_rate
        ratios[f"re-load ({name})"] = reload_rate / base_rate
        print(f"matchday  first load ({name:10})  {new:>8} new       {first_s:6.2f} s (cpu {first_cpu:5.2f})"
              f"  {first_rate:>9,.0f} matches/s  ratio {first_rate / base_rate:.2f}")
        print(f"matchday  re-load    ({name:10})  {unchanged:>8} unchanged {reload_s:6.2f} s "
              f"(cpu {reload_cpu:5.2f})  {reload_rate:>9,.0f} matches/s  ratio {reload_rate / base_rate:.2f}",
              flush=True)
    return ratios


def _fresh_database(server, number: int) -> str:  # type: ignore[no-untyped-def]
    import psycopg

    name = f"load_round_{number}"
    with psycopg.connect(server.url().replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_path", nargs="?", type=Path, help="the shared data folder (also --data)")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--database", action="append", default=[], metavar="URL",
                        help="an empty store to load into (repeatable); default: a fresh SQLite file and PostgreSQL")
    parser.add_argument("--no-postgres", action="store_true", help="without --database: SQLite only")
    parser.add_argument("--rounds", type=int, default=1, help="rounds on fresh stores (without --database)")
    args = parser.parse_args()
    if args.database and args.rounds != 1:
        parser.error("--rounds needs fresh stores: it cannot be used with --database")
    data = args.data or args.data_path or data_root()
    with tempfile.TemporaryDirectory() as tmp:
        server = None if args.database or args.no_postgres else _postgres()
        try:
            rounds = []
            for number in range(1, args.rounds + 1):
                work = Path(tmp) / f"round-{number}"
                work.mkdir()
                urls = list(args.database) or [f"sqlite:///{work / 'matchday.db'}"]
                if server:
                    urls.append(server.url() if number == 1 else _fresh_database(server, number))
                if args.rounds > 1:
                    print(f"-- round {number}", flush=True)
                rounds.append(_round(data, urls, work))
            if args.rounds > 1:
                print("median ratio over the rounds: " + ", ".join(
                    f"{name} {statistics.median(r[name] for r in rounds):.2f}" for name in rounds[0]))
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
