"""The bulk path (columnar parse, whole new seasons in one insert) stores exactly what the record path stores.

Each scenario is loaded twice into fresh stores, once through the bulk path and once through the record path
(the same source without its columnar parser), and the stores are compared by natural keys: matches with every
field, events with their players, teams, aliases, external ids, quarantine, load-run counts. On SQLite and on a
real PostgreSQL server.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from matchday.domain.records import ParseResult
from matchday.errors import Conflict
from matchday.ingest.pipeline import UnitSummary, load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import LoadUnit, get_source
from matchday.store.engine import make_engine
from matchday.store.fk_check import checked_at_end
from matchday.store.match_writes import UPDATABLE
from matchday.store.migrate import upgrade
from matchday.store.provenance_rows import all_rows
from matchday.store.schema import (
    competitions,
    external_ids,
    load_runs,
    match_events,
    matches,
    players,
    quarantined_rows,
    seasons,
    team_aliases,
    teams,
)
from tests.conftest import DATA, _fresh_postgres_url

ESD = DATA / "engsoccerdata" / "data-raw"
INTL = DATA / "international_results"


class RecordPathOnly:
    """A source without its columnar parser: the pipeline then takes the record path."""

    def __init__(self, name: str) -> None:
        self._source = get_source(name)
        self.name = self._source.name

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        return self._source.plan(paths, options)

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        return self._source.parse(unit, contents)


def _excerpt(tmp: Path, source: Path, keep: Callable[[int, str], bool], name: str | None = None) -> Path:
    """A copy of a real file with only some of its rows (written to the test's temporary folder)."""
    data = source.read_bytes()
    lines = (gzip.decompress(data) if source.name.endswith(".gz") else data).decode("utf-8").split("\n")
    target = tmp / (name or source.name.removesuffix(".gz"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join([lines[0], *(line for i, line in enumerate(lines[1:]) if line and keep(i, line))])
                      + "\n", "utf-8")
    return target


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    home, away = teams.alias("home"), teams.alias("away")
    with engine.connect() as conn:
        stored = conn.execute(
            select(competitions.c.code, seasons.c.label, matches.c.match_key, home.c.name, away.c.name,
                   matches.c.attributes, *(matches.c[name] for name in UPDATABLE))
            .join(seasons, seasons.c.id == matches.c.season_id)
            .join(competitions, competitions.c.id == matches.c.competition_id)
            .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)).all()
        events = conn.execute(
            select(seasons.c.label, matches.c.match_key, match_events.c.seq, match_events.c.type,
                   match_events.c.side, match_events.c.minute, match_events.c.player_name, players.c.name,
                   match_events.c.source)
            .join(matches, matches.c.id == match_events.c.match_id)
            .join(seasons, seasons.c.id == matches.c.season_id)
            .outerjoin(players, players.c.id == match_events.c.player_id)).all()
        provenance = all_rows()  # match_sources rows and the ones kept in matches (store.provenance_rows)
        sources = conn.execute(
            select(seasons.c.label, matches.c.match_key, provenance.c.source, provenance.c.fields,
                   provenance.c.dissent)
            .join(matches, matches.c.id == provenance.c.match_id)
            .join(seasons, seasons.c.id == matches.c.season_id)).all()
        return {
            "provenance": sorted((*row[:4], repr(row[4])) for row in sources),
            "matches": sorted((*row[:5], sorted(row[5].items()), *row[6:]) for row in stored),
            "events": sorted(tuple(row) for row in events),
            "teams": sorted(conn.execute(select(teams.c.name, teams.c.country)).all()),
            "aliases": sorted(conn.execute(select(team_aliases.c.scope, team_aliases.c.normalized,
                                                  team_aliases.c.alias, teams.c.name)
                                           .join(teams, teams.c.id == team_aliases.c.team_id)).all()),
            "external": sorted(conn.execute(select(external_ids.c.source, external_ids.c.entity,
                                                   external_ids.c.external_id)).all()),
            "players": sorted(conn.execute(select(players.c.name, players.c.normalized, teams.c.name)
                                           .join(teams, teams.c.id == players.c.team_id)).all()),
            "quarantine": sorted(conn.execute(select(quarantined_rows.c.location, quarantined_rows.c.line,
                                                     quarantined_rows.c.field, quarantined_rows.c.reason,
                                                     quarantined_rows.c.raw_text)).all()),
            "runs": sorted(conn.execute(select(load_runs.c.location, load_runs.c.status, load_runs.c.rows_read,
                                               load_runs.c.matches_new, load_runs.c.matches_changed,
                                               load_runs.c.matches_unchanged, load_runs.c.rows_quarantined)).all()),
        }


@pytest.fixture
def two_stores(store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Engine, Engine]]:
    second = (f"sqlite:///{tmp_path / 'record-path.db'}" if store_url.startswith("sqlite")
              else _fresh_postgres_url(request.getfixturevalue("postgres")))
    engines = []
    for url in (store_url, second):
        engine = make_engine(url)
        upgrade(engine)
        seed_reference_data(engine)
        engines.append(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def _load_both(bulk: Engine, record: Engine, steps: Sequence[tuple[str, list[Path]]]) -> list[UnitSummary]:
    summaries = []
    for name, paths in steps:
        source = get_source(name)
        summaries.extend(load_units(bulk, source, source.plan(paths, {})))
        plain = RecordPathOnly(name)
        load_units(record, plain, plain.plan(paths, {}))
    return summaries


def test_bulk_and_record_paths_store_the_same(two_stores: tuple[Engine, Engine], tmp_path: Path) -> None:
    bulk, record = two_stores
    recent = _excerpt(tmp_path / "intl", INTL / "results.csv.gz", lambda _i, line: line[:4] in ("2021", "2022"))
    _excerpt(tmp_path / "intl", INTL / "goalscorers.csv.gz", lambda _i, line: line[:4] in ("2021", "2022"))
    _excerpt(tmp_path / "intl", INTL / "shootouts.csv", lambda _i, _line: True)
    _excerpt(tmp_path / "intl", INTL / "former_names.csv", lambda _i, _line: True)
    mls_part = _excerpt(tmp_path / "part", ESD / "mls.csv.gz", lambda i, _line: i % 3 == 0, "mls.csv")
    damaged = _excerpt(tmp_path / "damaged", ESD / "facup.csv.gz", lambda i, _line: i < 600)
    lines = damaged.read_text("utf-8").split("\n")
    lines[5] = lines[5].replace(lines[5].split(",")[0], "2019-02-30", 1)  # an impossible date
    lines[9] = lines[9].rsplit(",", 4)[0]  # a short row
    lines[12] = lines[12].replace(",1,", ",x,", 1)  # a goal that is not a number
    damaged.write_text("\n".join(lines), "utf-8")
    summaries = _load_both(bulk, record, [
        ("engsoccerdata", [ESD / "englandplayoffs.csv", ESD / "champs.csv.gz", damaged]),  # rows for the record
        # parser: day numbers, extra time, penalties, byes, walkovers, damage
        ("engsoccerdata", [mls_part]),  # a third of each season ...
        ("engsoccerdata", [ESD / "mls.csv.gz"]),  # ... then the whole file: seasons that hold matches merge
        ("international-results", [recent]),
        ("international-results", [recent]),  # an unchanged re-load
    ])
    assert [(s.status, s.new) for s in summaries[:2]] == [("ok", 764), ("ok", 6556)]
    assert summaries[2].quarantined >= 2 and summaries[2].not_matches > 0
    assert summaries[4].new + summaries[4].changed + summaries[4].unchanged == 4995 and summaries[4].unchanged > 1000
    assert summaries[-1].new == summaries[-1].changed == 0 and summaries[-1].unchanged == summaries[-2].new
    bulk_dump, record_dump = _dump(bulk), _dump(record)
    assert len(bulk_dump["events"]) > 1000 and len(bulk_dump["quarantine"]) >= 2
    for table in bulk_dump:
        assert bulk_dump[table] == record_dump[table], table


def test_foreign_keys_are_checked_before_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    upgrade(engine)
    with pytest.raises(Conflict, match="foreign key"), checked_at_end(engine) as conn:
        conn.execute(text("INSERT INTO seasons (competition_id, label) VALUES (12345, '2020-21')"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(seasons)).scalar_one() == 0
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1  # enforcement is back on
    engine.dispose()


def test_a_unit_parsed_ahead_fails_alone(tmp_path: Path) -> None:
    """Units are parsed one ahead of the write: a unit that cannot be parsed still fails on its own, in order."""
    engine = make_engine(f"sqlite:///{tmp_path / 'ahead.db'}")
    upgrade(engine)
    broken = tmp_path / "broken" / "mls.csv"
    broken.parent.mkdir()
    broken.write_text("Date,Season,home\n2001-01-01,2001,Somebody\n", "utf-8")
    good = _excerpt(tmp_path / "good", ESD / "mls.csv.gz", lambda i, _line: i < 300, "mls.csv")
    source = get_source("engsoccerdata")
    summaries = load_units(engine, source, [*source.plan([broken], {}), *source.plan([good], {})])
    assert [(s.location, s.status) for s in summaries] == [(str(broken), "failed"), (str(good), "ok")]
    assert "missing columns" in (summaries[0].error or "") and summaries[1].new == 300
    engine.dispose()


def test_bulk_inserted_events_belong_to_their_source(tmp_path: Path) -> None:
    """Events of a bulk first load are marked with their source, as the record path marks them: a re-load finds
    them its own and rewrites nothing (before, each match's events were re-owned by one UPDATE per match)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'events.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    folder = tmp_path / "intl"
    _excerpt(folder, INTL / "results.csv.gz", lambda _i, line: line[:4] == "2022")
    _excerpt(folder, INTL / "goalscorers.csv.gz", lambda _i, line: line[:4] == "2022")
    source = get_source("international-results")
    assert load_units(engine, source, source.plan([folder], {}))[0].status == "ok"
    with engine.connect() as conn:
        owners = conn.execute(select(match_events.c.source, func.count()).group_by(match_events.c.source)).all()
    assert len(owners) == 1 and owners[0][0] == "international-results" and owners[0][1] > 100
    engine.dispose()
