"""No source erases what another knows: real seasons from two and three sources, in both orders (DESIGN.md §9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store import provenance_queries, queries
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import competitions, match_sources, matches, teams
from tests.conftest import DATA, FDUK, REPO
from tests.ingest.helpers import load
from tests.ingest.store_dump import store_dump

OPENFOOTBALL = DATA / "openfootball-football.json"
REGRESSION = REPO / "tests" / "regressions" / "sp1_es1_unscored_results"
SEASONS = {  # football-data.co.uk's final results; openfootball's snapshot with ten matches unscored
    "esp.1": (FDUK / "SP1" / "2024-25.csv", OPENFOOTBALL / "2024-25" / "es.1.json"),
    "ita.1": (FDUK / "I1" / "2024-25.csv", OPENFOOTBALL / "2024-25" / "it.1.json"),
}


def _results(engine: Engine, league: str) -> dict[tuple[str, str], tuple]:
    with engine.connect() as conn:
        _comp, _label, season_id = queries.find_competition_season(conn, league, "2024-25")
        return {(r.home, r.away): (r.status, r.home_goals, r.away_goals, r.home_goals_ht, r.away_goals_ht)
                for r in queries.fixtures(conn, season_id)}


def _fresh(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_reference_data(engine)
    return engine


@pytest.fixture(scope="module")
def results_only(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each season loaded from football-data.co.uk alone: the results the merged stores must keep."""
    engine = _fresh(tmp_path_factory.mktemp("fd") / "fd.db")
    for results, _snapshot in SEASONS.values():
        load(engine, "football-data-uk", results)
    return {league: _results(engine, league) for league in SEASONS}


@pytest.mark.parametrize("league", sorted(SEASONS))
@pytest.mark.parametrize("results_first", [True, False], ids=["results-first", "snapshot-first"])
def test_a_fixtures_snapshot_never_erases_results(league: str, results_first: bool, results_only: dict,
                                                  tmp_path: Path) -> None:
    engine = _fresh(tmp_path / "merged.db")
    results, snapshot = SEASONS[league]
    steps = [("football-data-uk", results), ("openfootball", snapshot)]
    for source, path in steps if results_first else steps[::-1]:
        assert load(engine, source, path)[0].status == "ok"
    merged = _results(engine, league)
    # every one of the 380 results survives, the 10 the snapshot has no score for included
    assert merged == results_only[league]
    assert sum(1 for status, *_ in merged.values() if status == "finished") == 380
    with engine.connect() as conn:
        unscored = conn.execute(select(match_sources.c.dissent).where(
            match_sources.c.source == "openfootball", match_sources.c.dissent.is_not(None))).scalars().all()
        playing = select(matches.c.home_team_id).join(competitions).where(competitions.c.code == league)
        names = sorted(conn.execute(select(teams.c.name, teams.c.name_source).where(teams.c.id.in_(playing))).all())
    assert sum(1 for d in unscored if d.get("status") == "scheduled") == 10
    # the season's 20 teams are named by the alias file, whichever source came first
    assert len(names) == 20 and all(source == "alias-file" for _name, source in names)
    before = store_dump(engine)
    for source, path in steps + steps[::-1]:  # re-loading either file adds nothing and says so
        again = load(engine, source, path)[0]
        assert (again.new, again.changed, again.unchanged) == (0, 0, 380), source
    assert store_dump(engine) == before


def test_the_regression_excerpt_in_both_orders(tmp_path: Path) -> None:
    csv_file, json_file = REGRESSION / "SP1-2024-25.csv", REGRESSION / "2024-25" / "es.1.json"
    dumps = []
    for index, steps in enumerate(((("football-data-uk", csv_file), ("openfootball", json_file)),
                                   (("openfootball", json_file), ("football-data-uk", csv_file)))):
        engine = _fresh(tmp_path / f"excerpt-{index}.db")
        for source, path in steps:
            load(engine, source, path)
        results = _results(engine, "esp.1")
        assert results[("Real Betis Balompié", "Valencia CF")] == ("finished", 1, 1, 1, 0)
        assert results[("Athletic Club", "Getafe CF")] == ("finished", 1, 1, 1, 0)
        for source, path in steps:
            again = load(engine, source, path)[0]
            assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
        dumps.append(store_dump(engine))
    assert dumps[0] == dumps[1]


