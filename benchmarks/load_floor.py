"""The SQLite floor of a first load: only the statements a first load cannot avoid, every row prepared beforehand.

    flock /tmp/matchday-heavy.lock .venv/bin/python benchmarks/load_floor.py [path/to/shared/data]

Same files as ``load.py``. Before the clock starts: columnar parse, identity, keys, insert tuples. Timed, per file
in its own transaction as the pipeline does: the matches ``executemany`` (foreign keys off, key order, shared
values as literals), the provenance ``INSERT ... SELECT``, the events ``executemany``, the commit. Beside it, in
the same run: the naive baseline and the record path (the same sources without their columnar parser). If the
floor's ratio is under 0.5, no parser or resolver, however fast, brings the whole load to half the baseline.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from load import _baseline
from shared_data import data_root

from matchday.ingest.pipeline import load_units, read_contents
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store import bulk_load
from matchday.store.content_hash import with_content_hash
from matchday.store.engine import make_engine
from matchday.store.identity import Resolver
from matchday.store.match_merge import record_new_matches
from matchday.store.match_writes import utcnow
from matchday.store.migrate import upgrade

SOURCES = (("engsoccerdata", "engsoccerdata/data-raw"), ("international-results", "international_results"))


class RecordPathOnly:
    """A source without its columnar parser: the pipeline then takes the record path."""

    def __init__(self, name: str) -> None:
        self._source = get_source(name)
        self.name = self._source.name

    def plan(self, paths, options):  # type: ignore[no-untyped-def]
        return self._source.plan(paths, options)

    def parse(self, unit, contents):  # type: ignore[no-untyped-def]
        return self._source.parse(unit, contents)


def _prepare(engine, data: Path) -> list[tuple]:  # type: ignore[no-untyped-def]
    """(source, statement, tuples, seasons, event tuples) per file; teams and seasons committed, no match."""
    parsed = []
    for name, folder in SOURCES:
        source = get_source(name)
        for unit in source.plan([data / folder], {}):
            columns = source.parse_columnar(unit, read_contents(unit))
            if columns is not None and columns.matches.height:
                parsed.append((name, columns))
    prepared = []
    with engine.begin() as conn:
        start = 0
        seen = pl.DataFrame(schema={"season_id": pl.Int64, "match_key": pl.String})
        for name, columns in parsed:
            resolver = Resolver(conn, name)
            frame = with_content_hash(bulk_load._with_keys(bulk_load._resolve(resolver, columns.matches)),
                                      columns.events, name)
            resolver.flush()
            # a season two files hold (germany, germany2) is merged by the pipeline: only its first copy here
            frame = frame.unique(["season_id", "match_key"], keep="first") \
                .join(seen, on=["season_id", "match_key"], how="anti").sort("season_id", "match_key")
            seen = pl.concat([seen, frame.select("season_id", "match_key")])
            if frame.height == 0:
                continue
            frame = frame.with_columns(id=pl.int_range(start + 1, start + 1 + pl.len()))
            start += frame.height
            rows = bulk_load._match_rows(frame, utcnow()).with_columns(
                pl.col(pl.Date).dt.to_string("%Y-%m-%d"), pl.col(pl.Datetime).dt.to_string("%Y-%m-%d %H:%M:%S.%6f"),
                pl.col(pl.Boolean).cast(pl.Int64))
            literals = {n: bulk_load._sql_literal(rows[n][0]) for n in rows.columns
                        if n != "id" and rows[n].n_unique() == 1 and bulk_load._sql_literal(rows[n][0])}
            bound = [n for n in rows.columns if n not in literals]
            sql = (f"INSERT INTO matches ({', '.join([*bound, *literals])}) "
                   f"VALUES ({', '.join(['?'] * len(bound) + list(literals.values()))})")
            ids = frame.select(pl.col("line").alias("match_line"), pl.col("id").alias("match_id"))
            events = columns.events.join(ids, on="match_line").sort("match_id", "order") \
                .with_columns(seq=pl.int_range(1, pl.len() + 1).over("match_id"))
            prepared.append((name, sql, rows.select(bound).rows(), set(frame["season_id"].unique().to_list()),
                             events.select("match_id", "seq", "type", "side", "minute", "player_name").rows()))
    return prepared


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else data_root()
    tmp = tempfile.mkdtemp()
    base_rows, base_wall, base_cpu = _baseline(data, Path(tmp) / "baseline.db")
    engine = make_engine(f"sqlite:///{tmp}/floor.db")
    upgrade(engine)
    seed_reference_data(engine)
    prepared = _prepare(engine, data)
    gc.collect()
    gc.disable()
    wall, cpu, count = time.perf_counter(), time.process_time(), 0
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for name, sql, tuples, seasons, events in prepared:
            raw.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                conn.exec_driver_sql(sql, tuples)
                record_new_matches(conn, name, seasons, [], utcnow())
                if events:
                    conn.exec_driver_sql("INSERT INTO match_events (match_id, seq, type, side, minute, player_name) "
                                         "VALUES (?, ?, ?, ?, ?, ?)", events)
            raw.execute("PRAGMA foreign_keys=ON")
            count += len(tuples)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    gc.enable()
    record = make_engine(f"sqlite:///{tmp}/record.db")
    upgrade(record)
    seed_reference_data(record)
    record_wall, record_cpu, record_new = time.perf_counter(), time.process_time(), 0
    for name, folder in SOURCES:
        source = RecordPathOnly(name)
        record_new += sum(s.new for s in load_units(record, source, source.plan([data / folder], {})))
    record_wall, record_cpu = time.perf_counter() - record_wall, time.process_time() - record_cpu
    base_rate = base_rows / base_wall
    print(f"baseline     {base_rows:>8} rows     wall {base_wall:5.2f} s  cpu {base_cpu:5.2f} s")
    print(f"floor        {count:>8} matches  wall {wall:5.2f} s  cpu {cpu:5.2f} s  "
          f"ratio {count / wall / base_rate:.2f}")
    print(f"record path  {record_new:>8} matches  wall {record_wall:5.2f} s  cpu {record_cpu:5.2f} s  "
          f"ratio {record_new / record_wall / base_rate:.2f}")


if __name__ == "__main__":
    main()
