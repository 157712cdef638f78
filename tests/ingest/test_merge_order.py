"""Property: loading the shared files of one season in any order gives the same store (DESIGN.md §9).

La Liga 2024-25 from three real sources: football-data.co.uk's final results (``SP1/2024-25.csv``),
openfootball's snapshot with ten matches still unscored (``2024-25/es.1.json``) and engsoccerdata's
``spain.csv.gz`` (its 2024-25 rows). Each file is parsed once; every example writes the parsed files through
the pipeline's write step, in the order Hypothesis draws, into a fresh store.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from matchday.domain.records import ParseResult
from matchday.ingest.pipeline import UnitSummary, read_contents, write_parsed
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.runs import start_run
from tests.conftest import DATA, FDUK
from tests.ingest.store_dump import store_dump

FILES = {
    "football-data-uk": FDUK / "SP1" / "2024-25.csv",
    "openfootball": DATA / "openfootball-football.json" / "2024-25" / "es.1.json",
    "engsoccerdata": DATA / "engsoccerdata" / "data-raw" / "spain.csv.gz",
}


def _parse(source: str, path: Path) -> ParseResult:
    plugin = get_source(source)
    unit = plugin.plan([path], {})[0]
    parsed = plugin.parse(unit, read_contents(unit))
    season = [m for m in parsed.matches if m.season == "2024-25"]
    return replace(parsed, matches=season, rows_read=len(season), problems=[])


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    return {source: _parse(source, path) for source, path in FILES.items()}


def _store(path: Path, parsed: dict[str, ParseResult], order: tuple[str, ...]) -> dict:
    path.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_reference_data(engine)
    for source in order:
        write(engine, source, parsed[source])
    dump = store_dump(engine)
    engine.dispose()
    return dump


def write(engine: Engine, source: str, parsed: ParseResult) -> UnitSummary:
    with engine.begin() as conn:
        run_id = start_run(conn, source, str(FILES[source]))
    summary = UnitSummary(str(FILES[source]))
    write_parsed(engine, source, run_id, str(FILES[source]), parsed, summary)
    return summary


@pytest.fixture(scope="module")
def reference(parsed: dict[str, ParseResult], tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _store(tmp_path_factory.mktemp("order") / "reference.db", parsed, tuple(FILES))


def test_the_three_sources_agree_on_one_season(reference: dict) -> None:
    matches = reference["matches"]
    assert len(matches) == 380  # one match per pairing, whichever source named the teams how
    assert len([t for t in reference["teams"] if t[1] == "Spain"]) == 20
    assert {source for _m, source, _mask, _d in reference["provenance"]} == set(FILES)
    status = matches[0][1][5]
    assert status == "finished" and all(row[1][5] == "finished" for row in matches)


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(tuple(FILES)))
def test_any_load_order_gives_the_same_store(order: tuple[str, ...], parsed: dict[str, ParseResult],
                                             reference: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    dump = _store(tmp_path_factory.getbasetemp() / "order-example.db", parsed, order)
    for part in ("matches", "teams", "external_ids", "aliases", "provenance", "conflicts"):
        assert dump[part] == reference[part], (order, part)


def test_reloading_any_file_after_all_three_changes_nothing(parsed: dict[str, ParseResult],
                                                            tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'reload.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    for source in FILES:
        write(engine, source, parsed[source])
    before = store_dump(engine)
    for source in itertools.chain(FILES, reversed(FILES)):
        again = write(engine, source, parsed[source])
        assert (again.new, again.changed, again.unchanged) == (0, 0, 380), source
    assert store_dump(engine) == before
    engine.dispose()


def test_goals_come_from_the_most_trusted_source_whatever_the_order(tmp_path: Path) -> None:
    """World Cup 2022 from openfootball (goals with minutes; the more trusted for fifa.world) and
    international_results (goalscorers): both orders store the same goals, openfootball's."""
    from sqlalchemy import select

    from matchday.store.schema import match_events, matches

    files = {"openfootball": DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json",
             "international-results": DATA / "international_results"}
    parsed = {}
    for source, path in files.items():
        plugin = get_source(source)
        records = []
        for unit in plugin.plan([path], {}):
            records += [m for m in plugin.parse(unit, read_contents(unit)).matches
                        if m.competition.code == "fifa.world" and m.season == "2022"]
        parsed[source] = ParseResult(matches=records, rows_read=len(records))
    goals = []
    for index, order in enumerate((tuple(files), tuple(files)[::-1])):
        engine = make_engine(f"sqlite:///{tmp_path / f'wc-{index}.db'}")
        upgrade(engine)
        for source in order:
            with engine.begin() as conn:
                run_id = start_run(conn, source, str(files[source]))
            write_parsed(engine, source, run_id, str(files[source]), parsed[source], UnitSummary(source))
        with engine.connect() as conn:
            goals.append(sorted(conn.execute(
                select(matches.c.match_date, match_events.c.seq, match_events.c.type, match_events.c.side,
                       match_events.c.minute, match_events.c.player_name, match_events.c.source)
                .join(matches, matches.c.id == match_events.c.match_id)).all(), key=repr))
        engine.dispose()
    assert goals[0] == goals[1] and len(goals[0]) >= 172
    final = [g for g in goals[0] if str(g[0]) == "2022-12-18"]
    assert [(g[4], g[5], g[6]) for g in final][:2] == [(23, "Lionel Messi", "openfootball"),
                                                      (36, "Ángel Di María", "openfootball")]