def test_an_awarded_result_stands_whatever_the_order(tmp_path: Path) -> None:
    """Union Berlin v Bochum, Bundesliga 2024-25, 14 Dec 2024: played 1-1, awarded 0-2 to Bochum by the DFB
    (Bochum's goalkeeper was hit by a lighter). football-data.co.uk has a plain 0-2, openfootball says awarded."""
    for index, order in enumerate(((FDUK / "D1" / "2024-25.csv", OPENFOOTBALL / "2024-25" / "de.1.json"),
                                   (OPENFOOTBALL / "2024-25" / "de.1.json", FDUK / "D1" / "2024-25.csv"))):
        engine = _fresh(tmp_path / f"awarded-{index}.db")
        for path in order:
            load(engine, "football-data-uk" if path.suffix == ".csv" else "openfootball", path)
        results = _results(engine, "ger.1")
        assert results[("1. FC Union Berlin", "VfL Bochum 1848")][:3] == ("awarded", 0, 2)
        with engine.connect() as conn:
            assert provenance_queries.open_conflicts(conn) == 0  # the two sources agree on 0-2


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path, Path]:
    """La Liga 2024-25 from football-data.co.uk, then an openfootball file that has one result wrong."""
    folder = tmp_path_factory.mktemp("disputed")
    engine = _fresh(folder / "cli.db")  # the file tests.test_cli.matchday points the CLI at
    load(engine, "football-data-uk", SEASONS["esp.1"][0])
    doc = json.loads(SEASONS["esp.1"][1].read_text("utf-8"))
    first = doc["matches"][0]
    assert (first["team1"], first["team2"], first["score"]["ft"]) == ("Athletic Club", "Getafe CF", [1, 1])
    first["score"]["ft"] = [2, 1]
    wrong = folder / "wrong" / "2024-25" / "es.1.json"
    wrong.parent.mkdir(parents=True)
    wrong.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    load(engine, "openfootball", wrong)
    return engine, wrong, folder


def test_a_disagreement_on_a_result_is_a_conflict_and_the_more_trusted_source_wins(disputed: tuple) -> None:
    engine, _wrong, _folder = disputed
    assert _results(engine, "esp.1")[("Athletic Club", "Getafe CF")][:3] == ("finished", 1, 1)
    with engine.connect() as conn:
        found = provenance_queries.conflicts(conn)
        assert queries.status(conn)["open_conflicts"] == 1
    assert [(c["home"], c["away"], c["chosen_source"], c["chosen_value"], c["other_source"], c["other_value"])
            for c in found] == [("Athletic Club", "Getafe CF", "football-data-uk", "1-1", "openfootball", "2-1")]
    assert found[0]["first_seen_at"] is not None and found[0]["resolved_at"] is None


def test_provenance_through_the_api(disputed: tuple) -> None:
    engine, _wrong, _folder = disputed
    with engine.connect() as conn:
        match_id = provenance_queries.conflicts(conn)[0]["match_id"]
    with TestClient(create_server(Settings(database_url=str(engine.url)), engine)) as client:
        plain = client.get(f"/api/v1/matches/{match_id}").json()
        assert plain["sources"] is None
        body = client.get(f"/api/v1/matches/{match_id}", params={"include": "sources"}).json()
        assert client.get(f"/api/v1/matches/{match_id}", params={"include": "everything"}).status_code == 422
        listed = client.get("/api/v1/leagues/esp.1/conflicts", params={"season": "2024-25"}).json()
        assert client.get("/api/v1/leagues/esp.1/conflicts", params={"season": "1900-01"}).status_code == 404
    provenance = body["sources"]
    assert [s["source"] for s in provenance["sources"]] == ["football-data-uk", "openfootball"]
    assert [s["rank"] for s in provenance["sources"]] == [1, 2]
    assert provenance["fields"]["home_goals"] == "football-data-uk"
    assert provenance["fields"]["round"] == "openfootball"  # only openfootball has matchdays
    assert provenance["sources"][1]["differs"] == {"home_goals": 2}
    assert "home_goals" in provenance["sources"][0]["fields"]
    assert provenance["conflicts"][0]["other_value"] == "2-1"
    assert listed["total"] == 1 and [(c["match_id"], c["home"], c["chosen_value"], c["other_source"],
                                      c["other_value"]) for c in listed["items"]] == [
        (match_id, "Athletic Club", "1-1", "openfootball", "2-1")]
    assert body["score"]["home"] == 1 and provenance["sources"][0]["seen_at"].endswith(("Z", "+00:00"))


def test_the_cli_lists_conflicts_and_shows_where_values_came_from(disputed: tuple) -> None:
    from tests.test_cli import matchday

    _engine, _wrong, folder = disputed
    listed = json.loads(matchday(folder, "conflicts", "--league", "esp.1", "--season", "2024-25", "--json").stdout)
    assert [(c["chosen_value"], c["other_source"], c["other_value"]) for c in listed] == [
        ("1-1", "openfootball", "2-1")]
    unknown = matchday(folder, "conflicts", "--league", "xyz.9")
    assert unknown.returncode == 2 and "no league 'xyz.9'" in unknown.stderr
    status = json.loads(matchday(folder, "status", "--json").stdout)
    assert status["open_conflicts"] == 1
    shown = matchday(folder, "match", str(listed[0]["match_id"]), "--sources")
    assert shown.returncode == 0, shown.stderr
    assert "football-data-uk" in shown.stdout and "home_goals=2" in shown.stdout and "conflict (open)" in shown.stdout
    as_json = json.loads(matchday(folder, "match", str(listed[0]["match_id"]), "--sources", "--json").stdout)
    assert as_json["provenance"]["fields"]["home_goals"] == "football-data-uk"


