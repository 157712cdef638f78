"""A bulk-loaded match keeps its only source in its row; a second source turns that into match_sources rows.

Real files: international_results' 2022 rows (bulk path), then openfootball's World Cup 2022 (record path) for
the same matches; the provenance the API shows is the same either way (``store.provenance_rows``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, func, select

from matchday.domain import merge
from matchday.store import provenance_queries
from matchday.store.migrate import alembic_config
from matchday.store.provenance_rows import all_rows
from matchday.store.schema import competitions, match_events, match_sources, matches
from tests.conftest import DATA
from tests.ingest.helpers import load

INTL = DATA / "international_results"
WORLD_CUP = DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"


def _intl_2022(folder: Path) -> Path:
    """results.csv of the 2022 rows only (the bulk path's parser, a new season each)."""
    folder.mkdir()
    lines = gzip.decompress((INTL / "results.csv.gz").read_bytes()).decode("utf-8").splitlines()
    (folder / "results.csv").write_text("\n".join([lines[0], *(x for x in lines[1:] if x[:4] == "2022")]) + "\n",
                                        "utf-8")
    return folder


def _world_cup_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(matches.c.id).join(competitions, competitions.c.id == matches.c.competition_id)
                                 .where(competitions.c.code == "fifa.world").order_by(matches.c.id)).scalars())


def _provenance(engine: Engine) -> list[tuple]:
    rows = all_rows()
    with engine.connect() as conn:
        return sorted(conn.execute(select(rows.c.match_id, rows.c.source, rows.c.fields, rows.c.dissent,
                                          rows.c.seen_at)).all())


def test_a_bulk_load_keeps_the_only_source_in_the_row_until_a_second_source_arrives(engine: Engine,
                                                                                     tmp_path: Path) -> None:
    [summary] = load(engine, "international-results", _intl_2022(tmp_path / "intl"))
    assert summary.status == "ok" and summary.new > 900
    final = _world_cup_ids(engine)[-1]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(match_sources)).scalar_one() == 0
        kept = conn.execute(select(func.count()).where(matches.c.first_source == "international-results"))
        assert kept.scalar_one() == summary.new
        shown = provenance_queries.match_provenance(conn, final)
    [claim] = shown["sources"]
    assert claim["source"] == "international-results" and not claim["differs"] and claim["seen_at"]
    assert {"home_goals", "away_goals", "match_date", "status"} <= set(claim["fields"])
    assert shown["fields"]["home_goals"] == "international-results"
    before = _provenance(engine)

    [again] = load(engine, "international-results", tmp_path / "intl")  # an unchanged re-load moves nothing
    assert again.unchanged == summary.new and _provenance(engine) == before

    load(engine, "openfootball", WORLD_CUP)
    cup = set(_world_cup_ids(engine))
    with engine.connect() as conn:
        explicit = conn.execute(select(match_sources.c.match_id, match_sources.c.source)).all()
        still_kept = dict(conn.execute(select(matches.c.id, matches.c.first_source)
                                       .where(matches.c.first_source.is_not(None))).all())
        shown = provenance_queries.match_provenance(conn, final)
    # the World Cup matches openfootball also describes: both sources as rows, the first one's as it was kept
    both = {m for m, s in explicit if s == "international-results"}
    assert both == {m for m, s in explicit if s == "openfootball"} and both <= cup and len(both) >= 60
    assert not both & set(still_kept)
    assert sum(s == "international-results" for s in still_kept.values()) == summary.new - len(both)
    # a match only openfootball has (the record path) keeps its source in its row as well
    assert {m for m, s in still_kept.items() if s == "openfootball"} == cup - both - {m for m in cup if m <= final}
    assert {item["source"] for item in shown["sources"]} == {"international-results", "openfootball"}
    first = {(m, s): (f, d, at) for m, s, f, d, at in before}
    for m, s, f, _d, at in _provenance(engine):
        if s == "international-results" and (m, s) in first:
            assert f == first[(m, s)][0]  # the mask it gave; seen_at moves only if its claim changed
            assert at >= first[(m, s)][2]


def test_the_migration_moves_single_source_rows_and_back(engine: Engine, tmp_path: Path) -> None:
    load(engine, "international-results", _intl_2022(tmp_path / "intl"))
    load(engine, "openfootball", WORLD_CUP)
    every = _provenance(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012_providers")
    with engine.connect() as conn:
        rows = sorted(conn.execute(select(match_sources.c.match_id, match_sources.c.source, match_sources.c.fields,
                                          match_sources.c.dissent, match_sources.c.seen_at)).all())
    assert rows == every  # every source a row again, as before 0013
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert _provenance(engine) == every
    with engine.connect() as conn:
        explicit = set(conn.execute(select(match_sources.c.match_id)).scalars())
        kept = set(conn.execute(select(matches.c.id).where(matches.c.first_source.is_not(None))).scalars())
    # the matches two sources (or a dissent) describe keep their rows; the rest moved into matches
    assert explicit <= set(_world_cup_ids(engine)) and len(explicit) >= 60 and kept and not explicit & kept
    assert all(mask & merge.BITS["home_goals"] for _m, _s, mask, _d, _at in every)


def test_db_query_reads_every_source_through_the_match_provenance_view(engine: Engine, tmp_path: Path) -> None:
    """What read-only SQL saw in match_sources before 0013 it sees in match_provenance (the assistant role on
    PostgreSQL is granted the view)."""
    from matchday.mcp_server import create_mcp_server
    from matchday.settings import Settings
    from tests.security.test_mcp_secrets import _assistant_url, _call, _data

    load(engine, "international-results", _intl_2022(tmp_path / "intl"))
    load(engine, "openfootball", WORLD_CUP)
    server = create_mcp_server(Settings(database_url=str(engine.url), redis_url=None,
                                        mcp_database_url=_assistant_url(engine)), engine)
    sql = ("SELECT source, count(*), sum(match_id), sum(fields) FROM match_provenance GROUP BY source "
           "ORDER BY source")
    answer = _data(_call(server, [("db_query", {"sql": sql})])[0])
    every = _provenance(engine)
    expected = [(source, len(rows), sum(r[0] for r in rows), sum(r[2] for r in rows))
                for source in sorted({r[1] for r in every}) for rows in [[r for r in every if r[1] == source]]]
    assert [tuple(row) for row in answer["rows"]] == expected and len(expected) == 2


def test_downgrading_below_the_speed_columns_keeps_every_row_that_refers_to_a_match(engine: Engine,
                                                                                     tmp_path: Path) -> None:
    """0011_speed and 0013 drop columns of matches in place: a table copy would delete the matches' events and
    provenance by ON DELETE CASCADE."""
    load(engine, "openfootball", WORLD_CUP)

    def counts() -> tuple[int, int, int]:
        with engine.connect() as conn:
            return tuple(conn.execute(select(func.count()).select_from(table)).scalar()
                         for table in (matches, match_events, match_sources))

    before = counts()
    assert before[1] > 0
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0011_outbox")
    down = counts()
    assert down[:2] == before[:2] and down[2] == before[0] + before[2]  # each match's source is a row again
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert counts() == before
