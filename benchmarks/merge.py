"""Merge benchmark: what several sources cost a re-load, against the same re-load with one source, same run.

    .venv/bin/python benchmarks/merge.py [path/to/shared/data]

La Liga and Serie A from engsoccerdata (every season, ~56k matches), then 2023-24 and 2024-25 from openfootball
and 2024-25 from football-data.co.uk on top. Prints, side by side: the engsoccerdata re-load into a store that
holds only it, and the same re-load into the store where three sources share those seasons (every claim kept,
conflicts checked); plus the cross-source first loads. Each re-load must report 0 changed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from shared_data import data_root

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade


def _jobs(data: Path) -> list[tuple[str, list[Path]]]:
    raw, json_dir, csv_dir = data / "engsoccerdata" / "data-raw", data / "openfootball-football.json", \
        data / "football-data-co-uk"
    return [("engsoccerdata", [raw / "spain.csv.gz", raw / "italy.csv.gz"]),
            ("openfootball", [json_dir / season / f"{league}.json" for season in ("2023-24", "2024-25")
                              for league in ("es.1", "it.1")]),
            ("football-data-uk", [csv_dir / "SP1" / "2024-25.csv", csv_dir / "I1" / "2024-25.csv"])]


def _load(engine, source: str, paths: list[Path]) -> tuple[int, int, float]:  # noqa: ANN001 - an Engine
    plugin = get_source(source)
    started = time.perf_counter()
    summaries = load_units(engine, plugin, plugin.plan(paths, {}))
    seconds = time.perf_counter() - started
    return sum(s.new + s.changed + s.unchanged for s in summaries), sum(s.changed for s in summaries), seconds


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else data_root()
    jobs = _jobs(data)
    with tempfile.TemporaryDirectory() as tmp:
        stores = {}
        for name in ("one source", "three sources"):
            engine = make_engine(f"sqlite:///{Path(tmp) / name.replace(' ', '-')}.db")
            upgrade(engine)
            seed_reference_data(engine)
            stores[name] = engine
        for source, paths in jobs[:1]:
            for engine in stores.values():
                _load(engine, source, paths)
        for source, paths in jobs[1:]:
            matches, changed, seconds = _load(stores["three sources"], source, paths)
            print(f"cross-source first load  {source:17} {matches:>7} matches {seconds:6.2f} s "
                  f"{matches / seconds:>9,.0f} matches/s  ({changed} changed)")
        rates = {}
        for name, engine in stores.items():
            matches, changed, seconds = _load(engine, *jobs[0])
            rates[name] = matches / seconds
            print(f"re-load engsoccerdata, {name:13} {matches:>7} matches {seconds:6.2f} s "
                  f"{rates[name]:>9,.0f} matches/s  ({changed} changed)")
            engine.dispose()
    print(f"ratio re-load with three sources / with one: {rates['three sources'] / rates['one source']:.2f}")


if __name__ == "__main__":
    main()