def test_a_corrected_file_closes_the_conflict(disputed: tuple) -> None:
    engine, _wrong, _folder = disputed
    corrected = load(engine, "openfootball", SEASONS["esp.1"][1])[0]
    assert (corrected.new, corrected.changed) == (0, 0)  # the stored result was right all along
    with engine.connect() as conn:
        assert provenance_queries.open_conflicts(conn) == 0
        settled = provenance_queries.conflicts(conn, include_resolved=True)
        assert conn.execute(select(matches.c.home_goals).where(matches.c.id == settled[0]["match_id"])).scalar() == 1
    assert settled[0]["resolved_at"] is not None


def test_merging_on_each_database(engine: Engine, tmp_path: Path) -> None:
    """The merge's SQL (provenance insert-from-select, executemany updates, conflicts) on SQLite and PostgreSQL."""
    csv_file, json_file = REGRESSION / "SP1-2024-25.csv", REGRESSION / "2024-25" / "es.1.json"
    assert load(engine, "openfootball", json_file)[0].new == 2
    assert load(engine, "football-data-uk", csv_file)[0].changed == 2  # a result, odds and stats arrive
    doc = json.loads(json_file.read_text("utf-8"))
    doc["matches"][0]["score"]["ft"] = [2, 1]
    wrong = tmp_path / "wrong" / "2024-25" / "es.1.json"
    wrong.parent.mkdir(parents=True)
    wrong.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert load(engine, "openfootball", wrong)[0].changed == 0  # the less trusted source loses ...
    with engine.connect() as conn:
        assert [(c["chosen_value"], c["other_value"]) for c in provenance_queries.conflicts(conn)] == [("1-1", "2-1")]
    load(engine, "openfootball", json_file)  # ... and its correction settles the conflict
    results = _results(engine, "esp.1")
    assert results[("Real Betis Balompié", "Valencia CF")] == ("finished", 1, 1, 1, 0)
    assert results[("Athletic Club", "Getafe CF")] == ("finished", 1, 1, 1, 0)
    with engine.connect() as conn:
        assert provenance_queries.open_conflicts(conn) == 0
        provenance = provenance_queries.match_provenance(conn, provenance_queries.conflicts(
            conn, include_resolved=True)[0]["match_id"])
    assert [s["source"] for s in provenance["sources"]] == ["football-data-uk", "openfootball"]
    assert provenance["fields"]["round"] == "openfootball" and provenance["fields"]["home_goals"] == "football-data-uk"


def test_a_live_feed_never_rolls_back_a_result_and_tells_nothing_it_did_not_change(sqlite_engine: Engine) -> None:
    from dataclasses import replace

    from matchday.domain.records import MatchStatus, Period
    from matchday.ingest.live import ingest_snapshots
    from matchday.ingest.pipeline import read_contents
    from matchday.sources.base import get_source
    from matchday.store.schema import feed_events

    csv_file = REGRESSION / "SP1-2024-25.csv"
    load(sqlite_engine, "football-data-uk", csv_file)
    plugin = get_source("football-data-uk")
    unit = plugin.plan([csv_file], {})[0]
    betis = next(m for m in plugin.parse(unit, read_contents(unit)).matches if m.home.name == "Betis")
    late = replace(betis, status=MatchStatus.LIVE, period=Period.SECOND_HALF, minute=80, home_goals=1, away_goals=0,
                   stats=(), odds=())
    assert ingest_snapshots(sqlite_engine, "api-football", [late]).stale_dropped == 1
    other = replace(betis, home_goals=1, away_goals=2, stats=(), odds=())
    result = ingest_snapshots(sqlite_engine, "api-football", [other])
    assert (result.matches_changed, result.events) == (0, 0)  # football-data.co.uk's 1-1 stands: nothing to tell
    assert _results(sqlite_engine, "esp.1")[("Real Betis Balompié", "Valencia CF")][:3] == ("finished", 1, 1)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(feed_events)).first() is None
        assert [(c["chosen_source"], c["other_source"], c["other_value"])
                for c in provenance_queries.conflicts(conn)] == [("football-data-uk", "api-football", "1-2")]


