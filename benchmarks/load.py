"""Bulk-load benchmark: matchday's pipeline vs a naive csv + sqlite3.executemany baseline, same run, same input.

    .venv/bin/python benchmarks/load.py [path/to/shared/data]

Loads every match file of engsoccerdata and international_results (~310k matches) into a fresh SQLite store
(first load, then an idempotent re-load) and, side by side, the same rows with plain ``csv`` +
``sqlite3.executemany`` into one unindexed table. Prints matches/s for each and the ratios.
"""

from __future__ import annotations

import csv
import gzip
import io
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade


def _ours(data: Path, db: Path) -> tuple[int, float, float, int]:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed_reference_data(engine)
    jobs = [(get_source("engsoccerdata"), [data / "engsoccerdata" / "data-raw"]),
            (get_source("international-results"), [data / "international_results"])]
    timings = []
    matches = unchanged = 0
    for attempt in range(2):
        started = time.perf_counter()
        for source, paths in jobs:
            summaries = load_units(engine, source, source.plan(paths, {}))
            if attempt == 0:
                matches += sum(s.new for s in summaries)
            else:
                unchanged += sum(s.unchanged for s in summaries)
        timings.append(time.perf_counter() - started)
    engine.dispose()
    return matches, timings[0], timings[1], unchanged


def _baseline(data: Path, db: Path) -> tuple[int, float]:
    files = [p for p in sorted((data / "engsoccerdata" / "data-raw").glob("*.csv*"))
             if p.name.split(".")[0] not in {"teamnames", "england_club_data", "germany_club_data", "mlsconfs",
                                             "deductions"}]
    files.append(data / "international_results" / "results.csv.gz")
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE results (date TEXT, season TEXT, home TEXT, away TEXT, hg TEXT, ag TEXT)")
    count = 0
    for path in files:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
        reader = csv.reader(io.StringIO(text))
        header = [h.lower() for h in next(reader)]
        if "home_team" in header:  # international results
            idx = [header.index(c) for c in ("date", "date", "home_team", "away_team", "home_score", "away_score")]
        else:
            idx = [header.index(c) for c in ("date", "season", "home", "visitor", "hgoal", "vgoal")]
        rows = [tuple(r[i] for i in idx) for r in reader if r]
        conn.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)", rows)
        count += len(rows)
    conn.commit()
    conn.close()
    return count, time.perf_counter() - started


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        base_rows, base_s = _baseline(data, Path(tmp) / "baseline.db")
        matches, first_s, reload_s, unchanged = _ours(data, Path(tmp) / "matchday.db")
    base_rate, first_rate, reload_rate = base_rows / base_s, matches / first_s, unchanged / reload_s
    print(f"baseline  csv+executemany  {base_rows:>8} rows     {base_s:6.2f} s  {base_rate:>9,.0f} rows/s")
    print(f"matchday  first load       {matches:>8} matches  {first_s:6.2f} s  {first_rate:>9,.0f} matches/s")
    print(f"matchday  re-load          {unchanged:>8} unchanged {reload_s:5.2f} s  {reload_rate:>9,.0f} matches/s")
    print(f"ratio first load / baseline: {first_rate / base_rate:.2f}   "
          f"re-load / baseline: {reload_rate / base_rate:.2f}")


if __name__ == "__main__":
    main()
