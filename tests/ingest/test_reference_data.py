"""API-Football's reference answers (countries, venues, players, squads, injuries) stored through the one write
tail: idempotent, per source (one source never erases another's), served by the team, squad and injury routes
(on SQLite, and on PostgreSQL where the test takes ``engine``)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matchday.domain.records import ParseResult
from matchday.ingest.pipeline import UnitSummary, write_parsed
from matchday.server import create_server
from matchday.settings import Settings
from matchday.sources.api_football import PROVIDER
from matchday.store import queries, schema
from matchday.store.runs import start_run
from tests.api.conftest import AF_FIXTURES, SAMPLES
from tests.ingest.helpers import load

REFERENCE = Path(__file__).resolve().parent.parent / "regressions" / "api_football_reference"
TEAMS = SAMPLES / "api-football" / "teams_search-Manchester.json"
TABLES = (schema.countries, schema.venues, schema.team_venues, schema.player_profiles, schema.squad_members,
          schema.injuries)


def _rows(engine: Engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {t.name: sorted(conn.execute(select(t)).all(), key=repr) for t in TABLES}


def _write(engine: Engine, source: str, parsed: ParseResult) -> None:
    with engine.begin() as conn:
        run_id = start_run(conn, source, "test")
    write_parsed(engine, source, run_id, "test", parsed, UnitSummary("test"))


def _answer(name: str) -> bytes:
    return (REFERENCE / name).read_bytes()


def test_reference_answers_are_stored_once_however_often_they_load(engine: Engine) -> None:
    files = [TEAMS, *sorted(REFERENCE.glob("*.json"))]
    assert all(s.status == "ok" and s.quarantined == 0 for s in load(engine, "api-football", *files))
    first = _rows(engine)
    assert {name: len(rows) for name, rows in first.items()} == {
        "countries": 1, "venues": 10, "team_venues": 9, "player_profiles": 2, "squad_members": 2, "injuries": 3}
    with engine.connect() as conn:
        [england] = conn.execute(select(schema.countries)).mappings().all()
        assert (england["name"], england["code"]) == ("England", "GB")
        meazza = conn.execute(select(schema.venues).where(schema.venues.c.external_id == "907")).mappings().one()
        assert (meazza["city"], meazza["capacity"], meazza["surface"]) == ("Milano", 80018, "grass")
        costa = conn.execute(select(schema.player_profiles, schema.players.c.name)
                             .join(schema.players, schema.players.c.id == schema.player_profiles.c.player_id)
                             .where(schema.players.c.name == "Diego Costa")).mappings().one()
        assert (costa["nationality"], str(costa["birth_date"]), costa["height_cm"], costa["weight_kg"]) == \
            ("Spain", "1988-10-07", 188, 83)
        statuses = conn.execute(select(schema.injuries.c.player_name, schema.injuries.c.status,
                                       schema.injuries.c.reason)).all()
        assert ("L. Paredes", "out", "Suspended") in statuses
    load(engine, "api-football", *files)
    assert _rows(engine) == first  # nothing rewritten, not even a timestamp


def test_one_source_never_erases_another_s(sqlite_engine: Engine) -> None:
    load(sqlite_engine, "api-football", REFERENCE / "players_league-39_season-2023_page-1_excerpt.json")
    parsed = PROVIDER.parse("players", {}, _answer("players_league-39_season-2023_page-1_excerpt.json"))
    from dataclasses import replace

    # another source knows the same player without a nationality, and says he is 189 cm tall
    other = ParseResult(squads=[replace(m, nationality=None, height_cm=189) for m in parsed.squads])
    _write(sqlite_engine, "other-provider", other)
    with sqlite_engine.connect() as conn:
        rows = {r.source: r for r in conn.execute(select(schema.player_profiles))}
        assert set(rows) == {"api-football", "other-provider"}
        assert rows["api-football"].nationality == "Spain" and rows["api-football"].height_cm == 188
        assert rows["other-provider"].nationality is None and rows["other-provider"].height_cm == 189
        assert conn.execute(select(func.count()).select_from(schema.squad_members)).scalar() == 2
        assert conn.execute(select(func.count()).select_from(schema.players)).scalar() == 1


def test_a_current_squad_replaces_only_the_same_source_s_current_squad(sqlite_engine: Engine) -> None:
    load(sqlite_engine, "api-football", REFERENCE / "players-squads_team-35_excerpt.json")
    doc = json.loads(_answer("players-squads_team-35_excerpt.json"))
    doc["response"][0]["players"][0] |= {"id": 1, "name": "A. Newcomer", "number": 40}
    _write(sqlite_engine, "api-football", PROVIDER.parse("players/squads", {}, json.dumps(doc).encode()))
    with sqlite_engine.connect() as conn:
        names = conn.execute(select(schema.players.c.name).join(
            schema.squad_members, schema.squad_members.c.player_id == schema.players.c.id)).scalars().all()
    assert names == ["A. Newcomer"]  # M. Travers left this source's current squad; his player row stays


def test_an_unknown_position_or_injury_type_costs_one_record(sqlite_engine: Engine, tmp_path: Path) -> None:
    doc = json.loads(_answer("injuries_fixture-686314_excerpt.json"))
    doc["response"][1]["player"]["type"] = "Rested"
    (tmp_path / "injuries.json").write_text(json.dumps(doc))
    squads = json.loads(_answer("players-squads_team-35_excerpt.json"))
    squads["response"][0]["players"].append({**squads["response"][0]["players"][0], "id": 2, "name": "B. Wing",
                                             "position": "Wing-back"})
    (tmp_path / "players-squads.json").write_text(json.dumps(squads))
    [injured, squad] = load(sqlite_engine, "api-football", tmp_path / "injuries.json", tmp_path / "players-squads.json")
    assert (injured.status, injured.rows_read, injured.quarantined) == ("ok", 3, 1)
    assert squad.status == "ok" and squad.quarantined == 1  # one squad item carries the code: it is that record
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.injuries)).scalar() == 2
        codes = {(c["field"], c["code"]) for c in queries.unknown_codes(conn)}
    assert codes == {("injuries.player.type", "'Rested'"), ("squads.players.position", "'Wing-back'")}


def test_team_squad_and_injury_routes_serve_what_is_stored(engine: Engine) -> None:
    load(engine, "api-football", AF_FIXTURES, TEAMS,
         REFERENCE / "players_league-39_season-2023_page-1_excerpt.json")
    # the recorded injuries of a fixture this store holds: its id and Atlético's team id put in the real answer
    doc = json.loads(_answer("injuries_fixture-686314_excerpt.json"))
    for item in doc["response"]:
        item["fixture"]["id"] = 1149519
        item["team"] = {"id": 530, "name": "Atletico Madrid", "logo": None}
    doc["response"][0]["player"] |= {"id": 29, "name": "J. Oblak"}  # in Atlético's line-up of that match
    _write(engine, "api-football", PROVIDER.parse("injuries", {}, json.dumps(doc).encode()))
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    with TestClient(create_server(settings, engine)) as client:
        [united] = [t for t in client.get("/api/v1/teams", params={"search": "Manchester United"}).json()["items"]
                    if t["name"] == "Manchester United"]
        venue = client.get(f"/api/v1/teams/{united['id']}").json()["venue"]
        assert (venue["name"], venue["city"], venue["capacity"], venue["source"]) == \
            ("Old Trafford", "Manchester", 76212, "api-football")
        [wolves] = client.get("/api/v1/teams", params={"search": "Wolves"}).json()["items"]
        [costa] = client.get(f"/api/v1/teams/{wolves['id']}/squad").json()
        assert (costa["name"], costa["position"], costa["nationality"], costa["height_cm"], costa["sources"]) == \
            ("Diego Costa", "F", "Spain", 188, ["api-football"])
        assert client.get(f"/api/v1/teams/{wolves['id']}/squad", params={"season": "2022-23"}).json() == []
        atletico = client.get("/api/v1/teams", params={"source": "api-football", "external_id": "/530"}
                              ).json()["items"][0]["id"]
        matches = client.get(f"/api/v1/teams/{atletico}/fixtures").json()["items"]
        [atletico_inter] = [m for m in matches if m["away"]["name"] == "Inter"]
        out = client.get(f"/api/v1/matches/{atletico_inter['id']}/injuries").json()
        assert [(i["player"]["name"], i["status"], i["reason"]) for i in out] == [
            ("J. Oblak", "out", "Broken ankle"), ("L. Paredes", "out", "Suspended"),
            ("R. Lewandowski", "out", "Knee Injury")]
        assert {i["match_id"] for i in out} == {atletico_inter["id"]}
        home = client.get(f"/api/v1/matches/{atletico_inter['id']}/lineups").json()["home"]
        [oblak] = [p["player"]["id"] for p in home if p["player"]["name"] == "J. Oblak"]
        assert out[0]["player"]["id"] == oblak  # the injured player is the one of the line-ups, not a new one
        team_out = client.get(f"/api/v1/teams/{atletico}/injuries").json()
        assert len(team_out) == 3 and {i["match_id"] for i in team_out} == {atletico_inter["id"]}


def test_a_team_merge_takes_the_squad_ground_and_injuries_along(sqlite_engine: Engine) -> None:
    from sqlalchemy import insert

    from matchday.store.team_merge import merge_teams

    load(sqlite_engine, "api-football", TEAMS, REFERENCE / "players_league-39_season-2023_page-1_excerpt.json")
    with sqlite_engine.begin() as conn:
        wolves, united = (conn.execute(select(schema.external_ids.c.internal_id).where(
            schema.external_ids.c.entity == "team", schema.external_ids.c.external_id == key)).scalar_one()
            for key in ("England/39", "England/33"))
        keep = conn.execute(insert(schema.teams).returning(schema.teams.c.id),
                            {"name": "Merged FC", "country": "England"}).scalar_one()
        merge_teams(conn, keep, wolves)
        merge_teams(conn, keep, united)  # a nonsense merge, but it shows the ground moving with its team
        assert set(conn.execute(select(schema.squad_members.c.team_id)).scalars()) == {keep}
        assert conn.execute(select(schema.team_venues.c.team_id).where(schema.team_venues.c.team_id == keep)
                            ).scalar_one() == keep
        assert conn.execute(select(func.count()).select_from(schema.player_profiles)).scalar() == 1


def test_a_squad_naming_its_team_only_by_id_joins_the_team_that_id_stands_for(sqlite_engine: Engine) -> None:
    """``/players/squads`` gives no country: the team is the one this provider keys by that id (England/33)."""
    load(sqlite_engine, "api-football", TEAMS)
    with sqlite_engine.connect() as conn:
        teams_before = conn.execute(select(func.count()).select_from(schema.teams)).scalar()
    doc = json.loads(_answer("players-squads_team-35_excerpt.json"))
    doc["response"][0]["team"] = {"id": 33, "name": "Man Utd (as the squad answer spells it)", "logo": None}
    _write(sqlite_engine, "api-football", PROVIDER.parse("players/squads", {}, json.dumps(doc).encode()))
    with sqlite_engine.connect() as conn:
        united = conn.execute(select(schema.external_ids.c.internal_id).where(
            schema.external_ids.c.entity == "team", schema.external_ids.c.external_id == "England/33")).scalar_one()
        assert conn.execute(select(schema.squad_members.c.team_id)).scalars().all() == [united]
        assert conn.execute(select(func.count()).select_from(schema.teams)).scalar() == teams_before  # none new