def test_team_names_follow_precedence_not_load_order(tmp_path: Path) -> None:
    """Premier League 2024-25: clubs the alias file does not name get football-data.co.uk's name ("Arsenal",
    not openfootball's "Arsenal FC"), whichever file loads first; those it names get its canonical name."""
    files = (("football-data-uk", FDUK / "E0" / "2024-25.csv"),
             ("openfootball", OPENFOOTBALL / "2024-25" / "en.1.json"))
    dumps = []
    for index, order in enumerate((files, files[::-1])):
        engine = _fresh(tmp_path / f"names-{index}.db")
        for source, path in order:
            load(engine, source, path)
        dumps.append(store_dump(engine))
    names = {name: source for name, _country, source in dumps[0]["teams"]}
    assert (names["Arsenal"], names["Everton"], names["Nottingham Forest"]) == (
        "football-data-uk", "football-data-uk", "alias-file")
    with engine.connect() as conn:  # the 20 clubs (the packaged deduction ledger names teams of other seasons)
        playing = set(conn.execute(select(teams.c.name).where(teams.c.id.in_(select(matches.c.home_team_id))))
                      .scalars())
    assert "Arsenal FC" not in names and len(playing) == 20 and playing <= names.keys()
    assert dumps[0]["teams"] == dumps[1]["teams"] and dumps[0]["matches"] == dumps[1]["matches"]


def test_spellings_of_one_name_keep_the_shortest_whatever_the_order(tmp_path: Path) -> None:
    """Bundesliga 2011-12 from football-data.co.uk ("Hoffenheim") and engsoccerdata ("1899 Hoffenheim": the same
    name once normalised, one alias row): the alias kept, and the short name a printed table shows, are the
    shortest spelling in both load orders, not the first one loaded (the table once printed either)."""
    from matchday.store import team_queries
    from matchday.store.schema import team_aliases
    from tests.ingest.test_bulk_load import _excerpt

    germany = _excerpt(tmp_path / "esd", DATA / "engsoccerdata" / "data-raw" / "germany.csv.gz",
                       lambda _i, line: line.split(",")[1] == "2011" and line.split(",")[7] == "1", "germany.csv")
    files = (("football-data-uk", FDUK / "D1" / "2011-12.csv"), ("engsoccerdata", germany))
    seen = []
    for index, order in enumerate((files, files[::-1])):
        engine = _fresh(tmp_path / f"spellings-{index}.db")
        for source, path in order:
            assert load(engine, source, path)[0].status == "ok"
        with engine.connect() as conn:
            aliases = sorted(conn.execute(select(team_aliases.c.scope, team_aliases.c.normalized,
                                                 team_aliases.c.alias)).all())
            short = team_queries.short_names(conn)
        seen.append((aliases, short))
    assert seen[0] == seen[1]
    aliases, short = seen[0]
    assert ("Germany", "hoffenheim", "Hoffenheim") in aliases and short["TSG 1899 Hoffenheim"] == "Hoffenheim"


def test_a_store_from_before_provenance_keeps_its_results(sqlite_engine: Engine) -> None:
    """Matches stored before migration 0005 have no provenance: what they hold counts as the least trusted
    claim ("earlier-load"), so a snapshot still cannot erase it and a re-load of the same file takes it over."""
    from sqlalchemy import delete, update

    csv_file, json_file = REGRESSION / "SP1-2024-25.csv", REGRESSION / "2024-25" / "es.1.json"
    load(sqlite_engine, "football-data-uk", csv_file)
    with sqlite_engine.begin() as conn:
        conn.execute(delete(match_sources))  # as the store was before provenance was kept
        conn.execute(update(matches).values(first_source=None, first_fields=None, first_seen_at=None))
    load(sqlite_engine, "openfootball", json_file)
    assert _results(sqlite_engine, "esp.1")[("Real Betis Balompié", "Valencia CF")] == ("finished", 1, 1, 1, 0)
    again = load(sqlite_engine, "football-data-uk", csv_file)[0]
    assert (again.new, again.changed) == (0, 0)
    with sqlite_engine.connect() as conn:
        sources = set(conn.execute(select(match_sources.c.source)).scalars())
        match_id = conn.execute(select(match_sources.c.match_id)).scalars().first()
        provenance = provenance_queries.match_provenance(conn, match_id)
    assert sources == {"earlier-load", "openfootball", "football-data-uk"}
    assert provenance["sources"][-1]["source"] == "earlier-load"  # trusted least
    assert provenance["fields"]["home_goals"] == "football-data-uk"


def test_the_packaged_precedence_names_every_built_in_source() -> None:
    from matchday.precedence import source_precedence
    from matchday.sources.base import available_sources

    precedence = source_precedence()
    order = precedence.order()
    assert set(available_sources()) <= set(order)  # a built-in source is never ranked by name alone
    assert order.index("football-data-uk") < order.index("openfootball")  # results above a fixtures snapshot
    assert {"api-football", "football-data-org", "espn", "sofascore", "understat"} <= set(order)
    assert precedence.order("fifa.world")[0] == "openfootball"
    assert precedence.order("esp.1", "round")[0] == "openfootball"
